package backstage

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/platform-team/platform/internal/scaffold"
	"github.com/platform-team/platform/internal/wizard"
)

// nodeTemplate is in the style of the Node.js templates of
// backstage/software-templates and Red Hat Developer Hub: three pages, the
// pickers, a oneOf dependency, an if/then and secrets.
const nodeTemplate = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: nodejs-backend
  title: Node.js backend
  description: A Node.js service with an optional database
  tags: [nodejs, recommended]
spec:
  owner: group:platform
  type: service
  parameters:
    - title: Provide some simple information
      required: [component_id, owner]
      properties:
        component_id:
          title: Name
          type: string
          description: Unique name of the component
          pattern: '^[a-z][a-z0-9-]*$'
          maxLength: 40
          ui:autofocus: true
        description:
          title: Description
          type: string
        owner:
          title: Owner
          type: string
          ui:field: OwnerPicker
          ui:options:
            catalogFilter: {kind: Group}
        system:
          title: System
          type: string
          ui:field: EntityPicker
    - title: Runtime
      required: [db]
      properties:
        replicas: {title: Replicas, type: integer, default: 2, minimum: 1, maximum: 10}
        cpu: {title: CPU, type: number, default: 0.5, minimum: 0.1}
        db:
          title: Database
          type: string
          enum: [none, postgres, mysql]
          enumNames: [No database, PostgreSQL, MySQL]
          default: none
        features:
          title: Features
          type: array
          uniqueItems: true
          ui:widget: checkboxes
          items: {type: string, enum: [metrics, tracing]}
        labels:
          title: Labels
          type: object
          description: Extra labels, as JSON
        monitoring: {title: Monitoring, type: boolean, default: false}
      dependencies:
        db:
          oneOf:
            - properties:
                db: {const: none}
            - properties:
                db: {enum: [postgres, mysql]}
                dbSize:
                  title: Size
                  type: string
                  enum: [small, large]
                dbPassword:
                  title: Database password
                  type: string
                  ui:widget: password
              required: [dbSize, dbPassword]
      if:
        properties:
          monitoring: {const: true}
      then:
        properties:
          alertEmail: {title: Alert email, type: string, minLength: 3}
        required: [alertEmail]
    - title: Choose a location
      required: [repoUrl]
      properties:
        repoUrl:
          title: Repository Location
          type: string
          ui:field: RepoUrlPicker
          ui:options:
            allowedHosts: [gitlab.example.com]
        apiToken:
          title: Token
          type: string
          ui:field: Secret
  steps:
    - id: fetch
      action: fetch:template
      input:
        url: ./skeleton
