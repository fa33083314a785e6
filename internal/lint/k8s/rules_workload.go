package k8s

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/platform-team/platform/internal/lint"
)

var ruleImageTag = lint.NewFileRule(lint.Meta{
	ID:       "k8s/image-tag",
	Severity: lint.SeverityError,
	Summary:  "Container images are pinned to a version tag or a digest, never latest",
	Doc: `An image without a tag is ` + "`:latest`" + `, and ` + "`:latest`" + ` is whatever was pushed last: two
pods of one Deployment can run different code, a rollback redeploys the same
(new) image, and a node that has the tag cached never pulls the new one. Pin a
version (` + "`registry.example.com/web:1.4.2`" + `) or a digest (` + "`@sha256:...`" + `).

With kustomize, the version is usually pinned per environment in the overlay:

` + "```yaml" + `
# deploy/overlays/production/kustomization.yaml
images:
  - name: registry.example.com/web
    newTag: 1.4.2
` + "```" + `

so an image **without** a tag in a base is accepted when a kustomization anywhere in the
repository pins that image name with ` + "`newTag`" + ` (other than latest) or ` + "`digest`" + `. An explicit
` + "`:latest`" + ` is always reported, and so is ` + "`newTag: latest`" + ` in a kustomization. Images built from
variables (` + "`$(IMAGE)`" + `, ` + "`${TAG}`" + `) are not judged.

Applies to containers, init containers and ephemeral containers of ` + workloadsDoc + `.

**Fix:** write the version into the image, or pin it in the overlays' ` + "`images:`" + `.`,
	Bad: one("deploy/base/deployment.yaml", edit("image: registry.example.com/web:1.4.2", "image: registry.example.com/web:latest")),
	Good: map[string]string{
		"deploy/base/deployment.yaml":                   edit("image: registry.example.com/web:1.4.2", "image: registry.example.com/web"),
		"deploy/base/service.yaml":                      goodService,
		"deploy/base/kustomization.yaml":                goodKustomization,
		"deploy/overlays/production/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../../base\nimages:\n  - name: registry.example.com/web\n    newTag: 1.4.2\n",
	},
}, isManifest, policyCheck(checkImageTag))

func checkImageTag(c *checkCtx) {
	if k := kustomizationOf(c.f); k != nil {
		for _, img := range k.images {
			if img.newTag == "latest" && img.digest == "" {
				c.report(img.newTagNode, fmt.Sprintf("image %q is pinned to latest", img.name),
					"set newTag to a version (or digest to a sha256 digest)")
			}
		}
	}
	for _, p := range c.pods() {
		for _, ctr := range p.containers(initContainers, appContainers, ephemeralContainers) {
			img, node := str(ctr.node, "image")
			if node == nil {
				if lint.Lookup(ctr.node, "image") == nil {
					c.report(ctr.node, ctr.describe()+" has no image", "set image to a pinned reference, e.g. registry.example.com/web:1.4.2")
				}
				continue
			}
			if strings.Contains(img, "$") {
				continue
			}
			name, tag, digest := splitImage(img)
			switch {
			case digest != "":
			case tag == "" && c.info.pinned[name]:
			case tag == "":
				c.report(node, fmt.Sprintf("image %q of %s has no tag (it means latest)", img, ctr.describe()),
					fmt.Sprintf("pin a version (%s:1.2.3) or a digest, or pin %s with newTag in the overlays' kustomization.yaml images:", name, name))
			case tag == "latest":
				c.report(node, fmt.Sprintf("image %q of %s uses the latest tag", img, ctr.describe()),
					"pin a version or a digest: latest changes under running pods and cannot be rolled back")
			}
		}
	}
}

// splitImage splits an image reference into name, tag and digest.
func splitImage(img string) (name, tag, digest string) {
	if i := strings.IndexByte(img, '@'); i >= 0 {
		img, digest = img[:i], img[i+1:]
	}
	slash := strings.LastIndexByte(img, '/')
	if i := strings.LastIndexByte(img, ':'); i > slash {
		img, tag = img[:i], img[i+1:]
	}
	return img, tag, digest
}

