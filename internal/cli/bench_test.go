package cli

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/platform-team/platform/internal/gitx"
	"github.com/platform-team/platform/internal/lint"
	"github.com/platform-team/platform/internal/lint/linttest"
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
