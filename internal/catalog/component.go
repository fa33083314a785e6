package catalog

import (
	"fmt"
	"strings"
)

// ComponentOptions describe the Component of an existing repository
// (`platform catalog init`).
type ComponentOptions struct {
	Name        string
	Description string
	Type        string
	Lifecycle   string
	Owner       string
	System      string
	// Project is the repository's GitLab project path, recorded as
	// gitlab.com/project-slug; "" records nothing.
	Project string
	// TechDocs wires the repository's docs up for TechDocs
	// (backstage.io/techdocs-ref: dir:.); the repository has mkdocs.yml.
	TechDocs bool
}

// InvalidError is an entity the Backstage catalog would reject.
type InvalidError struct {
	Entity   Entity
	Problems []Problem
}

func (e *InvalidError) Error() string {
	lines := make([]string, 0, len(e.Problems))
	for _, p := range e.Problems {
		lines = append(lines, fmt.Sprintf("%s: %s", p.Field, p.Message))
	}
	return "the Backstage catalog would reject this entity: " + strings.Join(lines, "; ")
}

// NewComponent builds the Component and its catalog-info.yaml, checked as
// the catalog checks it when it ingests the file: an entity it would reject
// is an *InvalidError naming every problem.
func NewComponent(opts ComponentOptions) (Entity, []byte, error) {
	annotations := map[string]string{}
	if opts.Project != "" {
		annotations[AnnotationProjectSlug] = opts.Project
	}
	if opts.TechDocs {
		annotations[AnnotationTechDocsRef] = "dir:."
	}
	e := Entity{
		Kind: "Component",
		Metadata: Metadata{
			Name:        opts.Name,
			Description: strings.TrimSpace(opts.Description),
			Annotations: annotations,
		},
		Spec: Spec{
			Type:      opts.Type,
			Lifecycle: opts.Lifecycle,
			Owner:     strings.TrimSpace(opts.Owner),
			System:    opts.System,
		},
	}
	data, err := Marshal(e)
	if err != nil {
		return e, nil, err
	}
	if problems := Validate(data); len(problems) > 0 {
		return e, nil, &InvalidError{Entity: e, Problems: problems}
	}
	return e, data, nil
}

// NameFrom makes an entity name of a directory name: lowercase letters and
// digits, every other run of characters one dash, at most 63 characters. It
// returns "" when nothing is left.
func NameFrom(dir string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(dir) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
			continue
		}
		dash = true
	}
	s := b.String()
	if len(s) > 63 {
		s = strings.TrimRight(s[:63], "-")
	}
	return s
}
