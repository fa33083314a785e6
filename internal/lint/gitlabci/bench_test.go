package gitlabci_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/platform-team/platform/internal/lint"
	"github.com/platform-team/platform/internal/lint/gitlabci"
	"github.com/platform-team/platform/internal/lint/linttest"
	"go.yaml.in/yaml/v3"
)

// benchPipelines is 200 services' .gitlab-ci.yml, each a golden path's own
// with the service's name in it (so entries naming the service differ, and
// the jobs the golden path shares are the same, as in a real fleet).
func benchPipelines(b *testing.B) map[string]string {
	services, err := linttest.GoldenPaths()
	if err != nil {
		b.Fatal(err)
	}
	files := map[string]string{}
	for i := range 200 {
		svc := services[i%len(services)]
		name := fmt.Sprintf("svc%03d", i)
		files[name+"/.gitlab-ci.yml"] = strings.ReplaceAll(strings.ReplaceAll(svc.Files[".gitlab-ci.yml"], "payments", name), "orders", name)
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

// BenchmarkFamilyUnshared is BenchmarkFamily with no entry shared between
// pipelines (each job gets a resource_group of its service's own), so every
// entry is validated: the schema's cost without the run's cache.
func BenchmarkFamilyUnshared(b *testing.B) {
	files := benchPipelines(b)
	for name, content := range files {
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte(content), &doc); err != nil {
			b.Fatal(err)
		}
		root := doc.Content[0]
		for i := 0; i+1 < len(root.Content); i += 2 {
			switch root.Content[i].Value {
			case "default", "workflow", "variables", "include", "spec", "cache", "image", "services":
				continue // keywords, not jobs
			}
			if v := root.Content[i+1]; v.Kind == yaml.MappingNode && lint.KeyNode(v, "resource_group") == nil {
				v.Content = append(v.Content,
					&yaml.Node{Kind: yaml.ScalarNode, Value: "resource_group"},
					&yaml.Node{Kind: yaml.ScalarNode, Value: name})
			}
		}
		out, err := yaml.Marshal(&doc)
		if err != nil {
			b.Fatal(err)
		}
		files[name] = string(out)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if got := linttest.Run(gitlabci.Rules(), files); len(got) != 0 {
			b.Fatalf("findings: %v", got[0])
		}
	}
}
