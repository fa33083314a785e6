package cli

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/platform-team/platform/internal/gitx"
	"github.com/platform-team/platform/internal/lint"
	"github.com/platform-team/platform/internal/lint/baseline"
	"github.com/platform-team/platform/internal/lint/report"
)

// BaselineOptions are the adoption flags of `platform lint`.
type BaselineOptions struct {
	// File is --baseline FILE ("" for lint.baseline, relative to the root).
	File string
	// Write is --write-baseline FILE.
	Write string
	// NewSince is --new-since REF.
	NewSince string
	// Summary is --summary: per-rule counts after the report.
	Summary bool
}

// check refuses, before the lint runs, two baselines or a --write-baseline
// that cannot be written.
func (o *BaselineOptions) check() error {
	if o.Write != "" && o.File != "" {
		return flagErrorf("--write-baseline and --baseline both name a baseline: give one")
	}
	if o.Write != "" {
		return checkOutput(o.Write)
	}
	return nil
}

// selectRules returns the --rules globs with lint/baseline-stale added when
// a baseline is used (--baseline, --write-baseline or the configured
// lint.baseline) and globs narrow the rules: stale entries are those of the
// rules that ran, so the rule runs whatever --rules names, unless lint.rules
// turns it off.
func (o *BaselineOptions) selectRules(globs []string, configured string) []string {
	if len(globs) == 0 || o.File == "" && o.Write == "" && configured == "" {
		return globs
	}
	return append(slices.Clip(globs), baseline.StaleRule)
}

func addBaselineFlags(fl *pflag.FlagSet, o *BaselineOptions) {
	fl.StringVar(&o.File, "baseline", "", "report only findings not recorded in the baseline `FILE` (default lint.baseline in platform.yaml)")
	fl.StringVar(&o.Write, "write-baseline", "", "record the current findings in the baseline `FILE`, then report against it")
	fl.StringVar(&o.NewSince, "new-since", "", "report only findings on lines added or changed since the git `REF` (e.g. $CI_MERGE_REQUEST_DIFF_BASE_SHA)")
	fl.BoolVar(&o.Summary, "summary", false, "print the number of findings per rule and severity after the report")
}

// applyBaseline writes the baseline (--write-baseline), leaves out the
// findings the baseline records (--write-baseline, --baseline or
// lint.baseline), adds a lint/baseline-stale warning per entry nothing
// matches, and keeps only findings on lines changed since --new-since.
// paths are the linted paths, configured the lint.baseline setting.
// What was recorded is said on errOut.
func applyBaseline(o *BaselineOptions, errOut io.Writer, paths []string, configured string, res *lint.Result) error {
	if err := o.check(); err != nil {
		return err
	}
	lines := &baseline.Lines{Root: res.Root}
	file := o.File
	switch {
	case o.Write != "":
		b := baseline.New(res.Findings, lines)
		if err := baseline.Write(o.Write, b); err != nil {
			return usageErrorf("--write-baseline %s: %w", o.Write, err)
		}
		file = o.Write
	case file == "" && configured != "":
		file = filepath.Join(res.Root, filepath.FromSlash(configured))
	}
	var stale []lint.Finding
	if file == "" {
		// Without a baseline, lint/baseline-stale judged nothing: reports
		// (SARIF rules, JUnit suites) do not list it.
		res.Rules = slices.DeleteFunc(res.Rules, func(m lint.Meta) bool { return m.ID == baseline.StaleRule })
	} else {
		b, err := baseline.Load(file)
		if err != nil {
			return usageErrorf("%w", err)
		}
		// Entries are stale only when their file was linted: a whole directory.
		whole := len(paths) == 0 || len(paths) == 1 && lintRoot(paths) == paths[0]
		ran := func(e baseline.Entry) bool {
			return whole && slices.ContainsFunc(res.Rules, func(m lint.Meta) bool { return m.ID == e.Rule })
		}
		var unmatched []baseline.Entry
		res.Findings, res.Baselined, unmatched = baseline.Apply(b, res.Findings, lines, ran)
		res.Baseline = rootRel(res.Root, file)
		// lint/baseline-stale ran unless lint.rules turned it off (see selectRules).
		if i := slices.IndexFunc(res.Rules, func(m lint.Meta) bool { return m.ID == baseline.StaleRule }); i >= 0 {
			stale = baseline.Stale(res.Rules[i], res.Baseline, unmatched)
		}
	}
	if o.NewSince != "" {
		changed, err := gitx.ChangedLines(res.Root, o.NewSince)
		if err != nil {
			return usageErrorf("--new-since %s: %w", o.NewSince, err)
		}
		res.Findings = slices.DeleteFunc(res.Findings, func(f lint.Finding) bool {
			ranges, ok := changed[f.Path]
			return !ok || f.Line > 0 && !slices.ContainsFunc(ranges, func(r gitx.LineRange) bool { return r.Contains(f.Line) })
		})
	}
	if len(stale) > 0 {
		res.Findings = append(res.Findings, stale...)
		slices.SortFunc(res.Findings, lint.Compare)
	}
	if o.Write != "" {
		// Said before the report, so a run that records is never mistaken for a clean one.
		fmt.Fprintf(errOut, "Recorded %d findings in %s.\n", len(res.Baselined), o.Write)
	}
	return nil
}

// rootRel is file relative to root, slash-separated, when it is inside it.
func rootRel(root, file string) string {
	if r, err := filepath.Rel(root, file); err == nil && !strings.HasPrefix(r, "..") {
		return filepath.ToSlash(r)
	}
	return filepath.ToSlash(file)
}

// writeRuleSummary prints --summary: on stdout after a text report, on
// stderr when stdout carries a machine-readable report.
func writeRuleSummary(opts *LintOptions, outputs []reportOutput, res *lint.Result) error {
	w := opts.IO.Out
	toStdout := !slices.ContainsFunc(outputs, func(o reportOutput) bool { return o.bare })
	if toStdout && opts.Format != "text" {
		w = opts.IO.ErrOut
	}
	return report.RuleSummary(w, res)
}
