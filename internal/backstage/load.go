package backstage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/platform-team/platform/internal/bytesize"
	"github.com/platform-team/platform/internal/scaffold"
)

// Template is a loaded Backstage template: its manifest, and the files its
// fetch steps read, held in memory.
//
// The readable root is the git repository for a git template and, for a
// local one, the nearest directory above the template holding .git (the
// repository it is in), else the template's own directory. Fetch urls are
// relative to the template file's directory and may climb with ../ (a
// skeleton shared between the templates of one repository) but never out of
// the root.
type Template struct {
	Manifest *Manifest
	// Source is where the template came from, for .platform/answers.yaml.
	Source scaffold.Source
	// Dir is the directory of template.yaml inside the root, slash-separated,
	// "." for the root itself.
	Dir string
	// File is the manifest's path inside the root (Dir/template.yaml, or the
	// file named by a git subdirectory or a local path).
	File string

	tree *tree
	// inputs and outputSpec are the steps' inputs and the output with
	// their key order (see orderedSpec); nil when they could not be read
	// so, then the manifest's maps are used.
	inputs     []any
	eachSpec   []any
	outputSpec any
}

// each is step i's each, ordered when possible.
func (t *Template) each(i int) any {
	if i < len(t.eachSpec) {
		return t.eachSpec[i]
	}
	return t.Manifest.Spec.Steps[i].Each
}

// input is step i's input, ordered when possible.
func (t *Template) input(i int) any {
	if i < len(t.inputs) {
		return t.inputs[i]
	}
	if in := t.Manifest.Spec.Steps[i].Input; in != nil {
		return in
	}
	return nil
}

// output is the template's output, ordered when possible.
func (t *Template) output() any {
	if t.outputSpec != nil {
		return t.outputSpec
	}
	if t.Manifest.Spec.Output != nil {
		return t.Manifest.Spec.Output
	}
	return nil
}

// Name is the template's metadata.name.
func (t *Template) Name() string { return t.Manifest.Metadata.Name }

// LoadOptions configure Load.
type LoadOptions struct {
	// Resolver clones git templates into its cache (Clone and CacheDir);
	// nil refuses git references.
	Resolver *scaffold.Resolver
	// Limits bound what is read: ManifestBytes for template.yaml, FileBytes
	// for each file a fetch step reads, TotalBytes for all of them together.
	// Zero fields take the scaffold defaults (1 MiB, 10 MiB, 100 MiB).
	Limits scaffold.Limits
}

// ErrEscapesRoot is wrapped by the StepError of a fetch url that leaves the
// readable root.
var ErrEscapesRoot = errors.New("leaves the template's repository")

// ErrSymlink is wrapped by the TemplateError of a symbolic link among the
// files a fetch step reads. Backstage copies a link as a link; the platform
// writes regular files only, and a link may point anywhere, so a template
// holding one is refused: replace the link with a copy of its target.
var ErrSymlink = errors.New("is a symbolic link: Backstage would copy it as a link, the platform refuses links in templates (replace the link with a copy of what it points to)")

// IsRef reports whether ref names a Backstage template rather than one of
// the platform's own: a git reference is not looked at (the caller decides
// after loading), a local file is a template when IsTemplate says so, a local
// directory when its template.yaml does.
func IsRef(ref string) bool {
	if _, ok := scaffold.ParseGitRef(ref); ok {
		return false
	}
	p := ref
	if info, err := os.Stat(ref); err == nil && info.IsDir() {
		p = filepath.Join(ref, ManifestFile)
	}
	f, err := os.Open(p)
	if err != nil {
		return false
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, scaffold.DefaultManifestBytes))
	return err == nil && IsTemplate(data)
}

