package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/platform-team/platform/internal/atomicfile"
	"github.com/platform-team/platform/internal/bytesize"
	"github.com/platform-team/platform/internal/config"
	"github.com/platform-team/platform/internal/iostreams"
	"github.com/platform-team/platform/internal/lint"
	"github.com/platform-team/platform/internal/lint/report"
)

// LintOptions are the inputs of `platform lint`.
type LintOptions struct {
	IO               *iostreams.IOStreams
	Version          string
	AnnotationPrefix string
	Now              func() time.Time
	// CI is set when running in CI (CI or GITLAB_CI is true): the text report
	// is then plain, without colors, unless CLICOLOR_FORCE asks for them.
	CI bool
	// GitLabCI is set in a GitLab CI job (GITLAB_CI=true): the text report on
	// stdout groups each file's findings in a collapsible job-log section.
	GitLabCI bool
	// ForceColor is CLICOLOR_FORCE: colors even in CI (never over NO_COLOR or --no-color).
	ForceColor bool
	// MaxFileSize is PLATFORM_LINT_MAX_FILE_SIZE as given ("" for the default):
	// larger files are reported as lint/skipped, not read.
	MaxFileSize string
	// Config holds the settings, with the root's platform.yaml (or --config
	// FILE) as Config.Service; nil means the defaults.
	Config *config.Config
	// GitLabProject is the linted repository's GitLab project, "" when unknown.
	GitLabProject string

	Paths  []string
	Format string
	// Output is each --output: FILE (the --format report, instead of on
	// stdout) or FORMAT=FILE (another report of the same walk).
	Output     []string
	FailOn     string
	Rules      []string
	ConfigFile string
	// Policy are the Rego policy flags and settings.
	Policy PolicyOptions
	// Baseline are the adoption flags: --baseline, --write-baseline, --new-since, --summary.
	Baseline BaselineOptions
}

