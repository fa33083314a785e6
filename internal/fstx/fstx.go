// Package fstx applies a set of file writes and deletes to an existing
// directory, all or nothing.
//
// Apply first checks every operation against the directory and refuses, with
// nothing changed, an invalid path, two operations in conflict, or anything in
// the way: a symbolic link or a file where a directory is needed, a link, a
// directory or a special file where a regular file is expected. It then
// stages the full content and mode of every write in a private directory and
// checks the context once more. From the first change on it no longer looks
// at the context: it runs to the end, or, on the first error, undoes every
// change it made in reverse order, so that the directory is byte for byte
// (content, mode, directories) as it was:
//
//   - a replaced or deleted file is moved into the staging directory, not
//     removed, and moved back on rollback;
//   - a directory created for a new file is removed on rollback;
//   - a directory left empty by a delete is removed (git does not track empty
//     directories) and recreated, with its mode, on rollback. Apply never
//     removes dir itself, nor a directory that was empty before it ran.
//
// The staging directory is a hidden .platform-staging-* directory inside dir
// itself, not next to it: every move is then a rename within one directory
// tree on one file system (never a copy), the parent of dir need not be
// writable, and every access goes through one [os.Root] opened on dir, so
// that no symbolic link inside dir can send a write or a delete outside it
// (os.Root's renames stay within one root). It is removed when Apply returns.
//
// What Apply does not cover: the process being killed (SIGKILL, or a SIGINT
// the caller does not turn into a context cancellation) or a power loss.
// Killed while staging, it leaves dir as it was plus the .platform-staging-*
// directory. Killed while moving files (one rename per changed file, after
// everything is staged), it leaves some files new and some old, and the
// staging directory with new/ (the staged files not yet moved) and old/ (the
// originals already replaced or deleted), from which the tree can be put
// back by hand; in a git repository whose tree was clean before, `git
// checkout -- . && git clean -fd` does it too, and removes the staging
// directory. A leftover staging directory shows as untracked in git status;
// Apply never reads it, and refuses ops under that name. Files are not
// synced to disk, so after a power loss a moved file may also be empty.
// Apply takes no lock: callers that may run concurrently on one directory
// must serialise themselves.
package fstx

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/platform-team/platform/internal/fserr"
	"github.com/platform-team/platform/internal/gitpath"
)

// Op is one change to a file of the directory.
type Op struct {
	// Path is slash-separated and relative to the directory: fs.ValidPath,
	// not ".", and not in a .git directory.
	Path string
	// Data is the full new content of a write.
	Data []byte
	// Mode of a write: 0o644 or 0o755. Only the executable bit matters (it is
	// all git records); the file is created with 0o644 or 0o755 under the umask.
	Mode fs.FileMode
	// Delete removes Path instead of writing it. Deleting a file that does not
	// exist (or whose parent is a file) is not an error: there is nothing to
	// do. Deleting a link or a directory is a *ConflictError.
	Delete bool
}

// InvalidOpError is an op list Apply refuses before looking at the directory:
// an invalid path, a path used twice, a file that another op needs as a
// directory. It is a bug in the caller; nothing was changed.
type InvalidOpError struct {
	Path string
	Msg  string
}

func (e *InvalidOpError) Error() string {
	return fmt.Sprintf("%s: %s; nothing was changed", e.Path, e.Msg)
}

// ConflictError is something in the directory where an op cannot go: a
// symbolic link or a file where a directory is needed, or a link, a directory
// or a special file where a regular file is expected. Path is the op's path;
// nothing was changed.
type ConflictError struct {
	Path string
	Msg  string
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("%s: %s; nothing was changed: move it out of the way", e.Path, e.Msg)
}

// LeftoverError is returned when every change is in place but the staging
// directory could not be removed afterwards. Unlike every other error of
// Apply, the changes were made.
type LeftoverError struct {
	// Dir is the staging directory, inside the directory Apply changed.
	Dir string
	Err error
}

func (e *LeftoverError) Error() string {
	return fmt.Sprintf("every change is in place, but the staging directory %s could not be removed: %v (remove it by hand)", e.Dir, e.Err)
}

func (e *LeftoverError) Unwrap() error { return e.Err }

// stagingPrefix starts the name of the staging directory in dir. Ops may not
// use it, so that a leftover of a killed run is never taken for a service file.
const stagingPrefix = ".platform-staging-"

