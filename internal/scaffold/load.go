package scaffold

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/platform-team/platform/internal/bytesize"
)

// Default limits on what loading a template reads; see Limits.
const (
	DefaultManifestBytes int64 = 1 << 20   // template.yaml
	DefaultFileBytes     int64 = 10 << 20  // each skeleton file
	DefaultTotalBytes    int64 = 100 << 20 // template.yaml and skeleton/ together
)

// Limits bound what loading a template reads into memory. A zero field takes
// its default (DefaultManifestBytes, DefaultFileBytes, DefaultTotalBytes).
type Limits struct {
	// ManifestBytes caps the size of template.yaml.
	ManifestBytes int64
	// FileBytes caps the size of each file under skeleton/.
	FileBytes int64
	// TotalBytes caps template.yaml and every skeleton file together.
	TotalBytes int64
}

func (l Limits) withDefaults() Limits {
	if l.ManifestBytes <= 0 {
		l.ManifestBytes = DefaultManifestBytes
	}
	if l.FileBytes <= 0 {
		l.FileBytes = DefaultFileBytes
	}
	if l.TotalBytes <= 0 {
		l.TotalBytes = DefaultTotalBytes
	}
	return l
}

// ErrSymlink is wrapped by the TemplateError of a template that holds a
// symbolic link. A link could point anywhere (~/.ssh, /etc): a template is
// refused before any of it is read.
var ErrSymlink = errors.New("is a symbolic link: symlinks are not allowed in templates (replace the link with a copy of what it points to)")

// ErrTooLarge is wrapped by the TemplateError of a file, or a whole template,
// over a size limit.
var ErrTooLarge = errors.New("too large")

// TemplateError is a template that cannot be used as it is: a symbolic link in
// it, an invalid template.yaml, a file over a size limit. It is an input error:
// the template has to change, nothing was read past the problem.
type TemplateError struct {
	// File is relative to the template directory, or "" when the error
	// already says which file it is about.
	File string
	Err  error
}

func (e *TemplateError) Error() string {
	if e.File == "" {
		return e.Err.Error()
	}
	return e.File + ": " + e.Err.Error()
}

func (e *TemplateError) Unwrap() error { return e.Err }

// LoadDir reads and checks the template in directory dir, with limits lim
// (zero fields take the defaults). Nothing outside dir is ever opened, and a
// symbolic link anywhere in it is an error.
func LoadDir(dir string, src Source, lim Limits) (*Template, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("open template: %w", err)
	}
	defer root.Close()
	return loadRoot(root, "", src, lim)
}

// loadRoot loads the template in subdir of root, refusing a subdir that is,
// or passes through, a symbolic link.
func loadRoot(root *os.Root, subdir string, src Source, lim Limits) (*Template, error) {
	if subdir != "" {
		// os.Root would follow a link that stays inside the root; look first.
		segs := strings.Split(subdir, "/")
		for i := range segs {
			p := strings.Join(segs[:i+1], "/")
			info, err := root.Lstat(p)
			switch {
			case errors.Is(err, fs.ErrNotExist):
				return nil, noManifestError()
			case err != nil:
				return nil, fmt.Errorf("read template: %w", stripPath(err))
			case info.Mode()&fs.ModeSymlink != 0:
				return nil, &TemplateError{File: p, Err: ErrSymlink}
			case !info.IsDir():
				return nil, noManifestError()
			}
		}
		sub, err := root.OpenRoot(subdir)
		if err != nil {
			return nil, fmt.Errorf("open template: %w", stripPath(err))
		}
		defer sub.Close()
		root = sub
	}
	return load(root.FS(), src, lim)
}

// Load reads and checks the template at the root of fsys with the default
// limits. Every file it uses is copied into memory, so the Template does not
// depend on fsys afterwards.
func Load(fsys fs.FS, src Source) (*Template, error) {
	return load(fsys, src, Limits{})
}

func noManifestError() error {
	return &TemplateError{Err: fmt.Errorf("no %s: a template is a directory with %s and %s/", ManifestFile, ManifestFile, SkeletonDir)}
}

