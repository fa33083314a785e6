package lint

import (
	"sync"
	"testing"
	"time"
)

func TestRuleMatchSpansPolicyIDs(t *testing.T) {
	for _, tc := range []struct {
		glob, id string
		want     bool
	}{
		{"policy/*", "policy/main/deny", true},
		{"policy/*", "policy/k8s.apps/deny_replicas", true},
		{"policy/main/*", "policy/main/deny", true},
		{"policy/*/deny", "policy/main/deny", true},
		{"policy/main/*", "policy/other/deny", false},
		{"k8s/*", "policy/main/deny", false},
		{"k8s/*", "k8s/probes", true},
		{"*", "policy/main/deny", false},
		{"policy/main/deny", "policy/main/deny", true},
	} {
		if got := ruleMatch(tc.glob, tc.id); got != tc.want {
			t.Errorf("ruleMatch(%q, %q) = %v, want %v", tc.glob, tc.id, got, tc.want)
		}
	}
}

func TestWaivedFindingsAreCountedNotReported(t *testing.T) {
	var found []Finding
	r := &Reporter{meta: Meta{ID: "policy/main/deny", Severity: SeverityError}, mu: &sync.Mutex{}, findings: &found}
	r.Report("a.yaml", 1, 1, "reported", "")
	r.Waive("a.yaml", 3)
	repo := NewRepo("", Settings{Now: time.Now(), Waivers: []Waiver{{Rule: "policy/*", Path: "b.yaml", Reason: "r", Expires: "2999-01-01"}}}, nil)
	out, waived := suppress(repo, found)
	if len(out) != 1 || out[0].Message != "reported" || waived != 1 {
		t.Errorf("findings %+v, waived %d: want the reported one, and one waived", out, waived)
	}
	out, waived = suppress(repo, []Finding{{Rule: "policy/main/deny", Path: "b.yaml", Line: 1}})
	if len(out) != 0 || waived != 1 {
		t.Errorf("a waiver with rule policy/* must cover policy/main/deny: %+v, %d", out, waived)
	}
}
