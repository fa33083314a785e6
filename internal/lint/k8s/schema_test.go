package k8s_test

import (
	"strings"
	"testing"

	"github.com/platform-team/platform/internal/lint"
	"github.com/platform-team/platform/internal/lint/k8s"
	"github.com/platform-team/platform/internal/lint/linttest"
)

func TestSchema(t *testing.T) {
	runCases(t, "k8s/schema", []testCase{
		tree("unknown and mistyped fields, with paths", "deploy/d.yaml", `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    version: 1.0 #! metadata.labels.version: want string, got number 1.0
    "app.kubernetes.io/name": 7 #! metadata.labels["app.kubernetes.io/name"]: want string, got integer 7
spec:
  replicas: "3" #! spec.replicas: want integer, got string "3"
  revisionHistoryLimit: 2.5 #! want integer, got number 2.5
  minReadySeconds: soon #! spec.minReadySeconds: want integer, got string "soon"
  paused: "true" #! spec.paused: want boolean, got string "true"
  selector:
    matchLabels: [app] #! spec.selector.matchLabels: want object, got array
  template:
    spec:
      containers:
        - name: web
          image: web:1.0
          imagePulPolicy: Always #! spec.template.spec.containers[0]: unknown field "imagePulPolicy"
          ports:
            - containerPort: "8080" #! spec.template.spec.containers[0].ports[0].containerPort: want integer
            - containerPort: 99999999999 #! does not fit in a 32-bit integer
          env:
            - name: PORT
              value: 8080 #! spec.template.spec.containers[0].env[0].value: want string, got integer 8080
            - name: DEBUG
              value: true #! want string, got boolean true
          resources:
            limits:
              memory: 128MB #! spec.template.spec.containers[0].resources.limits.memory: "128MB" is not a quantity
              cpu: 0.5
            requests:
              memory: 128Mi
              cpu: 1
          livenessProbe:
            httpGet:
              port: http
              path: /healthz
            initialDelaySecond: 5 #! unknown field "initialDelaySecond"
          readinessProbe:
            tcpSocket: {port: 8080}
      Volumes: [] #! spec.template.spec: unknown field "Volumes"
status: {}
spc: {} #! unknown field "spc"
`),
		tree("special types", "deploy/s.yaml", `apiVersion: v1
kind: Secret
metadata:
  name: s
  creationTimestamp: null
data:
  ok: aGVsbG8=
  plain: hello world #! data.plain: value is not valid base64
stringData:
  plain: hello world
---
apiVersion: v1
kind: Service
metadata:
  name: svc
  creationTimestamp: 2024-01-02T03:04:05Z
spec:
  ports:
    - port: 80
      targetPort: http
    - port: 81
      targetPort: 8081
    - port: 82
      targetPort: 1.5 #! spec.ports[2].targetPort: want integer or string, got number 1.5
---
apiVersion: v1
kind: Pod
metadata:
  name: p
  deletionTimestamp: yesterday #! metadata.deletionTimestamp: "yesterday" is not an RFC 3339 time
spec:
  containers:
    - name: a
      image: a:1
      args: [--x, 1] #! spec.containers[0].args[1]: want string, got integer 1
`),
		tree("removed and unknown apiVersions and kinds", "deploy/old.yaml", `apiVersion: extensions/v1beta1 #! extensions/v1beta1 Ingress was removed in Kubernetes 1.22
kind: Ingress
metadata: {name: i}
---
apiVersion: batch/v1beta1 #! batch/v1beta1 CronJob was removed in Kubernetes 1.25
kind: CronJob
metadata: {name: c}
---
apiVersion: apps/v1beta2 #! apps/v1beta2 Deployment was removed in Kubernetes 1.16
kind: Deployment
metadata: {name: d}
---
apiVersion: v1 #! v1 has no kind Deployment
kind: Deployment
metadata: {name: d}
---
apiVersion: apps/v1
kind: Deploymnet #! unknown kind "Deploymnet" in apps/v1
metadata: {name: d}
---
apiVersion: postgresql.cnpg.io/v1
kind: Cluster
metadata: {name: db}
spec:
  anything: goes
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cm}
data:
  key: value
`),
		tree("documents that are not objects", "deploy/mixed.yaml", `apiVersion: v1
kind: ConfigMap
metadata: {name: cm}
---
metadata: {name: orphan} #! document has no apiVersion and kind
---
- just #! document is a list
- a list
`),
		tree("aliases and merge keys", "deploy/anchors.yaml", `apiVersion: v1
kind: Pod
metadata:
  name: p
  labels: &labels
    app.kubernetes.io/name: p
spec:
  containers:
    - &base
      name: a
      image: a:1
      imagePullPolicy: IfNotPresent
      imagePulPolicy: Always #! unknown field "imagePulPolicy"
    - <<: *base
      name: b
    - <<: [*base]
      name: c
  nodeSelector: *labels
`),
		tree("v1 List items are objects", "deploy/list.yaml", `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata: {name: a}
    dat: {} #! unknown field "dat"
`),
		{name: "kustomizations", files: map[string]string{
			"deploy/base/kustomization.yaml": `resources:
  - deployment.yaml
Images: [] # kustomize reads its fields case-insensitively
commonLabels: {app: web}
imagess: [] #! unknown field "imagess"
replicas:
  - name: web
    count: two #! replicas[0].count: want integer, got string "two"
`,
			"deploy/base/deployment.yaml": goodDeploymentForTests,
			"deploy/component/kustomization.yaml": `apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
patches:
  - path: patch.yaml
`,
			"deploy/component/patch.yaml": `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      $setElementOrder/containers: [{name: web}]
      containers:
        - name: web
          $patch: replace
          imagePullPolicy: Always
          imagePulPolicy: Always #! unknown field "imagePulPolicy"
`,
			"deploy/cm/kustomization.yaml":    "apiVersion: v1\nkind: ConfigMap #! a kustomization file holds v1 ConfigMap\n",
			"deploy/empty/kustomization.yaml": "# nothing yet #! the kustomization is empty\n",
			"deploy/wrong/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1alpha1 #! kustomize.config.k8s.io/v1alpha1 has no kind Kustomization\nkind: Kustomization\n",
		}},
	})
}

