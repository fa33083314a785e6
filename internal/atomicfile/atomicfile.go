// Package atomicfile writes files so that a reader sees the old content or
// the new, never a part: the data goes to a temporary file in the same
// directory, is synced and given its mode, then renamed (or linked) into place.
// A failure leaves no temporary file behind and the existing file untouched.
// Errors do not name the file (they would name the temporary one): callers
// add it, as in fmt.Errorf("write %s: %w", path, err).
package atomicfile

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/platform-team/platform/internal/fserr"
)

// Write writes data to path atomically, replacing a file already there.
func Write(path string, data []byte, perm fs.FileMode) error {
	return WriteFunc(path, perm, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// WriteFunc is Write for content produced by write, e.g. a report encoder.
// An error from write is returned as is, and nothing is replaced.
func WriteFunc(path string, perm fs.FileMode, write func(io.Writer) error) error {
	tmp, err := stage(path, perm, write)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	if err := os.Rename(tmp, path); err != nil {
		return fserr.Cause(err)
	}
	return nil
}

// WriteNew writes data to path atomically but never replaces a file: it
// fails with an error matching fs.ErrExist when path exists. The temporary
// file is hard-linked to path, which fails when path exists; on a file
// system without hard links it is renamed instead, after a last check that
// path is still free.
func WriteNew(path string, data []byte, perm fs.FileMode) error {
	tmp, err := stage(path, perm, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	err = os.Link(tmp, path)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, fs.ErrExist):
		return fs.ErrExist
	}
	if _, statErr := os.Lstat(path); statErr == nil {
		return fs.ErrExist
	}
	if err := os.Rename(tmp, path); err != nil {
		return fserr.Cause(err)
	}
	return nil
}

// stage writes the content to a synced temporary file beside path, with
// mode perm, and returns its name; on error it removes it.
func stage(path string, perm fs.FileMode, write func(io.Writer) error) (_ string, err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return "", fserr.Cause(err)
	}
	name := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(name)
		}
	}()
	if err := write(f); err != nil {
		return "", err
	}
	if err := f.Sync(); err != nil {
		return "", fserr.Cause(err)
	}
	if err := f.Close(); err != nil {
		return "", fserr.Cause(err)
	}
	// CreateTemp makes the file 0600; the mode asked for is set exactly, umask or not.
	if err := os.Chmod(name, perm); err != nil {
		return "", fserr.Cause(err)
	}
	return name, nil
}
