package scaffold

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
	"time"

	"github.com/platform-team/platform/internal/bytesize"
)

// A release archive holds one released version of a template: template.yaml
// and skeleton/, as a gzipped tar. The binary carries one per released version
// of each embedded template (see Resolver.Releases), so that an update can
// render the version a service was made with, offline.
//
// WriteArchive makes the same bytes from the same template, whatever the
// machine: entries in path order, directories before what they hold, file
// modes 0644 (0755 when executable) and directories 0755, no owner, times at
// the Unix epoch, and a gzip header without name or time. LoadArchive reads
// only that shape back (regular files and directories at clean relative paths
// under template.yaml and skeleton/) and checks the result as Load does.

// ArchiveExt ends the name of a release archive.
const ArchiveExt = ".tar.gz"

// MaxArchiveEntries caps the entries of a release archive: far above any
// real template, so that a corrupt or hostile archive cannot make the loader
// walk millions of empty entries.
const MaxArchiveEntries = 10_000

// archiveOverhead is what a release archive may decompress to beyond the
// bytes of its files (tar headers and padding): 1 KiB per entry.
const archiveOverhead = MaxArchiveEntries << 10

// ArchivePath is where the release archive of version of the embedded
// template name lives in Resolver.Releases: <name>/<version>.tar.gz.
func ArchivePath(name, version string) string {
	return name + "/" + version + ArchiveExt
}

// epoch is the modification time of every archive entry.
var epoch = time.Unix(0, 0).UTC()

// WriteArchive writes t (template.yaml and skeleton/) to w as a release
// archive. Two calls on the same template write the same bytes.
func WriteArchive(w io.Writer, t *Template) error {
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(zw)
	err = fs.WalkDir(t.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == "." {
			return err
		}
		if p != ManifestFile && p != ChangelogFile && p != SkeletonDir && !strings.HasPrefix(p, SkeletonDir+"/") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: p + "/", Mode: 0o755, ModTime: epoch})
		}
		if !d.Type().IsRegular() {
			return &TemplateError{File: p, Err: errors.New("is not a regular file: a template holds regular files and directories only")}
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		data, err := fs.ReadFile(t.FS, p)
		if err != nil {
			return err
		}
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: p, Mode: int64(archiveMode(info.Mode())), Size: int64(len(data)), ModTime: epoch}); err != nil {
			return fmt.Errorf("archive %s: %w", p, err)
		}
		_, err = tw.Write(data)
		return err
	})
	if err != nil {
		return fmt.Errorf("write release archive of %s: %w", t.Name(), err)
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return zw.Close()
}

// archiveMode is the mode a file is archived with: only whether it is
// executable matters to a render (see Render), so nothing else is kept.
func archiveMode(m fs.FileMode) fs.FileMode {
	if m&0o111 != 0 {
		return 0o755
	}
	return 0o644
}

// LoadArchive reads a release archive and checks the template in it as Load
// does, with limits lim (zero fields take the defaults). Whatever the archive
// holds, nothing is ever written anywhere: an entry that is a link or a
// device, or whose path is absolute, climbs out with "..", is not clean, or
// lies outside template.yaml and skeleton/, is refused, and so is an entry
// over the size limits, before its content is read.
func LoadArchive(data []byte, src Source, lim Limits) (*Template, error) {
	lim = lim.withDefaults()
	mem, err := readArchive(data, lim)
	if err != nil {
		return nil, err
	}
	return load(mem, src, lim)
}

// readArchive unpacks a release archive into memory.
func readArchive(data []byte, lim Limits) (*memFS, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, archiveError("", err)
	}
	zr.Multistream(false)
	// The decompressed stream is bounded too: a few hundred bytes of gzip
	// can stand for gigabytes of headers and padding.
	capped := &cappedReader{r: zr, left: lim.TotalBytes + archiveOverhead}
	tr := tar.NewReader(capped)
	mem := newMemFS()
	isDir := map[string]bool{}
	var total int64
	for n := 0; ; n++ {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, archiveError("", err)
		}
		if n >= MaxArchiveEntries {
			return nil, &TemplateError{Err: fmt.Errorf("%w: release archive has more than %d entries", ErrTooLarge, MaxArchiveEntries)}
		}
		name := strings.TrimSuffix(hdr.Name, "/")
		if err := checkArchivePath(name); err != nil {
			return nil, err
		}
		switch hdr.Typeflag {
		case tar.TypeDir:
		case tar.TypeReg:
			if name == SkeletonDir {
				return nil, &TemplateError{File: name, Err: errors.New("is a file in the release archive, want a directory")}
			}
		case tar.TypeSymlink, tar.TypeLink:
			return nil, &TemplateError{File: name, Err: ErrSymlink}
		default:
			return nil, &TemplateError{File: name, Err: errors.New("is not a regular file: a template holds regular files and directories only")}
		}
		dir := hdr.Typeflag == tar.TypeDir
		if err := claimArchivePath(isDir, name, dir); err != nil {
			return nil, err
		}
		if dir {
			mem.add(name, fs.ModeDir|0o755, nil)
			continue
		}
		if err := lim.checkFile(name, hdr.Size, &total); err != nil {
			return nil, err
		}
		content, err := io.ReadAll(tr) // at most hdr.Size bytes, just checked
		if err != nil {
			return nil, archiveError(name, err)
		}
		mem.add(name, archiveMode(fs.FileMode(hdr.Mode)), content)
	}
	return mem, nil
}

// checkArchivePath refuses an entry path that is not a clean relative path
// under template.yaml or skeleton/.
func checkArchivePath(name string) error {
	if !fs.ValidPath(name) || name == "." || strings.Contains(name, `\`) {
		return &TemplateError{Err: fmt.Errorf("release archive entry %q is not a clean relative path: refused", name)}
	}
	if name != ManifestFile && name != ChangelogFile && name != SkeletonDir && !strings.HasPrefix(name, SkeletonDir+"/") {
		return &TemplateError{Err: fmt.Errorf("release archive entry %q is outside %s, %s and %s/: refused", name, ManifestFile, ChangelogFile, SkeletonDir)}
	}
	return nil
}

// claimArchivePath records name as a file or directory, refusing a second
// entry at the same path (a later one would silently win) and a file where
// another entry needs a directory.
func claimArchivePath(isDir map[string]bool, name string, dir bool) error {
	for p := path.Dir(name); p != "."; p = path.Dir(p) {
		if d, ok := isDir[p]; ok && !d {
			return &TemplateError{File: name, Err: fmt.Errorf("is inside %s, a file in the release archive", p)}
		}
		isDir[p] = true
	}
	if d, ok := isDir[name]; ok && (!d || !dir) {
		return &TemplateError{File: name, Err: errors.New("appears twice in the release archive")}
	}
	isDir[name] = dir
	return nil
}

func archiveError(file string, err error) error {
	if errors.Is(err, ErrTooLarge) {
		return &TemplateError{File: file, Err: err}
	}
	return &TemplateError{File: file, Err: fmt.Errorf("corrupt release archive: %w", err)}
}

// cappedReader fails with ErrTooLarge once more than left bytes are read.
type cappedReader struct {
	r    io.Reader
	left int64
}

func (c *cappedReader) Read(b []byte) (int, error) {
	if c.left <= 0 {
		return 0, fmt.Errorf("%w: release archive decompresses to more than its files (over %s of headers)", ErrTooLarge, bytesize.Format(archiveOverhead))
	}
	if int64(len(b)) > c.left {
		b = b[:c.left]
	}
	n, err := c.r.Read(b)
	c.left -= int64(n)
	return n, err
}
