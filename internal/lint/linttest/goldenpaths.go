package linttest

import (
	"context"

	"github.com/platform-team/platform/internal/catalog"
	"github.com/platform-team/platform/internal/scaffold"
	"github.com/platform-team/platform/templates"
)

// Service is a rendered template: its name with the variant, and its files.
type Service struct {
	Name  string
	Files map[string]string
}

// GoldenPaths renders every embedded template as `platform new service` would
// (with its catalog-info.yaml), once with only a name and an owner and, for a
// template with a database parameter, once more with database=postgres.
func GoldenPaths() ([]Service, error) {
	list, err := (&scaffold.Resolver{Embedded: templates.FS}).EmbeddedTemplates()
	if err != nil {
		return nil, err
	}
	var out []Service
	for _, tmpl := range list {
		variants := []scaffold.Inputs{{Name: "payments", Owner: "group:payments"}}
		if tmpl.Manifest.Parameter("database") != nil {
			variants = append(variants, scaffold.Inputs{Name: "orders", Owner: "group:orders", System: "checkout", Sets: []string{"database=postgres"}})
		}
		for _, in := range variants {
			files, err := render(tmpl, in)
			if err != nil {
				return nil, err
			}
			out = append(out, Service{Name: tmpl.Name() + "/" + in.Name, Files: files})
		}
	}
	return out, nil
}

func render(tmpl *scaffold.Template, in scaffold.Inputs) (map[string]string, error) {
	values, err := scaffold.Collect(tmpl.Manifest, in)
	if err != nil {
		return nil, err
	}
	plan, err := scaffold.Render(context.Background(), tmpl, values, scaffold.RenderOptions{PlatformVersion: "test"})
	if err != nil {
		return nil, err
	}
	files := map[string]string{}
	for _, f := range plan.Files {
		files[f.Path] = string(f.Data)
	}
	entities, err := scaffold.CatalogEntities(context.Background(), tmpl, values, "test", scaffold.CatalogOptions{AnnotationPrefix: Settings.AnnotationPrefix, TechDocs: true})
	if err != nil {
		return nil, err
	}
	data, err := catalog.Marshal(entities...)
	if err != nil {
		return nil, err
	}
	files[scaffold.CatalogFile] = string(data)
	return files, nil
}
