package gitx

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"

	"github.com/platform-team/platform/internal/redact"
)

// ErrUnknownRef is wrapped by Clone's error when the ref names no branch, tag
// or commit of the remote.
var ErrUnknownRef = errors.New("unknown ref")

// Clone fetches url at ref into dir and checks it out with a detached HEAD.
//
// ref is tried as a branch, then a tag (as `git clone --branch` does; a full
// "refs/..." name is taken as is), then as a full or abbreviated (>= 4 hex
// digits) commit hash; "" means the remote's HEAD. Only what ref needs is
// fetched, except for an abbreviated hash, which fetches every branch and tag
// to search them. dir must not exist or be empty; on failure it is left as it
// was. url may be https://, ssh:// or scp-like (git@host:path), file:// or a
// local path; local sources are served in-process, so no git binary is needed.
// The remote "origin" is recorded without credentials.
//
// It returns the full hash of the commit checked out. Errors are a
// *RemoteError naming the URL, with any credentials in it replaced by "***",
// and the ref.
func Clone(ctx context.Context, url, ref, dir string) (hash string, err error) {
	return CloneWithToken(ctx, url, ref, dir, Token{})
}

// Token is a GitLab token for git over HTTPS: sent as basic auth (as oauth2,
// or as gitlab-ci-token when Job is set) only to a URL on GitLabURL's host
// (TokenMayGo), never written to .git/config.
type Token struct {
	Value     string
	Job       bool
	GitLabURL string
}

// auth is the token for url, nil when there is none or url is elsewhere.
func (t Token) auth(url string) transport.AuthMethod {
	if t.Value == "" || !TokenMayGo(t.GitLabURL, url) {
		return nil
	}
	user := "oauth2"
	if t.Job {
		user = "gitlab-ci-token"
	}
	return &githttp.BasicAuth{Username: user, Password: t.Value}
}

// CloneWithToken is Clone of a private repository: token authenticates the
// fetch when url is on its GitLab.
func CloneWithToken(ctx context.Context, url, ref, dir string, token Token) (hash string, err error) {
	defer func() {
		if err != nil {
			err = &RemoteError{Err: fmt.Errorf("clone %s at %s: %w", redact.URL(url), describeRef(ref), redact.Error(err, url))}
		}
	}()

	src, err := openSource(url)
	if err != nil {
		return "", err
	}
	defer src.close()

	undo, err := claimDir(dir)
	if err != nil {
		return "", err
	}
	defer func() {
		if err != nil {
			if uerr := undo(); uerr != nil {
				err = errors.Join(err, fmt.Errorf("clean up %s: %w", dir, uerr))
			}
		}
	}()

	repo, err := git.PlainInit(dir, false)
	if err != nil {
		return "", err
	}
	defer closeStorer(repo)

	h, err := fetchRef(ctx, src, repo, ref, token.auth(url))
	if err != nil {
		return "", err
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}

	if _, err := repo.CreateRemote(&config.RemoteConfig{
		Name: git.DefaultRemoteName,
		URLs: []string{src.recordedURL(url)},
	}); err != nil {
		return "", fmt.Errorf("record remote: %w", err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		return "", err
	}
	if err := wt.Checkout(&git.CheckoutOptions{Hash: h, Force: true}); err != nil {
		return "", fmt.Errorf("check out %s: %w", h, err)
	}
	return h.String(), nil
}

func describeRef(ref string) string {
	if ref == "" {
		return "remote HEAD"
	}
	return fmt.Sprintf("%q", ref)
}

// claimDir makes sure dir does not exist or is empty, creates it if needed,
// and returns a function that puts it back as it was.
func claimDir(dir string) (undo func() error, err error) {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
		return func() error { return os.RemoveAll(dir) }, nil
	case err != nil:
		return nil, fmt.Errorf("destination: %w", err)
	case len(entries) > 0:
		return nil, fmt.Errorf("destination %s is not empty", dir)
	}
	return func() error {
		// dir was empty, so everything in it now is ours.
		entries, err := os.ReadDir(dir)
		if err != nil {
			return err
		}
		var errs []error
		for _, e := range entries {
			errs = append(errs, os.RemoveAll(filepath.Join(dir, e.Name())))
		}
		return errors.Join(errs...)
	}, nil
}

// closeStorer releases the files a repository's storage may hold open.
func closeStorer(repo *git.Repository) {
	if c, ok := repo.Storer.(io.Closer); ok {
		_ = c.Close() // only open packfile handles; every write is already on disk
	}
}

// peelToCommit follows annotated tags from h to the commit they name.
func peelToCommit(repo *git.Repository, h plumbing.Hash) (plumbing.Hash, error) {
	for range maxTagChain {
		obj, err := repo.Object(plumbing.AnyObject, h)
		if err != nil {
			return plumbing.ZeroHash, fmt.Errorf("read object %s: %w", h, err)
		}
		switch o := obj.(type) {
		case *object.Commit:
			return o.Hash, nil
		case *object.Tag:
			h = o.Target
		default:
			return plumbing.ZeroHash, fmt.Errorf("%s is a %s, not a commit", h, obj.Type())
		}
	}
	return plumbing.ZeroHash, fmt.Errorf("tag chain from %s is longer than %d", h, maxTagChain)
}

// maxTagChain bounds tag-of-a-tag chains, against cycles in a corrupt remote.
const maxTagChain = 16
