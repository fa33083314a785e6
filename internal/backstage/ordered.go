package backstage

import (
	"encoding/json"
	"errors"
	"io"
	"math"
	"strings"

	"github.com/platform-team/platform/internal/nunjucks"
	"go.yaml.in/yaml/v3"
)

// Backstage passes step inputs and values through JSON, which keeps the
// keys of an object in the order they were written: ${{ values | dump }}
// and {% for k, v in values.x %} see that order. Step inputs and the output
// are therefore read from template.yaml as *nunjucks.Object (ordered), and
// a single expression's JSON is parsed back into ordered objects.

// orderedSpec reads the step inputs and the output of template.yaml with
// their key order: inputs[i] is step i's input (nil when it has none).
func orderedSpec(data []byte) (inputs, each []any, output any, err error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, nil, nil, err
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, nil, nil, errors.New("empty document")
	}
	spec := mapValue(doc.Content[0], "spec")
	if spec == nil {
		return nil, nil, nil, nil
	}
	if steps := mapValue(spec, "steps"); steps != nil && steps.Kind == yaml.SequenceNode {
		for _, s := range steps.Content {
			var in any
			if n := mapValue(s, "input"); n != nil {
				if in, err = fromYAML(n); err != nil {
					return nil, nil, nil, err
				}
			}
			inputs = append(inputs, in)
			var e any
			if n := mapValue(s, "each"); n != nil {
				if e, err = fromYAML(n); err != nil {
					return nil, nil, nil, err
				}
			}
			each = append(each, e)
		}
	}
	if n := mapValue(spec, "output"); n != nil {
		if output, err = fromYAML(n); err != nil {
			return nil, nil, nil, err
		}
	}
	return inputs, each, output, nil
}

// mapValue is the value of key in a mapping node, nil if absent.
func mapValue(n *yaml.Node, key string) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// fromYAML converts a node to plain values with ordered objects. A mapping
// with a merge key (<<) is decoded by yaml itself, unordered.
func fromYAML(n *yaml.Node) (any, error) {
	switch n.Kind {
	case yaml.AliasNode:
		return fromYAML(n.Alias)
	case yaml.MappingNode:
		obj := nunjucks.NewObject()
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == "<<" && n.Content[i].Tag == "!!merge" {
				var m map[string]any
				if err := n.Decode(&m); err != nil {
					return nil, err
				}
				return m, nil
			}
			v, err := fromYAML(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			obj.Set(n.Content[i].Value, v)
		}
		return obj, nil
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := fromYAML(c)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	}
	var v any
	if err := n.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// parseJSON is JSON.parse: objects keep their key order (*nunjucks.Object),
// whole numbers become ints.
func parseJSON(s string) (any, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	v, err := decodeJSON(dec, 0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("trailing data")
	}
	return v, nil
}

// maxJSONDepth bounds the nesting parseJSON accepts (deeper: an error, and
// the string is rendered as text).
const maxJSONDepth = 512

func decodeJSON(dec *json.Decoder, depth int) (any, error) {
	if depth > maxJSONDepth {
		return nil, errors.New("JSON nested too deeply")
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			obj := nunjucks.NewObject()
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k, _ := kt.(string)
				v, err := decodeJSON(dec, depth+1)
				if err != nil {
					return nil, err
				}
				obj.Set(k, v)
			}
			_, err := dec.Token()
			return obj, err
		case '[':
			out := []any{}
			for dec.More() {
				v, err := decodeJSON(dec, depth+1)
				if err != nil {
					return nil, err
				}
				out = append(out, v)
			}
			_, err := dec.Token()
			return out, err
		}
		return nil, errors.New("unexpected delimiter")
	case json.Number:
		if i, err := t.Int64(); err == nil {
			return int(i), nil
		}
		f, err := t.Float64()
		if err != nil {
			return nil, err
		}
		if f == math.Trunc(f) && math.Abs(f) < 1<<53 {
			return int(f), nil
		}
		return f, nil
	}
	return tok, nil
}

// toPlain converts ordered objects to map[string]any, recursively, for
// callers and JSON.
func toPlain(v any) any {
	switch x := v.(type) {
	case *nunjucks.Object:
		out := make(map[string]any, x.Len())
		for _, k := range x.Keys() {
			e, _ := x.Get(k)
			out[k] = toPlain(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = toPlain(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = toPlain(e)
		}
		return out
	}
	return v
}

// field is obj[key] for either kind of object.
func field(obj any, key string) (any, bool) {
	switch x := obj.(type) {
	case *nunjucks.Object:
		return x.Get(key)
	case map[string]any:
		v, ok := x[key]
		return v, ok
	}
	return nil, false
}

// isObject reports whether v is an object of either kind.
func isObject(v any) bool {
	switch v.(type) {
	case *nunjucks.Object, map[string]any:
		return true
	}
	return false
}
