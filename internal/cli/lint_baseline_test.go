package cli

import (
	"slices"
	"testing"

	"github.com/platform-team/platform/internal/lint"
)

// lint/baseline-stale joins a --rules selection whenever a baseline is
// used, so that the entries of the rules that ran can be stale.
func TestBaselineSelectRules(t *testing.T) {
	for _, c := range []struct {
		name       string
		o          BaselineOptions
		globs      []string
		configured string
		want       []string
	}{
		{"no --rules: every rule runs", BaselineOptions{File: "b.json"}, nil, "", nil},
		{"no baseline", BaselineOptions{}, []string{"k8s/*"}, "", []string{"k8s/*"}},
		{"--baseline", BaselineOptions{File: "b.json"}, []string{"k8s/*"}, "", []string{"k8s/*", "lint/baseline-stale"}},
		{"--write-baseline", BaselineOptions{Write: "b.json"}, []string{"k8s/*"}, "", []string{"k8s/*", "lint/baseline-stale"}},
		{"lint.baseline", BaselineOptions{}, []string{"k8s/*"}, "b.json", []string{"k8s/*", "lint/baseline-stale"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			globs := slices.Clip(c.globs)
			if got := c.o.selectRules(globs, c.configured); !slices.Equal(got, c.want) {
				t.Errorf("selectRules = %v, want %v", got, c.want)
			}
			if len(c.globs) > 0 && len(globs) != len(c.globs) {
				t.Error("selectRules changed its argument")
			}
		})
	}
	if !slices.ContainsFunc(lintRules(), func(r lint.Rule) bool { return r.Meta().ID == "lint/baseline-stale" }) {
		t.Error("lint/baseline-stale is not registered")
	}
}
