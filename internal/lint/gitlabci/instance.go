package gitlabci

import (
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/platform-team/platform/internal/lint"
)

// maxInstanceNodes bounds the JSON value built from one document: aliases
// can make a small file a huge tree. A larger document is not validated.
const maxInstanceNodes = 200000

// instance is a CI document as the JSON value GitLab validates, with what the
// conversion learned on the way: where !reference tags stand (GitLab resolves
// them before validating, so the schema cannot judge them) and whether the
// value grew past maxInstanceNodes.
type instance struct {
	value any
	// references are the JSON pointers of !reference values.
	references map[string]bool
	budget     int
}

// toInstance converts a document's root mapping the way GitLab reads YAML:
// aliases followed, merge keys applied (a mapping's own key wins), the last of
// duplicate keys kept, a keyword or job key with no value (null) left out as
// GitLab treats it as unspecified. Top-level keys keep a null value: a job
// that is null is an error GitLab reports.
func toInstance(root *yaml.Node) (*instance, bool) {
	in := &instance{references: map[string]bool{}, budget: maxInstanceNodes}
	in.value = in.convert(root, nil, 0)
	return in, in.budget >= 0
}

func (in *instance) convert(n *yaml.Node, loc []string, depth int) any {
	n = lint.Deref(n)
	in.budget--
	if n == nil || in.budget < 0 || depth > 64 {
		return nil
	}
	if n.Tag == "!reference" {
		in.references[pointer(loc)] = true
	}
	switch n.Kind {
	case yaml.MappingNode:
		m := map[string]any{}
		in.mapping(m, n, loc, depth, map[*yaml.Node]bool{})
		return m
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for i, item := range n.Content {
			out = append(out, in.convert(item, append(loc, strconv.Itoa(i)), depth+1))
		}
		return out
	case yaml.ScalarNode:
		return scalarValue(n)
	}
	return nil
}

// mapping adds n's keys to m: its own keys first, then those of merged
// mappings that m does not have yet.
func (in *instance) mapping(m map[string]any, n *yaml.Node, loc []string, depth int, seen map[*yaml.Node]bool) {
	if seen[n] || len(seen) >= maxMerged {
		return
	}
	seen[n] = true
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Tag == "!!merge" {
			merges = append(merges, v)
			continue
		}
		key := k.Value
		if isNull(v) && (len(loc) >= 1 || keywords[key]) {
			delete(m, key) // the last of duplicate keys wins, even a null one
			continue
		}
		m[key] = in.convert(v, append(loc, key), depth+1)
	}
	for _, src := range merges {
		for _, s := range lint.MergeSources(src) {
			if s = lint.Deref(s); s != nil && s.Kind == yaml.MappingNode {
				in.mergeMissing(m, s, loc, depth, seen)
			}
		}
	}
}

// mergeMissing adds the keys of a merged mapping that m does not have.
func (in *instance) mergeMissing(m map[string]any, src *yaml.Node, loc []string, depth int, seen map[*yaml.Node]bool) {
	merged := map[string]any{}
	in.mapping(merged, src, loc, depth, seen)
	for k, v := range merged {
		if _, ok := m[k]; !ok {
			m[k] = v
		}
	}
}

// maxMerged bounds the mappings one merge visits.
const maxMerged = 4096

func isNull(n *yaml.Node) bool {
	n = lint.Deref(n)
	return n == nil || n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// yaml11Bools are the plain scalars YAML 1.1, which GitLab's parser reads,
// takes for booleans where YAML 1.2 (yaml.v3) sees strings.
var yaml11Bools = map[string]bool{
	"yes": true, "Yes": true, "YES": true, "on": true, "On": true, "ON": true,
	"no": false, "No": false, "NO": false, "off": false, "Off": false, "OFF": false,
}

// scalarValue is a scalar as JSON: a string, number, boolean or null.
func scalarValue(n *yaml.Node) any {
	if b, ok := yaml11Bools[n.Value]; ok && n.Style == 0 && n.Tag == "!!str" {
		return b
	}
	switch n.ShortTag() {
	case "!!null":
		return nil
	case "!!bool", "!!int", "!!float":
		var v any
		if err := n.Decode(&v); err == nil {
			switch x := v.(type) {
			case int:
				return int64(x)
			case uint64:
				return float64(x)
			}
			return v
		}
	}
	return n.Value
}

// pointer is a JSON pointer of loc, the form the schema library reports.
func pointer(loc []string) string {
	var b strings.Builder
	for _, p := range loc {
		b.WriteByte('/')
		b.WriteString(strings.NewReplacer("~", "~0", "/", "~1").Replace(p))
	}
	return b.String()
}

// nodeAt finds the YAML nodes of an instance location: the value node, and
// the key node when the last step is a mapping key (nil otherwise). It
// follows aliases and merge keys as toInstance does; where the path leaves
// the document it returns the deepest node reached.
func nodeAt(root *yaml.Node, loc []string) (key, value *yaml.Node) {
	value = root
	for _, step := range loc {
		n := lint.Deref(value)
		if n == nil {
			return key, value
		}
		switch n.Kind {
		case yaml.MappingNode:
			v := lint.Field(n, step)
			if v == nil {
				return key, value
			}
			key, value = lint.KeyNode(n, step), v
		case yaml.SequenceNode:
			i, err := strconv.Atoi(step)
			if err != nil || i < 0 || i >= len(n.Content) {
				return key, value
			}
			key, value = nil, n.Content[i]
		default:
			return key, value
		}
	}
	return key, value
}
