package gitlabci_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/platform-team/platform/internal/lint/gitlabci"
	"github.com/platform-team/platform/internal/lint/linttest"
)

// TestLargeConfigs keeps the rules fast on large files: long extends
// chains (each job walks its chain: quadratic, fine for hundreds), many jobs,
// a syntax error at the end of a long file.
func TestLargeConfigs(t *testing.T) {
	var chain, many strings.Builder
	chain.WriteString("stages: [test]\n")
	for i := range 300 {
		fmt.Fprintf(&chain, "j%d:\n  extends: [.t%d, j%d]\n", i, i, i+1)
	}
	for i := range 2000 {
		fmt.Fprintf(&many, "job%d:\n  stage: test\n  script:\n    - echo %d\n", i, i)
	}
	inputs := map[string]string{
		"extends chain":       chain.String(),
		"many jobs":           many.String(),
		"error at the end":    many.String() + "broken: [\n",
		"error in the middle": many.String()[:len(many.String())/2] + "  - x\n bad\n" + many.String(),
	}
	for name, in := range inputs {
		start := time.Now()
		linttest.Run(gitlabci.Rules(), map[string]string{".gitlab-ci.yml": in})
		if d := time.Since(start); d > 20*time.Second {
			t.Errorf("%s: %v", name, d)
		}
	}
}