func newLintCmd(f *Factory, runF func(context.Context, *LintOptions) error) *cobra.Command {
	opts := &LintOptions{}
	cmd := &cobra.Command{
		Use:   "lint [PATH...]",
		Short: "Lint docs, catalog-info.yaml, Kubernetes manifests, .gitlab-ci.yml and secrets",
		Long: `Lint a service repository the way its CI does: Backstage catalog entities,
TechDocs and READMEs, Kubernetes manifests, .gitlab-ci.yml, and committed secrets,
in one walk of the tree and one report.

With one directory (default "."), that directory is the root: finding paths are
relative to it and repository-wide rules (a README exists) run. With files or
several paths, the root is the current directory.

Settings come from platform.yaml at the root (or --config FILE):

  lint:
    failOn: warning                      # error (default), warning, info or none
    rules: {k8s/probes: error, docs/readme-sections: off}
    exclude: ["testdata/**"]
    waivers:
      - {rule: k8s/resources, path: deploy/base/job.yaml, reason: "...", expires: 2027-03-01}
    policies: [policy, "https://gitlab.example.com/security/policies.git//k8s@v1.4.0"]
    policyData: [policy-data]              # YAML/JSON merged under data
    policyNamespaces: [main]               # Rego packages whose rules run
    policyFiles: ["deploy/**/*.yaml"]      # files the policies see (default all YAML/JSON)
    regoVersion: v1                        # or v0
    baseline: lint-baseline.json           # as --baseline FILE

Rego policies (--policy DIR, lint.policies) run with conftest's semantics: the
deny, violation and warn rules (and deny_<name>...) of the namespaces are the rules
policy/<namespace>/<rule>, evaluated on every YAML/JSON document; exception rules
waive them. A policy that does not compile is exit 2 with file:line; one that
fails on a document is a policy/error finding. Each document has 5s
(PLATFORM_POLICY_TIMEOUT). See docs/policy.md.

Files ignored by .gitignore, .git/, vendor/, node_modules/ and *.tmpl files are
skipped. Files over 4 MiB (PLATFORM_LINT_MAX_FILE_SIZE, e.g. 16MiB), binary files
and FIFOs or other special files are not read: each is an info finding (lint/skipped).
A file that cannot be read is an error finding (lint/unreadable).

To adopt lint on an existing repository, --write-baseline FILE records today's
findings; --baseline FILE (or lint.baseline) then reports only findings not
recorded, counts the others as baselined, and warns (lint/baseline-stale) about
entries nothing matches any more, so the baseline only shrinks. --new-since REF
reports only findings on lines added or changed since a git revision. --summary
prints the findings per rule after the report. See docs/lint.md.

A Kubernetes object can opt out of a rule with the annotation
<annotationPrefix>/lint-ignore: "<rule>: <reason>".

Exit codes: 0 no finding at or above --fail-on, 1 findings at or above it,
2 usage or configuration error. A malformed file is a finding, not an error.`,
		Example: `  platform lint
  platform lint --format codequality --output gl-code-quality-report.json
  platform lint --rules 'k8s/*' deploy/
  platform lint --fail-on warning --format sarif --output platform.sarif
  platform lint --policy policy --policy-data policy-data --rules 'policy/*'
  platform lint --output codequality=gl-code-quality-report.json --output junit=platform-lint-junit.xml`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.IO = f.IOStreams
			opts.Paths = args
			opts.Version = versionString(f.Build)
			opts.AnnotationPrefix = f.Config.AnnotationPrefix
			opts.Now = f.Now
			opts.CI, opts.GitLabCI = detectCI(f.Getenv)
			opts.ForceColor = iostreams.EnvTrue(f.Getenv("CLICOLOR_FORCE"))
			opts.MaxFileSize = f.Getenv("PLATFORM_LINT_MAX_FILE_SIZE")
			opts.Config = f.Config
			opts.GitLabProject = f.GitLabTarget(GitLabOptions{}).ProjectOrNone(lintRoot(args))
			var err error
			if opts.Policy.Timeout, err = policyTimeout(f.Getenv); err != nil {
				return err
			}
			opts.Policy.Resolver = f.Resolver
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runLint(cmd.Context(), opts)
		},
	}
	// The global --config is shadowed: here it names the lint settings file.
	inService(f, cmd, func(_ *cobra.Command, args []string) (string, string) { return lintRoot(args), opts.ConfigFile })
	fl := cmd.Flags()
	fl.StringVar(&opts.Format, "format", "text", "report format: "+strings.Join(report.Formats, ", "))
	fl.StringArrayVarP(&opts.Output, "output", "o", nil, "write the --format report to `FILE` instead of stdout, or a FORMAT=FILE report besides it (repeatable)")
	fl.StringVar(&opts.FailOn, "fail-on", "", "lowest severity that fails: error, warning, info or none (default from platform.yaml, else error)")
	fl.StringSliceVar(&opts.Rules, "rules", nil, "run only the rules matching these `GLOBS` (comma-separated), e.g. 'catalog/*,k8s/image-*'")
	fl.StringVar(&opts.ConfigFile, "config", "", "read lint settings from `FILE` instead of the root's platform.yaml")
	addPolicyFlags(fl, &opts.Policy)
	addBaselineFlags(fl, &opts.Baseline)
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(report.Formats, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("rules", completeRuleIDs)
	_ = cmd.RegisterFlagCompletionFunc("fail-on", cobra.FixedCompletions([]string{"error", "warning", "info", "none"}, cobra.ShellCompDirectiveNoFileComp))
	cmd.AddCommand(newLintRulesCmd(f, nil))
	return cmd
}

