package backstage

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// fakeEngine renders ${{ path }} and ${{ ( path ) | dump }} with dotted and
// ['bracket'] lookups: enough to test the runner without the real engine.
// An expression containing "!!" fails.
type fakeEngine struct{}

var fakeTag = regexp.MustCompile(`\$\{\{(.*?)\}\}`)

func (fakeEngine) Render(name, src string, ctx map[string]any) (string, error) {
	var err error
	out := fakeTag.ReplaceAllStringFunc(src, func(m string) string {
		expr := strings.TrimSpace(m[3 : len(m)-2])
		dump := false
		if strings.HasSuffix(expr, "| dump") {
			dump = true
			expr = strings.TrimSpace(strings.TrimSuffix(expr, "| dump"))
			expr = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(expr, "("), ")"))
		}
		if strings.Contains(expr, "!!") {
			err = fmt.Errorf("cannot render %q", expr)
			return ""
		}
		v, ok := fakeLookup(expr, ctx)
		if !ok {
			return ""
		}
		if dump {
			b, _ := json.Marshal(toPlain(v))
			return string(b)
		}
		return fmt.Sprint(v)
	})
	return out, err
}

func fakeLookup(expr string, ctx map[string]any) (any, bool) {
	switch expr {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	expr = regexp.MustCompile(`\['([^']*)'\]`).ReplaceAllString(expr, ".$1")
	var cur any = ctx
	for _, seg := range strings.Split(expr, ".") {
		var ok bool
		if cur, ok = field(cur, seg); !ok {
			return nil, false
		}
	}
	return cur, true
}

// file is a test file: its content and whether it is executable.
type file struct {
	data string
	exec bool
}

// writeTree writes files (slash-separated paths) under dir.
func writeTree(t *testing.T, dir string, files map[string]file) {
	t.Helper()
	for p, f := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		mode := os.FileMode(0o644)
		if f.exec {
			mode = 0o755
		}
		if err := os.WriteFile(full, []byte(f.data), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(full, mode); err != nil {
			t.Fatal(err)
		}
	}
}

// run loads the template at ref and runs it with the engine.
func run(t *testing.T, ref string, values map[string]any, eng Renderer, opts RunOptions) (*Result, error) {
	t.Helper()
	tmpl, err := Load(context.Background(), ref, LoadOptions{})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	opts.Engine = eng
	return Run(context.Background(), tmpl, values, opts)
}

// files returns a result's files as path -> content.
func files(res *Result) map[string]string {
	out := map[string]string{}
	for _, f := range res.Plan.Files {
		out[f.Path] = string(f.Data)
	}
	return out
}

// manifest builds a template.yaml with the given steps (YAML, indented
// under steps:) and output.
func manifest(steps, output string) string {
	s := "apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: t\nspec:\n  steps:\n" + steps
	if output != "" {
		s += "  output:\n" + output
	}
	return s
}
