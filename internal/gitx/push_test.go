package gitx

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

var pushAuthor = Author{Name: "Pusher", Email: "push@example.com"}

func commitFile(t *testing.T, dir, name, content, msg string) string {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	repo, err := git.PlainOpen(dir)
	if err != nil {
		t.Fatal(err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := wt.Add(name); err != nil {
		t.Fatal(err)
	}
	sig := &object.Signature{Name: pushAuthor.Name, Email: pushAuthor.Email, When: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	h, err := wt.Commit(msg, &git.CommitOptions{Author: sig, Committer: sig})
	if err != nil {
		t.Fatal(err)
	}
	return h.String()
}

func remoteHead(t *testing.T, bare, branch string) string {
	t.Helper()
	repo, err := git.PlainOpen(bare)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := repo.Reference(plumbing.NewBranchReferenceName(branch), true)
	if err != nil {
		return ""
	}
	return ref.Hash().String()
}

func TestPushCreatesFastForwardsAndRefusesToForce(t *testing.T) {
	t.Setenv("PATH", "") // in-process: no git binary
	root := t.TempDir()
	bare := filepath.Join(root, "remote.git")
	if _, err := git.PlainInit(bare, true); err != nil {
		t.Fatal(err)
	}
	work := filepath.Join(root, "work")
	if err := os.MkdirAll(work, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(work, "README.md"), []byte("hi\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	first, err := InitCommit(work, pushAuthor, "first", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	// A new branch on the remote.
	res, err := Push(ctx, work, PushOptions{URL: bare, Branch: "main"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Hash != first || res.UpToDate || remoteHead(t, bare, "main") != first {
		t.Fatalf("push: %+v, remote main = %s", res, remoteHead(t, bare, "main"))
	}

	// Up to date.
	if res, err := Push(ctx, work, PushOptions{URL: "file://" + bare, Branch: "main"}); err != nil || !res.UpToDate {
		t.Fatalf("second push: %+v, %v", res, err)
	}

	// A fast-forward.
	second := commitFile(t, work, "a.txt", "a", "second")
	if _, err := Push(ctx, work, PushOptions{URL: bare, Branch: "main"}); err != nil {
		t.Fatal(err)
	}
	if remoteHead(t, bare, "main") != second {
		t.Fatal("remote did not fast-forward")
	}

	// Someone else pushes; our diverged branch is refused and the remote keeps theirs.
	other := filepath.Join(root, "other")
	if _, err := Clone(ctx, bare, "main", other); err != nil {
		t.Fatal(err)
	}
	repo, _ := git.PlainOpen(other)
	wt, _ := repo.Worktree()
	if err := wt.Checkout(&git.CheckoutOptions{Branch: plumbing.NewBranchReferenceName("main"), Hash: plumbing.NewHash(second), Create: true}); err != nil {
		t.Fatal(err)
	}
	theirs := commitFile(t, other, "b.txt", "b", "theirs")
	if _, err := Push(ctx, other, PushOptions{URL: bare, Branch: "main"}); err != nil {
		t.Fatal(err)
	}
	commitFile(t, work, "c.txt", "c", "ours")
	_, err = Push(ctx, work, PushOptions{URL: bare, Branch: "main"})
	if !errors.Is(err, ErrNonFastForward) || !strings.Contains(err.Error(), "pull or rebase") {
		t.Fatalf("diverged push: %v", err)
	}
	if remoteHead(t, bare, "main") != theirs {
		t.Fatal("a refused push changed the remote")
	}

	// An unknown branch.
	if _, err := Push(ctx, work, PushOptions{URL: bare, Branch: "nope"}); err == nil || !strings.Contains(err.Error(), `no local branch "nope"`) {
		t.Fatalf("unknown branch: %v", err)
	}
}

func TestPushErrorsHideTheToken(t *testing.T) {
	work := t.TempDir()
	if err := os.WriteFile(filepath.Join(work, "x"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := InitCommit(work, pushAuthor, "x", time.Now()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := Push(ctx, work, PushOptions{URL: "https://oauth2:glpat-s3cr3tt0ken@127.0.0.1:1/g/p.git", Branch: "main", Token: "glpat-s3cr3tt0ken"}) // platform:allow-secret
	if err == nil {
		t.Fatal("push to a closed port succeeded")
	}
	if strings.Contains(err.Error(), "s3cr3t") {
		t.Fatalf("error leaks the token: %v", err)
	}
}