// Apply performs ops in dir: all of them, or, on any error or a context
// cancelled before the first change, none. A write whose content and
// executable bit are already those of the file is skipped; when nothing is
// left to do, Apply changes nothing and creates no staging directory.
func Apply(ctx context.Context, dir string, ops []Op) error {
	return apply(ctx, dir, ops, nil)
}

// fault is called before each change Apply makes to the directory (and each
// step of a rollback) with the operation ("rename", "remove", "mkdir") and the
// path it changes, before staging a file ("stage") and before removing the
// staging directory ("cleanup"); a non-nil error is taken as the failure of
// that step. Only tests set it: Apply passes nil.
type fault func(op, rel string) error

func apply(ctx context.Context, dir string, ops []Op, inject fault) error {
	if err := validate(ops); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(ops) == 0 {
		return nil
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return fmt.Errorf("open %s: %w", dir, fserr.Cause(err))
	}
	defer root.Close()
	t := &tx{root: root, dir: dir, inject: inject}
	changes, err := t.plan(ops)
	if err != nil || len(changes) == 0 {
		return err
	}
	return t.run(ctx, changes)
}

// validate checks the op list on its own, before the directory is read.
func validate(ops []Op) error {
	byPath := map[string]Op{}
	folded := map[string]Op{} // writes and deletes by lower-case path
	for _, op := range ops {
		p := op.Path
		switch {
		case !fs.ValidPath(p) || p == ".":
			return &InvalidOpError{Path: p, Msg: "not a valid slash-separated relative path"}
		case strings.HasPrefix(p, stagingPrefix):
			return &InvalidOpError{Path: p, Msg: stagingPrefix + "* is reserved for staging"}
		case !op.Delete && op.Mode&^fs.ModePerm != 0:
			return &InvalidOpError{Path: p, Msg: fmt.Sprintf("mode %v is not a regular file's", op.Mode)}
		}
		for seg := range strings.SplitSeq(p, "/") {
			if gitpath.IsDotGit(seg) {
				return &InvalidOpError{Path: p, Msg: "is in a .git directory"}
			}
		}
		if other, ok := byPath[p]; ok {
			if other.Delete != op.Delete {
				return &InvalidOpError{Path: p, Msg: "is both written and deleted"}
			}
			return &InvalidOpError{Path: p, Msg: "appears twice"}
		}
		byPath[p] = op
		// Two writes, or two deletes, of paths that differ only in case are
		// one file on macOS and Windows. A write and a delete are a
		// case-only rename: deletes run first, so it works everywhere.
		f := strings.ToLower(p)
		if other, ok := folded[f]; ok && other.Delete == op.Delete {
			return &InvalidOpError{Path: p, Msg: fmt.Sprintf("and %s differ only in case: they are one file on macOS and Windows", other.Path)}
		}
		folded[f] = op
	}
	for _, op := range ops {
		for _, d := range parentDirs(op.Path) {
			if _, ok := byPath[d]; ok {
				return &InvalidOpError{Path: d, Msg: fmt.Sprintf("is a file, but %s needs it to be a directory", op.Path)}
			}
		}
	}
	return nil
}

// change is an op that changes the directory.
type change struct {
	Op
	// caseRename is a write whose path differs only in case from a delete's.
	caseRename bool
}

// tx is one Apply: the directory, the staging directory inside it, and the
// journal of what it changed.
type tx struct {
	root    *os.Root
	dir     string // as the caller named it, for messages
	inject  fault
	staging string // name of the staging directory in root
	journal []undo
	// keep is set when a rollback failed: the originals are in staging.
	keep bool
}

// plan checks every op against the directory and returns those that change
// it. Nothing is changed.
func (t *tx) plan(ops []Op) ([]change, error) {
	deleted := map[string]bool{}
	for _, op := range ops {
		if op.Delete {
			deleted[strings.ToLower(op.Path)] = true
		}
	}
	parents := map[string]dirState{}
	var changes []change
	for _, op := range ops {
		exists, err := t.checkParents(op, parents)
		if err != nil {
			return nil, err
		}
		var info fs.FileInfo
		if exists {
			info, err = t.checkFile(op.Path)
			if err != nil {
				return nil, err
			}
		}
		c := change{Op: op, caseRename: !op.Delete && deleted[strings.ToLower(op.Path)]}
		switch {
		case op.Delete && info == nil:
			continue // already gone
		case !op.Delete && info != nil && !c.caseRename:
			same, err := t.same(op, info)
			if err != nil {
				return nil, err
			}
			if same {
				continue
			}
		}
		changes = append(changes, c)
	}
	return changes, nil
}

