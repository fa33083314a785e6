package scaffold

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"text/template"
	"time"

	"github.com/platform-team/platform/internal/bytesize"
	"github.com/platform-team/platform/internal/gitpath"
	"github.com/platform-team/platform/internal/glob"
)

// TemplateSuffix marks skeleton files whose content is rendered; it is dropped from the output name.
const TemplateSuffix = ".tmpl"

// RenderError is a problem in a template file, with the line it is on.
type RenderError struct {
	// File is the template file, relative to the template directory (e.g. skeleton/main.go.tmpl).
	File string
	// Line is 1-based, 0 when unknown.
	Line int
	Msg  string
	// Err is ErrOverBudget when the render ran out of time or bytes, else nil.
	Err error
}

// ErrOverBudget is wrapped by the RenderError of a render that ran out of time
// or bytes: retrying with other values will not help, and the abandoned
// execution may still be running.
var ErrOverBudget = errors.New("render budget exhausted")

func (e *RenderError) Unwrap() error { return e.Err }

func (e *RenderError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// text/template errors read "template: NAME:LINE[:COL]: message".
var templateErrPattern = regexp.MustCompile(`^template: (.*?):(\d+):(?:\d+:)? ?(.*)$`)

func renderError(file string, err error) error {
	m := templateErrPattern.FindStringSubmatch(err.Error())
	if m == nil {
		return &RenderError{File: file, Msg: strings.TrimPrefix(err.Error(), "template: ")}
	}
	line, _ := strconv.Atoi(m[2])
	msg := m[3]
	// Execution errors repeat the location ("executing \"f\" at <.x>: ..."); keep the useful part.
	if i := strings.Index(msg, "executing "); i == 0 {
		if j := strings.Index(msg, ": "); j > 0 {
			msg = msg[j+2:]
		}
	}
	return &RenderError{File: file, Line: line, Msg: msg}
}

// Environment variables that change the render budget; internal/cli reads
// them, the errors name them so the user knows what to raise.
const (
	EnvRenderTimeout  = "PLATFORM_RENDER_TIMEOUT"
	EnvRenderMaxBytes = "PLATFORM_RENDER_MAX_BYTES"
)

// Default render budget: generous for any real template (the embedded ones
// render in milliseconds and well under a megabyte), small enough that a
// runaway template fails in seconds instead of eating the machine.
const (
	DefaultRenderTimeout  = 10 * time.Second
	DefaultRenderMaxBytes = 128 << 20
	// fileShare: one file may use an eighth of the total (16 MiB by default).
	// Derived rather than fixed, so raising the total for a large template
	// raises the per-file cap with it.
	fileShare = 8
)

// Budget bounds one render: a template is code from whoever wrote it, and a
// loop such as {{ range 100000000000000 }}{{ end }} must end in a clear error,
// not hang or fill the memory. Zero fields take the defaults.
type Budget struct {
	// Timeout is for the whole render: all files, paths and conditions together.
	Timeout time.Duration
	// MaxBytes is the total output; one file (and any one function result)
	// may use MaxBytes/8 of it.
	MaxBytes int64
}

func (b Budget) withDefaults() Budget {
	if b.Timeout <= 0 {
		b.Timeout = DefaultRenderTimeout
	}
	if b.MaxBytes <= 0 {
		b.MaxBytes = DefaultRenderMaxBytes
	}
	return b
}

// FileMaxBytes is what one rendered file may hold.
func (b Budget) FileMaxBytes() int64 {
	return max(b.withDefaults().MaxBytes/fileShare, 1)
}

// RenderOptions are the inputs of Render besides the template and the values.
type RenderOptions struct {
	// PlatformVersion is shown to templates as .platform.version.
	PlatformVersion string
	Budget          Budget
}

// errTimeBudget is the cause of a render's context when its time is up.
var errTimeBudget = errors.New("render time budget exhausted")

// renderer renders one template's strings and files with one data set.
type renderer struct {
	// set carries the function map, checked once; every file is parsed into it
	// under its own name. Checking sprig's map per file tripled the render time;
	// the price is that a {{ define }} in one file is visible to the files after it.
	set  *template.Template
	data map[string]any

	// ctx ends when the time budget is over or the user interrupts.
	ctx    context.Context
	budget Budget
	// used counts the bytes rendered so far, for the total cap.
	used int64
	// stopped tells an abandoned execution to fail at its next write or
	// function call; one stuck in an empty loop runs until the process exits.
	stopped *atomic.Bool
}

// newRenderer returns a renderer and a function that releases its timer.
func newRenderer(ctx context.Context, t *Template, values Values, platformVersion string, budget Budget) (*renderer, context.CancelFunc) {
	budget = budget.withDefaults()
	ctx, cancel := context.WithTimeoutCause(ctx, budget.Timeout, errTimeBudget)
	stopped := &atomic.Bool{}
	r := &renderer{
		set: template.New("").Funcs(funcMap(funcLimits{bytes: budget.FileMaxBytes(), stopped: stopped})).Option("missingkey=error"),
		data: map[string]any{
			"values": map[string]any(values),
			"template": map[string]any{
				"name":    t.Manifest.Metadata.Name,
				"title":   t.Manifest.Metadata.Title,
				"version": t.Manifest.Spec.Version,
				"path":    t.Manifest.Spec.Path,
			},
			"platform": map[string]any{"version": platformVersion},
		},
		ctx:     ctx,
		budget:  budget,
		stopped: stopped,
	}
	return r, func() {
		stopped.Store(true)
		cancel()
	}
}

// capWriter collects one execution's output and fails past its cap. The cap
// must be checked while writing: an empty loop body writes nothing, but a
// loop around {{ "x" }} writes forever.
type capWriter struct {
	buf     bytes.Buffer
	limit   int64
	total   bool // the limit is what remains of the render's total
	stopped *atomic.Bool
}

// errOverCap is returned by capWriter; execute turns it into a RenderError.
type errOverCap struct{ total bool }

func (e *errOverCap) Error() string { return "output over budget" }

func (w *capWriter) Write(p []byte) (int, error) {
	if w.stopped.Load() {
		return 0, errStopped
	}
	if int64(w.buf.Len())+int64(len(p)) > w.limit {
		return 0, &errOverCap{total: w.total}
	}
	return w.buf.Write(p)
}

// execute renders text as a template named file (used in error messages),
// within the render's budget. text/template cannot be interrupted, so it runs
// in a goroutine that execute stops waiting for when the time is up or the
// user interrupts; that goroutine fails at its next write or function call,
// or, stuck in an empty loop, dies with the process, which is about to exit.
func (r *renderer) execute(file, text string) ([]byte, error) {
	if err := r.stop(file); err != nil {
		return nil, err
	}
	tmpl, err := r.set.New(file).Parse(text)
	if err != nil {
		return nil, renderError(file, err)
	}
	fileMax := r.budget.FileMaxBytes()
	remaining := r.budget.MaxBytes - r.used
	w := &capWriter{limit: min(fileMax, remaining), total: remaining < fileMax, stopped: r.stopped}
	done := make(chan error, 1)
	go func() {
		defer func() {
			// A runtime error in text/template itself is re-panicked there;
			// in this goroutine it would end the process with a stack trace.
			if p := recover(); p != nil {
				done <- &RenderError{File: file, Msg: fmt.Sprintf("template failed: %v", p)}
			}
		}()
		done <- tmpl.Execute(w, r.data)
	}()
	select {
	case err = <-done:
	case <-r.ctx.Done():
		r.stopped.Store(true)
		return nil, r.stop(file)
	}
	var over *errOverCap
	switch {
	case errors.As(err, &over) && over.total:
		return nil, r.overTotal(file)
	case errors.As(err, &over):
		return nil, &RenderError{File: file, Err: ErrOverBudget, Msg: fmt.Sprintf("rendered more than %s, the most one file may hold (an eighth of %s)", bytesize.Format(fileMax), EnvRenderMaxBytes)}
	case err != nil:
		var re *RenderError
		if errors.As(err, &re) {
			return nil, err
		}
		return nil, renderError(file, err)
	}
	r.used += int64(w.buf.Len())
	return w.buf.Bytes(), nil
}

func (r *renderer) overTotal(file string) error {
	return &RenderError{File: file, Err: ErrOverBudget, Msg: fmt.Sprintf("the template rendered more than %s in total (%s)", bytesize.Format(r.budget.MaxBytes), EnvRenderMaxBytes)}
}

// stop reports why the render cannot go on, or nil. An interrupt wraps
// context.Canceled, so the command exits 130 "Interrupted".
func (r *renderer) stop(file string) error {
	if r.ctx.Err() == nil {
		return nil
	}
	if errors.Is(context.Cause(r.ctx), errTimeBudget) {
		return &RenderError{File: file, Err: ErrOverBudget, Msg: fmt.Sprintf("rendering took longer than %s (%s)", r.budget.Timeout, EnvRenderTimeout)}
	}
	return fmt.Errorf("render %s: %w", file, r.ctx.Err())
}

// truth renders a condition and reports whether it came out "true".
func (r *renderer) truth(file, cond string) (bool, error) {
	out, err := r.execute(file, cond)
	if err != nil {
		return false, err
	}
	switch s := strings.TrimSpace(string(out)); s {
	case "true":
		return true, nil
	case "false", "":
		return false, nil
	default:
		return false, &RenderError{File: file, Msg: fmt.Sprintf("condition %q rendered %q: want true or false", cond, s)}
	}
}

// renderPath renders each segment of a skeleton-relative path. An empty result
// for any segment means the file is skipped (ok is false).
func (r *renderer) renderPath(file, rel string) (out string, ok bool, err error) {
	if !strings.Contains(rel, "{{") {
		return rel, true, nil
	}
	segs := strings.Split(rel, "/")
	for i, seg := range segs {
		if !strings.Contains(seg, "{{") {
			continue
		}
		b, err := r.execute(file+" (path)", seg)
		if err != nil {
			return "", false, err
		}
		if len(b) == 0 {
			return "", false, nil
		}
		segs[i] = string(b)
	}
	return strings.Join(segs, "/"), true, nil
}

// Render renders the template's skeleton with values into a plan of files,
// within opts.Budget. Nothing is written. When ctx is cancelled the error
// wraps context.Canceled; an exhausted budget is a RenderError naming the file.
func Render(ctx context.Context, t *Template, values Values, opts RenderOptions) (*Plan, error) {
	r, release := newRenderer(ctx, t, values, opts.PlatformVersion, opts.Budget)
	defer release()
	active, err := r.activeConditions(t.Manifest.Spec.Conditions)
	if err != nil {
		return nil, err
	}
	plan := &Plan{}
	err = fs.WalkDir(t.FS, SkeletonDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := r.stop(p); err != nil {
			return err
		}
		if d.Type()&fs.ModeSymlink != 0 {
			return &RenderError{File: p, Msg: "is a symbolic link: a skeleton holds regular files only (copy the target instead)"}
		}
		if d.IsDir() {
			return nil
		}
		if !d.Type().IsRegular() {
			return &RenderError{File: p, Msg: "is not a regular file"}
		}
		rel := strings.TrimPrefix(p, SkeletonDir+"/")
		out, ok, err := r.renderPath(p, rel)
		if err != nil || !ok {
			return err
		}
		isTemplate := strings.HasSuffix(out, TemplateSuffix)
		out = strings.TrimSuffix(out, TemplateSuffix)
		if err := checkOutputPath(out); err != nil {
			return &RenderError{File: p, Msg: err.Error()}
		}
		for _, c := range active {
			if !c.keep && c.matches(out) {
				return nil
			}
		}
		data, err := fs.ReadFile(t.FS, p)
		if err != nil {
			return fmt.Errorf("read %s: %w", p, err)
		}
		if isTemplate {
			if data, err = r.execute(p, string(data)); err != nil {
				return err
			}
		} else if r.used += int64(len(data)); r.used > r.budget.MaxBytes {
			return r.overTotal(p)
		}
		info, err := d.Info()
		if err != nil {
			return fmt.Errorf("stat %s: %w", p, err)
		}
		mode := fs.FileMode(0o644)
		if info.Mode()&0o111 != 0 {
			mode = 0o755
		}
		return plan.Add(File{Path: out, Mode: mode, Data: data, From: p})
	})
	if err != nil {
		return nil, err
	}
	return plan, nil
}

