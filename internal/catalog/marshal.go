package catalog

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Marshal writes entities as a multi-document catalog-info.yaml: documents
// separated by "---", two-space indentation, fields in Backstage's
// conventional order, empty fields left out and map keys sorted, so the same
// input always gives the same bytes.
//
// Marshal does not validate; run Validate on its output for that. The one
// exception to "empty fields are left out" is a required list: Group
// spec.children and User spec.memberOf are written as [] when empty, because
// their schemas require them.
func Marshal(entities ...Entity) ([]byte, error) {
	if len(entities) == 0 {
		return nil, nil
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	for i, e := range entities {
		if err := enc.Encode(entityNode(e)); err != nil {
			return nil, fmt.Errorf("marshal entity %d (%s %q): %w", i, e.Kind, e.Metadata.Name, err)
		}
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("marshal entities: %w", err)
	}
	return buf.Bytes(), nil
}

// entityNode builds the document for one entity.
func entityNode(e Entity) *yaml.Node {
	apiVersion := e.APIVersion
	if apiVersion == "" {
		apiVersion = DefaultAPIVersion
	}
	root := &mapping{}
	root.str("apiVersion", apiVersion)
	root.str("kind", e.Kind)
	root.node("metadata", metadataNode(e.Metadata))
	if spec := specNode(e.Kind, e.Spec); len(spec.Content) > 0 {
		root.node("spec", spec)
	}
	return root.yaml()
}

func metadataNode(m Metadata) *yaml.Node {
	out := &mapping{}
	out.str("name", m.Name)
	out.str("namespace", m.Namespace)
	out.str("title", m.Title)
	out.str("description", m.Description)
	out.stringMap("labels", m.Labels)
	out.stringMap("annotations", m.Annotations)
	out.list("tags", m.Tags, false)
	if len(m.Links) > 0 {
		links := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		for _, l := range m.Links {
			link := &mapping{}
			link.str("url", l.URL)
			link.str("title", l.Title)
			link.str("icon", l.Icon)
			link.str("type", l.Type)
			links.Content = append(links.Content, link.yaml())
		}
		out.node("links", links)
	}
	return out.yaml()
}

func specNode(kind string, s Spec) *yaml.Node {
	out := &mapping{}
	out.str("type", s.Type)
	if p := s.Profile; p != nil {
		profile := &mapping{}
		profile.str("displayName", p.DisplayName)
		profile.str("email", p.Email)
		profile.str("picture", p.Picture)
		if len(profile.Content) > 0 {
			out.node("profile", profile.yaml())
		}
	}
	out.str("lifecycle", s.Lifecycle)
	out.str("owner", s.Owner)
	out.str("system", s.System)
	out.str("domain", s.Domain)
	out.str("subdomainOf", s.SubdomainOf)
	out.str("subcomponentOf", s.SubcomponentOf)
	out.list("providesApis", s.ProvidesAPIs, false)
	out.list("consumesApis", s.ConsumesAPIs, false)
	out.list("dependsOn", s.DependsOn, false)
	out.list("dependencyOf", s.DependencyOf, false)
	out.str("parent", s.Parent)
	out.list("children", s.Children, kind == "Group")
	out.list("members", s.Members, false)
	out.list("memberOf", s.MemberOf, kind == "User")
	if s.DefinitionRef != "" {
		ref := &mapping{}
		ref.str("$text", s.DefinitionRef)
		out.node("definition", ref.yaml())
	} else {
		out.str("definition", s.Definition)
	}
	out.str("target", s.Target)
	out.list("targets", s.Targets, false)
	out.str("presence", s.Presence)
	return out.yaml()
}

// mapping builds a block mapping, skipping empty values.
type mapping struct {
	yaml.Node
}

func (m *mapping) yaml() *yaml.Node {
	m.Kind, m.Tag = yaml.MappingNode, "!!map"
	return &m.Node
}

func (m *mapping) node(key string, value *yaml.Node) {
	m.Content = append(m.Content, stringNode(key), value)
}

func (m *mapping) str(key, value string) {
	if value != "" {
		m.node(key, stringNode(value))
	}
}

// list writes a sequence of strings; keepEmpty writes [] for an empty list.
func (m *mapping) list(key string, values []string, keepEmpty bool) {
	if len(values) == 0 && !keepEmpty {
		return
	}
	seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	if len(values) == 0 {
		seq.Style = yaml.FlowStyle
	}
	for _, v := range values {
		seq.Content = append(seq.Content, stringNode(v))
	}
	m.node(key, seq)
}

// stringMap writes a map with its keys sorted.
func (m *mapping) stringMap(key string, values map[string]string) {
	if len(values) == 0 {
		return
	}
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := &mapping{}
	for _, k := range keys {
		out.node(k, stringNode(values[k]))
	}
	m.node(key, out.yaml())
}

// stringNode is a scalar that YAML readers read back as the same string.
// yaml.v3 already quotes strings it would itself read as another type;
// quoting whatever the catalog's core-schema parser, or a YAML 1.1 parser
// (yes, no, on, off), would read as another type makes sure of it.
// Multi-line strings become literal blocks.
func stringNode(s string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
	switch {
	case strings.Contains(s, "\n"):
		n.Style = yaml.LiteralStyle
	case coreScalarType(s) != jsString || yaml11Bools[s]:
		n.Style = yaml.DoubleQuotedStyle
	}
	return n
}

// yaml11Bools are the YAML 1.1 booleans that YAML 1.2 reads as strings.
var yaml11Bools = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range []string{"y", "yes", "n", "no", "on", "off"} {
		m[w], m[strings.ToUpper(w)] = true, true
		m[strings.ToUpper(w[:1])+w[1:]] = true
	}
	return m
}()