const goodDeploymentForTests = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app.kubernetes.io/name: web}
spec:
  selector: {matchLabels: {app.kubernetes.io/name: web}}
  template:
    metadata: {labels: {app.kubernetes.io/name: web}}
    spec:
      securityContext: {runAsNonRoot: true}
      containers:
` + goodContainer

func TestDeprecatedAPI(t *testing.T) {
	runCases(t, "k8s/deprecated-api", []testCase{
		tree("deprecated, removed and current", "deploy/x.yaml", `apiVersion: certificates.k8s.io/v1beta1 #! certificates.k8s.io/v1beta1 ClusterTrustBundle is deprecated since Kubernetes
kind: ClusterTrustBundle
metadata: {name: b}
---
apiVersion: batch/v1beta1
kind: CronJob
metadata: {name: c}
---
apiVersion: batch/v1
kind: Job
metadata: {name: j}
`),
	})
}

func TestSchemaHints(t *testing.T) {
	files := map[string]string{"deploy/d.yaml": `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: "3"
  template:
    spec:
      containers:
        - name: web
          imagePulPolicy: Always
          env: [{name: A, value: 1}]
`}
	want := map[string]string{
		`spec.replicas: want integer, got string "3"`:                               "write the value without quotes",
		`spec.template.spec.containers[0]: unknown field "imagePulPolicy"`:          "did you mean \"imagePullPolicy\"? (`kubectl explain deployment.spec.template.spec.containers` lists the fields of Container)",
		`spec.template.spec.containers[0].env[0].value: want string, got integer 1`: `quote the value: "1"`,
	}
	got := linttest.Of(linttest.Run(k8s.Rules(), files), "k8s/schema")
	if len(got) != len(want) {
		t.Fatalf("findings:%s", format(got))
	}
	for _, f := range got {
		if hint, ok := want[f.Message]; !ok || hint != f.Hint {
			t.Errorf("finding %q with hint %q; want hint %q", f.Message, f.Hint, hint)
		}
	}
}

func TestSyntax(t *testing.T) {
	runCases(t, "k8s/yaml-syntax", []testCase{
		tree("bad indentation is reported where it breaks", "deploy/s.yaml", `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
    - name: http
      port: 80
     targetPort: http #! invalid YAML: did not find expected '-' indicator
`),
		tree("scanner error on line 1", "deploy/a.yaml", "a: b: c #! mapping values are not allowed\n"),
		tree("tab", "deploy/t.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: x #! found character that cannot start any token\n"),
		tree("unknown anchor", "deploy/u.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  a: *nope #! unknown anchor 'nope' referenced\n"),
		tree("error in a later document", "deploy/m.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n---\napiVersion: v1\nkind: ConfigMap\ndata: [a, #! did not find expected\n"),
		tree("duplicate keys", "deploy/d.yaml", `apiVersion: v1
kind: ConfigMap
metadata:
  name: x
  name: y #! duplicate key "name" (first at line 4)
