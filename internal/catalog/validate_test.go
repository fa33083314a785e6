package catalog

import (
	"strings"
	"testing"
)

func TestValidateDocuments(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		wants []want
	}{
		{name: "empty file", src: "", wants: []want{{0, 1, 0, "", MsgNoEntity}}},
		{name: "comments only", src: "# nothing here\n", wants: []want{{0, 1, 0, "", MsgNoEntity}}},
		{name: "only empty documents", src: "---\n---\n# c\n---\n~\n", wants: []want{{0, 1, 0, "", MsgNoEntity}}},
		{name: "empty documents are skipped", src: "---\n---\n# c\n---\n~\n---\n" + component("")},
		{name: "valid component", src: component("")},
		{name: "valid with trailing marker", src: component("") + "---\n"},
		{
			name:  "scalar root",
			src:   "just text\n",
			wants: []want{{0, 1, 1, "", "must be an object (an entity), not a string"}},
		},
		{
			name:  "array root",
			src:   "- a\n- b\n",
			wants: []want{{0, 1, 1, "", "not an array"}},
		},
		{
			name:  "syntax error (parser)",
			src:   "apiVersion: v1\nkind: [Component\nmetadata: {}\n",
			wants: []want{{0, 2, 0, "", "invalid YAML: did not find expected ',' or ']'"}},
		},
		{
			name:  "syntax error (scanner)",
			src:   "apiVersion: v1\nkind: a: b\n",
			wants: []want{{0, 2, 0, "", "invalid YAML: mapping values are not allowed"}},
		},
		{
			name:  "bad indentation",
			src:   "metadata:\n  name: x\n  tags:\n  - a\n bad: 1\n",
			wants: []want{{0, 5, 0, "", "invalid YAML: did not find expected key"}},
		},
		{
			name:  "unknown anchor",
			src:   "apiVersion: v1\nkind: K\nmetadata:\n  name: *missing\n",
			wants: []want{{0, 4, 0, "", "unknown anchor 'missing'"}},
		},
		{
			name: "a syntax error spares the other documents",
			src:  component("") + "---\nkind: [\n---\n" + componentHead + "  namespace: Bad\n" + componentSpec,
			wants: []want{
				{1, 10, 0, "", "invalid YAML"},
				{2, 16, 14, "metadata.namespace", `"Bad" is not a valid namespace`},
			},
		},
		{
			name: "document indexes count empty documents",
			src:  "---\n# empty\n---\n" + componentHead + "  title: ''\n" + componentSpec + "---\n---\n[]\n",
			wants: []want{
				{1, 8, 10, "metadata.title", "must not be empty"},
				{3, 15, 1, "", "not an array"},
			},
		},
		{
			name:  "duplicate key rejects the document",
			src:   component("  name: other\n"),
			wants: []want{{0, 5, 3, "metadata.name", `duplicate key "name" (first defined on line 4)`}},
		},
		{
			name:  "duplicate key compares values, not spelling",
			src:   component("  labels:\n    1: a\n    1.0: b\n    \"1\": c\n"),
			wants: []want{{0, 7, 5, "metadata.labels.1", `duplicate key "1" (first defined on line 6)`}},
		},
		{
			name: "unknown root fields",
			src:  component("") + "relations: []\nstatus: {}\nextra: 1\n",
			wants: []want{
				{0, 9, 1, "relations", `unknown root field "relations"`},
				{0, 10, 1, "status", `unknown root field "status"`},
				{0, 11, 1, "extra", `unknown root field "extra"`},
			},
		},
		{
			name: "merge keys are plain keys",
			src:  "base: &base\n  name: svc\n" + "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  <<: *base\n" + componentSpec,
			wants: []want{
				{0, 1, 1, "base", `unknown root field "base"`},
				{0, 5, 1, "metadata.name", "is required"},
			},
		},
		{
			name: "aliases are followed",
			src:  "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: &n svc\n  title: *n\nspec:\n  type: service\n  lifecycle: production\n  owner: *n\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expectProblems(t, tt.src, tt.wants...) })
	}
}

