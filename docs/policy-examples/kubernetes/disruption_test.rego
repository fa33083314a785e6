package kubernetes

import rego.v1

deployment_doc(namespace, replicas, annotations) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "api", "namespace": namespace, "annotations": annotations},
	"spec": {"replicas": replicas},
}

test_two_replicas_with_a_budget_pass if {
	doc := deployment_doc("payments-prod", 2, {"platform.example.com/disruption-budget": "api"})
	count(deny_single_replica) == 0 with input as doc
	count(deny_undeclared_budget) == 0 with input as doc
}

test_one_replica_denied if {
	doc := deployment_doc("payments-prod", 1, {"platform.example.com/disruption-budget": "api"})
	some d in deny_single_replica with input as doc
	d.details.path == "spec.replicas"
	contains(d.msg, "runs 1 replica")
}

test_unset_replicas_count_as_one if {
	doc := json.remove(deployment_doc("payments-prod", 3, {"platform.example.com/disruption-budget": "api"}), ["spec/replicas"])
	count(deny_single_replica) == 1 with input as doc
}

test_missing_budget_denied if {
	deny_undeclared_budget["Deployment api in payments-prod names no PodDisruptionBudget: add the annotation platform.example.com/disruption-budget: <budget name>"] with input as deployment_doc("payments-prod", 2, {})
}

test_other_namespaces_are_free if {
	doc := deployment_doc("search-prod", 1, {})
	count(deny_single_replica) == 0 with input as doc
	count(deny_undeclared_budget) == 0 with input as doc
}

test_no_namespace_is_not_payments if {
	doc := json.remove(deployment_doc("payments-prod", 1, {}), ["metadata/namespace"])
	count(deny_single_replica) == 0 with input as doc
}

test_blocking_budget_denied if {
	pdb := {"kind": "PodDisruptionBudget", "metadata": {"name": "api", "namespace": "payments-prod"}, "spec": {"maxUnavailable": 0}}
	count(deny_blocking_budget) == 1 with input as pdb
}

test_budget_allowing_one_passes if {
	pdb := {"kind": "PodDisruptionBudget", "metadata": {"name": "api", "namespace": "payments-prod"}, "spec": {"maxUnavailable": 1}}
	count(deny_blocking_budget) == 0 with input as pdb
}
