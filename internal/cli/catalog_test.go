package cli

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5"
	gitconfig "github.com/go-git/go-git/v5/config"

	"github.com/platform-team/platform/internal/catalog"
	"github.com/platform-team/platform/internal/config"
	"github.com/platform-team/platform/internal/iostreams"
	"github.com/platform-team/platform/internal/wizard"
)

// catalogIO returns test streams (no terminal, no color) and their buffers.
func catalogIO() (*iostreams.IOStreams, *bytes.Buffer, *bytes.Buffer) {
	ios, _, out, errOut := iostreams.Test()
	return ios, out, errOut
}

func writeTestFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// initRepo makes dir a git repository with one remote.
func initRepo(t *testing.T, dir, remote, url string) {
	t.Helper()
	repo, err := git.PlainInit(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := repo.CreateRemote(&gitconfig.RemoteConfig{Name: remote, URLs: []string{url}}); err != nil {
		t.Fatal(err)
	}
}

const validComponent = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payments-api
spec:
  type: service
  lifecycle: production
  owner: group:payments
`

func TestCatalogValidate(t *testing.T) {
	dir := t.TempDir()
	writeTestFiles(t, dir, map[string]string{
		"ok/catalog-info.yaml":   validComponent,
		"warn/catalog-info.yaml": strings.Replace(validComponent, "group:payments", "user:jdoe", 1),
		"bad/catalog-info.yml":   strings.Replace(validComponent, "  lifecycle: production\n", "", 1),
	})
	for _, tc := range []struct {
		file     string
		code     int
		stdout   []string
		noStdout string
	}{
		{filepath.Join(dir, "ok", "catalog-info.yaml"), ExitOK, []string{"✓ " + filepath.Join(dir, "ok", "catalog-info.yaml") + " is valid\n"}, "hint"},
		{filepath.Join(dir, "ok"), ExitOK, []string{"is valid\n"}, "warning"},
		{filepath.Join(dir, "warn"), ExitOK, []string{
			filepath.Join(dir, "warn", "catalog-info.yaml") + ":8:10: warning: Component payments-api is owned by a user (user:jdoe): owners are groups (catalog/owner-group)\n  hint: ",
			"! " + filepath.Join(dir, "warn", "catalog-info.yaml") + " is valid, with 1 warning\n",
		}, "error"},
		{filepath.Join(dir, "bad"), ExitCheckFailed, []string{
			filepath.Join(dir, "bad", "catalog-info.yml") + ":5:1: error: spec.lifecycle: is required (catalog/spec)\n",
			": 1 error: the Backstage catalog would reject it\n",
		}, "warning"},
	} {
		t.Run(filepath.Base(tc.file), func(t *testing.T) {
			ios, out, errOut := catalogIO()
			err := runCatalogValidate(context.Background(), &CatalogValidateOptions{IO: ios, File: tc.file, AnnotationPrefix: config.DefaultAnnotationPrefix})
			if got := exitCode(err, false); got != tc.code {
				t.Fatalf("exit %d (%v), want %d\nstdout:\n%s", got, err, tc.code, out)
			}
			for _, s := range tc.stdout {
				if !strings.Contains(out.String(), s) {
					t.Errorf("stdout lacks %q:\n%s", s, out)
				}
			}
			if strings.Contains(out.String(), tc.noStdout) {
				t.Errorf("stdout has %q:\n%s", tc.noStdout, out)
			}
			if errOut.Len() > 0 {
				t.Errorf("stderr: %s", errOut)
			}
		})
	}
}

func TestCatalogValidateMissingFile(t *testing.T) {
	dir := t.TempDir()
	for _, file := range []string{filepath.Join(dir, "nothing.yaml"), dir} {
		ios, out, _ := catalogIO()
		err := runCatalogValidate(context.Background(), &CatalogValidateOptions{IO: ios, File: file})
		if got := exitCode(err, false); got != ExitUsage {
			t.Errorf("validate %s: exit %d (%v), want %d", file, got, err, ExitUsage)
		}
		if out.Len() > 0 {
			t.Errorf("stdout: %s", out)
		}
	}
}

// TestCatalogValidateUsesRemoteAndPlatformYAML: the settings come from where
// 'platform lint' takes them.
func TestCatalogValidateUsesRemoteAndPlatformYAML(t *testing.T) {
	slugged := strings.Replace(validComponent, "  name: payments-api\n", "  name: payments-api\n  annotations:\n    gitlab.com/project-slug: payments/old\n", 1)

	dir := t.TempDir()
	writeTestFiles(t, dir, map[string]string{"catalog-info.yaml": slugged})
	initRepo(t, dir, "origin", "git@gitlab.example.com:payments/payments-api.git")
	ios, out, _ := catalogIO()
	if err := runCatalogValidate(context.Background(), &CatalogValidateOptions{IO: ios, File: filepath.Join(dir, "catalog-info.yaml")}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "but this repository is GitLab project payments/payments-api") {
		t.Errorf("the remote's project was not used:\n%s", out)
	}

	// platform.yaml's gitlab.project wins over the remote; its lint.rules turn rules off.
	writeTestFiles(t, dir, map[string]string{"platform.yaml": "gitlab: {project: payments/old}\nlint:\n  rules: {catalog/lifecycle: error, 'catalog/owner-*': off, 'docs/*': off}\n"})
	ios, out, _ = catalogIO()
	if err := runCatalogValidate(context.Background(), &CatalogValidateOptions{IO: ios, File: filepath.Join(dir, "catalog-info.yaml")}); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !strings.Contains(out.String(), "is valid\n") || strings.Contains(out.String(), "warning") {
		t.Errorf("platform.yaml's project was not used:\n%s", out)
	}

	// A broken platform.yaml is reported, and the defaults apply.
	writeTestFiles(t, dir, map[string]string{"platform.yaml": "nonsense: true\n"})
	ios, out, errOut := catalogIO()
	if err := runCatalogValidate(context.Background(), &CatalogValidateOptions{IO: ios, File: filepath.Join(dir, "catalog-info.yaml")}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errOut.String(), "checking with the default settings") || !strings.Contains(out.String(), "payments/payments-api") {
		t.Errorf("stdout:\n%s\nstderr:\n%s", out, errOut)
	}
}

func TestCatalogInit(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "Payments_API")
	writeTestFiles(t, dir, map[string]string{"mkdocs.yml": "site_name: x\n"})
	initRepo(t, dir, "upstream", "https://gitlab.example.com/payments/payments-api.git")

	ios, out, errOut := catalogIO()
	opts := &CatalogInitOptions{IO: ios, Dir: dir, Owner: "group:payments", Lifecycle: "production", Type: "service", AnnotationPrefix: config.DefaultAnnotationPrefix}
	if err := runCatalogInit(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "catalog-info.yaml")
	if out.String() != path+"\n" || errOut.Len() > 0 {
		t.Errorf("stdout %q, stderr %q", out, errOut)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payments-api
  annotations:
    backstage.io/techdocs-ref: dir:.
    gitlab.com/project-slug: payments/payments-api
spec:
  type: service
  lifecycle: production
  owner: group:payments
`
	if string(data) != want {
		t.Errorf("catalog-info.yaml:\n%s\nwant:\n%s", data, want)
	}
	if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, %v", info.Mode(), err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}

	// Never overwritten.
	ios, _, _ = catalogIO()
	opts.IO, opts.Owner = ios, "group:other"
	err = runCatalogInit(context.Background(), opts)
	if exitCode(err, false) != ExitUsage || !strings.Contains(err.Error(), "edit it or remove it first") {
		t.Errorf("second init: %v", err)
	}
	if again, _ := os.ReadFile(path); string(again) != want {
		t.Errorf("catalog-info.yaml was changed:\n%s", again)
	}
}

