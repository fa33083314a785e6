package gitx

import (
	"errors"
	"fmt"
	"io"
	"sort"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// Default limits of TreeAt, used when a TreeOptions field is zero or less.
const (
	DefaultMaxFileBytes  int64 = 16 << 20  // 16 MiB per file
	DefaultMaxTotalBytes int64 = 256 << 20 // 256 MiB for the whole tree
)

var (
	// ErrEmptyRepository is a repository without a single commit.
	ErrEmptyRepository = errors.New("the repository has no commits yet")
	// ErrTreeTooLarge is a committed tree over a TreeOptions limit.
	ErrTreeTooLarge = errors.New("committed tree too large")
)

// TreeFile is one regular file of a commit: its committed bytes and whether
// it is recorded as executable (mode 100755).
type TreeFile struct {
	Data       []byte
	Executable bool
}

// TreeOptions bounds what TreeAt reads into memory. A zero field takes its
// default (DefaultMaxFileBytes, DefaultMaxTotalBytes).
type TreeOptions struct {
	MaxFileBytes  int64
	MaxTotalBytes int64
}

func (o TreeOptions) limits() (perFile, total int64) {
	perFile, total = o.MaxFileBytes, o.MaxTotalBytes
	if perFile <= 0 {
		perFile = DefaultMaxFileBytes
	}
	if total <= 0 {
		total = DefaultMaxTotalBytes
	}
	return perFile, total
}

// TreeAt returns every regular file of the commit rev (a revision such as
// "HEAD", a branch, a tag or a hash) in the repository holding dir (dir or a
// parent directory holds .git), keyed by slash-separated path, with the bytes
// exactly as committed (no line-ending conversion). Symlinks and submodules
// are not regular files: they are left out of files and their paths returned,
// sorted, in skipped so the caller can report them.
//
// Sizes are checked before a blob is read: a file over opts.MaxFileBytes, or
// a tree whose files add up to more than opts.MaxTotalBytes, fails with an
// error naming the file and wrapping ErrTreeTooLarge. Other errors wrap
// ErrNotRepository, ErrEmptyRepository (no commit at all) or ErrUnknownRef
// (rev names nothing).
func TreeAt(dir, rev string, opts TreeOptions) (files map[string]TreeFile, skipped []string, err error) {
	repo, err := openRepository(dir)
	if err != nil {
		return nil, nil, err
	}
	defer closeStorer(repo)
	commit, err := resolveCommit(repo, rev)
	if err != nil {
		return nil, nil, err
	}
	tree, err := commit.Tree()
	if err != nil {
		return nil, nil, fmt.Errorf("read tree of %s: %w", rev, err)
	}
	perFile, limit := opts.limits()
	var total int64
	files = map[string]TreeFile{}
	w := object.NewTreeWalker(tree, true, nil)
	defer w.Close()
	for {
		name, entry, err := w.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("walk tree of %s: %w", rev, err)
		}
		switch entry.Mode {
		case filemode.Dir:
			continue
		case filemode.Regular, filemode.Deprecated, filemode.Executable:
		default: // symlink, submodule (gitlink), anything else
			skipped = append(skipped, name)
			continue
		}
		blob, err := repo.BlobObject(entry.Hash)
		if err != nil {
			return nil, nil, fmt.Errorf("%s at %s: %w", name, rev, err)
		}
		if blob.Size > perFile {
			return nil, nil, fmt.Errorf("%s at %s is %d bytes, over the %d-byte limit per file: %w",
				name, rev, blob.Size, perFile, ErrTreeTooLarge)
		}
		total += blob.Size
		if total > limit {
			return nil, nil, fmt.Errorf("%s at %s takes the tree to %d bytes, over the %d-byte limit for all files: %w",
				name, rev, total, limit, ErrTreeTooLarge)
		}
		data, err := readBlob(blob)
		if err != nil {
			return nil, nil, fmt.Errorf("read %s at %s: %w", name, rev, err)
		}
		files[name] = TreeFile{Data: data, Executable: entry.Mode == filemode.Executable}
	}
	sort.Strings(skipped)
	return files, skipped, nil
}

func readBlob(b *object.Blob) ([]byte, error) {
	r, err := b.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	data := make([]byte, 0, b.Size)
	buf := make([]byte, 32<<10)
	for {
		n, err := r.Read(buf)
		data = append(data, buf[:n]...)
		if errors.Is(err, io.EOF) {
			return data, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// openRepository opens the repository holding dir, following a `.git` file
// (gitdir: ...) and the commondir of a linked worktree.
func openRepository(dir string) (*git.Repository, error) {
	repo, err := git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if errors.Is(err, git.ErrRepositoryNotExists) {
		return nil, fmt.Errorf("%w: %s", ErrNotRepository, dir)
	}
	if err != nil {
		return nil, fmt.Errorf("open git repository at %s: %w", dir, err)
	}
	return repo, nil
}

// resolveCommit resolves rev to a commit, telling an empty repository from a
// revision that names nothing.
func resolveCommit(repo *git.Repository, rev string) (*object.Commit, error) {
	h, err := repo.ResolveRevision(plumbing.Revision(rev))
	if err != nil {
		if !hasAnyRef(repo) {
			return nil, fmt.Errorf("resolve %s: %w", rev, ErrEmptyRepository)
		}
		return nil, fmt.Errorf("resolve %s: %w", rev, ErrUnknownRef)
	}
	commit, err := repo.CommitObject(*h)
	if err != nil {
		return nil, fmt.Errorf("commit %s: %w", rev, err)
	}
	return commit, nil
}

// hasAnyRef reports whether any reference points at an object (an empty
// repository has only the symbolic HEAD).
func hasAnyRef(repo *git.Repository) bool {
	refs, err := repo.References()
	if err != nil {
		return true // cannot tell: do not claim the repository is empty
	}
	defer refs.Close()
	found := false
	_ = refs.ForEach(func(r *plumbing.Reference) error {
		if r.Type() == plumbing.HashReference {
			found = true
			return storer.ErrStop
		}
		return nil
	})
	return found
}

// WorktreeRoot returns the top directory of the working tree of the
// repository holding dir (dir or a parent directory holds .git), the
// directory the paths of TreeAt and WorktreeState are relative to.
func WorktreeRoot(dir string) (string, error) {
	repo, err := openRepository(dir)
	if err != nil {
		return "", err
	}
	defer closeStorer(repo)
	wt, err := repo.Worktree()
	if err != nil {
		return "", fmt.Errorf("open working tree of %s: %w", dir, err)
	}
	return wt.Filesystem.Root(), nil
}