// Load reads the Backstage template ref names: a template.yaml file, a
// directory holding one, or a git reference GIT_URL//SUBDIR@REF whose SUBDIR
// is the template's directory or its file. template.yaml and every file a
// fetch step with a literal url reads are copied into memory through an
// os.Root, within opts.Limits; nothing is read outside the root.
func Load(ctx context.Context, ref string, opts LoadOptions) (*Template, error) {
	if g, ok := scaffold.ParseGitRef(ref); ok {
		if opts.Resolver == nil {
			return nil, errors.New("git templates are not available here")
		}
		var t *Template
		err := opts.Resolver.Checkout(ctx, g, func(repo *os.Root, src scaffold.Source) error {
			file, err := manifestIn(repo, g.Subdir)
			if err != nil {
				return err
			}
			t, err = loadRoot(repo, file, src, opts.Limits)
			return err
		})
		if err != nil {
			var ce *scaffold.CloneError
			if errors.As(err, &ce) {
				return nil, err
			}
			return nil, fmt.Errorf("template %s: %w", g, err)
		}
		return t, nil
	}
	abs, err := filepath.Abs(ref)
	if err != nil {
		return nil, fmt.Errorf("template %s: %w", ref, err)
	}
	info, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("template %s: %w", ref, stripPath(err))
	}
	file := abs
	if info.IsDir() {
		file = filepath.Join(abs, ManifestFile)
	}
	rootDir := repoRoot(filepath.Dir(file))
	root, err := os.OpenRoot(rootDir)
	if err != nil {
		return nil, fmt.Errorf("template %s: %w", ref, stripPath(err))
	}
	defer root.Close()
	rel, err := filepath.Rel(rootDir, file)
	if err != nil {
		return nil, fmt.Errorf("template %s: %w", ref, err)
	}
	t, err := loadRoot(root, filepath.ToSlash(rel), scaffold.Source{Kind: scaffold.SourceLocal}, opts.Limits)
	if err != nil {
		return nil, fmt.Errorf("template %s: %w", ref, err)
	}
	return t, nil
}

// repoRoot is the nearest directory from dir up holding .git, else dir.
func repoRoot(dir string) string {
	for d := dir; ; {
		if _, err := os.Lstat(filepath.Join(d, ".git")); err == nil {
			return d
		}
		parent := filepath.Dir(d)
		if parent == d {
			return dir
		}
		d = parent
	}
}

// manifestIn finds the template file a git subdirectory names: the
// directory's template.yaml, or the file itself.
func manifestIn(repo *os.Root, subdir string) (string, error) {
	if subdir == "" {
		return ManifestFile, nil
	}
	info, err := repo.Lstat(subdir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "", &scaffold.TemplateError{Err: fmt.Errorf("no %s in the repository", subdir)}
	case err != nil:
		return "", fmt.Errorf("read template: %w", stripPath(err))
	case info.IsDir():
		return path.Join(subdir, ManifestFile), nil
	}
	return subdir, nil
}

// LoadFS is Load for a root already opened: file is the template file's
// slash-separated path inside root.
func LoadFS(root *os.Root, file string, src scaffold.Source, lim scaffold.Limits) (*Template, error) {
	return loadRoot(root, file, src, lim)
}

