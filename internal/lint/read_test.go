package lint

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
)

func findingLines(res *Result) []string {
	var out []string
	for _, f := range res.Findings {
		out = append(out, f.Rule+" "+f.Severity.String()+" "+f.Path+": "+f.Message)
	}
	return out
}

func TestSkippedFilesAreReported(t *testing.T) {
	root := writeTree(t, map[string]string{
		"README.md":        "x",
		"a.txt":            "TODO",
		"deploy/big.yaml":  "TODO: " + strings.Repeat("k: v\n", 40),
		"deploy/nul.yaml":  "kind: Secret\x00\nTODO",
		"docs/logo.png":    "\x89PNG\x00\x00",
		"docs/photo.jpg":   strings.Repeat("x", 100), // too large, but an image: expected
		"docs/ok.txt":      "fine",
		"excluded/big.txt": strings.Repeat("x", 500),
	})
	res, err := Run(context.Background(), Options{Paths: []string{root}, Rules: append([]Rule{todoRule}, EngineRules()...),
		Exclude: []string{"excluded/**"}, MaxFileSize: 64})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"test/todo warning a.txt: TODO left",
		"lint/skipped info deploy/big.yaml: not linted: 206 bytes, over the size limit of 64 bytes",
		"lint/skipped info deploy/nul.yaml: not linted: a binary file (a NUL byte in its first 8000 bytes)",
	}
	if got := findingLines(res); !reflect.DeepEqual(got, want) {
		t.Fatalf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// Named on the command line, even an image is reported, and only what was named is linted.
	t.Chdir(root)
	res, err = Run(context.Background(), Options{Paths: []string{"docs/logo.png", "deploy/big.yaml", "a.txt"}, Rules: append([]Rule{todoRule}, EngineRules()...), MaxFileSize: 64})
	if err != nil {
		t.Fatal(err)
	}
	want = []string{
		"test/todo warning a.txt: TODO left",
		"lint/skipped info deploy/big.yaml: not linted: 206 bytes, over the size limit of 64 bytes",
		"lint/skipped info docs/logo.png: not linted: a binary file (a NUL byte in its first 8000 bytes)",
	}
	if got := findingLines(res); !reflect.DeepEqual(got, want) {
		t.Fatalf("named files:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// A file that grows past the limit between the size check and the read is cut
// at the limit and reported, never read whole.
func TestReadStopsAtTheLimit(t *testing.T) {
	root := writeTree(t, map[string]string{"a.yaml": "short"})
	rd := &reader{root: root, limit: 10, open: func(name string) (openedFile, error) {
		return &fakeFile{data: strings.Repeat("k", 1<<20)}, nil
	}}
	f, s := rd.read("a.yaml", false)
	if f != nil || s == nil || s.reason != "over the size limit of 10 bytes" {
		t.Fatalf("file %v, skip %+v", f, s)
	}
}

type fakeFile struct {
	data string
	err  error
}

func (f *fakeFile) Read(p []byte) (int, error) {
	if f.err != nil {
		return 0, f.err
	}
	if f.data == "" {
		return 0, io.EOF
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}
func (f *fakeFile) Close() error               { return nil }
func (f *fakeFile) Stat() (fs.FileInfo, error) { return regularInfo{}, nil }

type regularInfo struct{ fs.FileInfo }

func (regularInfo) Mode() fs.FileMode { return 0o644 }
func (regularInfo) Size() int64       { return 0 }

func TestUnreadableFileIsAFinding(t *testing.T) {
	root := writeTree(t, map[string]string{"README.md": "x", "a.txt": "TODO", "b.txt": "TODO", "c.txt": "TODO"})
	open := func(name string) (openedFile, error) {
		switch filepath.Base(name) {
		case "b.txt":
			return nil, &fs.PathError{Op: "open", Path: name, Err: syscall.EACCES}
		case "c.txt":
			return &fakeFile{err: syscall.EIO}, nil
		}
		return os.Open(name)
	}
	res, err := Run(context.Background(), Options{Paths: []string{root}, Rules: append([]Rule{todoRule}, EngineRules()...), open: open})
	if err != nil {
		t.Fatalf("one unreadable file must not fail the run: %v", err)
	}
	want := []string{
		"test/todo warning a.txt: TODO left",
		"lint/unreadable error b.txt: cannot read it: permission denied",
		"lint/unreadable error c.txt: cannot read it: input/output error",
	}
	if got := findingLines(res); !reflect.DeepEqual(got, want) {
		t.Fatalf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestDanglingSymlinkNamedIsUnreadable(t *testing.T) {
	root := writeTree(t, map[string]string{"a.txt": "TODO"})
	if err := os.Symlink("nowhere.yaml", filepath.Join(root, "link.yaml")); err != nil {
		t.Skip(err)
	}
	t.Chdir(root)
	res, err := Run(context.Background(), Options{Paths: []string{"link.yaml", "a.txt"}, Rules: append([]Rule{todoRule}, EngineRules()...)})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"test/todo warning a.txt: TODO left", "lint/unreadable error link.yaml: cannot read it: no such file or directory"}
	if got := findingLines(res); !reflect.DeepEqual(got, want) {
		t.Fatalf("findings:\n%s", strings.Join(got, "\n"))
	}
	// A name that does not exist at all is still a usage error.
	if _, err := Run(context.Background(), Options{Paths: []string{"typo.yaml"}, Rules: EngineRules()}); err == nil {
		t.Fatal("a missing path must be an error")
	}
}

func TestCancelStopsTheWalk(t *testing.T) {
	root := writeTree(t, map[string]string{"a/b/c.txt": "TODO", "d.txt": "TODO"})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	w := &walker{ctx: ctx, root: root, reader: &reader{root: root, limit: DefaultMaxFileSize, open: openNonblocking}}
	if err := w.walk(".", nil); !errors.Is(err, context.Canceled) || len(w.files) > 0 {
		t.Fatalf("walk after cancel: %v, files %v", err, w.files)
	}
	if _, err := Run(ctx, Options{Paths: []string{root}, Rules: []Rule{todoRule}}); !errors.Is(err, context.Canceled) {
		t.Fatalf("Run after cancel: %v", err)
	}
}

// A file larger than its stat said (it grew) is still read whole under the limit.
func TestReadLimitedGrows(t *testing.T) {
	data := strings.Repeat("0123456789", 1000)
	got, err := readLimited(strings.NewReader(data), 3, 1<<20)
	if err != nil || string(got) != data {
		t.Fatalf("read %d bytes, %v", len(got), err)
	}
	got, err = readLimited(strings.NewReader(data), 3, 50)
	if err != nil || len(got) != 51 {
		t.Fatalf("over the limit: read %d bytes, %v; want limit+1", len(got), err)
	}
}

// A subdirectory that cannot be listed is a finding; the rest is walked.
func TestUnreadableDirectoryIsAFinding(t *testing.T) {
	root := writeTree(t, map[string]string{"a.txt": "x", "locked/b.txt": "x", "open/c.txt": "x"})
	w := &walker{ctx: context.Background(), root: root, reader: &reader{root: root, limit: DefaultMaxFileSize, open: openNonblocking},
		readDir: func(name string) ([]os.DirEntry, error) {
			if filepath.Base(name) == "locked" {
				return nil, &fs.PathError{Op: "open", Path: name, Err: syscall.EACCES}
			}
			return os.ReadDir(name)
		}}
	if err := w.walk(".", nil); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(w.files, []string{"a.txt", "open/c.txt"}) || len(w.skips) != 1 ||
		w.skips[0].path != "locked" || !errors.Is(w.skips[0].err, syscall.EACCES) {
		t.Fatalf("files %v, skips %+v", w.files, w.skips)
	}
}
