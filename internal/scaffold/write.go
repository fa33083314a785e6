package scaffold

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/platform-team/platform/internal/fserr"
	"github.com/platform-team/platform/internal/lock"
)

// Action is what writing a plan does to one file.
type Action string

// The actions of a plan: create a new file, overwrite a different one (--force
// only), or skip a file that already has exactly the planned content.
const (
	ActionCreate    Action = "create"
	ActionOverwrite Action = "overwrite"
	ActionSkip      Action = "skip"
)

// Step is one file of a plan and what writing it would do.
type Step struct {
	Path   string `json:"path"`
	Action Action `json:"action"`
}

// DestinationNotEmptyError refuses to write into a directory that has files.
type DestinationNotEmptyError struct{ Dir string }

func (e *DestinationNotEmptyError) Error() string {
	return fmt.Sprintf("destination %s is not empty: choose another directory with --output, or pass --force to write into it (no file is ever deleted)", e.Dir)
}

// ErrDestinationInUse is wrapped by the DestinationError of a destination
// that another platform run is writing.
var ErrDestinationInUse = errors.New("destination in use")

// DestinationError is a destination the plan cannot be written into: a file,
// a directory another run is writing, or a path where the plan needs a file
// and the destination has a directory (or the other way round).
type DestinationError struct {
	// Dir is the destination as the user named it.
	Dir string
	// Msg says what is wrong, after "destination DIR".
	Msg string
	// Err is ErrDestinationInUse for a destination in use, nil otherwise.
	Err error
}

func (e *DestinationError) Error() string { return fmt.Sprintf("destination %s %s", e.Dir, e.Msg) }
func (e *DestinationError) Unwrap() error { return e.Err }

func inUseError(dir string) error {
	return &DestinationError{Dir: dir, Err: ErrDestinationInUse,
		Msg: "is in use by another platform run: wait for it to finish, or choose another directory with --output"}
}

// CheckDestination fails fast, before anything is rendered, on a destination
// that Write would refuse: a file, a non-empty directory without force, or
// one that another platform run is writing (when lockDir is set). Write checks
// again under the lock.
func CheckDestination(dest string, force bool, lockDir string) error {
	empty, err := isEmptyDir(dest)
	if err != nil {
		return err
	}
	if !empty && !force {
		return &DestinationNotEmptyError{Dir: dest}
	}
	if lockDir == "" {
		return nil
	}
	l, err := lockDestination(dest, lockDir)
	if err != nil {
		return err
	}
	return l.Release()
}

// lockDestination takes the destination's lock, keyed by its absolute path,
// in lockDir (the user cache: never beside the user's files).
func lockDestination(dest, lockDir string) (*lock.Lock, error) {
	abs, err := filepath.Abs(dest)
	if err != nil {
		return nil, fmt.Errorf("destination %s: %w", dest, err)
	}
	l, err := lock.TryAcquire(lock.File(lockDir, lockKey(filepath.Clean(abs))))
	if errors.Is(err, lock.ErrHeld) {
		return nil, inUseError(dest)
	}
	if err != nil {
		return nil, fmt.Errorf("lock destination %s: %w", dest, err)
	}
	return l, nil
}

// lockKey is an absolute path with the links of its existing part resolved,
// so that two spellings of one directory share a lock.
func lockKey(abs string) string {
	rest := ""
	for d := abs; ; {
		if r, err := filepath.EvalSymlinks(d); err == nil {
			return filepath.Join(r, rest)
		}
		up := filepath.Dir(d)
		if up == d {
			return abs
		}
		rest = filepath.Join(filepath.Base(d), rest)
		d = up
	}
}

// Steps compares a plan with the destination. A non-empty destination is an
// error unless force is set; force overwrites files that differ and deletes
// nothing. Every target is checked first: a directory where a file goes, a
// file where a directory goes, or a link or special file in the way is an
// error, and nothing is written.
func (p *Plan) Steps(dest string, force bool) ([]Step, error) {
	empty, err := isEmptyDir(dest)
	if err != nil {
		return nil, err
	}
	if !empty && !force {
		return nil, &DestinationNotEmptyError{Dir: dest}
	}
	steps := make([]Step, 0, len(p.Files))
	dirs := map[string]bool{} // parent directories already checked
	for _, f := range p.Files {
		step := Step{Path: f.Path, Action: ActionCreate}
		if !empty {
			if err := checkParents(dest, f.Path, dirs); err != nil {
				return nil, err
			}
			action, err := targetAction(dest, f)
			if err != nil {
				return nil, err
			}
			step.Action = action
		}
		steps = append(steps, step)
	}
	return steps, nil
}