data: {a: "1", b: "2", a: "3"} #! duplicate key "a" (first at line 6)
`),
		tree("broken YAML outside deploy/ is not a manifest", "config/app.yaml", "a: [1\n"),
		tree("but a broken manifest is", "config/app.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n---\na: [1 #! did not find expected\n"),
		tree("a manifest broken in its first document, outside deploy/", "samples/svc.yaml", `apiVersion: v1
kind: Service
metadata:
  name: llm
spec:
  ports:
    -   protocol: TCP
      port: 8000 #! did not find expected '-' indicator
`),
		tree("broken YAML declaring a Backstage entity is not a manifest", "catalog/api.yaml", "apiVersion: backstage.io/v1alpha1\nkind: API\nspec: [a\n"),
		tree("a broken template of another tool is not a manifest", "samples/t.yaml", "apiVersion: v1\nkind: ConfigMap\ndata:\n{{- if .Values.debug }}\n  level: debug\n{{- end }}\n"),
		tree("broken kustomization", "overlays/kustomization.yaml", "resources:\n  - a.yaml\nimages: [{name: a, newTag: 1} #! invalid YAML\n"),
	})
}

func TestKustomizationResources(t *testing.T) {
	runCases(t, "k8s/kustomization-resources", []testCase{
		{name: "every kind of reference", files: map[string]string{
			"deploy/base/kustomization.yaml": `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - deployment.yaml
  - missing.yaml #! resources entry "missing.yaml" does not exist (deploy/base/missing.yaml)
  - ../nokust #! resources entry "../nokust" is a directory without a kustomization file
  - ../other
  - https://github.com/org/repo//deploy?ref=v1.0.0
  - github.com/org/repo/deploy?ref=main
components:
  - ../component
patches:
  - path: patch.yaml
  - path: nopatch.yaml #! patches[].path entry "nopatch.yaml" does not exist
  - patch: |-
      - op: replace
        path: /spec/replicas
        value: 3
    target: {kind: Deployment}
patchesStrategicMerge:
  - gone.yaml #! patchesStrategicMerge entry "gone.yaml" does not exist
  - |-
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web}
configMapGenerator:
  - name: config
    files:
      - config.properties
      - key=missing.properties #! configMapGenerator[].files entry "missing.properties" does not exist
    envs: [app.env]
secretGenerator:
  - name: s
    env: secret.env #! secretGenerator[].env entry "secret.env" does not exist
