package catalog

import rego.v1

component_doc(labels, annotations) := {
	"apiVersion": "backstage.io/v1alpha1",
	"kind": "Component",
	"metadata": {"name": "payments-api", "labels": labels, "annotations": annotations},
	"spec": {"type": "service", "lifecycle": "production", "owner": "group:payments"},
}

test_tier1_with_rota_passes if {
	count(deny_tier1_oncall) == 0 with input as component_doc({"tier": "1"}, {"platform.example.com/oncall-rota": "payments-primary"})
}

test_tier1_with_pagerduty_passes if {
	count(deny_tier1_oncall) == 0 with input as component_doc({"tier": "1"}, {"pagerduty.com/service-id": "PX1234"})
}

test_tier1_without_rota_denied if {
	some d in deny_tier1_oncall with input as component_doc({"tier": "1"}, {"backstage.io/techdocs-ref": "dir:."})
	startswith(d.msg, "Component payments-api is tier 1 but names no on-call rota")
	d.details.path == ["metadata", "labels", "tier"]
}

test_empty_rota_denied if {
	count(deny_tier1_oncall) == 1 with input as component_doc({"tier": "1"}, {"platform.example.com/oncall-rota": " "})
}

test_unquoted_tier_counts if {
	count(deny_tier1_oncall) == 1 with input as component_doc({"tier": 1}, {})
}

test_other_tiers_are_free if {
	count(deny_tier1_oncall) == 0 with input as component_doc({"tier": "2"}, {})
}

test_no_labels_is_not_tier1 if {
	doc := json.remove(component_doc({}, {}), ["metadata/labels"])
	count(deny_tier1_oncall) == 0 with input as doc
}

test_other_kinds_are_free if {
	doc := json.patch(component_doc({"tier": "1"}, {}), [{"op": "replace", "path": "/kind", "value": "System"}])
	count(deny_tier1_oncall) == 0 with input as doc
}

test_kubernetes_documents_are_free if {
	count(deny_tier1_oncall) == 0 with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x", "labels": {"tier": "1"}}}
}
