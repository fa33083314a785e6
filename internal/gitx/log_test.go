package gitx

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
)

// logFixture: main has "first"; feature adds "second" and "third" on top;
// origin/main is a tracking ref at main.
func logFixture(t *testing.T) (dir string) {
	t.Helper()
	dir = t.TempDir()
	writeFiles(t, dir, map[string]string{"README.md": "hi\n"})
	first, err := InitCommit(dir, testAuthor, "first", testWhen)
	if err != nil {
		t.Fatal(err)
	}
	repo, err := git.PlainOpen(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer closeStorer(repo)
	if err := repo.Storer.SetReference(plumbing.NewHashReference(plumbing.NewRemoteReferenceName("origin", "main"), plumbing.NewHash(first))); err != nil {
		t.Fatal(err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	if err := wt.Checkout(&git.CheckoutOptions{Branch: plumbing.NewBranchReferenceName("feature"), Create: true}); err != nil {
		t.Fatal(err)
	}
	commitFile(t, dir, "a.txt", "a\n", "second\n\nwith a body")
	commitFile(t, dir, "b.txt", "b\n", "third")
	return dir
}

func TestCommitsBetween(t *testing.T) {
	dir := logFixture(t)
	subjects := func(cs []Commit) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.Message)
		}
		return out
	}
	for _, tc := range []struct {
		name           string
		bases, remotes []string
		limit          int
		want           []string
	}{
		{"local base", []string{"main"}, nil, 0, []string{"third", "second\n\nwith a body"}},
		{"tracking base only", []string{"trunk", "main"}, []string{"origin"}, 0, []string{"third", "second\n\nwith a body"}},
		{"limit", []string{"main"}, nil, 1, []string{"third"}},
		{"no base found", []string{"nope"}, []string{"origin"}, 0, []string{"third", "second\n\nwith a body", "first\n"}},
		{"base is head", []string{"feature"}, nil, 0, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := CommitsBetween(dir, "feature", tc.bases, tc.remotes, tc.limit)
			if err != nil {
				t.Fatal(err)
			}
			if g := subjects(got); !slices.Equal(g, tc.want) {
				t.Fatalf("got %q, want %q", g, tc.want)
			}
			for _, c := range got {
				if len(c.Hash) != 40 {
					t.Errorf("hash %q is not a full hash", c.Hash)
				}
			}
		})
	}
}

func TestCommitsBetweenTrackingRefOnly(t *testing.T) {
	dir := logFixture(t)
	// Without the local main, origin/main still bounds the walk.
	repo, err := git.PlainOpen(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := repo.Storer.RemoveReference(plumbing.NewBranchReferenceName("main")); err != nil {
		t.Fatal(err)
	}
	closeStorer(repo)
	got, err := CommitsBetween(dir, "feature", []string{"main"}, []string{"upstream", "origin"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("got %d commits, want 2", len(got))
	}
}

func TestCommitsBetweenErrors(t *testing.T) {
	dir := logFixture(t)
	if _, err := CommitsBetween(dir, "nope", []string{"main"}, nil, 0); !errors.Is(err, ErrUnknownBranch) {
		t.Errorf("unknown branch: got %v, want ErrUnknownBranch", err)
	}
	if _, err := CommitsBetween(t.TempDir(), "main", nil, nil, 0); !errors.Is(err, ErrNotRepository) {
		t.Errorf("no repository: got %v, want ErrNotRepository", err)
	}
}

func TestCurrentBranch(t *testing.T) {
	dir := logFixture(t)
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if b, err := CurrentBranch(sub); err != nil || b != "feature" {
		t.Fatalf("CurrentBranch = %q, %v; want feature", b, err)
	}
	repo, err := git.PlainOpen(dir)
	if err != nil {
		t.Fatal(err)
	}
	head, err := repo.Head()
	if err != nil {
		t.Fatal(err)
	}
	if err := repo.Storer.SetReference(plumbing.NewHashReference(plumbing.HEAD, head.Hash())); err != nil {
		t.Fatal(err)
	}
	closeStorer(repo)
	if _, err := CurrentBranch(dir); !errors.Is(err, ErrDetachedHead) {
		t.Errorf("detached: got %v, want ErrDetachedHead", err)
	}
	if _, err := CurrentBranch(t.TempDir()); !errors.Is(err, ErrNotRepository) {
		t.Errorf("no repository: got %v, want ErrNotRepository", err)
	}
}

func TestCommitOnBranchNothingToCommit(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"README.md": "hi\n"})
	if _, err := InitCommit(dir, testAuthor, "first", testWhen); err != nil {
		t.Fatal(err)
	}
	if _, err := CommitOnBranch(dir, "change", []string{"README.md"}, testAuthor, "same", testWhen); !errors.Is(err, ErrNothingToCommit) {
		t.Fatalf("unchanged file: got %v, want ErrNothingToCommit", err)
	}
	writeFiles(t, dir, map[string]string{"README.md": "changed\n"})
	if h, err := CommitOnBranch(dir, "change", []string{"README.md"}, testAuthor, "changed", testWhen); err != nil || len(h) != 40 {
		t.Fatalf("changed file: %q, %v", h, err)
	}
}
