package nunjucks

import (
	"errors"
	"fmt"

	"go.yaml.in/yaml/v3"
)

// maxYAMLNodes bounds FromYAML so that aliases cannot expand a small
// document into a huge value.
const maxYAMLNodes = 250_000

// FromYAML converts a decoded YAML node to template values the way
// Backstage's YAML parser hands them to Nunjucks: mappings become *Object
// in document order, sequences []any, scalars string, int, float64, bool
// or nil. "<<" is an ordinary key (YAML 1.2 has no merge keys).
func FromYAML(n *yaml.Node) (any, error) {
	count := 0
	return fromYAML(n, 0, &count)
}

func fromYAML(n *yaml.Node, depth int, count *int) (any, error) {
	*count++
	if *count > maxYAMLNodes || depth > maxDepth {
		return nil, errors.New("YAML value too large or nested too deeply")
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return fromYAML(n.Content[0], depth+1, count)
	case yaml.AliasNode:
		return fromYAML(n.Alias, depth+1, count)
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := fromYAML(c, depth+1, count)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.MappingNode:
		o := NewObject()
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, err := fromYAML(n.Content[i], depth+1, count)
			if err != nil {
				return nil, err
			}
			v, err := fromYAML(n.Content[i+1], depth+1, count)
			if err != nil {
				return nil, err
			}
			o.Set(toStr(k), v)
		}
		return o, nil
	case yaml.ScalarNode:
		// YAML 1.2's core schema has no timestamps or binary: plain text.
		if t := n.ShortTag(); t == "!!timestamp" || t == "!!binary" {
			return n.Value, nil
		}
		var v any
		if err := n.Decode(&v); err != nil {
			return nil, fmt.Errorf("line %d: %w", n.Line, err)
		}
		return v, nil
	}
	return nil, fmt.Errorf("line %d: unsupported YAML node", n.Line)
}
