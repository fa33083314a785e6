package catalog

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// duplicateKeys finds mapping keys that repeat within one mapping. The
// catalog's YAML parser (the `yaml` npm package, uniqueKeys on by default)
// turns them into a document error ("Map keys must be unique"), and
// parseEntityYaml then drops the whole document; yaml.v3 does not check
// keys when it decodes into a Node, so the check is done here. Keys are
// compared as the parser does: by scalar value, so 1 and "1" differ while
// 1 and 1.0 do not. Aliases are not followed, so the walk is linear.
func (c *checker) duplicateKeys(n *yaml.Node, path string) {
	if n == nil {
		return
	}
	switch n.Kind {
	case yaml.DocumentNode:
		for _, child := range n.Content {
			c.duplicateKeys(child, path)
		}
	case yaml.SequenceNode:
		for i, item := range n.Content {
			c.duplicateKeys(item, fmt.Sprintf("%s[%d]", path, i))
		}
	case yaml.MappingNode:
		type keyID struct {
			t    jsType
			name string
		}
		seen := map[keyID]*yaml.Node{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			name := jsKey(k)
			childPath := joinPath(path, name)
			if rk := deref(k); rk != nil && rk.Kind == yaml.ScalarNode {
				id := keyID{scalarType(rk), name}
				if first, ok := seen[id]; ok {
					c.add(k, childPath,
						"duplicate key %q (first defined on line %d); the catalog rejects the whole document: Map keys must be unique",
						name, c.line(first))
				} else {
					seen[id] = k
				}
			}
			c.duplicateKeys(n.Content[i+1], childPath)
		}
	}
}

// joinPath appends a property name to a field path. An empty name is
// written as [""] so that it stays visible.
func joinPath(path, name string) string {
	switch {
	case name == "":
		return path + `[""]`
	case path == "":
		return name
	}
	return path + "." + name
}
