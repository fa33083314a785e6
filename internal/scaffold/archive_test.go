package scaffold

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
)

// demoFS is a template directory: testManifest (demo 1.2.3) and a skeleton.
func demoFS() fstest.MapFS {
	return fstest.MapFS{
		ManifestFile:                     {Data: []byte(testManifest), Mode: 0o644},
		"skeleton/README.md.tmpl":        {Data: []byte("# {{ .values.name }}\n"), Mode: 0o644},
		"skeleton/scripts/run.sh":        {Data: []byte("#!/bin/sh\n"), Mode: 0o755},
		"skeleton/deploy/postgres/a.yml": {Data: []byte("kind: X\n"), Mode: 0o600},
		"notes.txt":                      {Data: []byte("not part of the template"), Mode: 0o644},
		ChangelogFile:                    {Data: []byte("## 1.0.0\n\n- First.\n"), Mode: 0o644},
	}
}

func archiveOf(t *testing.T, fsys fs.FS) []byte {
	t.Helper()
	data, err := archiveBytes(fsys)
	must(t, err)
	return data
}

func archiveBytes(fsys fs.FS) ([]byte, error) {
	tmpl, err := Load(fsys, Source{Kind: SourceLocal})
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	err = WriteArchive(&buf, tmpl)
	return buf.Bytes(), err
}

func TestArchiveRoundTrip(t *testing.T) {
	data := archiveOf(t, demoFS())
	if again := archiveOf(t, demoFS()); !bytes.Equal(data, again) {
		t.Fatal("two archives of the same template differ")
	}
	// gzip header: no modification time (bytes 4-7), no file name (FLG.FNAME).
	if !bytes.Equal(data[4:8], []byte{0, 0, 0, 0}) || data[3]&0x08 != 0 {
		t.Errorf("gzip header carries a time or a name: % x", data[:10])
	}
	got, err := LoadArchive(data, Source{Kind: SourceEmbedded}, Limits{})
	must(t, err)
	want, err := Load(demoFS(), Source{Kind: SourceEmbedded})
	must(t, err)
	if !reflect.DeepEqual(got.Manifest, want.Manifest) {
		t.Error("manifest differs after a round trip")
	}
	if changed := diffTrees(got.FS.(*memFS), want.FS); len(changed) > 0 {
		t.Errorf("archive differs from the template: %v", changed)
	}
	if _, err := fs.Stat(got.FS, "notes.txt"); err == nil {
		t.Error("a file outside template.yaml and skeleton/ was archived")
	}
	if log, err := fs.ReadFile(got.FS, ChangelogFile); err != nil || string(log) != "## 1.0.0\n\n- First.\n" {
		t.Errorf("the changelog beside template.yaml was not archived: %q, %v", log, err)
	}
	info, err := fs.Stat(got.FS, "skeleton/scripts/run.sh")
	must(t, err)
	if info.Mode().Perm() != 0o755 {
		t.Errorf("executable kept as %v", info.Mode())
	}
	info, err = fs.Stat(got.FS, "skeleton/deploy/postgres/a.yml")
	must(t, err)
	if info.Mode().Perm() != 0o644 {
		t.Errorf("mode 0600 archived as %v, want the fixed 0644", info.Mode())
	}

	// The archive renders as the template does.
	values := Values{"name": "svc", "owner": "group:a", "port": 8080, "database": "postgres", "debug": false, "system": ""}
	a, err := Render(t.Context(), got, values, RenderOptions{PlatformVersion: "t"})
	must(t, err)
	b, err := Render(t.Context(), want, values, RenderOptions{PlatformVersion: "t"})
	must(t, err)
	if !reflect.DeepEqual(a.Files, b.Files) {
		t.Errorf("renders differ:\n%v\n%v", a.Files, b.Files)
	}
}

// entry is one hand-made tar entry.
type entry struct {
	hdr  tar.Header
	data string
}

func reg(name, data string) entry {
	return entry{hdr: tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: 0o644, Size: int64(len(data))}, data: data}
}

func makeArchive(t *testing.T, entries ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for _, e := range entries {
		must(t, tw.WriteHeader(&e.hdr))
		if _, err := tw.Write([]byte(e.data)); err != nil {
			t.Fatal(err)
		}
	}
	must(t, tw.Close())
	must(t, zw.Close())
	return buf.Bytes()
}

