package docs_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/platform-team/platform/internal/catalog"
	"github.com/platform-team/platform/internal/lint"
	"github.com/platform-team/platform/internal/lint/docs"
	"github.com/platform-team/platform/internal/lint/gitlabci"
	"github.com/platform-team/platform/internal/lint/linttest"
	"github.com/platform-team/platform/internal/lint/secrets"
	"github.com/platform-team/platform/internal/scaffold"
	"github.com/platform-team/platform/templates"
)

// TestEmbeddedTemplatesAreClean renders every embedded template, adds the
// catalog-info.yaml that 'platform new service' writes, and lints the result
// with the docs, secrets and gitlab-ci families: a new service starts with no
// finding of them.
func TestEmbeddedTemplatesAreClean(t *testing.T) {
	list, err := (&scaffold.Resolver{Embedded: templates.FS}).EmbeddedTemplates()
	if err != nil {
		t.Fatal(err)
	}
	if len(list) == 0 {
		t.Fatal("no embedded templates")
	}
	rules := slices.Concat(docs.Rules(), secrets.Rules(), gitlabci.Rules())
	for _, tmpl := range list {
		variants := []scaffold.Inputs{{Name: "payments", Owner: "group:payments"}}
		if tmpl.Manifest.Parameter("database") != nil {
			variants = append(variants, scaffold.Inputs{Name: "orders", Owner: "group:orders", Sets: []string{"database=postgres"}})
		}
		for _, in := range variants {
			t.Run(tmpl.Name()+"/"+in.Name, func(t *testing.T) {
				values, err := scaffold.Collect(tmpl.Manifest, in)
				if err != nil {
					t.Fatal(err)
				}
				plan, err := scaffold.Render(tmpl, values, "test")
				if err != nil {
					t.Fatal(err)
				}
				files := map[string]string{}
				for _, f := range plan.Files {
					files[f.Path] = string(f.Data)
				}
				entities, err := scaffold.CatalogEntities(tmpl, values, "test", scaffold.CatalogOptions{AnnotationPrefix: "platform.example.com", TechDocs: true})
				if err != nil {
					t.Fatal(err)
				}
				data, err := catalog.Marshal(entities...)
				if err != nil {
					t.Fatal(err)
				}
				files[scaffold.CatalogFile] = string(data)
				for _, want := range []string{"README.md", "mkdocs.yml", "docs/index.md", ".gitlab-ci.yml"} {
					if _, ok := files[want]; !ok {
						t.Errorf("the rendered template lacks %s: the test would not lint it", want)
					}
				}
				for _, f := range linttest.Run(rules, files) {
					t.Errorf("%s", format(f))
				}
			})
		}
	}
}

func format(f lint.Finding) string {
	return fmt.Sprintf("%s:%d:%d: %s: %s (hint: %s)", f.Path, f.Line, f.Column, f.Rule, f.Message, f.Hint)
}
