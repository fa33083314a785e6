package lint

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/platform-team/platform/internal/bytesize"
	"github.com/platform-team/platform/internal/fserr"
)

// DefaultMaxFileSize keeps generated blobs and dumps out of the lint: a file
// above it is reported (lint/skipped), never read whole or parsed.
const DefaultMaxFileSize = 4 << 20

// binaryProbe is how much of a file is searched for a NUL byte, as git does.
const binaryProbe = 8000

// openedFile is what the reader needs of an open file; tests inject failures.
type openedFile interface {
	io.ReadCloser
	Stat() (fs.FileInfo, error)
}

// skip is a file the walk or the reader left out: not linted, with why
// (reason), or not readable (err). Both are findings, never silent.
type skip struct {
	path   string
	reason string
	hint   string
	err    error
}

// Hints for skipped files, by why they were skipped.
const (
	hintSpecial  = "a linted tree holds regular files: remove it, or exclude it with lint.exclude in platform.yaml"
	hintOversize = "exclude it with lint.exclude in platform.yaml if it is generated, or raise PLATFORM_LINT_MAX_FILE_SIZE"
	hintBinary   = "exclude it with lint.exclude in platform.yaml if it is meant to be binary"
)

// reader reads walked and named files, refusing what is not a regular file.
type reader struct {
	root  string
	limit int64
	// open opens a file for reading without blocking on FIFOs; tests replace it.
	open func(name string) (openedFile, error)
}

// read loads one file. It returns the file, or a skip saying why it is not
// linted. A file named on the command line is always reported when skipped;
// a walked file with a binary extension (an image, an archive) that is
// binary or too large is expected, and dropped silently (nil, nil).
func (rd *reader) read(rel string, named bool) (*File, *skip) {
	abs := filepath.Join(rd.root, filepath.FromSlash(rel))
	info, err := os.Stat(abs)
	if err != nil {
		return nil, &skip{path: rel, err: fserr.Cause(err)}
	}
	if reason := special(info.Mode()); reason != "" {
		return nil, &skip{path: rel, reason: reason, hint: hintSpecial}
	}
	// Images, archives and fonts met on the walk are expected: too large or
	// binary, they are dropped without a finding.
	expected := !named && binaryExts[strings.ToLower(path.Ext(rel))]
	if info.Size() > rd.limit {
		if expected {
			return nil, nil
		}
		return nil, &skip{path: rel, reason: oversize(info.Size(), rd.limit), hint: hintOversize}
	}
	f, err := rd.open(abs)
	if err != nil {
		return nil, &skip{path: rel, err: fserr.Cause(err)}
	}
	defer f.Close()
	// The file may have been replaced since the walk saw it.
	if info, err = f.Stat(); err != nil {
		return nil, &skip{path: rel, err: fserr.Cause(err)}
	}
	if reason := special(info.Mode()); reason != "" {
		return nil, &skip{path: rel, reason: reason, hint: hintSpecial}
	}
	data, err := readLimited(f, info.Size(), rd.limit)
	if err != nil {
		return nil, &skip{path: rel, err: fserr.Cause(err)}
	}
	if int64(len(data)) > rd.limit {
		if expected {
			return nil, nil
		}
		return nil, &skip{path: rel, reason: oversize(-1, rd.limit), hint: hintOversize}
	}
	if bytes.IndexByte(data[:min(len(data), binaryProbe)], 0) >= 0 {
		if expected {
			return nil, nil
		}
		return nil, &skip{path: rel, reason: "a binary file (a NUL byte in its first 8000 bytes)", hint: hintBinary}
	}
	return &File{Path: rel, Data: data}, nil
}

// readLimited reads r to its end or to one byte past limit, whichever comes
// first, in one buffer sized from the file's size (as os.ReadFile does).
func readLimited(r io.Reader, size, limit int64) ([]byte, error) {
	buf := make([]byte, 0, max(min(size, limit), 0)+1)
	for int64(len(buf)) <= limit {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)] // the file grew: let append pick a bigger buffer
		}
		n, err := r.Read(buf[len(buf):min(int64(cap(buf)), limit+1)])
		buf = buf[:len(buf)+n]
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	return buf, nil
}