// checkParents checks that every parent directory of rel in dest is a
// directory or missing (then it is created).
func checkParents(dest, rel string, checked map[string]bool) error {
	parts := strings.Split(rel, "/")
	for i := 1; i < len(parts); i++ {
		dir := strings.Join(parts[:i], "/")
		if checked[dir] {
			continue
		}
		checked[dir] = true
		info, err := os.Lstat(filepath.Join(dest, filepath.FromSlash(dir)))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			// Nothing below it exists either.
			for j := i + 1; j < len(parts); j++ {
				checked[strings.Join(parts[:j], "/")] = true
			}
			return nil
		case err != nil:
			return fmt.Errorf("check %s in destination %s: %w", dir, dest, fserr.Cause(err))
		case info.Mode()&fs.ModeSymlink != 0:
			return conflict(dest, fmt.Sprintf("has a symbolic link at %s where %s needs a directory: --force never writes through links", dir, rel))
		case !info.IsDir():
			return conflict(dest, fmt.Sprintf("has a file at %s where %s needs a directory", dir, rel))
		}
	}
	return nil
}

// targetAction says what writing f does to what is at its path in dest.
func targetAction(dest string, f File) (Action, error) {
	target := filepath.Join(dest, filepath.FromSlash(f.Path))
	info, err := os.Lstat(target)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return ActionCreate, nil
	case err != nil:
		return "", fmt.Errorf("check %s in destination %s: %w", f.Path, dest, fserr.Cause(err))
	case info.IsDir():
		return "", conflict(dest, fmt.Sprintf("has a directory at %s where the template writes a file", f.Path))
	case !info.Mode().IsRegular():
		return "", conflict(dest, fmt.Sprintf("has a %s at %s where the template writes a file: --force replaces regular files only", fserr.Kind(info.Mode()), f.Path))
	}
	existing, err := os.ReadFile(target)
	if err != nil {
		return "", fmt.Errorf("read %s in destination %s: %w", f.Path, dest, fserr.Cause(err))
	}
	if bytes.Equal(existing, f.Data) {
		return ActionSkip, nil
	}
	return ActionOverwrite, nil
}

func conflict(dest, msg string) error {
	return &DestinationError{Dir: dest, Msg: msg + "; nothing was written: move it out of the way, or choose another directory with --output"}
}

// isEmptyDir reports whether dir is missing or an empty directory.
func isEmptyDir(dir string) (bool, error) {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return true, nil
	case err != nil:
		if info, serr := os.Stat(dir); serr == nil && !info.IsDir() {
			return false, &DestinationError{Dir: dir, Msg: "is a file, not a directory: choose another directory with --output"}
		}
		if errors.Is(err, syscall.ENOTDIR) {
			return false, &DestinationError{Dir: dir, Msg: "is inside a file, not a directory: choose another directory with --output"}
		}
		return false, fmt.Errorf("read destination %s: %w", dir, fserr.Cause(err))
	}
	return len(entries) == 0, nil
}

// WriteOptions tune Write.
type WriteOptions struct {
	// Force writes into a non-empty destination, overwriting files that differ.
	Force bool
	// BeforeMove runs on the complete staging directory before anything is moved
	// into the destination (the git commit happens here). An error aborts the write.
	BeforeMove func(staging string) error
	// LockDir holds the lock files that keep two runs from writing one
	// destination at once (in the user cache); "" takes no lock.
	LockDir string

	// rename moves a file or directory; tests inject failures here.
	rename func(oldpath, newpath string) error
}

// Write writes the plan into dest atomically: everything goes into a staging
// directory next to dest, and is moved into place only when all of it succeeded.
// A cancelled context or any error leaves dest as it was: with --force, each
// file it replaces is backed up first and restored if a later step fails, and
// parent directories it created are removed.
func Write(ctx context.Context, p *Plan, dest string, opts WriteOptions) ([]Step, error) {
	w := &writer{plan: p, dest: dest, opts: opts, rename: os.Rename}
	if opts.rename != nil {
		w.rename = opts.rename
	}
	steps, err := w.write(ctx)
	if err != nil && w.tree != "" {
		err = &stagingError{err: err, tree: w.tree, dest: dest}
	}
	return steps, err
}

