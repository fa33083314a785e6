package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/platform-team/platform/internal/gitlab/gitlabtest"
	"github.com/platform-team/platform/internal/gitx"
)

// serviceRepo makes a repository in a temporary directory, on branch
// "change" with one commit, whose origin is remote, and makes it the
// working directory.
func serviceRepo(t *testing.T, remote string) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "README.md"), []byte("x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := gitx.InitCommit(dir, gitx.Author{Name: "T", Email: "t@example.com"}, "first", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	repo, err := git.PlainOpen(dir)
	if err != nil {
		t.Fatal(err)
	}
	head, err := repo.Head()
	if err != nil {
		t.Fatal(err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	if err := wt.Checkout(&git.CheckoutOptions{Branch: plumbing.NewBranchReferenceName("change"), Hash: head.Hash(), Create: true, Keep: true}); err != nil {
		t.Fatal(err)
	}
	if err := gitx.SetRemote(dir, "origin", remote); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
}

// TestInterruptDuringGitLabCallExits130: Ctrl-C while GitLab hangs is
// "Interrupted" (130), not a remote failure (3).
func TestInterruptDuringGitLabCallExits130(t *testing.T) {
	srv := gitlabtest.New(gitlabtest.Options{HangLimit: time.Minute})
	defer srv.Close()
	srv.AddProject("g/p", "main")
	srv.Hang("GET", "/api/v4/projects/*", -1)
	serviceRepo(t, "https://gitlab.example.com/g/p.git")

	f, _, errOut := testFactory(t)
	env := map[string]string{"HOME": t.TempDir(), "GITLAB_TOKEN": srv.Token, "PLATFORM_GITLAB_URL": srv.URL}
	f.Getenv = func(k string) string { return env[k] }

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		// Cancel once the call is in flight; the outcome does not depend on when.
		for len(srv.RequestsMatching("GET", "/api/v4/projects/*")) == 0 {
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
	}()
	done := make(chan int, 1)
	go func() { done <- Run(ctx, f, []string{"mr", "create", "--title", "x", "--yes", "--project", "g/p"}) }()
	var code int
	select {
	case code = <-done:
	case <-time.After(time.Minute): // a guard against hanging, not a measure
		t.Fatal("mr create did not return after the interrupt")
	}
	if code != ExitInterrupted {
		t.Errorf("exit %d, want %d; stderr:\n%s", code, ExitInterrupted, errOut)
	}
	if got := errOut.String(); !strings.Contains(got, "Interrupted: nothing was written.") {
		t.Errorf("stderr = %q", got)
	}
}
