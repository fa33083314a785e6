package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// docsPrelude makes the documented examples runnable against the script's
// fake GitLab: the group that --publish examples publish into.
const docsPrelude = "gitlab namespace payments\n"

// exitsComment is how a doc says an example fails on purpose: `# exits N`.
var exitsComment = regexp.MustCompile(`#\s*exits\s+(\d+)\b`)

// TestDocsExamples runs every example command of README.md and docs/*.md (not
// the generated docs/cli/ and docs/rules/): each `sh` code block's lines that
// start with "platform " or are "cd DIR", in order, one script per page, with
// the same environment and fake GitLab as TestScripts. Other commands (go,
// make, git, docker...) need tools or the network and are skipped. An example
// documented to fail says so with a trailing "# exits N".
func TestDocsExamples(t *testing.T) {
	root := filepath.Join("..", "..")
	pages, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	pages = append([]string{filepath.Join(root, "README.md")}, pages...)
	tmp := t.TempDir()
	for _, page := range pages {
		data, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		lines := docExamples(string(data))
		if len(lines) == 0 {
			continue
		}
		rel, _ := filepath.Rel(root, page)
		name := strings.NewReplacer("/", "_", ".md", "").Replace(filepath.ToSlash(rel))
		script := "# Examples of " + filepath.ToSlash(rel) + ", in order.\n" + docsPrelude + strings.Join(lines, "\n") + "\n"
		if err := os.WriteFile(filepath.Join(tmp, name+".txtar"), []byte(script), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d examples", rel, len(lines))
	}
	testscript.Run(t, scriptParams(tmp))
}

// docExamples turns the runnable lines of a page's `sh` blocks into script lines.
func docExamples(md string) []string {
	var blocks [][]string
	var cur []string
	in := false
	sc := bufio.NewScanner(strings.NewReader(md))
	for sc.Scan() {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		switch {
		case !in && trimmed == "```sh":
			in, cur = true, nil
		case in && strings.HasPrefix(trimmed, "```"):
			in = false
			blocks = append(blocks, cur)
		case in:
			cur = append(cur, line)
		}
	}
	var out []string
	for _, block := range blocks {
		for _, cmd := range joinContinuations(block) {
			if line, ok := scriptLine(cmd); ok {
				out = append(out, line)
			}
		}
	}
	return out
}

// joinContinuations joins lines ending in a backslash with the next one.
func joinContinuations(block []string) []string {
	var out []string
	var acc string
	for _, line := range block {
		if strings.HasSuffix(strings.TrimRight(line, " "), `\`) {
			acc += strings.TrimSuffix(strings.TrimRight(line, " "), `\`) + " "
			continue
		}
		out = append(out, acc+line)
		acc = ""
	}
	if acc != "" {
		out = append(out, acc)
	}
	return out
}

// scriptLine is the script line for one documented command, if it runs offline.
func scriptLine(cmd string) (string, bool) {
	cmd = strings.TrimSpace(cmd)
	if cmd == "" || strings.HasPrefix(cmd, "#") {
		return "", false
	}
	comment := ""
	if i := strings.Index(cmd, "  # "); i >= 0 {
		cmd, comment = strings.TrimSpace(cmd[:i]), cmd[i:]
	}
	fields := strings.Fields(cmd)
	switch {
	case len(fields) == 2 && fields[0] == "cd":
		return cmd, true
	case len(fields) >= 1 && fields[0] == "platform":
		if m := exitsComment.FindStringSubmatch(comment); m != nil {
			return fmt.Sprintf("exits %s %s", m[1], cmd), true
		}
		return "exec " + cmd, true
	}
	return "", false
}
