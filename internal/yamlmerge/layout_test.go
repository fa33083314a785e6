package yamlmerge

import (
	"slices"
	"strings"
	"testing"
)

// TestMergeKeepsTeamLayout merges a catalog-info.yaml the team commented
// and restyled: only what the template changed moves, in ours' style.
func TestMergeKeepsTeamLayout(t *testing.T) {
	ours := `# Catalog entry for demo.
# Maintained by payments.
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: demo
  description: A Go HTTP service on the golden path
  annotations:
    backstage.io/source-template: template:default/go-service
    backstage.io/techdocs-ref: dir:.

    # on call
    pagerduty.com/service-id: PX12   # ops
    platform.example.com/template-path: golden
    platform.example.com/template-version: 1.0.0
  tags: [go, http, kubernetes, golden-path]
spec:
  type: service
  lifecycle: production # since 2026-01
  owner: group:x
  dependsOn:
    - resource:demo-db
  # team-only
  system: payments
---
# the database
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata:
  name: demo-db
spec:
  type: database
  owner: group:x
# end
`
	theirs := strings.Replace(strings.Replace(catalog("1.1.0"), "    - http\n", "    - grpc\n", 1), "  owner: group:x\n  dependsOn", "  owner: group:x\n  system: platform\n  dependsOn", 1)
	res, err := Merge([]byte(catalog("1.0.0")), []byte(ours), []byte(theirs), Options{})
	if err != nil {
		t.Fatal(err)
	}
	// yaml.v3 drops the blank line and aligns the line comment.
	want := strings.NewReplacer(
		"dir:.\n\n", "dir:.\n",
		"PX12   # ops", "PX12 # ops",
		"template-version: 1.0.0", "template-version: 1.1.0",
		"[go, http,", "[go, grpc,",
	).Replace(ours)
	if string(res.Data) != want {
		t.Errorf("got:\n%s\nwant:\n%s", res.Data, want)
	}
	if want := []string{"Component demo: spec.system"}; !slices.Equal(res.Kept, want) {
		t.Errorf("kept %q, want %q", res.Kept, want)
	}
}