func TestCatalogInitAsksForOwner(t *testing.T) {
	dir := t.TempDir()
	asked := 0
	ios, out, _ := catalogIO()
	opts := &CatalogInitOptions{IO: ios, Dir: dir, Lifecycle: "experimental", Type: "service", Name: "svc",
		AskOwner: func(context.Context) (string, error) { asked++; return "group:asked", nil }}
	if err := runCatalogInit(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "catalog-info.yaml"))
	if asked != 1 || !strings.Contains(string(data), "owner: group:asked") || out.Len() == 0 {
		t.Errorf("asked %d times; catalog-info.yaml:\n%s", asked, data)
	}

	// A cancelled question writes nothing and exits 130.
	dir = t.TempDir()
	opts = &CatalogInitOptions{IO: ios, Dir: dir, Lifecycle: "experimental", Type: "service", Name: "svc",
		AskOwner: func(context.Context) (string, error) { return "", wizard.ErrCancelled }}
	err := runCatalogInit(context.Background(), opts)
	if exitCode(err, false) != ExitInterrupted {
		t.Errorf("cancelled: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "catalog-info.yaml")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("catalog-info.yaml written after a cancel: %v", err)
	}
}

func TestCatalogInitErrors(t *testing.T) {
	root := t.TempDir()
	writeTestFiles(t, root, map[string]string{"file": "x", "___/x": "", "ok/x": ""})
	for _, tc := range []struct {
		name string
		opts CatalogInitOptions
		msg  string
	}{
		{"no owner, no terminal", CatalogInitOptions{Dir: filepath.Join(root, "ok")}, "--owner is required when not running interactively"},
		{"not a directory", CatalogInitOptions{Dir: filepath.Join(root, "file"), Owner: "group:x"}, "is not a directory"},
		{"missing directory", CatalogInitOptions{Dir: filepath.Join(root, "missing"), Owner: "group:x"}, "is not a directory"},
		{"no name", CatalogInitOptions{Dir: filepath.Join(root, "___"), Owner: "group:x", Type: "service", Lifecycle: "production"}, `cannot make a Backstage name from the directory name "___": give one with --name`},
		{"invalid values", CatalogInitOptions{Dir: filepath.Join(root, "ok"), Name: "a b", Owner: "user:", System: "x:", Type: "service", Lifecycle: "production"},
			"would reject this catalog-info.yaml, nothing was written:\n" +
				`  --name "a b": "a b" is not a valid entity name`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ios, out, _ := catalogIO()
			tc.opts.IO = ios
			err := runCatalogInit(context.Background(), &tc.opts)
			if exitCode(err, false) != ExitUsage || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %v (exit %d), want exit 2 with %q", err, exitCode(err, false), tc.msg)
			}
			if out.Len() > 0 {
				t.Errorf("stdout: %s", out)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(root, "ok", "catalog-info.yaml")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a failed init wrote catalog-info.yaml: %v", err)
	}
}

func TestInitProblemsNameFlags(t *testing.T) {
	e := catalog.Entity{Kind: "Component", Metadata: catalog.Metadata{Name: "x"}, Spec: catalog.Spec{Type: "service", Lifecycle: "production", Owner: "user:", System: "a:"}}
	data, _ := catalog.Marshal(e)
	err := initProblems(e, catalog.Validate(data))
	for _, want := range []string{`--owner "user:": the catalog cannot relate`, `--system "a:": the catalog cannot relate`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%v\nlacks %q", err, want)
		}
	}
}

