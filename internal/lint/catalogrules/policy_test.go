package catalogrules

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/platform-team/platform/internal/lint"
	"github.com/platform-team/platform/internal/lint/linttest"
)

// policyOnly keeps the findings that are not errors.
func policyOnly(findings []lint.Finding) []lint.Finding {
	var out []lint.Finding
	for _, f := range findings {
		if f.Severity != lint.SeverityError {
			out = append(out, f)
		}
	}
	return out
}

// entityDoc is a document of kind with a spec body (indented two spaces); the
// spec body starts on line 6 of the document.
func entityDoc(kind, name, specBody string) string {
	return "apiVersion: backstage.io/v1alpha1\nkind: " + kind + "\nmetadata:\n  name: " + name + "\nspec:\n" + specBody
}

func TestOwnerGroup(t *testing.T) {
	src := strings.Join([]string{
		entityDoc("Component", "a", "  type: service\n  lifecycle: production\n  owner: group:payments\n"),
		entityDoc("Component", "b", "  type: service\n  lifecycle: production\n  owner: payments\n"),
		entityDoc("Component", "c", "  type: service\n  lifecycle: production\n  owner: Group:commerce/payments\n"),
		entityDoc("Component", "d", "  type: service\n  lifecycle: production\n  owner: user:jdoe\n"),
		entityDoc("API", "e", "  type: openapi\n  lifecycle: production\n  owner: User:default/jdoe\n  definition: x\n"),
		entityDoc("Resource", "f", "  type: db\n  owner: component:payments-api\n"),
		entityDoc("System", "g", "  owner: ':bad'\n"),
		entityDoc("Widget", "h", "  owner: user:jdoe\n"),
		entityDoc("Group", "i", "  type: team\n  children: []\n  owner: user:jdoe\n"),
		"apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: t\nspec:\n  type: service\n  owner: user:jdoe\n  steps: []\n",
	}, "---\n")
	got := linttest.Of(run(catalogFile(src)), "catalog/owner-group")
	expect(t, got,
		want{"catalog/owner-group", 35, 10, "Component d is owned by a user (user:jdoe): owners are groups"},
		want{"catalog/owner-group", 44, 10, "API e is owned by a user (User:default/jdoe)"},
		want{"catalog/owner-group", 53, 10, "Resource f is owned by a component (component:payments-api)"},
		want{"catalog/owner-group", 84, 10, "Template t is owned by a user"},
	)
	if !strings.Contains(got[0].Hint, "list jdoe in its members") {
		t.Errorf("hint %q does not say what to do with the user", got[0].Hint)
	}
}

func TestLifecycle(t *testing.T) {
	src := strings.Join([]string{
		entityDoc("Component", "a", "  type: service\n  lifecycle: production\n  owner: group:x\n"),
		entityDoc("Component", "b", "  type: service\n  lifecycle: beta\n  owner: group:x\n"),
		entityDoc("API", "c", "  type: openapi\n  lifecycle: Production\n  owner: group:x\n  definition: x\n"),
		entityDoc("Resource", "d", "  type: db\n  lifecycle: beta\n  owner: group:x\n"),
		entityDoc("Component", "e", "  type: service\n  lifecycle: 1\n  owner: group:x\n"),
	}, "---\n")
	got := linttest.Of(run(catalogFile(src)), "catalog/lifecycle")
	expect(t, got,
		want{"catalog/lifecycle", 16, 14, `lifecycle "beta" of Component b is not one of the organisation's lifecycles (experimental, production, deprecated)`},
		want{"catalog/lifecycle", 25, 14, `lifecycle "Production" of API c`},
	)
	if got[0].Hint != "use one of: experimental, production, deprecated" {
		t.Errorf("hint = %q", got[0].Hint)
	}
	if got[1].Hint != `write it as "production": lifecycles are case-sensitive` {
		t.Errorf("hint = %q", got[1].Hint)
	}

	// The organisation's own list replaces the default one.
	settings := linttest.Settings
	settings.Lifecycles = []string{"alpha", "ga"}
	got = linttest.Of(runWith(settings, catalogFile(src)), "catalog/lifecycle")
	expect(t, got,
		want{"catalog/lifecycle", 7, 14, `lifecycle "production" of Component a is not one of the organisation's lifecycles (alpha, ga)`},
		want{"catalog/lifecycle", 16, 14, `"beta"`},
		want{"catalog/lifecycle", 25, 14, `"Production"`},
	)

	// No list at all means the default one.
	settings.Lifecycles = nil
	if got := linttest.Of(runWith(settings, catalogFile(src)), "catalog/lifecycle"); len(got) != 2 {
		t.Errorf("with no lifecycles configured, want the default list: %v", got)
	}
}

const componentNoAnnotations = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: api
spec:
  type: service
  lifecycle: production
  owner: group:x
