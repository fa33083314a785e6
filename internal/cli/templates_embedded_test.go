package cli

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/platform-team/platform/internal/catalog"
	"github.com/platform-team/platform/internal/config"
	"github.com/platform-team/platform/internal/lint"
	"github.com/platform-team/platform/internal/scaffold"
	"github.com/platform-team/platform/templates"
)

// TestEmbeddedTemplatesGenerateValidServices renders every embedded template with
// only name and owner given, checks the catalog entities the way Backstage does,
// and builds and tests the generated Go code.
func TestEmbeddedTemplatesGenerateValidServices(t *testing.T) {
	resolver := &scaffold.Resolver{Embedded: templates.FS}
	list, err := resolver.EmbeddedTemplates()
	if err != nil {
		t.Fatal(err)
	}
	if len(list) < 3 {
		t.Fatalf("want at least 3 embedded templates, got %d", len(list))
	}
	for _, tmpl := range list {
		variants := []scaffold.Inputs{{Name: "payments", Owner: "group:payments"}}
		if tmpl.Manifest.Parameter("database") != nil {
			variants = append(variants, scaffold.Inputs{Name: "orders", Owner: "group:orders", Sets: []string{"database=postgres"}})
		}
		for _, in := range variants {
			t.Run(tmpl.Name()+"/"+in.Name, func(t *testing.T) {
				values, err := scaffold.Collect(tmpl.Manifest, in)
				if err != nil {
					t.Fatal(err)
				}
				opts := scaffold.ServiceOptions{PlatformVersion: "test", AnnotationPrefix: config.DefaultAnnotationPrefix}
				plan, err := scaffold.PlanService(t.Context(), tmpl, values, opts)
				if err != nil {
					t.Fatal(err)
				}
				catalogFile, ok := plan.Lookup(scaffold.CatalogFile)
				if !ok {
					t.Fatal("no catalog-info.yaml in the plan")
				}
				for _, p := range catalog.Validate(catalogFile.Data) {
					t.Errorf("catalog-info.yaml line %d: %s: %s", p.Line, p.Field, p.Message)
				}
				for _, want := range []string{"README.md", "mkdocs.yml", "docs/index.md", "platform.yaml", ".gitlab-ci.yml", "deploy/overlays/production/kustomization.yaml"} {
					if _, ok := plan.Lookup(want); !ok {
						t.Errorf("generated service lacks %s", want)
					}
				}
				if f, ok := plan.Lookup("platform.yaml"); ok {
					if _, err := config.ParseService(f.Data); err != nil {
						t.Errorf("generated platform.yaml: %v", err)
					}
				}
				for _, f := range plan.Files {
					if strings.Contains(string(f.Data), "TODO") || strings.Contains(string(f.Data), "FIXME") {
						t.Errorf("%s contains a TODO/FIXME stub", f.Path)
					}
				}
				dir := filepath.Join(t.TempDir(), "svc")
				if _, err := scaffold.Write(context.Background(), plan, dir, scaffold.WriteOptions{}); err != nil {
					t.Fatal(err)
				}
				lintClean(t, dir)
				if _, ok := plan.Lookup("go.mod"); !ok {
					return
				}
				if testing.Short() {
					t.Skip("building the generated Go code is skipped in -short mode")
				}
				goBuildChecks(t, dir)
			})
		}
	}
}

// goBuildChecks runs gofmt, go vet and go test in a generated module.
func goBuildChecks(t *testing.T, dir string) {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	gofmt := filepath.Join(filepath.Dir(goBin), "gofmt")
	for _, args := range [][]string{{gofmt, "-l", "."}, {goBin, "vet", "./..."}, {goBin, "test", "./..."}} {
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off", "GOPROXY=off")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
		}
		if args[0] == gofmt && len(strings.TrimSpace(string(out))) > 0 {
			t.Fatalf("generated code is not gofmt-clean:\n%s", out)
		}
	}
}

// lintClean runs every lint rule over a generated service and fails on any finding.
func lintClean(t *testing.T, dir string) {
	t.Helper()
	res, err := lint.Run(context.Background(), lint.Options{
		Paths: []string{dir},
		Rules: lintRules(),
		Settings: lint.Settings{
			AnnotationPrefix: config.DefaultAnnotationPrefix,
			ReadmeSections:   lint.DefaultReadmeSections,
			Lifecycles:       lint.DefaultLifecycles,
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Findings {
		t.Errorf("generated service is not lint clean: %s:%d:%d: %s: %s (%s)", f.Path, f.Line, f.Column, f.Severity, f.Message, f.Rule)
	}
}
