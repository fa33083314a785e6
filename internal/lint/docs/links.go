package docs

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/platform-team/platform/internal/lint"
)

// lineAnchor is GitHub's line fragment (#L10, #L10-L20), not a heading.
var lineAnchor = regexp.MustCompile(`^L\d+(?:C\d+)?(?:-L\d+(?:C\d+)?)?$`)

var ruleLinks = lint.NewFileRule(lint.Meta{
	ID:       "docs/links",
	Severity: lint.SeverityError,
	Summary:  "relative links and images in Markdown resolve to files and headings",
	Doc: `A link to a file that was moved or renamed, or to a heading that was reworded,
leads the reader nowhere, in GitLab as in TechDocs. The rule checks every link
and image of every Markdown file:

- inline links and images, ` + "`[text](path)` and `![alt](path)`" + `;
- reference links (` + "`[text][label]`, `[label][]`, `[label]`" + `) and their
  definitions (` + "`[label]: path`" + `): a destination is checked once, at its
  definition;
- href and src attributes of HTML a and img tags.

A relative destination is resolved from the directory of the Markdown file; one
starting with / from the root of the repository, or, for a page inside the
docs_dir of an mkdocs.yml, from that docs_dir (the site's root). It must name an
existing file or directory (an ignored file still counts). Inside a docs_dir,
a link written as the URL MkDocs serves also resolves: ` + "`getting-started/`" + ` or
` + "`getting-started`" + ` to getting-started.md or getting-started/index.md, from the
page's directory or from the page's own URL (page/). A #fragment must name a
heading of the target Markdown file, or of the same file for
` + "`[text](#fragment)`" + `: the heading's anchor as GitHub writes it (lower case,
punctuation dropped, spaces as -, -1 for a second heading of the same text) or
as MkDocs writes it (runs of spaces and - as one -, _1 for duplicates), an
explicit ` + "`{#id}`" + ` (attr_list, on a heading or any other element), or an HTML id
or name. Entities in headings (` + "`&lt;`" + `) count as the character they stand for.
Fragments are compared case-sensitively, as browsers do; #top and GitHub line
anchors (#L10) always resolve.

In a file that uses reference definitions, a ` + "`[text][label]`" + ` whose label
has no definition is reported too (it renders as plain text, brackets and
all), unless the page is in an MkDocs site whose plugins (autorefs,
mkdocstrings) resolve such references. In a file without any definition,
brackets in prose such as ` + "`[kind:][namespace/]name`" + ` are taken as text. A
line ` + "`[label]: dest`" + ` inside a paragraph is text, not a definition (CommonMark: a
definition cannot interrupt a paragraph).

Hugo sites (a directory with hugo.toml, hugo.yaml, hugo.json or config.toml
and a content/ directory) route pages by URL, not by file. In their content/,
a route-style link (any link not to a .md file) must name a page or static
file of the site: /x is content/x.md, content/x/_index.md, content/x/index.md,
or static/x; a relative x is resolved from the page's directory or from the
page's own URL (page/ for page.md). Fragments of routes are not checked.

Not checked: URLs with a scheme (https:, mailto:, data:), protocol-relative
//host links, links inside code blocks, code spans and HTML comments, and
fragments of files that are not Markdown.

Fix the path (relative to the file that links) or the fragment (look at the
heading's current text), or restore the target.`,
	Bad: map[string]string{
		"README.md":       "# payments-api\n\nSee [the runbook](docs/run-book.md) and [endpoints](docs/index.md#endpoint).\n",
		"docs/index.md":   "# Overview\n\n## Endpoints\n",
		"docs/runbook.md": "# Runbook\n",
	},
	Good: map[string]string{
		"README.md":       "# payments-api\n\nSee [the runbook](docs/runbook.md#roll-back) and [endpoints][api].\n\n[api]: docs/index.md#endpoints\n\n```sh\ncat [not](a-link.md)\n```\n",
		"docs/index.md":   "# Overview\n\n## Endpoints\n\nBack to the [top](#overview) or the [README](/README.md).\n",
		"docs/runbook.md": "# Runbook\n\nRoll back\n---------\n",
	},
}, func(f *lint.File) bool { return f.IsMarkdown() }, checkLinks)