func TestLoadArchiveRefusesHostileEntries(t *testing.T) {
	manifest := reg(ManifestFile, testManifest)
	readme := reg("skeleton/README.md", "hi")
	tests := []struct {
		name    string
		entries []entry
		want    string
		is      error
	}{
		{"parent", []entry{manifest, reg("../evil", "x")}, "not a clean relative path", nil},
		{"nested parent", []entry{manifest, reg("skeleton/../../evil", "x")}, "not a clean relative path", nil},
		{"absolute", []entry{manifest, reg("/etc/passwd", "x")}, "not a clean relative path", nil},
		{"dot", []entry{manifest, reg("skeleton/./a", "x")}, "not a clean relative path", nil},
		{"backslash", []entry{manifest, reg(`skeleton\..\..\evil`, "x")}, "not a clean relative path", nil},
		{"outside the template", []entry{manifest, readme, reg("Makefile", "x")}, "outside template.yaml, CHANGELOG.md and skeleton/", nil},
		{"symlink", []entry{manifest, readme, {hdr: tar.Header{Typeflag: tar.TypeSymlink, Name: "skeleton/key", Linkname: "/root/.ssh/id_rsa"}}}, "symbolic link", ErrSymlink},
		{"hard link", []entry{manifest, readme, {hdr: tar.Header{Typeflag: tar.TypeLink, Name: "skeleton/key", Linkname: "template.yaml"}}}, "symbolic link", ErrSymlink},
		{"fifo", []entry{manifest, readme, {hdr: tar.Header{Typeflag: tar.TypeFifo, Name: "skeleton/pipe"}}}, "not a regular file", nil},
		{"device", []entry{manifest, readme, {hdr: tar.Header{Typeflag: tar.TypeChar, Name: "skeleton/tty"}}}, "not a regular file", nil},
		{"twice", []entry{manifest, readme, reg("skeleton/README.md", "evil")}, "appears twice", nil},
		{"file then dir", []entry{manifest, reg("skeleton/a", "x"), reg("skeleton/a/b", "y")}, "inside skeleton/a, a file", nil},
		{"dir then file", []entry{manifest, reg("skeleton/a/b", "y"), reg("skeleton/a", "x")}, "appears twice", nil},
		{"skeleton is a file", []entry{manifest, reg("skeleton", "x")}, "want a directory", nil},
		{"no manifest", []entry{readme}, "no template.yaml", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadArchive(makeArchive(t, tt.entries...), Source{}, Limits{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error containing %q", err, tt.want)
			}
			if !errors.As(err, new(*TemplateError)) {
				t.Errorf("%v is not a TemplateError", err)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("%v is not %v", err, tt.is)
			}
		})
	}
}

func TestLoadArchiveLimits(t *testing.T) {
	manifest := reg(ManifestFile, testManifest)
	big := reg("skeleton/big", strings.Repeat("x", 100))
	_, err := LoadArchive(makeArchive(t, manifest, big), Source{}, Limits{FileBytes: 99})
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "skeleton/big") {
		t.Errorf("file over the limit: got %v", err)
	}
	_, err = LoadArchive(makeArchive(t, manifest, big, reg("skeleton/big2", strings.Repeat("y", 100))), Source{}, Limits{TotalBytes: int64(len(testManifest)) + 150})
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("template over the total: got %v", err)
	}

	// Entries that hold nothing still cost: their number is capped...
	many := []entry{manifest}
	for i := range MaxArchiveEntries {
		many = append(many, entry{hdr: tar.Header{Typeflag: tar.TypeDir, Name: fmt.Sprintf("skeleton/d%d/", i), Mode: 0o755}})
	}
	if _, err := LoadArchive(makeArchive(t, many...), Source{}, Limits{}); !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "entries") {
		t.Errorf("too many entries: got %v", err)
	}
	// ...and so is what the archive decompresses to (here, PAX records).
	var padded []entry
	for i := range 12 {
		e := reg(fmt.Sprintf("skeleton/f%d", i), "")
		e.hdr.PAXRecords = map[string]string{"comment": strings.Repeat("z", 1000_000)}
		padded = append(padded, e)
	}
	if _, err := LoadArchive(makeArchive(t, append([]entry{manifest}, padded...)...), Source{}, Limits{TotalBytes: 4096}); !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "decompresses") {
		t.Errorf("decompression bomb: got %v", err)
	}
}

func TestLoadArchiveCorrupt(t *testing.T) {
	for name, data := range map[string][]byte{
		"not gzip":  []byte("PK\x03\x04"),
		"truncated": archiveOf(t, demoFS())[:200],
		"empty":     nil,
	} {
		if _, err := LoadArchive(data, Source{}, Limits{}); err == nil || !strings.Contains(err.Error(), "corrupt release archive") {
			t.Errorf("%s: got %v", name, err)
		}
	}
}

