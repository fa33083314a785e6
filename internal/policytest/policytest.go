// Package policytest runs the unit tests of Rego policies, the `test_*`
// rules of their `*_test.rego` files, as `opa test` and `conftest verify`
// do: every .rego file below a directory is compiled together, with the
// YAML/JSON data documents of the data directories (conftest's --data), and
// each test rule passes when it is defined and true.
//
// It is `platform policy test`'s engine; `platform lint` evaluates the same
// policies against a repository's documents.
package policytest

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/loader"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/tester"
	"github.com/open-policy-agent/opa/v1/topdown"
)

// EnvTimeout names the environment variable that overrides DefaultTimeout:
// a Go duration such as 30s.
const EnvTimeout = "PLATFORM_POLICY_TIMEOUT"

// DefaultTimeout is how long one test may evaluate before it fails: a
// runaway test (a huge comprehension, a deep recursion through data) fails
// instead of hanging the run.
const DefaultTimeout = 5 * time.Second

// Options say what to test.
type Options struct {
	// Dir is the directory (or one .rego file) whose .rego files are
	// compiled together; their test_* rules are the tests.
	Dir string
	// DataDirs hold YAML/JSON data documents, loaded under data as
	// conftest's --data loads them: the top-level keys of every file, in
	// whichever subdirectory, at data's root (two files setting one key to
	// different values are an error).
	DataDirs []string
	// RegoV0 parses the modules as Rego v0 (no `if`/`contains` keywords
	// required) instead of Rego v1.
	RegoV0 bool
	// Timeout bounds each test's evaluation; zero means DefaultTimeout.
	Timeout time.Duration
}

// Result is the outcome of one test rule.
type Result struct {
	// Name is the rule's name, e.g. test_deny_latest_image.
	Name string `json:"name"`
	// Package is the rule's package, e.g. data.gitlabci.
	Package string `json:"package"`
	// File and Line locate the rule.
	File string `json:"file"`
	Line int    `json:"line"`
	// Pass is true when the rule is defined and true.
	Pass bool `json:"pass"`
	// Skipped is true for a todo_test_* rule, which is not run.
	Skipped bool `json:"skipped,omitempty"`
	// Error says why the test could not be evaluated (a conflict, a
	// builtin error, the timeout); a test with an error fails.
	Error string `json:"error,omitempty"`
	// Output is what the test printed with print(), kept for failed tests.
	Output string `json:"output,omitempty"`
}

// Report is the outcome of a run, its results in file, line and name order.
type Report struct {
	Results []Result
}

// Counts returns how many tests passed, failed and were skipped.
func (r *Report) Counts() (passed, failed, skipped int) {
	for _, res := range r.Results {
		switch {
		case res.Skipped:
			skipped++
		case res.Pass:
			passed++
		default:
			failed++
		}
	}
	return passed, failed, skipped
}

// Problem is one parse or compile error, at a place in a .rego file.
type Problem struct {
	File    string
	Line    int
	Message string
}

func (p Problem) String() string {
	switch {
	case p.File != "" && p.Line > 0:
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Message)
	case p.File != "":
		return p.File + ": " + p.Message
	}
	return p.Message
}

// CompileError reports the Rego modules (or data documents) that do not
// parse or compile: the tests cannot run.
type CompileError struct {
	Problems []Problem
	// RegoV0Hint is set when the errors look like Rego v0 syntax read as v1.
	RegoV0Hint bool
}

func (e *CompileError) Error() string {
	lines := make([]string, 0, len(e.Problems)+1)
	for _, p := range e.Problems {
		lines = append(lines, p.String())
	}
	if e.RegoV0Hint {
		lines = append(lines, "hint: these policies look like Rego v0: run with --rego-v0, or rewrite them as v1 (opa fmt --write --v0-v1)")
	}
	return strings.Join(lines, "\n")
}

// DirError reports a test directory or data directory that cannot be read.
type DirError struct {
	Path string
	Err  error
}

func (e *DirError) Error() string { return fmt.Sprintf("%s: %v", e.Path, e.Err) }
func (e *DirError) Unwrap() error { return e.Err }

