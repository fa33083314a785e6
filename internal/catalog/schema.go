package catalog

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// field is a value inside the entity being checked, with what is needed to
// report on it.
type field struct {
	path string
	key  *yaml.Node // the mapping key naming the value; nil for items and the root
	node *yaml.Node // the value, aliases followed
}

// pos is where a problem about the field itself is reported: its key when
// it has one, so that "spec is missing owner" points at the "spec:" line.
func (f field) pos() *yaml.Node {
	if f.key != nil {
		return f.key
	}
	return f.node
}

// child returns the property name of object f, if present.
func (f field) child(name string) (field, bool) {
	e, ok := lookup(f.node, name)
	if !ok || e.value == nil {
		return field{}, false
	}
	return field{path: joinPath(f.path, name), key: e.key, node: e.value}, true
}

// item returns element i of array f.
func (f field) item(i int) (field, bool) {
	n := deref(f.node.Content[i])
	if n == nil {
		return field{}, false
	}
	return field{path: fmt.Sprintf("%s[%d]", f.path, i), node: n}, true
}

// The helpers below apply the JSON Schema keywords the catalog schemas use
// (type, minLength, required, enum). They report a problem and return false
// when the value is wrong, and also return false, silently, when the value is
// a placeholder whose content is only known after the catalog has read the
// referenced file: nothing more can be checked about it here.

// isType checks "type": want.
func (c *checker) isType(f field, want jsType) bool {
	got, _ := typeOf(f.node)
	switch {
	case got == jsDeferred:
		return false
	case got != want:
		at := f.node
		if f.key != nil && got == jsNull && f.node.Value == "" {
			at = f.key // an empty value has no position of its own worth showing
		}
		c.add(at, f.path, "must be %s %s, not %s", article(want), want, describe(f.node, got))
		return false
	}
	return true
}

// str checks "type": "string" and, when minLen1, "minLength": 1. It returns
// the string and whether its content is known (false for $text
// placeholders).
func (c *checker) str(f field, minLen1 bool) (string, bool) {
	if !c.isType(f, jsString) {
		return "", false
	}
	if _, opaque := typeOf(f.node); opaque {
		return "", false
	}
	if minLen1 && f.node.Value == "" {
		c.add(f.node, f.path, "must not be empty")
		return "", false
	}
	return f.node.Value, true
}

// required checks "required": [name] on object f.
func (c *checker) required(f field, name string) (field, bool) {
	child, ok := f.child(name)
	if !ok {
		c.add(f.pos(), joinPath(f.path, name), "is required")
	}
	return child, ok
}

// optionalString checks an optional "type": "string" property with
// "minLength": 1, as most catalog schema properties are.
func (c *checker) optionalString(f field, name string) (string, field, bool) {
	child, ok := f.child(name)
	if !ok {
		return "", field{}, false
	}
	s, known := c.str(child, true)
	return s, child, known
}

// stringArray checks "type": "array" with string items of "minLength": 1 and
// returns the items whose content is known.
func (c *checker) stringArray(f field) []field {
	if !c.isType(f, jsArray) {
		return nil
	}
	var out []field
	for i := range f.node.Content {
		item, ok := f.item(i)
		if !ok {
			continue
		}
		if _, known := c.str(item, true); known {
			out = append(out, item)
		}
	}
	return out
}

func article(t jsType) string {
	if t == jsArray || t == jsObject {
		return "an"
	}
	return "a"
}

// describe names what was found instead of the expected type.
func describe(n *yaml.Node, t jsType) string {
	if n.Kind == yaml.ScalarNode && t != jsString {
		if t == jsNull {
			return "null (is the value missing?)"
		}
		return fmt.Sprintf("%s %s (quote it to make it a string)", t, n.Value)
	}
	return article(t) + " " + t.String()
}