`

func converted(t *testing.T, doc string) *scaffold.Manifest {
	t.Helper()
	m, err := ParseManifest([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	sm, err := Parameters(m)
	if err != nil {
		t.Fatal(err)
	}
	return sm
}

func TestParametersConvertsPages(t *testing.T) {
	sm := converted(t, nodeTemplate)
	if sm.Metadata.Name != "nodejs-backend" || sm.Metadata.Title != "Node.js backend" || !sm.Spec.LeaveUnset {
		t.Fatalf("manifest: %+v", sm)
	}
	var got [][]string
	for _, page := range sm.Spec.Parameters {
		var names []string
		for _, p := range page.Properties {
			names = append(names, p.Name)
		}
		got = append(got, names)
	}
	want := [][]string{
		{"component_id", "description", "owner", "system"},
		{"replicas", "cpu", "db", "features", "labels", "monitoring", "dbSize", "dbPassword", "alertEmail"},
		{"repoUrl", "apiToken"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("pages = %q\nwant %q", got, want)
	}
	p := sm.Parameter
	if p("component_id").MaxLength == nil || *p("component_id").MaxLength != 40 || !p("component_id").Required {
		t.Errorf("component_id: %+v", p("component_id"))
	}
	if p("owner").Format != scaffold.FormatEntityRef || p("system").Format != scaffold.FormatEntityRef || p("repoUrl").Format != scaffold.FormatRepoURL {
		t.Error("pickers have no format")
	}
	if p("cpu").Type != scaffold.TypeNumber || p("cpu").Default != 0.5 || p("replicas").Default != 2 {
		t.Errorf("numbers: %+v %+v", p("cpu"), p("replicas"))
	}
	if !reflect.DeepEqual(p("db").EnumNames, []string{"No database", "PostgreSQL", "MySQL"}) || p("db").Default != "none" {
		t.Errorf("db: %+v", p("db"))
	}
	if w := p("dbSize").When; w == nil || w.Param != "db" || !reflect.DeepEqual(w.Values, []any{"postgres", "mysql"}) || !p("dbSize").Required {
		t.Errorf("dbSize: %+v", p("dbSize"))
	}
	if w := p("alertEmail").When; w == nil || w.Param != "monitoring" || !reflect.DeepEqual(w.Values, []any{true}) {
		t.Errorf("alertEmail: %+v", p("alertEmail"))
	}
	if !p("dbPassword").Secret || !p("apiToken").Secret || p("description").Secret {
		t.Error("secrets")
	}
	if p("labels").Type != scaffold.TypeObject || p("features").Items == nil || len(p("features").Items.Enum) != 2 {
		t.Error("object and array")
	}
	m, _ := ParseManifest([]byte(nodeTemplate))
	if got := SecretNames(m); !reflect.DeepEqual(got, []string{"apiToken"}) {
		t.Errorf("SecretNames = %q", got)
	}
}

// The converted parameters go through scaffold.Collect exactly as a
// template.yaml's do.
func TestParametersCollect(t *testing.T) {
	sm := converted(t, nodeTemplate)
	files := map[string]string{
		"values.yaml": "labels: {team: payments, tier: 1}\nfeatures: [metrics]\n",
		"values.json": `{"db": "postgres", "dbSize": "large", "cpu": 2}`,
	}
	in := scaffold.Inputs{
		Owner: "group:default/payments",
		Sets: []string{"component_id=payments", "repoUrl=gitlab.example.com?owner=group/sub&repo=payments",
			"dbPassword=hunter22", "replicas=3"},
		ValuesFiles: []string{"values.yaml", "values.json"},
		ReadFile:    func(name string) ([]byte, error) { return []byte(files[name]), nil },
	}
	values, err := scaffold.Collect(sm, in)
	if err != nil {
		t.Fatal(err)
	}
	want := scaffold.Values{
		"component_id": "payments", "owner": "group:default/payments", "replicas": 3, "cpu": 2.0,
		"db": "postgres", "features": []string{"metrics"}, "labels": map[string]any{"team": "payments", "tier": 1},
		"monitoring": false, "dbSize": "large", "dbPassword": "hunter22",
		"repoUrl": "gitlab.example.com?owner=group/sub&repo=payments",
	}
	// description, system, apiToken: optional without a default, left
	// unset as the browser form leaves them; alertEmail: monitoring is off.
	if !reflect.DeepEqual(values, want) {
		t.Fatalf("values = %#v\nwant %#v", values, want)
	}

	in.Sets = []string{"component_id=payments", "repoUrl=github.com?owner=a&repo=b", "owner=", "dbSize=huge", "monitoring=true", "cpu=0"}
	in.ValuesFiles = []string{"values.json"}
	in.Owner = ""
	_, err = scaffold.Collect(sm, in)
	var ve *scaffold.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v", err)
	}
	msg := err.Error()
	for _, want := range []string{
		`--set repoUrl=VALUE: "github.com?owner=a&repo=b" does not match the pattern ^(?:gitlab\.example\.com)\?`,
		`--owner: "" is not an entity reference, [KIND:][NAMESPACE/]NAME`,
		`--set dbSize=VALUE: "huge" is not one of small, large`,
		`--set dbPassword=VALUE: is required when db is "postgres" or "mysql"`,
		`--set alertEmail=VALUE: is required when monitoring is true`,
		`--set cpu=VALUE: 0 is below the minimum 0.1`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
}

func TestParametersRefusesUnsupported(t *testing.T) {
	for name, tc := range map[string]struct{ old, new, want string }{
		"ref": {"        description:\n          title: Description\n          type: string\n",
			"        description:\n          $ref: '#/definitions/x'\n          type: string\n",
			`spec.parameters[0] (Provide some simple information): field "description": keyword "$ref" is not supported`},
		"anyOf": {"        monitoring: {title: Monitoring, type: boolean, default: false}\n",
			"        monitoring: {title: Monitoring, type: boolean, default: false}\n      anyOf: [{required: [db]}]\n",
			`spec.parameters[1] (Runtime): keyword "anyOf" is not supported`},
		"allOf in a field": {"        cpu: {title: CPU, type: number, default: 0.5, minimum: 0.1}\n",
			"        cpu: {title: CPU, type: number, allOf: [{minimum: 1}]}\n",
			`field "cpu": keyword "allOf" is not supported`},
		"no type": {"        description:\n          title: Description\n          type: string\n",
			"        description:\n          title: Description\n",
			`field "description": type is required`},
		"free array": {"          items: {type: string, enum: [metrics, tracing]}\n",
			"          items: {type: string}\n",
			`parameter "features": an array needs items: {type: string, enum: [...]}`},
		"schema dependency": {"          oneOf:\n            - properties:\n                db: {const: none}\n",
			"          properties: {x: {type: string}}\n          oneOf:\n            - properties:\n                db: {const: none}\n",
			`dependencies.db: only oneOf is supported`},
		"branch without const": {"                db: {const: none}\n", "                db: {type: string}\n",
			`dependencies.db.oneOf[0].properties.db: want {const: VALUE} or {enum: [VALUES]}`},
		"picker not a string": {"          ui:field: EntityPicker\n", "          ui:field: EntityPicker\n          enum: [1]\n",
			`enum[0]: want a string`},
		"else":        {"      then:\n", "      else: {properties: {x: {type: string}}}\n      then:\n", `keyword "else" is not supported`},
		"bad default": {"default: 2, minimum: 1", "default: 20, minimum: 1", `parameter "replicas": default: 20 is above the maximum 10`},
	} {
		t.Run(name, func(t *testing.T) {
			doc := strings.Replace(nodeTemplate, tc.old, tc.new, 1)
			if doc == nodeTemplate {
				t.Fatal("edit did not apply")
			}
			m, err := ParseManifest([]byte(doc))
			if err != nil {
				t.Fatal(err)
			}
			_, err = Parameters(m)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v\nwant %q", err, tc.want)
			}
		})
	}
}

func TestNameParameter(t *testing.T) {
	for doc, want := range map[string]string{
		nodeTemplate: "component_id",
		strings.Replace(nodeTemplate, "        description:\n", "        name: {type: string}\n        description:\n", 1): "name",
		strings.ReplaceAll(nodeTemplate, "component_id", "componentId"):                                                    "componentId",
		strings.ReplaceAll(nodeTemplate, "component_id", "service"):                                                        "",
	} {
		m, err := ParseManifest([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		if got := NameParameter(m); got != want {
			t.Errorf("NameParameter = %q, want %q", got, want)
		}
	}
}

// The wizard asks a Backstage template's pages as it asks a template.yaml's:
// enumNames shown, the oneOf fields only for a database, the secret hidden.
func TestParametersThroughTheWizard(t *testing.T) {
	sm := converted(t, nodeTemplate)
	tmpl := &scaffold.Template{Manifest: sm}
	answers := strings.Join([]string{
		"payments", "", "group:payments", "", // page 1: component_id, description, owner, system
		"", "", "2", "1", "0", "", "", // page 2: replicas, cpu, db: PostgreSQL, features (toggle metrics, confirm), labels, monitoring
		"gitlab.example.com?owner=group/sub&repo=payments", "", // page 3: repoUrl, apiToken
		"2", "hunter22", // then: dbSize large, dbPassword
	}, "\n") + "\n"
	var out bytes.Buffer
	wiz := wizard.New(strings.NewReader(answers), &out, true, false)
	values, err := scaffold.Collect(sm, scaffold.Inputs{Ask: func(given scaffold.Values) (scaffold.Values, error) {
		return wiz.Ask(context.Background(), tmpl, given)
	}})
	if err != nil {
		t.Fatalf("%v\noutput:\n%s", err, out.String())
	}
	if values["component_id"] != "payments" || values["db"] != "postgres" || values["dbSize"] != "large" || values["dbPassword"] != "hunter22" || values["cpu"] != 0.5 ||
		!reflect.DeepEqual(values["features"], []string{"metrics"}) {
		t.Fatalf("values = %#v\noutput:\n%s", values, out.String())
	}
	if _, ok := values["alertEmail"]; ok {
		t.Errorf("alertEmail asked although monitoring is off: %v", values)
	}
	if o := out.String(); !strings.Contains(o, "2. PostgreSQL") || strings.Contains(o, "hunter22") || strings.Contains(o, "Alert email") {
		t.Errorf("output:\n%s", o)
	}
}