// load looks at the whole template before reading any of it: a symbolic link
// anywhere, or a special file or a file over the limits among what would be
// read (template.yaml and skeleton/), refuses it. Then it copies template.yaml
// and skeleton/ into memory, checking the limits again as it reads, since a
// file may grow between a look and a read.
func load(fsys fs.FS, src Source, lim Limits) (*Template, error) {
	lim = lim.withDefaults()
	type entry struct {
		path string
		dir  bool
	}
	var (
		entries                  []entry
		total                    int64
		hasManifest, hasSkeleton bool
	)
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("read template: %w", stripPath(err))
		}
		if p == "." {
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			return &TemplateError{File: p, Err: ErrSymlink}
		}
		if p == ".git" && d.IsDir() {
			return fs.SkipDir // the repository's own metadata, never read
		}
		inSkeleton := p == SkeletonDir || strings.HasPrefix(p, SkeletonDir+"/")
		if p != ManifestFile && p != ChangelogFile && !inSkeleton {
			return nil // looked at for links, never read
		}
		if d.IsDir() {
			if p == ManifestFile || p == ChangelogFile {
				return &TemplateError{File: p, Err: errors.New("is a directory, not a file")}
			}
			hasSkeleton = hasSkeleton || p == SkeletonDir
			entries = append(entries, entry{path: p, dir: true})
			return nil
		}
		if p == SkeletonDir {
			return nil // reported below as a template without skeleton/
		}
		if !d.Type().IsRegular() {
			return &TemplateError{File: p, Err: errors.New("is not a regular file: a template holds regular files and directories only")}
		}
		info, err := d.Info()
		if err != nil {
			return fmt.Errorf("read template: %w", stripPath(err))
		}
		if err := lim.checkFile(p, info.Size(), &total); err != nil {
			return err
		}
		hasManifest = hasManifest || p == ManifestFile
		entries = append(entries, entry{path: p})
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !hasManifest {
		return nil, noManifestError()
	}

	mem := newMemFS()
	total = 0
	for _, e := range entries {
		if e.dir {
			mem.add(e.path, fs.ModeDir|0o755, nil)
			continue
		}
		data, mode, err := lim.read(fsys, e.path, &total)
		if err != nil {
			return nil, err
		}
		mem.add(e.path, mode, data)
	}
	m, err := ParseManifest(mem.files[ManifestFile].data)
	if err != nil {
		return nil, &TemplateError{Err: err}
	}
	if !hasSkeleton {
		return nil, &TemplateError{Err: fmt.Errorf("template %s has no %s/ directory", m.Metadata.Name, SkeletonDir)}
	}
	return &Template{Manifest: m, FS: mem, Source: src}, nil
}

// checkFile adds a file of size bytes at p to total and checks the limits.
func (l Limits) checkFile(p string, size int64, total *int64) error {
	limit, what := l.FileBytes, "a template file"
	if p == ManifestFile {
		limit, what = l.ManifestBytes, ManifestFile
	}
	if size > limit {
		return &TemplateError{File: p, Err: fmt.Errorf("%w: %s is over the %s limit for %s", ErrTooLarge, bytesize.Format(size), bytesize.Format(limit), what)}
	}
	*total += size
	if *total > l.TotalBytes {
		return &TemplateError{Err: fmt.Errorf("%w: %s and %s/ are over the %s limit for a whole template (at %s)", ErrTooLarge, ManifestFile, SkeletonDir, bytesize.Format(l.TotalBytes), p)}
	}
	return nil
}

// read copies the regular file at p into memory, reading no more than the limits allow.
func (l Limits) read(fsys fs.FS, p string, total *int64) ([]byte, fs.FileMode, error) {
	f, err := fsys.Open(p)
	if err != nil {
		return nil, 0, fmt.Errorf("read template: %w", stripPath(err))
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, 0, fmt.Errorf("read template: %s: %w", p, stripPath(err))
	}
	if !info.Mode().IsRegular() {
		return nil, 0, &TemplateError{File: p, Err: errors.New("is not a regular file: a template holds regular files and directories only")}
	}
	limit := l.FileBytes
	if p == ManifestFile {
		limit = l.ManifestBytes
	}
	limit = min(limit, l.TotalBytes-*total)
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, 0, fmt.Errorf("read template: %s: %w", p, stripPath(err))
	}
	if err := l.checkFile(p, int64(len(data)), total); err != nil {
		return nil, 0, err
	}
	return data, info.Mode().Perm(), nil
}

// stripPath drops the path from an *fs.PathError when it is an absolute one
// (a cache directory means nothing to the user), keeping the cause.
func stripPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) && filepath.IsAbs(pe.Path) {
		return pe.Err
	}
	return err
}
