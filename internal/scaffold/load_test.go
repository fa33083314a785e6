package scaffold

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/platform-team/platform/internal/gitx"
)

// writeTemplate makes a template directory (or a tree holding one) from
// files, path to content; "-> target" as content makes a symbolic link.
func writeTemplate(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		must(t, os.MkdirAll(filepath.Dir(p), 0o755))
		if target, ok := strings.CutPrefix(data, "-> "); ok {
			must(t, os.Symlink(filepath.FromSlash(target), p))
			continue
		}
		must(t, os.WriteFile(p, []byte(data), 0o644))
	}
}

// secretHome is a directory outside every template, standing for ~/.ssh.
func secretHome(t *testing.T) string {
	t.Helper()
	home := t.TempDir()
	writeTemplate(t, home, map[string]string{".ssh/id_rsa": "PRIVATE KEY"})
	return home
}

func TestLoadRefusesSymlinks(t *testing.T) {
	cases := map[string]struct {
		files map[string]string
		file  string // the template-relative path the error must name
	}{
		"skeleton is a link out of the template": {
			files: map[string]string{ManifestFile: testManifest, "skeleton": "-> ../home/.ssh"},
			file:  "skeleton",
		},
		"template.yaml is a link": {
			files: map[string]string{"real.yaml": testManifest, ManifestFile: "-> real.yaml", "skeleton/README.md": "hi"},
			file:  ManifestFile,
		},
		"template.yaml links out": {
			files: map[string]string{ManifestFile: "-> ../home/.ssh/id_rsa", "skeleton/README.md": "hi"},
			file:  ManifestFile,
		},
		"a subdirectory of skeleton is a link inside the template": {
			files: map[string]string{ManifestFile: testManifest, "skeleton/README.md": "hi", "docs/a.md": "a", "skeleton/docs": "-> ../docs"},
			file:  "skeleton/docs",
		},
		"a file deep in skeleton links out": {
			files: map[string]string{ManifestFile: testManifest, "skeleton/a/b/key": "-> ../../../../home/.ssh/id_rsa"},
			file:  "skeleton/a/b/key",
		},
		"a link beside skeleton": {
			files: map[string]string{ManifestFile: testManifest, "skeleton/README.md": "hi", "README.md": "-> skeleton/README.md"},
			file:  "README.md",
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			base := t.TempDir()
			writeTemplate(t, filepath.Join(base, "home"), map[string]string{".ssh/id_rsa": "PRIVATE KEY"})
			dir := filepath.Join(base, "tmpl")
			writeTemplate(t, dir, c.files)
			_, err := LoadDir(dir, Source{Kind: SourceLocal}, Limits{})
			var terr *TemplateError
			if !errors.As(err, &terr) || !errors.Is(err, ErrSymlink) {
				t.Fatalf("err = %v, want a TemplateError wrapping ErrSymlink", err)
			}
			want := c.file + ": is a symbolic link: symlinks are not allowed in templates"
			if !strings.Contains(err.Error(), want) {
				t.Fatalf("err = %q, want it to contain %q", err, want)
			}
			if strings.Contains(err.Error(), base) {
				t.Fatalf("err = %q shows a local path", err)
			}
			// The same through an fs.FS that can see links.
			if _, err := Load(os.DirFS(dir), Source{Kind: SourceLocal}); !errors.Is(err, ErrSymlink) {
				t.Fatalf("Load(os.DirFS) err = %v, want ErrSymlink", err)
			}
		})
	}
}

