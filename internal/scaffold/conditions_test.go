package scaffold

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
)

// richManifest uses every parameter feature beyond the basics: number and
// object types, enumNames, secrets, formats and conditions.
const richManifest = `apiVersion: platform/v1alpha1
kind: Template
metadata: {name: rich, title: Rich, description: Every kind of parameter}
spec:
  path: golden
  version: 1.0.0
  parameters:
    - title: Service
      required: [name, owner]
      properties:
        name: {type: string}
        owner: {type: string, format: entity-ref}
        repo: {type: string, format: repo-url}
        cpu: {type: number, default: 0.5, minimum: 0.1, maximum: 4}
        labels: {type: object}
    - title: Storage
      required: [size, password]
      properties:
        database:
          type: string
          enum: [none, postgres]
          enumNames: [No database, PostgreSQL]
          default: none
        size: {type: string, enum: [small, large], when: {param: database, values: [postgres]}}
        password: {type: string, secret: true, minLength: 8, when: {param: database, values: [postgres]}}
        replicas: {type: integer, default: 1, when: {param: database, values: [postgres]}}
        backups: {type: boolean, default: true, when: {param: size, values: [large]}}
`

func richTemplate(t *testing.T) *Template {
	t.Helper()
	fsys := fstest.MapFS{ManifestFile: {Data: []byte(richManifest)}, "skeleton/README.md": {Data: []byte("hi")}}
	tmpl, err := Load(fsys, Source{Kind: SourceLocal})
	if err != nil {
		t.Fatal(err)
	}
	return tmpl
}

