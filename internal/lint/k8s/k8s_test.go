package k8s_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/platform-team/platform/internal/lint/k8s"
	"github.com/platform-team/platform/internal/lint/linttest"
)

func TestExamples(t *testing.T) {
	linttest.CheckExamples(t, k8s.Rules())
}

// The good examples are rendered into the rule reference as what to do: they
// pass the whole family, not only their own rule.
func TestGoodExamplesPassEveryRule(t *testing.T) {
	for _, r := range k8s.Rules() {
		m := r.Meta()
		if got := linttest.Run(k8s.Rules(), m.Good); len(got) > 0 {
			t.Errorf("good example of %s: %s", m.ID, format(got))
		}
	}
}

// The linter reads the generated schema; linking k8s.io/api would put its
// package initialisation (protobuf registration) on every command's start-up.
func TestDoesNotLinkKubernetesAPI(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to list the dependencies with")
	}
	out, err := exec.Command(goTool, "list", "-deps", "github.com/platform-team/platform/internal/lint/k8s").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "k8s.io/") || strings.HasPrefix(dep, "sigs.k8s.io/") {
			t.Errorf("internal/lint/k8s depends on %s", dep)
		}
	}
}
