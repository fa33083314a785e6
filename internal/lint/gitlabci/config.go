package gitlabci

import (
	"bytes"
	"errors"
	"io"
	"path"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/platform-team/platform/internal/lint"
)

// keywords are the top-level keys that are not jobs.
var keywords = map[string]bool{
	"default": true, "include": true, "stages": true, "variables": true, "workflow": true,
	"image": true, "services": true, "cache": true, "before_script": true, "after_script": true,
	"spec": true, "types": true,
}

// defaultStages are the stages of a pipeline that does not declare any.
var defaultStages = []string{".pre", "build", "test", "deploy", ".post"}

// config is a parsed CI file: the optional spec header of a CI/CD component
// and the document of keywords and jobs.
type config struct {
	err        *lint.SyntaxError
	notMapping *yaml.Node
	header     *yaml.Node
	root       *yaml.Node
	// jobs are the top-level keys that are jobs (hidden ones included), in order.
	jobs []job
}

type job struct {
	name  string
	key   *yaml.Node
	value *yaml.Node
}

func (j job) hidden() bool { return strings.HasPrefix(j.name, ".") }

// isCIFile reports whether f is a GitLab CI configuration by its name.
func isCIFile(f *lint.File) bool {
	n := f.Name()
	return n == ".gitlab-ci.yml" || strings.HasSuffix(n, ".gitlab-ci.yml")
}

// interpolation is a CI/CD input reference, $[[ inputs.name ]].
var interpolation = regexp.MustCompile(`\$\[\[[^\n]*?\]\]`)

// configOf parses a CI file once. When the file does not parse as it is and
// holds $[[ ]] interpolations, it is parsed again with each interpolation
// replaced by a plain scalar of the same length ($III...): inputs are
// interpolated by GitLab, and a value such as [$[[ inputs.stage ]]] should
// not be a syntax error here.
func configOf(f *lint.File) *config {
	return f.Cached("gitlabci.config", func() any {
		c := &config{}
		docs, err := f.YAML()
		if err != nil && bytes.Contains(f.Data, []byte("$[[")) {
			clean := interpolation.ReplaceAllFunc(f.Data, func(m []byte) []byte {
				return append([]byte("$"), bytes.Repeat([]byte("I"), len(m)-1)...)
			})
			if d, ok := decodeAll(clean); ok {
				docs, err = d, nil
			}
		}
		if err != nil {
			err = locate(f.Data, err)
		}
		c.err = err
		if len(docs) >= 1 && isHeader(docs[0]) && (len(docs) >= 2 || onlyKey(docs[0], "spec")) {
			c.header = docs[0]
			docs = docs[1:]
		}
		if len(docs) == 0 {
			return c
		}
		root := lint.Deref(docs[0])
		if root == nil || root.Kind != yaml.MappingNode {
			c.notMapping = docs[0]
			return c
		}
		c.root = root
		for i := 0; i+1 < len(root.Content); i += 2 {
			k := root.Content[i]
			if k.Kind != yaml.ScalarNode || keywords[k.Value] || k.Value == "<<" {
				continue
			}
			c.jobs = append(c.jobs, job{name: k.Value, key: k, value: root.Content[i+1]})
		}
		return c
	}).(*config)
}

// decodeAll parses YAML documents, skipping empty ones; false on an error.
func decodeAll(data []byte) ([]*yaml.Node, bool) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var out []*yaml.Node
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return out, true
		}
		if err != nil {
			return nil, false
		}
		if len(doc.Content) == 0 {
			continue
		}
		root := doc.Content[0]
		if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
			continue
		}
		out = append(out, root)
	}
}

var errLine = regexp.MustCompile(`^line \d+: `)

// decodeError returns the message of the first YAML error in data, "" when
// it parses.
func decodeError(data []byte) string {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return ""
		}
		if err != nil {
			return errLine.ReplaceAllString(strings.TrimPrefix(err.Error(), "yaml: "), "")
		}
	}
}

