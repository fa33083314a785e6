# Tier-1 services page someone: their catalog-info.yaml names the on-call
# rota, so that the portal and the incident tooling know whom to call.
package catalog

import rego.v1

__rego_metadata__ := {
	"id": "CAT-001",
	"title": "Tier-1 components name their on-call rota",
	"description": "A Backstage Component labelled tier: \"1\" carries one of the on-call annotations (platform.example.com/oncall-rota, pagerduty.com/service-id, opsgenie.com/team) with a value.",
}

# Any one of them is enough: the org's rota, or the paging tool's own
# annotation that the Backstage plugins read.
oncall_annotations := {
	"platform.example.com/oncall-rota",
	"pagerduty.com/service-id",
	"opsgenie.com/team",
}

component if {
	startswith(input.apiVersion, "backstage.io/")
	input.kind == "Component"
}

# The tier is a label (labels are strings: tier: "1"); an unquoted 1 is
# read as the number, and means the same.
tier_one if format_int(to_number(input.metadata.labels.tier), 10) == "1"

has_rota if {
	some name in oncall_annotations
	trim_space(input.metadata.annotations[name]) != ""
}

deny_tier1_oncall contains {"msg": msg, "details": {"path": ["metadata", "labels", "tier"]}} if {
	component
	tier_one
	not has_rota
	msg := sprintf("Component %s is tier 1 but names no on-call rota: add the annotation platform.example.com/oncall-rota (or pagerduty.com/service-id, opsgenie.com/team)", [input.metadata.name])
}
