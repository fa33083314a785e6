package catalog

import (
	"slices"
	"strings"

	"github.com/platform-team/platform/internal/textdist"
)

// rootFields are the only root fields an entity may have.
// NoForeignRootFieldsEntityPolicy
// (packages/catalog-model/src/entity/policies/NoForeignRootFieldsEntityPolicy.ts)
// allows exactly these; Entity.schema.json would also let "relations" and
// "status" through, but the policy runs too and rejects them.
var rootFields = map[string]bool{"apiVersion": true, "kind": true, "metadata": true, "spec": true}

// entity checks one entity: the envelope, the metadata and, for the kinds
// the catalog knows, the spec.
func (c *checker) entity(root field) {
	for _, e := range entries(root.node) {
		if !rootFields[e.name] {
			c.add(e.key, e.name, "unknown root field %q: an entity has only apiVersion, kind, metadata and spec", e.name)
		}
	}

	apiVersion, apiOK := c.apiVersion(root)
	kind, kindOK := c.kind(root)
	namespace := c.metadata(root)

	spec, hasSpec := root.child("spec")
	// Entity.schema.json: "spec" is optional for an unknown kind, but must
	// be an object when present.
	if hasSpec && !c.isType(spec, jsObject) {
		spec.node = nil
	}
	if !apiOK || !kindOK {
		return
	}
	rule, known := kindRules[kind]
	if !known {
		if !slices.Contains(c.kinds, kind) {
			c.unknownKind(root, kind)
		}
		return
	}
	if !rule.accepts(apiVersion) {
		at, _ := root.child("apiVersion")
		c.add(at.node, "apiVersion",
			"apiVersion %q is not one the catalog accepts for kind %s (use %s); the catalog would report that no processor recognized the entity",
			apiVersion, kind, strings.Join(rule.apiVersions, " or "))
		return
	}
	if !hasSpec {
		// The kind schemas require "spec" (e.g. Component.v1alpha1.schema.json).
		c.add(root.pos(), "spec", "is required for kind %s", kind)
		return
	}
	if spec.node == nil {
		return
	}
	c.spec(rule, spec, namespace)
}

// apiVersion checks apiVersion: a non-empty string (EntityEnvelope.schema.json,
// Entity.schema.json) in the format of isValidApiVersion
// (FieldFormatEntityPolicy).
func (c *checker) apiVersion(root field) (string, bool) {
	f, ok := c.required(root, "apiVersion")
	if !ok {
		return "", false
	}
	s, ok := c.envelopeString(f)
	if !ok {
		return "", false
	}
	if !isValidAPIVersion(s) {
		c.add(f.node, f.path, "%q is not a valid apiVersion: expected %s", s, expectAPIVersion)
		return "", false
	}
	return s, true
}

// kind checks kind: a non-empty string (EntityEnvelope.schema.json) in the
// format of isValidKind (FieldFormatEntityPolicy).
func (c *checker) kind(root field) (string, bool) {
	f, ok := c.required(root, "kind")
	if !ok {
		return "", false
	}
	s, ok := c.envelopeString(f)
	if !ok {
		return "", false
	}
	if !isValidKind(s) {
		c.add(f.node, f.path, "%q is not a valid kind: expected %s", s, expectKind)
		return "", false
	}
	return s, true
}

// envelopeString checks a string of the entity envelope. The envelope is
// validated before placeholders are resolved (validateEntityEnvelope in
// DefaultCatalogProcessingOrchestrator), so a placeholder is an error here.
func (c *checker) envelopeString(f field) (string, bool) {
	if t, opaque := typeOf(f.node); t == jsDeferred || opaque {
		c.add(f.node, f.path, "must be a plain string; placeholders are not resolved in the entity envelope")
		return "", false
	}
	return c.str(f, true)
}

// unknownKind reports a kind that is neither built in nor one of the
// installation's own (Options.Kinds): no processor recognizes the entity, so
// the catalog rejects it. Kinds are matched case-sensitively (the kind
// schemas use "enum"); a near miss names the kind it is probably meant to be.
func (c *checker) unknownKind(root field, kind string) {
	at, _ := root.child("kind")
	for _, known := range kindNames {
		if strings.EqualFold(known, kind) {
			c.add(at.node, "kind", "kind %q is not recognized; kinds are case-sensitive, did you mean %q?", kind, known)
			return
		}
	}
	for _, known := range kindNames {
		// One slip (a letter wrong, missing, extra or swapped), or two in a
		// word of the same length: "AiResource" is not a typo of Resource.
		d := textdist.Distance(strings.ToLower(known), strings.ToLower(kind), 3)
		if d <= 1 || d == 2 && len(known) == len(kind) {
			c.add(at.node, "kind", "kind %q %s; did you mean %q? (the catalog knows %s)", kind, MsgUnknownKind, known, strings.Join(kindNames, ", "))
			return
		}
	}
	c.add(at.node, "kind", "kind %q %s: no processor of the catalog accepts it (the catalog knows %s)", kind, MsgUnknownKind, strings.Join(kindNames, ", "))
}

// MsgUnknownKind follows the kind in the problem of a kind no processor recognizes.
const MsgUnknownKind = "is unknown"
