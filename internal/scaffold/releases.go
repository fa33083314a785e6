package scaffold

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/Masterminds/semver/v3"
)

// UnknownVersionError is a version of an embedded template that this binary
// does not carry.
type UnknownVersionError struct {
	Template string
	Version  string
	// Available are the versions it carries, oldest first.
	Available []string
}

func (e *UnknownVersionError) Error() string {
	have := "none"
	if len(e.Available) > 0 {
		have = strings.Join(e.Available, ", ")
	}
	return fmt.Sprintf("embedded template %s has no released version %s in this binary (it carries: %s); a newer platform may carry it", e.Template, e.Version, have)
}

// EmbeddedVersions lists the released versions of the embedded template name
// that this binary carries, oldest first by semantic version.
func (r *Resolver) EmbeddedVersions(name string) ([]string, error) {
	if err := r.checkEmbeddedName(name); err != nil {
		return nil, err
	}
	if r.Releases == nil {
		return nil, nil
	}
	entries, err := fs.ReadDir(r.Releases, name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list releases of %s: %w", name, err)
	}
	type release struct {
		name string
		v    *semver.Version
	}
	var out []release
	for _, e := range entries {
		version, ok := strings.CutSuffix(e.Name(), ArchiveExt)
		if !ok || e.IsDir() {
			continue
		}
		v, err := semver.StrictNewVersion(version)
		if err != nil {
			return nil, fmt.Errorf("release archive %s: %q is not a version", ArchivePath(name, version), version)
		}
		out = append(out, release{version, v})
	}
	slices.SortFunc(out, func(a, b release) int { return a.v.Compare(b.v) })
	versions := make([]string, len(out))
	for i, rel := range out {
		versions[i] = rel.name
	}
	return versions, nil
}

// EmbeddedVersion loads a released version of the embedded template name
// from its release archive, checked as any template is (see LoadArchive). A
// leading v in version is allowed. Its Source is embedded, as for the live
// template. It is a *UnknownVersionError when the binary does not carry that
// version.
func (r *Resolver) EmbeddedVersion(name, version string) (*Template, error) {
	versions, err := r.EmbeddedVersions(name)
	if err != nil {
		return nil, err
	}
	file := ""
	for _, v := range versions {
		if c, err := CompareVersions(v, version); err == nil && c == 0 && (file == "" || v == version) {
			file = v
		}
	}
	if file == "" {
		return nil, &UnknownVersionError{Template: name, Version: version, Available: versions}
	}
	archive := ArchivePath(name, file)
	data, err := fs.ReadFile(r.Releases, archive)
	if err != nil {
		return nil, fmt.Errorf("read release archive %s: %w", archive, err)
	}
	t, err := LoadArchive(data, Source{Kind: SourceEmbedded}, r.Limits)
	if err != nil {
		return nil, fmt.Errorf("release archive %s: %w", archive, err)
	}
	if t.Name() != name || t.Manifest.Spec.Version != file {
		return nil, fmt.Errorf("release archive %s holds %s %s", archive, t.Name(), t.Manifest.Spec.Version)
	}
	return t, nil
}

func (r *Resolver) checkEmbeddedName(name string) error {
	names, err := r.EmbeddedNames()
	if err != nil {
		return err
	}
	if !slices.Contains(names, name) {
		return &UnknownTemplateError{Ref: name, Embedded: names}
	}
	return nil
}

// ReleaseError is an embedded template whose current version has no release
// archive, or whose archive no longer matches it: the template changed
// without a new spec.version, so services made from the archived version
// would be updated from the wrong base.
type ReleaseError struct {
	Template string
	Version  string
	// Missing is true when the version has no archive at all.
	Missing bool
	// Changed lists what differs from the archive: "changed: PATH", "added: PATH", "removed: PATH".
	Changed []string
}

// ReleaseTarget is the make target that snapshots the embedded templates.
const ReleaseTarget = "make templates-release"

func (e *ReleaseError) Error() string {
	archive := "templates/releases/" + ArchivePath(e.Template, e.Version)
	if e.Missing {
		return fmt.Sprintf("embedded template %s %s has no release archive %s: run `%s`", e.Template, e.Version, archive, ReleaseTarget)
	}
	return fmt.Sprintf("embedded template %s changed since version %s was archived (%s): bump spec.version in templates/%s/%s and run `%s` (if %s was never released, delete %s and run it instead)",
		e.Template, e.Version, strings.Join(e.Changed, ", "), e.Template, ManifestFile, ReleaseTarget, e.Version, archive)
}

