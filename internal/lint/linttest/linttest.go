// Package linttest runs lint rules over in-memory trees, for the rule families' tests.
package linttest

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/platform-team/platform/internal/lint"
)

// Settings are the defaults rules see in tests.
var Settings = lint.Settings{
	AnnotationPrefix: "platform.example.com",
	ReadmeSections:   lint.DefaultReadmeSections,
	Lifecycles:       lint.DefaultLifecycles,
}

// Run lints an in-memory tree (path -> content) with rules and returns the findings.
func Run(rules []lint.Rule, files map[string]string) []lint.Finding {
	return RunWith(Settings, rules, files)
}

// RunWith is Run with other settings.
func RunWith(settings lint.Settings, rules []lint.Rule, files map[string]string) []lint.Finding {
	var list []*lint.File
	for p, data := range files {
		list = append(list, lint.NewFile(p, []byte(data)))
	}
	repo := lint.NewRepo("", settings, list)
	return lint.Check(context.Background(), repo, rules, 2)
}

// Of keeps the findings of one rule.
func Of(findings []lint.Finding, id string) []lint.Finding {
	var out []lint.Finding
	for _, f := range findings {
		if f.Rule == id {
			out = append(out, f)
		}
	}
	return out
}

// CheckExamples asserts, for every rule, that its Bad example produces a finding
// of that rule and its Good example none, with every rule of the family running.
func CheckExamples(t *testing.T, rules []lint.Rule) {
	t.Helper()
	seen := map[string]bool{}
	for _, rule := range rules {
		m := rule.Meta()
		t.Run(m.ID, func(t *testing.T) {
			if seen[m.ID] {
				t.Fatalf("rule ID %s is registered twice", m.ID)
			}
			seen[m.ID] = true
			if m.Summary == "" || m.Doc == "" || m.Severity == lint.SeverityOff || !strings.Contains(m.ID, "/") {
				t.Fatalf("rule %s needs an ID family/name, a severity, a summary and a doc", m.ID)
			}
			if len(m.Bad) == 0 || len(m.Good) == 0 {
				t.Fatalf("rule %s needs a Bad and a Good example", m.ID)
			}
			if got := Of(Run(rules, m.Bad), m.ID); len(got) == 0 {
				t.Errorf("Bad example of %s produced no finding of it", m.ID)
			}
			if got := Of(Run(rules, m.Good), m.ID); len(got) > 0 {
				t.Errorf("Good example of %s produced findings: %v", m.ID, got)
			}
			for _, f := range Run(rules, m.Bad) {
				if f.Line < 0 || f.Column < 0 || f.Path == "" || f.Message == "" {
					t.Errorf("malformed finding %+v", f)
				}
			}
		})
	}
	ids := make([]string, 0, len(rules))
	for _, r := range rules {
		ids = append(ids, r.Meta().ID)
	}
	if !slices.IsSorted(ids) {
		t.Errorf("register rules sorted by ID, so 'platform lint rules' lists them in order: %v", ids)
	}
}

// HangLimit is how long Finishes waits: far beyond what linear work on the
// stress inputs takes on a loaded machine, far below what quadratic work would.
const HangLimit = 2 * time.Minute

// Finishes fails the test when run has not returned within HangLimit. It is a
// guard against pathological input that never ends, not a measurement: how
// fast the work scales is for the benchmarks (MB/s that falls as the input
// grows means superlinear work).
func Finishes(t testing.TB, what string, run func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		run()
	}()
	timer := time.NewTimer(HangLimit)
	defer timer.Stop()
	select {
	case <-done:
	case <-timer.C:
		t.Fatalf("%s did not finish within %v: superlinear work? (run the package's benchmarks)", what, HangLimit)
	}
}
