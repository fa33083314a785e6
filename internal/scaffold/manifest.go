// Package scaffold turns a template (template.yaml + skeleton/) and a set of
// answers into files: it parses and checks the manifest, validates values,
// renders the skeleton hermetically into a plan, and writes the plan atomically.
// For updates it also carries what changes between template versions: release
// archives of the embedded templates' past versions (archive.go, releases.go),
// semantic-version helpers (version.go) and declarative migrations
// (migrations.go).
package scaffold

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/platform-team/platform/internal/glob"
)

// ManifestFile is the name of a template's manifest; SkeletonDir holds the files it renders.
const (
	ManifestFile = "template.yaml"
	SkeletonDir  = "skeleton"
	// ChangelogFile, beside template.yaml, is optional: platform update
	// quotes the sections of the versions it crosses.
	ChangelogFile = "CHANGELOG.md"
	APIVersion    = "platform/v1alpha1"
)

// Path kinds: the golden path is the paved road; a silver path is a documented alternative.
const (
	PathGolden = "golden"
	PathSilver = "silver"
)

// Manifest is a parsed template.yaml.
type Manifest struct {
	APIVersion string   `yaml:"apiVersion"`
	Kind       string   `yaml:"kind"`
	Metadata   Metadata `yaml:"metadata"`
	Spec       Spec     `yaml:"spec"`
}

// Metadata names and describes a template.
type Metadata struct {
	Name        string   `yaml:"name"`
	Title       string   `yaml:"title"`
	Description string   `yaml:"description"`
	Tags        []string `yaml:"tags"`
}

// Spec is what a template offers and asks.
type Spec struct {
	Path       string `yaml:"path"`
	Version    string `yaml:"version"`
	Tradeoffs  string `yaml:"tradeoffs"`
	Parameters []Page `yaml:"parameters"`
	// LeaveUnset leaves an optional parameter without a value or default
	// out of the values instead of giving it its zero value, as Backstage
	// does (a template tells undefined from empty). Set by converters of
	// other template formats; template.yaml cannot set it.
	LeaveUnset bool        `yaml:"-"`
	Catalog    CatalogSpec `yaml:"catalog"`
	Conditions []Condition `yaml:"conditions"`
	// Migrations say what a three-way merge cannot see between versions
	// (see Migration and MigrationsBetween).
	Migrations []Migration `yaml:"migrations"`
}

// Page is one page of parameters, as in Backstage software templates.
type Page struct {
	Title       string     `yaml:"title"`
	Description string     `yaml:"description"`
	Required    []string   `yaml:"required"`
	Properties  Properties `yaml:"properties"`
}

// Properties keeps the parameters of a page in the order the author wrote them.
type Properties []*Parameter

// Parameter is one value a template asks for, described by a JSON Schema subset.
type Parameter struct {
	Name        string   `yaml:"-"`
	Type        string   `yaml:"type"`
	Title       string   `yaml:"title"`
	Description string   `yaml:"description"`
	Default     any      `yaml:"default"`
	Enum        []any    `yaml:"enum"`
	Pattern     string   `yaml:"pattern"`
	MinLength   *int     `yaml:"minLength"`
	MaxLength   *int     `yaml:"maxLength"`
	Minimum     *float64 `yaml:"minimum"`
	Maximum     *float64 `yaml:"maximum"`
	Items       *Items   `yaml:"items"`
	// EnumNames label the Enum values in the wizard, one per value; the
	// values are what is stored.
	EnumNames []string `yaml:"enumNames"`
	// Secret values are asked hidden, never quoted in messages and never
	// written to the answers file.
	Secret bool `yaml:"secret"`
	// Format is a check on a string beyond its pattern: FormatEntityRef
	// or FormatRepoURL.
	Format string `yaml:"format"`
	// When makes the parameter conditional (see When).
	When *When `yaml:"when"`

	// Required is set from the page's required list.
	Required bool `yaml:"-"`
	pattern  *regexp.Regexp
}

// Items describes the elements of an array parameter: strings from an enum.
type Items struct {
	Type string   `yaml:"type"`
	Enum []string `yaml:"enum"`
}

// When makes a parameter conditional: it is active only when parameter
// Param is active and its value (given, or its default) is one of Values.
// An inactive parameter is not asked, not defaulted, not required, and a
// value given for it is dropped, as Backstage's form drops fields it does
// not show: it takes its zero value, or has none with Spec.LeaveUnset.
type When struct {
	Param  string `yaml:"param"`
	Values []any  `yaml:"values"`
}

// CatalogSpec says what the catalog-info.yaml of a generated repository holds
// beyond the Component built from the answers.
type CatalogSpec struct {
	// Type is the Component's spec.type (default "service").
	Type string `yaml:"type"`
	// Resources are extra Resource entities; each field is a template.
	Resources []CatalogResource `yaml:"resources"`
}