// writer is one Write: where it stages, and what it must undo on failure.
type writer struct {
	plan   *Plan
	dest   string // as the user named it, for messages
	opts   WriteOptions
	rename func(oldpath, newpath string) error

	root   string // the staging directory, next to dest
	tree   string // root/tree: the service as it will be
	backup string // root/backup: originals that --force replaces
	// keepRoot is set when a restore failed: the backups must survive.
	keepRoot bool
}

func (w *writer) write(ctx context.Context) ([]Step, error) {
	abs, err := filepath.Abs(w.dest)
	if err != nil {
		return nil, fmt.Errorf("destination %s: %w", w.dest, err)
	}
	abs = filepath.Clean(abs)
	if w.opts.LockDir != "" {
		l, err := lockDestination(abs, w.opts.LockDir)
		if err != nil {
			var de *DestinationError
			if errors.As(err, &de) {
				de.Dir = w.dest
			}
			return nil, err
		}
		defer l.Release()
	}
	// Checked under the lock: another run may have written dest meanwhile.
	steps, err := w.plan.Steps(w.dest, w.opts.Force)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	parent := filepath.Dir(abs)
	createdParents, err := mkdirParents(parent)
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", filepath.Dir(w.dest), err)
	}
	done := false
	defer func() {
		if !done {
			removeDirs(createdParents)
		}
	}()
	w.root, err = os.MkdirTemp(parent, ".platform-staging-*")
	if err != nil {
		return nil, fmt.Errorf("cannot write next to %s: %w", w.dest, fserr.Cause(err))
	}
	defer func() {
		if !w.keepRoot {
			os.RemoveAll(w.root)
		}
	}()
	w.tree, w.backup = filepath.Join(w.root, "tree"), filepath.Join(w.root, "backup")
	// MkdirTemp makes root private; the service directory is an ordinary one.
	if err := os.Mkdir(w.tree, 0o755); err != nil {
		return nil, fmt.Errorf("cannot write next to %s: %w", w.dest, fserr.Cause(err))
	}

	for _, f := range w.plan.Files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := writeFile(filepath.Join(w.tree, filepath.FromSlash(f.Path)), f); err != nil {
			return nil, err
		}
	}
	if w.opts.BeforeMove != nil {
		if err := w.opts.BeforeMove(w.tree); err != nil {
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// From here on the move runs to the end, or is undone: stopping half-way
	// would leave a half-written tree.
	if _, err := os.Lstat(abs); errors.Is(err, fs.ErrNotExist) {
		if err := w.rename(w.tree, abs); err != nil {
			return nil, fmt.Errorf("move the service into %s: %w", w.dest, fserr.Cause(err))
		}
		done = true
		return steps, nil
	}
	if err := w.merge(abs, steps); err != nil {
		return nil, err
	}
	done = true
	return steps, nil
}

func writeFile(path string, f File) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("create directory for %s: %w", f.Path, fserr.Cause(err))
	}
	if err := os.WriteFile(path, f.Data, f.Mode); err != nil {
		return fmt.Errorf("write %s: %w", f.Path, fserr.Cause(err))
	}
	return nil
}

// undoKind is one change merge made to the destination, undone in reverse.
type undoKind int

const (
	undoMkdir   undoKind = iota // a directory was created
	undoBackup                  // an original was moved into the backup
	undoMoveIn                  // a staged file was moved into place
	undoMoveGit                 // the staged .git was moved into place
)

type undo struct {
	kind undoKind
	rel  string // slash-separated, relative to the destination
}