func TestLoadCopiesTemplateIntoMemory(t *testing.T) {
	dir := t.TempDir()
	writeTemplate(t, dir, map[string]string{ManifestFile: testManifest, "skeleton/README.md": "hi", "skeleton/bin/run.sh": "#!/bin/sh", "notes.txt": "not read"})
	must(t, os.Chmod(filepath.Join(dir, "skeleton/bin/run.sh"), 0o755))
	tmpl, err := LoadDir(dir, Source{Kind: SourceLocal}, Limits{})
	must(t, err)
	must(t, os.RemoveAll(dir))
	data, err := fs.ReadFile(tmpl.FS, "skeleton/README.md")
	if err != nil || string(data) != "hi" {
		t.Fatalf("README = %q, %v after the directory was removed", data, err)
	}
	if _, err := fs.Stat(tmpl.FS, "notes.txt"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("notes.txt was read: %v", err)
	}
	values, err := Collect(tmpl.Manifest, Inputs{Name: "pay", Owner: "group:x"})
	must(t, err)
	plan, err := Render(context.Background(), tmpl, values, RenderOptions{PlatformVersion: "v1"})
	must(t, err)
	run, ok := plan.Lookup("bin/run.sh")
	if !ok || run.Mode != 0o755 || string(run.Data) != "#!/bin/sh" {
		t.Fatalf("bin/run.sh = %+v, %v", run, ok)
	}
}

func TestLoadRefusesSpecialFilesAndDirectories(t *testing.T) {
	dir := t.TempDir()
	writeTemplate(t, dir, map[string]string{"template.yaml/x": "", "skeleton/README.md": "hi"})
	if _, err := LoadDir(dir, Source{}, Limits{}); err == nil || !strings.Contains(err.Error(), "template.yaml: is a directory") {
		t.Fatalf("err = %v", err)
	}
	dir = t.TempDir()
	writeTemplate(t, dir, map[string]string{ManifestFile: testManifest, "skeleton": "a file"})
	if _, err := LoadDir(dir, Source{}, Limits{}); err == nil || !strings.Contains(err.Error(), "has no skeleton/ directory") {
		t.Fatalf("err = %v", err)
	}
}

func TestLoadLimits(t *testing.T) {
	big := strings.Repeat("x", 2048)
	cases := map[string]struct {
		files  map[string]string
		limits Limits
		want   string
	}{
		"template.yaml": {
			files:  map[string]string{ManifestFile: testManifest + "# " + big + "\n", "skeleton/a": "a"},
			limits: Limits{ManifestBytes: 2048},
			want:   "template.yaml: too large: 2.8 KiB is over the 2 KiB limit for template.yaml",
		},
		"one file": {
			files:  map[string]string{ManifestFile: testManifest, "skeleton/big.bin": big, "skeleton/small": "s"},
			limits: Limits{FileBytes: 1024},
			want:   "skeleton/big.bin: too large: 2 KiB is over the 1 KiB limit for a template file",
		},
		"whole template": {
			files:  map[string]string{ManifestFile: testManifest, "skeleton/a": big, "skeleton/b": big, "skeleton/c": big},
			limits: Limits{FileBytes: 4096, TotalBytes: 5 << 10},
			want:   "too large: template.yaml and skeleton/ are over the 5 KiB limit for a whole template (at skeleton/c)",
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			writeTemplate(t, dir, c.files)
			_, err := LoadDir(dir, Source{}, c.limits)
			var terr *TemplateError
			if !errors.As(err, &terr) || !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want a TemplateError containing %q", err, c.want)
			}
		})
	}
	// The defaults apply to a zero Limits.
	if l := (Limits{}).withDefaults(); l != (Limits{DefaultManifestBytes, DefaultFileBytes, DefaultTotalBytes}) {
		t.Fatalf("defaults = %+v", l)
	}
}

// A file that grows between the look and the read is still capped.
func TestLoadReadStopsAtTheLimit(t *testing.T) {
	fsys := &growingFS{FS: os.DirFS(t.TempDir())}
	l := Limits{FileBytes: 10}.withDefaults()
	var total int64
	_, _, err := l.read(fsys, "skeleton/x", &total)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
}

type growingFS struct{ fs.FS }

func (g *growingFS) Open(string) (fs.File, error) { return &endlessFile{}, nil }

type endlessFile struct{}

func (*endlessFile) Stat() (fs.FileInfo, error) { return (&memEntry{name: "x"}), nil }
func (*endlessFile) Close() error               { return nil }
func (*endlessFile) Read(b []byte) (int, error) {
	for i := range b {
		b[i] = 'x'
	}
	return len(b), nil
}

