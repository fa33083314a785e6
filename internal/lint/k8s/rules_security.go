package k8s

import (
	"fmt"

	"go.yaml.in/yaml/v3"

	"github.com/platform-team/platform/internal/lint"
)

// The workloads the pod rules look at, for their docs.
const workloadsDoc = "Pods, Deployments, StatefulSets, DaemonSets, ReplicaSets, ReplicationControllers, Jobs, CronJobs, PodTemplates and Argo Rollouts"

var ruleRunAsNonRoot = lint.NewFileRule(lint.Meta{
	ID:       "k8s/run-as-non-root",
	Severity: lint.SeverityError,
	Summary:  "Containers run as a non-root user (securityContext.runAsNonRoot: true)",
	Doc: `A process that runs as root in a container is root on the node as soon as it escapes
the container (a kernel or runtime bug, a mounted socket). With
` + "`runAsNonRoot: true`" + ` the kubelet refuses to start a container whose image would run as
root, so a base image that changes its user cannot silently give root back.

Set ` + "`runAsNonRoot: true`" + ` in the pod's ` + "`securityContext`" + ` (it applies to every container) or in
each container's; a container's ` + "`runAsNonRoot: false`" + ` overrides the pod's and is reported.
` + "`runAsUser: 0`" + ` (root), in the pod or a container, is reported too. Windows pods
(` + "`spec.os.name: windows`" + `) are skipped.

Applies to the containers and init containers of ` + workloadsDoc + `.

**Fix:** build the image with a numeric non-root ` + "`USER`" + ` (distroless images have 65532) and
set ` + "`securityContext: {runAsNonRoot: true, runAsUser: 65532}`" + ` in the pod spec.`,
	Bad:  one("deploy/base/deployment.yaml", edit("        runAsNonRoot: true\n        runAsUser: 65532\n", "        runAsUser: 0\n")),
	Good: one("deploy/base/deployment.yaml", goodDeployment),
}, isManifest, policyCheck(checkRunAsNonRoot))

func checkRunAsNonRoot(c *checkCtx) {
	for _, p := range c.pods() {
		if os, _ := str(p.spec, "os", "name"); os == "windows" {
			continue
		}
		podNonRoot, _, _ := boolean(p.spec, "securityContext", "runAsNonRoot")
		podUser := lint.Lookup(p.spec, "securityContext", "runAsUser")
		for _, ctr := range p.containers(initContainers, appContainers) {
			v, set, node := boolean(ctr.node, "securityContext", "runAsNonRoot")
			switch {
			case set && !v:
				c.report(node, ctr.describe()+" sets runAsNonRoot: false",
					"set runAsNonRoot: true and run the image as a non-root user")
				continue
			case !set && !podNonRoot:
				c.report(ctr.node, ctr.describe()+" may run as root: neither it nor the pod sets securityContext.runAsNonRoot: true",
					"set securityContext.runAsNonRoot: true in the pod spec (or in the container), with a non-root runAsUser")
				continue
			}
			user := lint.Lookup(ctr.node, "securityContext", "runAsUser")
			if user == nil || isNull(user) {
				user = podUser
			}
			if user != nil && user.Kind == yaml.ScalarNode && user.ShortTag() == "!!int" && isZero(user.Value) {
				c.report(user, ctr.describe()+" runs as root (runAsUser: 0)",
					"use the image's non-root user id, e.g. runAsUser: 65532")
			}
		}
	}
}

func isZero(s string) bool {
	for _, r := range s {
		if r != '0' && r != '+' && r != '-' && r != '_' {
			return false
		}
	}
	return s != ""
}

var rulePrivileged = lint.NewFileRule(lint.Meta{
	ID:       "k8s/privileged",
	Severity: lint.SeverityError,
	Summary:  "Containers are not privileged and do not allow privilege escalation",
	Doc: `A privileged container has every capability and all the host's devices: it is the
node. ` + "`allowPrivilegeEscalation: true`" + ` lets a process gain more privileges than its parent
(setuid binaries, file capabilities), which is how many container escapes start.
Application workloads need neither; the restricted Pod Security Standard forbids both.

Reported: ` + "`securityContext.privileged: true`" + ` and ` + "`securityContext.allowPrivilegeEscalation: true`" + `
on any container, init container or ephemeral container of ` + workloadsDoc + `.

**Fix:** remove them, and set ` + "`allowPrivilegeEscalation: false`" + ` with
` + "`capabilities: {drop: [ALL]}`" + `. A node agent that truly needs privileges belongs to the
platform team's cluster add-ons, not to a service repository; waive it there with a reason.`,
	Bad:  one("deploy/base/deployment.yaml", edit("            allowPrivilegeEscalation: false\n", "            privileged: true\n            allowPrivilegeEscalation: true\n")),
	Good: one("deploy/base/deployment.yaml", goodDeployment),
}, isManifest, policyCheck(checkPrivileged))

func checkPrivileged(c *checkCtx) {
	for _, p := range c.pods() {
		for _, ctr := range p.containers(initContainers, appContainers, ephemeralContainers) {
			if v, _, node := boolean(ctr.node, "securityContext", "privileged"); v {
				c.report(node, ctr.describe()+" is privileged",
					"remove privileged: true; a privileged container has full control of the node")
			}
			if v, _, node := boolean(ctr.node, "securityContext", "allowPrivilegeEscalation"); v {
				c.report(node, ctr.describe()+" allows privilege escalation",
					"set allowPrivilegeEscalation: false")
			}
		}
	}
}

