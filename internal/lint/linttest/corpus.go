package linttest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/platform-team/platform/internal/scaffold"
	"github.com/platform-team/platform/templates"
)

// Corpus sizes per service: the golden path renders 11 YAML files and 3 Markdown
// files; extra manifests and ADRs bring each service to 29 and 5, so 200
// services are 5,800 YAML manifests and 1,000 Markdown files.
const (
	corpusYAMLPerService     = 29
	corpusMarkdownPerService = 5
)

// WriteCorpus writes a fleet of services into dir, each a rendered golden path
// plus extra manifests and docs, for benchmarks. It returns the number of files.
func WriteCorpus(dir string, services int) (int, error) {
	list, err := (&scaffold.Resolver{Embedded: templates.FS}).EmbeddedTemplates()
	if err != nil {
		return 0, err
	}
	var golden *scaffold.Template
	for _, t := range list {
		if t.Name() == "go-service" {
			golden = t
		}
	}
	files := 0
	for i := range services {
		name := fmt.Sprintf("svc-%03d", i)
		rendered, err := render(golden, scaffold.Inputs{Name: name, Owner: "group:team-" + fmt.Sprint(i%17)})
		if err != nil {
			return files, err
		}
		out := map[string][]byte{}
		yamlCount, mdCount := 0, 0
		for p, data := range rendered {
			out[p] = []byte(data)
			switch filepath.Ext(p) {
			case ".yaml", ".yml":
				yamlCount++
			case ".md":
				mdCount++
			}
		}
		for j := 0; yamlCount < corpusYAMLPerService; j++ {
			out[fmt.Sprintf("deploy/extra/config-%02d.yaml", j)] = []byte(extraManifest(name, j))
			yamlCount++
		}
		for j := 0; mdCount < corpusMarkdownPerService; j++ {
			out[fmt.Sprintf("docs/adr/%04d-decision.md", j+1)] = []byte(adr(j))
			mdCount++
		}
		for p, data := range out {
			abs := filepath.Join(dir, name, filepath.FromSlash(p))
			if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
				return files, err
			}
			if err := os.WriteFile(abs, data, 0o644); err != nil {
				return files, err
			}
			files++
		}
	}
	return files, nil
}

func extraManifest(service string, j int) string {
	switch j % 3 {
	case 0:
		return fmt.Sprintf(`apiVersion: v1
kind: ConfigMap
metadata:
  name: %s-config-%d
  labels:
    app.kubernetes.io/name: %s
data:
  LOG_LEVEL: info
  FEATURE_%d: "true"
`, service, j, service, j)
	case 1:
		return fmt.Sprintf(`apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: %s-pdb-%d
  labels:
    app.kubernetes.io/name: %s
spec:
  minAvailable: 1
  selector:
    matchLabels:
      app.kubernetes.io/name: %s
`, service, j, service, service)
	default:
		return fmt.Sprintf(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: %s-netpol-%d
  labels:
    app.kubernetes.io/name: %s
spec:
  podSelector:
    matchLabels:
      app.kubernetes.io/name: %s
  policyTypes: [Ingress]
  ingress:
    - from:
        - podSelector: {}
      ports:
        - port: 8080
          protocol: TCP
`, service, j, service, service)
	}
}

func adr(j int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# ADR %d: a decision\n\n## Context\n\nSee the [runbook](../runbook.md#promote) and the [index](../index.md).\n\n", j+1)
	for k := range 20 {
		fmt.Fprintf(&b, "Paragraph %d explains the trade-off in some detail, with `code` and *emphasis*.\n\n", k)
	}
	b.WriteString("## Decision\n\nWe keep the golden path.\n\n## Consequences\n\nNone worth a link.\n")
	return b.String()
}
