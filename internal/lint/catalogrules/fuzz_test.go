package catalogrules

import (
	"testing"

	"github.com/platform-team/platform/internal/catalog"
	"github.com/platform-team/platform/internal/lint"
	"github.com/platform-team/platform/internal/lint/linttest"
)

// FuzzRules runs the family on arbitrary bytes: it must not panic, every
// finding must be well formed, and the error findings must be exactly
// catalog.Validate's problems, one each.
func FuzzRules(f *testing.F) {
	for _, s := range problemCorpus {
		f.Add([]byte(s))
	}
	for _, r := range Rules() {
		for _, s := range r.Meta().Bad {
			f.Add([]byte(s))
		}
	}
	for _, s := range []string{
		"",
		"---\n...\n",
		goodComponent,
		withTechDocs("dir:"),
		withTechDocs("dir:/abs"),
		withSlug("a/b/"),
		"metadata: &m {annotations: {backstage.io/techdocs-ref: *m}}\n",
		"a: &a [*a]\n",
		"spec: {owner: *x}\n",
		"kind: Component\nspec: {owner: 'user:'}\n---\nkind: Component\nspec: {owner: !!str 1}\n",
	} {
		f.Add([]byte(s))
	}
	settings := linttest.Settings
	settings.GitLabProject = "payments/payments-api"
	f.Fuzz(func(t *testing.T, data []byte) {
		problems := catalog.Validate(data)
		findings := linttest.RunWith(settings, Rules(), map[string]string{
			"catalog-info.yaml": string(data),
			"mkdocs.yml":        "",
		})
		errs := 0
		for _, f := range findings {
			if f.Path != "catalog-info.yaml" || f.Line < 0 || f.Column < 0 || f.Message == "" || f.Hint == "" || f.Severity == lint.SeverityOff {
				t.Fatalf("malformed finding %+v", f)
			}
			if f.Severity == lint.SeverityError {
				errs++
			}
		}
		if errs != len(problems) {
			t.Fatalf("%d problems, %d error findings", len(problems), errs)
		}
	})
}
