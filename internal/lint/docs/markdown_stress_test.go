package docs

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/platform-team/platform/internal/lint/linttest"
)

// pathological are inputs that made the scanner quadratic once (unclosed
// "[a](", long lines of links), or could: n bytes each.
var pathological = map[string]func(n int) string{
	"brackets":        func(n int) string { return strings.Repeat("[", n) },
	"closers":         func(n int) string { return strings.Repeat("]", n) },
	"pairs":           func(n int) string { return strings.Repeat("[a]", n/3) },
	"inline open":     func(n int) string { return strings.Repeat("[a](", n/4) },
	"images":          func(n int) string { return strings.Repeat("![", n/2) },
	"backticks":       func(n int) string { return strings.Repeat("`", n) },
	"mixed ticks":     mixedTicks,
	"comments":        func(n int) string { return strings.Repeat("<!--", n/4) },
	"closed comments": func(n int) string { return strings.Repeat("<!-- a -->", n/10) },
	"tags":            func(n int) string { return strings.Repeat("<a ", n/3) },
	"lines":           func(n int) string { return strings.Repeat("a\n", n/2) },
	"ref defs":        func(n int) string { return strings.Repeat("[a]: b\n", n/7) },
	"refs":            func(n int) string { return strings.Repeat("[a][b]", n/6) },
	"parentheses":     func(n int) string { return "[a](" + strings.Repeat("(", n) },
	"quotes":          func(n int) string { return strings.Repeat(">", n) },
	"attributes":      func(n int) string { return "<a " + strings.Repeat("href=\"x\" ", n/9) },
	"labels":          func(n int) string { return strings.Repeat("[a][", n/4) },
	"heading":         func(n int) string { return "# " + strings.Repeat("#", n) },
	"setext":          func(n int) string { return strings.Repeat("a\n", n/4) + "===\n" },
	"escapes":         func(n int) string { return strings.Repeat("\\", n) },
	"heading links":   func(n int) string { return "## " + strings.Repeat("[a](b) ", n/7) + "{#x}" },
	"explicit id":     func(n int) string { return "# a " + strings.Repeat("{ ", n/2) },
}

// TestParseMarkdownFinishesOnPathologicalInput parses 1 MiB of each
// pathological input: linear work takes milliseconds, quadratic work minutes.
// Only a hang fails it; how the work scales is measured by
// BenchmarkParseMarkdownScaling, not judged by a clock in go test.
func TestParseMarkdownFinishesOnPathologicalInput(t *testing.T) {
	for _, name := range slices.Sorted(maps.Keys(pathological)) {
		t.Run(name, func(t *testing.T) {
			data := []byte(pathological[name](1 << 20))
			linttest.Finishes(t, name, func() { ParseMarkdown(data) })
		})
	}
}

// BenchmarkParseMarkdownScaling parses each pathological input at 64 KiB and
// 1 MiB: linear work keeps its MB/s as the input grows 16 times, quadratic
// work loses a factor of 16.
func BenchmarkParseMarkdownScaling(b *testing.B) {
	for _, name := range slices.Sorted(maps.Keys(pathological)) {
		for _, n := range []int{64 << 10, 1 << 20} {
			b.Run(fmt.Sprintf("%s/%dKiB", name, n>>10), func(b *testing.B) {
				data := []byte(pathological[name](n))
				b.SetBytes(int64(n))
				for b.Loop() {
					ParseMarkdown(data)
				}
			})
		}
	}
}

func mixedTicks(n int) string {
	var b strings.Builder
	for i := 1; b.Len() < n; i++ {
		b.WriteString(strings.Repeat("`", i%50+1))
		b.WriteString("a")
	}
	return b.String()
}

func TestManyLinksInOneParagraph(t *testing.T) {
	src := strings.Repeat("see [a long link text](docs/some/page.md#some-anchor \"title\") and ", 2000)
	if got := len(ParseMarkdown([]byte(src)).Links); got != 2000 {
		t.Errorf("found %d links, want 2000", got)
	}
}
