package docs_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/platform-team/platform/internal/lint"
	"github.com/platform-team/platform/internal/lint/docs"
	"github.com/platform-team/platform/internal/lint/gitlabci"
	"github.com/platform-team/platform/internal/lint/linttest"
	"github.com/platform-team/platform/internal/lint/secrets"
)

// TestEmbeddedTemplatesAreClean lints every rendered embedded template with the
// docs, secrets and gitlab-ci families: a new service starts with no finding of them.
func TestEmbeddedTemplatesAreClean(t *testing.T) {
	services, err := linttest.GoldenPaths()
	if err != nil {
		t.Fatal(err)
	}
	rules := slices.Concat(docs.Rules(), secrets.Rules(), gitlabci.Rules())
	for _, svc := range services {
		t.Run(svc.Name, func(t *testing.T) {
			for _, want := range []string{"README.md", "mkdocs.yml", "docs/index.md", ".gitlab-ci.yml"} {
				if _, ok := svc.Files[want]; !ok {
					t.Errorf("the rendered template lacks %s: the test would not lint it", want)
				}
			}
			for _, f := range linttest.Run(rules, svc.Files) {
				t.Errorf("%s", format(f))
			}
		})
	}
}

func format(f lint.Finding) string {
	return fmt.Sprintf("%s:%d:%d: %s: %s (hint: %s)", f.Path, f.Line, f.Column, f.Rule, f.Message, f.Hint)
}
