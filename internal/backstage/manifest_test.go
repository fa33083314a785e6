package backstage

import (
	"errors"
	"strings"
	"testing"
)

const demo = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: demo
  title: Demo
spec:
  owner: group:platform
  type: service
  parameters:
    - title: Component
      required: [name]
      properties:
        name: {type: string, title: Name}
    - title: Location
      properties:
        repoUrl: {type: string, ui:field: RepoUrlPicker}
  steps:
    - id: fetch
      action: fetch:template
      input:
        url: ./skeleton
        values: {name: '${{ parameters.name }}'}
    - id: log
      action: debug:log
      if: '${{ parameters.name }}'
  output:
    links:
      - title: Repository
        url: '${{ steps.fetch.output.x }}'
`

func TestParseManifest(t *testing.T) {
	m, err := ParseManifest([]byte(demo))
	if err != nil {
		t.Fatal(err)
	}
	if m.Metadata.Name != "demo" || m.Spec.Owner != "group:platform" || len(m.Spec.Parameters) != 2 || len(m.Spec.Steps) != 2 {
		t.Fatalf("manifest: %+v", m)
	}
	if m.Spec.Parameters[1]["properties"].(map[string]any)["repoUrl"].(map[string]any)["ui:field"] != "RepoUrlPicker" {
		t.Errorf("page 2: %v", m.Spec.Parameters[1])
	}
	if m.Spec.Steps[0].Input["values"].(map[string]any)["name"] != "${{ parameters.name }}" || m.Spec.Steps[1].If != "${{ parameters.name }}" {
		t.Errorf("steps: %+v", m.Spec.Steps)
	}
	if !IsTemplate([]byte(demo)) || IsTemplate([]byte("apiVersion: platform/v1alpha1\nkind: Template\n")) {
		t.Error("IsTemplate")
	}

	one := strings.Replace(demo, "  parameters:\n    - title: Component", "  parameters:\n    title: Component", 1)
	one = strings.Replace(one, "      required: [name]\n      properties:\n        name: {type: string, title: Name}\n    - title: Location\n      properties:\n        repoUrl: {type: string, ui:field: RepoUrlPicker}\n",
		"    required: [name]\n    properties:\n      name: {type: string, title: Name}\n", 1)
	m, err = ParseManifest([]byte(one))
	if err != nil || len(m.Spec.Parameters) != 1 {
		t.Fatalf("a single page object: %v %v", m, err)
	}
}

func TestParseManifestRefuses(t *testing.T) {
	for name, tc := range map[string]struct {
		edit func(string) string
		want string
	}{
		"not a template": {func(s string) string {
			return strings.Replace(s, "scaffolder.backstage.io/v1beta3", "backstage.io/v1alpha1", 1)
		}, "not a Backstage Software Template"},
		"no name":      {func(s string) string { return strings.Replace(s, "  name: demo\n", "", 1) }, "metadata.name is required"},
		"no action":    {func(s string) string { return strings.Replace(s, "      action: debug:log\n", "", 1) }, "spec.steps[1] (log): action is required"},
		"duplicate id": {func(s string) string { return strings.Replace(s, "id: log", "id: fetch", 1) }, `id "fetch" is used twice`},
		"bad page": {func(s string) string {
			return strings.Replace(s, "    - title: Location\n", "    - just a string\n    - title: Location\n", 1)
		}, "spec.parameters[1]: want an object"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ParseManifest([]byte(tc.edit(demo)))
			var nt *NotTemplateError
			if err == nil || !strings.Contains(err.Error(), tc.want) || (name == "not a template") != errors.As(err, &nt) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
}
