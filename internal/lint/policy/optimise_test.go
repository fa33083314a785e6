package policy

import (
	"context"
	"reflect"
	"testing"

	"github.com/platform-team/platform/internal/lint"
)

// optimiseDocs are documents of every shape the policies below distinguish.
var optimiseDocs = map[string]string{
	"deploy.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app.kubernetes.io/name: web}
spec:
  replicas: 1
  template:
    spec:
      hostNetwork: true
      containers:
        - {name: app, image: "web:latest", securityContext: {privileged: true}}
        - {name: side, image: "side:1.0", resources: {limits: {memory: 64Mi}}}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: legacy
  labels: {platform.example.com/legacy: "true", app.kubernetes.io/name: legacy, app.kubernetes.io/part-of: x}
spec:
  replicas: 3
  template:
    spec:
      securityContext: {runAsNonRoot: true}
      containers: [{name: app, image: "legacy:2", resources: {limits: {memory: 1Gi}}}]
`,
	"job.yaml": `kind: Job
metadata: {name: batch}
spec: {template: {spec: {containers: [{name: run, image: "run:latest"}]}}}
`,
	"svc.yaml": `kind: Service
metadata: {name: lb}
spec: {type: LoadBalancer}
`,
	"catalog-info.yaml": `apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: pay, annotations: {platform.example.com/tier: "1"}}
spec: {lifecycle: retired}
`,
	"list.yaml": `- {kind: ConfigMap, metadata: {name: a}, data: {x: "1"}}
- {kind: 5, metadata: {name: odd}}
- {metadata: {name: nokind}}
- [1, 2]
- plain string
`,
	"conflict.yaml": `kind: Conflict
metadata: {name: c}
values: [a, b]
`,
	"data.json": `{"kind": "Service", "metadata": {"name": "json"}, "spec": {"type": "ClusterIP", "ports": [{"port": 80}]}}`,
}

// optimisePolicies are policy sets that exercise what partial evaluation
// and the cut by kind must keep: helper rules, data, exceptions, suffixes,
// details with paths, iteration, functions, defaults, conflicts, errors.
var optimisePolicies = []map[string]string{
	{
		"lib.rego": `package lib.k8s

workloads := {"Deployment", "StatefulSet", "DaemonSet", "Job"}

is_workload if input.kind in workloads

containers contains c if {
	is_workload
	some c in input.spec.template.spec.containers
}

name(x) := sprintf("%s/%s", [x.kind, x.metadata.name])
`,
		"main.rego": `package main

import data.lib.k8s

deny_run_as_root contains msg if {
	k8s.is_workload
	not input.spec.template.spec.securityContext.runAsNonRoot
	msg := sprintf("%s: root", [k8s.name(input)])
}

deny_privileged contains {"msg": msg, "details": {"path": ["spec", "template", "spec", "containers", i]}} if {
	some i, c in input.spec.template.spec.containers
	k8s.is_workload
	c.securityContext.privileged
	msg := sprintf("%s privileged", [c.name])
}

deny_latest contains msg if {
	some c in k8s.containers
	endswith(c.image, ":latest")
	msg := sprintf("%s latest", [c.name])
}

violation_memory contains {"msg": sprintf("%s no memory limit", [c.name]), "details": {"container": c.name}} if {
	some c in k8s.containers
	not c.resources.limits.memory
}

warn_replicas contains msg if {
	input.kind in ["Deployment", "StatefulSet"]
	input.spec.replicas < 2
	msg := "few replicas"
}

deny_lb contains "no LoadBalancer" if {
	input.kind == "Service"
	input.spec.type == "LoadBalancer"
}

deny_lifecycle contains msg if {
	input.kind == "Component"
	not input.spec.lifecycle in data.lifecycles
	msg := sprintf("lifecycle %v", [input.spec.lifecycle])
}

warn contains msg if {
	not input.kind in k8s.workloads
	msg := sprintf("not a workload: %v", [object.get(input, "kind", "none")])
}

deny contains "unnamed" if not input.metadata.name

exception contains ["run_as_root"] if input.metadata.labels["platform.example.com/legacy"] == "true"

exception contains [""] if input.kind == "ConfigMap"
`,
	},
	{
		"p.rego": `package main

default tier := "none"

tier := "web" if input.kind == "Deployment"

value := input.values[_]

deny contains msg if {
	input.kind == "Conflict"
	msg := value
}

deny_tier contains sprintf("tier %s", [tier]) if input.metadata.name

warn contains m if {
	input.kind == "Service"
	some p in input.spec.ports
	m := sprintf("port %d", [p.port])
}

violation contains {"msg": "bad name", "details": {"path": "metadata.name"}} if {
	startswith(input.metadata.name, "l")
}

deny_complete := ["always"] if input.kind == "Job"
`,
		"other.rego": `package other

deny contains "other namespace" if input.kind == "Service"
`,
	},
}

// TestOptimisedSameOutcomes evaluates every document with the optimised
// query (partial evaluation, cut by kind) and with the query as written:
// every rule's results, exceptions and errors are the same.
func TestOptimisedSameOutcomes(t *testing.T) {
	for i, policies := range optimisePolicies {
		cfg := Config{Data: map[string]any{"lifecycles": []any{"production"}}, AllNamespaces: true}
		for name, src := range policies {
			cfg.Modules = append(cfg.Modules, Module{Name: name, Src: []byte(src)})
		}
		set, err := Compile(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		if !set.optimised || set.kinds == nil {
			t.Fatalf("set %d: not optimised (optimised %v, kinds %v)", i, set.optimised, set.kinds != nil)
		}
		plain := *set
		plain.query, plain.kinds, plain.optimised = set.written, nil, false
		plain.key += "/plain"
		results := 0
		for name, src := range optimiseDocs {
			got := set.fileOutcomes(newFile(name, src))
			want := plain.fileOutcomes(newFile(name, src))
			if !reflect.DeepEqual(got, want) {
				t.Errorf("set %d, %s: optimised\n%+v\nas written\n%+v", i, name, got, want)
			}
			for _, o := range want {
				results += len(o.results) + len(o.excepted) + len(o.errors)
			}
		}
		if results < 10 {
			t.Errorf("set %d: only %d results: the documents do not exercise the policies", i, results)
		}
	}
}

// TestNotOptimised keeps the query as written for what partial evaluation
// must not fold, and still reports the same.
func TestNotOptimised(t *testing.T) {
	for _, src := range []string{
		"package main\n\ndeny contains \"late\" if time.now_ns() > 0\n",
		"package main\n\nk := input.kind\n\ndeny contains \"svc\" if k with input as {\"kind\": \"Service\"}\n",
		"package platform_optimised.main\n\ndeny contains \"x\" if input.kind\n",
	} {
		set, err := Compile(context.Background(), Config{Modules: []Module{{Name: "p.rego", Src: []byte(src)}}, AllNamespaces: true})
		if err != nil {
			t.Fatal(err)
		}
		if set.optimised {
			t.Errorf("optimised:\n%s", src)
		}
		if out := set.fileOutcomes(newFile("svc.yaml", "kind: Service\n")); len(out) != 1 || len(out[0].results) != 1 || len(out[0].errors) != 0 {
			t.Errorf("outcomes %+v of:\n%s", out, src)
		}
	}
}

func newFile(name, src string) *lint.File {
	f := lint.NewFile(name, []byte(src))
	f.YAML()
	return f
}
