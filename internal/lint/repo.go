package lint

import (
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// Settings are the organisation's and the repository's choices that rules read.
type Settings struct {
	// AnnotationPrefix is the domain of our own annotations (lint-ignore, template-path).
	AnnotationPrefix string
	// ReadmeSections are the level-2 headings every README must have.
	ReadmeSections []string
	// Lifecycles are the allowed catalog lifecycles.
	Lifecycles []string
	// CatalogKinds are the kinds the organisation's catalog accepts beyond the
	// built-in ones, through its own processors (platform.yaml catalog.kinds).
	CatalogKinds []string
	// GitLabProject is the repository's GitLab project path from its git remote
	// (e.g. payments/payments-api), "" when unknown.
	GitLabProject string
	// Waivers come from WaiverFile (platform.yaml, or the file given with --config).
	Waivers    []Waiver
	WaiverFile string
	// Now decides which waivers have expired; zero means the current time.
	Now time.Time
}

// DefaultReadmeSections is what a new teammate needs from a README.
var DefaultReadmeSections = []string{"Overview", "Getting started", "Testing", "Deployment", "Documentation", "Ownership"}

// DefaultLifecycles are Backstage's well-known lifecycles.
var DefaultLifecycles = []string{"experimental", "production", "deprecated"}

// Repo is the tree under lint: every file that was walked, and the settings.
type Repo struct {
	// Root is the directory on disk the paths are relative to.
	Root     string
	Settings Settings
	// Whole is true when the root itself is linted (not just some paths below
	// it): only then do rules about the repository as a whole run.
	Whole bool

	files map[string]*File
	paths []string
	// dirs are the directories above the walked files, computed on first use.
	dirsOnce sync.Once
	dirs     map[string]bool
	// skips are the files the walk and the reader left out (lint/skipped, lint/unreadable).
	skips []skip

	mu    sync.Mutex
	cache map[string]*cached
}

type cached struct {
	once  sync.Once
	value any
}

// Cached returns the value compute gives for key, computing it once per
// repository even when rules ask concurrently. Families keep their
// repository-wide indexes here (kustomize image pins, say).
func (r *Repo) Cached(key string, compute func() any) any {
	r.mu.Lock()
	if r.cache == nil {
		r.cache = map[string]*cached{}
	}
	c := r.cache[key]
	if c == nil {
		c = &cached{}
		r.cache[key] = c
	}
	r.mu.Unlock()
	c.once.Do(func() { c.value = compute() })
	return c.value
}

// NewRepo returns a repo holding files, for the engine and for tests.
func NewRepo(root string, settings Settings, files []*File) *Repo {
	r := &Repo{Root: root, Settings: settings, Whole: true, files: map[string]*File{}}
	for _, f := range files {
		r.files[f.Path] = f
		r.paths = append(r.paths, f.Path)
	}
	slices.Sort(r.paths)
	return r
}

// File returns the walked file at a slash-separated path.
func (r *Repo) File(p string) (*File, bool) {
	f, ok := r.files[path.Clean(p)]
	return f, ok
}

// Files returns every walked file, sorted by path.
func (r *Repo) Files() []*File {
	out := make([]*File, len(r.paths))
	for i, p := range r.paths {
		out[i] = r.files[p]
	}
	return out
}

// Exists reports whether a slash-separated path relative to the root exists,
// as a walked file or anywhere on disk (an ignored file still exists).
func (r *Repo) Exists(p string) bool {
	if _, ok := r.files[path.Clean(p)]; ok {
		return true
	}
	if r.Root == "" {
		return false
	}
	_, err := os.Stat(filepath.Join(r.Root, filepath.FromSlash(p)))
	return err == nil
}

// IsDir reports whether a slash-separated path relative to the root is a directory.
func (r *Repo) IsDir(p string) bool {
	clean := path.Clean(p)
	r.dirsOnce.Do(func() {
		r.dirs = map[string]bool{}
		for _, q := range r.paths {
			for k := strings.LastIndexByte(q, '/'); k > 0 && !r.dirs[q[:k]]; k = strings.LastIndexByte(q[:k], '/') {
				r.dirs[q[:k]] = true
			}
		}
	})
	if r.dirs[clean] {
		return true
	}
	if _, ok := r.files[clean]; ok || r.Root == "" {
		// A walked file is not a directory.
		return false
	}
	info, err := os.Stat(filepath.Join(r.Root, filepath.FromSlash(p)))
	return err == nil && info.IsDir()
}
