package backstage

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/platform-team/platform/internal/scaffold"
)

// workspace is Backstage's task workspace, in memory: files, and the
// directories steps created (empty ones are dropped from the plan).
type workspace struct {
	files map[string]*wsFile
	dirs  map[string]bool
}

type wsFile struct {
	mode fs.FileMode
	data []byte
	from string
}

func newWorkspace() *workspace {
	return &workspace{files: map[string]*wsFile{}, dirs: map[string]bool{".": true}}
}

func (w *workspace) isDir(p string) bool { return w.dirs[p] }

func (w *workspace) exists(p string) bool { return w.files[p] != nil || w.dirs[p] }

// mkdir creates p and its parents (fs.ensureDir).
func (w *workspace) mkdir(p string) {
	for q := p; q != "." && !w.dirs[q]; q = path.Dir(q) {
		w.dirs[q] = true
	}
}

// mkdirChecked is mkdir refusing a path where a file is, or under one.
func (w *workspace) mkdirChecked(p string) error {
	for q := p; q != "."; q = path.Dir(q) {
		if w.files[q] != nil {
			return fmt.Errorf("%s is a file in the workspace", q)
		}
	}
	w.mkdir(p)
	return nil
}

// put writes a file, creating its parents; it assumes none of them is a file.
func (w *workspace) put(p string, mode fs.FileMode, data []byte, from string) {
	w.mkdir(path.Dir(p))
	w.files[p] = &wsFile{mode: mode, data: data, from: from}
}

// putChecked writes a file, refusing a path where a directory is, or under a file.
func (w *workspace) putChecked(p string, mode fs.FileMode, data []byte, from string) error {
	if p == "." || w.dirs[p] {
		return fmt.Errorf("%s is a directory in the workspace", p)
	}
	for q := path.Dir(p); q != "."; q = path.Dir(q) {
		if w.files[q] != nil {
			return fmt.Errorf("%s: %s is a file in the workspace", p, q)
		}
	}
	w.put(p, mode, data, from)
	return nil
}

// remove deletes a file or a directory tree (fs.remove: nothing there is fine).
func (w *workspace) remove(p string) {
	if p == "." {
		clear(w.files)
		clear(w.dirs)
		w.dirs["."] = true
		return
	}
	delete(w.files, p)
	delete(w.dirs, p)
	prefix := p + "/"
	for q := range w.files {
		if strings.HasPrefix(q, prefix) {
			delete(w.files, q)
		}
	}
	for q := range w.dirs {
		if strings.HasPrefix(q, prefix) {
			delete(w.dirs, q)
		}
	}
}

// move is fs-extra's move: src must exist; dst must not unless overwrite,
// which removes it first; a directory cannot move into itself.
func (w *workspace) move(src, dst string, overwrite bool) error {
	if !w.exists(src) || src == "." {
		return errors.New("source does not exist")
	}
	if src == dst {
		return errors.New("Source and destination must not be the same.")
	}
	if w.dirs[src] && strings.HasPrefix(dst, src+"/") {
		return fmt.Errorf("cannot move '%s' to a subdirectory of itself, '%s'", src, dst)
	}
	if w.exists(dst) {
		if !overwrite {
			return errors.New("dest already exists")
		}
		w.remove(dst)
	}
	for q := path.Dir(dst); q != "."; q = path.Dir(q) {
		if w.files[q] != nil {
			return fmt.Errorf("%s is a file in the workspace", q)
		}
	}
	if f := w.files[src]; f != nil {
		delete(w.files, src)
		w.put(dst, f.mode, f.data, f.from)
		return nil
	}
	prefix := src + "/"
	moved := map[string]*wsFile{}
	for q, f := range w.files {
		if strings.HasPrefix(q, prefix) {
			moved[dst+"/"+strings.TrimPrefix(q, prefix)] = f
		}
	}
	var dirs []string
	for q := range w.dirs {
		if q == src || strings.HasPrefix(q, prefix) {
			dirs = append(dirs, dst+strings.TrimPrefix(q, src))
		}
	}
	w.remove(src)
	w.mkdir(dst)
	for _, d := range dirs {
		w.mkdir(d)
	}
	for q, f := range moved {
		w.put(q, f.mode, f.data, f.from)
	}
	return nil
}