// What is at a parent directory of an op.
type dirState int

const (
	dirMissing dirState = iota + 1
	dirPresent
	dirIsFile
)

// checkParents checks that every parent of op's path is a real directory or
// missing, and reports whether they all exist. A symbolic link is always an
// error; a file is one for a write, and for a delete means there is nothing
// to delete.
func (t *tx) checkParents(op Op, checked map[string]dirState) (bool, error) {
	rel := op.Path
	for _, d := range parentDirs(rel) {
		state, ok := checked[d]
		if !ok {
			info, err := t.root.Lstat(d)
			switch {
			case errors.Is(err, fs.ErrNotExist):
				state = dirMissing
			case err != nil:
				return false, fmt.Errorf("check %s: %w", rel, fserr.Cause(err))
			case info.Mode()&fs.ModeSymlink != 0:
				return false, &ConflictError{Path: rel, Msg: fmt.Sprintf("%s is a symbolic link, and links are never followed", d)}
			case !info.IsDir():
				state = dirIsFile
			default:
				state = dirPresent
			}
			checked[d] = state
		}
		switch {
		case state == dirIsFile && !op.Delete:
			return false, &ConflictError{Path: rel, Msg: fmt.Sprintf("%s is a file where a directory is needed", d)}
		case state != dirPresent:
			return false, nil
		}
	}
	return true, nil
}

// checkFile returns what is at rel, nil when nothing is, and an error for
// anything but a regular file.
func (t *tx) checkFile(rel string) (fs.FileInfo, error) {
	info, err := t.root.Lstat(rel)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("check %s: %w", rel, fserr.Cause(err))
	case info.Mode()&fs.ModeSymlink != 0:
		return nil, &ConflictError{Path: rel, Msg: "is a symbolic link where a regular file is expected, and links are never followed"}
	case info.IsDir():
		return nil, &ConflictError{Path: rel, Msg: "is a directory where a regular file is expected"}
	case !info.Mode().IsRegular():
		return nil, &ConflictError{Path: rel, Msg: fmt.Sprintf("is a %s where a regular file is expected", fserr.Kind(info.Mode()))}
	}
	return info, nil
}

// same reports whether the file at op.Path already has op's content and
// executable bit.
func (t *tx) same(op Op, info fs.FileInfo) (bool, error) {
	if executable(info.Mode()) != executable(op.Mode) || info.Size() != int64(len(op.Data)) {
		return false, nil
	}
	data, err := t.root.ReadFile(op.Path)
	if err != nil {
		return false, fmt.Errorf("read %s: %w", op.Path, fserr.Cause(err))
	}
	return bytes.Equal(data, op.Data), nil
}

func executable(m fs.FileMode) bool { return m&0o111 != 0 }

// fileMode is the mode a write creates its file with (the umask applies).
func fileMode(m fs.FileMode) fs.FileMode {
	if executable(m) {
		return 0o755
	}
	return 0o644
}

