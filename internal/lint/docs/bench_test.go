package docs_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/platform-team/platform/internal/lint/docs"
	"github.com/platform-team/platform/internal/lint/linttest"
)

// docsTree generates n Markdown pages in nested directories, each with
// headings, a code block, and links (with anchors) to other pages.
func docsTree(n int) (map[string]string, int) {
	files := map[string]string{"README.md": readme, "mkdocs.yml": "site_name: bench\n", "docs/index.md": "# Bench\n"}
	var nav strings.Builder
	nav.WriteString("site_name: bench\nnav:\n  - index.md\n")
	size := 0
	for i := range n {
		var b strings.Builder
		fmt.Fprintf(&b, "# Page %d\n\nIntro with a [link to the next page](../d%d/page%d.md#section-two) and `code [x](y)`.\n\n", i, (i+1)%50, (i+1)%n)
		for s, name := range []string{"One", "Two", "Three"} {
			fmt.Fprintf(&b, "## Section %s\n\nText about section %d, see [above](#page-%d) or ![diagram](img.png \"Diagram\").\n\n", name, s, i)
			b.WriteString("```go\nfunc main() { fmt.Println(\"[not](a-link)\") }\n```\n\n")
			fmt.Fprintf(&b, "- item with a [reference][ref%d]\n- item two\n\n", s)
		}
		for s := range 3 {
			fmt.Fprintf(&b, "[ref%d]: ../d%d/page%d.md\n", s, (i+7)%50, (i+7)%n)
		}
		p := fmt.Sprintf("docs/d%d/page%d.md", i%50, i)
		files[p] = b.String()
		files[fmt.Sprintf("docs/d%d/img.png", i%50)] = "png"
		fmt.Fprintf(&nav, "  - d%d/page%d.md\n", i%50, i)
		size += b.Len()
	}
	files["mkdocs.yml"] = nav.String()
	return files, size
}

func TestDocsTreeIsClean(t *testing.T) {
	files, _ := docsTree(100)
	if got := linttest.Run(docs.Rules(), files); len(got) > 0 {
		t.Fatalf("the benchmark's tree has findings, so it measures the wrong thing:\n%s", dump(got))
	}
}

func BenchmarkDocs(b *testing.B) {
	files, size := docsTree(1000)
	rules := docs.Rules()
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		linttest.Run(rules, files)
	}
}
