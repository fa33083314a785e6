# A pipeline that runs `image: node:latest` runs whatever was pushed last:
# a re-run of last month's pipeline is not the same build. Jobs pin their
# images to a version or a digest.
package gitlabci

import rego.v1

__rego_metadata__ := {
	"id": "CI-001",
	"title": "CI jobs pin their images",
	"description": "In .gitlab-ci.yml, no job, default or service image uses the latest tag; an image without a tag (implicitly latest) is a warning.",
}

# Top-level keys that are not jobs.
keywords := {
	"default", "include", "stages", "variables", "workflow", "spec",
	"image", "services", "cache", "before_script", "after_script",
}

# A GitLab CI document: no apiVersion/kind (those are Kubernetes or
# Backstage documents), and at least one job.
pipeline if {
	not input.apiVersion
	not input.kind
	some name, _ in jobs
}

# Jobs, hidden ones (.templates) included: their image is inherited.
jobs[name] := job if {
	some name, job in input
	not name in keywords
	is_object(job)
	job_like(name, job)
}

job_like(_, job) if {
	some key in {"script", "trigger", "extends", "run"}
	job[key]
}

# A hidden job may be a template that only sets the image.
job_like(name, job) if {
	startswith(name, ".")
	job.image
}

# Every image of the pipeline: where it is (a path into the document, for
# the finding's line), who uses it, and the reference.
images contains [path, owner, ref] if {
	pipeline
	some name, job in jobs
	some [rel, ref] in image_refs(job)
	path := array.concat([name], rel)
	owner := sprintf("job %s", [name])
}

images contains [path, "the default image", ref] if {
	pipeline
	some [rel, ref] in image_refs(object.get(input, "default", {}))
	path := array.concat(["default"], rel)
}

images contains [rel, "the top-level image", ref] if {
	pipeline
	some [rel, ref] in image_refs(input)
}

# The images of a job (or default): image and services, each a string or an
# object with a name.
image_refs(job) := {[["image"], job.image] | is_string(job.image)} |
	{[["image", "name"], job.image.name] | is_string(job.image.name)} |
	{[["services", i], s] | some i, s in job.services; is_string(s)} |
	{[["services", i, "name"], s.name] | some i, s in job.services; is_string(s.name)}

# resolved expands an image given as one variable ($GO_IMAGE or
# ${GO_IMAGE}) from the pipeline's top-level variables; any other reference
# is taken as it is.
resolved(ref) := value if {
	name := variable_name(ref)
	value := variable_value(input.variables[name])
} else := ref

variable_name(ref) := name if {
	regex.match(`^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$`, ref)
	name := trim(ref, "${}")
}

variable_value(v) := v if is_string(v)

variable_value(v) := v.value if is_string(v.value)

# The tag of an image reference: after the last colon of its last path
# segment (registry.example.com:5000/app has none), without any digest.
tag(ref) := t if {
	not contains(ref, "@")
	segments := split(ref, "/")
	last := segments[count(segments) - 1]
	contains(last, ":")
	parts := split(last, ":")
	t := parts[count(parts) - 1]
}

untagged(ref) if {
	not contains(ref, "@")
	not contains(ref, "$") # a variable we cannot see may well hold the tag
	not tag(ref)
}

deny_latest_image contains {"msg": msg, "details": {"path": path}} if {
	some [path, owner, given] in images
	ref := resolved(given)
	tag(ref) == "latest"
	msg := sprintf("%s uses image %s: pin a version or a digest, so that a re-run pipeline runs the same image", [owner, ref])
}

warn_untagged_image contains {"msg": msg, "details": {"path": path}} if {
	some [path, owner, given] in images
	ref := resolved(given)
	untagged(ref)
	msg := sprintf("%s uses image %s without a tag, which means latest: pin a version or a digest", [owner, ref])
}