// paths lists every file and directory (not the root), sorted.
func (w *workspace) paths() []string {
	var out []string
	for p := range w.files {
		out = append(out, p)
	}
	for p := range w.dirs {
		if p != "." {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out
}

// filePaths lists the files, sorted.
func (w *workspace) filePaths() []string {
	out := make([]string, 0, len(w.files))
	for p := range w.files {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// plan is the workspace's files as a scaffold plan.
func (w *workspace) plan() (*scaffold.Plan, error) {
	p := &scaffold.Plan{}
	for _, name := range w.filePaths() {
		f := w.files[name]
		if err := p.Add(scaffold.File{Path: name, Mode: f.mode, Data: f.data, From: f.from}); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// matchGlobs returns the entries (by path relative to the listed directory)
// that the patterns match, as globby does with dot: true: a pattern starting
// with ! removes what the earlier ones matched.
func matchGlobs(patterns []string, entries []entry) (map[string]bool, error) {
	out := map[string]bool{}
	if len(patterns) == 0 {
		return out, nil
	}
	type compiled struct {
		re  *regexp.Regexp
		neg bool
	}
	var cs []compiled
	for _, p := range patterns {
		neg := strings.HasPrefix(p, "!")
		re, err := globRegexp(strings.TrimPrefix(strings.TrimPrefix(p, "!"), "./"))
		if err != nil {
			return nil, fmt.Errorf("copyWithoutTemplating pattern %q: %w", p, err)
		}
		cs = append(cs, compiled{re: re, neg: neg})
	}
	for _, e := range entries {
		name := e.rel
		matched := false
		for _, c := range cs {
			if c.re.MatchString(name) || (e.n.dir && c.re.MatchString(name+"/")) {
				matched = !c.neg
			}
		}
		if matched {
			out[e.rel] = true
		}
	}
	return out, nil
}

// globRegexp compiles a glob (micromatch syntax: *, **, ?, [...], {a,b}),
// matching dot files too, into an anchored regexp over slash-separated paths.
func globRegexp(glob string) (*regexp.Regexp, error) {
	var sb strings.Builder
	sb.WriteString("^")
	segs := strings.Split(strings.TrimSuffix(glob, "/"), "/")
	for i, seg := range segs {
		last := i == len(segs)-1
		if seg == "**" {
			switch {
			case last && i == 0:
				sb.WriteString(".*")
			case last:
				sb.WriteString("/.*") // a/** matches what a holds
			case i == 0:
				sb.WriteString("(?:.*/)?")
			default:
				sb.WriteString("/(?:.*/)?")
			}
			continue
		}
		if i > 0 && segs[i-1] != "**" {
			sb.WriteString("/")
		}
		if err := globSegment(&sb, seg); err != nil {
			return nil, err
		}
	}
	sb.WriteString("$")
	return regexp.Compile(sb.String())
}

func globSegment(sb *strings.Builder, seg string) error {
	depth := 0
	for i := 0; i < len(seg); i++ {
		c := seg[i]
		switch {
		case c == '\\' && i+1 < len(seg):
			i++
			sb.WriteString(regexp.QuoteMeta(seg[i : i+1]))
		case c == '*':
			for i+1 < len(seg) && seg[i+1] == '*' {
				i++
			}
			sb.WriteString("[^/]*")
		case c == '?':
			sb.WriteString("[^/]")
		case c == '[':
			end := strings.IndexByte(seg[i+1:], ']')
			if end < 0 {
				sb.WriteString(`\[`)
				continue
			}
			class := seg[i+1 : i+1+end]
			if strings.HasPrefix(class, "!") {
				class = "^" + class[1:]
			}
			sb.WriteString("[" + strings.ReplaceAll(class, `\`, `\\`) + "]")
			i += end + 1
		case c == '{':
			depth++
			sb.WriteString("(?:")
		case c == '}' && depth > 0:
			depth--
			sb.WriteString(")")
		case c == ',' && depth > 0:
			sb.WriteString("|")
		default:
			sb.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	if depth != 0 {
		return errors.New("unbalanced braces")
	}
	return nil
}
