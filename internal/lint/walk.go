package lint

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/format/gitignore"

	"github.com/platform-team/platform/internal/glob"
)

// maxFileSize keeps generated blobs and dumps out of the lint.
const maxFileSize = 4 << 20

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
	root    string
	exclude []string
	files   []string // slash paths relative to root
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
func (w *walker) walk(dir string, patterns []gitignore.Pattern) error {
	abs := filepath.Join(w.root, filepath.FromSlash(dir))
	entries, err := os.ReadDir(abs)
	if err != nil {
		return err
	}
	var domain []string
	if dir != "." {
		domain = strings.Split(dir, "/")
	}
	if data, err := os.ReadFile(filepath.Join(abs, ".gitignore")); err == nil {
		patterns = append(patterns[:len(patterns):len(patterns)], parseGitignore(data, domain)...)
	}
	matcher := gitignore.NewMatcher(patterns)
	for _, e := range entries {
		rel := e.Name()
		if dir != "." {
			rel = dir + "/" + e.Name()
		}
		parts := strings.Split(rel, "/")
		switch {
		case e.Type()&fs.ModeSymlink != 0:
			continue
		case e.IsDir():
			if skippedDirs[e.Name()] || w.excluded(rel) || matcher.Match(parts, true) {
				continue
			}
			if err := w.walk(rel, patterns); err != nil {
				return err
			}
		case e.Type().IsRegular():
			if strings.HasSuffix(e.Name(), ".tmpl") || w.excluded(rel) || matcher.Match(parts, false) {
				continue
			}
			w.files = append(w.files, rel)
		}
	}
	return nil
}

func parseGitignore(data []byte, domain []string) []gitignore.Pattern {
	var out []gitignore.Pattern
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		out = append(out, gitignore.ParsePattern(line, domain))
	}
	return out
}

// readFile loads a walked file, or reports why it is left out (too large, binary).
func readFile(root, rel string) (*File, error) {
	abs := filepath.Join(root, filepath.FromSlash(rel))
	info, err := os.Stat(abs)
	if err != nil {
		return nil, err
	}
	if info.Size() > maxFileSize {
		return nil, errSkip
	}
	data, err := os.ReadFile(abs)
	if err != nil {
		return nil, err
	}
	if bytes.IndexByte(data[:min(len(data), 8000)], 0) >= 0 {
		return nil, errSkip
	}
	return &File{Path: rel, Data: data}, nil
}

var errSkip = errors.New("skipped")

// matchGlob matches slash paths against a glob where ** spans directories and
// a pattern without a slash matches the base name at any depth (like .gitignore).
func matchGlob(pattern, name string) bool {
	if !strings.Contains(pattern, "/") {
		ok, _ := path.Match(pattern, path.Base(name))
		return ok
	}
	return glob.Match(strings.TrimPrefix(pattern, "./"), name)
}
