package k8s

import (
	"strings"
	"testing"
)

// The embedded schema parses, and every kind's type resolves.
func TestEmbeddedSchema(t *testing.T) {
	s, err := parseSchema(schemaJSON)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(s.release, "1.") || schemaRelease() != s.release {
		t.Errorf("release %q, read as %q for the docs", s.release, schemaRelease())
	}
	for key, k := range s.kinds {
		if (k.typ == nil) != (k.removed != "") {
			t.Errorf("%s: a kind has a type exactly when it is served", key)
		}
	}
}

func TestIsQuantity(t *testing.T) {
	for _, q := range []string{"1", "0.5", ".5", "5.", "+1", "-1", "500m", "128Mi", "1Gi", "2G", "1e3", "1E-2", "100u", "10n", "1k", "1Ei"} {
		if !isQuantity(q) {
			t.Errorf("%q is a quantity", q)
		}
	}
	for _, q := range []string{"", "m", "128MB", "1 Gi", "1gi", "1K", "1e", "1e+", "Mi", "1.2.3", "0x10", "1Mi ", "one"} {
		if isQuantity(q) {
			t.Errorf("%q is not a quantity", q)
		}
	}
}

func TestSplitImage(t *testing.T) {
	for in, want := range map[string][3]string{
		"nginx":                          {"nginx", "", ""},
		"nginx:1.27":                     {"nginx", "1.27", ""},
		"registry:5000/team/app":         {"registry:5000/team/app", "", ""},
		"registry:5000/team/app:1.0":     {"registry:5000/team/app", "1.0", ""},
		"app@sha256:abc":                 {"app", "", "sha256:abc"},
		"registry:5000/app:1.0@sha256:a": {"registry:5000/app", "1.0", "sha256:a"},
	} {
		name, tag, digest := splitImage(in)
		if got := [3]string{name, tag, digest}; got != want {
			t.Errorf("splitImage(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIsRemote(t *testing.T) {
	for in, want := range map[string]bool{
		"https://github.com/org/repo//deploy?ref=v1": true,
		"github.com/org/repo/deploy?ref=main":        true,
		"git@github.com:org/repo.git":                true,
		"gitlab.example.com/group/repo":              true,
		"../base":                                    false,
		"deployment.yaml":                            false,
		"configs.d/app.yaml":                         false,
		"configs.d/app/x.yaml":                       true, // could be a host: judged only when missing
	} {
		if got := isRemote(in); got != want {
			t.Errorf("isRemote(%q) = %v, want %v", in, got, want)
		}
	}
}

func BenchmarkLoadSchema(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parseSchema(schemaJSON); err != nil {
			b.Fatal(err)
		}
	}
}
