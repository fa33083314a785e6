package catalog

import (
	"testing"
)

// FuzzValidate checks that Validate never panics and that its problems are
// well formed, whatever the input.
func FuzzValidate(f *testing.F) {
	seeds := []string{
		"",
		component(""),
		component("  labels: {a: 1}\n  links: [{url: 'x'}]\n  tags: [A]\n"),
		entityWithSpec(v1alpha1, "Group", "  type: team\n  children: []\n"),
		entityWithSpec("scaffolder.backstage.io/v1beta3", "Template", "  type: x\n  steps: [{action: a}]\n"),
		"a: &a [*a]\n",
		"a: &a {b: *a}\nb: *a\n",
		"--- |\n  text\n---\n- 1\n...\n%YAML 1.2\n---\nx: !!binary aGk=\n",
		"a: [\n---\nb: {\n",
		"\ufeff---\r\nkind: 1\r\n",
		"metadata: {<<: {name: x}}\n",
		"? [a, b]\n: c\n",
		"spec: {$yaml: x, $text: y}\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		docs := len(splitDocuments(data))
		for _, p := range Validate(data) {
			// A file without documents has one problem, of the file (Doc 0).
			if p.Doc < 0 || p.Doc >= max(docs, 1) {
				t.Fatalf("problem %v has document index %d of %d", p, p.Doc, docs)
			}
			if p.Line < 0 || p.Column < 0 || p.Message == "" {
				t.Fatalf("malformed problem %+v", p)
			}
		}
	})
}
