package docs

import (
	"fmt"
	"path"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/platform-team/platform/internal/lint"
)

// mkdocsConfig is what the rules read of an mkdocs.yml.
type mkdocsConfig struct {
	// root is the configuration mapping; nil when the file is not one.
	root *yaml.Node
	err  *lint.SyntaxError
	// docsDir is docs_dir relative to the repository root.
	docsDir string
	// docsDirNode is the docs_dir value, nil when defaulted.
	docsDirNode *yaml.Node
	// includes are the mkdocs.yml files the nav includes (monorepo plugin).
	includes []navEntry
	// pages are the other nav entries that are paths.
	pages []navEntry
	// autorefs is true when a plugin (autorefs, mkdocstrings) resolves
	// reference links that have no Markdown definition.
	autorefs bool
}

// navEntry is a nav value and the repository path it resolves to.
type navEntry struct {
	node   *yaml.Node
	value  string
	target string
}

// mkdocsOf parses an mkdocs.yml once.
func mkdocsOf(f *lint.File) *mkdocsConfig {
	return f.Cached("docs.mkdocs", func() any {
		c := &mkdocsConfig{}
		docs, err := f.YAML()
		c.err = err
		if len(docs) == 0 {
			return c
		}
		root := lint.Deref(docs[0])
		if root == nil || root.Kind != yaml.MappingNode {
			return c
		}
		c.root = root
		dir := path.Dir(f.Path)
		c.docsDir = path.Join(dir, "docs")
		if n := lint.Lookup(root, "docs_dir"); n != nil && n.Kind == yaml.ScalarNode && n.Tag == "!!str" && strings.TrimSpace(n.Value) != "" {
			c.docsDirNode = n
			if strings.HasPrefix(n.Value, "/") {
				c.docsDir = path.Clean(strings.TrimLeft(n.Value, "/"))
			} else {
				c.docsDir = path.Join(dir, n.Value)
			}
		}
		if plugins := lint.Deref(lint.Lookup(root, "plugins")); plugins != nil {
			var names []string
			switch plugins.Kind {
			case yaml.SequenceNode:
				for _, p := range plugins.Content {
					if p = lint.Deref(p); p == nil {
						continue
					}
					if p.Kind == yaml.ScalarNode {
						names = append(names, p.Value)
					} else if p.Kind == yaml.MappingNode && len(p.Content) > 0 {
						names = append(names, p.Content[0].Value)
					}
				}
			case yaml.MappingNode:
				for i := 0; i < len(plugins.Content); i += 2 {
					names = append(names, plugins.Content[i].Value)
				}
			}
			for _, n := range names {
				if n == "autorefs" || n == "mkdocstrings" {
					c.autorefs = true
				}
			}
		}
		budget := maxNavNodes
		walkNav(lint.Lookup(root, "nav"), &budget, func(n *yaml.Node) {
			v := strings.TrimSpace(n.Value)
			if inc, ok := strings.CutPrefix(v, "!include "); ok || n.Tag == "!include" {
				if !ok {
					inc = v
				}
				inc = strings.TrimSpace(inc)
				c.includes = append(c.includes, navEntry{node: n, value: inc, target: path.Join(dir, inc)})
				return
			}
			if v == "" || n.Tag == "!!null" || hasScheme(v) || strings.Contains(v, "{{") {
				return
			}
			page, _, _ := strings.Cut(v, "#")
			c.pages = append(c.pages, navEntry{node: n, value: v, target: path.Join(c.docsDir, strings.TrimLeft(page, "/"))})
		})
		return c
	}).(*mkdocsConfig)
}

// maxNavNodes bounds the nodes a nav walk visits: aliases can make a small
// file an exponentially large tree.
const maxNavNodes = 100000