var ruleResources = lint.NewFileRule(lint.Meta{
	ID:       "k8s/resources",
	Severity: lint.SeverityWarning,
	Summary:  "Containers set CPU and memory requests and limits",
	Doc: `Requests are what the scheduler reserves for a container: without them it packs pods
onto nodes that cannot run them, and the pod is the first to be evicted under pressure.
Limits cap what one container may take from its neighbours: without a memory limit a
leak takes the node down instead of the container.

Every container and init container of ` + workloadsDoc + ` sets
` + "`resources.requests.cpu`" + `, ` + "`requests.memory`" + `, ` + "`limits.cpu`" + ` and ` + "`limits.memory`" + `. The message lists
what is missing.

**Fix:** measure the service under load and set requests near its usual use and limits
near its peak. A team that deliberately runs without CPU limits can turn the rule
down in platform.yaml (` + "`lint.rules`" + `) or waive one workload with a reason.`,
	Bad:  one("deploy/base/deployment.yaml", edit("            limits:\n              cpu: 500m\n              memory: 256Mi\n", "")),
	Good: one("deploy/base/deployment.yaml", goodDeployment),
}, isManifest, policyCheck(checkResources))

func checkResources(c *checkCtx) {
	for _, p := range c.pods() {
		for _, ctr := range p.containers(initContainers, appContainers) {
			res := lint.Lookup(ctr.node, "resources")
			var missing []string
			for _, kind := range []string{"requests", "limits"} {
				for _, name := range []string{"cpu", "memory"} {
					if isNull(lint.Lookup(res, kind, name)) {
						missing = append(missing, kind+"."+name)
					}
				}
			}
			if len(missing) == 0 {
				continue
			}
			at := lint.KeyNode(ctr.node, "resources")
			if at == nil {
				at = ctr.node
			}
			c.report(at, fmt.Sprintf("%s does not set %s in resources", ctr.describe(), strings.Join(missing, ", ")),
				"set resources.requests and resources.limits for cpu and memory, e.g. requests {cpu: 100m, memory: 128Mi}, limits {cpu: 500m, memory: 256Mi}")
		}
	}
}

var ruleProbes = lint.NewFileRule(lint.Meta{
	ID:       "k8s/probes",
	Severity: lint.SeverityWarning,
	Summary:  "Long-running containers have liveness and readiness probes",
	Doc: `Without a readiness probe a pod receives traffic as soon as its process starts, before
it can answer, and keeps receiving it while it is overloaded or shutting down; a rolling
update then drops requests. Without a liveness probe a deadlocked process is never
restarted.

Every container (not init containers) of a Deployment, StatefulSet, DaemonSet,
ReplicaSet, ReplicationController or Argo Rollout has a ` + "`livenessProbe`" + ` and a
` + "`readinessProbe`" + `. A ` + "`startupProbe`" + ` does not replace them (it only delays them). Jobs and
CronJobs run to completion and need neither.

**Fix:** serve a cheap health endpoint (` + "`/healthz`" + `: the process is alive) and a readiness
endpoint (` + "`/readyz`" + `: it can serve now, its dependencies answer) and probe them.`,
	Bad:  one("deploy/base/deployment.yaml", edit("          readinessProbe:\n            httpGet:\n              path: /readyz\n              port: http\n", "")),
	Good: one("deploy/base/deployment.yaml", goodDeployment),
}, isManifest, policyCheck(checkProbes))

func checkProbes(c *checkCtx) {
	for _, p := range c.pods() {
		if !longRunning(p.obj) {
			continue
		}
		for _, ctr := range p.containers(appContainers) {
			var missing []string
			for _, probe := range []string{"livenessProbe", "readinessProbe"} {
				if isNull(lint.Lookup(ctr.node, probe)) {
					missing = append(missing, probe)
				}
			}
			if len(missing) > 0 {
				c.report(ctr.node, fmt.Sprintf("%s of %s has no %s", ctr.describe(), p.obj.describe(), strings.Join(missing, " or ")),
					"probe a health endpoint (livenessProbe) and a readiness endpoint (readinessProbe), e.g. httpGet: {path: /readyz, port: http}")
			}
		}
	}
}

