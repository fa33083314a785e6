package gitx

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/utils/diff"
	"github.com/sergi/go-diff/diffmatchpatch"
)

// LineRange is the 1-based, inclusive span of lines Start..End.
type LineRange struct {
	Start, End int
}

// Contains reports whether line is inside r.
func (r LineRange) Contains(line int) bool { return line >= r.Start && line <= r.End }

// ChangedLines returns, per file of the working tree under dir, the lines
// added or modified since the commit rev names: the working tree (committed,
// staged or not, and untracked files not ignored) against rev's tree, the way
// a merge request diff against $CI_MERGE_REQUEST_DIFF_BASE_SHA shows them.
// Paths are slash-separated and relative to dir; a new file counts as changed
// throughout, a deleted file or deleted lines not at all. Links are never
// followed, and a file over DefaultMaxFileBytes (either side) is not read:
// it counts as changed throughout. An unknown rev wraps ErrUnknownRef, no
// repository ErrNotRepository.
func ChangedLines(dir, rev string) (map[string][]LineRange, error) {
	repo, err := openRepository(dir)
	if err != nil {
		return nil, err
	}
	defer closeStorer(repo)
	base, err := resolveCommit(repo, rev)
	if err != nil {
		return nil, err
	}
	baseTree, err := base.Tree()
	if err != nil {
		return nil, fmt.Errorf("tree of %s: %w", rev, err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		return nil, fmt.Errorf("open working tree of %s: %w", dir, err)
	}
	top := wt.Filesystem.Root()
	prefix, err := relPrefix(top, dir)
	if err != nil {
		return nil, err
	}
	candidates := map[string]bool{}
	// Committed since rev: HEAD's tree against rev's.
	if head, err := repo.Head(); err == nil {
		if hc, err := repo.CommitObject(head.Hash()); err == nil {
			headTree, err := hc.Tree()
			if err != nil {
				return nil, fmt.Errorf("tree of HEAD: %w", err)
			}
			changes, err := object.DiffTree(baseTree, headTree)
			if err != nil {
				return nil, fmt.Errorf("diff %s..HEAD: %w", rev, err)
			}
			for _, c := range changes {
				if c.To.Name != "" {
					candidates[c.To.Name] = true
				}
			}
		}
	}
	// Not committed yet: staged, modified and untracked files.
	if gitDir, err := gitDirOf(top); err == nil {
		if excludes, err := infoExcludes(gitDir); err == nil {
			wt.Excludes = append(wt.Excludes, excludes...)
		}
	}
	st, err := wt.Status()
	if err != nil {
		return nil, fmt.Errorf("status of %s: %w", top, err)
	}
	for p, fst := range st {
		if fst.Staging == git.Unmodified && fst.Worktree == git.Unmodified {
			continue
		}
		candidates[filepath.ToSlash(p)] = true
	}
	out := map[string][]LineRange{}
	for p := range candidates {
		if prefix != "" && !strings.HasPrefix(p, prefix) {
			continue
		}
		full := filepath.Join(top, filepath.FromSlash(p))
		info, err := os.Lstat(full)
		if err != nil || !info.Mode().IsRegular() {
			continue // deleted in the working tree, a link or not a file: no line to report on
		}
		f, baseErr := baseTree.File(p)
		if info.Size() > DefaultMaxFileBytes || (baseErr == nil && f.Size > DefaultMaxFileBytes) {
			// Too large to diff in memory: every line counts as changed.
			out[strings.TrimPrefix(p, prefix)] = []LineRange{{Start: 1, End: math.MaxInt}}
			continue
		}
		now, err := os.ReadFile(full)
		if err != nil {
			continue
		}
		var before string
		if err := baseErr; err == nil {
			if before, err = f.Contents(); err != nil {
				return nil, fmt.Errorf("read %s at %s: %w", p, rev, err)
			}
		} else if !errors.Is(err, object.ErrFileNotFound) {
			return nil, fmt.Errorf("read %s at %s: %w", p, rev, err)
		}
		if ranges := addedLines(before, string(now)); len(ranges) > 0 {
			out[strings.TrimPrefix(p, prefix)] = ranges
		}
	}
	return out, nil
}

// relPrefix is dir relative to the working tree top, as a "sub/dir/" prefix
// of repository paths ("" when dir is the top).
func relPrefix(top, dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	if real, err := filepath.EvalSymlinks(top); err == nil {
		top = real
	}
	rel, err := filepath.Rel(top, abs)
	if err != nil {
		return "", fmt.Errorf("%s is not inside the working tree %s: %w", dir, top, err)
	}
	if rel == "." {
		return "", nil
	}
	return filepath.ToSlash(rel) + "/", nil
}

// addedLines returns the lines of after that a line diff from before marks
// as inserted (added or modified), as sorted, merged ranges.
func addedLines(before, after string) []LineRange {
	var out []LineRange
	line := 1
	for _, d := range diff.Do(before, after) {
		n := strings.Count(d.Text, "\n")
		if d.Text != "" && !strings.HasSuffix(d.Text, "\n") {
			n++
		}
		switch d.Type {
		case diffmatchpatch.DiffEqual:
			line += n
		case diffmatchpatch.DiffInsert:
			if n == 0 {
				continue
			}
			if k := len(out); k > 0 && out[k-1].End+1 >= line {
				out[k-1].End = line + n - 1
			} else {
				out = append(out, LineRange{Start: line, End: line + n - 1})
			}
			line += n
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	return out
}
