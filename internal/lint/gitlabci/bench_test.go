package gitlabci_test

import (
	"fmt"
	"testing"

	"github.com/platform-team/platform/internal/lint"
	"github.com/platform-team/platform/internal/lint/gitlabci"
	"github.com/platform-team/platform/internal/lint/linttest"
)

// benchPipelines is 200 services' .gitlab-ci.yml, each the golden paths'
// own, with the platform's CI component template beside them.
func benchPipelines(b *testing.B) map[string]string {
	services, err := linttest.GoldenPaths()
	if err != nil {
		b.Fatal(err)
	}
	files := map[string]string{}
	for i := range 200 {
		svc := services[i%len(services)]
		files[fmt.Sprintf("svc%03d/.gitlab-ci.yml", i)] = svc.Files[".gitlab-ci.yml"]
	}
	return files
}

// BenchmarkFamily is the gitlab-ci family on 200 pipelines, parsing included;
// BenchmarkFamilyWithoutSchema is the same without gitlab-ci/schema, so the
// difference is the schema validation's cost.
func BenchmarkFamily(b *testing.B) {
	benchRules(b, gitlabci.Rules())
}

func BenchmarkFamilyWithoutSchema(b *testing.B) {
	var rules []lint.Rule
	for _, r := range gitlabci.Rules() {
		if r.Meta().ID != "gitlab-ci/schema" {
			rules = append(rules, r)
		}
	}
	benchRules(b, rules)
}

func benchRules(b *testing.B, rules []lint.Rule) {
	files := benchPipelines(b)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if got := linttest.Run(rules, files); len(got) != 0 {
			b.Fatalf("findings on the golden paths: %v", got[0])
		}
	}
}