// requiredLabels are the recommended labels every workload and Service carries.
var requiredLabels = [...]string{"app.kubernetes.io/name"}

var ruleRecommendedLabels = lint.NewFileRule(lint.Meta{
	ID:       "k8s/recommended-labels",
	Severity: lint.SeverityWarning,
	Summary:  "Workloads, their pod templates and Services carry the app.kubernetes.io/name label",
	Doc: `The ` + "`app.kubernetes.io/name`" + ` label is how dashboards, log queries, cost reports, network
policies and Backstage's Kubernetes plugin find the objects of a service. On the pod
template it reaches the pods themselves (and their metrics and logs).

Workloads (` + workloadsDoc + `, except PodTemplates) and Services carry the label
in ` + "`metadata.labels`" + `, and workloads also in their pod template's ` + "`metadata.labels`" + `.
Labels that a kustomization including the file adds (` + "`commonLabels`" + `, or ` + "`labels`" + ` with
` + "`includeTemplates`" + ` for the pod template) count. The message says which label is missing
and where.

**Fix:** add ` + "`app.kubernetes.io/name: <service>`" + ` to both places (and use it in the selector).`,
	Bad:  one("deploy/base/deployment.yaml", edit("metadata:\n  name: web\n  labels:\n    app.kubernetes.io/name: web\n", "metadata:\n  name: web\n")),
	Good: one("deploy/base/deployment.yaml", goodDeployment),
}, isManifest, policyCheck(checkRecommendedLabels))

func checkRecommendedLabels(c *checkCtx) {
	added, addedTmpl := c.info.labels[c.f.Path], c.info.templateLabels[c.f.Path]
	missing := func(meta *yaml.Node, added map[string]bool) []string {
		labels := stringMap(lint.Lookup(meta, "labels"))
		var out []string
		for _, l := range requiredLabels {
			if _, ok := labels[l]; !ok && !added[l] {
				out = append(out, l)
			}
		}
		return out
	}
	for _, o := range c.m.objects {
		p := podOf(o)
		isService := o.group == "" && o.kind == "Service"
		if !isService && (p == nil || o.kind == "PodTemplate") {
			continue
		}
		meta := lint.Lookup(o.node, "metadata")
		if m := missing(meta, added); len(m) > 0 {
			c.report(nodeOr(lint.KeyNode(o.node, "metadata"), o.where()),
				fmt.Sprintf("%s has no label %s", o.describe(), strings.Join(m, ", ")),
				fmt.Sprintf("add %s: <service name> to metadata.labels", m[0]))
		}
		if p == nil || p.template == o.node {
			continue
		}
		tmeta := lint.Lookup(p.template, "metadata")
		if m := missing(tmeta, addedTmpl); len(m) > 0 {
			at := lint.KeyNode(p.template, "metadata")
			if at == nil {
				at = nodeOr(p.templateKey, p.template)
			}
			c.report(at, fmt.Sprintf("the pod template of %s has no label %s", o.describe(), strings.Join(m, ", ")),
				fmt.Sprintf("add %s: <service name> to %s.metadata.labels", m[0], p.templatePath))
		}
	}
}

var ruleWorkloadSelector = lint.NewFileRule(lint.Meta{
	ID:       "k8s/workload-selector",
	Severity: lint.SeverityError,
	Summary:  "A workload's selector selects its own pod template",
	Doc: `A Deployment, StatefulSet, DaemonSet or ReplicaSet manages the pods its
` + "`spec.selector`" + ` selects. The API server rejects one whose selector does not match the
labels of its own pod template ("selector does not match template labels"), and
` + "`apps/v1`" + ` requires a selector. The mistake typically comes from renaming a label in one
place only, and shows up at deploy time; this rule shows it in the merge request.

Checked: ` + "`matchLabels`" + ` and ` + "`matchExpressions`" + ` of Deployments, StatefulSets, DaemonSets,
ReplicaSets, Argo Rollouts and of Jobs that set a selector, and the selector of
ReplicationControllers, against ` + "`spec.template.metadata.labels`" + `. Labels a kustomization
adds to selectors and templates together (` + "`commonLabels`" + `, ` + "`labels`" + ` with
` + "`includeSelectors`" + `) count as matching.

**Fix:** make the pod template carry every label of the selector, with the same value.`,
	Bad:  one("deploy/base/deployment.yaml", edit("      labels:\n        app.kubernetes.io/name: web\n", "      labels:\n        app.kubernetes.io/name: website\n")),
	Good: one("deploy/base/deployment.yaml", goodDeployment),
}, isManifest, policyCheck(checkWorkloadSelector))

