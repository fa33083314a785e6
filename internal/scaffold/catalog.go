package scaffold

import (
	"context"
	"fmt"
	"strings"

	"github.com/platform-team/platform/internal/catalog"
)

// CatalogFile is the Backstage descriptor every generated repository gets.
const CatalogFile = "catalog-info.yaml"

// CatalogOptions tune the catalog entities written for a new service.
type CatalogOptions struct {
	// AnnotationPrefix is the organisation's annotation domain.
	AnnotationPrefix string
	// TechDocs adds backstage.io/techdocs-ref: dir:. (the repository has mkdocs.yml).
	TechDocs bool
	// Extra annotations, e.g. gitlab.com/project-slug when the project is known.
	Annotations map[string]string
	// Budget bounds rendering the resources' names, types and conditions.
	Budget Budget
}

// PathAnnotation records on the Component whether it came from a golden or a silver path.
func PathAnnotation(prefix string) string { return prefix + "/template-path" }

// VersionAnnotation records the template version the Component was generated from.
func VersionAnnotation(prefix string) string { return prefix + "/template-version" }

// CatalogEntities builds the Component for the answers, plus the Resources the
// template declares whose condition holds.
func CatalogEntities(ctx context.Context, t *Template, values Values, platformVersion string, opts CatalogOptions) ([]catalog.Entity, error) {
	str := func(key string) string { s, _ := values[key].(string); return s }
	annotations := map[string]string{
		catalog.AnnotationSourceTemplate:         "template:default/" + t.Name(),
		PathAnnotation(opts.AnnotationPrefix):    t.Manifest.Spec.Path,
		VersionAnnotation(opts.AnnotationPrefix): t.Manifest.Spec.Version,
	}
	if opts.TechDocs {
		annotations[catalog.AnnotationTechDocsRef] = "dir:."
	}
	for k, v := range opts.Annotations {
		annotations[k] = v
	}
	lifecycle := str("lifecycle")
	if lifecycle == "" {
		lifecycle = "experimental"
	}
	typ := t.Manifest.Spec.Catalog.Type
	if typ == "" {
		typ = "service"
	}
	component := catalog.Entity{
		APIVersion: "backstage.io/v1alpha1",
		Kind:       "Component",
		Metadata: catalog.Metadata{
			Name:        str("name"),
			Description: strings.TrimSpace(str("description")),
			Annotations: annotations,
			Tags:        t.Manifest.Metadata.Tags,
		},
		Spec: catalog.Spec{
			Type:      typ,
			Lifecycle: lifecycle,
			Owner:     str("owner"),
			System:    str("system"),
		},
	}
	r, release := newRenderer(ctx, t, values, platformVersion, opts.Budget)
	defer release()
	var resources []catalog.Entity
	for i, res := range t.Manifest.Spec.Catalog.Resources {
		field := func(f string) string { return fmt.Sprintf("%s (spec.catalog.resources[%d].%s)", ManifestFile, i, f) }
		if res.If != "" {
			ok, err := r.truth(field("if"), res.If)
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
		}
		name, err := r.execute(field("name"), res.Name)
		if err != nil {
			return nil, err
		}
		typ, err := r.execute(field("type"), res.Type)
		if err != nil {
			return nil, err
		}
		resources = append(resources, catalog.Entity{
			APIVersion: "backstage.io/v1alpha1",
			Kind:       "Resource",
			Metadata:   catalog.Metadata{Name: string(name)},
			Spec:       catalog.Spec{Type: string(typ), Owner: component.Spec.Owner, System: component.Spec.System},
		})
		component.Spec.DependsOn = append(component.Spec.DependsOn, "resource:"+string(name))
	}
	return append([]catalog.Entity{component}, resources...), nil
}
