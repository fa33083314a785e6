package docs_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/platform-team/platform/internal/lint"
	"github.com/platform-team/platform/internal/lint/docs"
	"github.com/platform-team/platform/internal/lint/gitlabci"
	"github.com/platform-team/platform/internal/lint/linttest"
	"github.com/platform-team/platform/internal/lint/secrets"
)

// TestRuleDocsAreClean renders the rule pages of the three families the way
// docs/rules is generated (Doc, then the examples in fenced blocks) and
// checks them with the docs rules: a rule's documentation has no broken
// links, and its Markdown syntax examples are in code spans.
func TestRuleDocsAreClean(t *testing.T) {
	files := map[string]string{"docs/rules/index.md": "# Lint rules\n"}
	for _, r := range slices.Concat(docs.Rules(), secrets.Rules(), gitlabci.Rules()) {
		m := r.Meta()
		files["docs/rules/"+m.ID+".md"] = rulePage(m)
	}
	for _, f := range linttest.Run(docs.Rules(), files) {
		if f.Rule == "docs/links" {
			t.Errorf("%s:%d:%d: %s", f.Path, f.Line, f.Column, f.Message)
		}
	}
}

func rulePage(m lint.Meta) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n%s.\n\n%s\n\n", m.ID, m.Summary, strings.TrimSpace(m.Doc))
	for _, ex := range []map[string]string{m.Bad, m.Good} {
		b.WriteString("## Example\n\n")
		for _, p := range slices.Sorted(maps.Keys(ex)) {
			fence := "```"
			for strings.Contains(ex[p], fence) {
				fence += "`"
			}
			fmt.Fprintf(&b, "`%s`:\n\n%s\n%s\n%s\n\n", p, fence, strings.TrimSuffix(ex[p], "\n"), fence)
		}
	}
	b.WriteString("[All rules](../index.md)\n")
	return b.String()
}
