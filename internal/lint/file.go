package lint

import (
	"bytes"
	"errors"
	"io"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// File is one file under lint. Its content is read once; parsed forms are
// computed on first use and shared by every rule.
type File struct {
	// Path is slash-separated, relative to the linted root.
	Path string
	Data []byte

	yamlOnce sync.Once
	yamlDocs []*yaml.Node
	yamlErr  *SyntaxError

	mu sync.Mutex
	// cache holds the few parsed forms of the file (a file has one to three):
	// a short list costs less than a map per file.
	cache []cachedForm
}

type cachedForm struct {
	key   string
	value any
}

// NewFile returns a file with the given content, for the engine and for tests.
func NewFile(path string, data []byte) *File { return &File{Path: path, Data: data} }

// Name is the base name of the file.
func (f *File) Name() string { return path.Base(f.Path) }

// Ext is the lower-cased extension, with its dot.
func (f *File) Ext() string { return strings.ToLower(path.Ext(f.Path)) }

// IsYAML reports whether the file is YAML by its name.
func (f *File) IsYAML() bool { return f.Ext() == ".yaml" || f.Ext() == ".yml" }

// IsMarkdown reports whether the file is Markdown by its name.
func (f *File) IsMarkdown() bool { return f.Ext() == ".md" || f.Ext() == ".markdown" }

// SyntaxError is a file that does not parse, with where.
type SyntaxError struct {
	Line, Column int
	Msg          string
}

func (e *SyntaxError) Error() string { return e.Msg }

var yamlLine = regexp.MustCompile(`line (\d+)`)

// parserErrors are yaml.v3's parser (not scanner) problems. For these it
// reports the 0-based line where the unclosed construct began; scanner errors
// come 1-based. Adding one points at the construct's first line either way.
var parserErrors = []string{
	"did not find expected <document start>", "did not find expected node content",
	"did not find expected key", "did not find expected '-' indicator",
	"did not find expected ',' or", "found incompatible YAML document",
	"found duplicate %YAML directive", "found undefined tag handle",
}

func isParserError(msg string) bool {
	for _, p := range parserErrors {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

// YAML returns the file's YAML documents (the root node of each, empty
// documents skipped). Documents before a syntax error are still returned.
func (f *File) YAML() ([]*yaml.Node, *SyntaxError) {
	f.yamlOnce.Do(func() {
		dec := yaml.NewDecoder(bytes.NewReader(f.Data))
		for {
			var doc yaml.Node
			err := dec.Decode(&doc)
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				msg := strings.TrimPrefix(err.Error(), "yaml: ")
				line := 1
				if m := yamlLine.FindStringSubmatch(msg); m != nil {
					line, _ = strconv.Atoi(m[1])
					msg = strings.TrimSpace(strings.TrimPrefix(strings.Replace(msg, m[0], "", 1), ":"))
					if isParserError(msg) {
						line++
					}
				}
				f.yamlErr = &SyntaxError{Line: line, Column: 1, Msg: msg}
				return
			}
			if len(doc.Content) == 0 {
				continue
			}
			root := doc.Content[0]
			if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
				continue
			}
			f.yamlDocs = append(f.yamlDocs, root)
		}
	})
	return f.yamlDocs, f.yamlErr
}

// Cached returns the value parse computes for key, computing it once per file.
// Families use it for their own parsed forms (Markdown, Kubernetes objects).
func (f *File) Cached(key string, parse func() any) any {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, c := range f.cache {
		if c.key == key {
			return c.value
		}
	}
	v := parse()
	f.cache = append(f.cache, cachedForm{key, v})
	return v
}

// Lookup follows a path of mapping keys from a YAML node, through aliases and
// merge keys, and returns the value node (dereferenced), or nil when any key
// is missing or a node is not a mapping. Every lint family reads YAML with it,
// so a value written once under an anchor and merged (<<: *defaults) is seen
// wherever it lands, as Kubernetes, GitLab and MkDocs read it.
func Lookup(n *yaml.Node, keys ...string) *yaml.Node {
	n = Deref(n)
	for _, k := range keys {
		n = Deref(Field(n, k))
		if n == nil {
			return nil
		}
	}
	return n
}

// Field returns the value node of key in mapping m, as written (an alias is
// not followed), or nil. Merge keys (<<: *a, <<: [*a, *b]) are honoured as
// YAML 1.1 defines them: a key of the mapping itself wins over a merged one,
// and an earlier merged mapping over a later one.
func Field(m *yaml.Node, key string) *yaml.Node {
	v, merges := ownField(m, key)
	if v != nil || !merges {
		return v
	}
	// Each mapping is visited once, so merges of merges stay linear in the
	// size of the file however the anchors are nested.
	return mergedField(m, key, map[*yaml.Node]bool{})
}

// maxMerged bounds the mappings one lookup visits through merge keys.
const maxMerged = 4096

// ownField returns the value of key among m's own keys, and whether m has merge keys.
func ownField(m *yaml.Node, key string) (*yaml.Node, bool) {
	m = Deref(m)
	if m == nil || m.Kind != yaml.MappingNode {
		return nil, false
	}
	merges := false
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := m.Content[i]
		switch {
		case k.Tag == mergeTag:
			merges = true
		case k.Kind == yaml.ScalarNode && k.Value == key:
			return m.Content[i+1], merges
		}
	}
	return nil, merges
}

const mergeTag = "!!merge"

func mergedField(m *yaml.Node, key string, seen map[*yaml.Node]bool) *yaml.Node {
	m = Deref(m)
	if m == nil || m.Kind != yaml.MappingNode || seen[m] || len(seen) >= maxMerged {
		return nil
	}
	seen[m] = true
	v, merges := ownField(m, key)
	if v != nil || !merges {
		return v
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Tag != mergeTag {
			continue
		}
		for _, src := range MergeSources(m.Content[i+1]) {
			if v := mergedField(src, key, seen); v != nil {
				return v
			}
		}
	}
	return nil
}

// MergeSources returns the mappings the value of a merge key (<<) names:
// the value itself (<<: *a), or the items of a sequence (<<: [*a, *b]), in
// order, as written (aliases not followed).
func MergeSources(v *yaml.Node) []*yaml.Node {
	if d := Deref(v); d != nil && d.Kind == yaml.SequenceNode {
		return d.Content
	}
	return []*yaml.Node{v}
}

// Deref follows an alias to the node it names. Chains are bounded (yaml.v3
// refuses cycles, but a file under lint is untrusted); an unresolved one is nil.
func Deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 64; i++ {
		n = n.Alias
	}
	if n != nil && n.Kind == yaml.AliasNode {
		return nil
	}
	return n
}

// Scalar returns the value of a scalar node (through an alias).
func Scalar(n *yaml.Node) (string, bool) {
	n = Deref(n)
	if n == nil || n.Kind != yaml.ScalarNode {
		return "", false
	}
	return n.Value, true
}

// KeyNode returns the key node of key among mapping n's own keys (through an
// alias), for the line of a field, or nil.
func KeyNode(n *yaml.Node, key string) *yaml.Node {
	n = Deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; k.Kind == yaml.ScalarNode && k.Value == key && k.Tag != mergeTag {
			return k
		}
	}
	return nil
}