`

func withTechDocs(ref string) string {
	return strings.Replace(componentNoAnnotations, "  name: api\n", "  name: api\n  annotations:\n    backstage.io/techdocs-ref: "+ref+"\n", 1)
}

func TestTechDocsRef(t *testing.T) {
	const id = "catalog/techdocs-ref"
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  []want
	}{
		{"no docs, no annotation", map[string]string{"catalog-info.yaml": componentNoAnnotations}, nil},
		{"mkdocs.yml, no annotations", map[string]string{"catalog-info.yaml": componentNoAnnotations, "mkdocs.yml": ""},
			[]want{{id, 3, 1, "mkdocs.yml next to this file, but Component api has no backstage.io/techdocs-ref annotation"}}},
		{"mkdocs.yaml, other annotations", map[string]string{"catalog-info.yaml": goodComponent, "mkdocs.yaml": ""},
			[]want{{id, 6, 3, "mkdocs.yaml next to this file"}}},
		{"docs directory", map[string]string{"catalog-info.yaml": componentNoAnnotations, "docs/index.md": "# x\n"},
			[]want{{id, 3, 1, "a docs/ directory next to this file"}}},
		{"docs of another directory", map[string]string{"catalog-info.yaml": componentNoAnnotations, "services/a/mkdocs.yml": ""}, nil},
		{"dir:.", map[string]string{"catalog-info.yaml": withTechDocs("dir:."), "mkdocs.yml": ""}, nil},
		{"dir:./site", map[string]string{"catalog-info.yaml": withTechDocs("dir:./site"), "site/mkdocs.yml": ""}, nil},
		{"in a subdirectory", map[string]string{"services/a/catalog-info.yml": withTechDocs("dir:."), "services/a/mkdocs.yml": ""}, nil},
		{"dir:. without mkdocs", map[string]string{"catalog-info.yaml": withTechDocs("dir:."), "docs/index.md": ""},
			[]want{{id, 6, 32, "backstage.io/techdocs-ref dir:. points at ., which holds no mkdocs.yml"}}},
		{"dir: elsewhere", map[string]string{"services/a/catalog-info.yaml": withTechDocs("dir:docs"), "services/a/mkdocs.yml": ""},
			[]want{{id, 6, 32, "points at services/a/docs, which holds no mkdocs.yml"}}},
		{"dir outside the tree", map[string]string{"catalog-info.yaml": withTechDocs("dir:../shared")}, nil},
		{"url", map[string]string{"catalog-info.yaml": withTechDocs("url:https://gitlab.example.com/g/docs/-/tree/main"), "mkdocs.yml": ""}, nil},
		{"not a reference", map[string]string{"catalog-info.yaml": withTechDocs("docs/"), "mkdocs.yml": ""},
			[]want{{id, 6, 32, `backstage.io/techdocs-ref "docs/" is not a TechDocs reference`}}},
		{"one annotated entity is enough", map[string]string{
			"catalog-info.yaml": componentNoAnnotations + "---\n" + strings.Replace(withTechDocs("dir:."), "name: api", "name: api2", 1),
			"mkdocs.yml":        "",
		}, nil},
		{"no Component", map[string]string{
			"catalog-info.yaml": entityDoc("System", "s", "  owner: group:x\n"),
			"mkdocs.yml":        "",
		}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			expect(t, linttest.Of(run(tc.files), id), tc.want...)
		})
	}
}

func TestTechDocsRefOnDisk(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "site/mkdocs.yml", "site_name: x\n")
	f := lint.NewFile("catalog-info.yaml", []byte(withTechDocs("dir:site")))
	repo := lint.NewRepo(dir, linttest.Settings, []*lint.File{f})
	var got []lint.Finding
	ruleTechDocsRef.CheckFile(repo, f, lint.NewReporter(ruleTechDocsRef.Meta(), &got))
	if len(got) != 0 {
		t.Errorf("mkdocs.yml on disk (not walked) should count: %v", got)
	}
}

func withSlug(slug string) string {
	return strings.Replace(componentNoAnnotations, "  name: api\n", "  name: api\n  annotations:\n    gitlab.com/project-slug: "+slug+"\n", 1)
}

func TestProjectSlug(t *testing.T) {
	const id = "catalog/project-slug"
	known := linttest.Settings
	known.GitLabProject = "payments/core/payments-api"
	for _, tc := range []struct {
		name     string
		settings lint.Settings
		src      string
		want     []want
		hint     string
	}{
		{"matches", known, withSlug("payments/core/payments-api"), nil, ""},
		{"matches ignoring case", known, withSlug("Payments/Core/Payments-API"), nil, ""},
		{"missing slug is not reported", known, componentNoAnnotations, nil, ""},
		{"another project", known, withSlug("payments/payments-api"),
			[]want{{id, 6, 30, "gitlab.com/project-slug is payments/payments-api, but this repository is GitLab project payments/core/payments-api"}},
			"set it to payments/core/payments-api, unless Component api really lives in another project"},
		{"unknown project", linttest.Settings, withSlug("payments/payments-api"), nil, ""},
		{"a URL", linttest.Settings, withSlug("https://gitlab.example.com/payments/payments-api"),
			[]want{{id, 6, 30, `"https://gitlab.example.com/payments/payments-api" is not a GitLab project path`}},
			"write it as payments/payments-api"},
		{"scp remote", known, withSlug("git@gitlab.example.com:payments/core/payments-api.git"),
			[]want{{id, 6, 30, "is not a GitLab project path"}}, "write it as payments/core/payments-api"},
		{"no namespace", linttest.Settings, withSlug("payments-api"),
			[]want{{id, 6, 30, `"payments-api" is not a GitLab project path: want group/project`}}, "write the project's path, e.g. payments/payments-api"},
		{".git suffix", linttest.Settings, withSlug("payments/api.git"), []want{{id, 6, 30, "is not a GitLab project path"}}, ""},
		{"leading slash", linttest.Settings, withSlug("/payments/api"), []want{{id, 6, 30, "is not a GitLab project path"}}, ""},
		{"empty segment", linttest.Settings, withSlug("payments//api"), []want{{id, 6, 30, "is not a GitLab project path"}}, ""},
		{"not a string", known, withSlug("[a, b]"), nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := linttest.Of(runWith(tc.settings, catalogFile(tc.src)), id)
			expect(t, got, tc.want...)
			if tc.hint != "" && len(got) > 0 && got[0].Hint != tc.hint {
				t.Errorf("hint = %q, want %q", got[0].Hint, tc.hint)
			}
		})
	}
}

func withSourceTemplate(ref string) string {
	return strings.Replace(componentNoAnnotations, "  name: api\n", "  name: api\n  annotations:\n    backstage.io/source-template: "+ref+"\n", 1)
}

func TestSourceTemplate(t *testing.T) {
	const id = "catalog/source-template"
	for _, tc := range []struct {
		ref  string
		want []want
		hint string
	}{
		{"template:default/go-service", nil, ""},
		{"template:go-service", nil, ""},
		{"Template:platform/go-service", nil, ""},
		{"go-service", []want{{id, 6, 35, `"go-service" is not a reference to a Template`}}, "write it as template:default/go-service"},
		{"component:default/go-service", []want{{id, 6, 35, "is not a reference to a Template"}}, "write it as template:default/go-service, if go-service is the template"},
		{"default/go-service", []want{{id, 6, 35, "is not a reference to a Template"}}, "write template:default/<template name>, as the scaffolder does"},
		{"''", []want{{id, 6, 35, `"" is not a reference to a Template`}}, ""},
	} {
		t.Run(tc.ref, func(t *testing.T) {
			got := linttest.Of(run(catalogFile(withSourceTemplate(tc.ref))), id)
			expect(t, got, tc.want...)
			if tc.hint != "" && len(got) > 0 && got[0].Hint != tc.hint {
				t.Errorf("hint = %q, want %q", got[0].Hint, tc.hint)
			}
		})
	}
}

// TestPolicyFollowsAliases: the catalog reads aliases as their values, and so do the rules.
func TestPolicyFollowsAliases(t *testing.T) {
	src := `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: api
  annotations:
    x.example.com/owner: &owner user:jdoe
