package change

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

	"github.com/platform-team/platform/internal/gitlab"
	"github.com/platform-team/platform/internal/gitlab/gitlabtest"
	"github.com/platform-team/platform/internal/gitx"
)

var (
	author = gitx.Author{Name: "Test Author", Email: "author@example.com"}
	when   = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
)

// fixture is a fake GitLab with project grp/svc, whose bare repository has
// one commit on main with VERSION 1.
type fixture struct {
	srv  *gitlabtest.Server
	opts Options
	bare string
	tmp  string // TMPDIR: what a session leaves behind is here
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	t.Setenv("PATH", "") // in-process git only
	root := t.TempDir()
	srv := gitlabtest.New(gitlabtest.Options{RepoDir: filepath.Join(root, "repos")})
	t.Cleanup(srv.Close)
	p := srv.AddProject("grp/svc", "main")

	work := filepath.Join(root, "seed")
	if err := os.MkdirAll(work, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(work, "VERSION"), []byte("1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := gitx.InitCommit(work, author, "first", when); err != nil {
		t.Fatal(err)
	}
	if _, err := gitx.Push(ctx, work, gitx.PushOptions{URL: p.RepoPath, Branch: "main"}); err != nil {
		t.Fatal(err)
	}
	client, err := gitlab.New(gitlab.Config{BaseURL: srv.URL, Token: srv.Token, RetryMax: -1})
	if err != nil {
		t.Fatal(err)
	}
	project, err := client.Project(ctx, "grp/svc")
	if err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(root, "tmp")
	if err := os.Mkdir(tmp, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TMPDIR", tmp)
	return &fixture{
		srv:  srv,
		bare: p.RepoPath,
		tmp:  tmp,
		opts: Options{Client: client, Project: project, Remote: p.RepoPath, Token: srv.Token, GitLabURL: srv.URL},
	}
}

// writeVersion is an edit that sets VERSION.
func writeVersion(v string) func(string) ([]string, error) {
	return func(dir string) ([]string, error) {
		return []string{"VERSION"}, os.WriteFile(filepath.Join(dir, "VERSION"), []byte(v+"\n"), 0o644)
	}
}

func request(edit func(string) ([]string, error)) Request {
	return Request{
		Branch: "bump/version", Edit: edit, Message: "Bump VERSION", Author: author, When: when,
		Title: "Bump VERSION", Description: "Bumps it.", Labels: []string{"bump"},
	}
}

// head is the commit the bare repository's branch points at, "" if none.
func (f *fixture) head(t *testing.T, branch string) string {
	t.Helper()
	repo, err := git.PlainOpen(f.bare)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := repo.Reference(plumbing.NewBranchReferenceName(branch), true)
	if err != nil {
		return ""
	}
	return ref.Hash().String()
}

// parent is the first parent of commit in the bare repository.
func (f *fixture) parent(t *testing.T, commit string) string {
	t.Helper()
	repo, err := git.PlainOpen(f.bare)
	if err != nil {
		t.Fatal(err)
	}
	c, err := repo.CommitObject(plumbing.NewHash(commit))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.ParentHashes) == 0 {
		return ""
	}
	return c.ParentHashes[0].String()
}

// assertNoTemp fails when a session left anything in TMPDIR.
func (f *fixture) assertNoTemp(t *testing.T) {
	t.Helper()
	entries, err := os.ReadDir(f.tmp)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("left behind in TMPDIR: %s", e.Name())
	}
}

func TestFirstRunOpensAndRerunUpdates(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	main := f.head(t, "main")

	first, err := Run(ctx, f.opts, request(writeVersion("2")))
	if err != nil {
		t.Fatal(err)
	}
	if !first.Created || first.MR == nil || first.Commit == "" {
		t.Fatalf("first run: %+v, want a commit and a new MR", first)
	}
	if got := f.head(t, "bump/version"); got != first.Commit {
		t.Fatalf("remote branch at %s, want the commit %s", got, first.Commit)
	}
	if got := f.parent(t, first.Commit); got != main {
		t.Errorf("commit's parent %s, want main %s", got, main)
	}
	mrs := f.srv.MergeRequests("grp/svc")
	if len(mrs) != 1 || mrs[0].SourceBranch != "bump/version" || mrs[0].TargetBranch != "main" || mrs[0].Title != "Bump VERSION" {
		t.Fatalf("merge requests: %+v", mrs)
	}

	// The same edit again: same MR, no new commit.
	again, err := Run(ctx, f.opts, request(writeVersion("2")))
	if err != nil {
		t.Fatal(err)
	}
	if again.Created || again.MR == nil || again.MR.IID != first.MR.IID || again.Commit != "" {
		t.Fatalf("rerun: %+v, want the same MR and no commit", again)
	}
	if got := f.head(t, "bump/version"); got != first.Commit {
		t.Errorf("rerun moved the branch to %s", got)
	}

	// A different edit: one more commit, on top of the branch, same MR.
	next, err := Run(ctx, f.opts, request(writeVersion("3")))
	if err != nil {
		t.Fatal(err)
	}
	if next.Created || next.MR.IID != first.MR.IID || next.Commit == "" {
		t.Fatalf("rerun with a new edit: %+v", next)
	}
	if got := f.parent(t, next.Commit); got != first.Commit {
		t.Errorf("new commit's parent %s, want the branch's %s", got, first.Commit)
	}
	if n := len(f.srv.MergeRequests("grp/svc")); n != 1 {
		t.Errorf("%d merge requests, want 1", n)
	}
	f.assertNoTemp(t)
}