// run stages the writes, then makes the changes, deletes first (so that a
// case-only rename works on case-insensitive file systems), or undoes them.
func (t *tx) run(ctx context.Context, changes []change) (err error) {
	if err := t.mkStaging(); err != nil {
		return err
	}
	defer func() {
		if t.keep {
			return
		}
		rerr := t.step("cleanup", t.staging)
		if rerr == nil {
			rerr = t.root.RemoveAll(t.staging)
		}
		if rerr != nil {
			if err == nil {
				err = &LeftoverError{Dir: filepath.Join(t.dir, t.staging), Err: fserr.Cause(rerr)}
			} else {
				err = fmt.Errorf("%w (the staging directory %s is left over: remove it by hand)", err, filepath.Join(t.dir, t.staging))
			}
		}
	}()
	for _, c := range changes {
		if err := ctx.Err(); err != nil {
			return err
		}
		if !c.Delete {
			if err := t.stage(c.Op); err != nil {
				return err
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}

	// From here on the changes run to the end, or are undone: stopping
	// half-way would leave a half-updated tree.
	emptied := map[string]bool{} // parents of deleted files
	for _, c := range changes {
		if !c.Delete {
			continue
		}
		gone, err := t.remove(c.Path)
		if err != nil {
			return t.fail(err)
		}
		if gone {
			emptied[path.Dir(c.Path)] = true
		}
	}
	for _, c := range changes {
		if c.Delete {
			continue
		}
		if err := t.write(c.Path); err != nil {
			return t.fail(err)
		}
	}
	if err := t.removeEmptied(emptied); err != nil {
		return t.fail(err)
	}
	return nil
}

// mkStaging creates the private staging directory in dir.
func (t *tx) mkStaging() error {
	for range 10 {
		var b [6]byte
		_, _ = rand.Read(b[:])
		name := stagingPrefix + hex.EncodeToString(b[:])
		err := t.root.Mkdir(name, 0o700)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("cannot stage files in %s: %w", t.dir, fserr.Cause(err))
		}
		t.staging = name
		return nil
	}
	return fmt.Errorf("cannot stage files in %s: no free staging name", t.dir)
}

func (t *tx) newPath(rel string) string { return t.staging + "/new/" + rel }
func (t *tx) oldPath(rel string) string { return t.staging + "/old/" + rel }

// stage writes the full content of a write into staging, with its mode.
func (t *tx) stage(op Op) error {
	if err := t.step("stage", op.Path); err != nil {
		return fmt.Errorf("stage %s: %w", op.Path, err)
	}
	p := t.newPath(op.Path)
	if err := t.root.MkdirAll(path.Dir(p), 0o700); err != nil {
		return fmt.Errorf("stage %s: %w", op.Path, fserr.Cause(err))
	}
	f, err := t.root.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, fileMode(op.Mode))
	if err != nil {
		return fmt.Errorf("stage %s: %w", op.Path, fserr.Cause(err))
	}
	_, err = f.Write(op.Data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("stage %s: %w", op.Path, fserr.Cause(err))
	}
	return nil
}

// undoKind is one change made to the directory, undone in reverse.
type undoKind int

const (
	undoMkdir  undoKind = iota // a directory was created
	undoBackup                 // an original was moved into staging old/
	undoMoveIn                 // a staged file was moved into place
	undoRmdir                  // an emptied directory was removed
)

type undo struct {
	kind undoKind
	rel  string
	mode fs.FileMode // of a removed directory
}

func (t *tx) step(op, rel string) error {
	if t.inject == nil {
		return nil
	}
	return t.inject(op, rel)
}

func (t *tx) rename(from, to, rel string) error {
	if err := t.step("rename", rel); err != nil {
		return err
	}
	return t.root.Rename(from, to)
}

// backup moves the file at rel into staging old/; verb names the step in
// an error.
func (t *tx) backup(rel, verb string) error {
	if err := t.root.MkdirAll(path.Dir(t.oldPath(rel)), 0o700); err != nil {
		return fmt.Errorf("%s %s: %w", verb, rel, fserr.Cause(err))
	}
	if err := t.rename(rel, t.oldPath(rel), rel); err != nil {
		return fmt.Errorf("%s %s: %w", verb, rel, fserr.Cause(err))
	}
	t.journal = append(t.journal, undo{kind: undoBackup, rel: rel})
	return nil
}

// remove deletes the file at rel into the backup, and reports whether there
// was one.
func (t *tx) remove(rel string) (bool, error) {
	info, err := t.checkFile(rel)
	if err != nil || info == nil {
		return false, err
	}
	if err := t.backup(rel, "delete"); err != nil {
		return false, err
	}
	return true, nil
}

// write moves the staged file for rel into place, creating its parents and
// backing up the file it replaces.
func (t *tx) write(rel string) error {
	for _, d := range parentDirs(rel) {
		info, err := t.root.Lstat(d)
		if err == nil {
			if !info.IsDir() || info.Mode()&fs.ModeSymlink != 0 {
				return &ConflictError{Path: rel, Msg: fmt.Sprintf("%s is not a directory", d)}
			}
			continue
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("create directory for %s: %w", rel, fserr.Cause(err))
		}
		if err := t.step("mkdir", d); err != nil {
			return fmt.Errorf("create directory for %s: %w", rel, fserr.Cause(err))
		}
		if err := t.root.Mkdir(d, 0o755); err != nil {
			return fmt.Errorf("create directory for %s: %w", rel, fserr.Cause(err))
		}
		t.journal = append(t.journal, undo{kind: undoMkdir, rel: d})
	}
	info, err := t.checkFile(rel)
	if err != nil {
		return err
	}
	if info != nil {
		if err := t.backup(rel, "back up"); err != nil {
			return err
		}
	}
	if err := t.rename(t.newPath(rel), rel, rel); err != nil {
		return fmt.Errorf("write %s: %w", rel, fserr.Cause(err))
	}
	t.journal = append(t.journal, undo{kind: undoMoveIn, rel: rel})
	return nil
}

