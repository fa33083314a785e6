package yamlmerge

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Options tune a merge.
type Options struct {
	// Force lists key paths, e.g. {"metadata", "annotations",
	// "platform.example.com/template-version"}, where theirs always wins,
	// in every document merged, even over a team edit: the key is set to
	// theirs' value, or deleted when theirs does not have it.
	Force [][]string
}

// Result is the outcome of a merge.
type Result struct {
	// Data is the merged file.
	Data []byte
	// Kept lists, sorted, where a template change was not applied because
	// the team changed the same thing: "Kind name: path" (or "document N:
	// path" for a document without identity, N its position), the path's
	// keys joined by dots, a key holding a dot, quote, bracket or space
	// written ["key"]; e.g. "Component demo: spec.lifecycle", or
	// "Resource demo-db" alone for a whole document.
	Kept []string
	// Changed reports whether Data differs from ours.
	Changed bool
}

// MaxSize is the largest input, in bytes, that Merge accepts: yaml.v3's
// encoder needs about 500 bytes of memory per byte it writes, and a
// catalog file is a few kilobytes.
const MaxSize = 1 << 20

// ErrTooLarge is returned (wrapped, naming the side) for an input over
// MaxSize; the caller can fall back to a line-level merge.
var ErrTooLarge = errors.New("too large for a structural merge")

// ParseError reports a side that is not valid YAML.
type ParseError struct {
	// Side is "base", "ours" or "theirs".
	Side string
	// Err is the YAML parser's error.
	Err error
}

func (e *ParseError) Error() string {
	return e.Side + ": " + strings.TrimPrefix(e.Err.Error(), "yaml: ")
}

func (e *ParseError) Unwrap() error { return e.Err }

// Merge applies the changes the template made between base and theirs to
// ours, key by key, following the rules in the package documentation.
// Data never shares memory with the arguments.
func Merge(base, ours, theirs []byte, opts Options) (Result, error) {
	for _, in := range []struct {
		side string
		data []byte
	}{{"base", base}, {"ours", ours}, {"theirs", theirs}} {
		if len(in.data) > MaxSize {
			return Result{}, fmt.Errorf("%s: %d bytes, over %d: %w", in.side, len(in.data), MaxSize, ErrTooLarge)
		}
	}
	bd, err := parse("base", base)
	if err != nil {
		return Result{}, err
	}
	od, err := parse("ours", ours)
	if err != nil {
		return Result{}, err
	}
	td, err := parse("theirs", theirs)
	if err != nil {
		return Result{}, err
	}
	if bytes.Equal(ours, base) {
		// An untouched file ends byte-identical to a fresh render.
		return Result{Data: slices.Clone(theirs), Changed: !bytes.Equal(theirs, ours)}, nil
	}
	m := newMerger(opts, (len(base)+len(ours)+len(theirs))/16)
	docs := m.stream(bd, od, td)
	res := Result{Kept: m.keptList()}
	if !m.changed {
		res.Data = slices.Clone(ours)
		return res, nil
	}
	for i, d := range docs {
		spellNulls(d, false)
		if r := (&doc{node: d}).root(); i == 0 && isEmptyNull(r) {
			r.Value = "null" // else the stream reads back empty
		}
	}
	data, err := encode(docs)
	if err != nil {
		return Result{}, err
	}
	if n := bytes.Count(ours, []byte("\n")); n > 0 && bytes.Count(ours, []byte("\r\n")) == n {
		data = bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n")) // keep ours' line endings
	}
	// The encoder is trusted with ours' untouched nodes too; make sure what
	// it wrote reads back, as what was merged, rather than hand the caller
	// a broken file.
	back, err := parse("merged result", data)
	if err != nil {
		var pe *ParseError
		errors.As(err, &pe)
		return Result{}, fmt.Errorf("merged result does not read back: %v", pe.Err)
	}
	check := newMerger(Options{}, len(data)/16) // fresh: ours' nodes were edited
	if len(back) != len(docs) {
		return Result{}, fmt.Errorf("merged result does not read back: %d documents, want %d", len(back), len(docs))
	}
	for i := range docs {
		if !check.eq(docs[i], back[i]) {
			return Result{}, fmt.Errorf("merged result does not read back: document %d differs", i+1)
		}
	}
	res.Data = data
	res.Changed = !bytes.Equal(data, ours)
	return res, nil
}

// parse reads every document of a YAML stream. yaml.v3 bounds the nesting
// depth (10000) on decode, which bounds every recursion in this package.
func parse(side string, data []byte) ([]*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var docs []*yaml.Node
	for {
		n := new(yaml.Node)
		err := dec.Decode(n)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, &ParseError{Side: side, Err: err}
		}
		docs = append(docs, n)
	}
}

