package gitx

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage/memory"
)

// ErrRepoExists is returned by InitCommit when the directory is already a git
// repository.
var ErrRepoExists = errors.New("already a git repository")

// InitCommit makes dir a new git repository on branch main, stages every file
// below dir except those matched by .gitignore files inside dir (global and
// system excludes are deliberately not consulted, so the result does not
// depend on whose machine ran it), and records one commit by author at when.
// It refuses a dir that already has a .git entry (ErrRepoExists) and removes
// the .git it created if it fails. It returns the commit hash.
func InitCommit(dir string, author Author, message string, when time.Time) (hash string, err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("git init %s: %w", dir, err)
		}
	}()
	if author.Name == "" || author.Email == "" {
		return "", fmt.Errorf("author needs a name and an email, got %q <%s>", author.Name, author.Email)
	}
	if strings.TrimSpace(message) == "" {
		return "", errors.New("empty commit message")
	}
	if fi, err := os.Stat(dir); err != nil {
		return "", err
	} else if !fi.IsDir() {
		return "", errors.New("not a directory")
	}
	dotGit := filepath.Join(dir, git.GitDirName)
	if _, err := os.Lstat(dotGit); err == nil {
		return "", ErrRepoExists
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}

	// Stage and commit against in-memory storage, then write everything to
	// disk at once. go-git's filesystem storage would write each object as a
	// loose file, most in a new fan-out directory, and those creates and
	// mkdirs were three quarters of the run time (see BenchmarkInitCommit).
	mem := memory.NewStorage()
	staged, err := git.InitWithOptions(mem, osfs.New(dir), git.InitOptions{DefaultBranch: plumbing.Main})
	if err != nil {
		return "", err
	}
	wt, err := staged.Worktree()
	if err != nil {
		return "", err
	}
	// The in-memory repository has no .git/info/exclude and go-git reads no
	// global excludes, so only .gitignore files below dir apply.
	if err := wt.AddWithOptions(&git.AddOptions{All: true}); err != nil {
		return "", fmt.Errorf("stage files: %w", err)
	}
	sig := &object.Signature{Name: author.Name, Email: author.Email, When: when}
	h, err := wt.Commit(normalizeMessage(message), &git.CommitOptions{Author: sig, Committer: sig})
	if errors.Is(err, git.ErrEmptyCommit) {
		return "", errors.New("nothing to commit: no files, or all of them ignored")
	}
	if err != nil {
		return "", fmt.Errorf("commit: %w", err)
	}

	repo, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{
		InitOptions: git.InitOptions{DefaultBranch: plumbing.Main},
	})
	if err != nil {
		return "", err
	}
	defer func() {
		if err != nil {
			// Leave dir as we found it so that a retry is not refused.
			if rmErr := os.RemoveAll(dotGit); rmErr != nil {
				err = errors.Join(err, fmt.Errorf("clean up: %w", rmErr))
			}
		}
	}()
	if err := writePack(repo.Storer, mem); err != nil {
		return "", fmt.Errorf("write objects: %w", err)
	}
	idx, err := mem.Index()
	if err != nil {
		return "", err
	}
	if err := repo.Storer.SetIndex(idx); err != nil {
		return "", fmt.Errorf("write index: %w", err)
	}
	if err := repo.Storer.SetReference(plumbing.NewHashReference(plumbing.Main, h)); err != nil {
		return "", fmt.Errorf("write branch: %w", err)
	}
	return h.String(), nil
}

// writePack copies every object in src into dst as a single packfile.
func writePack(dst storer.Storer, src storer.EncodedObjectStorer) (err error) {
	iter, err := src.IterEncodedObjects(plumbing.AnyObject)
	if err != nil {
		return err
	}
	var hashes []plumbing.Hash
	if err := iter.ForEach(func(o plumbing.EncodedObject) error {
		hashes = append(hashes, o.Hash())
		return nil
	}); err != nil {
		return err
	}
	// Sorted, so that the same files give the same pack.
	slices.SortFunc(hashes, func(a, b plumbing.Hash) int { return bytes.Compare(a[:], b[:]) })

	// Encode in memory and hand the pack over in one write: go-git's pack
	// writer parses the pack back from disk as it arrives, to build the .idx,
	// and small writes make that a long exchange. No delta search (window 0):
	// a new service is a few small files.
	var buf bytes.Buffer
	if _, err := packfile.NewEncoder(&buf, src, false).Encode(hashes, 0); err != nil {
		return err
	}
	pwr, ok := dst.(storer.PackfileWriter)
	if !ok {
		return errors.New("storage cannot write packfiles")
	}
	w, err := pwr.PackfileWriter()
	if err != nil {
		return err
	}
	defer func() {
		if cerr := w.Close(); err == nil {
			err = cerr
		}
	}()
	_, err = w.Write(buf.Bytes())
	return err
}

// normalizeMessage gives the message exactly one trailing newline, which is
// what `git commit -m` stores and what git log expects.
func normalizeMessage(msg string) string {
	return strings.TrimRight(msg, "\n") + "\n"
}
