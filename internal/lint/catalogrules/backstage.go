package catalogrules

import (
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/platform-team/platform/internal/catalog"
	"github.com/platform-team/platform/internal/lint"
)

// The IDs of the rules that mirror the Backstage catalog.
const (
	idYAML              = "catalog/yaml"
	idEnvelope          = "catalog/envelope"
	idMetadata          = "catalog/metadata"
	idLabelsAnnotations = "catalog/labels-annotations"
	idTagsLinks         = "catalog/tags-links"
	idSpec              = "catalog/spec"
	idEntityRef         = "catalog/entity-ref"
)

// Messages of catalog.Validate that decide the rule regardless of the field.
// TestClassifyFollowsValidateMessages fails when catalog changes them.
const (
	msgInvalidYAML  = "invalid YAML: "
	msgDuplicateKey = "duplicate key "
	msgRootField    = "unknown root field "
	msgEntityRef    = "the catalog cannot relate this entity: "
)

// Classify returns the ID of the rule that reports a problem of
// catalog.Validate. Every problem maps to exactly one rule:
//
//	catalog/yaml                syntax errors and duplicate keys: the document cannot be read
//	catalog/entity-ref          a reference the catalog cannot parse ([kind:][namespace/]name)
//	catalog/envelope            the document itself, apiVersion, kind, metadata and spec
//	                            as a whole, unknown root fields
//	catalog/labels-annotations  metadata.labels, metadata.annotations
//	catalog/tags-links          metadata.tags, metadata.links
//	catalog/metadata            every other metadata.* field (name, namespace, title, ...)
//	catalog/spec                every other spec.* field: the schema of the kind
func Classify(p catalog.Problem) string {
	field, msg := p.Field, p.Message
	switch {
	case strings.HasPrefix(msg, msgInvalidYAML), strings.HasPrefix(msg, msgDuplicateKey):
		return idYAML
	case strings.HasPrefix(msg, msgEntityRef):
		return idEntityRef
	case strings.HasPrefix(msg, msgRootField):
		return idEnvelope
	case under(field, "metadata.labels"), under(field, "metadata.annotations"):
		return idLabelsAnnotations
	case under(field, "metadata.tags"), under(field, "metadata.links"):
		return idTagsLinks
	case strings.HasPrefix(field, "metadata.") || strings.HasPrefix(field, "metadata["):
		return idMetadata
	case strings.HasPrefix(field, "spec.") || strings.HasPrefix(field, "spec["):
		return idSpec
	default:
		// "", apiVersion, kind, metadata, spec.
		return idEnvelope
	}
}

// under reports whether a field path is prefix or inside it.
func under(field, prefix string) bool {
	rest, ok := strings.CutPrefix(field, prefix)
	return ok && (rest == "" || rest[0] == '.' || rest[0] == '[')
}

// problems returns the file's problems grouped by rule ID, computed once per file.
func problems(repo *lint.Repo, f *lint.File) map[string][]catalog.Problem {
	return f.Cached("catalogrules.problems", func() any {
		byRule := map[string][]catalog.Problem{}
		for _, p := range (catalog.Options{Kinds: repo.Settings.CatalogKinds}).Validate(f.Data) {
			id := Classify(p)
			byRule[id] = append(byRule[id], p)
		}
		return byRule
	}).(map[string][]catalog.Problem)
}

// problemRule reports the problems Classify assigns to its ID.
func problemRule(meta lint.Meta, hint func(catalog.Problem) string) lint.Rule {
	return lint.NewFileRule(meta, isCatalogFile, func(repo *lint.Repo, f *lint.File, r *lint.Reporter) {
		for _, p := range problems(repo, f)[meta.ID] {
			msg := p.Message
			// Say which field, unless the message starts by naming it.
			if p.Field != "" && !strings.HasPrefix(msg, p.Field+" ") && !strings.HasPrefix(msg, msgRootField) {
				msg = p.Field + ": " + msg
			}
			h := hint(p)
			if merged(f, p) {
				h = "the catalog does not apply YAML merge keys (<<): write " + p.Field + " in the mapping itself"
			}
			r.Report(f.Path, p.Line, p.Column, msg, h)
		}
	})
}

