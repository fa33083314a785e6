package backstage

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// APIVersion and Kind identify a Backstage Software Template.
const (
	APIVersion = "scaffolder.backstage.io/v1beta3"
	Kind       = "Template"
	// ManifestFile is the file a template directory holds.
	ManifestFile = "template.yaml"
)

// Manifest is a v1beta3 Template entity.
type Manifest struct {
	APIVersion string   `yaml:"apiVersion"`
	Kind       string   `yaml:"kind"`
	Metadata   Metadata `yaml:"metadata"`
	Spec       Spec     `yaml:"spec"`
}

// Metadata is the entity's metadata.
type Metadata struct {
	Name        string            `yaml:"name"`
	Namespace   string            `yaml:"namespace,omitempty"`
	Title       string            `yaml:"title,omitempty"`
	Description string            `yaml:"description,omitempty"`
	Tags        []string          `yaml:"tags,omitempty"`
	Annotations map[string]string `yaml:"annotations,omitempty"`
	Labels      map[string]string `yaml:"labels,omitempty"`
}

// Spec is the template's spec.
type Spec struct {
	Owner string `yaml:"owner,omitempty"`
	Type  string `yaml:"type,omitempty"`
	// Parameters are the form's pages, in order (a single page object is
	// read as one page). Each is a JSON Schema object with Backstage's ui:
	// keys, kept as decoded YAML (map[string]any) for the parameter layer.
	Parameters []map[string]any `yaml:"-"`
	Steps      []Step           `yaml:"steps"`
	// Output is the template's output (links, text), rendered at the end.
	Output map[string]any `yaml:"output,omitempty"`

	// pageNodes are the pages as parsed, for the order the author wrote
	// the properties in (a map forgets it).
	pageNodes []*yaml.Node
}

// Step is one action of the template.
type Step struct {
	ID     string `yaml:"id"`
	Name   string `yaml:"name,omitempty"`
	Action string `yaml:"action"`
	// If is the step's condition, a template expression or a boolean.
	If any `yaml:"if,omitempty"`
	// Each repeats the step for every item of a list or member of an
	// object (a template expression or a literal), as ${{ each }}.
	Each any `yaml:"each,omitempty"`
	// Input is the action's input, as decoded YAML; its strings are
	// templates rendered before the action runs.
	Input map[string]any `yaml:"input,omitempty"`
}

// NotTemplateError is a document that is not a v1beta3 Template.
type NotTemplateError struct {
	APIVersion, Kind string
}

func (e *NotTemplateError) Error() string {
	return fmt.Sprintf("not a Backstage Software Template: apiVersion %q, kind %q (want %s, %s)", e.APIVersion, e.Kind, APIVersion, Kind)
}

// IsTemplate reports whether data is a Backstage v1beta3 Template: its
// apiVersion and kind say so. It does not check the rest.
func IsTemplate(data []byte) bool {
	var head struct {
		APIVersion string `yaml:"apiVersion"`
		Kind       string `yaml:"kind"`
	}
	if err := yaml.Unmarshal(data, &head); err != nil {
		return false
	}
	return head.APIVersion == APIVersion && head.Kind == Kind
}

// ParseManifest reads a Template entity and checks what running it needs:
// a name, steps with an id (unique) and an action, and parameters that are
// JSON Schema objects.
func ParseManifest(data []byte) (*Manifest, error) {
	var raw struct {
		APIVersion string   `yaml:"apiVersion"`
		Kind       string   `yaml:"kind"`
		Metadata   Metadata `yaml:"metadata"`
		Spec       struct {
			Owner      string         `yaml:"owner"`
			Type       string         `yaml:"type"`
			Parameters yaml.Node      `yaml:"parameters"`
			Steps      []Step         `yaml:"steps"`
			Output     map[string]any `yaml:"output"`
		} `yaml:"spec"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("%s: %w", ManifestFile, err)
	}
	m := Manifest{APIVersion: raw.APIVersion, Kind: raw.Kind, Metadata: raw.Metadata,
		Spec: Spec{Owner: raw.Spec.Owner, Type: raw.Spec.Type, Steps: raw.Spec.Steps, Output: raw.Spec.Output}}
	if m.APIVersion != APIVersion || m.Kind != Kind {
		return nil, &NotTemplateError{APIVersion: m.APIVersion, Kind: m.Kind}
	}
	var errs []error
	if strings.TrimSpace(m.Metadata.Name) == "" {
		errs = append(errs, errors.New("metadata.name is required"))
	}
	pages, err := parsePages(&raw.Spec.Parameters)
	if err != nil {
		errs = append(errs, err)
	}
	m.Spec.Parameters = pages
	m.Spec.pageNodes = pageNodes(&raw.Spec.Parameters)
	seen := map[string]bool{}
	for i, s := range m.Spec.Steps {
		where := fmt.Sprintf("spec.steps[%d]", i)
		if s.ID != "" {
			where += " (" + s.ID + ")"
		}
		switch {
		case s.Action == "":
			errs = append(errs, fmt.Errorf("%s: action is required", where))
		case s.ID != "" && seen[s.ID]:
			errs = append(errs, fmt.Errorf("%s: id %q is used twice", where, s.ID))
		}
		seen[s.ID] = true
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s: %w", ManifestFile, errors.Join(errs...))
	}
	return &m, nil
}

// parsePages reads spec.parameters: a list of page objects, or one object.
func parsePages(n *yaml.Node) ([]map[string]any, error) {
	switch n.Kind {
	case 0:
		return nil, nil
	case yaml.MappingNode:
		var page map[string]any
		if err := n.Decode(&page); err != nil {
			return nil, fmt.Errorf("spec.parameters: %w", err)
		}
		return []map[string]any{page}, nil
	case yaml.SequenceNode:
		var pages []map[string]any
		for i, item := range n.Content {
			if item.Kind != yaml.MappingNode {
				return nil, fmt.Errorf("spec.parameters[%d]: want an object (a form page), got %s", i, describeNode(item))
			}
			var page map[string]any
			if err := item.Decode(&page); err != nil {
				return nil, fmt.Errorf("spec.parameters[%d]: %w", i, err)
			}
			pages = append(pages, page)
		}
		return pages, nil
	default:
		return nil, fmt.Errorf("spec.parameters: want a list of form pages, got %s", describeNode(n))
	}
}

// pageNodes returns the nodes of the pages parsePages read.
func pageNodes(n *yaml.Node) []*yaml.Node {
	switch n.Kind {
	case yaml.MappingNode:
		return []*yaml.Node{n}
	case yaml.SequenceNode:
		return n.Content
	}
	return nil
}

func describeNode(n *yaml.Node) string {
	switch n.Kind {
	case yaml.ScalarNode:
		return "a scalar"
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "an object"
	}
	return "nothing"
}