// binaryExts are extensions of files that are binary by nature; the walk
// drops them without a finding. Any other binary file is reported, so that a
// NUL byte cannot hide a manifest or a secret from the lint.
var binaryExts = map[string]bool{
	".png": true, ".jpg": true, ".jpeg": true, ".gif": true, ".ico": true, ".webp": true, ".bmp": true,
	".tif": true, ".tiff": true, ".pdf": true, ".zip": true, ".gz": true, ".tgz": true, ".bz2": true,
	".xz": true, ".zst": true, ".tar": true, ".jar": true, ".war": true, ".woff": true, ".woff2": true,
	".ttf": true, ".otf": true, ".eot": true, ".mp3": true, ".mp4": true, ".mov": true, ".wav": true,
	".ogg": true, ".webm": true, ".so": true, ".dylib": true, ".dll": true, ".exe": true, ".a": true,
	".o": true, ".class": true, ".pyc": true, ".wasm": true, ".db": true, ".sqlite": true,
}

// special names a file that is not regular; "" for a regular file.
func special(mode fs.FileMode) string {
	switch {
	case mode.IsRegular():
		return ""
	case mode&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO), not a regular file"
	case mode&fs.ModeSocket != 0:
		return "a socket, not a regular file"
	case mode&fs.ModeDevice != 0:
		return "a device, not a regular file"
	case mode.IsDir():
		return "a directory where a file was expected"
	default:
		return "not a regular file"
	}
}

func oversize(size, limit int64) string {
	if size < 0 {
		return fmt.Sprintf("over the size limit of %s", bytesize.Format(limit))
	}
	return fmt.Sprintf("%s, over the size limit of %s", bytesize.Format(size), bytesize.Format(limit))
}

// skippedRule reports files that were not linted: over the size limit,
// binary, or special (FIFOs, devices, sockets).
var skippedRule = walkRule(Meta{
	ID:       "lint/skipped",
	Severity: SeverityInfo,
	Summary:  "files the lint did not read: over the size limit, binary, or not regular files",
	Doc: `The lint reads regular text files up to 4 MiB (PLATFORM_LINT_MAX_FILE_SIZE changes the
limit). A larger file is reported and not read, so that a generated dump cannot slow the
lint down, and a padded manifest cannot pass unnoticed. A file with a NUL byte in its
first 8000 bytes is binary and reported too. Files whose extension says they are binary
by nature (.png, .zip, .woff, ...) are not reported when found by walking a directory.
Named pipes, sockets and devices are never opened.

A file named on the command line is always reported when it is not linted. Exclude
generated files with ` + "`lint.exclude`" + ` in platform.yaml, or waive this rule on them.`,
	Bad:  map[string]string{"README.md": "# svc\n", "deploy/app.yaml": "apiVersion: v1\nkind: ConfigMap\x00\n"},
	Good: map[string]string{"README.md": "# svc\n", "deploy/app.yaml": "apiVersion: v1\nkind: ConfigMap\n"},
}, func(repo *Repo, r *Reporter) {
	for _, s := range repo.skips {
		if s.err == nil {
			r.Report(s.path, 0, 0, "not linted: "+s.reason, s.hint)
		}
	}
})

// unreadableRule reports files and directories that could not be read.
var unreadableRule = walkRule(Meta{
	ID:       "lint/unreadable",
	Severity: SeverityError,
	Summary:  "files and directories the lint could not read",
	Doc: `A file or directory that cannot be read (permissions, an I/O error, a symbolic link
named on the command line that points nowhere) is a finding naming it and the error; the
rest of the tree is still linted. It is an error, since what could not be read was not
checked.`,
}, func(repo *Repo, r *Reporter) {
	for _, s := range repo.skips {
		if s.err != nil {
			r.Report(s.path, 0, 0, "cannot read it: "+s.err.Error(), "check that it exists and is readable, or exclude it with lint.exclude")
		}
	}
})

// walkRule is a repository rule about the walk itself: it runs even when
// only some paths are linted.
func walkRule(meta Meta, check func(repo *Repo, r *Reporter)) Rule {
	rule := NewRepoRule(meta, check)
	rule.always = true
	return rule
}
