package gitx

import (
	"errors"
	"fmt"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

var (
	// ErrNotRepository is a directory that no git repository holds.
	ErrNotRepository = errors.New("not in a git repository")
	// ErrDetachedHead is a HEAD that is not on a branch.
	ErrDetachedHead = errors.New("HEAD is not on a branch")
	// ErrUnknownBranch is a local branch that does not exist.
	ErrUnknownBranch = errors.New("no such local branch")
)

// Commit is one commit of a log: its full hash and message.
type Commit struct {
	Hash    string
	Message string
}

// CurrentBranch returns the short name of the branch HEAD is on, in the
// repository holding dir (dir or a parent directory holds .git).
func CurrentBranch(dir string) (string, error) {
	repo, err := openDetect(dir)
	if err != nil {
		return "", err
	}
	defer closeStorer(repo)
	head, err := repo.Head()
	if err != nil || !head.Name().IsBranch() {
		return "", ErrDetachedHead
	}
	return head.Name().Short(), nil
}

// CommitsBetween returns the commits of the local branch head that are on
// none of the bases, newest first, at most limit (0 is no limit). Each base
// is a branch name looked up locally and as the tracking branch of each of
// remotes; a base found nowhere is skipped, so with no base found every
// commit of head counts (up to limit).
func CommitsBetween(dir, head string, bases, remotes []string, limit int) ([]Commit, error) {
	repo, err := openDetect(dir)
	if err != nil {
		return nil, err
	}
	defer closeStorer(repo)
	tip, err := repo.Reference(plumbing.NewBranchReferenceName(head), true)
	if err != nil {
		return nil, fmt.Errorf("%w: %q", ErrUnknownBranch, head)
	}
	stop := map[plumbing.Hash]bool{}
	for _, name := range baseRefs(bases, remotes) {
		ref, err := repo.Reference(name, true)
		if err != nil {
			continue
		}
		iter, err := repo.Log(&git.LogOptions{From: ref.Hash()})
		if err != nil {
			continue
		}
		_ = iter.ForEach(func(c *object.Commit) error { stop[c.Hash] = true; return nil })
	}
	iter, err := repo.Log(&git.LogOptions{From: tip.Hash()})
	if err != nil {
		return nil, fmt.Errorf("log %s: %w", head, err)
	}
	var commits []Commit
	err = iter.ForEach(func(c *object.Commit) error {
		if stop[c.Hash] || (limit > 0 && len(commits) == limit) {
			return errStopWalk
		}
		commits = append(commits, Commit{Hash: c.Hash.String(), Message: c.Message})
		return nil
	})
	if err != nil && !errors.Is(err, errStopWalk) {
		return nil, fmt.Errorf("log %s: %w", head, err)
	}
	return commits, nil
}

var errStopWalk = errors.New("stop walking")

// baseRefs are the refs that may hold each base: the local branch, then each
// remote's tracking branch.
func baseRefs(bases, remotes []string) []plumbing.ReferenceName {
	var out []plumbing.ReferenceName
	for _, b := range bases {
		out = append(out, plumbing.NewBranchReferenceName(b))
		for _, r := range remotes {
			out = append(out, plumbing.NewRemoteReferenceName(r, b))
		}
	}
	return out
}

// openDetect opens the repository holding dir.
func openDetect(dir string) (*git.Repository, error) {
	repo, err := git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{DetectDotGit: true})
	if errors.Is(err, git.ErrRepositoryNotExists) {
		return nil, fmt.Errorf("%w: %s", ErrNotRepository, dir)
	}
	if err != nil {
		return nil, fmt.Errorf("open git repository at %s: %w", dir, err)
	}
	return repo, nil
}
