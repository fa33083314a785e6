package scaffold

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/platform-team/platform/internal/lock"
	"github.com/platform-team/platform/internal/redact"
)

// Resolver finds templates by reference: an embedded name, a local directory,
// or a git URL with an optional //subdirectory and @ref.
type Resolver struct {
	// Embedded holds one directory per embedded template.
	Embedded fs.FS
	// Releases holds the release archive of every released version of the
	// embedded templates, at <name>/<version>.tar.gz (see ArchivePath and
	// EmbeddedVersion); nil when the binary carries none.
	Releases fs.FS
	// CacheDir receives clones of git templates.
	CacheDir string
	// Clone fetches url at ref into dir and returns the commit it resolved to.
	Clone func(ctx context.Context, url, ref, dir string) (string, error)
	// Limits bound what loading a local or git template, or a release
	// archive, reads; zero fields take the defaults.
	Limits Limits
}

// UnknownTemplateError is a reference that names no template.
type UnknownTemplateError struct {
	Ref      string
	Embedded []string
}

func (e *UnknownTemplateError) Error() string {
	return fmt.Sprintf("unknown template %q: use an embedded template (%s), a template directory, or a git URL such as https://host/group/templates.git//go-service@v1.0.0 (see 'platform templates list')",
		e.Ref, strings.Join(e.Embedded, ", "))
}

// CloneError is a git template that could not be fetched.
type CloneError struct {
	URL string
	Err error
}

func (e *CloneError) Error() string { return fmt.Sprintf("fetch template from %s: %v", e.URL, e.Err) }
func (e *CloneError) Unwrap() error { return e.Err }

// Resolve loads the template ref names.
func (r *Resolver) Resolve(ctx context.Context, ref string) (*Template, error) {
	if ref == "" {
		return nil, errors.New("no template named: pass -t/--template")
	}
	if g, ok := ParseGitRef(ref); ok {
		return r.resolveGit(ctx, g)
	}
	if fs.ValidPath(ref) && !strings.Contains(ref, "/") {
		if _, err := fs.Stat(r.Embedded, path.Join(ref, ManifestFile)); err == nil {
			sub, err := fs.Sub(r.Embedded, ref)
			if err != nil {
				return nil, err
			}
			return Load(sub, Source{Kind: SourceEmbedded})
		}
	}
	if info, err := os.Stat(ref); err == nil && info.IsDir() {
		t, err := LoadDir(ref, Source{Kind: SourceLocal}, r.Limits)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", ref, err)
		}
		return t, nil
	}
	names, _ := r.EmbeddedNames()
	return nil, &UnknownTemplateError{Ref: ref, Embedded: names}
}

// EmbeddedNames lists the embedded templates' directory names, sorted.
func (r *Resolver) EmbeddedNames() ([]string, error) {
	entries, err := fs.ReadDir(r.Embedded, ".")
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if _, err := fs.Stat(r.Embedded, path.Join(e.Name(), ManifestFile)); e.IsDir() && err == nil {
			names = append(names, e.Name())
		}
	}
	return names, nil
}

// Embedded loads every embedded template: golden paths first, then silver, each by name.
func (r *Resolver) EmbeddedTemplates() ([]*Template, error) {
	names, err := r.EmbeddedNames()
	if err != nil {
		return nil, err
	}
	out := make([]*Template, 0, len(names))
	for _, name := range names {
		sub, err := fs.Sub(r.Embedded, name)
		if err != nil {
			return nil, err
		}
		t, err := Load(sub, Source{Kind: SourceEmbedded})
		if err != nil {
			return nil, fmt.Errorf("embedded template %s: %w", name, err)
		}
		out = append(out, t)
	}
	slices.SortStableFunc(out, func(a, b *Template) int {
		return cmp.Or(cmp.Compare(pathRank(a), pathRank(b)), cmp.Compare(a.Name(), b.Name()))
	})
	return out, nil
}

func pathRank(t *Template) int {
	if t.Manifest.Spec.Path == PathGolden {
		return 0
	}
	return 1
}

// GitRef is a parsed git template reference: URL[//SUBDIR][@REF].
type GitRef struct {
	URL    string
	Subdir string
	Ref    string
}

var scpLike = regexp.MustCompile(`^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:`)

