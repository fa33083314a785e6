package gitx

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5"
)

// State is what a working tree holds that is not committed.
type State struct {
	// Dirty lists the modified, added, deleted and untracked (not ignored)
	// paths, slash-separated, relative to the repository root, sorted.
	Dirty []string
	// MidOperation names an unfinished operation: "merge", "rebase",
	// "cherry-pick" or "revert"; "" when there is none.
	MidOperation string
}

// Clean reports whether the working tree has no changes and no unfinished
// operation.
func (s State) Clean() bool { return len(s.Dirty) == 0 && s.MidOperation == "" }

// midOperations maps the marker in the git directory to the operation it
// shows is unfinished, checked in this order.
var midOperations = []struct{ marker, name string }{
	{"rebase-merge", "rebase"},
	{"rebase-apply", "rebase"}, // also `git am`
	{"MERGE_HEAD", "merge"},
	{"CHERRY_PICK_HEAD", "cherry-pick"},
	{"REVERT_HEAD", "revert"},
}

// WorktreeState reports the uncommitted state of the working tree of the
// repository holding dir (dir or a parent directory holds .git). A `.git`
// file (`gitdir: ...`, as in linked worktrees and submodules) is followed.
//
// Dirty comes from go-git's Worktree.Status, which differs from git in what
// it ignores: it honours .gitignore files at every level (a nested file's
// patterns apply below its directory) and .git/info/exclude when .git is a
// directory, but not the global excludes (core.excludesFile,
// $XDG_CONFIG_HOME/git/ignore), nor info/exclude of a repository reached
// through a `.git` file. A file ignored only there is listed as untracked:
// the error is on the safe side for a caller that refuses a dirty tree.
// Untracked files are listed one by one, not collapsed into their directory.
func WorktreeState(dir string) (State, error) {
	repo, err := openRepository(dir)
	if err != nil {
		return State{}, err
	}
	defer closeStorer(repo)
	wt, err := repo.Worktree()
	if errors.Is(err, git.ErrIsBareRepository) {
		return State{}, fmt.Errorf("%s: bare repository has no working tree: %w", dir, err)
	}
	if err != nil {
		return State{}, fmt.Errorf("open working tree of %s: %w", dir, err)
	}
	st, err := wt.Status()
	if err != nil {
		return State{}, fmt.Errorf("status of %s: %w", wt.Filesystem.Root(), err)
	}
	var s State
	for path, fs := range st {
		if fs.Staging == git.Unmodified && fs.Worktree == git.Unmodified {
			continue
		}
		s.Dirty = append(s.Dirty, filepath.ToSlash(path))
	}
	sort.Strings(s.Dirty)
	gitDir, err := gitDirOf(wt.Filesystem.Root())
	if err != nil {
		return State{}, err
	}
	for _, m := range midOperations {
		if _, err := os.Stat(filepath.Join(gitDir, m.marker)); err == nil {
			s.MidOperation = m.name
			break
		}
	}
	return s, nil
}

// gitDirOf returns the git directory of the working tree at root: root/.git,
// or the directory a `.git` file names.
func gitDirOf(root string) (string, error) {
	dotGit := filepath.Join(root, ".git")
	fi, err := os.Stat(dotGit)
	if err != nil {
		return "", fmt.Errorf("find git directory: %w", err)
	}
	if fi.IsDir() {
		return dotGit, nil
	}
	b, err := os.ReadFile(dotGit)
	if err != nil {
		return "", fmt.Errorf("read %s: %w", dotGit, err)
	}
	line := strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0])
	p, ok := strings.CutPrefix(line, "gitdir:")
	if !ok {
		return "", fmt.Errorf("%s: no gitdir line", dotGit)
	}
	p = filepath.FromSlash(strings.TrimSpace(p))
	if !filepath.IsAbs(p) {
		p = filepath.Join(root, p)
	}
	return p, nil
}
