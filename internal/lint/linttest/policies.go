package linttest

// Policies are ten Rego policies of the kind an organisation writes, by file
// name: workload security, labels, services, the catalog and CI, with a
// helper package, data (data.lifecycles) and an exception. The policy
// benchmarks run them on the fleet corpus (WriteCorpus).
func Policies() map[string]string {
	return map[string]string{
		"policy/lib/k8s.rego": `package lib.k8s

workloads := {"Deployment", "StatefulSet", "DaemonSet", "Job"}

is_workload if input.kind in workloads

containers contains c if {
	is_workload
	some c in input.spec.template.spec.containers
}
`,
		"policy/security.rego": `package main

import data.lib.k8s

deny_run_as_root contains msg if {
	k8s.is_workload
	not input.spec.template.spec.securityContext.runAsNonRoot
	msg := sprintf("%s %s: containers must not run as root", [input.kind, input.metadata.name])
}

deny_privileged contains msg if {
	some c in k8s.containers
	c.securityContext.privileged
	msg := sprintf("container %s must not be privileged", [c.name])
}

deny_host_network contains msg if {
	k8s.is_workload
	input.spec.template.spec.hostNetwork
	msg := sprintf("%s %s must not use the host network", [input.kind, input.metadata.name])
}

exception contains ["run_as_root"] if input.metadata.labels["platform.example.com/legacy"] == "true"
`,
		"policy/images.rego": `package main

import data.lib.k8s

deny_latest_tag contains msg if {
	some c in k8s.containers
	endswith(c.image, ":latest")
	msg := sprintf("container %s uses the latest tag", [c.name])
}

`,
		"policy/resources.rego": `package main

import data.lib.k8s

deny_memory_limit contains {"msg": msg, "details": {"container": c.name}} if {
	some c in k8s.containers
	not c.resources.limits.memory
	msg := sprintf("container %s has no memory limit", [c.name])
}
`,
		"policy/availability.rego": `package main

warn_replicas contains msg if {
	input.kind == "Deployment"
	input.spec.replicas < 2
	msg := sprintf("Deployment %s has fewer than 2 replicas", [input.metadata.name])
}
`,
		"policy/labels.rego": `package main

import data.lib.k8s

required := {"app.kubernetes.io/name", "app.kubernetes.io/part-of"}

warn_labels contains msg if {
	k8s.is_workload
	missing := required - {k | some k, _ in input.metadata.labels}
	count(missing) > 0
	msg := sprintf("%s %s lacks labels %v", [input.kind, input.metadata.name, sort(missing)])
}
`,
		"policy/services.rego": `package main

deny_load_balancer contains msg if {
	input.kind == "Service"
	input.spec.type == "LoadBalancer"
	msg := sprintf("Service %s: LoadBalancer services go through the ingress", [input.metadata.name])
}
`,
		"policy/catalog.rego": `package main

deny_catalog_lifecycle contains msg if {
	input.apiVersion == "backstage.io/v1alpha1"
	input.kind == "Component"
	not input.spec.lifecycle in data.lifecycles
	msg := sprintf("Component %s has lifecycle %v", [input.metadata.name, input.spec.lifecycle])
}

warn_catalog_oncall contains msg if {
	input.kind == "Component"
	input.metadata.annotations["platform.example.com/tier"] == "1"
	not input.metadata.annotations["pagerduty.com/service-id"]
	msg := sprintf("tier-1 Component %s names no on-call rota", [input.metadata.name])
}
`,
	}
}
