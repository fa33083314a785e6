package k8s_test

import (
	"testing"

	"github.com/platform-team/platform/internal/lint/k8s"
	"github.com/platform-team/platform/internal/lint/linttest"
)

// FuzzK8s runs every rule of the family on arbitrary bytes, as a manifest
// and as a kustomization: no input may crash the linter or hang it, and
// every finding has a place.
func FuzzK8s(f *testing.F) {
	for _, r := range k8s.Rules() {
		for _, tree := range []map[string]string{r.Meta().Bad, r.Meta().Good} {
			for _, content := range tree {
				f.Add([]byte(content))
			}
		}
	}
	f.Add([]byte("a: &x [*x]\n"))
	f.Add([]byte("apiVersion: v1\nkind: Pod\nspec: &s\n  containers: [{<<: *s}]\n"))
	f.Add([]byte("apiVersion: v1\nkind: List\nitems: [{apiVersion: v1, kind: List, items: []}]\n"))
	f.Add([]byte("resources: [../x, https://example.com/x]\nimages: [{name: a, newTag: 1.0}]\n"))
	rules := k8s.Rules()
	f.Fuzz(func(t *testing.T, data []byte) {
		files := map[string]string{
			"deploy/x.yaml":                  string(data),
			"deploy/base/kustomization.yaml": string(data),
		}
		for _, finding := range linttest.Run(rules, files) {
			if finding.Line < 0 || finding.Column < 0 || finding.Message == "" {
				t.Fatalf("malformed finding %+v", finding)
			}
		}
	})
}