// removeEmptied removes the directories that deletes left empty, innermost
// first, up to but not including the directory itself.
func (t *tx) removeEmptied(cands map[string]bool) error {
	for len(cands) > 0 {
		// The deepest candidate first: removing it may empty its parent.
		var d string
		for c := range cands {
			if d == "" || strings.Count(c, "/") > strings.Count(d, "/") || (strings.Count(c, "/") == strings.Count(d, "/") && c > d) {
				d = c
			}
		}
		delete(cands, d)
		if d == "." {
			continue
		}
		empty, info, err := t.isEmptyDir(d)
		if err != nil {
			return fmt.Errorf("remove empty directory %s: %w", d, fserr.Cause(err))
		}
		if !empty {
			continue
		}
		if err := t.step("remove", d); err != nil {
			return fmt.Errorf("remove empty directory %s: %w", d, fserr.Cause(err))
		}
		if err := t.root.Remove(d); err != nil {
			return fmt.Errorf("remove empty directory %s: %w", d, fserr.Cause(err))
		}
		t.journal = append(t.journal, undo{kind: undoRmdir, rel: d, mode: info.Mode().Perm()})
		cands[path.Dir(d)] = true
	}
	return nil
}

func (t *tx) isEmptyDir(d string) (bool, fs.FileInfo, error) {
	info, err := t.root.Lstat(d)
	if err != nil || !info.IsDir() {
		return false, nil, err
	}
	f, err := t.root.Open(d)
	if err != nil {
		return false, nil, err
	}
	defer f.Close()
	_, err = f.Readdirnames(1)
	if errors.Is(err, io.EOF) {
		return true, info, nil
	}
	return false, nil, err
}

// fail undoes every change and returns err, saying whether the directory is
// as it was or where the originals are kept.
func (t *tx) fail(err error) error {
	if rerr := t.rollback(); rerr != nil {
		t.keep = true
		return fmt.Errorf("%w; restoring %s failed too: %v (the originals are kept in %s)",
			err, t.dir, rerr, filepath.Join(t.dir, filepath.FromSlash(t.oldPath(""))))
	}
	return fmt.Errorf("%w; %s is as it was", err, t.dir)
}

// rollback undoes the journal in reverse, going on after an error so that as
// much as possible is restored.
func (t *tx) rollback() error {
	var errs []error
	for i := len(t.journal) - 1; i >= 0; i-- {
		u := t.journal[i]
		switch u.kind {
		case undoMoveIn:
			if err := t.rename(u.rel, t.newPath(u.rel), u.rel); err != nil {
				if rerr := t.removeFile(u.rel); rerr != nil {
					errs = append(errs, fmt.Errorf("remove %s: %w", u.rel, fserr.Cause(rerr)))
				}
			}
		case undoBackup:
			if err := t.rename(t.oldPath(u.rel), u.rel, u.rel); err != nil {
				errs = append(errs, fmt.Errorf("restore %s: %w", u.rel, fserr.Cause(err)))
			}
		case undoMkdir:
			if err := t.removeFile(u.rel); err != nil && !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, fmt.Errorf("remove directory %s: %w", u.rel, fserr.Cause(err)))
			}
		case undoRmdir:
			if err := t.mkdir(u.rel, u.mode); err != nil {
				errs = append(errs, fmt.Errorf("restore directory %s: %w", u.rel, fserr.Cause(err)))
			}
		}
	}
	return errors.Join(errs...)
}

func (t *tx) removeFile(rel string) error {
	if err := t.step("remove", rel); err != nil {
		return err
	}
	return t.root.Remove(rel)
}

// mkdir recreates a removed directory with exactly its old mode.
func (t *tx) mkdir(rel string, mode fs.FileMode) error {
	if err := t.step("mkdir", rel); err != nil {
		return err
	}
	if err := t.root.Mkdir(rel, mode); err != nil {
		return err
	}
	return t.root.Chmod(rel, mode) // the umask applied to Mkdir
}

// parentDirs lists the directories a slash-separated path needs, outermost first.
func parentDirs(p string) []string {
	var dirs []string
	for i := 0; i < len(p); i++ {
		if p[i] == '/' {
			dirs = append(dirs, p[:i])
		}
	}
	return dirs
}
