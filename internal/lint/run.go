package lint

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/platform-team/platform/internal/fserr"
)

// Options say what to lint and how.
type Options struct {
	// Paths are the files and directories to lint; none means the current directory.
	// One directory is the root; otherwise the root is the current directory and
	// every path must be inside it.
	Paths []string
	// Rules are every registered rule.
	Rules []Rule
	// Select keeps the rules whose ID matches one of these globs (none: all).
	Select []string
	// Severities override rule severities by ID or glob; SeverityOff turns a rule off.
	Severities map[string]Severity
	// Exclude are globs of paths (relative to the root) left out of the walk.
	Exclude []string
	// Settings are passed to the rules.
	Settings Settings
	// Jobs is the number of workers; 0 means one per CPU.
	Jobs int
	// MaxFileSize is the largest file read, in bytes; 0 means DefaultMaxFileSize.
	// Larger files are reported (lint/skipped), not read.
	MaxFileSize int64

	// open replaces the file opener, for tests that need a read to fail.
	open func(name string) (openedFile, error)
}

// Result is the outcome of a lint run.
type Result struct {
	// Root is the directory finding paths are relative to.
	Root     string
	Findings []Finding
	// Files is how many files were linted.
	Files int
	// Waived counts findings silenced by waivers and lint-ignore annotations.
	Waived int
	// Baselined are the findings left out because a baseline records them,
	// sorted, and Baseline the baseline file (relative to Root when inside
	// it): set by the caller that applies the baseline, see lint/baseline.
	// Reports count them; SARIF and JUnit carry them as suppressed or skipped.
	Baselined []Finding
	Baseline  string
	// Rules are the rules that ran, with their effective severities.
	Rules []Meta
}

// Count returns how many findings have severity s.
func (r *Result) Count(s Severity) int {
	n := 0
	for _, f := range r.Findings {
		if f.Severity == s {
			n++
		}
	}
	return n
}

// RuleSelectionError is a --rules glob, or a lint.rules entry, that matches
// no rule: an input error.
type RuleSelectionError struct {
	Glob       string
	Configured bool // from lint.rules rather than --rules
}

func (e *RuleSelectionError) Error() string {
	if e.Configured {
		return fmt.Sprintf("lint.rules names %q, which matches no rule: see 'platform lint rules'", e.Glob)
	}
	return fmt.Sprintf("--rules %q matches no rule: see 'platform lint rules'", e.Glob)
}

// SelectRules applies the --rules globs and the severity overrides to rules,
// and checks that every glob and override names at least one rule.
func SelectRules(rules []Rule, selected []string, severities map[string]Severity) ([]Rule, error) {
	for _, g := range selected {
		if !slices.ContainsFunc(rules, func(r Rule) bool { return ruleMatch(g, r.Meta().ID) }) {
			return nil, &RuleSelectionError{Glob: g}
		}
	}
	for g := range severities {
		if !slices.ContainsFunc(rules, func(r Rule) bool { return ruleMatch(g, r.Meta().ID) }) {
			return nil, &RuleSelectionError{Glob: g, Configured: true}
		}
	}
	var out []Rule
	for _, r := range rules {
		m := r.Meta()
		if len(selected) > 0 && !slices.ContainsFunc(selected, func(g string) bool { return ruleMatch(g, m.ID) }) {
			continue
		}
		sev := m.Severity
		// An exact ID beats a glob; among globs, the longest (most specific) wins.
		best := -1
		for g, s := range severities {
			score := len(g)
			if g == m.ID {
				score = 1 << 20
			}
			if ruleMatch(g, m.ID) && score > best {
				best, sev = score, s
			}
		}
		if sev == SeverityOff {
			continue
		}
		out = append(out, r.WithSeverity(sev))
	}
	return out, nil
}