// walkNav visits the scalar values of a nav: a list of pages, "Title: page"
// maps and nested sections.
func walkNav(n *yaml.Node, budget *int, visit func(*yaml.Node)) {
	n = lint.Deref(n)
	if n == nil || *budget <= 0 {
		return
	}
	*budget--
	switch n.Kind {
	case yaml.SequenceNode:
		for _, item := range n.Content {
			walkNav(item, budget, visit)
		}
	case yaml.MappingNode:
		for i := 1; i < len(n.Content); i += 2 {
			walkNav(n.Content[i], budget, visit)
		}
	case yaml.ScalarNode:
		visit(n)
	}
}

var ruleMkdocsSyntax = lint.NewFileRule(lint.Meta{
	ID:       "docs/mkdocs-syntax",
	Severity: lint.SeverityError,
	Summary:  "mkdocs.yml is well-formed YAML: a mapping of settings",
	Doc: `TechDocs builds the documentation site with MkDocs from mkdocs.yml (or
mkdocs.yaml). When the file is not valid YAML, or is not a mapping of settings,
the build fails and Backstage shows no documentation, or an old version of it.

The finding is at the line of the syntax error. MkDocs' own tags
(!ENV, !!python/name:..., !include of the monorepo plugin) are fine.
The other docs/mkdocs rules stay silent on a file this rule reports.`,
	Bad:  map[string]string{"mkdocs.yml": "site_name: payments-api\nnav:\n  - Overview: index.md\n   - Runbook: runbook.md\n"},
	Good: map[string]string{"mkdocs.yml": "site_name: payments-api\nnav:\n  - Overview: index.md\nmarkdown_extensions:\n  - pymdownx.emoji:\n      emoji_index: !!python/name:material.extensions.emoji.twemoji\n", "docs/index.md": "# payments-api\n"},
}, isMkdocs, func(repo *lint.Repo, f *lint.File, r *lint.Reporter) {
	c := mkdocsOf(f)
	if c.err != nil {
		r.Report(f.Path, c.err.Line, c.err.Column, "invalid YAML: "+c.err.Msg, "fix the syntax: MkDocs cannot build the site")
		return
	}
	if c.root == nil {
		r.Report(f.Path, 1, 1, f.Name()+" is not a mapping of MkDocs settings", "start from: site_name: NAME, nav: [...], plugins: [techdocs-core]")
	}
})

var ruleMkdocsNav = lint.NewFileRule(lint.Meta{
	ID:       "docs/mkdocs-nav",
	Severity: lint.SeverityError,
	Summary:  "every page in the mkdocs.yml nav exists under docs_dir",
	Doc: `The nav of mkdocs.yml is the menu of the TechDocs site. A page listed there that
does not exist breaks the build (mkdocs build --strict, which TechDocs CI
should use) or leaves a dead menu entry.

Every nav entry, at any depth ("- page.md", "- Title: page.md", sections with
nested lists), is resolved under docs_dir (default docs, relative to
mkdocs.yml) and must exist. URLs are skipped. An "!include path/mkdocs.yml" of
the monorepo plugin is resolved relative to mkdocs.yml and must exist too. The
finding is at the entry's line.

Without a nav, MkDocs builds the menu from the files of docs_dir: nothing to
check.`,
	Bad: map[string]string{
		"mkdocs.yml":    "site_name: payments-api\nnav:\n  - Overview: index.md\n  - Operations:\n      - Runbook: runbook.md\n",
		"docs/index.md": "# payments-api\n",
	},
	Good: map[string]string{
		"mkdocs.yml":      "site_name: payments-api\nnav:\n  - Overview: index.md\n  - Operations:\n      - Runbook: runbook.md\n      - Status: https://status.example.com\n",
		"docs/index.md":   "# payments-api\n",
		"docs/runbook.md": "# Runbook\n",
	},
}, isMkdocs, func(repo *lint.Repo, f *lint.File, r *lint.Reporter) {
	c := mkdocsOf(f)
	if c.err != nil || c.root == nil {
		return
	}
	for _, e := range c.pages {
		if !repo.Exists(e.target) {
			r.Report(f.Path, e.node.Line, e.node.Column,
				fmt.Sprintf("nav entry %s: %s does not exist", e.value, e.target),
				fmt.Sprintf("create %s, or fix the entry: nav paths are relative to docs_dir (%s)", e.target, c.docsDir))
		}
	}
	for _, e := range c.includes {
		if !repo.Exists(e.target) && !hasMkdocs(repo, e.target) {
			r.Report(f.Path, e.node.Line, e.node.Column,
				fmt.Sprintf("nav entry !include %s: %s does not exist", e.value, e.target),
				"fix the path: !include paths are relative to "+f.Path)
		}
	}
})

