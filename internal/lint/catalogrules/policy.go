package catalogrules

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/platform-team/platform/internal/catalog"
	"github.com/platform-team/platform/internal/gitx"
	"github.com/platform-team/platform/internal/lint"
)

// ownerKinds are the built-in kinds with a spec.owner; the catalog resolves
// an owner without a kind as a Group for all of them.
var ownerKinds = map[string]bool{"Component": true, "API": true, "Resource": true, "System": true, "Domain": true, "Template": true}

var ruleOwnerGroup = lint.NewFileRule(lint.Meta{
	ID:       "catalog/owner-group",
	Severity: lint.SeverityWarning,
	Summary:  "entities are owned by a group, not a user",
	Doc: `Ownership belongs to teams: people change teams and leave, teams stay, and
Backstage routes questions, alerts and scorecards to the owner. spec.owner must
therefore name a Group: group:payments, group:commerce/payments, or a bare
payments (the catalog resolves an owner without a kind as a Group). An owner
such as user:jdoe, or any other kind, is reported.

Put the person in the group's members instead, and make the group the owner.
Entity references that do not parse at all are catalog/entity-ref errors.`,
	Bad: map[string]string{"catalog-info.yaml": strings.Replace(goodComponent, "owner: group:payments", "owner: user:jdoe", 1)},
	Good: map[string]string{"catalog-info.yaml": goodComponent + `---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata:
  name: payments-db
spec:
  type: database
  owner: payments
`},
}, isCatalogFile, func(_ *lint.Repo, f *lint.File, r *lint.Reporter) {
	for _, e := range entities(f) {
		if !ownerKinds[e.kind] {
			continue
		}
		n := lint.Lookup(e.doc, "spec", "owner")
		owner, ok := str(n)
		if !ok {
			continue
		}
		kind, _, name, err := catalog.ParseRef(owner, "Group", e.namespace)
		if err != nil || strings.EqualFold(kind, "group") {
			continue
		}
		line, col := at(n, e.doc)
		if strings.EqualFold(kind, "user") {
			r.Report(f.Path, line, col,
				fmt.Sprintf("%s %s is owned by a user (%s): owners are groups", e.kind, entityName(e), owner),
				fmt.Sprintf("make the person's team the owner, e.g. group:<team>, and list %s in its members", name))
			continue
		}
		r.Report(f.Path, line, col,
			fmt.Sprintf("%s %s is owned by a %s (%s): owners are groups", e.kind, entityName(e), kind, owner),
			"make a team the owner, e.g. group:payments")
	}
})

// lifecycleKinds are the built-in kinds with a spec.lifecycle.
var lifecycleKinds = map[string]bool{"Component": true, "API": true}

var ruleLifecycle = lint.NewFileRule(lint.Meta{
	ID:       "catalog/lifecycle",
	Severity: lint.SeverityWarning,
	Summary:  "spec.lifecycle is one of the organisation's lifecycles",
	Doc: `The catalog accepts any string as a lifecycle, but filters, scorecards and
dashboards only know the organisation's list: by default Backstage's own
experimental, production and deprecated. A Component or API with another
lifecycle ("beta", "prod", "Production") silently drops out of them.
Lifecycles are case-sensitive.

The list comes from the lint settings (Settings.Lifecycles); when it is empty,
the default list applies.`,
	Bad:  map[string]string{"catalog-info.yaml": strings.Replace(goodComponent, "lifecycle: production", "lifecycle: beta", 1)},
	Good: good,
}, isCatalogFile, func(repo *lint.Repo, f *lint.File, r *lint.Reporter) {
	allowed := repo.Settings.Lifecycles
	if len(allowed) == 0 {
		allowed = lint.DefaultLifecycles
	}
	for _, e := range entities(f) {
		if !lifecycleKinds[e.kind] {
			continue
		}
		n := lint.Lookup(e.doc, "spec", "lifecycle")
		lc, ok := str(n)
		if !ok || lc == "" || slices.Contains(allowed, lc) {
			continue
		}
		hint := "use one of: " + strings.Join(allowed, ", ")
		for _, a := range allowed {
			if strings.EqualFold(a, strings.TrimSpace(lc)) {
				hint = fmt.Sprintf("write it as %q: lifecycles are case-sensitive", a)
			}
		}
		line, col := at(n, e.doc)
		r.Report(f.Path, line, col,
			fmt.Sprintf("lifecycle %q of %s %s is not one of the organisation's lifecycles (%s)", lc, e.kind, entityName(e), strings.Join(allowed, ", ")),
			hint)
	}
})

