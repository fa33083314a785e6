package docs_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/platform-team/platform/internal/lint"
	"github.com/platform-team/platform/internal/lint/docs"
	"github.com/platform-team/platform/internal/lint/linttest"
)

// ruleCase lints files with the whole family and expects exactly the
// findings of rule, each written "path:line:col: part of the message".
type ruleCase struct {
	name  string
	files map[string]string
	want  []string
}

func runCases(t *testing.T, id string, settings lint.Settings, cases []ruleCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := linttest.Of(linttest.RunWith(settings, docs.Rules(), tc.files), id)
			check(t, got, tc.want)
		})
	}
}

func check(t *testing.T, got []lint.Finding, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d findings, want %d:\n%s", len(got), len(want), dump(got))
		return
	}
	for i, f := range got {
		pos, part, _ := strings.Cut(want[i], ": ")
		ok := fmt.Sprintf("%s:%d:%d", f.Path, f.Line, f.Column) == pos
		for _, p := range strings.Split(part, " | ") {
			ok = ok && strings.Contains(f.Message+" | "+f.Hint, p)
		}
		if !ok {
			t.Errorf("finding %d:\n got %s\nwant %s", i, dump(got[i:i+1]), want[i])
		}
	}
}

func dump(fs []lint.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "  %s:%d:%d: %s | %s\n", f.Path, f.Line, f.Column, f.Message, f.Hint)
	}
	return b.String()
}

const readme = "# svc\n\n## Overview\n\n## Getting started\n\n## Testing\n\n## Deployment\n\n## Documentation\n\n## Ownership\n"

func TestReadme(t *testing.T) {
	runCases(t, "docs/readme", linttest.Settings, []ruleCase{
		{"missing", map[string]string{"docs/index.md": "# x\n", "sub/README.md": "# sub\n"}, []string{"README.md:0:0: has no README.md"}},
		{"present", map[string]string{"README.md": readme}, nil},
		{"lower case", map[string]string{"readme.md": readme}, nil},
		{"plain README", map[string]string{"README": "svc\n"}, nil},
	})
	t.Run("partial lint", func(t *testing.T) {
		repo := lint.NewRepo("", linttest.Settings, []*lint.File{lint.NewFile("docs/index.md", []byte("# x\n"))})
		repo.Whole = false
		if got := linttest.Of(lint.Check(context.Background(), repo, docs.Rules(), 1), "docs/readme"); len(got) > 0 {
			t.Errorf("docs/readme ran on a partial lint: %s", dump(got))
		}
	})
}

func TestReadmeSections(t *testing.T) {
	runCases(t, "docs/readme-sections", linttest.Settings, []ruleCase{
		{"all", map[string]string{"README.md": readme}, nil},
		{"missing and wrong level", map[string]string{"README.md": "# svc\n\n## Overview\n\n## Getting started\n\n### Testing\n\n## Deployment\n\n## Documentation\n"},
			[]string{`README.md:1:1: README.md lacks 2 required sections: Testing, Ownership | add level-2 headings: ## Testing, ## Ownership ("Testing" is a level-3 heading: make it level 2)`}},
		{"case, punctuation, spaces and setext", map[string]string{"README.md": "# svc\n\n## OVERVIEW:\n\n## getting   started\n\nTesting.\n--------\n\n## Deployment!\n\n## Documentation\n\n## Ownership\n"}, nil},
		{"headings in code do not count", map[string]string{"README.md": strings.Replace(readme, "## Ownership\n", "```\n## Ownership\n```\n", 1)},
			[]string{"README.md:1:1: lacks 1 required section: Ownership"}},
		{"other words do not count", map[string]string{"README.md": strings.Replace(readme, "## Testing", "## Tests", 1)},
			[]string{"README.md:1:1: Testing"}},
		{"only the root README", map[string]string{"README.md": readme, "docs/README.md": "# docs\n"}, nil},
		{"README.md is preferred", map[string]string{"README.md": readme, "README": "plain\n"}, nil},
	})
	runCases(t, "docs/readme-sections", lint.Settings{ReadmeSections: []string{"Runbook"}}, []ruleCase{
		{"organisation's list", map[string]string{"README.md": readme}, []string{"README.md:1:1: lacks 1 required section: Runbook"}},
	})
	runCases(t, "docs/readme-sections", lint.Settings{}, []ruleCase{
		{"no list", map[string]string{"README.md": "# svc\n"}, nil},
	})
}

