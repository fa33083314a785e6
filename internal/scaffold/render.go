package scaffold

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strconv"
	"strings"
	"text/template"

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
}

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

// renderer renders one template's strings and files with one data set.
type renderer struct {
	// set carries the function map, checked once; every file is parsed into it
	// under its own name. Checking sprig's map per file tripled the render time;
	// the price is that a {{ define }} in one file is visible to the files after it.
	set  *template.Template
	data map[string]any
}

func newRenderer(t *Template, values Values, platformVersion string) *renderer {
	return &renderer{
		set: template.New("").Funcs(funcMap()).Option("missingkey=error"),
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
	}
}

// execute renders text as a template named file (used in error messages).
func (r *renderer) execute(file, text string) ([]byte, error) {
	tmpl, err := r.set.New(file).Parse(text)
	if err != nil {
		return nil, renderError(file, err)
	}
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, r.data); err != nil {
		return nil, renderError(file, err)
	}
	return buf.Bytes(), nil
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

// Render renders the template's skeleton with values into a plan of files.
// Nothing is written.
func Render(t *Template, values Values, platformVersion string) (*Plan, error) {
	r := newRenderer(t, values, platformVersion)
	active, err := r.activeConditions(t.Manifest.Spec.Conditions)
	if err != nil {
		return nil, err
	}
	plan := &Plan{}
	err = fs.WalkDir(t.FS, SkeletonDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
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
		if isGitAlias(seg) {
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
