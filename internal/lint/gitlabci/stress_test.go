package gitlabci_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/platform-team/platform/internal/lint/gitlabci"
	"github.com/platform-team/platform/internal/lint/linttest"
)

// largeConfigs are large files: long extends chains (each job walks its
// chain: quadratic, fine for hundreds), many jobs, a syntax error at the end
// of a long file.
func largeConfigs() map[string]string {
	var chain, many strings.Builder
	chain.WriteString("stages: [test]\n")
	for i := range 300 {
		fmt.Fprintf(&chain, "j%d:\n  extends: [.t%d, j%d]\n", i, i, i+1)
	}
	for i := range 2000 {
		fmt.Fprintf(&many, "job%d:\n  stage: test\n  script:\n    - echo %d\n", i, i)
	}
	return map[string]string{
		"extends chain":       chain.String(),
		"many jobs":           many.String(),
		"error at the end":    many.String() + "broken: [\n",
		"error in the middle": many.String()[:len(many.String())/2] + "  - x\n bad\n" + many.String(),
	}
}

// TestLargeConfigs lints each large file; only a hang fails it. How long the
// rules take is measured by BenchmarkLargeConfigs, not judged by a clock.
func TestLargeConfigs(t *testing.T) {
	inputs := largeConfigs()
	for _, name := range slices.Sorted(maps.Keys(inputs)) {
		t.Run(name, func(t *testing.T) {
			files := map[string]string{".gitlab-ci.yml": inputs[name]}
			linttest.Finishes(t, name, func() { linttest.Run(gitlabci.Rules(), files) })
		})
	}
}

func BenchmarkLargeConfigs(b *testing.B) {
	inputs := largeConfigs()
	for _, name := range slices.Sorted(maps.Keys(inputs)) {
		b.Run(name, func(b *testing.B) {
			files := map[string]string{".gitlab-ci.yml": inputs[name]}
			b.SetBytes(int64(len(inputs[name])))
			for b.Loop() {
				linttest.Run(gitlabci.Rules(), files)
			}
		})
	}
}