func checkWorkloadSelector(c *checkCtx) {
	added := c.info.templateLabels[c.f.Path]
	for _, p := range c.pods() {
		o := p.obj
		sel := lint.Lookup(o.node, "spec", "selector")
		selKey := nodeOr(lint.KeyNode(lint.Lookup(o.node, "spec"), "selector"), sel)
		required := o.group == "apps" || o.group == "argoproj.io"
		switch {
		case o.kind == "Pod" || o.kind == "PodTemplate" || o.kind == "CronJob" || o.group == "extensions":
			continue
		case isNull(sel) && required:
			if len(c.info.selectorLabels[c.f.Path]) > 0 {
				// kustomize's commonLabels creates the selector.
				continue
			}
			c.report(nodeOr(lint.KeyNode(o.node, "spec"), o.where()), fmt.Sprintf("%s has no spec.selector", o.describe()),
				"add spec.selector.matchLabels with the pod template's app.kubernetes.io/name label")
			continue
		case isNull(sel) || sel.Kind != yaml.MappingNode:
			continue
		}
		labels := stringMap(lint.Lookup(p.template, "metadata", "labels"))
		var bad []string
		if o.kind == "ReplicationController" {
			selector := stringMap(sel)
			for _, k := range sortedKeys(selector) {
				if v := selector[k]; labels[k] != v && !added[k] {
					bad = append(bad, k+"="+v)
				}
			}
		} else {
			matchLabels := stringMap(lint.Lookup(sel, "matchLabels"))
			exprs := seq(lint.Lookup(sel, "matchExpressions"))
			if len(matchLabels) == 0 && len(exprs) == 0 && required {
				if len(c.info.selectorLabels[c.f.Path]) == 0 {
					c.report(selKey, fmt.Sprintf("%s has an empty selector", o.describe()),
						"an empty selector is rejected by apps/v1; select the pod template's app.kubernetes.io/name label")
				}
				continue
			}
			for _, k := range sortedKeys(matchLabels) {
				if v := matchLabels[k]; labels[k] != v && !added[k] {
					bad = append(bad, k+"="+v)
				}
			}
			for _, e := range exprs {
				if s := unmatchedExpression(e, labels, added); s != "" {
					bad = append(bad, s)
				}
			}
		}
		if len(bad) > 0 {
			c.report(selKey, fmt.Sprintf("the selector of %s does not select its pod template: %s not in %s.metadata.labels",
				o.describe(), strings.Join(bad, ", "), p.templatePath),
				"make the pod template carry the selector's labels with the same values; the API server rejects the object otherwise")
		}
	}
}

// unmatchedExpression returns the requirement a label set fails, or "".
func unmatchedExpression(e *yaml.Node, labels map[string]string, added map[string]bool) string {
	key, _ := str(e, "key")
	op, _ := str(e, "operator")
	if key == "" || added[key] {
		return ""
	}
	var values []string
	for _, v := range seq(lint.Lookup(e, "values")) {
		if v.Kind == yaml.ScalarNode {
			values = append(values, v.Value)
		}
	}
	v, has := labels[key]
	in := false
	for _, want := range values {
		in = in || has && v == want
	}
	ok := true
	switch op {
	case "In":
		ok = in
	case "NotIn":
		ok = !in
	case "Exists":
		ok = has
	case "DoesNotExist":
		ok = !has
	}
	if ok {
		return ""
	}
	if len(values) > 0 {
		return fmt.Sprintf("%s %s (%s)", key, op, strings.Join(values, ", "))
	}
	return key + " " + op
}