// CatalogResource is a Resource entity the Component depends on, written when If renders true.
type CatalogResource struct {
	Name string `yaml:"name"`
	Type string `yaml:"type"`
	If   string `yaml:"if"`
}

// Condition writes Paths (globs over output paths, ** allowed) only when If renders "true".
type Condition struct {
	Paths []string `yaml:"paths"`
	If    string   `yaml:"if"`
}

// parameterFields are the schema keywords a parameter may use.
var parameterFields = map[string]bool{
	"type": true, "title": true, "description": true, "default": true, "enum": true, "pattern": true,
	"minLength": true, "maxLength": true, "minimum": true, "maximum": true, "items": true,
	"enumNames": true, "secret": true, "format": true, "when": true,
}

// UnmarshalYAML reads a mapping of parameter name to schema, keeping its order.
func (p *Properties) UnmarshalYAML(node *yaml.Node) error {
	if node.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: properties must be a mapping of parameter name to schema", node.Line)
	}
	for i := 0; i+1 < len(node.Content); i += 2 {
		param := &Parameter{}
		// node.Decode does not inherit the decoder's KnownFields: check by hand,
		// so a typo in a parameter's schema is an error too.
		if schema := node.Content[i+1]; schema.Kind == yaml.MappingNode {
			for j := 0; j+1 < len(schema.Content); j += 2 {
				if key := schema.Content[j]; !parameterFields[key.Value] {
					return fmt.Errorf("line %d: parameter %q: field %s not found", key.Line, node.Content[i].Value, key.Value)
				}
			}
		}
		if err := node.Content[i+1].Decode(param); err != nil {
			return err
		}
		param.Name = node.Content[i].Value
		*p = append(*p, param)
	}
	return nil
}

// ParseManifest decodes and checks a template.yaml. Unknown fields are errors,
// so a typo in a template is caught by its author, not by its users.
//
// Aliases are expanded by the decoder, and yaml.v3 only bounds their ratio
// within one Decode call (each parameter is decoded by its own call), so the
// document is first parsed into nodes, which costs no more than its size, and
// refused if it would expand to more than MaxManifestNodes.
func ParseManifest(data []byte) (*Manifest, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("template.yaml: %w", err)
	}
	if n := expandedNodes(&doc, MaxManifestNodes, map[*yaml.Node]int{}, map[*yaml.Node]bool{}); n > MaxManifestNodes {
		return nil, fmt.Errorf("template.yaml: %w: more than %d YAML nodes once aliases are expanded (a manifest is a few hundred lines: are aliases nested?)", ErrTooLarge, MaxManifestNodes)
	}
	var head struct {
		APIVersion string `yaml:"apiVersion"`
		Kind       string `yaml:"kind"`
	}
	if err := doc.Decode(&head); err == nil && strings.Contains(head.APIVersion, "/") && !strings.HasPrefix(head.APIVersion, "platform/") {
		return nil, &ForeignManifestError{APIVersion: head.APIVersion, Kind: head.Kind}
	}
	m := &Manifest{}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(m); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("template.yaml is empty")
		}
		return nil, fmt.Errorf("template.yaml: %w", decodeError(err))
	}
	if errs := m.check(); len(errs) > 0 {
		return nil, fmt.Errorf("template.yaml: %w", errors.Join(errs...))
	}
	return m, nil
}

// decodeError lists yaml's unmarshal errors one per line, as check does,
// without their heading or the Go types they name.
func decodeError(err error) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) || len(te.Errors) == 0 {
		return err
	}
	errs := make([]error, len(te.Errors))
	for i, e := range te.Errors {
		errs[i] = errors.New(goTypeSuffix.ReplaceAllString(e, ""))
	}
	return errors.Join(errs...)
}

var goTypeSuffix = regexp.MustCompile(` in type \S+$`)

// ForeignManifestError is a template.yaml of another kind of template (a
// Backstage Software Template, scaffolder.backstage.io/v1beta3): callers
// that run those hand it on.
type ForeignManifestError struct {
	APIVersion, Kind string
}

func (e *ForeignManifestError) Error() string {
	return fmt.Sprintf("template.yaml: apiVersion %q, kind %q is not a platform template (want %s)", e.APIVersion, e.Kind, APIVersion)
}

// MaxManifestNodes caps the YAML nodes of a template.yaml, counting each
// alias as a copy of what it names: far above any real manifest, far below
// what would exhaust memory (a "billion laughs" alias bomb).
const MaxManifestNodes = 100_000

