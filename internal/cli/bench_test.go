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
// written once per test binary run and removed by TestMain when it ends.
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

// TestMain removes the benchmarks' fleet (18 MB) when the test binary ends:
// the benchmarks share it, so no single one can.
func TestMain(m *testing.M) {
	code := m.Run()
	if fleetDir != "" {
		os.RemoveAll(fleetDir)
	}
	os.Exit(code)
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
	warmUp(b, lint.Options{Paths: []string{dir}, Rules: lintRules(), Settings: settings})
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
// policies (linttest.Policies) besides the built-in rules, compiled in every
// iteration as each `platform lint --policy` run does. The target is at most
// 30% over BenchmarkLintFleet (docs/performance.md).
func BenchmarkLintFleetPolicies(b *testing.B) {
	dir := lintFleet(b)
	settings := lint.Settings{AnnotationPrefix: "platform.example.com", ReadmeSections: lint.DefaultReadmeSections, Lifecycles: lint.DefaultLifecycles}
	cfg := policy.Config{Data: map[string]any{"lifecycles": []any{"experimental", "production", "deprecated"}}}
	for name, src := range linttest.Policies() {
		cfg.Modules = append(cfg.Modules, policy.Module{Name: name, Src: []byte(src)})
	}
	if set, err := policy.Compile(context.Background(), cfg); err == nil {
		warmUp(b, lint.Options{Paths: []string{dir}, Rules: withPolicies(set), Settings: settings})
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
	for name, src := range linttest.Policies() {
		src = byKind.Replace(src)
		if strings.Contains(src, "if {\n\tinput.kind == \"Deployment\"\n\tinput.metadata") {
			src += "}\n"
		}
		cfg.Modules = append(cfg.Modules, policy.Module{Name: name, Src: []byte(src)})
	}
	if set, err := policy.Compile(context.Background(), cfg); err == nil {
		warmUp(b, lint.Options{Paths: []string{dir}, Rules: withPolicies(set), Settings: settings})
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

// BenchmarkParseFleet is the floor: read every file and parse its YAML once,
// with no rules, for comparison with BenchmarkLintFleet.
func BenchmarkParseFleet(b *testing.B) {
	dir := lintFleet(b)
	warmUp(b, lint.Options{Paths: []string{dir}, Rules: []lint.Rule{parseOnly}})
	b.ReportAllocs()
	defer reportCPU(b)()
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

// warmUp runs the lint once before a fleet benchmark's timed loop. The first
// run in a process grows the heap (page faults on fresh memory, about 100 ms
// here), and whichever benchmark ran first paid it for the others: run after
// BenchmarkLintFleet, BenchmarkParseFleet looked 15% faster than on its own.
// Every fleet benchmark warms up, so each measures its steady state in any order.
func warmUp(b *testing.B, opts lint.Options) {
	b.Helper()
	if _, err := lint.Run(context.Background(), opts); err != nil {
		b.Fatal(err)
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