var ruleTechDocsRef = lint.NewFileRule(lint.Meta{
	ID:       "catalog/techdocs-ref",
	Severity: lint.SeverityWarning,
	Summary:  "documentation next to catalog-info.yaml is published with backstage.io/techdocs-ref",
	Doc: `TechDocs publishes an entity's documentation only when the entity carries the
backstage.io/techdocs-ref annotation. When the directory of catalog-info.yaml
has an mkdocs.yml (or mkdocs.yaml) or a docs/ directory, some entity of the file
must carry it (the rule reports the first Component when none does), usually
as:

    metadata:
      annotations:
        backstage.io/techdocs-ref: dir:.

Whatever the file, an annotation of the form dir:PATH must name a directory,
relative to catalog-info.yaml, that holds mkdocs.yml or mkdocs.yaml (a path
leaving the linted tree is not checked); url:... references are not checked;
any other form is reported.`,
	Bad: map[string]string{
		"catalog-info.yaml": goodComponent,
		"mkdocs.yml":        "site_name: payments-api\n",
	},
	Good: map[string]string{
		"catalog-info.yaml": strings.Replace(goodComponent, "  annotations:\n", "  annotations:\n    backstage.io/techdocs-ref: dir:.\n", 1),
		"mkdocs.yml":        "site_name: payments-api\n",
		"docs/index.md":     "# payments-api\n",
	},
}, isCatalogFile, func(repo *lint.Repo, f *lint.File, r *lint.Reporter) {
	dir := path.Dir(f.Path)
	hasMkdocs := func(d string) bool {
		return repo.Exists(path.Join(d, "mkdocs.yml")) || repo.Exists(path.Join(d, "mkdocs.yaml"))
	}
	annotated := false
	var firstComponent *entity
	for _, e := range entities(f) {
		if e.kind == "Component" && firstComponent == nil {
			firstComponent = &e
		}
		n, ref, ok := e.annotation(catalog.AnnotationTechDocsRef)
		if n != nil {
			annotated = true
		}
		if !ok {
			continue
		}
		line, col := at(n, e.doc)
		switch {
		case strings.HasPrefix(ref, "dir:"):
			target := path.Join(dir, strings.TrimPrefix(ref, "dir:"))
			if strings.HasPrefix(strings.TrimPrefix(ref, "dir:"), "/") || target == ".." || strings.HasPrefix(target, "../") {
				continue
			}
			if !hasMkdocs(target) {
				r.Report(f.Path, line, col,
					fmt.Sprintf("%s %s points at %s, which holds no mkdocs.yml", catalog.AnnotationTechDocsRef, ref, target),
					"point it at the directory of mkdocs.yml, relative to this file: dir:. when it is next to catalog-info.yaml")
			}
		case strings.HasPrefix(ref, "url:"):
		default:
			r.Report(f.Path, line, col,
				fmt.Sprintf("%s %q is not a TechDocs reference: want dir:PATH or url:URL", catalog.AnnotationTechDocsRef, ref),
				"for documentation in this repository, write dir:. (the directory of mkdocs.yml, relative to this file)")
		}
	}
	if annotated || firstComponent == nil {
		return
	}
	var found string
	switch {
	case repo.Exists(path.Join(dir, "mkdocs.yml")):
		found = "mkdocs.yml"
	case repo.Exists(path.Join(dir, "mkdocs.yaml")):
		found = "mkdocs.yaml"
	case repo.IsDir(path.Join(dir, "docs")):
		found = "a docs/ directory"
	default:
		return
	}
	e := *firstComponent
	n := lint.Lookup(e.doc, "metadata", "annotations")
	if n == nil {
		n = lint.KeyNode(e.doc, "metadata")
	} else if k := lint.KeyNode(lint.Lookup(e.doc, "metadata"), "annotations"); k != nil {
		n = k
	}
	line, col := at(n, e.doc)
	hint := "add backstage.io/techdocs-ref: dir:. under metadata.annotations"
	if found == "a docs/ directory" {
		hint += ", and an mkdocs.yml next to catalog-info.yaml"
	}
	r.Report(f.Path, line, col,
		fmt.Sprintf("%s next to this file, but Component %s has no %s annotation: TechDocs will not publish the documentation", found, entityName(e), catalog.AnnotationTechDocsRef),
		hint)
})

