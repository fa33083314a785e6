package docs

import (
	"path"
	"strings"

	"github.com/platform-team/platform/internal/lint"
)

// siteIndex is what the links rule knows of the static sites of a
// repository: the MkDocs sites (by docs_dir) and the Hugo sites (by their
// content directory), computed once per repository.
type siteIndex struct {
	mkdocs []*mkdocsConfig
	// hugoContent are the content/ directories of Hugo sites.
	hugoContent []string
}

// hugoConfigs are the files that make a directory with a content/
// subdirectory a Hugo site.
var hugoConfigs = []string{"hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json", "config.toml"}

func sitesOf(repo *lint.Repo) *siteIndex {
	return repo.Cached("docs.sites", func() any {
		x := &siteIndex{}
		for _, f := range repo.Files() {
			if isMkdocs(f) {
				if c := mkdocsOf(f); c.root != nil {
					x.mkdocs = append(x.mkdocs, c)
				}
			}
			for _, name := range hugoConfigs {
				if f.Name() == name {
					content := path.Join(path.Dir(f.Path), "content")
					if repo.IsDir(content) {
						x.hugoContent = append(x.hugoContent, content)
					}
				}
			}
		}
		return x
	}).(*siteIndex)
}

// within reports whether p is dir or under it.
func within(p, dir string) bool {
	return dir == "." || strings.HasPrefix(p, dir) && (len(p) == len(dir) || p[len(dir)] == '/')
}

// mkdocsSite returns the MkDocs site whose docs_dir holds the page, the
// innermost one, or nil.
func (x *siteIndex) mkdocsSite(page string) *mkdocsConfig {
	var best *mkdocsConfig
	for _, c := range x.mkdocs {
		if within(page, c.docsDir) && (best == nil || len(c.docsDir) > len(best.docsDir)) {
			best = c
		}
	}
	return best
}

// hugoSite returns the content directory of the Hugo site the page is
// content of, or "".
func (x *siteIndex) hugoSite(page string) string {
	for _, d := range x.hugoContent {
		if within(page, d) {
			return d
		}
	}
	return ""
}

// hugoRoute reports whether a route-style link of a Hugo page names a page or
// a static file of the site: /x is content/x.md, content/x/_index.md,
// content/x/index.md or static/x; a relative x is resolved from the page's
// directory and from the page's own URL (page/ for page.md).
func hugoRoute(repo *lint.Repo, content, page, target string) bool {
	root := path.Dir(content)
	var cands []string
	if strings.HasPrefix(target, "/") {
		rel := path.Clean(strings.TrimLeft(target, "/"))
		cands = append(cands, path.Join(content, rel), path.Join(root, "static", rel))
	} else {
		dir := path.Dir(page)
		cands = append(cands, path.Join(dir, target))
		base := path.Base(page)
		if stem := strings.TrimSuffix(base, path.Ext(base)); stem != "_index" && stem != "index" {
			cands = append(cands, path.Join(dir, stem, target))
		}
		for _, c := range cands {
			if rel, ok := strings.CutPrefix(c, content+"/"); ok {
				cands = append(cands, path.Join(root, "static", rel))
			}
		}
	}
	for _, c := range cands {
		if repo.Exists(c) || repo.IsDir(c) || repo.Exists(c+".md") ||
			repo.Exists(path.Join(c, "_index.md")) || repo.Exists(path.Join(c, "index.md")) {
			return true
		}
	}
	return false
}
