package catalog

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenEntities covers every field Marshal writes and every built-in kind.
func goldenEntities() []Entity {
	return []Entity{
		{
			Kind: "Component",
			Metadata: Metadata{
				Name:        "payments-service",
				Namespace:   "commerce",
				Title:       "Payments Service",
				Description: "Takes payments.\nRuns on Kubernetes.",
				Labels:      map[string]string{"tier": "backend", "backstage.io/custom": "ValueStuff"},
				Annotations: map[string]string{
					AnnotationTechDocsRef:    "dir:.",
					AnnotationSourceTemplate: "template:default/go-service",
					AnnotationProjectSlug:    "commerce/payments-service",
					AnnotationSourceLocation: "url:https://gitlab.example.com/commerce/payments-service",
				},
				Tags: []string{"go", "grpc"},
				Links: []Link{
					{URL: "https://grafana.example.com/d/payments", Title: "Dashboard", Icon: "dashboard", Type: "dashboard"},
					{URL: "https://runbooks.example.com/payments"},
				},
			},
			Spec: Spec{
				Type:           "service",
				Lifecycle:      "production",
				Owner:          "group:commerce/payments-team",
				System:         "checkout",
				SubcomponentOf: "component:commerce/checkout-app",
				ProvidesAPIs:   []string{"payments-api"},
				ConsumesAPIs:   []string{"api:default/fraud-api"},
				DependsOn:      []string{"resource:commerce/payments-db"},
				DependencyOf:   []string{"component:commerce/checkout-web"},
			},
		},
		{
			Kind:     "API",
			Metadata: Metadata{Name: "payments-api", Namespace: "commerce"},
			Spec:     Spec{Type: "grpc", Lifecycle: "production", Owner: "payments-team", System: "checkout", DefinitionRef: "./api/payments.proto"},
		},
		{
			Kind:     "API",
			Metadata: Metadata{Name: "status-api"},
			Spec:     Spec{Type: "openapi", Lifecycle: "experimental", Owner: "payments-team", Definition: "openapi: 3.0.0\ninfo:\n  title: Status\n"},
		},
		{
			Kind:     "Resource",
			Metadata: Metadata{Name: "payments-db", Namespace: "commerce"},
			Spec:     Spec{Type: "database", Owner: "payments-team", System: "checkout", DependencyOf: []string{"component:payments-service"}},
		},
		{
			Kind:     "System",
			Metadata: Metadata{Name: "checkout", Namespace: "commerce"},
			Spec:     Spec{Owner: "payments-team", Domain: "commerce", Type: "product"},
		},
		{
			Kind:     "Domain",
			Metadata: Metadata{Name: "commerce"},
			Spec:     Spec{Owner: "group:cto-office", SubdomainOf: "company", Type: "business"},
		},
		{
			Kind:     "Group",
			Metadata: Metadata{Name: "payments-team"},
			Spec:     Spec{Type: "team", Parent: "commerce", Members: []string{"jdoe"}, Profile: &Profile{DisplayName: "Payments", Email: "payments@example.com"}},
		},
		{
			Kind:     "User",
			Metadata: Metadata{Name: "jdoe"},
			Spec:     Spec{Profile: &Profile{DisplayName: "Jenny Doe", Picture: "https://example.com/jdoe.png"}},
		},
		{
			Kind:     "Location",
			Metadata: Metadata{Name: "commerce-entities"},
			Spec:     Spec{Type: "url", Targets: []string{"./payments/catalog-info.yaml", "./checkout/catalog-info.yaml"}, Presence: "optional"},
		},
	}
}

func TestMarshalGolden(t *testing.T) {
	got, err := Marshal(goldenEntities()...)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "golden.yaml")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	wantBytes, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run go test -update to create it): %v", err)
	}
	if !bytes.Equal(got, wantBytes) {
		t.Errorf("Marshal output differs from %s (run go test -update after checking the diff)\n got:\n%s", path, got)
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	entities := goldenEntities()
	out, err := Marshal(entities...)
	if err != nil {
		t.Fatal(err)
	}
	if problems := Validate(out); len(problems) != 0 {
		t.Errorf("Validate(Marshal(...)) found problems:\n%v\nin:\n%s", problems, out)
	}
	if n := len(splitDocuments(out)); n != len(entities) {
		t.Errorf("Marshal wrote %d documents, want %d", n, len(entities))
	}
}

