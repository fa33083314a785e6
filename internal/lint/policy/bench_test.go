package policy_test

import (
	"context"
	"testing"

	"github.com/platform-team/platform/internal/lint"
	"github.com/platform-team/platform/internal/lint/linttest"
	"github.com/platform-team/platform/internal/lint/policy"
)

// BenchmarkEvaluate is the policies' cost on one file of two documents (a
// Deployment and a Service): conversion of the parsed YAML and one query.
func BenchmarkEvaluate(b *testing.B) {
	cfg := policy.Config{Data: map[string]any{"lifecycles": []any{"production"}}}
	for name, src := range linttest.Policies() {
		cfg.Modules = append(cfg.Modules, policy.Module{Name: name, Src: []byte(src)})
	}
	set, err := policy.Compile(context.Background(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	rules := set.Rules()
	data := []byte(benchDoc)
	repo := lint.NewRepo("", lint.Settings{}, nil)
	b.ReportAllocs()
	for b.Loop() {
		f := lint.NewFile("deploy/app.yaml", data)
		f.YAML()
		var found []lint.Finding
		for _, r := range rules {
			r.CheckFile(repo, f, lint.NewReporter(r.Meta(), &found))
		}
	}
}

const benchDoc = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: payments
  labels: {app.kubernetes.io/name: payments, app.kubernetes.io/part-of: payments}
spec:
  replicas: 2
  selector: {matchLabels: {app.kubernetes.io/name: payments}}
  template:
    metadata:
      labels: {app.kubernetes.io/name: payments}
    spec:
      securityContext: {runAsNonRoot: true}
      containers:
        - name: app
          image: registry.example.com/payments:1.2.3
          ports: [{containerPort: 8080}]
          resources: {limits: {memory: 256Mi}, requests: {cpu: 100m, memory: 128Mi}}
          readinessProbe: {httpGet: {path: /healthz, port: 8080}}
---
apiVersion: v1
kind: Service
metadata: {name: payments}
spec:
  selector: {app.kubernetes.io/name: payments}
  ports: [{port: 80, targetPort: 8080}]
`

// BenchmarkEvaluateTrivial is BenchmarkEvaluate with one indexed rule that
// never matches: the fixed cost of an evaluation.
func BenchmarkEvaluateTrivial(b *testing.B) {
	set, err := policy.Compile(context.Background(), policy.Config{Modules: []policy.Module{{Name: "p.rego", Src: []byte("package main\ndeny contains \"x\" if input.kind == \"Nope\"\n")}}})
	if err != nil {
		b.Fatal(err)
	}
	rules := set.Rules()
	data := []byte(benchDoc)
	repo := lint.NewRepo("", lint.Settings{}, nil)
	b.ReportAllocs()
	for b.Loop() {
		f := lint.NewFile("deploy/app.yaml", data)
		f.YAML()
		var found []lint.Finding
		for _, r := range rules {
			r.CheckFile(repo, f, lint.NewReporter(r.Meta(), &found))
		}
	}
}

// BenchmarkParse is the floor of BenchmarkEvaluate: the YAML parse alone.
func BenchmarkParse(b *testing.B) {
	data := []byte(benchDoc)
	b.ReportAllocs()
	for b.Loop() {
		lint.NewFile("deploy/app.yaml", data).YAML()
	}
}
