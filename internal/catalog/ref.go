package catalog

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalidRef is wrapped by every error ParseRef returns.
var ErrInvalidRef = errors.New("invalid entity reference")

// ParseRef parses an entity reference of the form [kind:][namespace/]name,
// filling in defaultKind and defaultNamespace ("default" when empty) for the
// parts the reference leaves out. It mirrors parseEntityRef
// (packages/catalog-model/src/entity/ref.ts), corners included:
//
//   - a "/" before the first ":" makes the rest the name, so "ns/a:b" is
//     namespace "ns", name "a:b";
//   - only the first ":" and the first "/" split, so "a:b:c" is kind "a",
//     name "b:c", and "a:b/c/d" is name "c/d";
//   - a part that is present but empty (":x", "a:/x", "a:") is an error;
//   - a reference without a kind is an error when defaultKind is empty;
//   - nothing is trimmed or case-folded, and the parts are not checked
//     against the entity name rules.
func ParseRef(ref, defaultKind, defaultNamespace string) (kind, namespace, name string, err error) {
	if ref == "" {
		return "", "", "", fmt.Errorf("%w: must not be empty", ErrInvalidRef)
	}
	colon := strings.IndexByte(ref, ':')
	slash := strings.IndexByte(ref, '/')
	if slash >= 0 && slash < colon {
		colon = -1
	}
	kind, namespace = defaultKind, defaultNamespace
	if colon >= 0 {
		kind = ref[:colon]
	}
	if slash >= 0 {
		namespace = ref[colon+1 : slash]
	}
	name = ref[max(colon+1, slash+1):]
	if colon >= 0 && kind == "" || slash >= 0 && namespace == "" || name == "" {
		return "", "", "", fmt.Errorf("%w: %q was not on the form [<kind>:][<namespace>/]<name>", ErrInvalidRef, ref)
	}
	if namespace == "" {
		namespace = DefaultNamespace
	}
	if kind == "" {
		return "", "", "", fmt.Errorf("%w: %q had missing or empty kind (e.g. did not start with \"component:\" or similar)", ErrInvalidRef, ref)
	}
	return kind, namespace, name, nil
}

// entityRef checks a reference the way the catalog's processor will parse
// it when it emits relations (BuiltinKindsEntityProcessor.postProcessEntity
// calls parseEntityRef and a throw fails the entity). The schemas themselves
// only require a non-empty string.
func (c *checker) entityRef(f field, defaultKind, namespace string) {
	ref := f.node.Value
	if _, _, _, err := ParseRef(ref, defaultKind, namespace); err != nil {
		msg := "the catalog cannot relate this entity: " + err.Error()
		if defaultKind == "" && !strings.Contains(ref, ":") {
			msg += fmt.Sprintf("; this field has no default kind, so name it, e.g. component:%s or resource:%s", ref, ref)
		}
		c.add(f.node, f.path, "%s", msg)
	}
}