// Strings that YAML readers would take for other types must come back as
// the same strings.
func TestMarshalQuotesAmbiguousStrings(t *testing.T) {
	tricky := []string{
		"true", "False", "yes", "on", "~", "null", "123", "-1.5", "0o17", "0x1F", "1e3", ".inf",
		".NaN", "2024-01-01", "1_000", "0b101", " padded ", "a: b", "#hash", "- item", "[x]", "{x}",
		"*alias", "&anchor", "!tag", "%directive", "@at", "`tick", "it's", `say "hi"`, "trailing\n",
		"tab\there", "ünïcödé",
	}
	labels := map[string]string{}
	annotations := map[string]string{}
	for i, s := range tricky {
		annotations[fmt.Sprintf("example.com/a%02d", i)] = s
	}
	labels["x"] = "123"
	e := Entity{
		Kind:     "Component",
		Metadata: Metadata{Name: "svc", Title: "true", Description: "2024-01-01", Labels: labels, Annotations: annotations},
		Spec:     Spec{Type: "1.0", Lifecycle: "null", Owner: "yes"},
	}
	out, err := Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	if problems := Validate(out); len(problems) != 0 {
		t.Fatalf("Validate found problems in\n%s\n%v", out, problems)
	}
	root, err := parseDocument(out)
	if err != nil {
		t.Fatal(err)
	}
	meta, _ := lookup(root, "metadata")
	ann, _ := lookup(meta.value, "annotations")
	for i, s := range tricky {
		e, ok := lookup(ann.value, fmt.Sprintf("example.com/a%02d", i))
		if !ok {
			t.Fatalf("annotation for %q missing", s)
		}
		if typ, _ := typeOf(e.value); typ != jsString || e.value.Value != s {
			t.Errorf("%q came back as %v %q", s, typ, e.value.Value)
		}
	}
}

func TestMarshalDeterministic(t *testing.T) {
	first, err := Marshal(goldenEntities()...)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		again, err := Marshal(goldenEntities()...)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first, again) {
			t.Fatalf("run %d differs:\n%s\nvs\n%s", i, first, again)
		}
	}
}

func TestMarshalEdges(t *testing.T) {
	tests := []struct {
		name     string
		entities []Entity
		want     string
		wantErr  string
	}{
		{name: "no entities", want: ""},
		{
			name:     "defaults and omissions",
			entities: []Entity{{Kind: "Group", Metadata: Metadata{Name: "g", Labels: map[string]string{}}, Spec: Spec{Type: "team", Profile: &Profile{}}}},
			want:     "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: g\nspec:\n  type: team\n  children: []\n",
		},
		{
			name:     "explicit apiVersion and no spec",
			entities: []Entity{{APIVersion: "example.com/v2", Kind: "Widget", Metadata: Metadata{Name: "w"}}},
			want:     "apiVersion: example.com/v2\nkind: Widget\nmetadata:\n  name: w\n",
		},
		{
			name:     "user without groups",
			entities: []Entity{{Kind: "User", Metadata: Metadata{Name: "u"}}},
			want:     "apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata:\n  name: u\nspec:\n  memberOf: []\n",
		},
		{
			name:     "invalid UTF-8",
			entities: []Entity{{Kind: "Component", Metadata: Metadata{Name: "ok"}}, {Kind: "Component", Metadata: Metadata{Name: "bad", Title: "\xff"}}},
			wantErr:  `marshal entity 1 (Component "bad")`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := Marshal(tt.entities...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Marshal error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != tt.want {
				t.Errorf("Marshal =\n%s\nwant\n%s", out, tt.want)
			}
		})
	}
}
