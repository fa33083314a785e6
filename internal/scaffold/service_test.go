package scaffold

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/platform-team/platform/internal/catalog"
)

func TestPlanService(t *testing.T) {
	tmpl := testTemplate(t, map[string]string{
		"skeleton/README.md":  "# {{ .values.name }}\n",
		"skeleton/mkdocs.yml": "site_name: {{ .values.name }}\n",
	})
	values := Values{"name": "payments", "owner": "group:payments", "port": 8080, "database": "none", "debug": false}
	plan, err := PlanService(context.Background(), tmpl, values, ServiceOptions{PlatformVersion: "1.0.0", AnnotationPrefix: "example.com", Project: "pay/payments"})
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, f := range plan.Files {
		paths = append(paths, f.Path)
	}
	slices.Sort(paths)
	if want := []string{AnswersFile, "README.md", CatalogFile, "mkdocs.yml"}; !slices.Equal(paths, want) {
		t.Fatalf("files %q, want %q", paths, want)
	}
	f, _ := plan.Lookup(CatalogFile)
	if problems := catalog.Validate(f.Data); len(problems) > 0 {
		t.Errorf("the catalog rejects it: %v", problems)
	}
	for _, want := range []string{
		"kind: Component", "name: payments", "owner: group:payments",
		catalog.AnnotationProjectSlug + ": pay/payments",
		catalog.AnnotationTechDocsRef + ": dir:.",
		PathAnnotation("example.com") + ": golden",
	} {
		if !strings.Contains(string(f.Data), want) {
			t.Errorf("%s lacks %q:\n%s", CatalogFile, want, f.Data)
		}
	}
	a, _ := plan.Lookup(AnswersFile)
	if !strings.Contains(string(a.Data), "name: payments") {
		t.Errorf("answers:\n%s", a.Data)
	}

	// Not published: no project slug; no mkdocs.yml: no TechDocs.
	plain := testTemplate(t, nil)
	plan, err = PlanService(context.Background(), plain, values, ServiceOptions{AnnotationPrefix: "example.com"})
	if err != nil {
		t.Fatal(err)
	}
	f, _ = plan.Lookup(CatalogFile)
	if s := string(f.Data); strings.Contains(s, catalog.AnnotationProjectSlug) || strings.Contains(s, catalog.AnnotationTechDocsRef) {
		t.Errorf("unpublished service without docs:\n%s", s)
	}
}

func TestPlanServiceRefusesPlatformFiles(t *testing.T) {
	tmpl := testTemplate(t, map[string]string{"skeleton/catalog-info.yaml": "kind: Component\n"})
	values := Values{"name": "payments", "owner": "group:payments", "port": 8080, "database": "none", "debug": false}
	_, err := PlanService(context.Background(), tmpl, values, ServiceOptions{})
	if err == nil || !strings.Contains(err.Error(), "the platform writes it") {
		t.Fatalf("got %v, want the skeleton's catalog-info.yaml refused", err)
	}
}