// releasesFS lays archives out as Resolver.Releases.
func releasesFS(t *testing.T, archives map[string]fs.FS) fstest.MapFS {
	t.Helper()
	out := fstest.MapFS{}
	for path, fsys := range archives {
		out[path] = &fstest.MapFile{Data: archiveOf(t, fsys)}
	}
	return out
}

// demoVersion is demoFS at another version, with a README saying which.
func demoVersion(v string) fstest.MapFS {
	fsys := demoFS()
	fsys[ManifestFile] = &fstest.MapFile{Data: []byte(strings.Replace(testManifest, "version: 1.2.3", "version: "+v, 1))}
	fsys["skeleton/README.md.tmpl"] = &fstest.MapFile{Data: []byte("version " + v + "\n")}
	return fsys
}

func TestEmbeddedVersions(t *testing.T) {
	embedded := fstest.MapFS{}
	for p, f := range demoFS() {
		embedded["demo/"+p] = f
	}
	r := &Resolver{Embedded: embedded, Releases: releasesFS(t, map[string]fs.FS{
		"demo/1.10.0.tar.gz":      demoVersion("1.10.0"),
		"demo/1.9.0.tar.gz":       demoVersion("1.9.0"),
		"demo/1.10.0-rc.1.tar.gz": demoVersion("1.10.0-rc.1"),
		"demo/1.2.3.tar.gz":       demoVersion("1.2.3"),
		"demo/2.0.0.tar.gz":       demoVersion("1.2.3"), // holds another version
	})}
	r.Releases.(fstest.MapFS)["demo/README.md"] = &fstest.MapFile{Data: []byte("not an archive")}

	versions, err := r.EmbeddedVersions("demo")
	must(t, err)
	if want := []string{"1.2.3", "1.9.0", "1.10.0-rc.1", "1.10.0", "2.0.0"}; !reflect.DeepEqual(versions, want) {
		t.Errorf("versions = %q, want %q", versions, want)
	}
	for _, v := range []string{"1.9.0", "v1.9.0"} {
		tmpl, err := r.EmbeddedVersion("demo", v)
		must(t, err)
		if tmpl.Manifest.Spec.Version != "1.9.0" || tmpl.Source.Kind != SourceEmbedded {
			t.Errorf("%s: got version %s from %+v", v, tmpl.Manifest.Spec.Version, tmpl.Source)
		}
		readme, err := fs.ReadFile(tmpl.FS, "skeleton/README.md.tmpl")
		must(t, err)
		if string(readme) != "version 1.9.0\n" {
			t.Errorf("%s: README = %q", v, readme)
		}
	}

	var uv *UnknownVersionError
	if _, err := r.EmbeddedVersion("demo", "1.5.0"); !errors.As(err, &uv) || !strings.Contains(err.Error(), "1.2.3, 1.9.0, 1.10.0-rc.1, 1.10.0, 2.0.0") {
		t.Errorf("unknown version: got %v", err)
	}
	if _, err := r.EmbeddedVersion("demo", "2.0.0"); err == nil || !strings.Contains(err.Error(), "holds demo 1.2.3") {
		t.Errorf("archive of another version: got %v", err)
	}
	var ut *UnknownTemplateError
	if _, err := r.EmbeddedVersions("nope"); !errors.As(err, &ut) {
		t.Errorf("unknown template: got %v", err)
	}
	if vs, err := (&Resolver{Embedded: embedded}).EmbeddedVersions("demo"); err != nil || len(vs) != 0 {
		t.Errorf("no releases: got %v, %v", vs, err)
	}
	if _, err := (&Resolver{Embedded: embedded}).EmbeddedVersion("demo", "1.2.3"); !errors.As(err, &uv) || !strings.Contains(err.Error(), "carries: none") {
		t.Errorf("no releases: got %v", err)
	}
	r.Releases.(fstest.MapFS)["demo/latest.tar.gz"] = &fstest.MapFile{Data: []byte("x")}
	if _, err := r.EmbeddedVersions("demo"); err == nil || !strings.Contains(err.Error(), `"latest" is not a version`) {
		t.Errorf("archive named after no version: got %v", err)
	}
}