func TestValidateEnvelope(t *testing.T) {
	meta := "metadata:\n  name: x\n"
	tests := []struct {
		name  string
		src   string
		wants []want
	}{
		{name: "custom apiVersion for an unknown kind", src: "apiVersion: my-company.net/v1\nkind: Widget\n" + meta},
		{name: "apiVersion without prefix", src: "apiVersion: v1\nkind: Widget\n" + meta},
		{
			name:  "apiVersion missing",
			src:   "kind: Widget\n" + meta,
			wants: []want{{0, 1, 1, "apiVersion", "is required"}},
		},
		{
			name:  "apiVersion not a string",
			src:   "apiVersion: 1.0\nkind: Widget\n" + meta,
			wants: []want{{0, 1, 13, "apiVersion", "must be a string, not number 1.0"}},
		},
		{
			name:  "apiVersion empty",
			src:   "apiVersion: ''\nkind: Widget\n" + meta,
			wants: []want{{0, 1, 13, "apiVersion", "must not be empty"}},
		},
		{
			name:  "apiVersion format",
			src:   "apiVersion: '1.0'\nkind: Widget\n" + meta,
			wants: []want{{0, 1, 13, "apiVersion", `"1.0" is not a valid apiVersion`}},
		},
		{
			name:  "apiVersion placeholder",
			src:   "apiVersion: {$text: ./v}\nkind: Widget\n" + meta,
			wants: []want{{0, 1, 13, "apiVersion", "placeholders are not resolved in the entity envelope"}},
		},
		{
			name:  "kind missing",
			src:   "apiVersion: v1\n" + meta,
			wants: []want{{0, 1, 1, "kind", "is required"}},
		},
		{
			name:  "kind format",
			src:   "apiVersion: v1\nkind: My-Kind\n" + meta,
			wants: []want{{0, 2, 7, "kind", `"My-Kind" is not a valid kind`}},
		},
		{
			name:  "kind in the wrong case",
			src:   "apiVersion: backstage.io/v1alpha1\nkind: component\n" + meta,
			wants: []want{{0, 2, 7, "kind", `kind "component" is not recognized; kinds are case-sensitive, did you mean "Component"?`}},
		},
		{
			name:  "metadata missing",
			src:   "apiVersion: v1\nkind: Widget\n",
			wants: []want{{0, 1, 1, "metadata", "is required"}},
		},
		{
			name:  "metadata not an object",
			src:   "apiVersion: v1\nkind: Widget\nmetadata: [x]\n",
			wants: []want{{0, 3, 11, "metadata", "must be an object, not an array"}},
		},
		{
			name:  "metadata null",
			src:   "apiVersion: v1\nkind: Widget\nmetadata:\n",
			wants: []want{{0, 3, 1, "metadata", "must be an object, not null"}},
		},
		{
			name:  "metadata placeholder",
			src:   "apiVersion: v1\nkind: Widget\nmetadata: {$yaml: ./meta.yaml}\n",
			wants: []want{{0, 3, 11, "metadata", "must be a literal object"}},
		},
		{name: "unknown kind: spec is free-form", src: "apiVersion: v1\nkind: Widget\n" + meta + "spec:\n  anything: [1, 2]\n"},
		{
			name:  "unknown kind: spec must be an object",
			src:   "apiVersion: v1\nkind: Widget\n" + meta + "spec: 5\n",
			wants: []want{{0, 5, 7, "spec", "must be an object, not number 5"}},
		},
		{name: "spec placeholder", src: "apiVersion: v1\nkind: Widget\n" + meta + "spec: {$yaml: ./spec.yaml}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expectProblems(t, tt.src, tt.wants...) })
	}
}

// The catalog rejects an entity no processor recognizes: a kind that is
// neither built in nor one of the installation's own (Options.Kinds).
func TestValidateUnknownKinds(t *testing.T) {
	meta := "metadata:\n  name: x\n"
	known := "API, Component, Domain, Group, Location, Resource, System, Template, User"
	for _, tc := range []struct {
		name, src, want string
		kinds           []string
	}{
		{"unknown", "apiVersion: v1\nkind: Service\n" + meta, `kind "Service" is unknown: no processor of the catalog accepts it (the catalog knows ` + known + ")", nil},
		{"typo", "apiVersion: backstage.io/v1alpha1\nkind: Componnet\n" + meta, `kind "Componnet" is unknown; did you mean "Component"? (the catalog knows ` + known + ")", nil},
		{"two slips", "apiVersion: v1\nkind: Gruop\n" + meta, `kind "Gruop" is unknown; did you mean "Group"?`, nil},
		{"not a typo", "apiVersion: v1\nkind: AiResource\n" + meta, `kind "AiResource" is unknown: no processor`, nil},
		{"case", "apiVersion: v1\nkind: component\n" + meta, `kind "component" is not recognized; kinds are case-sensitive, did you mean "Component"?`, nil},
		{"the installation's own", "apiVersion: example.com/v1\nkind: Workflow\n" + meta + "spec: {steps: 3}\n", "", []string{"Workflow"}},
		{"another installation's", "apiVersion: example.com/v1\nkind: Workflow\n" + meta, `kind "Workflow" is unknown: no processor`, []string{"Pipeline"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Options{Kinds: tc.kinds}.Validate([]byte(tc.src))
			if tc.want == "" {
				if len(got) > 0 {
					t.Fatalf("problems: %v", got)
				}
				return
			}
			if len(got) != 1 || got[0].Field != "kind" || got[0].Line != 2 || !strings.HasPrefix(got[0].Message, tc.want) {
				t.Fatalf("problems: %v\nwant %s", got, tc.want)
			}
		})
	}
	if got := Validate([]byte("apiVersion: v1\nkind: Workflow\n" + meta)); len(got) != 1 {
		t.Fatalf("Validate accepts only the built-in kinds: %v", got)
	}
}
