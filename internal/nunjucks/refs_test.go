package nunjucks

import (
	"reflect"
	"testing"
)

func TestRefs(t *testing.T) {
	e := backstage()
	src := `name: ${{ values.name }}
{%- set slug = values.repoUrl | projectSlug %}
slug: ${{ slug }}
{%- for t in values.tags %}
  - ${{ t.name }} ${{ loop.index }} ${{ values['owner'] }}
{%- endfor %}
{% if values.extra is defined %}${{ values.extra.x }}{% endif %}
${{ values.desc | default('none') }} ${{ values.items[values.idx].id }} ${{ values.title.toUpperCase() }} ${{ range(2) }}
{{ not.a.ref }}`
	refs, err := e.Refs("skeleton", src)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	var guarded []string
	for _, r := range refs {
		got = append(got, r.Path)
		if r.Guarded {
			guarded = append(guarded, r.Path)
		}
	}
	want := []string{"values.name", "values.repoUrl", "values.tags", "values.owner", "values.extra", "values.extra.x", "values.desc", "values.items", "values.idx", "values.title"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("paths\n got %q\nwant %q", got, want)
	}
	if !reflect.DeepEqual(guarded, []string{"values.extra", "values.desc"}) {
		t.Errorf("guarded = %q", guarded)
	}
	if refs[0].Line != 1 || refs[0].Col != 11 {
		t.Errorf("first ref at %d:%d, want 1:11", refs[0].Line, refs[0].Col)
	}
	roots := RefRoots(refs, "values")
	if want := []string{"desc", "extra", "idx", "items", "name", "owner", "repoUrl", "tags", "title"}; !reflect.DeepEqual(roots, want) {
		t.Errorf("RefRoots = %q", roots)
	}
	if _, err := e.Refs("bad", "${{ x | }}"); err == nil {
		t.Error("no parse error")
	}
	r, err := e.RefsOf("parameters.repoUrl | parseRepoUrl")
	if err != nil || len(r) != 1 || r[0].Path != "parameters.repoUrl" {
		t.Errorf("RefsOf = %v, %v", r, err)
	}
}