func TestLoadedTemplateIsATemplateError(t *testing.T) {
	for name, manifest := range map[string]string{
		"unknown field": strings.Replace(testManifest, "version: 1.2.3", "version: 1.2.3\n  verison: 2", 1),
		"bad UTF-8":     strings.Replace(testManifest, "title: Demo", "title: D\xffmo", 1),
		"alias bomb":    aliasBomb(9, 9),
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			writeTemplate(t, dir, map[string]string{ManifestFile: manifest, "skeleton/a": "a"})
			_, err := LoadDir(dir, Source{}, Limits{})
			var terr *TemplateError
			if !errors.As(err, &terr) || !strings.HasPrefix(err.Error(), "template.yaml: ") {
				t.Fatalf("err = %v, want a TemplateError about template.yaml", err)
			}
		})
	}
	dir := t.TempDir()
	writeTemplate(t, dir, map[string]string{"skeleton/a": "a"})
	if _, err := LoadDir(dir, Source{}, Limits{}); !errors.As(err, new(*TemplateError)) || !strings.Contains(err.Error(), "no template.yaml") {
		t.Fatalf("err = %v", err)
	}
}

// gitTemplateRepo commits files into a new repository and returns its path.
func gitTemplateRepo(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	writeTemplate(t, dir, files)
	_, err := gitx.InitCommit(dir, gitx.Author{Name: "T", Email: "t@example.com"}, "template", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	must(t, err)
	return dir
}

func gitResolver(t *testing.T) *Resolver {
	return &Resolver{Embedded: fs.FS(emptyFS{}), CacheDir: t.TempDir(), Clone: gitx.Clone}
}

type emptyFS struct{}

func (emptyFS) Open(name string) (fs.File, error) {
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

func TestResolveGitRefusesSymlinks(t *testing.T) {
	home := secretHome(t)
	cases := map[string]struct {
		files map[string]string
		ref   string
		file  string
	}{
		"skeleton links to the home directory": {
			files: map[string]string{"svc/" + ManifestFile: testManifest, "svc/skeleton": "-> " + filepath.ToSlash(filepath.Join(home, ".ssh"))},
			ref:   "//svc", file: "skeleton",
		},
		"skeleton is a relative link out of the clone": {
			files: map[string]string{"svc/" + ManifestFile: testManifest, "svc/skeleton": "-> ../../../../../../../../../../" + filepath.ToSlash(filepath.Join(home, ".ssh"))},
			ref:   "//svc", file: "skeleton",
		},
		"the subdirectory is a link": {
			files: map[string]string{"real/" + ManifestFile: testManifest, "real/skeleton/a": "a", "svc": "-> real"},
			ref:   "//svc", file: "svc",
		},
		"a component of the subdirectory is a link": {
			files: map[string]string{"real/svc/" + ManifestFile: testManifest, "real/svc/skeleton/a": "a", "group": "-> real"},
			ref:   "//group/svc", file: "group",
		},
		"template.yaml at the repository root is a link": {
			files: map[string]string{"t.yaml": testManifest, ManifestFile: "-> t.yaml", "skeleton/a": "a"},
			ref:   "", file: ManifestFile,
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			repo := gitTemplateRepo(t, c.files)
			r := gitResolver(t)
			_, err := r.Resolve(context.Background(), "file://"+filepath.ToSlash(repo)+c.ref)
			if !errors.Is(err, ErrSymlink) || !strings.Contains(err.Error(), c.file+": is a symbolic link") {
				t.Fatalf("err = %v, want %s refused as a symbolic link", err, c.file)
			}
			if strings.Contains(err.Error(), r.CacheDir) {
				t.Fatalf("err = %q shows the cache directory", err)
			}
		})
	}
}

// Runs share the template cache: concurrent resolutions of one git template
// all succeed and see the same files.
func TestResolveGitConcurrently(t *testing.T) {
	repo := gitTemplateRepo(t, map[string]string{
		"svc/" + ManifestFile: testManifest, "svc/skeleton/README.md": "hi", "svc/skeleton/a/b/c.txt": strings.Repeat("c", 1<<16),
	})
	r := gitResolver(t)
	const n = 8
	var (
		wg    sync.WaitGroup
		errs  [n]error
		files [n]map[string]string
	)
	for i := range n {
		wg.Go(func() {
			tmpl, err := r.Resolve(context.Background(), "file://"+filepath.ToSlash(repo)+"//svc")
			if errs[i] = err; err != nil {
				return
			}
			files[i] = map[string]string{}
			errs[i] = fs.WalkDir(tmpl.FS, ".", func(p string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				data, err := fs.ReadFile(tmpl.FS, p)
				files[i][p] = string(data)
				return err
			})
		})
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("run %d: %v", i, errs[i])
		}
		if !reflect.DeepEqual(files[i], files[0]) || len(files[i]) != 3 {
			t.Fatalf("run %d saw %d files, run 0 saw %d", i, len(files[i]), len(files[0]))
		}
	}
	// The cache holds one entry and no temporary directories.
	entries, err := os.ReadDir(filepath.Join(r.CacheDir, "templates"))
	must(t, err)
	if len(entries) != 1 {
		t.Fatalf("cache holds %d entries, want 1", len(entries))
	}
}

