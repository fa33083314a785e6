package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/platform-team/platform/internal/lint"
)

// TestEveryRuleThroughTheCLI runs `platform lint --rules ID` on each rule's
// documented examples, as written to disk: the failing one exits 1 with a
// finding of that rule, the passing one exits 0.
func TestEveryRuleThroughTheCLI(t *testing.T) {
	rules := lintRules()
	if len(rules) < 25 {
		t.Fatalf("%d rules registered, want at least 25", len(rules))
	}
	for _, rule := range rules {
		m := rule.Meta()
		t.Run(m.ID, func(t *testing.T) {
			if m.Bad == nil {
				t.Skip("no example on disk (lint/unreadable: a read failure, tested in internal/lint; lint/baseline-stale: a baseline and a later lint, tested in internal/lint/baseline and the baseline suites)")
			}
			for _, ex := range []struct {
				name  string
				files map[string]string
				code  int
			}{{"bad", m.Bad, ExitCheckFailed}, {"good", m.Good, ExitOK}} {
				dir := t.TempDir()
				for p, content := range ex.files {
					abs := filepath.Join(dir, filepath.FromSlash(p))
					if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(abs, []byte(content), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				f, out, errOut := testFactory(t)
				code := Run(context.Background(), f, []string{"lint", dir, "--rules", m.ID, "--format", "json", "--fail-on", "info"})
				if code != ex.code {
					t.Fatalf("%s example: exit %d, want %d\n%s%s", ex.name, code, ex.code, out, errOut)
				}
				var report struct {
					Findings []lint.Finding `json:"findings"`
				}
				if err := json.Unmarshal(out.Bytes(), &report); err != nil {
					t.Fatalf("%s example: %v\n%s", ex.name, err, out)
				}
				for _, finding := range report.Findings {
					if finding.Rule != m.ID {
						t.Fatalf("--rules %s reported %s", m.ID, finding.Rule)
					}
				}
			}
		})
	}
}