// merged reports whether a required field the catalog misses is there through
// a merge key: the catalog reads YAML 1.2, where << is a plain key, while the
// policy rules (and Kubernetes, GitLab, MkDocs) read merge keys.
func merged(f *lint.File, p catalog.Problem) bool {
	if p.Message != "is required" || p.Field == "" || strings.ContainsAny(p.Field, "[]") {
		return false
	}
	var doc *yaml.Node
	for _, e := range entities(f) {
		if e.doc.Line <= p.Line {
			doc = e.doc
		}
	}
	keys := strings.Split(p.Field, ".")
	parent := lint.Lookup(doc, keys[:len(keys)-1]...)
	last := keys[len(keys)-1]
	return parent != nil && lint.KeyNode(parent, last) == nil && lint.Lookup(parent, last) != nil
}

func constHint(s string) func(catalog.Problem) string {
	return func(catalog.Problem) string { return s }
}

// goodComponent is a Component the catalog accepts and policy is happy with.
const goodComponent = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payments-api
  description: Takes payments.
  annotations:
    backstage.io/source-template: template:default/go-service
  tags: [go, golden-path]
spec:
  type: service
  lifecycle: production
  owner: group:payments
`

var good = map[string]string{"catalog-info.yaml": goodComponent}

var ruleYAML = problemRule(lint.Meta{
	ID:       idYAML,
	Severity: lint.SeverityError,
	Summary:  "catalog-info.yaml documents must be valid YAML without duplicate keys",
	Doc: `The catalog parses each document of catalog-info.yaml on its own. A document