func TestEntityNameFrom(t *testing.T) {
	for in, want := range map[string]string{
		"payments-api":            "payments-api",
		"Payments_API":            "payments-api",
		"My Legacy.Service!":      "my-legacy-service",
		"--x--":                   "x",
		"café-crème":              "caf-cr-me",
		"2024":                    "2024",
		"___":                     "",
		"/":                       "",
		"日本":                      "",
		strings.Repeat("ab-", 30): strings.TrimRight(strings.Repeat("ab-", 21), "-"),
	} {
		got := entityNameFrom(in)
		if got != want {
			t.Errorf("entityNameFrom(%q) = %q, want %q", in, got, want)
		}
		if got != "" && len(catalog.Options{Kinds: []string{"X"}}.Validate([]byte("apiVersion: v1\nkind: X\nmetadata: {name: '"+got+"'}\n"))) > 0 {
			t.Errorf("entityNameFrom(%q) = %q is not a valid name", in, got)
		}
	}
}

func TestWriteNewFileNeverReplaces(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "catalog-info.yaml")
	if err := writeNewFile(path, []byte("one\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := writeNewFile(path, []byte("two\n"), 0o644); !errors.Is(err, fs.ErrExist) {
		t.Errorf("second write: %v, want fs.ErrExist", err)
	}
	if data, _ := os.ReadFile(path); string(data) != "one\n" {
		t.Errorf("file replaced: %q", data)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("left behind: %v", entries)
	}
}