// encode writes documents the way internal/catalog does: two-space indent,
// "---" between documents.
func encode(docs []*yaml.Node) ([]byte, error) {
	if len(docs) == 0 {
		return []byte{}, nil // yaml.v3 cannot close an empty stream
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	for i, d := range docs {
		if err := enc.Encode(d); err != nil {
			return nil, fmt.Errorf("encode merged document %d: %w", i+1, err)
		}
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode merged result: %w", err)
	}
	return buf.Bytes(), nil
}

// spellNulls writes "null" for the empty null scalars yaml.v3's encoder
// would write as an empty quoted string: mapping keys, and values in
// flow style.
func spellNulls(n *yaml.Node, flow bool) {
	flow = flow || n.Style&yaml.FlowStyle != 0
	for i, c := range n.Content {
		key := n.Kind == yaml.MappingNode && i%2 == 0
		if (key || flow) && isEmptyNull(c) {
			c.Value = "null"
		}
		spellNulls(c, flow)
	}
}

func isEmptyNull(n *yaml.Node) bool {
	return n != nil && n.Kind == yaml.ScalarNode && n.Value == "" && n.ShortTag() == "!!null"
}

// doc is one document of a side, with what matches it across sides.
type doc struct {
	node  *yaml.Node // the DocumentNode
	key   string     // identity key, unique within the side
	label string     // for Kept: "Kind name" or "document N"
}

// root is the document's content node, nil for an empty document.
func (d *doc) root() *yaml.Node {
	if len(d.node.Content) == 0 {
		return nil
	}
	return d.node.Content[0]
}

// index gives every document its identity: "kind name" when both are
// strings (with "#n" for the n-th repeat), else its position among the
// documents without one.
func index(nodes []*yaml.Node) ([]*doc, map[string]*doc) {
	docs := make([]*doc, len(nodes))
	byKey := make(map[string]*doc, len(nodes))
	anonymous := 0
	seen := map[string]int{}
	for i, n := range nodes {
		d := &doc{node: n}
		if kind, name, ok := identity(n); ok {
			d.label = kind + " " + name
			d.key = "id\x00" + kind + "\x00" + name
			seen[d.key]++
			if k := seen[d.key]; k > 1 {
				d.key += "\x00" + strconv.Itoa(k) // "\x00" never ends a name
			}
		} else {
			anonymous++
			d.label = "document " + strconv.Itoa(i+1)
			d.key = "pos\x00" + strconv.Itoa(anonymous)
		}
		byKey[d.key] = d
		docs[i] = d
	}
	return docs, byKey
}

// identity returns a document's kind and metadata.name when both are
// plain strings.
func identity(n *yaml.Node) (kind, name string, ok bool) {
	if len(n.Content) == 0 {
		return "", "", false
	}
	k, ok1 := stringField(n.Content[0], "kind")
	meta := field(n.Content[0], "metadata")
	if meta == nil {
		return "", "", false
	}
	nm, ok2 := stringField(meta, "name")
	return k, nm, ok1 && ok2
}

func field(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := m.Content[i]; k.Kind == yaml.ScalarNode && k.ShortTag() == "!!str" && k.Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func stringField(m *yaml.Node, key string) (string, bool) {
	v := field(m, key)
	if v == nil || v.Kind != yaml.ScalarNode || v.ShortTag() != "!!str" {
		return "", false
	}
	return v.Value, true
}

// stream merges the documents, returning ours' edited documents followed
// by those the template added.
func (m *merger) stream(base, ours, theirs []*yaml.Node) []*yaml.Node {
	_, bBy := index(base)
	oDocs, oBy := index(ours)
	tDocs, tBy := index(theirs)
	var out []*yaml.Node
	for _, o := range oDocs {
		b, t := bBy[o.key], tBy[o.key]
		switch {
		case t != nil:
			var broot *yaml.Node
			if b != nil {
				broot = b.root()
			} else if isMap(o.root()) && isMap(t.root()) {
				broot = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"} // both added: an empty base
			}
			m.label = o.label
			m.document(o.node, broot, t.root())
			out = append(out, o.node)
		case b != nil:
			// Removed by the template: gone if the team never changed it.
			if m.eq(o.root(), b.root()) && m.flags(o.node)&hasAnchor == 0 {
				m.changed = true
				continue
			}
			m.kept(o.label, nil)
			out = append(out, o.node)
		default:
			out = append(out, o.node) // the team's own document
		}
	}
	for _, t := range tDocs {
		if oBy[t.key] != nil {
			continue
		}
		if b := bBy[t.key]; b != nil {
			// Deleted by the team: stays deleted, reported when the
			// template changed it meanwhile.
			if !m.eq(b.root(), t.root()) {
				m.kept(t.label, nil)
			}
			continue
		}
		if !selfContained(t.node) {
			m.kept(t.label, nil)
			continue
		}
		out = append(out, t.node)
		m.changed = true
	}
	return out
}

// selfContained reports whether every alias in n points into n, so the
// document can be moved into another stream as it is.
func selfContained(n *yaml.Node) bool {
	inside := map[*yaml.Node]bool{}
	var aliases []*yaml.Node
	var walk func(*yaml.Node)
	walk = func(n *yaml.Node) {
		inside[n] = true
		if n.Kind == yaml.AliasNode {
			aliases = append(aliases, n)
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(n)
	for _, a := range aliases {
		if !inside[a.Alias] {
			return false
		}
	}
	return true
}

// keyPath is where a value is in its document, built as a chain so that
// going down a level costs nothing until the path is reported.
type keyPath struct {
	parent *keyPath
	key    *yaml.Node
}

// String writes the path as dotted keys, quoting (["..."]) the keys that
// would otherwise be ambiguous.
func (p *keyPath) String() string {
	var keys []string
	for ; p != nil; p = p.parent {
		keys = append(keys, keyName(p.key))
	}
	slices.Reverse(keys)
	var sb strings.Builder
	for i, k := range keys {
		if k == "" || strings.ContainsAny(k, ".[]\"' \t\n") {
			sb.WriteString("[" + strconv.Quote(k) + "]")
			continue
		}
		if i > 0 {
			sb.WriteByte('.')
		}
		sb.WriteString(k)
	}
	return sb.String()
}
