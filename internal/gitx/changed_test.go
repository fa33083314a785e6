package gitx

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"
)

func changedCommit(t *testing.T, repo *git.Repository, msg string) string {
	t.Helper()
	wt, err := repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	if err := wt.AddWithOptions(&git.AddOptions{All: true}); err != nil {
		t.Fatal(err)
	}
	sig := &object.Signature{Name: "T", Email: "t@example.com", When: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	h, err := wt.Commit(msg, &git.CommitOptions{Author: sig, Committer: sig})
	if err != nil {
		t.Fatal(err)
	}
	return h.String()
}

func changedWrite(t *testing.T, dir, name, data string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestChangedLines(t *testing.T) {
	dir := t.TempDir()
	repo, err := git.PlainInit(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	changedWrite(t, dir, "svc/a.yaml", "one\ntwo\nthree\nfour\n")
	changedWrite(t, dir, "svc/same.yaml", "x\n")
	changedWrite(t, dir, "svc/gone.yaml", "x\n")
	changedWrite(t, dir, "top.md", "# t\n")
	base := changedCommit(t, repo, "base")

	// Committed after base: a line inserted at the top, one modified.
	changedWrite(t, dir, "svc/a.yaml", "zero\none\nTWO\nthree\nfour\n")
	changedCommit(t, repo, "second")
	// Not committed: a line appended, a new untracked file, a deletion.
	changedWrite(t, dir, "svc/a.yaml", "zero\none\nTWO\nthree\nfour\nfive\n")
	changedWrite(t, dir, "svc/new.yaml", "a\nb\n")
	if err := os.Remove(filepath.Join(dir, "svc/gone.yaml")); err != nil {
		t.Fatal(err)
	}

	got, err := ChangedLines(dir, base)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]LineRange{
		"svc/a.yaml":   {{1, 1}, {3, 3}, {6, 6}},
		"svc/new.yaml": {{1, 2}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ChangedLines = %v, want %v", got, want)
	}

	// From a subdirectory, paths are relative to it and others are left out.
	sub, err := ChangedLines(filepath.Join(dir, "svc"), base)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := sub["a.yaml"]; !ok || len(sub) != 2 {
		t.Errorf("ChangedLines(svc) = %v, want a.yaml and new.yaml", sub)
	}

	if _, err := ChangedLines(dir, "no-such-ref"); !errors.Is(err, ErrUnknownRef) {
		t.Errorf("unknown ref: err = %v, want ErrUnknownRef", err)
	}
	if _, err := ChangedLines(t.TempDir(), "HEAD"); !errors.Is(err, ErrNotRepository) {
		t.Errorf("no repository: err = %v, want ErrNotRepository", err)
	}
}

func TestLineRangeContains(t *testing.T) {
	r := LineRange{Start: 3, End: 5}
	for line, want := range map[int]bool{2: false, 3: true, 5: true, 6: false} {
		if r.Contains(line) != want {
			t.Errorf("Contains(%d) = %v", line, !want)
		}
	}
}

// TestChangedLinesBoundsWhatItReads: a link is never followed (it could name
// a device that never ends) and a file too large to diff counts as changed
// throughout, without being read.
func TestChangedLinesBoundsWhatItReads(t *testing.T) {
	dir := t.TempDir()
	repo, err := git.PlainInit(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	changedWrite(t, dir, "a.yaml", "x\n")
	base := changedCommit(t, repo, "base")
	if err := os.Symlink("/dev/zero", filepath.Join(dir, "zero.yaml")); err != nil {
		t.Fatal(err)
	}
	big := strings.Repeat("line\n", int(DefaultMaxFileBytes/5)+1)
	changedWrite(t, dir, "big.yaml", big)
	got, err := ChangedLines(dir, base)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := got["zero.yaml"]; ok {
		t.Error("a link was read")
	}
	if r := got["big.yaml"]; len(r) != 1 || !r[0].Contains(1) || !r[0].Contains(len(big)) {
		t.Errorf("big.yaml: %v, want every line", r)
	}
}
