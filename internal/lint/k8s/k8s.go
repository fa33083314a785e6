// Package k8s is the k8s/* rule family of platform lint: Kubernetes manifests
// and kustomizations are well-formed, match the API schema of the Kubernetes
// release they were generated from, and follow the platform's workload
// policies (pinned images, resources, probes, no root, no host access).
//
// The schema is generated from k8s.io/api into schema.json (go generate) and
// embedded; the package never links k8s.io/api, and parses nothing until a
// rule runs.
package k8s

import (
	"go.yaml.in/yaml/v3"

	"github.com/platform-team/platform/internal/lint"
)

// Rules returns the family's rules, sorted by ID.
func Rules() []lint.Rule {
	return lint.Sorted(
		ruleDeprecatedAPI,
		ruleHostNamespaces,
		ruleHostPath,
		ruleImageTag,
		ruleKustomizationResources,
		rulePrivileged,
		ruleProbes,
		ruleReadOnlyRootFilesystem,
		ruleRecommendedLabels,
		ruleResources,
		ruleRunAsNonRoot,
		ruleSchema,
		ruleWorkloadSelector,
		ruleYamlSyntax,
	)
}

// isManifest reports whether the file is a Kubernetes manifest or a kustomization.
func isManifest(f *lint.File) bool { return parseManifest(f) != nil }

// manifestCheck runs check on one manifest, outside Helm charts.
func manifestCheck(check func(c *checkCtx)) func(*lint.Repo, *lint.File, *lint.Reporter) {
	return objectCheck(false, check)
}

// policyCheck is manifestCheck for the policy rules: they judge whole objects,
// so they skip kustomize patch files, which hold only the fields they change.
func policyCheck(check func(c *checkCtx)) func(*lint.Repo, *lint.File, *lint.Reporter) {
	return objectCheck(true, check)
}

func objectCheck(policy bool, check func(c *checkCtx)) func(*lint.Repo, *lint.File, *lint.Reporter) {
	return func(repo *lint.Repo, f *lint.File, rep *lint.Reporter) {
		m := parseManifest(f)
		if m == nil {
			return
		}
		info := infoOf(repo)
		if info.inChart(f.Path) || policy && (info.patches[f.Path] || info.plugins[f.Path]) {
			return
		}
		check(&checkCtx{repo: repo, f: f, m: m, info: info, r: rep})
	}
}

// checkCtx is what a check sees: the file, its manifest, the repository.
type checkCtx struct {
	repo *lint.Repo
	f    *lint.File
	m    *manifest
	info *repoInfo
	r    *lint.Reporter
}

// report records a finding at a node's line and column.
func (c *checkCtx) report(n *yaml.Node, msg, hint string) {
	line, col := 0, 0
	if n != nil {
		line, col = n.Line, n.Column
	}
	c.r.Report(c.f.Path, line, col, msg, hint)
}

// pods returns the pod specs of the file's workloads.
func (c *checkCtx) pods() []*pod {
	var out []*pod
	for _, o := range c.m.objects {
		if p := podOf(o); p != nil {
			out = append(out, p)
		}
	}
	return out
}