// CheckReleases checks that the current version of every template in
// embedded has a release archive in releases (laid out as Resolver.Releases)
// holding exactly that template. Each problem is a *ReleaseError; they are
// joined.
func CheckReleases(embedded, releases fs.FS) error {
	templates, err := (&Resolver{Embedded: embedded}).EmbeddedTemplates()
	if err != nil {
		return err
	}
	var errs []error
	for _, t := range templates {
		if err := checkRelease(t, releases); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// checkRelease compares t with the archive of its version in releases.
func checkRelease(t *Template, releases fs.FS) error {
	if _, err := semver.StrictNewVersion(t.Manifest.Spec.Version); err != nil {
		return fmt.Errorf("embedded template %s: spec.version %q is not a semantic version without leading zeros, which release archives are named after", t.Name(), t.Manifest.Spec.Version)
	}
	archive := ArchivePath(t.Name(), t.Manifest.Spec.Version)
	data, err := fs.ReadFile(releases, archive)
	if errors.Is(err, fs.ErrNotExist) {
		return &ReleaseError{Template: t.Name(), Version: t.Manifest.Spec.Version, Missing: true}
	}
	if err != nil {
		return fmt.Errorf("read release archive %s: %w", archive, err)
	}
	mem, err := readArchive(data, Limits{}.withDefaults())
	if err != nil {
		return fmt.Errorf("release archive %s: %w", archive, err)
	}
	if changed := diffTrees(mem, t.FS); len(changed) > 0 {
		return &ReleaseError{Template: t.Name(), Version: t.Manifest.Spec.Version, Changed: changed}
	}
	return nil
}

// diffTrees lists the files that differ between an archived template and a
// live one, in path order: content, executable bit, presence.
func diffTrees(archived *memFS, live fs.FS) []string {
	files := func(fsys fs.FS) map[string]*memEntry {
		out := map[string]*memEntry{}
		_ = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || (p != ManifestFile && !strings.HasPrefix(p, SkeletonDir+"/")) {
				return nil
			}
			info, err := d.Info()
			if err != nil {
				return nil
			}
			data, _ := fs.ReadFile(fsys, p)
			out[p] = &memEntry{mode: archiveMode(info.Mode()), data: data}
			return nil
		})
		return out
	}
	a, l := files(archived), files(live)
	var paths []string
	for p := range a {
		paths = append(paths, p)
	}
	for p := range l {
		if _, ok := a[p]; !ok {
			paths = append(paths, p)
		}
	}
	slices.Sort(paths)
	var changed []string
	for _, p := range paths {
		ae, al := a[p], l[p]
		switch {
		case ae == nil:
			changed = append(changed, "added: "+p)
		case al == nil:
			changed = append(changed, "removed: "+p)
		case ae.mode != al.mode || !bytes.Equal(ae.data, al.data):
			changed = append(changed, "changed: "+p)
		}
	}
	return changed
}

// SnapshotReleases writes, into dir, the release archive of the current
// version of every template in embedded that has none yet, and returns the
// archives it wrote (relative to dir). An archive is never rewritten: one
// that no longer matches its template is a *ReleaseError, and nothing is
// written for that template. Each archive is written to a temporary file
// and renamed into place, so an interrupted run leaves no partial archive.
func SnapshotReleases(embedded fs.FS, dir string) ([]string, error) {
	templates, err := (&Resolver{Embedded: embedded}).EmbeddedTemplates()
	if err != nil {
		return nil, err
	}
	slices.SortFunc(templates, func(a, b *Template) int { return strings.Compare(a.Name(), b.Name()) })
	var written []string
	var errs []error
	for _, t := range templates {
		err := checkRelease(t, os.DirFS(dir))
		var re *ReleaseError
		if !errors.As(err, &re) || !re.Missing {
			if err != nil {
				errs = append(errs, err)
			}
			continue
		}
		rel := ArchivePath(t.Name(), t.Manifest.Spec.Version)
		if err := writeArchiveFile(t, filepath.Join(dir, filepath.FromSlash(rel))); err != nil {
			errs = append(errs, err)
			continue
		}
		written = append(written, rel)
	}
	return written, errors.Join(errs...)
}

func writeArchiveFile(t *Template, dest string) error {
	var buf bytes.Buffer
	if err := WriteArchive(&buf, t); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
		return fmt.Errorf("write release archive: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(dest), "."+path.Base(dest)+".*")
	if err != nil {
		return fmt.Errorf("write release archive: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		tmp.Close()
		return fmt.Errorf("write release archive: %w", err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("write release archive: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write release archive: %w", err)
	}
	if err := os.Rename(tmp.Name(), dest); err != nil {
		return fmt.Errorf("write release archive: %w", err)
	}
	return nil
}