with a syntax error, or with a key repeated in one mapping ("Map keys must be
unique"), is rejected as a whole: the entity disappears from Backstage, or never
appears, and the error is only visible in the catalog's processing log.

Fix the syntax at the reported line; for a duplicate key, keep one of the two.`,
	Bad: map[string]string{"catalog-info.yaml": `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: [payments-api
spec:
  type: service
`},
	Good: good,
}, func(p catalog.Problem) string {
	if strings.HasPrefix(p.Message, msgDuplicateKey) {
		return "keep one of the two keys: the catalog rejects the whole document"
	}
	return "fix the syntax: the catalog skips a document it cannot parse"
})

var ruleEnvelope = problemRule(lint.Meta{
	ID:       idEnvelope,
	Severity: lint.SeverityError,
	Summary:  "every entity has apiVersion, kind, metadata and, for the built-in kinds, spec",
	Doc: `Each document is one entity: a mapping with exactly the root fields apiVersion,
kind, metadata and spec. apiVersion and kind must be plain strings in the
Kubernetes formats, and the built-in kinds need the apiVersion they are defined
for (backstage.io/v1alpha1, or scaffolder.backstage.io/v1beta3 for Template) and
a spec. Kinds are case-sensitive: "component" is not a Component. The catalog
rejects an entity that breaks any of this.

The catalog also rejects an entity of a kind no processor recognizes: the
built-in kinds are API, Component, Domain, Group, Location, Resource, System,
Template and User. When your Backstage has processors for kinds of its own,
list them in platform.yaml, and only their apiVersion, kind and metadata are
checked:

` + "```yaml\ncatalog:\n  kinds: [Workflow]\n```" + `

A catalog-info.yaml without a single entity (empty, or only comments and ---)
registers nothing, and is an error too.`,
	Bad: map[string]string{"catalog-info.yaml": `apiVersion: backstage.io/v1alpha1
kind: component
metadata:
  name: payments-api
spec:
  type: service
  lifecycle: production
  owner: group:payments
`},
	Good: good,
}, func(p catalog.Problem) string {
	switch {
	case p.Field == "kind" && strings.Contains(p.Message, catalog.MsgUnknownKind):
		return "use a kind the catalog knows; if your Backstage has its own processor for this kind, list it in platform.yaml under catalog.kinds"
	case p.Message == catalog.MsgNoEntity:
		return "describe the repository's entity (apiVersion, kind, metadata, spec), or delete the file"
	}
	return "an entity is apiVersion: backstage.io/v1alpha1, a kind such as Component, metadata with a name, and spec"
})

var ruleMetadata = problemRule(lint.Meta{
	ID:       idMetadata,
	Severity: lint.SeverityError,
	Summary:  "metadata.name, namespace, title and description have the formats the catalog requires",
	Doc: `metadata.name is required: at most 63 characters, sequences of [a-zA-Z0-9]
separated by -, _ or . (payments-api). metadata.namespace, when set, is a DNS
label (lowercase letters, digits and -). title and description are strings;
title must not be empty. The catalog rejects an entity whose metadata breaks
these rules. Labels, annotations, tags and links have their own rules.`,
	Bad: map[string]string{"catalog-info.yaml": `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: Payments API
spec:
  type: service
  lifecycle: production
  owner: group:payments
`},
	Good: good,
}, func(p catalog.Problem) string {
	switch p.Field {
	case "metadata.name":
		return "use lowercase words joined by dashes, e.g. payments-api; put the display name in metadata.title"
	case "metadata.namespace":
		return "use a DNS label such as payments, or leave namespace out for the default namespace"
	}
	return "metadata fields other than labels, annotations, tags and links are plain strings"
})

var ruleLabelsAnnotations = problemRule(lint.Meta{
	ID:       idLabelsAnnotations,
	Severity: lint.SeverityError,
	Summary:  "labels and annotations have valid keys and string values",
	Doc: `Label and annotation keys are an optional DNS-subdomain prefix and "/", then a
name of at most 63 characters ([a-zA-Z0-9] separated by -, _ or .), e.g.
backstage.io/techdocs-ref. Values must be strings: an unquoted 1234 or true is
a number or a boolean to YAML, and the catalog rejects the entity. Label values
are also limited to the name format (or empty).`,
	Bad: map[string]string{"catalog-info.yaml": `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payments-api
  annotations:
    gitlab.com/project-id: 1234
spec:
  type: service
  lifecycle: production
  owner: group:payments
`},
	Good: good,
}, constHint(`quote values that YAML would read as numbers or booleans ("1234", "true"); keys look like example.com/name`))

var ruleTagsLinks = problemRule(lint.Meta{
	ID:       idTagsLinks,
	Severity: lint.SeverityError,
	Summary:  "tags are lowercase words, links have an absolute url",
	Doc: `metadata.tags is a list of strings of at most 63 characters: sequences of
[a-z0-9:+#] separated by -, so "golden-path" and "c++" but not "Go" or
"golden path". metadata.links is a list of objects with a required absolute
url and optional non-blank title, icon (a name) and type. The catalog rejects
an entity that breaks these rules.`,
	Bad: map[string]string{"catalog-info.yaml": `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payments-api
  tags: [Go, golden path]
spec:
  type: service
  lifecycle: production
  owner: group:payments
`},
	Good: good,
}, func(p catalog.Problem) string {
	if under(p.Field, "metadata.links") {
		return "each link is {url: https://..., title: ...}; url is an absolute URL"
	}
	return "write tags in lowercase, words joined by dashes: golden-path"
})

var ruleSpec = problemRule(lint.Meta{
	ID:       idSpec,
	Severity: lint.SeverityError,
	Summary:  "the spec has the fields the kind's schema requires, with the right types",
	Doc: `Each built-in kind has a schema for its spec. A Component needs type, lifecycle
and owner; an API also a definition; a Resource type and owner; a System and a
Domain an owner; a Group type and children (may be []); a User memberOf (may be
[]); a Template type and steps. Strings must not be empty and lists hold
strings. The catalog rejects an entity whose spec does not match.

See https://backstage.io/docs/features/software-catalog/descriptor-format.`,
	Bad: map[string]string{"catalog-info.yaml": `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payments-api
spec:
  type: service
  owner: group:payments
`},
	Good: good,
}, constHint("see the kind's spec in https://backstage.io/docs/features/software-catalog/descriptor-format"))

var ruleEntityRef = problemRule(lint.Meta{
	ID:       idEntityRef,
	Severity: lint.SeverityError,
	Summary:  "entity references in the spec parse as [kind:][namespace/]name",
	Doc: `References such as spec.owner, spec.system or spec.dependsOn are parsed when the
catalog relates entities, and an unparsable one fails the entity. A reference
is [kind:][namespace/]name. Fields with a default kind may leave the kind out
(owner defaults to Group, system to System, providesApis to API), but
dependsOn and dependencyOf have none: write resource:payments-db or
component:checkout, not payments-db.`,
	Bad: map[string]string{"catalog-info.yaml": `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payments-api
spec:
  type: service
  lifecycle: production
  owner: group:payments
  dependsOn: [payments-db]
`},
	Good: good,
}, constHint("write references as [kind:][namespace/]name, e.g. group:payments or resource:default/payments-db"))