func loadRoot(root *os.Root, file string, src scaffold.Source, lim scaffold.Limits) (*Template, error) {
	lim = withDefaults(lim)
	if !fs.ValidPath(file) {
		return nil, &scaffold.TemplateError{Err: fmt.Errorf("%s is not a path inside the repository", file)}
	}
	if err := checkNoLinks(root, file); err != nil {
		return nil, err
	}
	r := &reader{root: root, lim: lim, tree: newTree(), loaded: map[string]bool{}}
	data, err := r.readFile(file, lim.ManifestBytes, ManifestFile)
	if err != nil {
		return nil, err
	}
	m, err := ParseManifest(data)
	if err != nil {
		return nil, &scaffold.TemplateError{Err: err}
	}
	t := &Template{Manifest: m, Source: src, Dir: path.Dir(file), File: file, tree: r.tree}
	if inputs, each, output, err := orderedSpec(data); err == nil && len(inputs) == len(m.Spec.Steps) {
		t.inputs, t.eachSpec, t.outputSpec = inputs, each, output
	}
	dirLoaded := false
	for _, s := range m.Spec.Steps {
		url, ok := fetchURL(s)
		if !ok {
			continue
		}
		if strings.Contains(url, "${{") || strings.Contains(url, "{%") {
			// Known only when the step runs: the template's own
			// directory is what such a url can name.
			if !dirLoaded {
				if err := r.readTree(t.Dir, s); err != nil {
					return nil, err
				}
				dirLoaded = true
			}
			continue
		}
		if isAbsURL(url) {
			continue // refused by Check, or skipped
		}
		p, err := resolveURL(t.Dir, url)
		if err != nil {
			return nil, &StepError{StepID: s.ID, Action: s.Action, Err: err}
		}
		if err := r.readTree(p, s); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// fetchURL is the url input of a step that reads template files.
func fetchURL(s Step) (string, bool) {
	switch s.Action {
	case "fetch:template", "fetch:plain", "fetch:plain:file", "fetch:template:file":
	default:
		return "", false
	}
	url, ok := s.Input["url"].(string)
	return url, ok
}

// isAbsURL reports whether a fetch url is a URL (https://...), not a path.
func isAbsURL(u string) bool {
	i := strings.Index(u, "://")
	if i <= 0 {
		return false
	}
	for _, c := range u[:i] {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// resolveURL resolves a relative fetch url against the template's directory,
// refusing one that leaves the root.
func resolveURL(dir, url string) (string, error) {
	if strings.HasPrefix(url, "/") {
		return "", fmt.Errorf("url %q: %w (an absolute path)", url, ErrEscapesRoot)
	}
	p := path.Clean(path.Join(dir, url))
	if p == ".." || strings.HasPrefix(p, "../") {
		return "", fmt.Errorf("url %q: %w", url, ErrEscapesRoot)
	}
	return p, nil
}

// checkNoLinks refuses a path that passes through a symbolic link: os.Root
// would follow one that stays inside the root.
func checkNoLinks(root *os.Root, p string) error {
	segs := strings.Split(p, "/")
	for i := range segs {
		q := strings.Join(segs[:i+1], "/")
		info, err := root.Lstat(q)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			if i == len(segs)-1 && path.Base(p) == ManifestFile {
				return &scaffold.TemplateError{Err: fmt.Errorf("no %s: a Backstage template is a %s file, or a directory holding one", ManifestFile, ManifestFile)}
			}
			return &scaffold.TemplateError{Err: fmt.Errorf("%s: no such file or directory", q)}
		case err != nil:
			return fmt.Errorf("read template: %w", stripPath(err))
		case info.Mode()&fs.ModeSymlink != 0:
			return &scaffold.TemplateError{File: q, Err: ErrSymlink}
		}
	}
	return nil
}

func withDefaults(l scaffold.Limits) scaffold.Limits {
	if l.ManifestBytes <= 0 {
		l.ManifestBytes = scaffold.DefaultManifestBytes
	}
	if l.FileBytes <= 0 {
		l.FileBytes = scaffold.DefaultFileBytes
	}
	if l.TotalBytes <= 0 {
		l.TotalBytes = scaffold.DefaultTotalBytes
	}
	return l
}

// reader copies files of a root into a tree, within limits.
type reader struct {
	root  *os.Root
	lim   scaffold.Limits
	total int64
	tree  *tree
	// loaded are the directories read whole.
	loaded map[string]bool
}

// readTree copies the file or directory tree at p (a step's url) into
// memory. A url naming nothing is left for the step to report when it runs
// (it may never run).
func (r *reader) readTree(p string, s Step) error {
	for q := p; ; q = path.Dir(q) {
		if r.loaded[q] {
			return nil // already read, whole
		}
		if q == "." {
			break
		}
	}
	if err := checkNoLinks(r.root, p); err != nil {
		var te *scaffold.TemplateError
		if errors.As(err, &te) && te.File == "" {
			return nil // missing: reported by the step
		}
		return err
	}
	info, err := r.root.Lstat(p)
	if err != nil {
		return fmt.Errorf("read template: %w", stripPath(err))
	}
	if !info.IsDir() {
		if r.tree.nodes[p] != nil {
			return nil
		}
		_, err := r.readFile(p, r.lim.FileBytes, "a template file")
		return err
	}
	r.loaded[p] = true
	return fs.WalkDir(r.root.FS(), p, func(q string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("read template: %w", stripPath(err))
		}
		if d.Type()&fs.ModeSymlink != 0 {
			return &scaffold.TemplateError{File: q, Err: ErrSymlink}
		}
		if d.IsDir() {
			if d.Name() == ".git" && q != p {
				return fs.SkipDir
			}
			r.tree.addDir(q)
			return nil
		}
		if _, ok := r.tree.nodes[q]; ok {
			return nil
		}
		_, err = r.readFile(q, r.lim.FileBytes, "a template file")
		return err
	})
}

// readFile copies the regular file at p into the tree, reading no more than
// limit bytes (and the total limit).
func (r *reader) readFile(p string, limit int64, what string) ([]byte, error) {
	f, err := r.root.Open(p)
	if err != nil {
		return nil, fmt.Errorf("read template: %w", stripPath(err))
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read template: %s: %w", p, stripPath(err))
	}
	if !info.Mode().IsRegular() {
		return nil, &scaffold.TemplateError{File: p, Err: errors.New("is not a regular file: a template holds regular files and directories only")}
	}
	data, err := io.ReadAll(io.LimitReader(f, min(limit, r.lim.TotalBytes-r.total)+1))
	if err != nil {
		return nil, fmt.Errorf("read template: %s: %w", p, stripPath(err))
	}
	size := int64(len(data))
	if size > limit {
		return nil, &scaffold.TemplateError{File: p, Err: fmt.Errorf("%w: %s is over the %s limit for %s", scaffold.ErrTooLarge, bytesize.Format(size), bytesize.Format(limit), what)}
	}
	r.total += size
	if r.total > r.lim.TotalBytes {
		return nil, &scaffold.TemplateError{Err: fmt.Errorf("%w: the files the template reads are over the %s limit for a whole template (at %s)", scaffold.ErrTooLarge, bytesize.Format(r.lim.TotalBytes), p)}
	}
	r.tree.addFile(p, info.Mode().Perm(), data)
	return data, nil
}

// stripPath drops an absolute path from an *fs.PathError (a cache directory
// means nothing to the user), keeping the cause.
func stripPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) && filepath.IsAbs(pe.Path) {
		return pe.Err
	}
	return err
}