`,
			"deploy/base/deployment.yaml":        goodDeploymentForTests,
			"deploy/base/patch.yaml":             "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 3}\n",
			"deploy/base/config.properties":      "a=b\n",
			"deploy/base/app.env":                "A=B\n",
			"deploy/nokust/x.yaml":               "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
			"deploy/other/Kustomization":         "resources: []\n",
			"deploy/component/kustomization.yml": "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n",
		}},
		{name: "a template skeleton renders .tmpl files", files: map[string]string{
			"templates/svc/skeleton/deploy/base/kustomization.yaml":       "resources: [deployment.yaml, ../extra, missing.yaml] #! \"missing.yaml\" does not exist\n",
			"templates/svc/skeleton/deploy/base/deployment.yaml.tmpl":     "apiVersion: apps/v1\n",
			"templates/svc/skeleton/deploy/extra/kustomization.yaml.tmpl": "resources: []\n",
		}},
		{name: "outside the linted tree is not judged", files: map[string]string{
			"kustomization.yaml": "resources:\n  - ../shared\n",
		}},
		{name: "a file outside the kustomization's directory", files: map[string]string{
			"deploy/tgi/small/kustomization.yaml": "resources:\n  - ../tgi.yaml #! resources entry \"../tgi.yaml\" is a file outside the kustomization's directory deploy/tgi/small\n  - ../base\n  - local.yaml\npatches:\n  - path: ../../patch.yaml #! patches[].path entry \"../../patch.yaml\" is a file outside\n",
			"deploy/tgi/tgi.yaml":                 "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
			"deploy/tgi/base/kustomization.yaml":  "resources: []\n",
			"deploy/tgi/small/local.yaml":         "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: y}\n",
			"deploy/patch.yaml":                   "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
		}},
		{name: "at the root, every file is within", files: map[string]string{
			"kustomization.yaml": "resources:\n  - deploy/a.yaml\n",
			"deploy/a.yaml":      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
		}},
	})
}

func TestManifestDetection(t *testing.T) {
	rules := k8s.Rules()
	applies := func(path, content string) bool {
		return rules[0].Applies(lint.NewFile(path, []byte(content)))
	}
	for _, tc := range []struct {
		path, content string
		want          bool
	}{
		{"deploy/d.yaml", "apiVersion: v1\nkind: ConfigMap\n", true},
		{"anywhere/d.yml", "apiVersion: v1\nkind: ConfigMap\n", true},
		{"deploy/d.json", "apiVersion: v1\nkind: ConfigMap\n", false},
		{"deploy/kustomization.yaml", "resources: []\n", true},
		{"deploy/Kustomization", "resources: []\n", true},
		{"kustomization.yml", "", true},
		{"config.yaml", "port: 8080\n", false},
		{"config.yaml", "apiVersion: 1\nkind: ConfigMap\n", false},
		{"deploy/values.yaml", "port: 8080\n", false},
		{"deploy/broken.yaml", "a: [1\n", true},
		{"src/broken.yaml", "a: [1\n", false},
		{"catalog-info.yaml", "apiVersion: backstage.io/v1alpha1\nkind: Component\n", false},
		{"docs/catalog.yaml", "apiVersion: backstage.io/v1alpha1\nkind: Component\n", false},
		{"mkdocs.yml", "apiVersion: v1\nkind: ConfigMap\n", false},
		{".gitlab-ci.yml", "apiVersion: v1\nkind: ConfigMap\n", false},
		{"platform.yaml", "apiVersion: v1\nkind: ConfigMap\n", false},
		{".platform/answers.yaml", "apiVersion: v1\nkind: ConfigMap\n", false},
		{"templates/go/template.yaml", "apiVersion: platform/v1alpha1\nkind: Template\n", false},
		{"deploy/template.yaml", "apiVersion: v1\nkind: PodTemplate\n", true},
	} {
		if got := applies(tc.path, tc.content); got != tc.want {
			t.Errorf("%s (%q): applies %v, want %v", tc.path, tc.content, got, tc.want)
		}
	}
}

// Unknown fields of every built-in kind the brief names are found: the
// schema knows them all.
func TestSchemaKnowsTheCommonKinds(t *testing.T) {
	kinds := []string{
		"apps/v1 Deployment", "apps/v1 StatefulSet", "apps/v1 DaemonSet", "apps/v1 ReplicaSet",
		"batch/v1 Job", "batch/v1 CronJob", "v1 Pod", "v1 Service", "v1 ConfigMap", "v1 Secret",
		"v1 ServiceAccount", "networking.k8s.io/v1 Ingress", "networking.k8s.io/v1 NetworkPolicy",
		"autoscaling/v2 HorizontalPodAutoscaler", "autoscaling/v1 HorizontalPodAutoscaler",
		"policy/v1 PodDisruptionBudget", "rbac.authorization.k8s.io/v1 Role",
		"rbac.authorization.k8s.io/v1 RoleBinding", "rbac.authorization.k8s.io/v1 ClusterRole",
		"rbac.authorization.k8s.io/v1 ClusterRoleBinding", "v1 Namespace", "v1 PersistentVolumeClaim",
		"kustomize.config.k8s.io/v1beta1 Kustomization",
	}
	for _, k := range kinds {
		apiVersion, kind, _ := strings.Cut(k, " ")
		doc := "apiVersion: " + apiVersion + "\nkind: " + kind + "\nmetadata: {name: x}\nnotAField: 1\n"
		got := linttest.Of(linttest.Run(k8s.Rules(), map[string]string{"deploy/x.yaml": doc}), "k8s/schema")
		if len(got) != 1 || got[0].Line != 4 || !strings.Contains(got[0].Message, `unknown field "notAField"`) {
			t.Errorf("%s: findings%s", k, format(got))
		}
	}
}

// Files named by transformers, generators or validators are kustomize plugin
// configurations: their builtin kinds are not Kubernetes objects. An object
// listed under resources is still checked.
func TestSchemaKustomizePluginConfigs(t *testing.T) {
	runCases(t, "k8s/schema", []testCase{
		{name: "plugin configs", files: map[string]string{
			"overlays/dev/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - svc.yaml\ntransformers:\n  - labels.yaml\ngenerators:\n  - gen.yaml\n",
			"overlays/dev/labels.yaml":        "apiVersion: builtin\nkind: LabelTransformer\nmetadata:\n  name: labels\nlabels:\n  env: dev\nfieldSpecs:\n  - path: metadata/labels\n    create: true\n",
			"overlays/dev/gen.yaml":           "apiVersion: builtin\nkind: ConfigMapGenerator\nmetadata:\n  name: cfg\nliterals: [a=b]\n",
			"overlays/dev/svc.yaml":           "apiVersion: builtin\nkind: LabelTransformer #! unknown kind \"LabelTransformer\" in builtin\nmetadata:\n  name: x\n",
		}},
	})
}
