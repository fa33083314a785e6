package catalog

import "testing"

const v1alpha1 = "backstage.io/v1alpha1"

// Spec bodies start on line 5 (see entityWithSpec).
func TestValidateKinds(t *testing.T) {
	tests := []struct {
		name       string
		apiVersion string
		kind       string
		spec       string
		wants      []want
	}{
		// Component
		{name: "component", kind: "Component", spec: "  type: service\n  lifecycle: production\n  owner: group:default/team-a\n  system: payments\n  subcomponentOf: parent\n  providesApis: [pay-api]\n  consumesApis: ['api:other/x']\n  dependsOn: ['resource:db', 'component:default/lib']\n  dependencyOf: ['component:app']\n  custom: allowed\n"},
		{name: "component v1beta1", apiVersion: "backstage.io/v1beta1", kind: "Component", spec: "  type: service\n  lifecycle: production\n  owner: team-a\n"},
		{
			name: "component wrong apiVersion", apiVersion: "backstage.io/v1", kind: "Component", spec: "  type: service\n",
			wants: []want{{0, 1, 13, "apiVersion", `apiVersion "backstage.io/v1" is not one the catalog accepts for kind Component (use backstage.io/v1alpha1 or backstage.io/v1beta1)`}},
		},
		{
			name: "component required fields", kind: "Component", spec: "  system: payments\n",
			wants: []want{
				{0, 4, 1, "spec.lifecycle", "is required"},
				{0, 4, 1, "spec.owner", "is required"},
				{0, 4, 1, "spec.type", "is required"},
			},
		},
		{
			name: "component empty and mistyped fields", kind: "Component", spec: "  type: ''\n  lifecycle: 1\n  owner: [team]\n",
			wants: []want{
				{0, 5, 9, "spec.type", "must not be empty"},
				{0, 6, 14, "spec.lifecycle", "must be a string, not number 1"},
				{0, 7, 10, "spec.owner", "must be a string, not an array"},
			},
		},
		{
			name: "component reference lists", kind: "Component", spec: "  type: service\n  lifecycle: production\n  owner: team-a\n  providesApis: pay-api\n  dependsOn: [db, '']\n",
			wants: []want{
				{0, 8, 17, "spec.providesApis", "must be an array, not a string"},
				{0, 9, 15, "spec.dependsOn[0]", `"db" had missing or empty kind (e.g. did not start with "component:" or similar); this field has no default kind, so name it, e.g. component:db or resource:db`},
				{0, 9, 19, "spec.dependsOn[1]", "must not be empty"},
			},
		},
		{
			name: "component malformed references", kind: "Component", spec: "  type: service\n  lifecycle: production\n  owner: ':team'\n  system: 'ns/'\n  dependencyOf: ['component:']\n",
			wants: []want{
				{0, 7, 10, "spec.owner", `":team" was not on the form [<kind>:][<namespace>/]<name>`},
				{0, 8, 11, "spec.system", `"ns/" was not on the form`},
				{0, 9, 18, "spec.dependencyOf[0]", `"component:" was not on the form`},
			},
		},
		{name: "component reference with extra colons", kind: "Component", spec: "  type: service\n  lifecycle: production\n  owner: 'user:b:c'\n"},
		{
			name: "component spec missing", kind: "Component", spec: "",
			wants: []want{{0, 4, 1, "spec", "must be an object, not null"}},
		},
		{
			name: "component spec not an object", kind: "Component", spec: "  - type\n",
			wants: []want{{0, 5, 3, "spec", "must be an object, not an array"}},
		},
		{name: "component spec placeholder", kind: "Component", spec: "  $yaml: ./spec.yaml\n"},
		{name: "component field placeholder", kind: "Component", spec: "  type: service\n  lifecycle: {$text: ./lifecycle}\n  owner: team-a\n"},

		// API
		{name: "api", kind: "API", spec: "  type: openapi\n  lifecycle: production\n  owner: team-a\n  system: payments\n  definition: |\n    openapi: 3.0.0\n"},
		{name: "api definition from a file", kind: "API", spec: "  type: openapi\n  lifecycle: production\n  owner: team-a\n  definition:\n    $text: ./openapi.yaml\n"},
		{name: "api definition parsed from a file", kind: "API", spec: "  type: openapi\n  lifecycle: production\n  owner: team-a\n  definition: {$yaml: ./openapi.yaml}\n"},
		{
			name: "api definition required", kind: "API", spec: "  type: openapi\n  lifecycle: production\n  owner: team-a\n",
			wants: []want{{0, 4, 1, "spec.definition", "is required"}},
		},
		{
			name: "api definition inline object", kind: "API", spec: "  type: openapi\n  lifecycle: production\n  owner: team-a\n  definition:\n    openapi: 3.0.0\n",
			wants: []want{{0, 9, 5, "spec.definition", "must be a string, not an object"}},
		},

		// Resource
		{name: "resource", kind: "Resource", spec: "  type: database\n  owner: team-a\n  system: payments\n  dependsOn: ['resource:vpc']\n  dependencyOf: ['component:svc']\n"},
		{
			name: "resource required fields", kind: "Resource", spec: "  lifecycle: production\n",
			wants: []want{
				{0, 4, 1, "spec.owner", "is required"},
				{0, 4, 1, "spec.type", "is required"},
			},
		},
		{
			name: "resource dependencyOf needs kinds", kind: "Resource", spec: "  type: database\n  owner: team-a\n  dependencyOf: [svc]\n",
			wants: []want{{0, 7, 18, "spec.dependencyOf[0]", "missing or empty kind"}},
		},

		// System
		{name: "system", kind: "System", spec: "  owner: team-a\n  domain: payments\n  type: product\n"},
		{
			name: "system owner required and type non-empty", kind: "System", spec: "  type: ''\n",
			wants: []want{
				{0, 4, 1, "spec.owner", "is required"},
				{0, 5, 9, "spec.type", "must not be empty"},
			},
		},

		// Domain
		{name: "domain", kind: "Domain", spec: "  owner: team-a\n  subdomainOf: commerce\n  type: business\n"},
		{
			name: "domain owner required, subdomainOf a string", kind: "Domain", spec: "  subdomainOf: [a]\n",
			wants: []want{
				{0, 4, 1, "spec.owner", "is required"},
				{0, 5, 16, "spec.subdomainOf", "must be a string, not an array"},
			},
		},

		// Group
		{name: "group", kind: "Group", spec: "  type: team\n  profile:\n    displayName: Team A\n    email: team-a@example.com\n  parent: org\n  children: []\n  members: [jdoe, 'user:other/x']\n"},
		{
			name: "group children required", kind: "Group", spec: "  type: team\n",
			wants: []want{{0, 4, 1, "spec.children", "is required"}},
		},
		{
			name: "group children null", kind: "Group", spec: "  type: team\n  children:\n",
			wants: []want{{0, 6, 3, "spec.children", "must be an array, not null"}},
		},
		{
			name: "group profile", kind: "Group", spec: "  type: team\n  children: []\n  profile:\n    email: ''\n",
			wants: []want{{0, 8, 12, "spec.profile.email", "must not be empty"}},
		},
		{
			name: "group profile not an object", kind: "Group", spec: "  type: team\n  children: []\n  profile: Team A\n",
			wants: []want{{0, 7, 12, "spec.profile", "must be an object, not a string"}},
		},

		// User
		{name: "user", kind: "User", spec: "  profile: {displayName: Jenny, picture: 'https://x/y.png'}\n  memberOf: [team-a]\n"},
		{name: "user without groups", kind: "User", spec: "  memberOf: []\n"},
		{
			name: "user memberOf required", kind: "User", spec: "  profile: {displayName: Jenny}\n",
			wants: []want{{0, 4, 1, "spec.memberOf", "is required"}},
		},

		// Location
		{name: "location with nothing", kind: "Location", spec: "  {}\n"},
		{name: "location", kind: "Location", spec: "  type: url\n  target: ./a.yaml\n  targets: [./b.yaml]\n  presence: optional\n"},
		{
			name: "location field types", kind: "Location", spec: "  type: ''\n  targets: ./a.yaml\n  presence: maybe\n",
			wants: []want{
				{0, 5, 9, "spec.type", "must not be empty"},
				{0, 6, 12, "spec.targets", "must be an array, not a string"},
				{0, 7, 13, "spec.presence", `"maybe" is not allowed`},
			},
		},

		// Template (scaffolder)
		{name: "template", apiVersion: "scaffolder.backstage.io/v1beta3", kind: "Template", spec: "  type: service\n  owner: team-a\n  parameters:\n    - title: Name\n      properties: {}\n  steps:\n    - id: fetch\n      action: fetch:template\n      input: {url: ./skeleton}\n      if: ${{ parameters.x }}\n  output:\n    links: []\n"},
		{
			name: "template apiVersion", apiVersion: v1alpha1, kind: "Template", spec: "  type: service\n",
			wants: []want{{0, 1, 13, "apiVersion", "(use scaffolder.backstage.io/v1beta3)"}},
		},
		{
			name: "template steps", apiVersion: "scaffolder.backstage.io/v1beta3", kind: "Template", spec: "  type: service\n  parameters: name\n  steps:\n    - name: Fetch\n    - action: 5\n      if: 1\n",
			wants: []want{
				{0, 6, 15, "spec.parameters", "must be an object or an array of objects"},
				{0, 8, 7, "spec.steps[0].action", "is required"},
				{0, 9, 15, "spec.steps[1].action", "must be a string, not number 5"},
				{0, 10, 11, "spec.steps[1].if", "must be a string or a boolean"},
			},
		},
		{
			name: "template steps required", apiVersion: "scaffolder.backstage.io/v1beta3", kind: "Template", spec: "  type: service\n",
			wants: []want{{0, 4, 1, "spec.steps", "is required"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			apiVersion := tt.apiVersion
			if apiVersion == "" {
				apiVersion = v1alpha1
			}
			expectProblems(t, entityWithSpec(apiVersion, tt.kind, tt.spec), tt.wants...)
		})
	}
}

func TestValidateSpecRequired(t *testing.T) {
	expectProblems(t, "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: x\n",
		want{0, 1, 1, "spec", "is required for kind Component"})
}