func TestSnapshotAndCheckReleases(t *testing.T) {
	embedded := fstest.MapFS{}
	for p, f := range demoFS() {
		embedded["demo/"+p] = f
	}
	dir := filepath.Join(t.TempDir(), "releases")

	var re *ReleaseError
	if err := CheckReleases(embedded, os.DirFS(dir)); !errors.As(err, &re) || !re.Missing || !strings.Contains(err.Error(), "run `make templates-release`") {
		t.Fatalf("before the snapshot: got %v", err)
	}
	written, err := SnapshotReleases(embedded, dir)
	must(t, err)
	if !reflect.DeepEqual(written, []string{"demo/1.2.3.tar.gz"}) {
		t.Fatalf("written = %q", written)
	}
	first, err := os.ReadFile(filepath.Join(dir, "demo", "1.2.3.tar.gz"))
	must(t, err)
	must(t, CheckReleases(embedded, os.DirFS(dir)))
	written, err = SnapshotReleases(embedded, dir)
	if err != nil || len(written) != 0 {
		t.Fatalf("second snapshot: wrote %q, %v", written, err)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "demo"))
	if len(entries) != 1 {
		t.Errorf("snapshot left %v", entries)
	}

	// A change without a new version: both refuse, naming what changed and what to do.
	embedded["demo/skeleton/README.md.tmpl"] = &fstest.MapFile{Data: []byte("changed\n")}
	embedded["demo/skeleton/new.txt"] = &fstest.MapFile{Data: []byte("new\n")}
	delete(embedded, "demo/skeleton/scripts/run.sh")
	for name, err := range map[string]error{
		"check":    CheckReleases(embedded, os.DirFS(dir)),
		"snapshot": func() error { _, err := SnapshotReleases(embedded, dir); return err }(),
	} {
		if !errors.As(err, &re) || re.Missing {
			t.Fatalf("%s: got %v, want a ReleaseError", name, err)
		}
		for _, want := range []string{"changed: skeleton/README.md.tmpl", "added: skeleton/new.txt", "removed: skeleton/scripts/run.sh", "bump spec.version", "make templates-release", "delete templates/releases/demo/1.2.3.tar.gz"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s: %q lacks %q", name, err, want)
			}
		}
	}
	if again, _ := os.ReadFile(filepath.Join(dir, "demo", "1.2.3.tar.gz")); !bytes.Equal(first, again) {
		t.Error("snapshot rewrote a released archive")
	}

	// A new version gets its own archive beside the old one.
	embedded["demo/template.yaml"] = &fstest.MapFile{Data: []byte(strings.Replace(testManifest, "version: 1.2.3", "version: 1.3.0", 1))}
	written, err = SnapshotReleases(embedded, dir)
	must(t, err)
	if !reflect.DeepEqual(written, []string{"demo/1.3.0.tar.gz"}) {
		t.Fatalf("written = %q", written)
	}
	must(t, CheckReleases(embedded, os.DirFS(dir)))

	// A version EmbeddedVersions could not sort is refused before it is archived.
	embedded["demo/template.yaml"] = &fstest.MapFile{Data: []byte(strings.Replace(testManifest, "version: 1.2.3", "version: 01.4.0", 1))}
	if written, err := SnapshotReleases(embedded, dir); len(written) != 0 || err == nil || !strings.Contains(err.Error(), "leading zeros") {
		t.Errorf("version 01.4.0: wrote %q, %v", written, err)
	}
}

// FuzzLoadArchive: no archive panics or runs away, and an accepted one only
// ever holds template.yaml and regular files and directories under skeleton/,
// within the limits.
func FuzzLoadArchive(f *testing.F) {
	seed, err := archiveBytes(demoFS())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte{0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0xff})
	f.Add([]byte("not an archive"))
	lim := Limits{FileBytes: 1 << 16, TotalBytes: 1 << 18}
	f.Fuzz(func(t *testing.T, data []byte) {
		tmpl, err := LoadArchive(data, Source{Kind: SourceEmbedded}, lim)
		if err != nil {
			return
		}
		var total int64
		err = fs.WalkDir(tmpl.FS, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if p != "." && p != ManifestFile && p != ChangelogFile && p != SkeletonDir && !strings.HasPrefix(p, SkeletonDir+"/") {
				t.Errorf("accepted %q, outside the template", p)
			}
			if !d.IsDir() && !d.Type().IsRegular() {
				t.Errorf("accepted %q of type %v", p, d.Type())
			}
			if info, err := d.Info(); err == nil && !d.IsDir() {
				total += info.Size()
			}
			return nil
		})
		if err != nil || total > lim.TotalBytes {
			t.Fatalf("walk: %v, %d bytes", err, total)
		}
	})
}
