// Package catalogrules is the catalog/* rule family of `platform lint`: it
// checks every catalog-info.yaml (and catalog-info.yml) of a tree.
//
// Two kinds of rules live here. The error rules report exactly what the
// Backstage catalog would reject when it ingests the file: they split the
// problems of catalog.Validate by the part of the entity they concern, so that
// each problem lands in exactly one rule. The other rules are the
// organisation's policy (owners are groups, known lifecycles, TechDocs wired
// up, the GitLab project annotated correctly): the catalog accepts such
// entities, so they are warnings that platform.yaml can tune.
package catalogrules

import (
	"path"
	"slices"

	"go.yaml.in/yaml/v3"

	"github.com/platform-team/platform/internal/catalog"
	"github.com/platform-team/platform/internal/lint"
)

// FileNames are the names the catalog's discovery looks for and the rules apply to.
var FileNames = []string{"catalog-info.yaml", "catalog-info.yml"}

// Rules returns every rule of the family, sorted by ID.
func Rules() []lint.Rule {
	return lint.Sorted(
		ruleYAML, ruleEnvelope, ruleMetadata, ruleLabelsAnnotations, ruleTagsLinks, ruleSpec, ruleEntityRef,
		ruleOwnerGroup, ruleLifecycle, ruleTechDocsRef, ruleProjectSlug, ruleSourceTemplate,
	)
}

// isCatalogFile reports whether f is a catalog descriptor by its name.
func isCatalogFile(f *lint.File) bool {
	return slices.Contains(FileNames, path.Base(f.Path))
}

// entity is one document of a catalog file, as the policy rules see it.
type entity struct {
	doc       *yaml.Node
	kind      string
	namespace string
}

// entities returns the file's documents that are mappings, parsed once per
// file and shared by the policy rules. Documents after a YAML syntax error are
// missing; catalog/yaml reports the error.
func entities(f *lint.File) []entity {
	return f.Cached("catalogrules.entities", func() any {
		docs, _ := f.YAML()
		var out []entity
		for _, doc := range docs {
			doc = lint.Deref(doc)
			if doc == nil || doc.Kind != yaml.MappingNode {
				continue
			}
			e := entity{doc: doc, namespace: catalog.DefaultNamespace}
			e.kind, _ = str(lint.Lookup(doc, "kind"))
			if ns, ok := str(lint.Lookup(doc, "metadata", "namespace")); ok && ns != "" {
				e.namespace = ns
			}
			out = append(out, e)
		}
		return out
	}).([]entity)
}

// annotation returns the value node of an annotation of e and its string value.
func (e entity) annotation(key string) (*yaml.Node, string, bool) {
	n := lint.Lookup(e.doc, "metadata", "annotations", key)
	s, ok := str(n)
	return n, s, ok
}

// str returns the value of a string scalar. Anything else (a number, a list,
// a missing node) is a type error that the error rules report, so the policy
// rules skip it. yaml.v3 tags a plain 2024-01-02 as a timestamp, which the
// catalog's YAML 1.2 parser reads as a string.
func str(n *yaml.Node) (string, bool) {
	if n == nil || n.Kind != yaml.ScalarNode || (n.Tag != "!!str" && n.Tag != "!!timestamp") {
		return "", false
	}
	return n.Value, true
}

// at returns the position of a node, or of the document when n is nil.
func at(n, doc *yaml.Node) (int, int) {
	if n == nil {
		n = doc
	}
	if n == nil {
		return 0, 0
	}
	return n.Line, n.Column
}