func TestNewParameterTypesFromFlagsAndFiles(t *testing.T) {
	tmpl := richTemplate(t)
	files := map[string]string{
		"v.yaml": "labels:\n  team: payments\n  tier: 1\ncpu: 2\n",
		"v.json": `{"labels": {"team": "checkout"}, "repo": "gitlab.example.com?owner=group/sub&repo=payments"}`,
	}
	read := func(name string) ([]byte, error) { return []byte(files[name]), nil }

	values, err := Collect(tmpl.Manifest, Inputs{Name: "payments", Owner: "group:default/payments", ValuesFiles: []string{"v.yaml"}, ReadFile: read})
	if err != nil {
		t.Fatal(err)
	}
	want := Values{"name": "payments", "owner": "group:default/payments", "repo": "", "cpu": 2.0,
		"labels": map[string]any{"team": "payments", "tier": 1}, "database": "none",
		// Inactive: their zero values.
		"size": "", "password": "", "replicas": 0, "backups": false}
	if !reflect.DeepEqual(values, want) {
		t.Fatalf("values = %#v\nwant %#v", values, want)
	}

	values, err = Collect(tmpl.Manifest, Inputs{Name: "payments", Owner: "payments", ValuesFiles: []string{"v.yaml", "v.json"}, ReadFile: read,
		Sets: []string{`labels={"a": [1, 2]}`, "cpu=1.5"}})
	if err != nil {
		t.Fatal(err)
	}
	if values["cpu"] != 1.5 || !reflect.DeepEqual(values["labels"], map[string]any{"a": []any{1, 2}}) || values["repo"] != "gitlab.example.com?owner=group/sub&repo=payments" {
		t.Fatalf("values = %#v", values)
	}

	_, err = Collect(tmpl.Manifest, Inputs{Name: "payments", Owner: "group:", Sets: []string{"labels=[1]", "cpu=lots", "repo=gitlab.example.com/group/payments"}})
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v", err)
	}
	for _, want := range []string{
		`--set labels=[1]: "[1]" is not a JSON or YAML object`,
		`--set cpu=lots: "lots" is not a number`,
		`--owner: "group:" is not an entity reference, [KIND:][NAMESPACE/]NAME, e.g. group:default/payments`,
		`--set repo=VALUE: "gitlab.example.com/group/payments" is not a repository location, HOST?owner=OWNER&repo=NAME`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

func TestConditionalParameters(t *testing.T) {
	tmpl := richTemplate(t)
	base := Inputs{Name: "payments", Owner: "group:payments"}

	// Inactive: not required, not defaulted, and a value given is dropped.
	in := base
	in.Sets = []string{"size=large", "replicas=3"}
	values, err := Collect(tmpl.Manifest, in)
	if err != nil {
		t.Fatal(err)
	}
	// Templates can still refer to them: they have their zero value.
	for name, zero := range map[string]any{"size": "", "password": "", "replicas": 0, "backups": false} {
		if v, ok := values[name]; !ok || v != zero {
			t.Errorf("inactive %s = %#v, want its zero value %#v", name, v, zero)
		}
	}

	// Active: required when active, with the condition in the message.
	in = base
	in.Sets = []string{"database=postgres"}
	_, err = Collect(tmpl.Manifest, in)
	if err == nil || !strings.Contains(err.Error(), `--set size=VALUE: is required when database is "postgres"`) ||
		!strings.Contains(err.Error(), `--set password=VALUE: is required when database is "postgres"`) {
		t.Fatalf("err = %v", err)
	}

	// Active, defaults filled, and a chain: backups follows size.
	in.Sets = []string{"database=postgres", "size=large", "password=s3cret-pass"}
	values, err = Collect(tmpl.Manifest, in)
	if err != nil {
		t.Fatal(err)
	}
	if values["replicas"] != 1 || values["backups"] != true || values["size"] != "large" {
		t.Fatalf("values = %v", values)
	}
	in.Sets = []string{"database=postgres", "size=small", "password=s3cret-pass", "backups=false"}
	values, _ = Collect(tmpl.Manifest, in)
	if values["backups"] != false {
		t.Fatalf("backups is active although size is small: %v", values)
	}

	// CheckGiven leaves a value for an inactive parameter alone.
	if p := CheckGiven(tmpl.Manifest, Values{"size": "huge"}); len(p) != 0 {
		t.Errorf("CheckGiven on an inactive value: %v", p)
	}
	if p := CheckGiven(tmpl.Manifest, Values{"database": "postgres", "size": "huge"}); len(p) != 1 {
		t.Errorf("CheckGiven on an active value: %v", p)
	}
	m := tmpl.Manifest
	if m.Active(m.Parameter("size"), Values{}) || !m.Active(m.Parameter("size"), Values{"database": "postgres"}) ||
		m.Active(m.Parameter("backups"), Values{"size": "large"}) || !m.Active(m.Parameter("backups"), Values{"database": "postgres", "size": "large"}) {
		t.Error("Active")
	}
}

func TestSecretsAreNeverRecordedNorQuoted(t *testing.T) {
	tmpl := richTemplate(t)
	values, err := Collect(tmpl.Manifest, Inputs{Name: "payments", Owner: "group:payments", Sets: []string{"database=postgres", "size=small", "password=s3cret-pass"}})
	if err != nil {
		t.Fatal(err)
	}
	data, err := Answers(tmpl, values)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "s3cret") || strings.Contains(string(data), "password") || !strings.Contains(string(data), "size: small") {
		t.Fatalf("answers:\n%s", data)
	}
	values, err = Collect(tmpl.Manifest, Inputs{Name: "payments", Owner: "group:payments"})
	if err != nil {
		t.Fatal(err)
	}
	// Parameters that do not apply are not recorded either: their zero
	// values would be given on the next run.
	if data, _ := Answers(tmpl, values); strings.Contains(string(data), "size") || strings.Contains(string(data), "replicas") {
		t.Fatalf("answers:\n%s", data)
	}
	_, err = Collect(tmpl.Manifest, Inputs{Name: "payments", Owner: "group:payments", Sets: []string{"database=postgres", "size=small", "password=hunter2"}})
	if err == nil || strings.Contains(err.Error(), "hunter2") || !strings.Contains(err.Error(), "the value is too short") {
		t.Fatalf("err = %v", err)
	}
}

func TestNewParameterFeaturesRefused(t *testing.T) {
	for name, tc := range map[string]struct{ old, new, want string }{
		"enumNames count": {"enumNames: [No database, PostgreSQL]", "enumNames: [No database]", "enumNames has 1 names for 2 enum values"},
		"unknown format":  {"format: repo-url", "format: email", `format "email" is not supported`},
		"format type":     {"owner: {type: string, format: entity-ref}", "owner: {type: string}\n        ref: {type: integer, format: entity-ref}", "format entity-ref needs type string"},
		"when unknown":    {"param: size, values: [large]", "param: sise, values: [large]", `when names "sise", which is not a parameter`},
		"when type":       {"values: [large]", "values: [3]", `when.values[0]: want a string`},
		"when cycle":      {"size: {type: string, enum: [small, large], when: {param: database", "size: {type: string, enum: [small, large], when: {param: backups", "form a cycle"},
		"when object":     {"param: size, values: [large]", "param: labels, values: [x]", `of type object`},
	} {
		t.Run(name, func(t *testing.T) {
			doc := strings.Replace(richManifest, tc.old, tc.new, 1)
			if doc == richManifest {
				t.Fatal("edit did not apply")
			}
			_, err := ParseManifest([]byte(doc))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}