// Run walks the paths once, reads each file once, runs the selected rules
// concurrently and returns the findings after waivers and ignores, sorted.
// Only a path that cannot be linted is an error; a broken, unreadable or
// skipped file is a finding. A cancelled ctx stops the walk, the reads and
// the rules, and Run returns ctx's error.
func Run(ctx context.Context, opts Options) (*Result, error) {
	rules, err := SelectRules(opts.Rules, opts.Select, opts.Severities)
	if err != nil {
		return nil, err
	}
	root, rels, whole, err := resolvePaths(opts.Paths)
	if err != nil {
		return nil, err
	}
	rd := &reader{root: root, limit: opts.MaxFileSize, open: opts.open}
	if rd.limit <= 0 {
		rd.limit = DefaultMaxFileSize
	}
	if rd.open == nil {
		rd.open = openNonblocking
	}
	w := &walker{ctx: ctx, root: root, exclude: opts.Exclude, reader: rd}
	named := map[string]bool{}
	for _, rel := range rels {
		abs := filepath.Join(root, filepath.FromSlash(rel))
		info, err := os.Stat(abs)
		switch {
		case err != nil && isLink(abs):
			// The name exists but does not lead to a file: a finding, not a typo.
			w.skips = append(w.skips, skip{path: rel, err: fserr.Cause(err)})
		case err != nil:
			return nil, &PathError{Path: rel, Err: err}
		case info.IsDir():
			if err := w.walk(rel, nil); err != nil {
				if ctxErr := ctx.Err(); ctxErr != nil {
					return nil, ctxErr
				}
				return nil, &PathError{Path: rel, Err: err}
			}
		default:
			w.files = append(w.files, rel)
			named[rel] = true
		}
	}
	files, skips, err := readAll(ctx, rd, w.files, named, opts.Jobs)
	if err != nil {
		return nil, err
	}
	repo := NewRepo(root, opts.Settings, files)
	repo.Whole = whole
	repo.skips = append(w.skips, skips...)
	raw := Check(ctx, repo, rules, opts.Jobs)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res := &Result{Root: root, Files: len(files)}
	for _, r := range rules {
		res.Rules = append(res.Rules, r.Meta())
	}
	res.Findings, res.Waived = suppress(repo, raw)
	return res, nil
}

func isLink(abs string) bool {
	info, err := os.Lstat(abs)
	return err == nil && info.Mode()&fs.ModeSymlink != 0
}

// resolvePaths decides the root and the slash paths below it to walk.
func resolvePaths(paths []string) (root string, rels []string, whole bool, err error) {
	if len(paths) == 0 {
		paths = []string{"."}
	}
	if len(paths) == 1 {
		if info, err := os.Stat(paths[0]); err == nil && info.IsDir() {
			return paths[0], []string{"."}, true, nil
		}
	}
	cwd, err := os.Getwd()
	if err != nil {
		return "", nil, false, err
	}
	for _, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			return "", nil, false, &PathError{Path: p, Err: err}
		}
		rel, err := filepath.Rel(cwd, abs)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return "", nil, false, &PathError{Path: p, Err: errors.New("it is outside the current directory: lint it on its own, or from a directory that contains it")}
		}
		if _, err := os.Lstat(abs); err != nil {
			return "", nil, false, &PathError{Path: p, Err: errors.Unwrap(err)}
		}
		rels = append(rels, path.Clean(filepath.ToSlash(rel)))
	}
	return ".", rels, slices.Contains(rels, "."), nil
}

// readAll reads the walked files on jobs workers. Files that are not read
// (too large, binary, special, unreadable) come back as skips.
func readAll(ctx context.Context, rd *reader, rels []string, named map[string]bool, jobs int) ([]*File, []skip, error) {
	if jobs <= 0 {
		jobs = runtime.GOMAXPROCS(0)
	}
	rels = slices.Compact(slices.Sorted(slices.Values(rels)))
	files := make([]*File, len(rels))
	skips := make([]*skip, len(rels))
	forEachFile(ctx, len(rels), jobs, func() func(i int) {
		return func(i int) { files[i], skips[i] = rd.read(rels[i], named[rels[i]]) }
	})
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	var out []*File
	var skipped []skip
	for i, f := range files {
		switch {
		case f != nil:
			out = append(out, f)
		case skips[i] != nil:
			skipped = append(skipped, *skips[i])
		}
	}
	return out, skipped, nil
}

// suppress drops findings covered by an active waiver or a lint-ignore
// annotation, and counts them.
func suppress(repo *Repo, findings []Finding) ([]Finding, int) {
	now := repo.Settings.Now
	var active []Waiver
	for _, w := range repo.Settings.Waivers {
		if w.active(nowOr(now)) {
			active = append(active, w)
		}
	}
	out := findings[:0:0]
	waived := 0
	for _, f := range findings {
		if f.waived {
			waived++
			continue
		}
		if f.Rule != "lint/waiver" && f.Rule != "lint/ignore" && (slices.ContainsFunc(active, func(w Waiver) bool { return w.covers(f) }) || ignored(repo, f)) {
			waived++
			continue
		}
		out = append(out, f)
	}
	return out, waived
}

func ignored(repo *Repo, f Finding) bool {
	file, ok := repo.File(f.Path)
	if !ok {
		return false
	}
	return slices.ContainsFunc(ignores(file, repo.Settings.AnnotationPrefix), func(e ignoreEntry) bool { return e.covers(f) })
}
