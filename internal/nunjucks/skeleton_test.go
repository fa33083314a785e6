package nunjucks

import "testing"

// TestBackstageSkeleton renders files in the style of backstage/software-
// templates skeletons; the expected text follows from the rules each spec
// test pins down.
func TestBackstageSkeleton(t *testing.T) {
	ctx := map[string]any{"values": map[string]any{
		"name":        "payments-api",
		"description": "Takes payments",
		"owner":       "group:default/payments",
		"destination": map[string]any{"host": "gitlab.example.com", "owner": "fin", "repo": "payments-api"},
		"repoUrl":     "gitlab.example.com?owner=fin&repo=payments-api",
		"port":        8080,
		"features":    []any{"metrics", "tracing"},
		"java":        false,
	}}
	runSpec(t, backstage(), []specCase{
		{"catalog-info.yaml", `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${{ values.name | dump }}
  {%- if values.description %}
  description: ${{ values.description | dump }}
  {%- endif %}
  annotations:
    gitlab.com/project-slug: ${{ values.repoUrl | projectSlug }}
  tags:
  {%- for f in values.features %}
    - ${{ f }}
  {%- else %}
    []
  {%- endfor %}
spec:
  type: service
  lifecycle: experimental
  owner: ${{ values.owner | parseEntityRef | pick('name') }}
`, ctx, `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: "payments-api"
  description: "Takes payments"
  annotations:
    gitlab.com/project-slug: fin/payments-api
  tags:
    - metrics
    - tracing
spec:
  type: service
  lifecycle: experimental
  owner: payments
`},
		{"workflow with raw", `name: ci
on: [push]
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: echo "{% raw %}${{ github.sha }}{% endraw %} ${{ values.name }}"
{%- if values.java %}
      - run: mvn verify
{%- else %}
      - run: go test ./...
{%- endif %}
`, ctx, `name: ci
on: [push]
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: echo "${{ github.sha }} payments-api"
      - run: go test ./...
`},
		{"env file", "{% set prefix = values.name | upper | replace('-', '_') %}\n" +
			"${{ prefix }}_PORT=${{ values.port }}\n" +
			"${{ prefix }}_HOST=${{ values.destination.host }}\n" +
			"{# comment lines vanish but leave their newline #}\n" +
			"${{ prefix }}_FEATURES=${{ values.features | join(',') }}\n", ctx,
			"\nPAYMENTS_API_PORT=8080\nPAYMENTS_API_HOST=gitlab.example.com\n\nPAYMENTS_API_FEATURES=metrics,tracing\n"},
		{"package.json", `{
  "name": ${{ values.name | dump }},
  "description": ${{ values.description | dump }},
  "keywords": ${{ values.features | dump }},
  "config": ${{ {port: values.port, debug: false} | dump(2) | indent(2) }}
}
`, ctx, `{
  "name": "payments-api",
  "description": "Takes payments",
  "keywords": ["metrics","tracing"],
  "config": {
    "port": 8080,
    "debug": false
  }
}
`},
	})
}
