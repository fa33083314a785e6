package k8s

import (
	"fmt"
	"path"
	"strings"

	"github.com/platform-team/platform/internal/lint"
)

var ruleKustomizationResources = lint.NewFileRule(lint.Meta{
	ID:       "k8s/kustomization-resources",
	Severity: lint.SeverityError,
	Summary:  "Every file and directory a kustomization names exists",
	Doc: `` + "`kustomize build`" + ` (and Argo CD, and ` + "`kubectl apply -k`" + `) fails on the first path of a
kustomization that does not exist, typically after a file was renamed or an overlay was
copied from another service.

Checked, relative to the kustomization's directory: ` + "`resources`" + `, ` + "`bases`" + `, ` + "`components`" + `,
` + "`crds`" + `, ` + "`configurations`" + `, ` + "`generators`" + `, ` + "`transformers`" + `, ` + "`validators`" + `, ` + "`patches[].path`" + `,
` + "`patchesStrategicMerge`" + `, ` + "`patchesJson6902[].path`" + `, ` + "`replacements[].path`" + `, ` + "`openapi.path`" + ` and the
` + "`files`" + `, ` + "`envs`" + ` and ` + "`env`" + ` of ` + "`configMapGenerator`" + ` and ` + "`secretGenerator`" + `. A directory
must hold a kustomization file (kustomization.yaml, kustomization.yml or
Kustomization). A file must be in or below the kustomization's directory: kustomize's
default load restrictor refuses ` + "`../shared/configmap.yaml`" + ` (a directory elsewhere, with a
kustomization of its own, is fine). Remote resources (URLs, ` + "`github.com/...`" + `) and inline patches are not
checked. In a template skeleton, a file rendered from ` + "`<name>.tmpl`" + ` counts as ` + "`<name>`" + `.

**Fix:** correct the path or remove the entry.`,
	Bad: map[string]string{
		"deploy/base/deployment.yaml":    goodDeployment,
		"deploy/base/kustomization.yaml": goodKustomization,
	},
	Good: map[string]string{
		"deploy/base/deployment.yaml":    goodDeployment,
		"deploy/base/service.yaml":       goodService,
		"deploy/base/kustomization.yaml": goodKustomization,
	},
}, isManifest, manifestCheck(checkKustomizationResources))

func checkKustomizationResources(c *checkCtx) {
	k := kustomizationOf(c.f)
	if k == nil {
		return
	}
	for _, ref := range k.refs {
		p := path.Join(k.dir, ref.value)
		if path.IsAbs(ref.value) || (p == ".." || strings.HasPrefix(p, "../")) && c.repo.Root == "" {
			// Outside of what is linted, and not on disk to look at.
			continue
		}
		switch {
		case c.repo.IsDir(p):
			if ref.dir && !hasKustomization(c.repo, p) {
				c.report(ref.node, fmt.Sprintf("%s entry %q is a directory without a kustomization file", ref.field, ref.value),
					"add a kustomization.yaml to "+p+", or name the files themselves")
			}
		case exists(c.repo, p):
			if !within(p, k.dir) {
				c.report(ref.node, fmt.Sprintf("%s entry %q is a file outside the kustomization's directory %s: kustomize refuses to load it (file is not in or below %s)", ref.field, ref.value, dirName(k.dir), dirName(k.dir)),
					"move the file under "+dirName(k.dir)+", or give its directory a kustomization.yaml and name the directory instead")
			}
		case isRemote(ref.value):
		default:
			c.report(ref.node, fmt.Sprintf("%s entry %q does not exist (%s)", ref.field, ref.value, p),
				"fix the path (relative to the kustomization's directory) or remove the entry")
		}
	}
}

// within reports whether p is dir or below it (both clean and relative).
func within(p, dir string) bool {
	return dir == "." || dir == "" || p == dir || strings.HasPrefix(p, dir+"/")
}

// dirName is a directory for a message: "." for the root.
func dirName(dir string) string {
	if dir == "" {
		return "."
	}
	return dir
}

func hasKustomization(repo *lint.Repo, dir string) bool {
	for _, name := range []string{"kustomization.yaml", "kustomization.yml", "Kustomization"} {
		if exists(repo, path.Join(dir, name)) {
			return true
		}
	}
	return false
}

// exists reports whether a file exists, or is rendered from a .tmpl file of a
// template skeleton (deployment.yaml from deployment.yaml.tmpl).
func exists(repo *lint.Repo, p string) bool {
	return repo.Exists(p) || repo.Exists(p+".tmpl")
}
