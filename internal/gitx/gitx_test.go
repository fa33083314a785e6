package gitx

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-git/go-billy/v5/memfs"
	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-billy/v5/util"
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

var (
	testAuthor = Author{Name: "Ada Lovelace", Email: "ada@example.com"}
	testWhen   = time.Date(2024, 3, 1, 12, 0, 0, 0, time.FixedZone("CET", 3600))
)

// writeFiles creates files (slash-separated relative paths) below dir.
func writeFiles(t testing.TB, dir string, files map[string]string) {
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

// remoteFixture is a bare repository built with go-git alone:
//
//	main:  c1 (tag v1.0.0, annotated) -- c2   <- HEAD
//	dev:   c1 -- c3 (tag light, lightweight)
type remoteFixture struct {
	dir        string
	c1, c2, c3 plumbing.Hash
}

func newRemote(t testing.TB) remoteFixture {
	t.Helper()
	dir := t.TempDir()
	if _, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{
		InitOptions: git.InitOptions{DefaultBranch: plumbing.Main},
		Bare:        true,
	}); err != nil {
		t.Fatal(err)
	}
	// Open the bare storage with an in-memory work tree: commits land in the
	// bare repository without a push (which would need a transport).
	sto := filesystem.NewStorage(osfs.New(dir), cache.NewObjectLRUDefault())
	repo, err := git.Open(sto, memfs.New())
	if err != nil {
		t.Fatal(err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	commit := func(files map[string]string, msg string) plumbing.Hash {
		t.Helper()
		for name, content := range files {
			if err := util.WriteFile(wt.Filesystem, name, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if err := wt.AddWithOptions(&git.AddOptions{All: true}); err != nil {
			t.Fatal(err)
		}
		sig := &object.Signature{Name: "Fixture", Email: "fixture@example.com", When: testWhen}
		h, err := wt.Commit(msg, &git.CommitOptions{Author: sig, Committer: sig})
		if err != nil {
			t.Fatal(err)
		}
		return h
	}

	var f remoteFixture
	f.dir = dir
	f.c1 = commit(map[string]string{"README.md": "one\n"}, "c1")
	tagger := &object.Signature{Name: "Fixture", Email: "fixture@example.com", When: testWhen}
	if _, err := repo.CreateTag("v1.0.0", f.c1, &git.CreateTagOptions{Tagger: tagger, Message: "v1.0.0"}); err != nil {
		t.Fatal(err)
	}
	f.c2 = commit(map[string]string{"README.md": "two\n"}, "c2")

	if err := wt.Checkout(&git.CheckoutOptions{Branch: "refs/heads/dev", Hash: f.c1, Create: true}); err != nil {
		t.Fatal(err)
	}
	f.c3 = commit(map[string]string{"dev.txt": "dev\n"}, "c3")
	if _, err := repo.CreateTag("light", f.c3, nil); err != nil {
		t.Fatal(err)
	}
	// Leave the remote's HEAD on main.
	if err := sto.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, plumbing.Main)); err != nil {
		t.Fatal(err)
	}
	return f
}

// goldenPathFiles is roughly what `platform new service` writes.
func goldenPathFiles(n int) map[string]string {
	files := map[string]string{".gitignore": "bin/\n*.log\n"}
	for i := range n - 1 {
		dir := []string{"", "cmd/svc/", "internal/api/", "internal/store/", "deploy/k8s/", ".gitlab/"}[i%6]
		files[fmt.Sprintf("%sfile%02d.go", dir, i)] = fmt.Sprintf("package p\n\n// File %d.\nconst N%d = %d\n", i, i, i)
	}
	return files
}

func BenchmarkInitCommit(b *testing.B) {
	dir := b.TempDir()
	writeFiles(b, dir, goldenPathFiles(30))
	b.ResetTimer()
	for b.Loop() {
		if _, err := InitCommit(dir, testAuthor, "Initial commit", testWhen); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if err := os.RemoveAll(filepath.Join(dir, ".git")); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}