func TestRerunSeesTheBranch(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, err := Run(ctx, f.opts, request(writeVersion("2"))); err != nil {
		t.Fatal(err)
	}
	var seen string
	_, err := Run(ctx, f.opts, request(func(dir string) ([]string, error) {
		data, err := os.ReadFile(filepath.Join(dir, "VERSION"))
		seen = string(data)
		return nil, err
	}))
	if err != nil {
		t.Fatal(err)
	}
	if seen != "2\n" {
		t.Errorf("the edit saw VERSION %q, want the branch's %q", seen, "2\n")
	}
}

func TestNoOpEditPushesNothing(t *testing.T) {
	for name, edit := range map[string]func(string) ([]string, error){
		"no paths":       func(string) ([]string, error) { return nil, nil },
		"same content":   writeVersion("1"),
		"nothing staged": func(string) ([]string, error) { return []string{"VERSION"}, nil },
	} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			f.srv.ResetRequests()
			res, err := Run(context.Background(), f.opts, request(edit))
			if err != nil {
				t.Fatal(err)
			}
			if res.Commit != "" || res.MR != nil || res.Created {
				t.Errorf("result %+v, want nothing", res)
			}
			if got := f.head(t, "bump/version"); got != "" {
				t.Errorf("branch pushed at %s", got)
			}
			if reqs := f.srv.RequestsMatching("*", "/api/v4/projects/*/merge_requests*"); len(reqs) > 0 {
				t.Errorf("merge request calls: %v", reqs)
			}
			f.assertNoTemp(t)
		})
	}
}

func TestTempDirRemovedOnError(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	boom := errors.New("boom")

	// The edit fails.
	_, err := Run(ctx, f.opts, request(func(string) ([]string, error) { return nil, boom }))
	if !errors.Is(err, boom) {
		t.Fatalf("got %v, want the edit's error", err)
	}
	f.assertNoTemp(t)

	// The clone fails: a remote error.
	bad := f.opts
	bad.Remote = filepath.Join(t.TempDir(), "missing.git")
	_, err = Run(ctx, bad, request(writeVersion("2")))
	var remote *RemoteError
	if !errors.As(err, &remote) {
		t.Fatalf("got %v, want a RemoteError", err)
	}
	f.assertNoTemp(t)

	// GitLab fails after the push.
	f.srv.Fail("POST", "/api/v4/projects/*/merge_requests", 500, 10)
	if _, err := Run(ctx, f.opts, request(writeVersion("2"))); err == nil {
		t.Fatal("want GitLab's error")
	}
	f.assertNoTemp(t)
}

func TestSessionCloseRemovesTheClone(t *testing.T) {
	f := newFixture(t)
	s, err := Open(context.Background(), f.opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(s.Dir(), "VERSION")); err != nil {
		t.Fatalf("the clone has no VERSION: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	f.assertNoTemp(t)
}

func TestDraftAndLabels(t *testing.T) {
	f := newFixture(t)
	req := request(writeVersion("2"))
	req.Draft = true
	res, err := Run(context.Background(), f.opts, req)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(res.MR.Title, "Draft: ") {
		t.Errorf("title %q, want a draft", res.MR.Title)
	}
	mrs := f.srv.MergeRequests("grp/svc")
	if len(mrs) != 1 || len(mrs[0].Labels) != 1 || mrs[0].Labels[0] != "bump" {
		t.Errorf("merge requests: %+v", mrs)
	}
}

func TestRefusesTheDefaultBranch(t *testing.T) {
	f := newFixture(t)
	req := request(writeVersion("2"))
	req.Branch = "main"
	if _, err := Run(context.Background(), f.opts, req); err == nil {
		t.Fatal("want an error for a change on the default branch")
	}
	if got := f.head(t, "main"); got == "" {
		t.Fatal("main is gone")
	}
	f.assertNoTemp(t)
}

func TestFinishDescribesWhatTheEditFound(t *testing.T) {
	f := newFixture(t)
	found := ""
	req := request(func(dir string) ([]string, error) {
		found = "conflicts in VERSION"
		return writeVersion("2")(dir)
	})
	req.Finish = func(r *Request) {
		r.Draft = true
		r.Description = "Edit found: " + found
	}
	res, err := Run(context.Background(), f.opts, req)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(res.MR.Title, "Draft: ") {
		t.Errorf("title %q, want a draft", res.MR.Title)
	}
	mrs := f.srv.MergeRequests("grp/svc")
	if len(mrs) != 1 || mrs[0].Description != "Edit found: conflicts in VERSION" {
		t.Errorf("merge requests: %+v", mrs)
	}
}