// checkOutputPath refuses a rendered path that is empty, absolute or climbs out
// of the destination.
func checkOutputPath(p string) error {
	clean := path.Clean(p)
	if p == "" || path.IsAbs(p) || clean == ".." || strings.HasPrefix(clean, "../") || clean == "." || strings.Contains(p, "\\") {
		return fmt.Errorf("renders to %q, which is outside the destination directory", p)
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == ".." || seg == "." || seg == "" {
			return fmt.Errorf("renders to %q, which is not a clean relative path", p)
		}
		if seg == ".git" {
			return fmt.Errorf("renders to %q: a template cannot write into .git", p)
		}
		if gitpath.IsDotGit(seg) {
			return fmt.Errorf("renders to %q: %q is .git on macOS or Windows, and a template cannot write into .git", p, seg)
		}
	}
	return nil
}

type activeCondition struct {
	globs []string
	keep  bool
}

func (c activeCondition) matches(p string) bool {
	for _, g := range c.globs {
		if glob.Match(g, p) {
			return true
		}
	}
	return false
}

func (r *renderer) activeConditions(conds []Condition) ([]activeCondition, error) {
	out := make([]activeCondition, 0, len(conds))
	var errs []error
	for i, c := range conds {
		keep, err := r.truth(fmt.Sprintf("%s (spec.conditions[%d].if)", ManifestFile, i), c.If)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, activeCondition{globs: c.Paths, keep: keep})
	}
	return out, errors.Join(errs...)
}
