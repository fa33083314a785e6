package nunjucks

import (
	"strings"
	"testing"
)

// FuzzRender checks that no template panics and that every render ends
// within the step budget.
func FuzzRender(f *testing.F) {
	for _, seed := range []string{
		"${{ values.name | upper }}",
		"{% for x in values.list %}${{ loop.index }}{% else %}-{% endfor %}",
		"{% if a %}x{% elif b %}y{% else %}z{% endif %}",
		"{%- set x = {a: [1, 2], 'b': none} -%}${{ x | dump(2) }}",
		"{% raw %}${{ github.sha }}{% endraw %}",
		"{# c #}${{ 'a' ~ 1 + 2 - 3 * 4 / 5 // 6 % 7 ** 8 }}",
		"${{ values.repoUrl | parseRepoUrl | pick('owner') }}",
		"${{ (1 if x else 2) is divisibleby(2) and not 'a' in 'abc' }}",
		"${{ range(10) | join | replace('', '-') | indent(3) }}",
		"${{ x.y[0]('a', b) }}",
	} {
		f.Add(seed)
	}
	e := New(Options{VariableStart: "${{", VariableEnd: "}}", Filters: BackstageFilters(), MaxSteps: 20_000, MaxOutputBytes: 1 << 20})
	f.Fuzz(func(t *testing.T, src string) {
		out, err := e.Render("fuzz", src, values)
		if err == nil && len(out) > 1<<20 {
			t.Fatalf("output of %d bytes exceeds the budget", len(out))
		}
		if err != nil && !strings.HasPrefix(err.Error(), "fuzz:") {
			t.Fatalf("error without position: %v", err)
		}
		_, _ = e.Eval(src, values)
	})
}

func BenchmarkRender(b *testing.B) {
	e := New(Options{VariableStart: "${{", VariableEnd: "}}", Filters: BackstageFilters()})
	src := strings.Repeat(`apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${{ values.name | dump }}
  annotations:
    gitlab.com/project-slug: ${{ values.repoUrl | projectSlug }}
spec:
  owner: ${{ values.owner }}
{%- for t in values.list %}
  - ${{ loop.index }}: ${{ t | upper }}
{%- endfor %}
{% if values.enabled %}enabled{% else %}disabled{% endif %}
`, 20)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Render("bench", src, values); err != nil {
			b.Fatal(err)
		}
	}
}
