// Package change runs a change session: clone a repository's default branch
// fresh, let the caller edit the clone, commit the edit on a branch, push it
// and open (or update) the branch's merge request, idempotently.
//
// It is the machinery behind `platform promote` and the base of `update --mr`
// and `fleet`: callers decide what to change, the session decides how it
// reaches GitLab. A rerun builds on the branch already on the remote, so it
// adds at most one commit and never opens a second merge request; an edit that
// changes nothing pushes nothing. The token goes only to the GitLab host
// (gitx.PushOptions.GitLabURL); every temporary file is gone after Close.
package change

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/platform-team/platform/internal/gitlab"
	"github.com/platform-team/platform/internal/gitx"
)

// Options say which repository a session changes and how to reach it.
type Options struct {
	// Client talks to the GitLab that hosts Project.
	Client *gitlab.Client
	// Project is the GitLab project; its DefaultBranch is cloned and targeted.
	Project *gitlab.Project
	// Remote is the git URL cloned from and pushed to.
	Remote string
	// Token authenticates clones and pushes over HTTPS (as gitlab-ci-token
	// with JobToken), so private projects work.
	Token    string
	JobToken bool
	// GitLabURL is the GitLab the token belongs to: it is sent only to a
	// remote on that host.
	GitLabURL string
	// TempPattern names the temporary directory (os.MkdirTemp); default
	// "platform-change-*".
	TempPattern string
}

// token is what fetches and pushes of the session authenticate with.
func (o Options) token() gitx.Token {
	return gitx.Token{Value: o.Token, Job: o.JobToken, GitLabURL: o.GitLabURL}
}

// Session is one clone of a repository's default branch in a temporary
// directory. Close removes it.
type Session struct {
	opts Options
	tmp  string
	dir  string
}

// RemoteError is a clone or a push that failed: the remote was unreachable,
// refused, or had moved on (gitx.ErrNonFastForward).
type RemoteError struct{ Err error }

func (e *RemoteError) Error() string { return e.Err.Error() }
func (e *RemoteError) Unwrap() error { return e.Err }

// Open clones the default branch of opts.Project fresh into a temporary
// directory: a session never trusts a local checkout. On error nothing is
// left behind.
func Open(ctx context.Context, opts Options) (*Session, error) {
	if opts.Project == nil || opts.Project.DefaultBranch == "" {
		return nil, errors.New("change: the project and its default branch are required")
	}
	pattern := opts.TempPattern
	if pattern == "" {
		pattern = "platform-change-*"
	}
	tmp, err := os.MkdirTemp("", pattern)
	if err != nil {
		return nil, fmt.Errorf("change: %w", err)
	}
	s := &Session{opts: opts, tmp: tmp, dir: filepath.Join(tmp, "repo")}
	if _, err := gitx.CloneWithToken(ctx, opts.Remote, opts.Project.DefaultBranch, s.dir, opts.token()); err != nil {
		s.Close()
		return nil, &RemoteError{Err: err}
	}
	return s, nil
}

// Dir is the clone of the default branch, for reading what the change is
// based on. Edits go through Propose.
func (s *Session) Dir() string { return s.dir }

// Project is the project the session changes.
func (s *Session) Project() *gitlab.Project { return s.opts.Project }

// Close removes the session's temporary directory. It is safe to call twice.
func (s *Session) Close() error {
	if s == nil || s.tmp == "" {
		return nil
	}
	err := os.RemoveAll(s.tmp)
	s.tmp = ""
	return err
}

// Request is one change to propose.
type Request struct {
	// Branch is the source branch, e.g. promote/staging-1.2.3.
	Branch string
	// Edit changes the work tree at dir and returns the slash-separated paths
	// it wrote. dir is a clone of Branch when the remote has it (a rerun),
	// else of the default branch. No paths, or paths as they already were,
	// mean nothing to commit.
	Edit func(dir string) (paths []string, err error)
	// Message, Author and When make the commit; a zero When is time.Now().
	Message string
	Author  gitx.Author
	When    time.Time
	// The merge request into the default branch. Draft prefixes the title
	// with "Draft: ". The source branch is removed when it is merged.
	Title       string
	Description string
	Labels      []string
	Draft       bool
	// Finish, when set, runs after Edit (whose outcome it may look at) and
	// before the merge request is opened or updated: it may set Title,
	// Description, Labels and Draft from what the edit found.
	Finish func(req *Request)
}

