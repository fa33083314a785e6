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

	// index finds colliding paths; built on first use.
	index *planIndex
}

// planIndex maps case-folded paths to the files and directories of a plan.
type planIndex struct {
	n     int                 // len(Files) it was built for
	files map[string]File     // folded file path -> file
	dirs  map[string]dirOwner // folded directory path -> first file inside it
}

type dirOwner struct {
	dir  string // as written
	file File
}

// Add adds a file, refusing one that collides with a planned file: the same
// path, a path that differs only in case (one file on macOS and Windows), or
// a file where another file needs a directory.
func (p *Plan) Add(f File) error {
	idx := p.indexed()
	if err := idx.check(f); err != nil {
		return err
	}
	idx.add(f)
	i, _ := slices.BinarySearchFunc(p.Files, f.Path, func(e File, path string) int {
		return strings.Compare(e.Path, path)
	})
	p.Files = slices.Insert(p.Files, i, f)
	idx.n = len(p.Files)
	return nil
}

// indexed returns the collision index, rebuilding it when Files was set directly.
func (p *Plan) indexed() *planIndex {
	if p.index != nil && p.index.n == len(p.Files) {
		return p.index
	}
	idx := &planIndex{n: len(p.Files), files: map[string]File{}, dirs: map[string]dirOwner{}}
	for _, f := range p.Files {
		idx.add(f)
	}
	p.index = idx
	return idx
}

func (idx *planIndex) add(f File) {
	idx.files[fold(f.Path)] = f
	for _, dir := range parentDirs(f.Path) {
		if _, ok := idx.dirs[fold(dir)]; !ok {
			idx.dirs[fold(dir)] = dirOwner{dir: dir, file: f}
		}
	}
}

func (idx *planIndex) check(f File) error {
	if other, ok := idx.files[fold(f.Path)]; ok {
		if other.Path == f.Path {
			return collision(f, fmt.Sprintf("two files render to %s: %s and %s", f.Path, label(other), label(f)))
		}
		return collision(f, fmt.Sprintf("%s and %s render to %s and %s, which differ only in case: they are one file on macOS and Windows",
			label(other), label(f), other.Path, f.Path))
	}
	if owner, ok := idx.dirs[fold(f.Path)]; ok {
		return collision(f, fileDirMessage(f, owner.file))
	}
	for _, dir := range parentDirs(f.Path) {
		if other, ok := idx.files[fold(dir)]; ok {
			return collision(f, fileDirMessage(other, f))
		}
		if owner, ok := idx.dirs[fold(dir)]; ok && owner.dir != dir {
			return collision(f, fmt.Sprintf("%s and %s render into directories %s and %s, which differ only in case: they are one directory on macOS and Windows",
				label(owner.file), label(f), owner.dir, dir))
		}
	}
	return nil
}

// fileDirMessage explains a file at a path where another file needs a directory.
func fileDirMessage(file, inside File) string {
	return fmt.Sprintf("%s renders to a file %s, but %s renders to %s, which needs a directory there", label(file), file.Path, label(inside), inside.Path)
}

// CollisionError is two files of a plan that cannot both be written: the
// same path, paths that differ only in case, or a file where the other needs
// a directory. Message names both template files.
type CollisionError struct {
	// Path is the path of the file being added.
	Path string
	Msg  string
}

func (e *CollisionError) Error() string { return e.Msg }

func collision(f File, msg string) error {
	return &CollisionError{Path: f.Path, Msg: msg}
}

// label names where a planned file comes from.
func label(f File) string {
	if f.From == "" {
		return "the generated " + f.Path
	}
	return f.From
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

// fold maps a path to the name it has on a case-insensitive file system.
func fold(p string) string { return strings.ToLower(p) }

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
