package gitx

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// ErrFileNotFound is a path that a commit does not have.
var ErrFileNotFound = errors.New("file not found at that commit")

// ErrNothingToCommit is a commit that would change nothing: the staged tree is
// the same as HEAD's.
var ErrNothingToCommit = errors.New("nothing to commit")

// ReadFileAt returns the content of path (slash-separated) in the commit rev
// (a full hash or a branch name) of the repository at dir.
func ReadFileAt(dir, rev, path string) ([]byte, error) {
	repo, err := git.PlainOpen(dir)
	if err != nil {
		return nil, fmt.Errorf("open repository: %w", err)
	}
	defer closeStorer(repo)
	h, err := repo.ResolveRevision(plumbing.Revision(rev))
	if err != nil {
		return nil, fmt.Errorf("resolve %s: %w", rev, err)
	}
	commit, err := repo.CommitObject(*h)
	if err != nil {
		return nil, fmt.Errorf("commit %s: %w", rev, err)
	}
	f, err := commit.File(path)
	if errors.Is(err, object.ErrFileNotFound) {
		return nil, fmt.Errorf("%s at %s: %w", path, rev, ErrFileNotFound)
	}
	if err != nil {
		return nil, err
	}
	r, err := f.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

// CommitOnBranch checks out branch in the repository at dir (creating it at
// HEAD when it does not exist, keeping the working tree), stages paths and
// records one commit. It returns the commit hash, or ErrNothingToCommit when
// the paths are as HEAD has them.
func CommitOnBranch(dir, branch string, paths []string, author Author, message string, when time.Time) (string, error) {
	repo, err := git.PlainOpen(dir)
	if err != nil {
		return "", fmt.Errorf("open repository: %w", err)
	}
	defer closeStorer(repo)
	wt, err := repo.Worktree()
	if err != nil {
		return "", err
	}
	name := plumbing.NewBranchReferenceName(branch)
	head, err := repo.Head()
	if err != nil {
		return "", fmt.Errorf("read HEAD: %w", err)
	}
	_, err = repo.Reference(name, false)
	create := errors.Is(err, plumbing.ErrReferenceNotFound)
	co := &git.CheckoutOptions{Branch: name, Keep: true, Create: create}
	if create {
		co.Hash = head.Hash()
	}
	if err := wt.Checkout(co); err != nil {
		return "", fmt.Errorf("check out %s: %w", branch, err)
	}
	for _, p := range paths {
		if _, err := wt.Add(p); err != nil {
			return "", fmt.Errorf("stage %s: %w", p, err)
		}
	}
	sig := &object.Signature{Name: author.Name, Email: author.Email, When: when}
	h, err := wt.Commit(normalizeMessage(message), &git.CommitOptions{Author: sig, Committer: sig})
	if errors.Is(err, git.ErrEmptyCommit) {
		return "", ErrNothingToCommit
	}
	if err != nil {
		return "", fmt.Errorf("commit: %w", err)
	}
	return h.String(), nil
}
