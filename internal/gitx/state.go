package gitx

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/format/gitignore"
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
// patterns apply below its directory), but not the global excludes
// (core.excludesFile, $XDG_CONFIG_HOME/git/ignore) and, since go-git's working
// tree filesystem refuses paths under .git, not info/exclude either.
// WorktreeState reads info/exclude itself (of the git directory and, for a
// linked worktree, of the common directory) and passes it on; the global
// excludes stay unread, so a file ignored only there is listed as untracked:
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
	gitDir, err := gitDirOf(wt.Filesystem.Root())
	if err != nil {
		return State{}, err
	}
	excludes, err := infoExcludes(gitDir)
	if err != nil {
		return State{}, err
	}
	wt.Excludes = append(wt.Excludes, excludes...)
	st, err := wt.Status()
	if err != nil {
		return State{}, fmt.Errorf("status of %s: %w", wt.Filesystem.Root(), err)
	}
	var s State
	for path, fst := range st {
		if fst.Staging == git.Unmodified && fst.Worktree == git.Unmodified {
			continue
		}
		s.Dirty = append(s.Dirty, filepath.ToSlash(path))
	}
	sort.Strings(s.Dirty)
	for _, m := range midOperations {
		if _, err := os.Stat(filepath.Join(gitDir, m.marker)); err == nil {
			s.MidOperation = m.name
			break
		}
	}
	return s, nil
}

// infoExcludes reads the info/exclude patterns of gitDir and of its common
// directory (linked worktrees share the main repository's).
func infoExcludes(gitDir string) ([]gitignore.Pattern, error) {
	dirs := []string{gitDir}
	if b, err := os.ReadFile(filepath.Join(gitDir, "commondir")); err == nil {
		common := filepath.FromSlash(strings.TrimSpace(string(b)))
		if !filepath.IsAbs(common) {
			common = filepath.Join(gitDir, common)
		}
		dirs = append(dirs, common)
	}
	var ps []gitignore.Pattern
	for _, d := range dirs {
		p := filepath.Join(d, "info", "exclude")
		b, err := os.ReadFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", p, err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			line = strings.TrimSuffix(line, "\r")
			if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
				continue
			}
			ps = append(ps, gitignore.ParsePattern(line, nil))
		}
	}
	return ps, nil
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
