package docs

import (
	"strings"
	"testing"
	"time"
)

// TestParseMarkdownIsLinear feeds pathological input of two sizes, n and
// 4n: linear work takes about 4 times as long, quadratic work 16 times (as it
// did for unclosed "[a](" and long lines of links).
func TestParseMarkdownIsLinear(t *testing.T) {
	inputs := map[string]func(n int) string{
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
	for name, gen := range inputs {
		t.Run(name, func(t *testing.T) {
			checkLinear(t, func(n int) { ParseMarkdown([]byte(gen(n))) })
		})
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

// checkLinear times run (best of 3) on inputs of 50k and 200k bytes.
func checkLinear(t *testing.T, run func(n int)) {
	t.Helper()
	timeOf := func(n int) time.Duration {
		best := time.Duration(1 << 62)
		for range 3 {
			start := time.Now()
			run(n)
			best = min(best, time.Since(start))
		}
		return best
	}
	small, large := timeOf(50_000), timeOf(200_000)
	if large > 200*time.Millisecond && large > 10*small {
		t.Errorf("4 times the input took %v instead of %v: quadratic?", large, small)
	}
}

func TestManyLinksInOneParagraph(t *testing.T) {
	src := strings.Repeat("see [a long link text](docs/some/page.md#some-anchor \"title\") and ", 2000)
	if got := len(ParseMarkdown([]byte(src)).Links); got != 2000 {
		t.Errorf("found %d links, want 2000", got)
	}
}
