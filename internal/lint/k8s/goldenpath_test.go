package k8s_test

import (
	"context"
	"strings"
	"testing"

	"github.com/platform-team/platform/internal/lint"
	"github.com/platform-team/platform/internal/lint/k8s"
	"github.com/platform-team/platform/internal/lint/linttest"
	"github.com/platform-team/platform/internal/scaffold"
	"github.com/platform-team/platform/templates"
)

// Every embedded template renders into a repository that the family finds
// clean: the golden path is the example teams copy.
func TestEmbeddedTemplatesAreClean(t *testing.T) {
	resolver := &scaffold.Resolver{Embedded: templates.FS}
	tmpls, err := resolver.EmbeddedTemplates()
	if err != nil {
		t.Fatal(err)
	}
	if len(tmpls) == 0 {
		t.Fatal("no embedded templates")
	}
	for _, tmpl := range tmpls {
		variants := [][]string{nil}
		if tmpl.Manifest.Parameter("database") != nil {
			variants = append(variants, []string{"database=postgres"})
		}
		for _, sets := range variants {
			name := tmpl.Name()
			if sets != nil {
				name += "/" + strings.Join(sets, ",")
			}
			t.Run(name, func(t *testing.T) {
				values, err := scaffold.Collect(tmpl.Manifest, scaffold.Inputs{Name: "payments", Owner: "group:payments", Sets: sets})
				if err != nil {
					t.Fatal(err)
				}
				plan, err := scaffold.Render(context.Background(), tmpl, values, scaffold.RenderOptions{PlatformVersion: "test"})
				if err != nil {
					t.Fatal(err)
				}
				files := map[string]string{}
				manifests := 0
				for _, f := range plan.Files {
					files[f.Path] = string(f.Data)
					if !strings.HasPrefix(f.Path, "deploy/") {
						continue
					}
					// Every rendered manifest is one the family checks.
					manifests++
					for _, r := range k8s.Rules() {
						if !r.Applies(lint.NewFile(f.Path, f.Data)) {
							t.Errorf("%s does not apply to %s", r.Meta().ID, f.Path)
						}
					}
				}
				if manifests == 0 {
					t.Fatal("the template renders no deploy/ manifests")
				}
				if got := linttest.Run(k8s.Rules(), files); len(got) > 0 {
					t.Errorf("findings on the rendered template:%s", format(got))
				}
			})
		}
	}
}