var ruleHostNamespaces = lint.NewFileRule(lint.Meta{
	ID:       "k8s/host-namespaces",
	Severity: lint.SeverityError,
	Summary:  "Pods do not share the node's network, process or IPC namespace",
	Doc: `With ` + "`hostNetwork: true`" + ` a pod sees and binds the node's interfaces (and bypasses
network policies); with ` + "`hostPID: true`" + ` it sees and can signal every process of the node;
with ` + "`hostIPC: true`" + ` it shares the node's shared memory. Each breaks the isolation that
lets services share nodes.

Applies to the pod specs of ` + workloadsDoc + `.

**Fix:** remove the field (false is the default). Expose a port with a Service
instead of the host network.`,
	Bad:  one("deploy/base/deployment.yaml", edit("      securityContext:\n        runAsNonRoot", "      hostNetwork: true\n      securityContext:\n        runAsNonRoot")),
	Good: one("deploy/base/deployment.yaml", goodDeployment),
}, isManifest, policyCheck(checkHostNamespaces))

func checkHostNamespaces(c *checkCtx) {
	for _, p := range c.pods() {
		for _, field := range []string{"hostNetwork", "hostPID", "hostIPC"} {
			if v, _, node := boolean(p.spec, field); v {
				c.report(node, fmt.Sprintf("%s shares the node's namespace: %s: true", p.obj.describe(), field),
					fmt.Sprintf("remove %s; pods share nodes only because they are isolated from them", field))
			}
		}
	}
}

var ruleHostPath = lint.NewFileRule(lint.Meta{
	ID:       "k8s/host-path",
	Severity: lint.SeverityError,
	Summary:  "Pods do not mount directories of the node (hostPath volumes)",
	Doc: `A ` + "`hostPath`" + ` volume mounts a file or directory of the node into the pod. The data
stays on one node (a rescheduled pod loses it), and a writable mount of the wrong
path (` + "`/`" + `, ` + "`/var/run/docker.sock`" + `, ` + "`/etc`" + `) hands the node over.

Applies to the volumes of ` + workloadsDoc + `.

**Fix:** use an ` + "`emptyDir`" + ` for scratch space, a PersistentVolumeClaim for data, a
ConfigMap or Secret for configuration.`,
	Bad: one("deploy/base/deployment.yaml", edit("              drop: [ALL]\n",
		"              drop: [ALL]\n      volumes:\n        - name: logs\n          hostPath:\n            path: /var/log\n")),
	Good: one("deploy/base/deployment.yaml", edit("              drop: [ALL]\n",
		"              drop: [ALL]\n      volumes:\n        - name: tmp\n          emptyDir:\n            sizeLimit: 64Mi\n")),
}, isManifest, policyCheck(checkHostPath))

func checkHostPath(c *checkCtx) {
	for _, p := range c.pods() {
		for _, vol := range seq(lint.Lookup(p.spec, "volumes")) {
			if isNull(lint.Lookup(vol, "hostPath")) {
				continue
			}
			name, _ := str(vol, "name")
			hostPath, _ := str(vol, "hostPath", "path")
			c.report(lint.KeyNode(vol, "hostPath"), fmt.Sprintf("volume %q of %s mounts the node's directory %s", name, p.obj.describe(), quoteOr(hostPath, "(hostPath)")),
				"use an emptyDir for scratch space, a PersistentVolumeClaim for data, a ConfigMap or Secret for configuration")
		}
	}
}

func quoteOr(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return fmt.Sprintf("%q", s)
}

var ruleReadOnlyRootFilesystem = lint.NewFileRule(lint.Meta{
	ID:       "k8s/read-only-root-filesystem",
	Severity: lint.SeverityInfo,
	Summary:  "Containers have a read-only root filesystem",
	Doc: `With ` + "`readOnlyRootFilesystem: true`" + ` an attacker who gets code execution in a container
cannot drop tools or change binaries there, and the service cannot grow state in a
place that is lost at the next restart.

Applies to the containers and init containers of ` + workloadsDoc + `.

**Fix:** set ` + "`securityContext.readOnlyRootFilesystem: true`" + ` on the container and mount an
` + "`emptyDir`" + ` where the service needs to write (` + "`/tmp`" + `, a cache directory).`,
	Bad:  one("deploy/base/deployment.yaml", edit("            readOnlyRootFilesystem: true\n", "")),
	Good: one("deploy/base/deployment.yaml", goodDeployment),
}, isManifest, policyCheck(checkReadOnlyRoot))

func checkReadOnlyRoot(c *checkCtx) {
	for _, p := range c.pods() {
		if os, _ := str(p.spec, "os", "name"); os == "windows" {
			continue
		}
		for _, ctr := range p.containers(initContainers, appContainers) {
			if v, _, _ := boolean(ctr.node, "securityContext", "readOnlyRootFilesystem"); !v {
				c.report(ctr.node, ctr.describe()+" has a writable root filesystem",
					"set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where it writes (/tmp)")
			}
		}
	}
}
