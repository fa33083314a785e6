package cli

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/platform-team/platform/internal/lint"
)

// writeRuleDocs writes docs/rules/index.md and one page per rule, with the
// rule's failing and passing examples (the same ones its tests run).
func writeRuleDocs(dir string, rules []lint.Rule) error {
	var index strings.Builder
	index.WriteString("# Lint rules\n\nEvery rule of `platform lint`, generated from the rule registry by `make generate`.\n")
	index.WriteString("Change a rule's severity or turn it off in platform.yaml (`lint.rules`); see the\n[user guide](../lint.md).\n\n")
	index.WriteString("| rule | severity | checks |\n| --- | --- | --- |\n")
	for _, r := range rules {
		m := r.Meta()
		fmt.Fprintf(&index, "| [%s](%s.md) | %s | %s |\n", m.ID, m.ID, m.Severity, escapeCell(m.Summary))
		if err := writeFile(filepath.Join(dir, filepath.FromSlash(m.ID)+".md"), rulePage(m)); err != nil {
			return err
		}
	}
	return writeFile(filepath.Join(dir, "index.md"), index.String())
}

func rulePage(m lint.Meta) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", m.ID)
	fmt.Fprintf(&b, "Default severity: **%s** · family: `%s`\n\n", m.Severity, m.Family())
	fmt.Fprintf(&b, "%s.\n\n", strings.TrimSuffix(upperFirst(m.Summary), "."))
	fmt.Fprintf(&b, "%s\n\n", strings.TrimSpace(m.Doc))
	writeExample(&b, "Fails", m.Bad)
	writeExample(&b, "Passes", m.Good)
	fmt.Fprintf(&b, "[All rules](%sindex.md)\n", strings.Repeat("../", strings.Count(m.ID, "/")))
	return b.String()
}

func writeExample(b *strings.Builder, title string, files map[string]string) {
	if len(files) == 0 {
		return // lint/unreadable: a read failure cannot be written as an example
	}
	fmt.Fprintf(b, "## %s\n\n", title)
	for _, p := range slices.Sorted(mapKeys(files)) {
		content := strings.ReplaceAll(files[p], "\x00", "␀") // lint/skipped's binary file, shown
		if !strings.HasSuffix(content, "\n") {
			content += "\n"
		}
		fence := "```"
		for strings.Contains(content, fence) {
			fence += "`"
		}
		fmt.Fprintf(b, "`%s`:\n\n%s%s\n%s%s\n\n", p, fence, language(p), content, fence)
	}
}

func language(p string) string {
	switch path.Ext(p) {
	case ".yaml", ".yml":
		return "yaml"
	case ".md":
		return "markdown"
	case ".json":
		return "json"
	}
	return "text"
}

func mapKeys(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func escapeCell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

func writeFile(p, content string) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, []byte(content), 0o644)
}