func checkLinks(repo *lint.Repo, f *lint.File, r *lint.Reporter) {
	md := markdownOf(f)
	dir := path.Dir(f.Path)
	sites := sitesOf(repo)
	hugo := sites.hugoSite(f.Path)
	var site *mkdocsConfig
	if hugo == "" {
		site = sites.mkdocsSite(f.Path)
	}
	for _, l := range md.Links {
		if l.Undefined {
			if len(md.Defs) == 0 {
				continue // brackets in prose, not a reference-style document
			}
			if site != nil && site.autorefs {
				continue // resolved by the autorefs or mkdocstrings plugin
			}
			r.Report(f.Path, l.Line, l.Column,
				fmt.Sprintf("link reference [%s] has no definition", l.Label),
				fmt.Sprintf("add a definition line \"[%s]: path\" or fix the label", l.Label))
			continue
		}
		if l.Label != "" && !l.Def {
			continue // checked at its definition
		}
		dest := strings.TrimSpace(l.Dest)
		if dest == "" || hasScheme(dest) || strings.Contains(dest, "{{") || strings.Contains(dest, "$[[") {
			continue
		}
		what := "link"
		if l.Image {
			what = "image"
		}
		target, frag, _ := strings.Cut(dest, "#")
		target, _, _ = strings.Cut(target, "?")
		target = unescapeURL(target)
		if target == "" {
			if frag != "" && !lineAnchor.MatchString(frag) && !md.HasAnchor(frag) {
				r.Report(f.Path, l.Line, l.Column,
					fmt.Sprintf("%s #%s: no heading of this file has that anchor", what, frag),
					anchorHint(md))
			}
			continue
		}
		if hugo != "" && !isMarkdownPath(target) {
			if !hugoRoute(repo, hugo, f.Path, target) {
				r.Report(f.Path, l.Line, l.Column,
					fmt.Sprintf("%s %s: no page or static file of the Hugo site has that route", what, dest),
					"fix the route: /x is "+hugo+"/x.md, "+hugo+"/x/_index.md or static/x; a relative route starts from the page's URL")
			}
			continue // a Hugo route: fragments are not checked
		}
		var resolved string
		if strings.HasPrefix(target, "/") {
			resolved = path.Clean(strings.TrimLeft(target, "/"))
			if site != nil {
				resolved = path.Join(site.docsDir, resolved)
			}
		} else {
			resolved = path.Join(dir, target)
		}
		if site != nil && resolved != "." && !repo.Exists(resolved) {
			resolved = directoryURL(repo, f.Path, resolved, target)
		}
		if resolved != "." && !repo.Exists(resolved) && !repo.IsDir(resolved) {
			hint := "fix the path: it is relative to " + f.Path
			if strings.HasPrefix(target, "/") {
				hint = "fix the path: a path starting with / is relative to the repository root"
				if site != nil {
					hint = "fix the path: a path starting with / is relative to the site's docs_dir " + site.docsDir
				}
			}
			r.Report(f.Path, l.Line, l.Column, fmt.Sprintf("%s %s: %s does not exist", what, dest, resolved), hint)
			continue
		}
		if frag == "" || lineAnchor.MatchString(frag) || !isMarkdownPath(resolved) {
			continue
		}
		tf, ok := repo.File(resolved)
		if !ok {
			continue
		}
		if tmd := markdownOf(tf); !tmd.HasAnchor(frag) {
			r.Report(f.Path, l.Line, l.Column,
				fmt.Sprintf("%s %s: %s has no heading with the anchor #%s", what, dest, resolved, frag),
				anchorHint(tmd))
		}
	}
}

// directoryURL resolves a link of an MkDocs page written as the URL MkDocs
// serves (use_directory_urls): page/ or page for page.md, dir/ for
// dir/index.md, and relative to the page's own URL (page/) for a page other
// than an index. It returns resolved when nothing matches.
func directoryURL(repo *lint.Repo, page, resolved, target string) string {
	if isMarkdownPath(target) {
		return resolved
	}
	cands := []string{resolved}
	base := path.Base(page)
	if stem := strings.TrimSuffix(base, path.Ext(base)); stem != "index" && stem != "README" && !strings.HasPrefix(target, "/") && path.Ext(strings.TrimSuffix(target, "/")) == "" {
		cands = append(cands, path.Join(path.Dir(page), stem, target))
	}
	for _, c := range cands {
		for _, p := range []string{c + ".md", path.Join(c, "index.md"), path.Join(c, "README.md")} {
			if repo.Exists(p) {
				return p
			}
		}
		if c != resolved && (repo.Exists(c) || repo.IsDir(c)) {
			return c
		}
	}
	return resolved
}

func isMarkdownPath(p string) bool {
	ext := strings.ToLower(path.Ext(p))
	return ext == ".md" || ext == ".markdown"
}

// anchorHint lists a few of the page's anchors.
func anchorHint(md *Markdown) string {
	var list []string
	for _, h := range md.Headings {
		if len(list) == 8 {
			list = append(list, "…")
			break
		}
		list = append(list, "#"+githubSlug(h.Text))
	}
	if len(list) == 0 {
		return "the target has no headings; link to the file without a fragment"
	}
	return "anchors are the heading's text in lower case, spaces as -, punctuation dropped: " + strings.Join(list, ", ")
}
