package gitlabci

import rego.v1

test_latest_tag_denied if {
	some d in deny_latest_image with input as {"test": {"image": "node:latest", "script": ["npm test"]}}
	d.msg == "job test uses image node:latest: pin a version or a digest, so that a re-run pipeline runs the same image"
	d.details.path == ["test", "image"]
}

test_pinned_tag_passes if {
	pipeline := {"test": {"image": "node:20.11", "script": ["npm test"]}}
	count(deny_latest_image) == 0 with input as pipeline
	count(warn_untagged_image) == 0 with input as pipeline
}

test_digest_passes if {
	pipeline := {"test": {"image": "node@sha256:0123456789abcdef", "script": ["npm test"]}}
	count(deny_latest_image) == 0 with input as pipeline
	count(warn_untagged_image) == 0 with input as pipeline
}

test_image_object_and_services_denied if {
	pipeline := {"build": {
		"image": {"name": "gcr.io/kaniko-project/executor:latest", "entrypoint": [""]},
		"services": ["docker:latest", {"name": "postgres:latest"}],
		"script": ["build"],
	}}
	paths := {d.details.path | some d in deny_latest_image} with input as pipeline
	paths == {["build", "image", "name"], ["build", "services", 0], ["build", "services", 1, "name"]}
}

test_default_and_top_level_images_denied if {
	pipeline := {"image": "alpine:latest", "default": {"image": "ruby:latest"}, "test": {"script": ["rake"]}}
	owners := {d.msg | some d in deny_latest_image} with input as pipeline
	owners == {
		"the top-level image uses image alpine:latest: pin a version or a digest, so that a re-run pipeline runs the same image",
		"the default image uses image ruby:latest: pin a version or a digest, so that a re-run pipeline runs the same image",
	}
}

test_variable_resolved if {
	pipeline := {"variables": {"GO_IMAGE": "golang:latest"}, "test": {"image": "$GO_IMAGE", "script": ["go test ./..."]}}
	count(deny_latest_image) == 1 with input as pipeline
}

test_variable_with_value_and_description_resolved if {
	pipeline := {"variables": {"GO_IMAGE": {"value": "golang:latest", "description": "the Go image"}}, "test": {"image": "${GO_IMAGE}", "script": ["go test ./..."]}}
	count(deny_latest_image) == 1 with input as pipeline
}

test_pinned_variable_passes if {
	pipeline := {"variables": {"GO_IMAGE": "golang:1.26"}, "test": {"image": "$GO_IMAGE", "script": ["go test ./..."]}}
	count(deny_latest_image) == 0 with input as pipeline
	count(warn_untagged_image) == 0 with input as pipeline
}

test_unknown_variable_is_not_judged if {
	pipeline := {"test": {"image": "$CI_REGISTRY_IMAGE/builder", "script": ["make"]}}
	count(deny_latest_image) == 0 with input as pipeline
	count(warn_untagged_image) == 0 with input as pipeline
}

test_untagged_image_warned if {
	some w in warn_untagged_image with input as {".node": {"image": "node"}, "test": {"extends": ".node", "script": ["npm test"]}}
	w.msg == "job .node uses image node without a tag, which means latest: pin a version or a digest"
}

test_registry_port_is_not_a_tag if {
	count(warn_untagged_image) == 1 with input as {"test": {"image": "registry.example.com:5000/tools", "script": ["make"]}}
}

test_kubernetes_documents_are_not_pipelines if {
	doc := {"apiVersion": "v1", "kind": "Pod", "spec": {"image": "node:latest", "script": "x"}}
	count(deny_latest_image) == 0 with input as doc
}

test_platform_yaml_is_not_a_pipeline if {
	doc := {
		"environments": [{"name": "preview"}],
		"promotion": {"strategy": "gitops", "image": "registry.example.com/services/payments-api"},
		"lint": {"failOn": "error"},
	}
	count(deny_latest_image) == 0 with input as doc
	count(warn_untagged_image) == 0 with input as doc
}