// tree is a read-only file tree in memory: slash-separated paths relative to
// the root, "." the root.
type tree struct {
	nodes map[string]*node
}

type node struct {
	dir  bool
	mode fs.FileMode // permission bits of a file
	data []byte
}

func newTree() *tree { return &tree{nodes: map[string]*node{".": {dir: true}}} }

func (t *tree) addDir(p string) {
	for q := p; q != "." && t.nodes[q] == nil; q = path.Dir(q) {
		t.nodes[q] = &node{dir: true}
	}
}

func (t *tree) addFile(p string, mode fs.FileMode, data []byte) {
	t.addDir(path.Dir(p))
	t.nodes[p] = &node{mode: mode, data: data}
}

// entry is one file or directory under a directory of the tree.
type entry struct {
	rel string // relative to the listed directory
	n   *node
}

// list returns everything under dir, sorted by path, directories before
// what they hold.
func (t *tree) list(dir string) []entry {
	var out []entry
	prefix := dir + "/"
	if dir == "." {
		prefix = ""
	}
	for p, n := range t.nodes {
		if p == "." || !strings.HasPrefix(p, prefix) || p == dir {
			continue
		}
		out = append(out, entry{rel: strings.TrimPrefix(p, prefix), n: n})
	}
	slices.SortFunc(out, func(a, b entry) int { return strings.Compare(a.rel, b.rel) })
	return out
}

// Version is the version a service made from the template records: the
// release tag a git reference names (v1.2.0 or 1.2.0), else 0.0.0, since a
// Backstage template has no version of its own.
func (t *Template) Version() string {
	if g, ok := scaffold.ParseGitRef(t.Source.Ref); ok {
		if v, err := scaffold.ParseVersion(g.Ref); err == nil {
			return v.String()
		}
	}
	return "0.0.0"
}
