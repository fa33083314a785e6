package cli

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/platform-team/platform/internal/gitx"
	"github.com/platform-team/platform/internal/lint"
	"github.com/platform-team/platform/internal/lint/linttest"
	"github.com/platform-team/platform/internal/lint/policy"
	"github.com/platform-team/platform/templates"
)

// BenchmarkNewService is the whole `platform new service NAME --owner ... --yes`:
// command parsing, config, template load, render, catalog, write and git commit.
func BenchmarkNewService(b *testing.B) {
	t := &testing.T{}
	f, _, errOut := testFactory(t)
	dir := b.TempDir()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		dest := filepath.Join(dir, strconv.Itoa(i))
		if code := Run(context.Background(), f, []string{"new", "service", "payments", "--owner", "group:payments", "--yes", "-o", dest}); code != 0 {
			b.Fatalf("exit %d: %s", code, errOut)
		}
	}
}

// lintFleet is a corpus of 200 services (5,800 YAML manifests, 1,000 Markdown files),
// written once per benchmark binary run.
func lintFleet(b *testing.B) string {
	b.Helper()
	fleetOnce.Do(func() {
		dir, err := os.MkdirTemp("", "platform-fleet-*")
		if err != nil {
			fleetErr = err
			return
		}
		fleetDir = dir
		_, fleetErr = linttest.WriteCorpus(dir, 200)
	})
	if fleetErr != nil {
		b.Fatal(fleetErr)
	}
	return fleetDir
}

var (
	fleetOnce sync.Once
	fleetDir  string
	fleetErr  error
)

// BenchmarkLintFleet lints the whole fleet with every rule, as `platform lint` does.
func BenchmarkLintFleet(b *testing.B) {
	dir := lintFleet(b)
	settings := lint.Settings{AnnotationPrefix: "platform.example.com", ReadmeSections: lint.DefaultReadmeSections, Lifecycles: lint.DefaultLifecycles}
	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		res, err := lint.Run(context.Background(), lint.Options{Paths: []string{dir}, Rules: lintRules(), Settings: settings})
		if err != nil {
			b.Fatal(err)
		}
		if res.Files < 6800 {
			b.Fatalf("linted %d files, want the whole fleet", res.Files)
		}
	}
}

// BenchmarkLintFleetPolicies is BenchmarkLintFleet with ten realistic Rego
// policies (benchPolicies) besides the built-in rules, compiled in every
// iteration as each `platform lint --policy` run does. The target is at most
// 30% over BenchmarkLintFleet (docs/performance.md).
func BenchmarkLintFleetPolicies(b *testing.B) {
	dir := lintFleet(b)
	settings := lint.Settings{AnnotationPrefix: "platform.example.com", ReadmeSections: lint.DefaultReadmeSections, Lifecycles: lint.DefaultLifecycles}
	cfg := policy.Config{Data: map[string]any{"lifecycles": []any{"experimental", "production", "deprecated"}}}
	for name, src := range benchPolicies {
		cfg.Modules = append(cfg.Modules, policy.Module{Name: name, Src: []byte(src)})
	}
	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		set, err := policy.Compile(context.Background(), cfg)
		if err != nil {
			b.Fatal(err)
		}
		res, err := lint.Run(context.Background(), lint.Options{Paths: []string{dir}, Rules: withPolicies(set), Settings: settings})
		if err != nil {
			b.Fatal(err)
		}
		if res.Files < 6800 {
			b.Fatalf("linted %d files, want the whole fleet", res.Files)
		}
		if slices.ContainsFunc(res.Findings, func(f lint.Finding) bool { return f.Rule == policy.ErrorRuleID }) {
			b.Fatal("a policy failed to evaluate")
		}
	}
}