func runLint(ctx context.Context, opts *LintOptions) error {
	if !report.Known(opts.Format) {
		return flagErrorf("unknown --format %q: want one of %s", opts.Format, strings.Join(report.Formats, ", "))
	}
	outputs, err := parseOutputs(opts.Format, opts.Output)
	if err != nil {
		return err
	}
	for _, o := range outputs {
		if err := checkOutput(o.file); err != nil {
			return err
		}
	}
	if err := opts.Baseline.check(); err != nil {
		return err
	}
	var maxSize int64 // 0: the engine's default
	if opts.MaxFileSize != "" {
		n, err := bytesize.Parse(opts.MaxFileSize)
		if err != nil {
			return usageErrorf("PLATFORM_LINT_MAX_FILE_SIZE %q: %w", opts.MaxFileSize, err)
		}
		maxSize = n
	}
	root := lintRoot(opts.Paths)
	svc, svcFile, err := lintSettings(opts.Config, root, opts.ConfigFile)
	if err != nil {
		return usageErrorf("%w", err)
	}
	failOn, err := failThreshold(opts.FailOn, svc.Lint.FailOn)
	if err != nil {
		return flagErrorf("%w", err)
	}
	severities, err := lint.ParseSeverities(svc.Lint.Rules)
	if err != nil {
		return usageErrorf("%s: %w", svcFile, err)
	}
	settings := lint.Settings{
		AnnotationPrefix: opts.AnnotationPrefix,
		ReadmeSections:   orDefault(svc.Lint.ReadmeSections, lint.DefaultReadmeSections),
		Lifecycles:       orDefault(svc.Lint.Lifecycles, lint.DefaultLifecycles),
		CatalogKinds:     svc.Catalog.Kinds,
		GitLabProject:    opts.GitLabProject,
		WaiverFile:       svcFile,
		Now:              opts.Now(),
	}
	for _, w := range svc.Lint.Waivers {
		settings.Waivers = append(settings.Waivers, lint.Waiver{Rule: w.Rule, Path: w.Path, Reason: w.Reason, Expires: w.Expires, Line: w.Line})
	}
	policies, err := loadPolicies(ctx, &opts.Policy, svc.Lint, root)
	if err != nil {
		return err // a *policy.LoadError exits 2, a *scaffold.CloneError 3
	}
	res, err := lint.Run(ctx, lint.Options{
		Paths:       opts.Paths,
		Rules:       withPolicies(policies),
		Select:      opts.Baseline.selectRules(opts.Rules, svc.Lint.Baseline),
		Severities:  severities,
		Exclude:     svc.Lint.Exclude,
		Settings:    settings,
		MaxFileSize: maxSize,
	})
	if err != nil {
		return err // a *lint.PathError or *lint.RuleSelectionError exits 2
	}
	if err := applyBaseline(&opts.Baseline, opts.IO.ErrOut, opts.Paths, svc.Lint.Baseline, res); err != nil {
		return err
	}
	if err := writeReport(opts, outputs, res); err != nil {
		return err
	}
	if opts.Baseline.Summary {
		if err := writeRuleSummary(opts, outputs, res); err != nil {
			return err
		}
	}
	if failed(res, failOn) {
		return &SilentError{Code: ExitCheckFailed}
	}
	return nil
}

// reportOutput is one report file: its format and path.
type reportOutput struct {
	format, file string
	// bare is an --output FILE: the --format report, instead of on stdout.
	bare bool
}

// parseOutputs reads the --output values: FILE is the --format report,
// FORMAT=FILE another report, where FORMAT is a word (letters, digits, -
// or _); any other value with "=" is a file name. Two reports cannot share a file.
func parseOutputs(format string, values []string) ([]reportOutput, error) {
	var outs []reportOutput
	seen := map[string]string{}
	for _, v := range values {
		o := reportOutput{format: format, file: v, bare: true}
		if f, file, ok := strings.Cut(v, "="); ok && isFormatWord(f) {
			if !report.Known(f) {
				return nil, flagErrorf("--output %s: unknown format %q: want FORMAT=FILE with FORMAT one of %s", v, f, strings.Join(report.Formats, ", "))
			}
			if file == "" {
				return nil, flagErrorf("--output %s: no file: want FORMAT=FILE, e.g. %s=lint-report", v, f)
			}
			o = reportOutput{format: f, file: file}
		}
		if o.file == "" {
			return nil, flagErrorf("--output needs a FILE or FORMAT=FILE")
		}
		key := filepath.Clean(o.file)
		if abs, err := filepath.Abs(o.file); err == nil {
			key = abs
		}
		if prev, ok := seen[key]; ok {
			return nil, flagErrorf("--output %s: %s already gets the %s report: give each report its own file", v, o.file, prev)
		}
		seen[key] = o.format
		outs = append(outs, o)
	}
	return outs, nil
}