var ruleIndex = lint.NewFileRule(lint.Meta{
	ID:       "docs/index",
	Severity: lint.SeverityError,
	Summary:  "an MkDocs site has a home page: index.md under docs_dir",
	Doc: `MkDocs serves docs_dir/index.md (or docs_dir/README.md) as the first page of the
site, and TechDocs opens it when someone clicks "Docs" on the entity. Without
it, the site's root is a 404 and the build warns.

When mkdocs.yml (or mkdocs.yaml) exists, its docs_dir (default docs, relative
to mkdocs.yml) must hold index.md or README.md. The finding is at docs_dir,
or at line 1 when docs_dir is not set.`,
	Bad: map[string]string{
		"mkdocs.yml":      "site_name: payments-api\n",
		"docs/runbook.md": "# Runbook\n",
	},
	Good: map[string]string{
		"mkdocs.yml":         "site_name: payments-api\ndocs_dir: site-src\n",
		"site-src/index.md":  "# payments-api\n",
		"docs/unrelated.txt": "not the docs_dir\n",
	},
}, isMkdocs, func(repo *lint.Repo, f *lint.File, r *lint.Reporter) {
	c := mkdocsOf(f)
	if c.err != nil || c.root == nil {
		return
	}
	if repo.Exists(path.Join(c.docsDir, "index.md")) || repo.Exists(path.Join(c.docsDir, "README.md")) {
		return
	}
	line, col := 1, 1
	if c.docsDirNode != nil {
		line, col = c.docsDirNode.Line, c.docsDirNode.Column
	}
	index := path.Join(c.docsDir, "index.md")
	r.Report(f.Path, line, col,
		fmt.Sprintf("the site has no home page: %s does not exist", index),
		fmt.Sprintf("add %s: MkDocs and TechDocs open it first", index))
})

var ruleTechDocs = lint.NewFileRule(lint.Meta{
	ID:       "docs/techdocs",
	Severity: lint.SeverityWarning,
	Summary:  "every MkDocs site of a catalogued repository is published to TechDocs",
	Doc: `Documentation that TechDocs does not publish is documentation nobody finds: it
is not on the entity's "Docs" tab, and it is not searched.

In a repository with a catalog-info.yaml, every mkdocs.yml (or mkdocs.yaml),
at any depth, must be published: some entity of a catalog-info.yaml of the
repository has backstage.io/techdocs-ref: dir:PATH naming its directory
(relative to that catalog-info.yaml), or another mkdocs.yml includes it with
the monorepo plugin's "!include path/mkdocs.yml". A url: reference in the
catalog-info.yaml next to it counts as publishing it. The finding is at line 1
of the unpublished mkdocs.yml. A repository without catalog-info.yaml is not in
Backstage, and the rule stays silent.

How this differs from catalog/techdocs-ref, which checks the catalog side:
that rule reports on catalog-info.yaml when an mkdocs.yml or docs/ sits next to
it and no entity of the file has a techdocs-ref annotation, and when a dir:
reference points at a directory without mkdocs.yml. This rule covers the other
sites of the tree: an mkdocs.yml in a subdirectory (a monorepo's second
service, a docs site in site/) that no annotation points at. It does not report
an mkdocs.yml next to a catalog-info.yaml without any techdocs-ref: that is
catalog/techdocs-ref's finding, and one is enough.

Fix: add backstage.io/techdocs-ref: dir:PATH to the entity the site documents,
or include the site from the published mkdocs.yml, or delete the stale site.`,
	Bad: map[string]string{
		"catalog-info.yaml":              techDocsCatalog,
		"mkdocs.yml":                     "site_name: payments\n",
		"docs/index.md":                  "# payments\n",
		"services/refunds/mkdocs.yml":    "site_name: refunds\n",
		"services/refunds/docs/index.md": "# refunds\n",
	},
	Good: map[string]string{
		"catalog-info.yaml": techDocsCatalog + `---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: refunds
  annotations:
    backstage.io/techdocs-ref: dir:services/refunds
spec:
  type: service
  lifecycle: production
  owner: group:payments
`,
		"mkdocs.yml":                     "site_name: payments\n",
		"docs/index.md":                  "# payments\n",
		"services/refunds/mkdocs.yml":    "site_name: refunds\n",
		"services/refunds/docs/index.md": "# refunds\n",
	},
}, isMkdocs, checkTechDocs)