// reportCPU reports the process's CPU time (user and system, every
// goroutine and the GC) per operation as cpu-ns/op: on a shared machine it
// varies less than the wall time. Call the returned function after the loop.
func reportCPU(b *testing.B) func() {
	start := cpuTime()
	return func() {
		if b.N > 0 {
			b.ReportMetric(float64((cpuTime()-start).Nanoseconds())/float64(b.N), "cpu-ns/op")
		}
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkLintFleetPoliciesByKind is BenchmarkLintFleetPolicies with the
// policies written as conftest's examples are, each rule testing input.kind
// first: OPA's rule index then skips the rules a document's kind rules out.
func BenchmarkLintFleetPoliciesByKind(b *testing.B) {
	dir := lintFleet(b)
	settings := lint.Settings{AnnotationPrefix: "platform.example.com", ReadmeSections: lint.DefaultReadmeSections, Lifecycles: lint.DefaultLifecycles}
	cfg := policy.Config{Data: map[string]any{"lifecycles": []any{"experimental", "production", "deprecated"}}}
	byKind := strings.NewReplacer(
		"\tk8s.is_workload\n", "\tinput.kind == \"Deployment\"\n",
		"\tsome c in k8s.containers\n", "\tinput.kind == \"Deployment\"\n\tsome c in input.spec.template.spec.containers\n",
		"exception contains [\"run_as_root\"] if input", "exception contains [\"run_as_root\"] if {\n\tinput.kind == \"Deployment\"\n\tinput",
	)
	for name, src := range benchPolicies {
		src = byKind.Replace(src)
		if strings.Contains(src, "if {\n\tinput.kind == \"Deployment\"\n\tinput.metadata") {
			src += "}\n"
		}
		cfg.Modules = append(cfg.Modules, policy.Module{Name: name, Src: []byte(src)})
	}
	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		set, err := policy.Compile(context.Background(), cfg)
		if err != nil {
			b.Fatal(err)
		}
		res, err := lint.Run(context.Background(), lint.Options{Paths: []string{dir}, Rules: withPolicies(set), Settings: settings})
		if err != nil {
			b.Fatal(err)
		}
		if res.Files < 6800 {
			b.Fatalf("linted %d files, want the whole fleet", res.Files)
		}
	}
}

// benchPolicies are ten policies of the kind an organisation writes: workload
// security, labels, services, the catalog and CI, with helpers, data and an
// exception.
var benchPolicies = map[string]string{
	"policy/lib/k8s.rego": `package lib.k8s

workloads := {"Deployment", "StatefulSet", "DaemonSet", "Job"}

is_workload if input.kind in workloads

containers contains c if {
	is_workload
	some c in input.spec.template.spec.containers
}
`,
	"policy/security.rego": `package main

import data.lib.k8s

deny_run_as_root contains msg if {
	k8s.is_workload
	not input.spec.template.spec.securityContext.runAsNonRoot
	msg := sprintf("%s %s: containers must not run as root", [input.kind, input.metadata.name])
}

deny_privileged contains msg if {
	some c in k8s.containers
	c.securityContext.privileged
	msg := sprintf("container %s must not be privileged", [c.name])
}

deny_host_network contains msg if {
	k8s.is_workload
	input.spec.template.spec.hostNetwork
	msg := sprintf("%s %s must not use the host network", [input.kind, input.metadata.name])
}

exception contains ["run_as_root"] if input.metadata.labels["platform.example.com/legacy"] == "true"
`,
	"policy/images.rego": `package main

import data.lib.k8s

deny_latest_tag contains msg if {
	some c in k8s.containers
	endswith(c.image, ":latest")
	msg := sprintf("container %s uses the latest tag", [c.name])
}

`,
	"policy/resources.rego": `package main

import data.lib.k8s

deny_memory_limit contains {"msg": msg, "details": {"container": c.name}} if {
	some c in k8s.containers
	not c.resources.limits.memory
	msg := sprintf("container %s has no memory limit", [c.name])
}
`,
	"policy/availability.rego": `package main

warn_replicas contains msg if {
	input.kind == "Deployment"
	input.spec.replicas < 2
	msg := sprintf("Deployment %s has fewer than 2 replicas", [input.metadata.name])
}
`,
	"policy/labels.rego": `package main

import data.lib.k8s

required := {"app.kubernetes.io/name", "app.kubernetes.io/part-of"}

warn_labels contains msg if {
	k8s.is_workload
	missing := required - {k | some k, _ in input.metadata.labels}
	count(missing) > 0
	msg := sprintf("%s %s lacks labels %v", [input.kind, input.metadata.name, sort(missing)])
}
`,
	"policy/services.rego": `package main

deny_load_balancer contains msg if {
	input.kind == "Service"
	input.spec.type == "LoadBalancer"
	msg := sprintf("Service %s: LoadBalancer services go through the ingress", [input.metadata.name])
}
`,
	"policy/catalog.rego": `package main

deny_catalog_lifecycle contains msg if {
	input.apiVersion == "backstage.io/v1alpha1"
	input.kind == "Component"
	not input.spec.lifecycle in data.lifecycles
	msg := sprintf("Component %s has lifecycle %v", [input.metadata.name, input.spec.lifecycle])
}

warn_catalog_oncall contains msg if {
	input.kind == "Component"
	input.metadata.annotations["platform.example.com/tier"] == "1"
	not input.metadata.annotations["pagerduty.com/service-id"]
	msg := sprintf("tier-1 Component %s names no on-call rota", [input.metadata.name])
}
`,
}

// BenchmarkParseFleet is the floor: read every file and parse its YAML once,
// with no rules, for comparison with BenchmarkLintFleet.
func BenchmarkParseFleet(b *testing.B) {
	dir := lintFleet(b)
	b.ReportAllocs()
	for b.Loop() {
		res, err := lint.Run(context.Background(), lint.Options{Paths: []string{dir}, Rules: []lint.Rule{parseOnly}})
		if err != nil {
			b.Fatal(err)
		}
		if res.Files < 6800 {
			b.Fatalf("read %d files", res.Files)
		}
	}
}

// parseOnly parses every YAML file and reports nothing.
var parseOnly = lint.NewFileRule(lint.Meta{ID: "bench/parse", Severity: lint.SeverityInfo},
	(*lint.File).IsYAML, func(_ *lint.Repo, f *lint.File, _ *lint.Reporter) { f.YAML() })

// TestWriteFleet writes the benchmark fleet to $PLATFORM_FLEET_DIR, to measure
// the binary on it (docs/performance.md); it is skipped when the variable is unset.
func TestWriteFleet(t *testing.T) {
	dir := os.Getenv("PLATFORM_FLEET_DIR")
	if dir == "" {
		t.Skip("set PLATFORM_FLEET_DIR to write the benchmark fleet")
	}
	n, err := linttest.WriteCorpus(dir, 200)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %d files into %s", n, dir)
}

// BenchmarkUpdate is the whole `platform update --yes` of a go-service whose
// team edited three files, to a go-service 1.1.0 that changed two of them
// and the README: command parsing, provenance, the committed tree, the
// dirty check, both renders (1.0.0 from its release archive), the merge,
// the catalog, and the all-or-nothing write. Each iteration starts from a
// fresh copy of the committed service (the copy is not timed).
func BenchmarkUpdate(b *testing.B) {
	t := &testing.T{}
	f, _, errOut := testFactory(t)
	service := filepath.Join(b.TempDir(), "payments")
	if code := Run(context.Background(), f, []string{"new", "service", "payments", "--owner", "group:payments", "--yes", "-o", service}); code != 0 {
		b.Fatalf("new service: exit %d: %s", code, errOut)
	}
	for path, edit := range map[string][2]string{
		"Dockerfile":      {"WORKDIR /src", "WORKDIR /src\n# The team caches modules here."},
		"README.md":       {"## Overview", "## Overview\n\nOwned by the payments team; pager: #payments-oncall."},
		"docs/runbook.md": {"# ", "<!-- reviewed by the team -->\n# "},
	} {
		p := filepath.Join(service, filepath.FromSlash(path))
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(strings.Replace(string(data), edit[0], edit[1], 1)), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := gitx.CommitOnBranch(service, "main", []string{"Dockerfile", "README.md", "docs/runbook.md"}, gitx.Author{Name: "Team", Email: "team@example.com"}, "team edits", f.Now()); err != nil {
		b.Fatal(err)
	}
	next, _, errOut := testFactory(t)
	next.Templates, next.Releases = nextTemplates(b), templates.Releases
	work := b.TempDir()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		b.StopTimer()
		i++
		dir := filepath.Join(work, strconv.Itoa(i))
		if err := os.CopyFS(dir, os.DirFS(service)); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if code := Run(context.Background(), next, []string{"update", dir, "--yes"}); code != 0 {
			b.Fatalf("update: exit %d: %s", code, errOut)
		}
	}
}
