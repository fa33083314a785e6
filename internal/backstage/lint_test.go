package backstage

import (
	"context"
	"strings"
	"testing"
)

func TestLint(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]file{
		"template.yaml": {data: `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: {name: lint-me}
spec:
  parameters:
    - properties:
        name: {title: Name}
        owner: {type: string, ui:field: OwnerPicker}
  steps:
    - id: base
      action: fetch:template
      input:
        url: ./skeleton
        copyWithoutTemplating: [.github/**]
        values:
          name: ${{ parameters.name }}
    - id: docs
      action: fetch:template
      input:
        url: ./docs
        templateFileExtension: true
        values: {title: x}
    - id: legacy
      action: fetch:cookiecutter
      input: {url: ./old}
`},
		"skeleton/README.md":                 {data: "# ${{ values.name }}\nby ${{ values.owner }}\n{% if values['team'] %}team{% endif %}\nplain values.text is not an expression\n"},
		"skeleton/${{ values.kind }}/x.txt":  {data: "x"},
		"skeleton/.github/workflows/ci.yaml": {data: "ref: ${{ values.sha }}\n"},
		"docs/index.md.njk":                  {data: "# ${{ values.title }} ${{ values.missing }}\n"},
		"docs/raw.md":                        {data: "${{ values.ignored }}\n"},
	})
	tmpl, err := Load(context.Background(), dir, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(Lint(tmpl), "\n")
	for _, want := range []string{
		`field "name": type is required`,
		"step legacy: action fetch:cookiecutter",
		"step base: skeleton/README.md:2: values.owner is not given by the step's values (name): it renders empty",
		"step base: skeleton/README.md:3: values.team is not given",
		"step base: skeleton/${{ values.kind }}/x.txt (its name): values.kind is not given",
		"step docs: docs/index.md.njk:1: values.missing is not given by the step's values (title)",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("lint does not say %q:\n%s", want, got)
		}
	}
	for _, never := range []string{"values.name is", "values.text", "values.sha", "values.ignored", "values.title is"} {
		if strings.Contains(got, never) {
			t.Errorf("lint reports %q:\n%s", never, got)
		}
	}
}