// merge moves staged files into an existing destination, one rename each,
// backing up each file it replaces. A staged .git directory moves only where
// the destination has none, last. On failure everything is undone.
func (w *writer) merge(abs string, steps []Step) error {
	var journal []undo
	fail := func(err error) error {
		if rerr := w.rollback(abs, journal); rerr != nil {
			w.keepRoot = true
			return fmt.Errorf("%w; restoring %s failed too: %v (the originals are kept in %s)", err, w.dest, rerr, w.backup)
		}
		return fmt.Errorf("%w; %s is as it was", err, w.dest)
	}
	for _, s := range steps {
		if s.Action == ActionSkip {
			continue
		}
		rel := filepath.FromSlash(s.Path)
		to := filepath.Join(abs, rel)
		dirs, err := mkdirParents(filepath.Dir(to))
		for _, d := range dirs {
			r, _ := filepath.Rel(abs, d)
			journal = append(journal, undo{undoMkdir, filepath.ToSlash(r)})
		}
		if err != nil {
			return fail(fmt.Errorf("create directory for %s: %w", s.Path, fserr.Cause(err)))
		}
		if s.Action == ActionOverwrite {
			b := filepath.Join(w.backup, rel)
			if err := os.MkdirAll(filepath.Dir(b), 0o755); err != nil {
				return fail(fmt.Errorf("back up %s: %w", s.Path, fserr.Cause(err)))
			}
			if err := w.rename(to, b); err != nil {
				return fail(fmt.Errorf("back up %s: %w", s.Path, fserr.Cause(err)))
			}
			journal = append(journal, undo{undoBackup, s.Path})
		}
		if err := w.rename(filepath.Join(w.tree, rel), to); err != nil {
			return fail(fmt.Errorf("move %s into place: %w", s.Path, fserr.Cause(err)))
		}
		journal = append(journal, undo{undoMoveIn, s.Path})
	}
	if _, err := os.Stat(filepath.Join(w.tree, ".git")); err == nil {
		target := filepath.Join(abs, ".git")
		if _, err := os.Lstat(target); errors.Is(err, fs.ErrNotExist) {
			if err := w.rename(filepath.Join(w.tree, ".git"), target); err != nil {
				return fail(fmt.Errorf("move .git into place: %w", fserr.Cause(err)))
			}
			journal = append(journal, undo{undoMoveGit, ".git"})
		}
	}
	return nil
}

// rollback undoes the journal in reverse: staged files and .git go back to
// staging, originals come back from the backup, created directories go.
func (w *writer) rollback(abs string, journal []undo) error {
	var errs []error
	for i := len(journal) - 1; i >= 0; i-- {
		u := journal[i]
		rel := filepath.FromSlash(u.rel)
		in := filepath.Join(abs, rel)
		switch u.kind {
		case undoMoveIn, undoMoveGit:
			if err := w.rename(in, filepath.Join(w.tree, rel)); err != nil {
				if rerr := os.RemoveAll(in); rerr != nil {
					errs = append(errs, fmt.Errorf("remove %s: %w", u.rel, fserr.Cause(rerr)))
				}
			}
		case undoBackup:
			if err := w.rename(filepath.Join(w.backup, rel), in); err != nil {
				errs = append(errs, fmt.Errorf("restore %s: %w", u.rel, fserr.Cause(err)))
			}
		case undoMkdir:
			if err := os.Remove(in); err != nil && !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, fmt.Errorf("remove directory %s: %w", u.rel, fserr.Cause(err)))
			}
		}
	}
	return errors.Join(errs...)
}

// mkdirParents creates dir and its missing parents, returning the directories
// it created, outermost first, so that a failure can remove exactly those.
func mkdirParents(dir string) ([]string, error) {
	var missing []string
	for d := dir; ; {
		_, err := os.Lstat(d)
		if err == nil {
			break
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		missing = append(missing, d)
		up := filepath.Dir(d)
		if up == d {
			break
		}
		d = up
	}
	var created []string
	for i := len(missing) - 1; i >= 0; i-- {
		err := os.Mkdir(missing[i], 0o755)
		if errors.Is(err, fs.ErrExist) {
			continue // another process made it meanwhile: not ours to remove
		}
		if err != nil {
			return created, err
		}
		created = append(created, missing[i])
	}
	return created, nil
}

// removeDirs removes directories mkdirParents created, innermost first; a
// directory someone else has put something into meanwhile stays.
func removeDirs(dirs []string) {
	for i := len(dirs) - 1; i >= 0; i-- {
		_ = os.Remove(dirs[i])
	}
}

// stagingError shows an error with the staging tree's path replaced by the
// destination's, for errors from code that only knew the staging path (the
// git commit in BeforeMove).
type stagingError struct {
	err        error
	tree, dest string
}

func (e *stagingError) Error() string {
	return strings.ReplaceAll(e.err.Error(), e.tree, filepath.Clean(e.dest))
}

func (e *stagingError) Unwrap() error { return e.err }
