package scaffold

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestReadAnswersRoundTrip(t *testing.T) {
	tmpl := testTemplate(t, nil)
	values, err := Collect(tmpl.Manifest, Inputs{Name: "payments", Owner: "group:payments", Sets: []string{"features=metrics,tracing", "port=9090"}})
	if err != nil {
		t.Fatal(err)
	}
	tmpl.Source = Source{Kind: SourceGit, Ref: "https://example.com/t.git//svc@v1.0.0", Commit: "abc123"}
	data, err := Answers(tmpl, values)
	if err != nil {
		t.Fatal(err)
	}
	p, err := ReadAnswers(data)
	if err != nil {
		t.Fatal(err)
	}
	want := RecordedTemplate{Name: tmpl.Name(), Path: tmpl.Manifest.Spec.Path, Version: tmpl.Manifest.Spec.Version,
		Source: SourceGit, Ref: "https://example.com/t.git//svc@v1.0.0", Commit: "abc123"}
	if p.Template != want {
		t.Errorf("template = %+v, want %+v", p.Template, want)
	}
	// The recorded answers, fed back as the lowest input, give the same values.
	again, err := Collect(tmpl.Manifest, Inputs{Recorded: p.Values})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again, values) {
		t.Errorf("values from the answers file = %v, want %v", again, values)
	}
}

func TestReadAnswersRefuses(t *testing.T) {
	for name, tc := range map[string]struct{ data, want string }{
		"not yaml":        {"template: [", "not valid YAML"},
		"no version":      {"template: {name: x, source: embedded}", "template.version missing"},
		"unknown source":  {"template: {name: x, version: 1.0.0, source: ftp}", `unknown template.source "ftp"`},
		"git without ref": {"template: {name: x, version: 1.0.0, source: git}", "template.ref missing"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ReadAnswers([]byte(tc.data))
			var ae *AnswersError
			if !errors.As(err, &ae) || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), AnswersFile) {
				t.Errorf("err = %v, want an *AnswersError containing %q", err, tc.want)
			}
		})
	}
}

func TestRecordedAnswersAreTheLowestInput(t *testing.T) {
	tmpl := testTemplate(t, nil)
	recorded := Values{"name": "payments", "owner": "group:old", "gone": "x"}
	values, err := Collect(tmpl.Manifest, Inputs{Recorded: recorded, Owner: "group:new"})
	if err != nil {
		t.Fatal(err)
	}
	if values["name"] != "payments" || values["owner"] != "group:new" {
		t.Errorf("values = %v", values)
	}
	if got := Dropped(tmpl.Manifest, recorded); !reflect.DeepEqual(got, []string{"gone"}) {
		t.Errorf("Dropped = %v", got)
	}
}

func TestParseManifestNamesAForeignTemplate(t *testing.T) {
	_, err := ParseManifest([]byte("apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata: {name: x}\nspec:\n  steps: []\n"))
	var fe *ForeignManifestError
	if !errors.As(err, &fe) || fe.APIVersion != "scaffolder.backstage.io/v1beta3" || fe.Kind != "Template" {
		t.Fatalf("err = %v, want a *ForeignManifestError", err)
	}
	// A typo of our own apiVersion is still our error, with every problem listed.
	if _, err := ParseManifest([]byte("apiVersion: platform/v1\nkind: Template\n")); errors.As(err, &fe) {
		t.Errorf("a wrong version of our own apiVersion: %v", err)
	}
}
