package catalog

import (
	"errors"
	"strings"
	"testing"
)

// Cases follow packages/catalog-model/src/entity/ref.test.ts.
func TestParseRef(t *testing.T) {
	tests := []struct {
		ref, defKind, defNS string
		kind, ns, name      string
		err                 string // substring; "" means success
	}{
		{ref: "a:b/c", kind: "a", ns: "b", name: "c"},
		{ref: "b/c", defKind: "x", kind: "x", ns: "b", name: "c"},
		{ref: "a:c", defNS: "y", kind: "a", ns: "y", name: "c"},
		{ref: "a:c", kind: "a", ns: "default", name: "c"},
		{ref: "c", defKind: "x", defNS: "y", kind: "x", ns: "y", name: "c"},
		{ref: "group:team", defKind: "Group", kind: "group", ns: "default", name: "team"},
		// Only the first ":" and "/" split; the rest belongs to the name.
		{ref: "a:b:c", kind: "a", ns: "default", name: "b:c"},
		{ref: "a:b/c/d", kind: "a", ns: "b", name: "c/d"},
		{ref: "a:b/c:d", kind: "a", ns: "b", name: "c:d"},
		{ref: "a/b:c", defKind: "k", kind: "k", ns: "a", name: "b:c"},
		{ref: "a/b/c", defKind: "k", kind: "k", ns: "a", name: "b/c"},
		// Nothing is trimmed or validated.
		{ref: " My Team ", defKind: "Group", kind: "Group", ns: "default", name: " My Team "},
		// Missing kind without a default.
		{ref: "c", err: "missing or empty kind"},
		{ref: "b/c", err: "missing or empty kind"},
		// Empty parts.
		{ref: "", err: "must not be empty"},
		{ref: ":b/c", defKind: "x", err: "was not on the form"},
		{ref: "a:/c", err: "was not on the form"},
		{ref: "a:b/", err: "was not on the form"},
		{ref: "a:/", err: "was not on the form"},
		{ref: ":/", err: "was not on the form"},
		{ref: "/c", defKind: "x", err: "was not on the form"},
		{ref: "b/", defKind: "x", err: "was not on the form"},
		{ref: ":c", defKind: "x", err: "was not on the form"},
		{ref: "a:", err: "was not on the form"},
	}
	for _, tt := range tests {
		t.Run(tt.ref, func(t *testing.T) {
			kind, ns, name, err := ParseRef(tt.ref, tt.defKind, tt.defNS)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) || !errors.Is(err, ErrInvalidRef) {
					t.Fatalf("ParseRef(%q) error = %v, want one containing %q wrapping ErrInvalidRef", tt.ref, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseRef(%q): %v", tt.ref, err)
			}
			if kind != tt.kind || ns != tt.ns || name != tt.name {
				t.Errorf("ParseRef(%q) = %q, %q, %q; want %q, %q, %q", tt.ref, kind, ns, name, tt.kind, tt.ns, tt.name)
			}
		})
	}
}
