package catalog

import (
	"errors"
	"strings"
	"testing"
)

func TestNewComponent(t *testing.T) {
	e, data, err := NewComponent(ComponentOptions{
		Name: "billing", Description: "  Bills.  ", Type: "service", Lifecycle: "production",
		Owner: " group:finance ", System: "money", Project: "finance/billing", TechDocs: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if e.Spec.Owner != "group:finance" || e.Metadata.Description != "Bills." {
		t.Errorf("entity %+v: owner and description are trimmed", e)
	}
	want := `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: billing
  description: Bills.
  annotations:
    backstage.io/techdocs-ref: dir:.
    gitlab.com/project-slug: finance/billing
spec:
  type: service
  lifecycle: production
  owner: group:finance
  system: money
`
	if string(data) != want {
		t.Errorf("catalog-info.yaml:\n%s\nwant:\n%s", data, want)
	}

	_, data, err = NewComponent(ComponentOptions{Name: "billing", Type: "service", Lifecycle: "experimental", Owner: "group:finance"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "annotations") {
		t.Errorf("no project and no docs: no annotations\n%s", data)
	}
}

func TestNewComponentInvalid(t *testing.T) {
	_, data, err := NewComponent(ComponentOptions{Name: "Not Valid!", Type: "service", Lifecycle: "production", Owner: "user:"})
	var invalid *InvalidError
	if !errors.As(err, &invalid) {
		t.Fatalf("got %v, want an InvalidError", err)
	}
	if data != nil {
		t.Error("data returned for an invalid entity")
	}
	fields := map[string]bool{}
	for _, p := range invalid.Problems {
		fields[p.Field] = true
	}
	if !fields["metadata.name"] || !fields["spec.owner"] {
		t.Errorf("problems %+v, want metadata.name and spec.owner", invalid.Problems)
	}
}

func TestNameFrom(t *testing.T) {
	for in, want := range map[string]string{
		"payments-api":            "payments-api",
		"Payments_API":            "payments-api",
		"My Legacy.Service!":      "my-legacy-service",
		"--x--":                   "x",
		"café-crème":              "caf-cr-me",
		"2024":                    "2024",
		"___":                     "",
		"/":                       "",
		"日本":                      "",
		strings.Repeat("ab-", 30): strings.TrimRight(strings.Repeat("ab-", 21), "-"),
	} {
		got := NameFrom(in)
		if got != want {
			t.Errorf("NameFrom(%q) = %q, want %q", in, got, want)
		}
		if got != "" && !ValidEntityName(got) {
			t.Errorf("NameFrom(%q) = %q is not a valid name", in, got)
		}
	}
}