func isFormatWord(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// checkOutput refuses an --output that cannot be written as a file, before
// the lint runs: a directory, or a file in a directory that does not exist.
func checkOutput(output string) error {
	if info, err := os.Stat(output); err == nil && info.IsDir() {
		return usageErrorf("--output %s is a directory: name a file, e.g. %s", output, filepath.Join(output, "lint-report.json"))
	}
	if info, err := os.Stat(filepath.Dir(output)); err != nil || !info.IsDir() {
		return usageErrorf("--output %s: directory %s does not exist", output, filepath.Dir(output))
	}
	return nil
}

// lintRoot is the root of a lint of paths: the one directory given, else ".".
func lintRoot(paths []string) string {
	if len(paths) == 1 {
		if info, err := os.Stat(paths[0]); err == nil && info.IsDir() {
			return paths[0]
		}
	}
	return "."
}

// lintSettings returns the lint settings config loaded (--config FILE, else
// platform.yaml at the root when there is one), and the file name findings
// should point at.
func lintSettings(cfg *config.Config, root, file string) (*config.Service, string, error) {
	switch {
	case cfg == nil:
		return &config.Service{}, config.ServiceFileName, nil
	case errors.Is(cfg.ServiceErr, fs.ErrNotExist):
		return nil, "", fmt.Errorf("--config %s: no such file", file)
	case cfg.ServiceErr != nil:
		return nil, "", cfg.ServiceErr
	}
	svc := cfg.Service
	rel := config.ServiceFileName
	if file != "" {
		rel = filepath.ToSlash(file)
		if r, err := filepath.Rel(root, file); err == nil && !strings.HasPrefix(r, "..") {
			rel = filepath.ToSlash(r)
		}
	}
	return svc, rel, nil
}

func failThreshold(flag, configured string) (lint.Severity, error) {
	v := flag
	if v == "" {
		v = configured
	}
	if v == "" {
		v = "error"
	}
	if v == "none" {
		return lint.SeverityOff, nil
	}
	sev, err := lint.ParseSeverity(v)
	if err != nil || sev == lint.SeverityOff {
		return 0, fmt.Errorf("--fail-on %q: want error, warning, info or none", v)
	}
	return sev, nil
}

func failed(res *lint.Result, threshold lint.Severity) bool {
	if threshold == lint.SeverityOff {
		return false
	}
	for _, f := range res.Findings {
		if f.Severity >= threshold {
			return true
		}
	}
	return false
}

func orDefault(v, def []string) []string {
	if len(v) > 0 {
		return v
	}
	return def
}

// detectCI reports whether the process runs in CI, and in GitLab CI. CI=true
// is set by GitLab, GitHub Actions and most other CI systems.
func detectCI(getenv func(string) string) (ci, gitlab bool) {
	gitlab = iostreams.EnvTrue(getenv("GITLAB_CI"))
	return gitlab || iostreams.EnvTrue(getenv("CI")), gitlab
}

// writeReport writes the --format report to stdout, unless an --output
// FILE takes it, and each --output report atomically to its file with a
// summary line on stderr. A CI job log gets no colors unless forced, and a
// GitLab job log gets collapsible sections; a report file gets neither.
func writeReport(opts *LintOptions, outputs []reportOutput, res *lint.Result) error {
	ropts := report.Options{
		Tool:           report.Tool{Name: "platform", Version: opts.Version, RulesURI: "https://platform.example.com/docs/rules/"},
		Color:          opts.IO.ColorEnabled() && (!opts.CI || opts.ForceColor),
		GitLabSections: opts.GitLabCI,
		Now:            opts.Now,
	}
	if !slices.ContainsFunc(outputs, func(o reportOutput) bool { return o.bare }) {
		if err := report.Write(opts.IO.Out, opts.Format, res, ropts); err != nil {
			return err
		}
	}
	ropts.Color = false
	ropts.GitLabSections = false
	for _, o := range outputs {
		var reportErr error
		err := atomicfile.WriteFunc(o.file, 0o644, func(w io.Writer) error {
			reportErr = report.Write(w, o.format, res, ropts)
			return reportErr
		})
		switch {
		case reportErr != nil:
			return fmt.Errorf("%s report: %w", o.format, reportErr)
		case err != nil:
			// The file is the user's to fix: a read-only directory, a full disk.
			return usageErrorf("--output %s: %w", o.file, err)
		}
		fmt.Fprintf(opts.IO.ErrOut, "%s (%s report in %s)\n", report.SummaryLine(res), o.format, o.file)
	}
	return nil
}
