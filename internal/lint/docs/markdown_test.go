package docs

import (
	"fmt"
	"strings"
	"testing"
)

// h formats a heading as "L:C level text".
func h(x Heading) string { return fmt.Sprintf("%d:%d h%d %s", x.Line, x.Column, x.Level, x.Text) }

// l formats a link as "L:C dest" with markers for images, references, definitions.
func l(x Link) string {
	s := fmt.Sprintf("%d:%d %s", x.Line, x.Column, x.Dest)
	switch {
	case x.Def:
		s += " def[" + x.Label + "]"
	case x.Undefined:
		s += " undefined[" + x.Label + "]"
	case x.Label != "":
		s += " ref[" + x.Label + "]"
	}
	if x.Image {
		s += " image"
	}
	if x.HTML {
		s += " html"
	}
	return s
}

func TestParseMarkdownHeadings(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
	}{
		{"atx", "# One\n\n## Two ##\n### Three #not-closing\n####### seven\n#nospace\n", []string{"1:1 h1 One", "3:1 h2 Two", "4:1 h3 Three #not-closing"}},
		{"atx indented and explicit id", "   ## Getting started {#start}\n", []string{"1:4 h2 Getting started"}},
		{"setext", "Title\n=====\n\nSub title\nsecond line\n---\n", []string{"1:1 h1 Title", "4:1 h2 Sub title second line"}},
		{"thematic break is no heading", "Text\n\n---\n\n- item\n---\n", nil},
		{"table is no setext heading", "| a | b |\n---\n", nil},
		{"fenced code", "```md\n# not a heading\n```\n~~~~\n# nor this\n~~~\n# still code\n~~~~~\n# Real\n", []string{"9:1 h1 Real"}},
		{"unclosed fence", "```\n# hidden\n", nil},
		{"backtick fence with backticks in info is no fence", "``` a`b\n# Heading\n", []string{"2:1 h1 Heading"}},
		{"indented code", "Para\n\n    # code\n\n# After\n", []string{"5:1 h1 After"}},
		{"blockquote", "> ## Quoted\n", []string{"1:3 h2 Quoted"}},
		{"front matter", "---\ntitle: x\n# no\n---\n# Yes\n", []string{"5:1 h1 Yes"}},
		{"html comment", "<!--\n# hidden\n-->\n# Shown <!-- note -->\n", []string{"4:1 h1 Shown"}},
		{"markup removed", "## [Link](https://x.example) and `code` **bold**\n", []string{"1:1 h2 Link and code bold"}},
		{"crlf", "# One\r\n\r\nTwo\r\n===\r\n", []string{"1:1 h1 One", "3:1 h1 Two"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, x := range ParseMarkdown([]byte(tt.src)).Headings {
				got = append(got, h(x))
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("headings:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestParseMarkdownLinks(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
	}{
		{"inline", "See [the docs](docs/index.md) and ![logo](img/logo.png \"Logo\").\n", []string{"1:5 docs/index.md", "1:35 img/logo.png image"}},
		{"angle brackets and parentheses", "[a](<my file.md>) [b](x_(1).md) [c](d.md 'title') [e](f.md (title))\n", []string{"1:1 my file.md", "1:19 x_(1).md", "1:33 d.md", "1:51 f.md"}},
		{"escapes", "\\[not](a.md) [yes](b\\_c.md)\n", []string{"1:14 b_c.md"}},
		{"badge", "[![build](https://ci.example/badge.svg)](https://ci.example)\n", []string{"1:2 https://ci.example/badge.svg image", "1:1 https://ci.example"}},
		{"no link in link", "[outer [inner](a.md)](b.md)\n", []string{"1:8 a.md"}},
		{"code span", "`[no](a.md)` and ``[nor](`b`.md)`` but [yes](c.md)\n", []string{"1:40 c.md"}},
		{"unmatched backticks", "`[yes](a.md)\n", []string{"1:2 a.md"}},
		{"fenced and indented code", "```\n[no](a.md)\n```\n\n    [no](b.md)\n\n[yes](c.md)\n", []string{"7:1 c.md"}},
		{"list continuation is not code", "- item\n\n    [yes](a.md)\n", []string{"3:5 a.md"}},
		{"fence inside list", "1. step\n\n     ```sh\n     [no](a.md)\n     ```\n", nil},
		{"multi-line link text", "see [the\nrunbook](docs/runbook.md)\n", []string{"1:5 docs/runbook.md"}},
		{"destination on the next line", "[a](\nb.md)\n", []string{"1:1 b.md"}},
		{"references", "[full][api], [collapsed][], [Shortcut], [missing][nope], [not a ref]\n\n[api]: docs/api.md\n[collapsed]: <c.md> \"T\"\n[shortcut]: s.md\n", []string{
			"3:1 docs/api.md def[api]", "4:1 c.md def[collapsed]", "5:1 s.md def[shortcut]",
			"1:1 docs/api.md ref[api]", "1:14 c.md ref[collapsed]", "1:29 s.md ref[shortcut]", "1:41  undefined[nope]",
		}},
		{"array indexing is no reference", "use matrix[i][j] here\n", nil},
		{"task list and footnotes", "- [ ] todo\n- [x] done\n\nText[^1].\n\n[^1]: note\n", nil},
		{"html", "<a href=\"a.md\">a</a> <img src='img/x.png' alt=\"\"> <a name=\"here\"></a>\n", []string{"1:1 a.md html", "1:22 img/x.png image html"}},
		{"html comment", "<!-- [no](a.md) -->[yes](b.md)\n<!--\n[no](c.md)\n-->\n", []string{"1:20 b.md"}},
		{"column counts characters", "Déjà vu: [x](a.md)\n", []string{"1:10 a.md"}},
		{"blockquote", "> see [x](a.md)\n", []string{"1:7 a.md"}},
		{"heading link", "## See [x](a.md)\n", []string{"1:8 a.md"}},
		{"autolink is not a link to check", "<https://example.com> [x]\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, x := range ParseMarkdown([]byte(tt.src)).Links {
				got = append(got, l(x))
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("links:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestAnchors(t *testing.T) {
	src := `# Getting Started!
## Roll back
## Roll back
## A -- B & C
## Déjà vu
## Custom {#my-id}
## ` + "`code`" + ` and [link](x.md)
<span id="Manual-Anchor"></span>
`
	m := ParseMarkdown([]byte(src))
	for _, a := range []string{
		"getting-started", "roll-back", "roll-back-1", "roll-back_1",
		"a----b--c", "a-b-c", "déjà-vu", "deja-vu", "d%C3%A9j%C3%A0-vu", "my-id", "custom-my-id", "code-and-link",
		"Manual-Anchor", "top", "",
	} {
		if !m.HasAnchor(a) {
			t.Errorf("anchor %q not found; have %v", a, m.anchors)
		}
	}
	// Fragments are case-sensitive, as in a browser.
	for _, a := range []string{"roll-back-2", "started", "custom", "x-md", "Getting-Started", "manual-anchor"} {
		if m.HasAnchor(a) {
			t.Errorf("anchor %q found, but no heading has it", a)
		}
	}
}

func TestSlugs(t *testing.T) {
	tests := []struct{ text, github, mkdocs string }{
		{"Getting started", "getting-started", "getting-started"},
		{"What's new in v1.2?", "whats-new-in-v12", "whats-new-in-v12"},
		{"snake_case and  spaces", "snake_case-and--spaces", "snake_case-and-spaces"},
		{"Über 100%", "über-100", "uber-100"},
		{"日本語", "日本語", ""},
		// Python-Markdown keeps a trailing (or leading) hyphen.
		{"Drawers (drawer-*)", "drawers-drawer-", "drawers-drawer-"},
		{"- leading -- dash -", "--leading----dash--", "-leading-dash-"},
		{"on_<event_name>()", "on_event_name", "on_event_name"},
	}
	for _, tt := range tests {
		if got := githubSlug(tt.text); got != tt.github {
			t.Errorf("githubSlug(%q) = %q, want %q", tt.text, got, tt.github)
		}
		if got := mkdocsSlug(tt.text); got != tt.mkdocs {
			t.Errorf("mkdocsSlug(%q) = %q, want %q", tt.text, got, tt.mkdocs)
		}
	}
}

func FuzzParseMarkdown(f *testing.F) {
	for _, s := range []string{
		"# a\n[b](c.md#d)\n", "```\n[x](y)\n```\n", "[a][b]\n\n[b]: c\n", "a\n===\n", "`` ` ``[x](y)",
		"<!-- [a](b) -->", "> # q\n> ```\n", "![a](<b c>)", "[[[[]]]](", "\t\t- [x](y)\n\n\t\t\t[z](w)\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m := ParseMarkdown(data)
		lines := len(splitLines(data))
		for _, x := range m.Headings {
			if x.Line < 1 || x.Line > lines || x.Column < 1 || x.Level < 1 || x.Level > 6 {
				t.Fatalf("bad heading %+v (%d lines)", x, lines)
			}
		}
		for _, x := range m.Links {
			if x.Line < 1 || x.Line > lines || x.Column < 1 {
				t.Fatalf("bad link %+v (%d lines)", x, lines)
			}
		}
		m.HasAnchor(string(data))
	})
}
