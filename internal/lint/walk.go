package lint

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/platform-team/platform/internal/fserr"
	"github.com/platform-team/platform/internal/glob"
)

// skippedDirs are never linted: history, vendored and installed code.
var skippedDirs = map[string]bool{".git": true, "vendor": true, "node_modules": true, "third_party": true}

// PathError is a path to lint that does not exist or is outside the root.
type PathError struct {
	Path string
	Err  error
}

func (e *PathError) Error() string { return fmt.Sprintf("cannot lint %s: %v", e.Path, e.Err) }
func (e *PathError) Unwrap() error { return e.Err }

// walker lists the files under a root once, honouring .gitignore files as it
// meets them, the exclude globs, and the skip rules.
type walker struct {
	ctx     context.Context
	root    string
	exclude []string
	reader  *reader
	// readDir lists a directory (os.ReadDir); tests make it fail.
	readDir func(name string) ([]os.DirEntry, error)
	files   []string // slash paths relative to root
	skips   []skip   // special files and unreadable directories met on the way
}

func (w *walker) excluded(rel string) bool {
	for _, g := range w.exclude {
		if matchGlob(g, rel) {
			return true
		}
	}
	return false
}

// walk lists dir (slash path relative to root, "." for the root) recursively.
// Only a failure to list the top directory, or a cancelled context, is an
// error; a subdirectory that cannot be read is a skip (lint/unreadable).
func (w *walker) walk(dir string, ignores *ignoreSet) error {
	if err := w.ctx.Err(); err != nil {
		return err
	}
	abs := filepath.Join(w.root, filepath.FromSlash(dir))
	readDir := w.readDir
	if readDir == nil {
		readDir = os.ReadDir
	}
	entries, err := readDir(abs)
	if err != nil {
		return err
	}
	var domain []string
	if dir != "." {
		domain = strings.Split(dir, "/")
	}
	for _, e := range entries {
		if e.Name() == ".gitignore" && e.Type().IsRegular() {
			if f, _ := w.reader.read(path.Join(dir, e.Name()), false); f != nil {
				ignores = newIgnoreSet(ignores, f.Data, domain)
			}
		}
	}
	for _, e := range entries {
		if err := w.ctx.Err(); err != nil {
			return err
		}
		rel := e.Name()
		if dir != "." {
			rel = dir + "/" + e.Name()
		}
		parts := strings.Split(rel, "/")
		switch {
		case e.Type()&fs.ModeSymlink != 0:
			continue
		case e.IsDir():
			if skippedDirs[e.Name()] || w.excluded(rel) || ignores.Match(rel, parts, true) {
				continue
			}
			if err := w.walk(rel, ignores); err != nil {
				if ctxErr := w.ctx.Err(); ctxErr != nil {
					return ctxErr
				}
				w.skips = append(w.skips, skip{path: rel, err: fserr.Cause(err)})
			}
		case e.Type().IsRegular():
			if strings.HasSuffix(e.Name(), ".tmpl") || w.excluded(rel) || ignores.Match(rel, parts, false) {
				continue
			}
			w.files = append(w.files, rel)
		default: // FIFOs, sockets, devices: never opened
			if w.excluded(rel) || ignores.Match(rel, parts, false) {
				continue
			}
			w.skips = append(w.skips, skip{path: rel, reason: special(e.Type()), hint: hintSpecial})
		}
	}
	return nil
}

// matchGlob matches slash paths against a glob where ** spans directories and
// a pattern without a slash matches the base name at any depth (like .gitignore).
func matchGlob(pattern, name string) bool {
	if !strings.Contains(pattern, "/") {
		ok, _ := path.Match(pattern, path.Base(name))
		return ok
	}
	return glob.Match(strings.TrimPrefix(pattern, "./"), name)
}