// TestOwnerFormAccessible drives the real form with piped lines: a wrong
// answer is refused and asked again.
func TestOwnerFormAccessible(t *testing.T) {
	var owner string
	form := ownerForm(&owner).WithAccessible(true).WithInput(strings.NewReader("\n:bad\ngroup:payments\n")).WithOutput(io.Discard)
	if err := form.Run(); err != nil {
		t.Fatal(err)
	}
	if owner != "group:payments" {
		t.Errorf("owner = %q", owner)
	}
}

func TestCheckOwner(t *testing.T) {
	for s, ok := range map[string]bool{"group:payments": true, "payments": true, "user:jdoe": true, "group:ns/x": true, "": false, "  ": false, ":x": false, "group:": false} {
		if err := checkOwner(s); (err == nil) != ok {
			t.Errorf("checkOwner(%q) = %v", s, err)
		}
	}
}

// TestCatalogCommandFlags checks the wiring of flags into options, and that
// the owner is asked only at a terminal.
func TestCatalogCommandFlags(t *testing.T) {
	for _, tty := range []bool{false, true} {
		ios, _, _ := catalogIO()
		ios.SetTTY(tty, tty, tty)
		f := &Factory{IOStreams: ios, Config: &config.Config{AnnotationPrefix: "acme.example.com"}}
		var got *CatalogInitOptions
		cmd := newCatalogInitCmd(f, func(_ context.Context, o *CatalogInitOptions) error { got = o; return nil })
		cmd.SetArgs([]string{"--dir", "d", "--system", "s", "--description", "text"})
		if err := cmd.Execute(); err != nil {
			t.Fatal(err)
		}
		if got.Dir != "d" || got.System != "s" || got.Description != "text" || got.Lifecycle != "experimental" || got.Type != "service" || got.AnnotationPrefix != "acme.example.com" {
			t.Errorf("options %+v", got)
		}
		if (got.AskOwner != nil) != tty {
			t.Errorf("terminal %v: AskOwner set %v", tty, got.AskOwner != nil)
		}
	}

	ios, _, _ := catalogIO()
	f := &Factory{IOStreams: ios, Config: &config.Config{AnnotationPrefix: "acme.example.com"}}
	var got *CatalogValidateOptions
	cmd := newCatalogValidateCmd(f, func(_ context.Context, o *CatalogValidateOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"x/catalog-info.yaml"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.File != "x/catalog-info.yaml" || got.AnnotationPrefix != "acme.example.com" {
		t.Errorf("options %+v", got)
	}
	cmd = newCatalogCmd(f)
	if names := []string{cmd.Commands()[0].Name(), cmd.Commands()[1].Name()}; names[0] != "init" || names[1] != "validate" {
		t.Errorf("subcommands %v", names)
	}
}

func TestTally(t *testing.T) {
	for _, tc := range []struct {
		e, w, i int
		want    string
	}{{1, 0, 0, "1 error"}, {2, 1, 0, "2 errors, 1 warning"}, {0, 3, 1, "3 warnings, 1 info"}, {0, 0, 2, "2 infos"}} {
		if got := tally(tc.e, tc.w, tc.i); got != tc.want {
			t.Errorf("tally(%d, %d, %d) = %q, want %q", tc.e, tc.w, tc.i, got, tc.want)
		}
	}
}
