// Package fserr shapes file-system errors for messages that name paths the
// user knows: the os package's errors carry the path they were given, which
// may be a staging or temporary path the user never asked for.
package fserr

import (
	"errors"
	"io/fs"
	"os"
)

// Cause drops the path of a *fs.PathError or *os.LinkError (the first in
// err's chain), keeping its cause, so errors.Is(err, fs.ErrNotExist) still
// holds; any other error is returned as it is.
func Cause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}