const techDocsCatalog = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payments
  annotations:
    backstage.io/techdocs-ref: dir:.
spec:
  type: service
  lifecycle: production
  owner: group:payments
`

// techDocsIndex is what the repository publishes to TechDocs, computed once
// per repository.
type techDocsIndex struct {
	catalogs []*lint.File
	// published are the directories a techdocs-ref (dir:, or url: next to
	// its catalog-info.yaml) points at.
	published map[string]bool
	// included are the targets of the monorepo plugin's !include entries.
	included map[string]bool
}

func techDocsOf(repo *lint.Repo) *techDocsIndex {
	return repo.Cached("docs.techdocs", func() any {
		x := &techDocsIndex{published: map[string]bool{}, included: map[string]bool{}}
		for _, f := range repo.Files() {
			switch {
			case isCatalog(f):
				x.catalogs = append(x.catalogs, f)
				cdir := path.Dir(f.Path)
				for _, n := range catalogRefs(f) {
					v := strings.TrimSpace(n.Value)
					if d, ok := strings.CutPrefix(v, "dir:"); ok {
						x.published[path.Join(cdir, strings.TrimSpace(d))] = true
					} else if strings.HasPrefix(v, "url:") {
						x.published[cdir] = true
					}
				}
			case isMkdocs(f):
				for _, inc := range mkdocsOf(f).includes {
					x.included[inc.target] = true
				}
			}
		}
		return x
	}).(*techDocsIndex)
}

func checkTechDocs(repo *lint.Repo, f *lint.File, r *lint.Reporter) {
	x := techDocsOf(repo)
	dir := path.Dir(f.Path)
	if len(x.catalogs) == 0 || x.published[dir] || x.included[dir] || x.included[f.Path] {
		return
	}
	var sibling *lint.File
	for _, c := range x.catalogs {
		if path.Dir(c.Path) == dir {
			sibling = c
			break
		}
	}
	if sibling != nil && len(catalogRefs(sibling)) == 0 && hasKind(sibling, "Component") {
		return // catalog/techdocs-ref reports this one on catalog-info.yaml
	}
	ref := "dir:" + dir
	where := "the catalog-info.yaml of the entity it documents"
	if sibling != nil {
		ref = "dir:."
		where = sibling.Path
	} else if len(x.catalogs) == 1 {
		where = x.catalogs[0].Path
		if rel, ok := strings.CutPrefix(dir, path.Dir(x.catalogs[0].Path)+"/"); ok {
			ref = "dir:" + rel
		}
	}
	shown := dir
	if dir == "." {
		shown = "the root directory"
	}
	r.Report(f.Path, 1, 1,
		fmt.Sprintf("%s is not published: no backstage.io/techdocs-ref in the repository's catalog points at %s", f.Path, shown),
		fmt.Sprintf("add backstage.io/techdocs-ref: %s to the entity in %s, or !include this site from the published mkdocs.yml", ref, where))
}
