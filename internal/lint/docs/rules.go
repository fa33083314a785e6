// Package docs is the docs/* rule family of `platform lint`: a README with the
// organisation's sections, Markdown links and anchors that resolve, and an
// MkDocs (TechDocs) site whose nav, home page and publication hold together.
//
// Markdown is read by the small scanner of this package (ParseMarkdown), once
// per file, and shared by the rules through File.Cached.
package docs

import (
	"path"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/platform-team/platform/internal/lint"
)

// Rules returns every rule of the family, sorted by ID.
func Rules() []lint.Rule {
	return lint.Sorted(ruleReadme, ruleReadmeSections, ruleLinks, ruleMkdocsSyntax, ruleMkdocsNav, ruleIndex, ruleTechDocs)
}

// MkDocs and catalog file names.
var (
	mkdocsNames  = []string{"mkdocs.yml", "mkdocs.yaml"}
	catalogNames = []string{"catalog-info.yaml", "catalog-info.yml"}
)

func isMkdocs(f *lint.File) bool  { return slices.Contains(mkdocsNames, f.Name()) }
func isCatalog(f *lint.File) bool { return slices.Contains(catalogNames, f.Name()) }

// hasMkdocs reports whether dir holds an mkdocs.yml or mkdocs.yaml.
func hasMkdocs(repo *lint.Repo, dir string) bool {
	return repo.Exists(path.Join(dir, "mkdocs.yml")) || repo.Exists(path.Join(dir, "mkdocs.yaml"))
}

// hasScheme reports whether a link destination is a URL with a scheme
// (https:, mailto:, data:) or protocol-relative (//host).
func hasScheme(dest string) bool {
	if strings.HasPrefix(dest, "//") {
		return true
	}
	i := strings.IndexByte(dest, ':')
	if i <= 0 {
		return false
	}
	for j := 0; j < i; j++ {
		c := dest[j]
		letter := c|0x20 >= 'a' && c|0x20 <= 'z'
		if !letter && (j == 0 || !(c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	return true
}

// catalogRefs returns the backstage.io/techdocs-ref annotations of a catalog
// file: the value node of each.
func catalogRefs(f *lint.File) []*yaml.Node {
	docs, _ := f.YAML()
	var out []*yaml.Node
	for _, doc := range docs {
		if n := lint.Lookup(doc, "metadata", "annotations", techDocsRef); n != nil && n.Kind == yaml.ScalarNode {
			out = append(out, n)
		}
	}
	return out
}

// hasKind reports whether a catalog file has an entity of kind.
func hasKind(f *lint.File, kind string) bool {
	docs, _ := f.YAML()
	for _, doc := range docs {
		if k, _ := lint.Scalar(lint.Lookup(doc, "kind")); k == kind {
			return true
		}
	}
	return false
}

const techDocsRef = "backstage.io/techdocs-ref"
