package catalog

import (
	"strings"
	"testing"
)

// Each case adds metadata lines to a valid Component; they start on line 5.
func TestValidateMetadata(t *testing.T) {
	tests := []struct {
		name  string
		meta  string
		wants []want
	}{
		{name: "nothing added", meta: ""},
		// namespace
		{name: "namespace", meta: "  namespace: team-a\n"},
		{
			name:  "namespace uppercase",
			meta:  "  namespace: Default\n",
			wants: []want{{0, 5, 14, "metadata.namespace", `"Default" is not a valid namespace`}},
		},
		{
			name:  "namespace empty",
			meta:  "  namespace: ''\n",
			wants: []want{{0, 5, 14, "metadata.namespace", "must not be empty"}},
		},
		{
			name:  "namespace not a string",
			meta:  "  namespace: 42\n",
			wants: []want{{0, 5, 14, "metadata.namespace", "must be a string, not number 42"}},
		},
		// title, description, uid, etag
		{name: "title", meta: "  title: My Service!\n"},
		{
			name:  "title empty",
			meta:  "  title: ''\n",
			wants: []want{{0, 5, 10, "metadata.title", "must not be empty"}},
		},
		{name: "description empty is fine", meta: "  description: ''\n"},
		{name: "description placeholder", meta: "  description: {$text: ./README.md}\n"},
		{
			name:  "description not a string",
			meta:  "  description: [a]\n",
			wants: []want{{0, 5, 16, "metadata.description", "must be a string, not an array"}},
		},
		{
			name: "uid and etag empty",
			meta: "  uid: ''\n  etag: ''\n",
			wants: []want{
				{0, 5, 8, "metadata.uid", "must not be empty"},
				{0, 6, 9, "metadata.etag", "must not be empty"},
			},
		},
		{name: "additional metadata fields are allowed", meta: "  generation: 1\n  custom: {a: b}\n"},
		// labels
		{name: "labels", meta: "  labels:\n    backstage.io/custom: ValueStuff\n    empty: ''\n    a--b: c_d\n"},
		{
			name:  "labels not an object",
			meta:  "  labels: [a]\n",
			wants: []want{{0, 5, 11, "metadata.labels", "must be an object, not an array"}},
		},
		{
			name:  "label value not a string",
			meta:  "  labels:\n    tier: 1\n",
			wants: []want{{0, 6, 11, "metadata.labels.tier", "must be a string, not number 1"}},
		},
		{
			name:  "label value null",
			meta:  "  labels:\n    tier:\n",
			wants: []want{{0, 6, 5, "metadata.labels.tier", "must be a string, not null"}},
		},
		{
			name:  "label value format",
			meta:  "  labels:\n    product: Random value\n",
			wants: []want{{0, 6, 14, "metadata.labels.product", `"Random value" is not a label value`}},
		},
		{
			name: "label key format",
			meta: "  labels:\n    a/b/c: x\n    Example.com/x: y\n    " + strings.Repeat("k", 64) + ": z\n",
			wants: []want{
				{0, 6, 5, "metadata.labels.a/b/c", `"a/b/c" is not a valid label key`},
				{0, 7, 5, "metadata.labels.Example.com/x", "is not a valid label key"},
				{0, 8, 5, "metadata.labels." + strings.Repeat("k", 64), "is not a valid label key"},
			},
		},
		// annotations
		{name: "annotations", meta: "  annotations:\n    backstage.io/techdocs-ref: dir:.\n    gitlab.com/project-slug: group/project\n    free: Any text, really!\n"},
		{
			name:  "annotation value not a string",
			meta:  "  annotations:\n    github.com/user-id: 123456\n",
			wants: []want{{0, 6, 25, "metadata.annotations.github.com/user-id", "must be a string, not number 123456 (quote it"}},
		},
		{
			name:  "annotation value boolean",
			meta:  "  annotations:\n    backstage.io/orphan: true\n",
			wants: []want{{0, 6, 26, "metadata.annotations.backstage.io/orphan", "must be a string, not boolean true"}},
		},
		{
			name:  "annotation key format",
			meta:  "  annotations:\n    not a key: x\n",
			wants: []want{{0, 6, 5, "metadata.annotations.not a key", `"not a key" is not a valid annotation key`}},
		},
		{
			name:  "empty annotation key: only the key is checked",
			meta:  "  annotations:\n    '': 5\n",
			wants: []want{{0, 6, 5, `metadata.annotations[""]`, `"" is not a valid annotation key`}},
		},
		// tags
		{name: "tags", meta: "  tags: [java, c++, 'c#', team:backend, a-b]\n"},
		{
			name:  "tags not an array",
			meta:  "  tags: java\n",
			wants: []want{{0, 5, 9, "metadata.tags", "must be an array, not a string"}},
		},
		{
			name: "tag format",
			meta: "  tags:\n    - Java\n    - a--b\n    - my_tag\n    - ''\n    - 7\n    - " + strings.Repeat("t", 64) + "\n",
			wants: []want{
				{0, 6, 7, "metadata.tags[0]", `"Java" is not a valid tag`},
				{0, 7, 7, "metadata.tags[1]", `"a--b" is not a valid tag`},
				{0, 8, 7, "metadata.tags[2]", `"my_tag" is not a valid tag`},
				{0, 9, 7, "metadata.tags[3]", "must not be empty"},
				{0, 10, 7, "metadata.tags[4]", "must be a string, not number 7"},
				{0, 11, 7, "metadata.tags[5]", "is not a valid tag"},
			},
		},
		// links
		{name: "links", meta: "  links:\n    - url: https://admin.example-org.com\n      title: Admin Dashboard\n      icon: dashboard\n      type: admin-dashboard\n    - url: mailto:team@example.com\n"},
		{
			name:  "links not an array",
			meta:  "  links: {url: https://x}\n",
			wants: []want{{0, 5, 10, "metadata.links", "must be an array, not an object"}},
		},
		{
			name:  "link not an object",
			meta:  "  links:\n    - https://example.com\n",
			wants: []want{{0, 6, 7, "metadata.links[0]", "must be an object, not a string"}},
		},
		{
			name:  "link url required",
			meta:  "  links:\n    - title: Docs\n",
			wants: []want{{0, 6, 7, "metadata.links[0].url", "is required"}},
		},
		{
			name: "link url format",
			meta: "  links:\n    - url: example.com/docs\n    - url: ''\n    - url: 80\n",
			wants: []want{
				{0, 6, 12, "metadata.links[0].url", `"example.com/docs" is not a valid URL`},
				{0, 7, 12, "metadata.links[1].url", "must not be empty"},
				{0, 8, 12, "metadata.links[2].url", "must be a string, not number 80"},
			},
		},
		{
			name: "link title, icon and type",
			meta: "  links:\n    - url: https://x.io\n      title: '   '\n      icon: bar chart\n      type: ''\n",
			wants: []want{
				{0, 7, 14, "metadata.links[0].title", "must not be blank"},
				{0, 8, 13, "metadata.links[0].icon", `"bar chart" is not a valid icon key`},
				{0, 9, 13, "metadata.links[0].type", "must not be empty"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expectProblems(t, component(tt.meta), tt.wants...) })
	}
}

func TestValidateName(t *testing.T) {
	head := "apiVersion: v1\nkind: Widget\nmetadata:\n"
	tests := []struct {
		name  string
		meta  string
		wants []want
	}{
		{name: "runs of separators are allowed", meta: "  name: a--b__c..d\n"},
		{name: "63 characters", meta: "  name: " + strings.Repeat("n", 63) + "\n"},
		{
			name:  "64 characters",
			meta:  "  name: " + strings.Repeat("n", 64) + "\n",
			wants: []want{{0, 4, 9, "metadata.name", "is not a valid entity name"}},
		},
		{
			name:  "leading dash",
			meta:  "  name: -svc\n",
			wants: []want{{0, 4, 9, "metadata.name", `"-svc" is not a valid entity name`}},
		},
		{
			name:  "missing",
			meta:  "  title: x\n",
			wants: []want{{0, 3, 1, "metadata.name", "is required"}},
		},
		{
			name:  "not a string",
			meta:  "  name: 123\n",
			wants: []want{{0, 4, 9, "metadata.name", "must be a string, not number 123"}},
		},
		{name: "quoted number", meta: "  name: '123'\n"},
		{
			name:  "placeholder",
			meta:  "  name: {$text: ./name}\n",
			wants: []want{{0, 4, 9, "metadata.name", "placeholders are not resolved"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expectProblems(t, head+tt.meta, tt.wants...) })
	}
}
