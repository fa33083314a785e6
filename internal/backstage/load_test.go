package backstage

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/platform-team/platform/internal/gitx"
	"github.com/platform-team/platform/internal/scaffold"
)

type emptyFS struct{}

func (emptyFS) Open(name string) (fs.File, error) {
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

// gitRepo commits files into a new local repository and returns its path.
func gitRepo(t *testing.T, files map[string]file) string {
	t.Helper()
	dir := t.TempDir()
	writeTree(t, dir, files)
	if _, err := gitx.InitCommit(dir, gitx.Author{Name: "T", Email: "t@example.com"}, "templates", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestLoadGit(t *testing.T) {
	tmpl := manifest(`    - id: base
      action: fetch:template
      input: {url: ../../skeletons/base, values: {name: x}}
    - id: own
      action: fetch:plain
      input: {url: ./files}
`, "")
	repo := gitRepo(t, map[string]file{
		"templates/svc/template.yaml": {data: tmpl},
		"templates/svc/files/a.txt":   {data: "a"},
		"templates/other/big.bin":     {data: strings.Repeat("x", 1<<10)}, // never read
		"skeletons/base/README.md":    {data: "# ${{ values.name }}\n"},
		"skeletons/base/run.sh":       {data: "#!/bin/sh\n", exec: true},
	})
	opts := LoadOptions{Resolver: &scaffold.Resolver{Embedded: emptyFS{}, CacheDir: t.TempDir(), Clone: gitx.Clone}}
	for _, sub := range []string{"//templates/svc", "//templates/svc/template.yaml"} {
		ref := "file://" + filepath.ToSlash(repo) + sub
		got, err := Load(t.Context(), ref, opts)
		if err != nil {
			t.Fatalf("Load(%s): %v", sub, err)
		}
		if got.Source.Kind != scaffold.SourceGit || got.Source.Commit == "" || got.Dir != "templates/svc" {
			t.Errorf("Load(%s) = source %+v, dir %s", sub, got.Source, got.Dir)
		}
		res, err := Run(t.Context(), got, nil, RunOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if want := map[string]string{"README.md": "# x\n", "run.sh": "#!/bin/sh\n", "a.txt": "a"}; !reflect.DeepEqual(files(res), want) {
			t.Errorf("files = %q, want %q", files(res), want)
		}
		if _, ok := got.tree.nodes["templates/other/big.bin"]; ok {
			t.Error("a file no step reads was loaded")
		}
	}
}

func TestLoadRefusesLinks(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]file{
		"template.yaml": {data: manifest(`    - id: fetch
      action: fetch:template
      input: {url: ./skeleton}
`, "")},
		"skeleton/a.txt": {data: "a"},
	})
	if err := os.Symlink("/etc/passwd", filepath.Join(dir, "skeleton", "passwd")); err != nil {
		t.Fatal(err)
	}
	_, err := Load(t.Context(), dir, LoadOptions{})
	if !errors.Is(err, ErrSymlink) || !strings.Contains(err.Error(), "skeleton/passwd") {
		t.Fatalf("Load = %v, want skeleton/passwd refused as a link", err)
	}
	// A link elsewhere in the repository is never read, so never refused.
	other := t.TempDir()
	writeTree(t, other, map[string]file{
		"template.yaml": {data: manifest(`    - id: fetch
      action: fetch:template
      input: {url: ./skeleton}
`, "")},
		"skeleton/a.txt": {data: "a"},
	})
	if err := os.Symlink("/etc", filepath.Join(other, "unrelated")); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(t.Context(), other, LoadOptions{}); err != nil {
		t.Fatalf("Load = %v", err)
	}
}

func TestLoadLimits(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]file{
		"template.yaml": {data: manifest(`    - id: fetch
      action: fetch:template
      input: {url: ./skeleton}
`, "")},
		"skeleton/big.txt": {data: strings.Repeat("x", 2048)},
	})
	_, err := Load(t.Context(), dir, LoadOptions{Limits: scaffold.Limits{FileBytes: 1024}})
	if !errors.Is(err, scaffold.ErrTooLarge) || !strings.Contains(err.Error(), "skeleton/big.txt") {
		t.Fatalf("Load = %v, want skeleton/big.txt too large", err)
	}
	_, err = Load(t.Context(), dir, LoadOptions{Limits: scaffold.Limits{TotalBytes: 1024}})
	if !errors.Is(err, scaffold.ErrTooLarge) {
		t.Fatalf("Load = %v, want too large", err)
	}
	_, err = Load(t.Context(), dir, LoadOptions{Limits: scaffold.Limits{ManifestBytes: 10}})
	if !errors.Is(err, scaffold.ErrTooLarge) || !strings.Contains(err.Error(), "template.yaml") {
		t.Fatalf("Load = %v, want template.yaml too large", err)
	}
}

func TestLoadFileAndErrors(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]file{
		"my-template.yaml": {data: manifest(`    - id: log
      action: debug:log
      input: {message: hi}
`, "")},
		"not-a-template.yaml": {data: "apiVersion: v1\nkind: ConfigMap\n"},
	})
	got, err := Load(t.Context(), filepath.Join(dir, "my-template.yaml"), LoadOptions{})
	if err != nil || got.Name() != "t" || got.File != "my-template.yaml" {
		t.Fatalf("Load = %+v, %v", got, err)
	}
	if !IsRef(filepath.Join(dir, "my-template.yaml")) || IsRef(filepath.Join(dir, "not-a-template.yaml")) || IsRef(dir) {
		t.Error("IsRef is wrong")
	}
	_, err = Load(t.Context(), filepath.Join(dir, "not-a-template.yaml"), LoadOptions{})
	if !errors.As(err, new(*NotTemplateError)) {
		t.Errorf("Load(not a template) = %v", err)
	}
	_, err = Load(t.Context(), dir, LoadOptions{})
	if err == nil || !strings.Contains(err.Error(), "no template.yaml") {
		t.Errorf("Load(dir without template.yaml) = %v", err)
	}
	_, err = Load(t.Context(), filepath.Join(dir, "missing"), LoadOptions{})
	if err == nil {
		t.Error("Load(missing) succeeded")
	}
}

func TestRunMissingURLNamesTheStep(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]file{
		"template.yaml": {data: manifest(`    - id: fetch
      action: fetch:template
      input: {url: ./nowhere}
`, "")},
	})
	_, err := run(t, dir, nil, nil, RunOptions{})
	var se *StepError
	if !errors.As(err, &se) || se.StepID != "fetch" || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("err = %v, want a StepError for step fetch", err)
	}
}

// A url whose directory holds one already read is read whole.
func TestLoadNestedURLs(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]file{
		"template.yaml": {data: manifest(`    - id: inner
      action: fetch:plain
      input: {url: ./skeletons/base, targetPath: inner}
    - id: outer
      action: fetch:plain
      input: {url: ./skeletons, targetPath: outer}
`, "")},
		"skeletons/base/a": {data: "a"},
		"skeletons/b":      {data: "b"},
	})
	res, err := run(t, dir, nil, nil, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"inner/a": "a", "outer/base/a": "a", "outer/b": "b"}
	if !reflect.DeepEqual(files(res), want) {
		t.Errorf("files = %q, want %q", files(res), want)
	}
}