func TestLinks(t *testing.T) {
	target := map[string]string{
		"docs/index.md":   "# Overview\n\n## Endpoints\n\n## Roll back\n",
		"docs/my file.md": "# Spaces\n",
		"main.go":         "package main\n",
	}
	with := func(files map[string]string) map[string]string {
		out := map[string]string{}
		for k, v := range target {
			out[k] = v
		}
		for k, v := range files {
			out[k] = v
		}
		return out
	}
	runCases(t, "docs/links", linttest.Settings, []ruleCase{
		{"resolving links", with(map[string]string{"README.md": `# svc

[docs](docs/index.md), [dir](docs/), [dir2](./docs), [root](/main.go), [anchor](docs/index.md#roll-back),
[case](docs/index.md#endpoints), [self](#svc), [top](#top), [line](main.go#L3), [md line](docs/index.md#L1-L2),
[escaped](docs/my%20file.md), [query](docs/index.md?plain=1#endpoints), [web](https://example.com/x.md),
[mail](mailto:a@example.com), [proto](//cdn.example.com/x.js), [here](.), ![img](<docs/my file.md>)
<a href="docs/index.md#endpoints">html</a>
`}), nil},
		{"missing files", with(map[string]string{"README.md": "# svc\n\nSee [runbook](docs/run-book.md).\n  ![logo](img/logo.png)\n"}), []string{
			"README.md:3:5: link docs/run-book.md: docs/run-book.md does not exist | relative to README.md",
			"README.md:4:3: image img/logo.png: img/logo.png does not exist",
		}},
		{"relative to the file", with(map[string]string{"docs/guide/setup.md": "[up](../index.md) [wrong](index.md) [root](/docs/index.md) [bad root](/index.md)\n"}), []string{
			"docs/guide/setup.md:1:19: link index.md: docs/guide/index.md does not exist",
			"docs/guide/setup.md:1:60: link /index.md: index.md does not exist | relative to the repository root",
		}},
		{"outside the repository", with(map[string]string{"README.md": "[x](../other/README.md)\n"}), []string{"README.md:1:1: ../other/README.md does not exist"}},
		{"missing anchors", with(map[string]string{"README.md": "# svc\n\n[a](docs/index.md#rollback) [b](#nope)\n"}), []string{
			"README.md:3:1: link docs/index.md#rollback: docs/index.md has no heading with the anchor #rollback | #overview, #endpoints, #roll-back",
			"README.md:3:29: link #nope: no heading of this file has that anchor | #svc",
		}},
		{"mkdocs site", map[string]string{
			"site/mkdocs.yml":              "site_name: s\nplugins: [search, {mkdocstrings: {}}]\n",
			"site/docs/index.md":           "# Home\n\n[a](/guide/) [b](guide) [c](/img/logo.png) [d](/nope.png) [api][pkg.Client] [e](guide/#Setup)\n",
			"site/docs/guide/index.md":     "# Guide\n\n## Setup\n\n[up](sub) [x](../index.md#home)\n",
			"site/docs/guide/sub.md":       "# Sub\n\n[in the page URL](child) [next to the file](index.md) [y][def]\n\n[def]: ../index.md\n",
			"site/docs/guide/sub/child.md": "# Child\n",
			"site/docs/img/logo.png":       "",
		}, []string{
			"site/docs/index.md:3:44: link /nope.png: site/docs/nope.png does not exist | docs_dir site/docs",
			"site/docs/index.md:3:77: link guide/#Setup: site/docs/guide/index.md has no heading with the anchor #Setup",
		}},
		{"hugo site", map[string]string{
			"hugo.toml":              "title = 's'\n",
			"content/_index.md":      "# Home\n\n[a](/docs/) [b](/docs/setup) [c](/docs/gone/) [d](missing.md)\n",
			"content/docs/_index.md": "# Docs\n",
			"content/docs/setup.md":  "# Setup\n\n[up](../) [side](../other)\n",
		}, []string{
			"content/_index.md:3:30: link /docs/gone/: no page or static file of the Hugo site has that route",
			"content/_index.md:3:47: link missing.md: content/missing.md does not exist",
			"content/docs/setup.md:3:11: link ../other: no page or static file",
		}},
		{"references", with(map[string]string{"README.md": "[ok][a] [broken][b] [undefined][c]\n\n[a]: docs/index.md\n[b]: docs/missing.md\n"}), []string{
			"README.md:1:21: link reference [c] has no definition",
			"README.md:4:1: link docs/missing.md: docs/missing.md does not exist",
		}},
		{"brackets in prose", with(map[string]string{"README.md": "A reference is [kind:][namespace/]name.\n"}), nil},
		{"code is not checked", with(map[string]string{"README.md": "`[a](x.md)`\n\n```\n[b](y.md)\n```\n\n    [c](z.md)\n<!-- [d](w.md) -->\n"}), nil},
		{"html", with(map[string]string{"README.md": "<img src=\"docs/logo.svg\">\n"}), []string{"README.md:1:1: image docs/logo.svg: docs/logo.svg does not exist"}},
		{"template placeholders", with(map[string]string{"README.md": "[x]({{ .values.url }})\n"}), nil},
		{"fragment of a non-Markdown file", with(map[string]string{"README.md": "[x](main.go#main)\n"}), nil},
	})
	t.Run("ignored file on disk", func(t *testing.T) {
		root := t.TempDir()
		if err := os.WriteFile(filepath.Join(root, "generated.md"), []byte("# Gen\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		repo := lint.NewRepo(root, linttest.Settings, []*lint.File{lint.NewFile("README.md", []byte("[g](generated.md#anything)\n"))})
		if got := linttest.Of(lint.Check(context.Background(), repo, docs.Rules(), 1), "docs/links"); len(got) > 0 {
			t.Errorf("a file that exists on disk was reported: %s", dump(got))
		}
	})
}

func TestMkdocs(t *testing.T) {
	runCases(t, "docs/mkdocs-syntax", linttest.Settings, []ruleCase{
		{"syntax error", map[string]string{"mkdocs.yml": "site_name: x\nnav:\n  - a: b.md\n - c: d.md\n"}, []string{"mkdocs.yml:4:1: invalid YAML"}},
		{"not a mapping", map[string]string{"mkdocs.yaml": "- a\n- b\n"}, []string{"mkdocs.yaml:1:1: not a mapping"}},
		{"tags", map[string]string{"mkdocs.yml": "site_name: !ENV [SITE, x]\nmarkdown_extensions:\n  - pymdownx.superfences:\n      custom_fences:\n        - format: !!python/name:pymdownx.superfences.fence_code_format\n"}, nil},
	})
	runCases(t, "docs/mkdocs-nav", linttest.Settings, []ruleCase{
		{"entries", map[string]string{
			"mkdocs.yml": `site_name: x
nav:
  - index.md
  - Guide:
      - Setup: guide/setup.md
      - guide/missing.md
      - Deeper:
          - Deep: deep/x.md#part
  - External: https://example.com
  - Empty:
  - Sub: '!include ./services/a/mkdocs.yml'
  - Sub2: '!include services/b/mkdocs.yml'
`,
			"docs/index.md": "# x\n", "docs/guide/setup.md": "# s\n", "services/a/mkdocs.yml": "site_name: a\n",
		}, []string{
			"mkdocs.yml:6:9: nav entry guide/missing.md: docs/guide/missing.md does not exist",
			"mkdocs.yml:8:19: nav entry deep/x.md#part: docs/deep/x.md does not exist",
			"mkdocs.yml:12:11: nav entry !include services/b/mkdocs.yml: services/b/mkdocs.yml does not exist",
		}},
		{"docs_dir", map[string]string{"site/mkdocs.yml": "site_name: x\ndocs_dir: src\nnav:\n  - Home: index.md\n  - Other: other.md\n", "site/src/index.md": "# x\n"},
			[]string{"site/mkdocs.yml:5:12: site/src/other.md does not exist | relative to docs_dir (site/src)"}},
		{"docs_dir through a merge key", map[string]string{"site/mkdocs.yml": "site_name: x\ndefaults: &defaults\n  docs_dir: src\n<<: *defaults\nnav:\n  - Home: index.md\n  - Other: other.md\n", "site/src/index.md": "# x\n"},
			[]string{"site/mkdocs.yml:7:12: site/src/other.md does not exist | relative to docs_dir (site/src)"}},
		{"no nav", map[string]string{"mkdocs.yml": "site_name: x\n"}, nil},
		{"syntax error is not reported twice", map[string]string{"mkdocs.yml": "nav: [\n"}, nil},
		{"alias bomb", map[string]string{"mkdocs.yml": `x0: &n0 [index.md]
x1: &n1 [*n0, *n0, *n0, *n0, *n0, *n0, *n0, *n0, *n0, *n0]
x2: &n2 [*n1, *n1, *n1, *n1, *n1, *n1, *n1, *n1, *n1, *n1]
x3: &n3 [*n2, *n2, *n2, *n2, *n2, *n2, *n2, *n2, *n2, *n2]
x4: &n4 [*n3, *n3, *n3, *n3, *n3, *n3, *n3, *n3, *n3, *n3]
x5: &n5 [*n4, *n4, *n4, *n4, *n4, *n4, *n4, *n4, *n4, *n4]
x6: &n6 [*n5, *n5, *n5, *n5, *n5, *n5, *n5, *n5, *n5, *n5]
x7: &n7 [*n6, *n6, *n6, *n6, *n6, *n6, *n6, *n6, *n6, *n6]
x8: &n8 [*n7, *n7, *n7, *n7, *n7, *n7, *n7, *n7, *n7, *n7]
nav: *n8
`, "docs/index.md": "# x\n"}, nil},
	})
	runCases(t, "docs/index", linttest.Settings, []ruleCase{
		{"missing", map[string]string{"mkdocs.yml": "site_name: x\n"}, []string{"mkdocs.yml:1:1: docs/index.md does not exist"}},
		{"missing under docs_dir", map[string]string{"mkdocs.yml": "site_name: x\ndocs_dir: site\n", "docs/index.md": "# x\n"}, []string{"mkdocs.yml:2:11: site/index.md does not exist"}},
		{"README as index", map[string]string{"mkdocs.yml": "site_name: x\n", "docs/README.md": "# x\n"}, nil},
		{"nested site", map[string]string{"a/mkdocs.yml": "site_name: x\n", "a/docs/index.md": "# x\n"}, nil},
	})
}

const component = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: %s
  annotations:
    %s
spec:
  type: service
  lifecycle: production
  owner: group:payments
`

func TestTechDocs(t *testing.T) {
	cat := func(name, annotation string) string { return fmt.Sprintf(component, name, annotation) }
	runCases(t, "docs/techdocs", linttest.Settings, []ruleCase{
		{"not catalogued", map[string]string{"mkdocs.yml": "site_name: x\n"}, nil},
		{"published", map[string]string{"catalog-info.yaml": cat("a", "backstage.io/techdocs-ref: dir:."), "mkdocs.yml": "site_name: x\n"}, nil},
		{"published by url", map[string]string{"catalog-info.yaml": cat("a", "backstage.io/techdocs-ref: url:https://gitlab.example.com/a/docs"), "mkdocs.yml": "site_name: x\n"}, nil},
		{"next to a catalog without annotation: catalog/techdocs-ref's finding", map[string]string{"catalog-info.yaml": cat("a", "x.example.com/k: v"), "mkdocs.yml": "site_name: x\n"}, nil},
		{"annotation points elsewhere", map[string]string{"catalog-info.yaml": cat("a", "backstage.io/techdocs-ref: dir:site"), "mkdocs.yml": "site_name: x\n", "site/mkdocs.yml": "site_name: y\n"},
			[]string{"mkdocs.yml:1:1: mkdocs.yml is not published | backstage.io/techdocs-ref: dir:. to the entity in catalog-info.yaml"}},
		{"subdirectory", map[string]string{"catalog-info.yaml": cat("a", "backstage.io/techdocs-ref: dir:."), "mkdocs.yml": "site_name: x\n", "services/b/mkdocs.yml": "site_name: b\n"},
			[]string{"services/b/mkdocs.yml:1:1: no backstage.io/techdocs-ref in the repository's catalog points at services/b | dir:services/b"}},
		{"subdirectory published by a nested catalog", map[string]string{"catalog-info.yaml": cat("a", "backstage.io/techdocs-ref: dir:."), "mkdocs.yml": "site_name: x\n", "services/b/mkdocs.yml": "site_name: b\n", "services/b/catalog-info.yaml": cat("b", "backstage.io/techdocs-ref: dir:.")}, nil},
		{"subdirectory included by the monorepo plugin", map[string]string{"catalog-info.yaml": cat("a", "backstage.io/techdocs-ref: dir:."), "mkdocs.yml": "site_name: x\nnav:\n  - B: '!include ./services/b/mkdocs.yml'\n", "services/b/mkdocs.yml": "site_name: b\n"}, nil},
	})
}

func FuzzDocsRules(f *testing.F) {
	f.Add([]byte("# a\n[b](c.md#d)\n"), []byte("nav:\n  - a.md\n"))
	f.Add([]byte("[x][y]\n\n[y]: /z\n"), []byte("docs_dir: ..\nnav: [!include x]\n"))
	f.Fuzz(func(t *testing.T, md, yml []byte) {
		files := map[string]string{
			"README.md": string(md), "docs/index.md": string(md), "mkdocs.yml": string(yml),
			"catalog-info.yaml": string(yml), "sub/mkdocs.yml": string(yml),
		}
		for _, finding := range linttest.Run(docs.Rules(), files) {
			if finding.Line < 0 || finding.Column < 0 || finding.Message == "" {
				t.Fatalf("malformed finding %+v", finding)
			}
		}
	})
}