spec:
  type: service
  lifecycle: production
  owner: *owner
`
	expect(t, policyOnly(run(catalogFile(src))), want{"catalog/owner-group", 6, 26, "owned by a user (user:jdoe)"})
}

// TestPolicyRulesSkipBrokenValues: a value of the wrong type is an error of
// the Backstage rules; the policy rules do not pile on.
func TestPolicyRulesSkipBrokenValues(t *testing.T) {
	src := `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: api
  annotations:
    gitlab.com/project-slug: 12
    backstage.io/techdocs-ref: true
    backstage.io/source-template: [x]
spec:
  type: service
  lifecycle: {a: b}
  owner: [user:jdoe]
`
	if got := policyOnly(run(map[string]string{"catalog-info.yaml": src, "mkdocs.yml": ""})); len(got) != 0 {
		t.Errorf("policy findings on values of the wrong type: %v", got)
	}
}

func writeFile(t *testing.T, dir, name, content string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// The policy rules read values that come through a merge key, like every lint
// family; the catalog itself reads YAML 1.2, where << is a plain key, so the
// rules mirroring it report the missing fields and say why.
func TestMergeKeys(t *testing.T) {
	src := `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payments-api
  description: Takes payments.
  labels: &defaults
    lifecycle: beta
spec:
  <<: *defaults
  type: service
  owner: group:payments
`
	got := run(catalogFile(src))
	lifecycle := linttest.Of(got, "catalog/lifecycle")
	if len(lifecycle) != 1 || !strings.Contains(lifecycle[0].Message, `"beta"`) || lifecycle[0].Line != 7 {
		t.Errorf("catalog/lifecycle should see the merged lifecycle: %+v", lifecycle)
	}
	spec := linttest.Of(got, "catalog/spec")
	if len(spec) != 1 || spec[0].Message != "spec.lifecycle: is required" || !strings.Contains(spec[0].Hint, "merge keys (<<)") {
		t.Errorf("catalog/spec should explain the merge key: %+v", spec)
	}
}
