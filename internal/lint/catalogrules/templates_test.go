package catalogrules

import (
	"context"
	"testing"

	"github.com/platform-team/platform/internal/catalog"
	"github.com/platform-team/platform/internal/config"
	"github.com/platform-team/platform/internal/lint"
	"github.com/platform-team/platform/internal/lint/linttest"
	"github.com/platform-team/platform/internal/scaffold"
	"github.com/platform-team/platform/templates"
)

// TestEmbeddedTemplatesAreClean renders every embedded template and lints the
// result with the whole family: what the golden and silver paths generate
// must not earn a finding, not even a warning. The catalog-info.yaml is built
// as 'platform new service' builds it (scaffold.CatalogEntities, then
// catalog.Marshal), next to the rendered files, so techdocs-ref sees the docs.
func TestEmbeddedTemplatesAreClean(t *testing.T) {
	list, err := (&scaffold.Resolver{Embedded: templates.FS}).EmbeddedTemplates()
	if err != nil {
		t.Fatal(err)
	}
	if len(list) == 0 {
		t.Fatal("no embedded templates")
	}
	for _, tmpl := range list {
		variants := []scaffold.Inputs{{Name: "payments", Owner: "group:payments"}}
		if tmpl.Manifest.Parameter("database") != nil {
			variants = append(variants, scaffold.Inputs{Name: "orders", Owner: "orders", System: "checkout", Sets: []string{"database=postgres"}})
		}
		for _, in := range variants {
			t.Run(tmpl.Name()+"/"+in.Name, func(t *testing.T) {
				values, err := scaffold.Collect(tmpl.Manifest, in)
				if err != nil {
					t.Fatal(err)
				}
				plan, err := scaffold.Render(context.Background(), tmpl, values, scaffold.RenderOptions{PlatformVersion: "test"})
				if err != nil {
					t.Fatal(err)
				}
				_, hasDocs := plan.Lookup("mkdocs.yml")
				project := "payments/" + in.Name
				// With and without the project slug 'platform catalog init' adds
				// when the git remote is known.
				for _, extra := range []map[string]string{nil, {catalog.AnnotationProjectSlug: project}} {
					entities, err := scaffold.CatalogEntities(context.Background(), tmpl, values, "test", scaffold.CatalogOptions{
						AnnotationPrefix: config.DefaultAnnotationPrefix,
						TechDocs:         hasDocs,
						Annotations:      extra,
					})
					if err != nil {
						t.Fatal(err)
					}
					data, err := catalog.Marshal(entities...)
					if err != nil {
						t.Fatal(err)
					}
					files := map[string]string{scaffold.CatalogFile: string(data)}
					for _, f := range plan.Files {
						files[f.Path] = string(f.Data)
					}
					settings := linttest.Settings
					settings.GitLabProject = project
					for _, s := range []lint.Settings{linttest.Settings, settings} {
						for _, f := range linttest.RunWith(s, Rules(), files) {
							t.Errorf("%s:%d:%d: %s: %s (%s)\n%s", f.Path, f.Line, f.Column, f.Severity, f.Message, f.Rule, data)
						}
					}
				}
			})
		}
	}
}