// Run compiles the .rego files below opts.Dir and runs their tests. The
// error is a *DirError or *CompileError when the tests cannot run, or the
// context's error when it is cancelled; failing tests are in the report.
func Run(ctx context.Context, opts Options) (*Report, error) {
	for _, dir := range append([]string{opts.Dir}, opts.DataDirs...) {
		if _, err := os.Stat(dir); err != nil {
			return nil, &DirError{Path: dir, Err: unwrapPathError(err)}
		}
	}
	version := ast.RegoV1
	if opts.RegoV0 {
		version = ast.RegoV0
	}
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}

	policies, err := loader.NewFileLoader().
		WithRegoVersion(version).
		WithProcessAnnotation(true).
		Filtered([]string{opts.Dir}, onlyExtensions(".rego"))
	if err != nil {
		return nil, loadError(err, !opts.RegoV0)
	}
	documents := map[string]any{}
	if len(opts.DataDirs) > 0 {
		// As conftest does: the files first, then each file loaded on its
		// own, so that its keys land at data's root whatever its directory.
		files, err := loader.FilteredPaths(opts.DataDirs, onlyExtensions(".yaml", ".yml", ".json"))
		if err != nil {
			return nil, loadError(err, false)
		}
		sort.Strings(files)
		data, err := loader.NewFileLoader().All(files)
		if err != nil {
			return nil, loadError(err, false)
		}
		documents = data.Documents
	}
	modules := make(map[string]*ast.Module, len(policies.Modules))
	for name, m := range policies.Modules {
		modules[name] = m.Parsed
	}
	if len(modules) == 0 {
		return &Report{}, nil
	}

	store := inmem.NewFromObject(documents)
	txn, err := store.NewTransaction(ctx)
	if err != nil {
		return nil, fmt.Errorf("policy data: %w", err)
	}
	defer store.Abort(ctx, txn)

	runner := tester.NewRunner().
		SetStore(store).
		SetModules(modules).
		SetDefaultRegoVersion(version).
		SetTimeout(timeout).
		CapturePrintOutput(true)
	ch, err := runner.RunTests(ctx, txn)
	if err != nil {
		return nil, loadError(err, !opts.RegoV0)
	}
	report := &Report{}
	for tr := range ch {
		report.Results = append(report.Results, result(tr, timeout))
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	sort.Slice(report.Results, func(i, j int) bool {
		a, b := report.Results[i], report.Results[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Name < b.Name
	})
	return report, nil
}

// result turns the tester's result into ours.
func result(tr *tester.Result, timeout time.Duration) Result {
	r := Result{Name: tr.Name, Package: tr.Package, Pass: tr.Pass(), Skipped: tr.Skip}
	if tr.Location != nil {
		r.File, r.Line = tr.Location.File, tr.Location.Row
	}
	if tr.Error != nil {
		r.Error = tr.Error.Error()
		if topdown.IsCancel(tr.Error) {
			r.Error = fmt.Sprintf("timed out after %s (raise it with %s)", timeout, EnvTimeout)
		}
	}
	if !r.Pass && !r.Skipped {
		r.Output = strings.TrimRight(string(tr.Output), "\n")
	}
	return r
}

// onlyExtensions is a loader filter keeping the files with one of exts and
// every directory but hidden ones (.git).
func onlyExtensions(exts ...string) loader.Filter {
	return func(_ string, info fs.FileInfo, depth int) bool {
		if info.IsDir() {
			return depth > 0 && strings.HasPrefix(info.Name(), ".")
		}
		ext := filepath.Ext(info.Name())
		for _, e := range exts {
			if ext == e {
				return false
			}
		}
		return true
	}
}

// loadError turns the loader's and the compiler's errors into a
// CompileError with one problem per error, in file and line order.
func loadError(err error, v1 bool) error {
	var problems []Problem
	var add func(error)
	add = func(err error) {
		var astErrs ast.Errors
		var astErr *ast.Error
		var loadErrs loader.Errors
		switch {
		case errors.As(err, &loadErrs):
			for _, e := range loadErrs {
				add(e)
			}
		case errors.As(err, &astErrs):
			for _, e := range astErrs {
				add(e)
			}
		case errors.As(err, &astErr):
			p := Problem{Message: astErr.Message}
			if astErr.Location != nil {
				p.File, p.Line = astErr.Location.File, astErr.Location.Row
			}
			if astErr.Details != nil {
				for _, l := range astErr.Details.Lines() {
					p.Message += "\n\t" + l
				}
			}
			problems = append(problems, p)
		default:
			problems = append(problems, Problem{Message: err.Error()})
		}
	}
	add(err)
	sort.SliceStable(problems, func(i, j int) bool {
		if problems[i].File != problems[j].File {
			return problems[i].File < problems[j].File
		}
		return problems[i].Line < problems[j].Line
	})
	ce := &CompileError{Problems: problems}
	if v1 {
		for _, p := range problems {
			if strings.Contains(p.Message, "keyword is required") || strings.Contains(p.Message, "`if` keyword") {
				ce.RegoV0Hint = true
			}
		}
	}
	return ce
}

// unwrapPathError drops the *fs.PathError's repetition of the path.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
