# Workloads in the payments namespaces must survive a node drain: a
# Deployment runs at least two replicas and names the PodDisruptionBudget
# that protects it, and no budget blocks drains altogether.
#
# Conftest semantics: the policy sees one document at a time, so it cannot
# look for the budget among the other documents. It asks the Deployment to
# name it instead (a reviewer sees the name next to the replicas); that the
# budget exists is the cluster's admission control's job (Gatekeeper with
# replicated data). See docs/policy.md.
package kubernetes

import rego.v1

__rego_metadata__ := {
	"id": "PAY-001",
	"title": "Payments workloads survive node drains",
	"description": "In payments-* namespaces a Deployment runs at least 2 replicas and names its PodDisruptionBudget (annotation platform.example.com/disruption-budget), and a PodDisruptionBudget never blocks drains.",
}

budget_annotation := "platform.example.com/disruption-budget"

# The payments namespaces, as the document declares its namespace.
payments if glob.match("payments-*", [], input.metadata.namespace)

deployment if {
	input.kind == "Deployment"
	payments
}

# Kubernetes runs one replica when spec.replicas is unset.
replicas := object.get(input, ["spec", "replicas"], 1)

deny_single_replica contains {"msg": msg, "details": {"path": "spec.replicas"}} if {
	deployment
	replicas < 2
	msg := sprintf("Deployment %s in %s runs %d replica: payments namespaces need at least 2, or a node drain takes it down", [input.metadata.name, input.metadata.namespace, replicas])
}

deny_undeclared_budget contains msg if {
	deployment
	not input.metadata.annotations[budget_annotation]
	msg := sprintf("Deployment %s in %s names no PodDisruptionBudget: add the annotation %s: <budget name>", [input.metadata.name, input.metadata.namespace, budget_annotation])
}

deny_blocking_budget contains msg if {
	input.kind == "PodDisruptionBudget"
	payments
	blocks_drains(input.spec)
	msg := sprintf("PodDisruptionBudget %s in %s lets no pod go: node drains would hang; allow at least one (maxUnavailable: 1)", [input.metadata.name, input.metadata.namespace])
}

blocks_drains(spec) if spec.maxUnavailable in {0, "0%"}

blocks_drains(spec) if spec.minAvailable == "100%"
