package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoadLayering(t *testing.T) {
	home := t.TempDir()
	userFile := filepath.Join(home, ".config", "platform", "config.yaml")
	if err := os.MkdirAll(filepath.Dir(userFile), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(userFile, []byte("template: cronjob\nannotationPrefix: user.example\ngitlab: {url: https://user.example}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	newFlags := func() *pflag.FlagSet {
		fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
		fs.String("template", "", "")
		fs.Bool("no-color", false, "")
		return fs
	}

	// User config over defaults; the unset --template flag receives the layered value.
	flags := newFlags()
	cfg, err := Load(LoadOptions{Getenv: env(map[string]string{"HOME": home}), Flags: flags, Command: "platform new service"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Template != "cronjob" || cfg.AnnotationPrefix != "user.example" || cfg.GitLab.URL != "https://user.example" || cfg.UserFile != userFile {
		t.Fatalf("user layer: %+v", cfg)
	}
	if got := flags.Lookup("template").Value.String(); got != "cronjob" {
		t.Fatalf("--template = %q, want the layered value copied in", got)
	}

	// Another command's --template means something else: it is left alone.
	other := newFlags()
	if _, err := Load(LoadOptions{Getenv: env(map[string]string{"HOME": home}), Flags: other, Command: "platform fleet status"}); err != nil {
		t.Fatal(err)
	}
	if got := other.Lookup("template").Value.String(); got != "" {
		t.Fatalf("fleet status --template = %q, want it left unset", got)
	}

	// Environment over user config.
	cfg, err = Load(LoadOptions{Getenv: env(map[string]string{"HOME": home, "PLATFORM_TEMPLATE": "go-service", "NO_COLOR": "1"}), Flags: newFlags()})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Template != "go-service" || !cfg.NoColor {
		t.Fatalf("env layer: %+v", cfg)
	}

	// A flag the user set over everything.
	flags = newFlags()
	if err := flags.Set("template", "container-service"); err != nil {
		t.Fatal(err)
	}
	cfg, err = Load(LoadOptions{Getenv: env(map[string]string{"HOME": home, "PLATFORM_TEMPLATE": "go-service"}), Flags: flags, Command: "platform new service"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Template != "container-service" {
		t.Fatalf("flag layer: %+v", cfg)
	}
}

func TestLoadDefaultsAndErrors(t *testing.T) {
	cfg, err := Load(LoadOptions{Getenv: env(nil)})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Template != DefaultTemplate || cfg.AnnotationPrefix != DefaultAnnotationPrefix || cfg.UserFile != "" {
		t.Fatalf("defaults: %+v", cfg)
	}
	if _, err := Load(LoadOptions{File: "/nonexistent/config.yaml", Getenv: env(nil)}); err == nil || !strings.Contains(err.Error(), "--config /nonexistent/config.yaml") {
		t.Fatalf("missing --config file: %v", err)
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("template: [oops"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(LoadOptions{File: bad, Getenv: env(nil)}); err == nil || !strings.Contains(err.Error(), "is not valid YAML") {
		t.Fatalf("invalid config: %v", err)
	}
	if _, err := Load(LoadOptions{Getenv: env(map[string]string{"PLATFORM_ANNOTATION_PREFIX": " "})}); err == nil {
		t.Fatal("a blank annotation prefix must be refused")
	}
}

func TestLoadReadsServiceProject(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, ServiceFileName), []byte("gitlab: {project: payments/api}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(LoadOptions{ServiceDir: dir, Getenv: env(nil)})
	if err != nil {
		t.Fatal(err)
	}
	if project, source, err := (GitLabTarget{Config: cfg}).Project(dir); project != "payments/api" || source != SourceServiceProject || cfg.ServiceFile == "" || err != nil {
		t.Fatalf("service layer: %+v: %q %q %v", cfg, project, source, err)
	}
	getenv := env(map[string]string{"PLATFORM_GITLAB_PROJECT": "env/project"})
	cfg, err = Load(LoadOptions{ServiceDir: dir, Getenv: getenv})
	if project, _, _ := (GitLabTarget{Config: cfg, Getenv: getenv}).Project(dir); err != nil || project != "env/project" {
		t.Fatalf("env over platform.yaml: %+v, %v", cfg, err)
	}
}

func TestUserConfigPath(t *testing.T) {
	if got := UserConfigPath(env(map[string]string{"XDG_CONFIG_HOME": "/x", "HOME": "/h"})); got != "/x/platform/config.yaml" {
		t.Fatal(got)
	}
	if got := UserConfigPath(env(map[string]string{"HOME": "/h"})); got != "/h/.config/platform/config.yaml" {
		t.Fatal(got)
	}
	if got, _ := CacheDir(env(map[string]string{"HOME": "/h"})); got != "/h/.cache/platform" {
		t.Fatal(got)
	}
}

func TestParseService(t *testing.T) {
	good := `gitlab: {project: payments/payments-api}
environments:
  - name: preview
  - name: staging
    from: preview
    gates: {deployed: true, pipeline: success, soak: 30m}
  - name: production
    from: staging
    gates: {deployed: true, approvals: 2, freeze: ["Fri 15:00 - Mon 08:00 Europe/Berlin"]}
promotion: {strategy: gitops, image: registry.example.com/payments/payments-api}
lint:
  failOn: warning
  rules: {k8s/probes: error}
  waivers:
    - {rule: k8s/resources, path: deploy/base/job.yaml, reason: "batch", expires: 2027-03-01}
  policies: [policy, "https://gitlab.example.com/sec/policies.git//k8s@v1.2.0"]
  policyData: [policy-data]
  policyNamespaces: [main, k8s]
  regoVersion: v0
  policyFiles: ["deploy/**/*.yaml"]
catalog:
  kinds: [Workflow]
`
	svc, err := ParseService([]byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if len(svc.Environments) != 3 || svc.Environments[2].Gates.Approvals != 2 || svc.Lint.Waivers[0].Expires != "2027-03-01" ||
		len(svc.Catalog.Kinds) != 1 || svc.Catalog.Kinds[0] != "Workflow" ||
		len(svc.Lint.Policies) != 2 || svc.Lint.PolicyData[0] != "policy-data" || svc.Lint.PolicyNamespaces[1] != "k8s" ||
		svc.Lint.RegoVersion != "v0" || svc.Lint.PolicyFiles[0] != "deploy/**/*.yaml" {
		t.Fatalf("parsed: %+v", svc)
	}
	bad := map[string]string{
		"unknown field": "environmnets: []",
		"missing from":  "environments: [{name: a}, {name: b}]",
		"later from":    "environments: [{name: a}, {name: b, from: c}]",
		"duplicate":     "environments: [{name: a}, {name: a, from: a}]",
		"strategy":      "promotion: {strategy: yolo}",
		"failOn":        "lint: {failOn: sometimes}",
		"regoVersion":   "lint: {regoVersion: v2}",
		"nameless":      "environments: [{from: x}]",
		"catalog field": "catalog: {kind: [Workflow]}",
		"empty kind":    "catalog: {kinds: ['']}",
		"kinds type":    "catalog: {kinds: Workflow}",
	}
	for name, doc := range bad {
		if _, err := ParseService([]byte(doc)); err == nil || !strings.Contains(err.Error(), "invalid platform.yaml") {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	if _, err := ParseService(nil); err != nil {
		t.Errorf("an empty platform.yaml is valid: %v", err)
	}
}