// expandedNodes counts the nodes under n with aliases expanded, stopping once
// the count passes limit. sizes memoises anchored nodes, so the count costs
// no more than the document's size; open guards against an alias to an
// ancestor.
func expandedNodes(n *yaml.Node, limit int, sizes map[*yaml.Node]int, open map[*yaml.Node]bool) int {
	if n == nil {
		return 0
	}
	if n.Kind == yaml.AliasNode {
		return 1 + expandedNodes(n.Alias, limit, sizes, open)
	}
	if size, ok := sizes[n]; ok {
		return size
	}
	if open[n] {
		return limit + 1
	}
	open[n] = true
	defer delete(open, n)
	size := 1
	for _, c := range n.Content {
		if size += expandedNodes(c, limit, sizes, open); size > limit {
			break
		}
	}
	if n.Anchor != "" {
		sizes[n] = size
	}
	return size
}

var (
	templateNamePattern = regexp.MustCompile(`^[a-z][a-z0-9-]*[a-z0-9]$`)
	paramNamePattern    = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)
	versionPattern      = regexp.MustCompile(`^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$`)
)

func (m *Manifest) check() []error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if m.APIVersion != APIVersion {
		add("apiVersion %q: want %s", m.APIVersion, APIVersion)
	}
	if m.Kind != "Template" {
		add("kind %q: want Template", m.Kind)
	}
	if !templateNamePattern.MatchString(m.Metadata.Name) {
		add("metadata.name %q: want lower-case letters, digits and dashes, starting with a letter", m.Metadata.Name)
	}
	switch m.Spec.Path {
	case PathGolden:
	case PathSilver:
		if strings.TrimSpace(m.Spec.Tradeoffs) == "" {
			add("spec.tradeoffs is required for a silver path: say what its users give up and when to choose it")
		}
	default:
		add("spec.path %q: want golden or silver", m.Spec.Path)
	}
	if !versionPattern.MatchString(m.Spec.Version) {
		add("spec.version %q: want a semantic version such as 1.0.0", m.Spec.Version)
	}
	errs = append(errs, m.CheckParameters()...)
	for _, required := range []string{"name", "owner"} {
		switch p := m.Parameter(required); {
		case p == nil:
			add("parameter %q is required in every template (it names the component and its owner in the catalog)", required)
		case p.Type != TypeString || !p.Required && p.Default == nil:
			add("parameter %q must be a required string (or have a default): it names the component and its owner in the catalog", required)
		}
	}
	for i, c := range m.Spec.Conditions {
		if len(c.Paths) == 0 || c.If == "" {
			add("spec.conditions[%d]: needs paths and if", i)
		}
		for _, g := range c.Paths {
			if err := glob.Check(g); err != nil {
				add("spec.conditions[%d]: %w", i, err)
			}
		}
	}
	for i, r := range m.Spec.Catalog.Resources {
		if r.Name == "" || r.Type == "" {
			add("spec.catalog.resources[%d]: needs name and type", i)
		}
	}
	errs = append(errs, m.checkMigrations()...)
	return errs
}

// CheckParameters checks the parameter pages: names unique and well formed,
// each schema valid (see Parameter), required lists naming properties of
// their page, and conditions naming another parameter without a cycle. It
// marks required parameters and normalises enums, defaults and condition
// values to each parameter's type.
func (m *Manifest) CheckParameters() []error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	seen := map[string]bool{}
	for i, page := range m.Spec.Parameters {
		onPage := map[string]bool{}
		for _, p := range page.Properties {
			if seen[p.Name] {
				add("spec.parameters[%d]: parameter %q is declared twice", i, p.Name)
			}
			seen[p.Name], onPage[p.Name] = true, true
			if !paramNamePattern.MatchString(p.Name) {
				add("parameter %q: names are letters, digits and underscores, starting with a letter", p.Name)
			}
			for _, err := range p.check() {
				add("parameter %q: %w", p.Name, err)
			}
		}
		for _, name := range page.Required {
			if !onPage[name] {
				add("spec.parameters[%d].required names %q, which is not a property of that page", i, name)
				continue
			}
			for _, p := range page.Properties {
				if p.Name == name {
					p.Required = true
				}
			}
		}
	}
	for _, p := range m.Parameters() {
		for _, err := range m.checkWhen(p) {
			add("parameter %q: %w", p.Name, err)
		}
	}
	return errs
}

// Parameters returns every parameter of every page, in order.
func (m *Manifest) Parameters() []*Parameter {
	var out []*Parameter
	for _, page := range m.Spec.Parameters {
		out = append(out, page.Properties...)
	}
	return out
}

// Parameter returns the named parameter, or nil.
func (m *Manifest) Parameter(name string) *Parameter {
	for _, p := range m.Parameters() {
		if p.Name == name {
			return p
		}
	}
	return nil
}