// aliasBomb is a "billion laughs": levels of anchors, each a list of width
// aliases to the one before, as the default of a parameter.
func aliasBomb(levels, width int) string {
	var b strings.Builder
	b.WriteString("    - title: Bomb\n      properties:\n")
	b.WriteString("        l0: {type: array, default: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]}\n")
	for i := 1; i <= levels; i++ {
		b.WriteString("        l" + itoa(i) + ": {type: array, default: &l" + itoa(i) + " [")
		for j := range width {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("*l" + itoa(i-1))
		}
		b.WriteString("]}\n")
	}
	return strings.Replace(testManifest, "  conditions:\n", b.String()+"  conditions:\n", 1)
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}

func TestParseManifestCapsAliasExpansion(t *testing.T) {
	// yaml.v3 bounds aliasing per Decode call, and each parameter is decoded
	// by its own call: aliases spread over many parameters slip past it.
	var spread strings.Builder
	spread.WriteString("    - title: Spread\n      properties:\n")
	spread.WriteString("        s0: {type: array, default: &s0 [" + strings.Repeat("[a, a, a, a, a, a, a, a, a, a], ", 79) + "a]}\n")
	for i := 1; i <= 200; i++ {
		spread.WriteString("        s" + itoa(i) + ": {type: array, default: *s0}\n")
	}
	cases := map[string]string{
		"billion laughs":               aliasBomb(9, 9),
		"aliases over many parameters": strings.Replace(testManifest, "  conditions:\n", spread.String()+"  conditions:\n", 1),
		"alias to itself":              "a: &a [*a]\n",
	}
	for name, manifest := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := ParseManifest([]byte(manifest))
			if err == nil || !strings.HasPrefix(err.Error(), "template.yaml: ") {
				t.Fatalf("err = %v", err)
			}
			if name != "alias to itself" && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("err = %v, want ErrTooLarge", err)
			}
		})
	}
	// A few aliases are fine.
	ok := strings.Replace(testManifest, "enum: [none, postgres], default: none", "enum: &dbs [none, postgres], default: none", 1)
	ok = strings.Replace(ok, "system: {type: string}", "system: {type: string, enum: *dbs}", 1)
	m, err := ParseManifest([]byte(ok))
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Parameter("system").Enum; !reflect.DeepEqual(got, []any{"none", "postgres"}) {
		t.Fatalf("system enum = %v", got)
	}
}

func TestParseManifestRefusesBadUTF8(t *testing.T) {
	_, err := ParseManifest([]byte(strings.Replace(testManifest, "title: Demo", "title: D\xffmo", 1)))
	if err == nil || !strings.Contains(err.Error(), "template.yaml: yaml: invalid") || !strings.Contains(err.Error(), "UTF-8") {
		t.Fatalf("err = %v", err)
	}
}