// locate narrows a syntax error down to its line. yaml.v3 reports the line
// where the enclosing construct started (a mapping at line 2 for a
// mis-indented item at line 40); the first prefix of the file that fails
// with the same message ends at the line of the problem.
func locate(data []byte, e *lint.SyntaxError) *lint.SyntaxError {
	lines := bytes.SplitAfter(data, []byte("\n"))
	full := decodeError(data)
	if full == "" || len(lines) > 20000 {
		return e
	}
	lo, hi := 1, len(lines)
	for lo < hi {
		mid := (lo + hi) / 2
		if decodeError(bytes.Join(lines[:mid], nil)) == full {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	if lo < e.Line {
		return e
	}
	line := lines[lo-1]
	col := len(line) - len(bytes.TrimLeft(line, " \t")) + 1
	if len(bytes.TrimSpace(line)) == 0 {
		col = 1
	}
	return &lint.SyntaxError{Line: lo, Column: col, Msg: e.Msg}
}

// isHeader reports whether doc is the spec header of a component or template.
func isHeader(doc *yaml.Node) bool {
	doc = lint.Deref(doc)
	return doc != nil && doc.Kind == yaml.MappingNode && lint.KeyNode(doc, "spec") != nil
}

func onlyKey(doc *yaml.Node, key string) bool {
	doc = lint.Deref(doc)
	return doc != nil && doc.Kind == yaml.MappingNode && len(doc.Content) == 2 && doc.Content[0].Value == key
}

// stringsOf returns the string values of a scalar or a (nested) sequence.
func stringsOf(n *yaml.Node) []string {
	var out []string
	budget := 10000 // aliases can make a small file a huge tree
	var walk func(n *yaml.Node, depth int)
	walk = func(n *yaml.Node, depth int) {
		n = lint.Deref(n)
		if n == nil || depth > 16 || budget <= 0 {
			return
		}
		budget--
		switch n.Kind {
		case yaml.ScalarNode:
			if n.Tag != "!!null" {
				out = append(out, n.Value)
			}
		case yaml.SequenceNode:
			for _, item := range n.Content {
				walk(item, depth+1)
			}
		}
	}
	walk(n, 0)
	return out
}

// def is one definition of a job or template: in this file or a local include.
type def struct {
	value *yaml.Node
	file  string
}

// scope is what a file's jobs can see: the definitions of this file and of
// the files it includes locally, and whether anything else is included.
type scope struct {
	defs map[string][]def // lowest priority first: includes, then the file
	// open is true when the file includes configuration that cannot be read
	// here (remote, project, template, component, a missing local file).
	open bool
	// foreign is true when the file, or a local file it includes, includes
	// configuration from outside the repository (remote, project, template,
	// component), whose jobs may be merged with its own.
	foreign bool
	// includeText is the text of every include entry (for platform-lint).
	includeText []string
	// stages is the stages list in force, nil when it comes from elsewhere.
	stages     *yaml.Node
	stagesFile string
}

// scopeOf builds the scope of f, once per file. It is cached on the
// repository, not on the file: building it reads other files' configs
// (File.Cached), and File.Cached holds the file's lock while it computes, so
// two files including each other would deadlock.
func scopeOf(repo *lint.Repo, f *lint.File, c *config) *scope {
	return repo.Cached("gitlabci.scope:"+f.Path, func() any { return buildScope(repo, f, c) }).(*scope)
}

func buildScope(repo *lint.Repo, f *lint.File, c *config) *scope {
	s := &scope{defs: map[string][]def{}}
	for _, inc := range includesOf(c.root) {
		s.includeText = append(s.includeText, inc.text)
		if inc.local == "" {
			s.open, s.foreign = true, true
			continue
		}
		files := localFiles(repo, inc.local)
		if len(files) == 0 {
			s.open = true
			continue
		}
		for _, lf := range files {
			if lf.Path == f.Path {
				continue
			}
			lc := configOf(lf)
			if lc.root == nil {
				s.open = true
				continue
			}
			for _, nested := range includesOf(lc.root) {
				s.open = true
				if nested.local == "" {
					s.foreign = true
				}
			}
			for _, j := range lc.jobs {
				s.defs[j.name] = append(s.defs[j.name], def{value: j.value, file: lf.Path})
			}
			if st := lint.Field(lc.root, "stages"); st != nil {
				s.stages, s.stagesFile = st, lf.Path
			}
		}
	}
	for _, j := range c.jobs {
		s.defs[j.name] = append(s.defs[j.name], def{value: j.value, file: f.Path})
	}
	if st := lint.Field(c.root, "stages"); st != nil {
		s.stages, s.stagesFile = st, f.Path
	}
	return s
}

// include is one entry of include.
type include struct {
	// local is the path of a local include, "" for any other kind.
	local string
	// text is every string of the entry, for matching.
	text string
}

// includesOf reads the include keyword: a string, a mapping, or a list of them.
func includesOf(root *yaml.Node) []include {
	n := lint.Deref(lint.Field(root, "include"))
	if n == nil {
		return nil
	}
	items := []*yaml.Node{n}
	if n.Kind == yaml.SequenceNode {
		items = n.Content
	}
	var out []include
	for _, item := range items {
		item = lint.Deref(item)
		if item == nil {
			continue
		}
		switch item.Kind {
		case yaml.ScalarNode:
			v := strings.TrimSpace(item.Value)
			inc := include{text: v}
			if !strings.Contains(v, "://") {
				inc.local = v
			}
			out = append(out, inc)
		case yaml.MappingNode:
			var texts []string
			for _, k := range []string{"local", "project", "file", "remote", "template", "component"} {
				texts = append(texts, stringsOf(lint.Field(item, k))...)
			}
			inc := include{text: strings.Join(texts, " ")}
			if l := stringsOf(lint.Field(item, "local")); len(l) == 1 {
				inc.local = strings.TrimSpace(l[0])
			}
			out = append(out, inc)
		}
	}
	return out
}

// localFiles returns the walked files a local include names (with * globs).
func localFiles(repo *lint.Repo, p string) []*lint.File {
	p = strings.TrimLeft(p, "/")
	if p == "" || strings.Contains(p, "$") || strings.Contains(p, "**") {
		return nil
	}
	if !strings.ContainsAny(p, "*?[") {
		if f, ok := repo.File(p); ok {
			return []*lint.File{f}
		}
		return nil
	}
	var out []*lint.File
	for _, f := range repo.Files() {
		if ok, _ := path.Match(p, f.Path); ok {
			out = append(out, f)
		}
	}
	return out
}

// extendsOf returns the names a definition extends.
func extendsOf(m *yaml.Node) []string {
	return stringsOf(lint.Field(m, "extends"))
}

// provides reports whether the job (or a template it extends) has one of
// keys; unknown is true when an extended definition cannot be read here.
func (s *scope) provides(name string, keys []string, seen map[string]bool) (found, unknown bool) {
	if seen[name] {
		return false, false
	}
	seen[name] = true
	defs := s.defs[name]
	if len(defs) == 0 {
		return false, true
	}
	for _, d := range defs {
		for _, k := range keys {
			if lint.Field(d.value, k) != nil {
				return true, false
			}
		}
	}
	for _, d := range defs {
		for _, e := range extendsOf(d.value) {
			f, u := s.provides(e, keys, seen)
			if f {
				return true, false
			}
			unknown = unknown || u
		}
	}
	return false, unknown
}

// stageOf returns the stage node in force for a job, following extends (the
// job's own keys win, then the last extended template); nil with unknown
// false means the default stage, test.
func (s *scope) stageOf(name string, seen map[string]bool) (node *yaml.Node, file string, unknown bool) {
	defs := s.defs[name]
	if len(defs) == 0 {
		return nil, "", true
	}
	if seen[name] {
		return nil, "", false
	}
	seen[name] = true
	for i := len(defs) - 1; i >= 0; i-- {
		if st := lint.Field(defs[i].value, "stage"); st != nil {
			return st, defs[i].file, false
		}
	}
	for i := len(defs) - 1; i >= 0; i-- {
		ext := extendsOf(defs[i].value)
		if len(ext) == 0 {
			continue
		}
		for j := len(ext) - 1; j >= 0; j-- {
			if n, file, u := s.stageOf(ext[j], seen); n != nil || u {
				return n, file, u
			}
		}
		break
	}
	return nil, "", s.open
}

// scripts returns the script and before_script lines of a job and of the
// templates it extends, with !reference tags resolved.
func (s *scope) scripts(name string, seen map[string]bool) []string {
	if seen[name] {
		return nil
	}
	seen[name] = true
	var out []string
	for _, d := range s.defs[name] {
		for _, k := range []string{"script", "before_script"} {
			out = append(out, s.lines(lint.Field(d.value, k), 0, map[*yaml.Node]bool{})...)
		}
		for _, e := range extendsOf(d.value) {
			out = append(out, s.scripts(e, seen)...)
		}
	}
	return out
}

// lines flattens a script, resolving !reference [job, key, ...].
func (s *scope) lines(n *yaml.Node, depth int, seen map[*yaml.Node]bool) []string {
	n = lint.Deref(n)
	if n == nil || depth > 8 || seen[n] {
		return nil
	}
	seen[n] = true
	if n.Tag == "!reference" && n.Kind == yaml.SequenceNode {
		path := stringsOf(n)
		if len(path) < 2 {
			return nil
		}
		var out []string
		for _, d := range s.defs[path[0]] {
			v := d.value
			for _, k := range path[1:] {
				v = lint.Field(v, k)
			}
			out = append(out, s.lines(v, depth+1, seen)...)
		}
		return out
	}
	switch n.Kind {
	case yaml.ScalarNode:
		return []string{n.Value}
	case yaml.SequenceNode:
		var out []string
		for _, item := range n.Content {
			out = append(out, s.lines(item, depth+1, seen)...)
		}
		return out
	}
	return nil
}
