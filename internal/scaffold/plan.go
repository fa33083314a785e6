package scaffold

import (
	"fmt"
	"io/fs"
	"slices"
	"strings"
)

// File is one file of a plan, with its path relative to the destination.
type File struct {
	Path string
	Mode fs.FileMode
	Data []byte
	// From is the template file it was rendered from, "" for generated files.
	From string
}

// Plan is the set of files a render produces, sorted by path.
type Plan struct {
	Files []File
}

// Add adds a file, refusing a second file at the same path.
func (p *Plan) Add(f File) error {
	i, found := slices.BinarySearchFunc(p.Files, f.Path, func(e File, path string) int {
		return strings.Compare(e.Path, path)
	})
	if found {
		return fmt.Errorf("two files render to %s: %s and %s", f.Path, origin(p.Files[i]), origin(f))
	}
	p.Files = slices.Insert(p.Files, i, f)
	return nil
}

// Lookup returns the planned file at path.
func (p *Plan) Lookup(path string) (File, bool) {
	i, found := slices.BinarySearchFunc(p.Files, path, func(e File, path string) int {
		return strings.Compare(e.Path, path)
	})
	if !found {
		return File{}, false
	}
	return p.Files[i], true
}

func origin(f File) string {
	if f.From == "" {
		return "a generated file"
	}
	return f.From
}