// Result says what Propose did.
type Result struct {
	// Commit is the commit pushed, "" when the edit changed nothing.
	Commit string
	// MR is the merge request opened or updated; nil when nothing changed
	// and the remote has no such branch, so there is nothing to propose.
	MR *gitlab.MergeRequest
	// Created is true when MR was opened by this call.
	Created bool
}

// Propose applies req.Edit on req.Branch, commits and pushes what changed,
// and ensures the branch's merge request. A rerun finds the branch on the
// remote and builds on it, and finds its open merge request and updates it.
func (s *Session) Propose(ctx context.Context, req Request) (Result, error) {
	if req.Branch == "" || req.Edit == nil || req.Title == "" {
		return Result{}, errors.New("change: a branch, an edit and a title are required")
	}
	if req.Branch == s.opts.Project.DefaultBranch {
		return Result{}, fmt.Errorf("change: the branch %q is the default branch", req.Branch)
	}
	dir, onRemote, err := s.checkoutBranch(ctx, req.Branch)
	if err != nil {
		return Result{}, err
	}
	paths, err := req.Edit(dir)
	if err != nil {
		return Result{}, err
	}
	if req.Finish != nil {
		req.Finish(&req)
	}
	var res Result
	if len(paths) > 0 {
		if res.Commit, err = s.commitAndPush(ctx, dir, paths, req); err != nil {
			return Result{}, err
		}
	}
	if res.Commit == "" && !onRemote {
		return res, nil
	}
	title := req.Title
	if req.Draft && !strings.HasPrefix(title, "Draft: ") {
		title = "Draft: " + title
	}
	res.MR, res.Created, err = s.opts.Client.EnsureMergeRequest(ctx, s.opts.Project.PathWithNamespace, gitlab.MROptions{
		Title:              title,
		Description:        req.Description,
		SourceBranch:       req.Branch,
		TargetBranch:       s.opts.Project.DefaultBranch,
		Labels:             req.Labels,
		RemoveSourceBranch: true,
	})
	if err != nil {
		return Result{}, err
	}
	return res, nil
}

// checkoutBranch clones branch when the remote has it, else returns the
// default branch's clone.
func (s *Session) checkoutBranch(ctx context.Context, branch string) (dir string, onRemote bool, err error) {
	parent, err := os.MkdirTemp(s.tmp, "branch-*")
	if err != nil {
		return "", false, fmt.Errorf("change: %w", err)
	}
	dir = filepath.Join(parent, "repo")
	_, err = gitx.CloneWithToken(ctx, s.opts.Remote, branch, dir, s.opts.token())
	switch {
	case err == nil:
		return dir, true, nil
	case errors.Is(err, gitx.ErrUnknownRef):
		return s.dir, false, nil
	default:
		return "", false, &RemoteError{Err: err}
	}
}

// commitAndPush commits paths on req.Branch and pushes it. It returns ""
// when the paths are as the branch already has them.
func (s *Session) commitAndPush(ctx context.Context, dir string, paths []string, req Request) (string, error) {
	when := req.When
	if when.IsZero() {
		when = time.Now()
	}
	hash, err := gitx.CommitOnBranch(dir, req.Branch, paths, req.Author, req.Message, when)
	if errors.Is(err, gitx.ErrNothingToCommit) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("change: %w", err)
	}
	if _, err := gitx.Push(ctx, dir, gitx.PushOptions{
		URL: s.opts.Remote, Branch: req.Branch,
		Token: s.opts.Token, JobToken: s.opts.JobToken, GitLabURL: s.opts.GitLabURL,
	}); err != nil {
		return "", &RemoteError{Err: err}
	}
	return hash, nil
}

// Run opens a session, proposes req and closes the session: the whole change
// for a caller that needs nothing from the default branch before editing.
func Run(ctx context.Context, opts Options, req Request) (Result, error) {
	s, err := Open(ctx, opts)
	if err != nil {
		return Result{}, err
	}
	defer s.Close()
	return s.Propose(ctx, req)
}