var ruleProjectSlug = lint.NewFileRule(lint.Meta{
	ID:       "catalog/project-slug",
	Severity: lint.SeverityWarning,
	Summary:  "gitlab.com/project-slug is a GitLab project path, the repository's own",
	Doc: `Backstage's GitLab plugins find an entity's pipelines, merge requests and
releases through the gitlab.com/project-slug annotation. Its value is the
project's full path, group/subgroup/project: not a URL, no .git suffix, no
leading or trailing slash.

When the repository's GitLab project is known (from its git remote: upstream,
gitlab or origin, or platform.yaml's gitlab.project), the slug must name that
project; the comparison ignores case, as GitLab does. A catalog that
deliberately describes another project's entities can turn the rule off.

A missing slug is not reported: the plugins then fall back to the entity's
source location, new services do not know their project yet, and
'platform catalog init' writes the slug when the remote is known.`,
	Bad: map[string]string{"catalog-info.yaml": strings.Replace(goodComponent, "  annotations:\n",
		"  annotations:\n    gitlab.com/project-slug: https://gitlab.example.com/payments/payments-api.git\n", 1)},
	Good: map[string]string{"catalog-info.yaml": strings.Replace(goodComponent, "  annotations:\n",
		"  annotations:\n    gitlab.com/project-slug: payments/payments-api\n", 1)},
}, isCatalogFile, func(repo *lint.Repo, f *lint.File, r *lint.Reporter) {
	project := repo.Settings.GitLabProject
	for _, e := range entities(f) {
		n, slug, ok := e.annotation(catalog.AnnotationProjectSlug)
		if !ok {
			continue
		}
		line, col := at(n, e.doc)
		if !isProjectPath(slug) {
			hint := "write the project's path, e.g. payments/payments-api"
			if p, err := gitx.ProjectFromRemote(slug); err == nil {
				hint = fmt.Sprintf("write it as %s", p)
			}
			r.Report(f.Path, line, col,
				fmt.Sprintf("%s %q is not a GitLab project path: want group/project", catalog.AnnotationProjectSlug, slug), hint)
			continue
		}
		if project != "" && !strings.EqualFold(slug, project) {
			r.Report(f.Path, line, col,
				fmt.Sprintf("%s is %s, but this repository is GitLab project %s (from its git remote)", catalog.AnnotationProjectSlug, slug, project),
				fmt.Sprintf("set it to %s, unless %s %s really lives in another project", project, e.kind, entityName(e)))
		}
	}
})

// isProjectPath reports whether s is a GitLab project path: two or more
// non-empty segments, without a scheme, spaces or a .git suffix.
func isProjectPath(s string) bool {
	if s == "" || strings.ContainsAny(s, ": \t\n?#@\\") || strings.HasSuffix(s, ".git") {
		return false
	}
	segments := strings.Split(s, "/")
	if len(segments) < 2 {
		return false
	}
	for _, seg := range segments {
		if seg == "" || seg == "." || seg == ".." {
			return false
		}
	}
	return true
}

var ruleSourceTemplate = lint.NewFileRule(lint.Meta{
	ID:       "catalog/source-template",
	Severity: lint.SeverityWarning,
	Summary:  "backstage.io/source-template is a reference to a Template entity",
	Doc: `backstage.io/source-template records the software template an entity was
created from; Backstage links to it from the entity page, and the platform
uses it to find the template of a service for updates. Its value is an entity
reference of kind Template, as the scaffolder writes it:
template:default/go-service. A bare name, or a reference to another kind, links
nowhere.`,
	Bad: map[string]string{"catalog-info.yaml": strings.Replace(goodComponent,
		"backstage.io/source-template: template:default/go-service", "backstage.io/source-template: go-service", 1)},
	Good: good,
}, isCatalogFile, func(_ *lint.Repo, f *lint.File, r *lint.Reporter) {
	for _, e := range entities(f) {
		n, ref, ok := e.annotation(catalog.AnnotationSourceTemplate)
		if !ok {
			continue
		}
		kind, _, name, err := catalog.ParseRef(ref, "", catalog.DefaultNamespace)
		if err == nil && strings.EqualFold(kind, "template") {
			continue
		}
		hint := "write template:default/<template name>, as the scaffolder does"
		if err != nil && !strings.Contains(ref, ":") && !strings.Contains(ref, "/") {
			hint = fmt.Sprintf("write it as template:default/%s", ref)
		} else if err == nil {
			hint = fmt.Sprintf("write it as template:default/%s, if %s is the template", name, name)
		}
		line, col := at(n, e.doc)
		r.Report(f.Path, line, col,
			fmt.Sprintf("%s %q is not a reference to a Template: want template:[namespace/]name", catalog.AnnotationSourceTemplate, ref), hint)
	}
})

// entityName names an entity in messages: its metadata.name, or "(unnamed)".
func entityName(e entity) string {
	if name, ok := str(lint.Lookup(e.doc, "metadata", "name")); ok && name != "" {
		return name
	}
	return "(unnamed)"
}