// ParseGitRef recognises a git template reference: a URL with a scheme
// (https, http, ssh, git, file) or an scp-like git@host:path, optionally
// followed by //subdirectory and @ref.
func ParseGitRef(s string) (GitRef, bool) {
	schemeEnd := strings.Index(s, "://")
	isURL := schemeEnd > 0 && slices.Contains([]string{"https", "http", "ssh", "git", "file"}, s[:schemeEnd])
	if !isURL && !scpLike.MatchString(s) {
		return GitRef{}, false
	}
	start := 0
	if isURL {
		start = schemeEnd + 3
	}
	g := GitRef{URL: s}
	if at := strings.LastIndex(s, "@"); at > start && at > strings.LastIndex(s, "/") && at > strings.LastIndex(s, ":") {
		g.URL, g.Ref = s[:at], s[at+1:]
	}
	// Skip the leading slash of file:///abs/path before looking for //subdir.
	searchFrom := start + 1
	if searchFrom < len(g.URL) {
		if i := strings.Index(g.URL[searchFrom:], "//"); i >= 0 {
			i += searchFrom
			g.URL, g.Subdir = g.URL[:i], strings.Trim(g.URL[i+2:], "/")
		}
	}
	return g, true
}

// String renders the reference with any credentials in the URL removed.
func (g GitRef) String() string {
	s := redact.Clean(g.URL)
	if g.Subdir != "" {
		s += "//" + g.Subdir
	}
	if g.Ref != "" {
		s += "@" + g.Ref
	}
	return s
}

// resolveGit clones g into the template cache and loads it (see Checkout).
func (r *Resolver) resolveGit(ctx context.Context, g GitRef) (*Template, error) {
	var t *Template
	err := r.Checkout(ctx, g, func(repo *os.Root, src Source) error {
		var err error
		t, err = loadRoot(repo, g.Subdir, src, r.Limits)
		return err
	})
	if err != nil {
		var ce *CloneError
		if errors.As(err, &ce) || !isTemplateLoadError(err) {
			return nil, err
		}
		return nil, fmt.Errorf("template %s: %w", g, err)
	}
	return t, nil
}

// isTemplateLoadError tells an error of the load callback from one of the
// cache: only the former is prefixed with the template reference.
func isTemplateLoadError(err error) bool {
	var le *checkoutLoadError
	return errors.As(err, &le)
}

// checkoutLoadError marks an error returned by Checkout's callback.
type checkoutLoadError struct{ err error }

func (e *checkoutLoadError) Error() string { return e.err.Error() }
func (e *checkoutLoadError) Unwrap() error { return e.err }

// Checkout clones g into the template cache and calls load with the
// repository opened as an os.Root, and the Source to record, while it holds
// the cache entry's lock: load must copy what it needs into memory, since
// the entry may be replaced by another run afterwards. g.Subdir is checked to
// be a relative path, but is not looked at: that is load's job.
//
// Runs of platform share the cache, so each entry is filled under an exclusive
// lock (one per entry, in <CacheDir>/locks), and the lock is held until the
// template is loaded into memory: no other run can replace the entry while
// this one reads it, and after the load the entry is no longer needed. An
// entry is refreshed on every run (a branch moves), by cloning into a sibling
// directory and renaming it over the entry, so a run killed mid-clone leaves
// at worst a stale temporary directory, removed by the next fill, never a
// half entry under the entry's name.
func (r *Resolver) Checkout(ctx context.Context, g GitRef, load func(repo *os.Root, src Source) error) error {
	if r.Clone == nil || r.CacheDir == "" {
		return errors.New("git templates are not available here")
	}
	if g.Subdir != "" && !fs.ValidPath(g.Subdir) {
		return fmt.Errorf("template %s: subdirectory %q must be a relative path inside the repository", g, g.Subdir)
	}
	sum := sha256.Sum256([]byte(redact.Clean(g.URL) + "@" + g.Ref))
	name := hex.EncodeToString(sum[:8])
	root := filepath.Join(r.CacheDir, "templates")
	if err := os.MkdirAll(root, 0o755); err != nil {
		return fmt.Errorf("create template cache: %w", err)
	}
	lk, err := lock.Acquire(ctx, lock.File(filepath.Join(r.CacheDir, "locks"), "template-cache:"+name))
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("lock template cache: %w", err)
	}
	defer lk.Release()

	dir := filepath.Join(root, name)
	// Only the holder of the entry's lock uses this name: whatever is there
	// was left by a run that was killed.
	tmp := filepath.Join(root, "."+name+".tmp")
	if err := os.RemoveAll(tmp); err != nil {
		return fmt.Errorf("clean template cache: %w", err)
	}
	defer os.RemoveAll(tmp)
	commit, err := r.Clone(ctx, g.URL, g.Ref, tmp)
	if err != nil {
		return &CloneError{URL: g.String(), Err: err}
	}
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("refresh template cache: %w", err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		return fmt.Errorf("fill template cache: %w", err)
	}
	repo, err := os.OpenRoot(dir)
	if err != nil {
		return fmt.Errorf("open template cache: %w", err)
	}
	defer repo.Close()
	if err := load(repo, Source{Kind: SourceGit, Ref: g.String(), Commit: commit}); err != nil {
		return &checkoutLoadError{err: err}
	}
	return nil
}
