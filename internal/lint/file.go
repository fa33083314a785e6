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

	mu    sync.Mutex
	cache map[string]any
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
	if v, ok := f.cache[key]; ok {
		return v
	}
	if f.cache == nil {
		f.cache = map[string]any{}
	}
	v := parse()
	f.cache[key] = v
	return v
}

// Lookup follows a path of mapping keys from a YAML node, through aliases, and
// returns the value node, or nil when any key is missing or a node is not a mapping.
func Lookup(n *yaml.Node, keys ...string) *yaml.Node {
	n = Deref(n)
	for _, k := range keys {
		if n == nil || n.Kind != yaml.MappingNode {
			return nil
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == k {
				next = n.Content[i+1]
				break
			}
		}
		n = Deref(next)
	}
	return n
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

// KeyNode returns the key node of key in mapping n (for the line of a field), or nil.
func KeyNode(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i]
		}
	}
	return nil
}
