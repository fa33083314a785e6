package scaffold

import (
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"
)

// memFS is a read-only file system held in memory: what Load copied out of a
// template. A template in memory cannot change, or be deleted, under a render,
// whatever happens to the directory or cache entry it was read from.
type memFS struct {
	files map[string]*memEntry
}

// memEntry is a file or a directory of a memFS.
type memEntry struct {
	name     string // base name ("." for the root)
	mode     fs.FileMode
	data     []byte
	children []*memEntry // sorted by name, directories only
}

func newMemFS() *memFS {
	return &memFS{files: map[string]*memEntry{".": {name: ".", mode: fs.ModeDir | 0o755}}}
}

// add records a file or directory at name, a valid fs path, creating its parents.
func (m *memFS) add(name string, mode fs.FileMode, data []byte) {
	if _, ok := m.files[name]; ok || name == "." {
		return
	}
	parent := path.Dir(name)
	m.add(parent, fs.ModeDir|0o755, nil)
	e := &memEntry{name: path.Base(name), mode: mode, data: data}
	m.files[name] = e
	p := m.files[parent]
	i, _ := slices.BinarySearchFunc(p.children, e.name, func(c *memEntry, n string) int { return strings.Compare(c.name, n) })
	p.children = slices.Insert(p.children, i, e)
}

func (m *memFS) lookup(op, name string) (*memEntry, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	e, ok := m.files[name]
	if !ok {
		return nil, &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
	}
	return e, nil
}

// Open implements fs.FS.
func (m *memFS) Open(name string) (fs.File, error) {
	e, err := m.lookup("open", name)
	if err != nil {
		return nil, err
	}
	if e.mode.IsDir() {
		return &memDir{e: e}, nil
	}
	return &memFile{e: e}, nil
}

// ReadFile implements fs.ReadFileFS; the caller gets its own copy.
func (m *memFS) ReadFile(name string) ([]byte, error) {
	e, err := m.lookup("read", name)
	if err != nil {
		return nil, err
	}
	if e.mode.IsDir() {
		return nil, &fs.PathError{Op: "read", Path: name, Err: fs.ErrInvalid}
	}
	return slices.Clone(e.data), nil
}

// Stat implements fs.StatFS.
func (m *memFS) Stat(name string) (fs.FileInfo, error) {
	e, err := m.lookup("stat", name)
	if err != nil {
		return nil, err
	}
	return e, nil
}

// ReadDir implements fs.ReadDirFS.
func (m *memFS) ReadDir(name string) ([]fs.DirEntry, error) {
	e, err := m.lookup("readdir", name)
	if err != nil {
		return nil, err
	}
	if !e.mode.IsDir() {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrInvalid}
	}
	out := make([]fs.DirEntry, len(e.children))
	for i, c := range e.children {
		out[i] = fs.FileInfoToDirEntry(c)
	}
	return out, nil
}

// memEntry is its own fs.FileInfo.
func (e *memEntry) Name() string       { return e.name }
func (e *memEntry) Size() int64        { return int64(len(e.data)) }
func (e *memEntry) Mode() fs.FileMode  { return e.mode }
func (e *memEntry) ModTime() time.Time { return time.Time{} }
func (e *memEntry) IsDir() bool        { return e.mode.IsDir() }
func (e *memEntry) Sys() any           { return nil }

type memFile struct {
	e   *memEntry
	off int
}

func (f *memFile) Stat() (fs.FileInfo, error) { return f.e, nil }
func (f *memFile) Close() error               { return nil }
func (f *memFile) Read(b []byte) (int, error) {
	if f.off >= len(f.e.data) {
		return 0, io.EOF
	}
	n := copy(b, f.e.data[f.off:])
	f.off += n
	return n, nil
}

type memDir struct {
	e   *memEntry
	off int
}

func (d *memDir) Stat() (fs.FileInfo, error) { return d.e, nil }
func (d *memDir) Close() error               { return nil }
func (d *memDir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.e.name, Err: fs.ErrInvalid}
}

// ReadDir implements fs.ReadDirFile.
func (d *memDir) ReadDir(n int) ([]fs.DirEntry, error) {
	rest := d.e.children[d.off:]
	if n > 0 && len(rest) == 0 {
		return nil, io.EOF
	}
	if n > 0 && n < len(rest) {
		rest = rest[:n]
	}
	d.off += len(rest)
	out := make([]fs.DirEntry, len(rest))
	for i, c := range rest {
		out[i] = fs.FileInfoToDirEntry(c)
	}
	return out, nil
}
