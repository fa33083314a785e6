package policy_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/platform-team/platform/internal/lint"
	"github.com/platform-team/platform/internal/lint/policy"
)

// run compiles the policies (name -> source) and lints files with their rules.
func run(t *testing.T, cfg policy.Config, policies, files map[string]string) *lint.Result {
	t.Helper()
	set := compile(t, cfg, policies)
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, err := lint.Run(context.Background(), lint.Options{Paths: []string{dir}, Rules: set.Rules()})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func compile(t *testing.T, cfg policy.Config, policies map[string]string) *policy.Set {
	t.Helper()
	for name, src := range policies {
		cfg.Modules = append(cfg.Modules, policy.Module{Name: name, Src: []byte(src)})
	}
	set, err := policy.Compile(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// lines renders findings as "path:line rule severity: message".
func lines(res *lint.Result) []string {
	var out []string
	for _, f := range res.Findings {
		out = append(out, fmt.Sprintf("%s:%d %s %s: %s", f.Path, f.Line, f.Rule, f.Severity, f.Message))
	}
	return out
}

func want(t *testing.T, res *lint.Result, expected ...string) {
	t.Helper()
	got := lines(res)
	if !slices.Equal(got, expected) {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(expected, "\n"))
	}
}

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: LoadBalancer
`

func TestRuleKinds(t *testing.T) {
	res := run(t, policy.Config{}, map[string]string{"p/main.rego": `package main

deny contains msg if {
	input.kind == "Deployment"
	msg := sprintf("Deployment %s must not run as root", [input.metadata.name])
}

violation contains {"msg": msg, "details": {}} if {
	input.kind == "Service"
	input.spec.type == "LoadBalancer"
	msg := "LoadBalancer services are not allowed"
}

warn contains msg if {
	input.kind == "Service"
	msg := "services are discouraged"
}

helper := 1
`}, map[string]string{"deploy/app.yaml": deployment, "README.md": "# hi\n"})
	want(t, res,
		"deploy/app.yaml:1 policy/main/deny error: Deployment web must not run as root",
		"deploy/app.yaml:8 policy/main/violation error: LoadBalancer services are not allowed",
		"deploy/app.yaml:8 policy/main/warn warning: services are discouraged",
	)
}

func TestSuffixesAndRuleList(t *testing.T) {
	set := compile(t, policy.Config{}, map[string]string{"p.rego": `package main

deny_run_as_root contains "root" if input.kind == "Deployment"
warn_no_replicas contains "replicas" if not input.spec.replicas
violation_x_y contains {"msg": "xy"} if false
denylist := ["a"]
deny_ := 1
`})
	var ids []string
	for _, r := range set.Rules() {
		ids = append(ids, r.Meta().ID+" "+r.Meta().Severity.String())
	}
	wantIDs := []string{"policy/error error", "policy/main/deny_run_as_root error", "policy/main/violation_x_y error", "policy/main/warn_no_replicas warning"}
	if !slices.Equal(ids, wantIDs) {
		t.Errorf("rules %q, want %q", ids, wantIDs)
	}
}

func TestExceptionsAsConftest(t *testing.T) {
	res := run(t, policy.Config{}, map[string]string{"p.rego": `package main

deny_run_as_root contains msg if {
	input.kind == "Deployment"
	not input.spec.template.spec.securityContext.runAsNonRoot
	msg := sprintf("Containers must not run as root in Deployment %s", [input.metadata.name])
}

deny contains "plain" if input.metadata.name == "plain"
warn contains "plain warning" if input.metadata.name == "plain"

exception contains rules if {
	input.metadata.name == "can-run-as-root"
	rules := ["run_as_root"]
}

exception contains rules if {
	input.metadata.name == "plain"
	rules := [""]
}
`}, map[string]string{"d.yaml": `kind: Deployment
metadata: {name: cannot-run-as-root}
---
kind: Deployment
metadata: {name: can-run-as-root}
---
kind: Deployment
metadata: {name: plain}
spec: {template: {spec: {securityContext: {runAsNonRoot: true}}}}
`})
	want(t, res, "d.yaml:1 policy/main/deny_run_as_root error: Containers must not run as root in Deployment cannot-run-as-root")
	// run_as_root on the second document; deny and warn on the third.
	if res.Waived != 3 {
		t.Errorf("waived %d, want 3", res.Waived)
	}
}

func TestData(t *testing.T) {
	data := map[string]any{}
	fsys := fstest.MapFS{
		"exclusions/services.yaml": {Data: []byte("services:\n  ports:\n  - 22\n  - 21\n")},
		"exclusions/more.json":     {Data: []byte(`{"services": {"names": ["ssh"]}}`)},
	}
	if err := policy.ReadData(fsys, "exclusions", "exclusions", data); err != nil {
		t.Fatal(err)
	}
	res := run(t, policy.Config{Data: data}, map[string]string{"p.rego": `package main

deny contains msg if {
	input.kind == "Service"
	some p in input.spec.ports
	p.port in data.services.ports
	msg := sprintf("Cannot expose port %v on LoadBalancer. Denied ports: %v", [p.port, data.services.ports])
}

warn contains n if some n in data.services.names
`}, map[string]string{"service.yaml": "kind: Service\nspec:\n  ports:\n  - port: 22\n"})
	want(t, res,
		"service.yaml:1 policy/main/deny error: Cannot expose port 22 on LoadBalancer. Denied ports: [22, 21]",
		"service.yaml:1 policy/main/warn warning: ssh",
	)
}

func TestDataConflict(t *testing.T) {
	fsys := fstest.MapFS{
		"d/a.yaml": {Data: []byte("x: {y: 1}\n")},
		"d/b.yaml": {Data: []byte("x: {y: 2}\n")},
	}
	err := policy.ReadData(fsys, "d", "d", map[string]any{})
	var le *policy.LoadError
	if !errors.As(err, &le) || !strings.Contains(err.Error(), "d/b.yaml:1: data.x.y is already set") {
		t.Fatalf("err %v, want a LoadError about data.x.y", err)
	}
}

func TestNamespaces(t *testing.T) {
	policies := map[string]string{
		"main.rego":    "package main\ndeny contains \"main\" if true\n",
		"k8s.rego":     "package k8s.apps\ndeny contains \"k8s\" if true\n",
		"catalog.rego": "package catalog\nwarn contains \"catalog\" if true\n",
	}
	files := map[string]string{"a.yaml": "a: 1\n"}
	want(t, run(t, policy.Config{}, policies, files), "a.yaml:1 policy/main/deny error: main")
	want(t, run(t, policy.Config{Namespaces: []string{"k8s.apps", "catalog"}}, policies, files),
		"a.yaml:1 policy/catalog/warn warning: catalog",
		"a.yaml:1 policy/k8s.apps/deny error: k8s")
	want(t, run(t, policy.Config{AllNamespaces: true}, policies, files),
		"a.yaml:1 policy/catalog/warn warning: catalog",
		"a.yaml:1 policy/k8s.apps/deny error: k8s",
		"a.yaml:1 policy/main/deny error: main")

	_, err := policy.Compile(context.Background(), policy.Config{Namespaces: []string{"nope"}, Modules: []policy.Module{{Name: "m.rego", Src: []byte("package main\n")}}})
	if err == nil || !strings.Contains(err.Error(), "namespace nope: no policy declares package nope (packages: main)") {
		t.Errorf("err %v", err)
	}
}

func TestRegoV0(t *testing.T) {
	v0 := "package main\n\ndeny[msg] {\n  input.kind == \"Deployment\"\n  msg = \"v0 syntax\"\n}\n"
	_, err := policy.Compile(context.Background(), policy.Config{Modules: []policy.Module{{Name: "p/v0.rego", Src: []byte(v0)}}})
	if err == nil || !strings.HasPrefix(err.Error(), "p/v0.rego:3: ") {
		t.Fatalf("v0 module under v1: err %v, want a parse error at p/v0.rego:3", err)
	}
	res := run(t, policy.Config{RegoV0: true}, map[string]string{"p/v0.rego": v0}, map[string]string{"d.yaml": "kind: Deployment\n"})
	want(t, res, "d.yaml:1 policy/main/deny error: v0 syntax")
}

func TestCompileErrorFileLine(t *testing.T) {
	_, err := policy.Compile(context.Background(), policy.Config{Modules: []policy.Module{
		{Name: "policy/ok.rego", Src: []byte("package main\n")},
		{Name: "policy/bad.rego", Src: []byte("package main\n\ndeny contains msg if {\n\tmsg := undefined_fn(1)\n}\n")},
	}})
	var le *policy.LoadError
	if !errors.As(err, &le) {
		t.Fatalf("err %v, want a LoadError", err)
	}
	if got := err.Error(); !strings.HasPrefix(got, "policy/bad.rego:4: undefined function undefined_fn") {
		t.Errorf("err %q, want policy/bad.rego:4: undefined function", got)
	}
}

func TestEvalErrorIsAFinding(t *testing.T) {
	res := run(t, policy.Config{}, map[string]string{"policy/conflict.rego": `package main

name := input.metadata.name
name := "other" if input.kind == "Deployment"

deny contains msg if {
	msg := sprintf("bad %s", [name])
}

warn contains "still checked" if input.kind
`}, map[string]string{"d.yaml": "kind: Deployment\nmetadata: {name: web}\n", "s.yaml": "kind: Service\nmetadata: {name: web}\n"})
	got := lines(res)
	if len(got) != 4 {
		t.Fatalf("findings:\n%s", strings.Join(got, "\n"))
	}
	if !strings.HasPrefix(got[0], "d.yaml:1 policy/error error: policy failed on this document: data.main.deny: policy/conflict.rego:4: eval_conflict_error: rule data.main.name produced conflicting values: \"web\" at policy/conflict.rego:3") {
		t.Errorf("first finding %q", got[0])
	}
	if got[1] != "d.yaml:1 policy/main/warn warning: still checked" || got[2] != "s.yaml:1 policy/main/deny error: bad web" {
		t.Errorf("findings:\n%s", strings.Join(got, "\n"))
	}
}

func TestTimeout(t *testing.T) {
	res := run(t, policy.Config{Timeout: 20 * time.Millisecond}, map[string]string{"slow.rego": `package main

deny contains "never" if {
	n := count([x | some i in numbers.range(1, 5000); some j in numbers.range(1, 5000); x := i * j; x == -1])
	n > 0
}
`}, map[string]string{"a.yaml": "a: 1\n"})
	got := lines(res)
	if len(got) != 1 || !strings.Contains(got[0], "policy/error error: policy failed on this document: evaluation of the policies took longer than 20ms (PLATFORM_POLICY_TIMEOUT)") {
		t.Errorf("findings:\n%s", strings.Join(got, "\n"))
	}
}

func TestInputsAsConftestSeesThem(t *testing.T) {
	res := run(t, policy.Config{}, map[string]string{"p.rego": `package main

deny contains sprintf("%v", [input]) if true
`}, map[string]string{
		"anchors.yaml": "base: &b {a: 1, n: 1.5, t: true, z: null, big: 0x10}\nderived:\n  <<: *b\n  a: 2\n",
		"list.json":    `[{"i": 1}, {"i": 2}]`,
		"empty.yaml":   "# nothing\n",
	})
	want(t, res,
		`anchors.yaml:1 policy/main/deny error: {"base": {"a": 1, "big": 16, "n": 1.5, "t": true, "z": null}, "derived": {"a": 2, "big": 16, "n": 1.5, "t": true, "z": null}}`,
		`list.json:1 policy/main/deny error: {"i": 1}`,
		`list.json:1 policy/main/deny error: {"i": 2}`,
	)
}

func TestFieldLineFromDetailsPath(t *testing.T) {
	res := run(t, policy.Config{}, map[string]string{"p.rego": `package main

violation contains {"msg": "too many", "details": {"path": ["spec", "replicas"]}} if input.spec.replicas > 3
deny contains {"msg": "bad image", "path": "spec.containers.1.image"} if true
violation contains {"details": {}} if input.spec.replicas > 3
`}, map[string]string{"d.yaml": "kind: Deployment\nspec:\n  replicas: 5\n  containers:\n  - image: a\n  - image: b\n"})
	got := lines(res)
	wantLines := []string{
		"d.yaml:1 policy/error error: policy failed on this document: data.main.violation: a result has no msg string: map[details:map[]]",
		"d.yaml:3 policy/main/violation error: too many",
		"d.yaml:6 policy/main/deny error: bad image",
	}
	if !slices.Equal(got, wantLines) {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantLines, "\n"))
	}
}

func TestPolicyFilesAndDockerfile(t *testing.T) {
	res := run(t, policy.Config{Files: []string{"deploy/**/*.yaml", "Dockerfile"}}, map[string]string{"p.rego": `package main

deny contains sprintf("%s uses latest", [input[i].Value[0]]) if {
	input[i].Cmd == "from"
	endswith(input[i].Value[0], ":latest")
}

warn contains "yaml seen" if input.kind
`}, map[string]string{
		"deploy/base/a.yaml": "kind: A\n",
		"other/b.yaml":       "kind: B\n",
		"Dockerfile":         "# build\nFROM golang:latest AS build\nRUN go build \\\n  ./...\nFROM alpine:3\n",
	})
	want(t, res,
		"Dockerfile:1 policy/main/deny error: golang:latest uses latest",
		"deploy/base/a.yaml:1 policy/main/warn warning: yaml seen",
	)
}

func TestMetadata(t *testing.T) {
	set := compile(t, policy.Config{}, map[string]string{"p.rego": `package main

__rego_metadata__ := {"title": "Package title", "description": "Package description"}

# METADATA
# title: No root
# description: Containers must not run as root.
deny_root contains "x" if false

warn contains "y" if false
`})
	got := map[string]string{}
	for _, r := range set.Rules() {
		got[r.Meta().ID] = r.Meta().Summary + " | " + strings.SplitN(r.Meta().Doc, "\n", 2)[0]
	}
	if got["policy/main/deny_root"] != "No root | Containers must not run as root." {
		t.Errorf("deny_root: %q", got["policy/main/deny_root"])
	}
	if got["policy/main/warn"] != "Package title | Package description" {
		t.Errorf("warn: %q", got["policy/main/warn"])
	}
}

func TestReadModulesSkipsTests(t *testing.T) {
	fsys := fstest.MapFS{
		"b/policy/a.rego":         {Data: []byte("package main\n")},
		"b/policy/a_test.rego":    {Data: []byte("package main\n")},
		"b/policy/lib/k.rego":     {Data: []byte("package lib\n")},
		"b/policy/.hidden/x.rego": {Data: []byte("package x\n")},
		"b/policy/notes.md":       {Data: []byte("# notes\n")},
	}
	mods, err := policy.ReadModules(fsys, "b/policy", "bundle")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range mods {
		names = append(names, m.Name)
	}
	if !slices.Equal(names, []string{"bundle/a.rego", "bundle/lib/k.rego"}) {
		t.Errorf("modules %q", names)
	}
	if _, err := policy.ReadModules(fsys, "missing", "missing"); err == nil || err.Error() != "missing: file does not exist" {
		t.Errorf("missing dir: %v", err)
	}
}

func TestRuleGlobs(t *testing.T) {
	set := compile(t, policy.Config{}, map[string]string{"p.rego": "package main\ndeny contains \"d\" if true\nwarn contains \"w\" if true\n"})
	rules := set.Rules()
	for _, tc := range []struct {
		glob string
		n    int
	}{{"policy/*", 3}, {"policy/main/*", 2}, {"policy/*/deny", 1}, {"policy/main/deny", 1}} {
		got, err := lint.SelectRules(rules, []string{tc.glob}, nil)
		if err != nil || len(got) != tc.n {
			t.Errorf("--rules %s: %d rules (%v), want %d", tc.glob, len(got), err, tc.n)
		}
	}
}

func TestNamespaceWithoutRules(t *testing.T) {
	res := run(t, policy.Config{}, map[string]string{"p.rego": "package main\n\nx := 1\n"}, map[string]string{"a.yaml": "a: 1\n"})
	want(t, res)
}
