package k8s_test

import "testing"

func TestImageTag(t *testing.T) {
	runCases(t, "k8s/image-tag", []testCase{
		tree("pinned tag and digest", "deploy/pod.yaml", `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: a
      image: nginx:1.27.1
    - name: b
      image: registry.example.com:5000/team/app@sha256:0123456789abcdef
    - name: c
      image: registry.example.com:5000/team/app:latest@sha256:0123456789abcdef
`),
		tree("latest and missing tags everywhere", "deploy/pod.yaml", `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  initContainers:
    - name: init
      image: busybox #! "busybox" of init container "init" has no tag
  containers:
    - name: app
      image: registry.example.com:5000/app:latest #! uses the latest tag
    - name: noimage #! container "noimage" has no image
  ephemeralContainers:
    - name: debug
      image: registry.example.com:5000/debug #! has no tag
`),
		tree("cronjob job template", "deploy/cron.yaml", `apiVersion: batch/v1
kind: CronJob
metadata: {name: c}
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers:
            - name: job
              image: alpine:latest #! latest
`),
		tree("templated images are not judged", "deploy/pod.yaml", `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - {name: a, image: "${IMAGE}"}
    - {name: b, image: "$(REGISTRY)/app"}
`),
		{name: "a kustomization pins the untagged image", files: map[string]string{
			"deploy/base/deployment.yaml": deployment(`      containers:
        - name: web
          image: registry.example.com/web
        - name: sidecar
          image: registry.example.com/sidecar #! has no tag
        - name: proxy
          image: registry.example.com/proxy:latest #! latest
`),
			"deploy/base/kustomization.yaml": "resources: [deployment.yaml]\n",
			"deploy/overlays/prod/kustomization.yaml": `resources: [../../base]
images:
  - name: registry.example.com/web
    newTag: 1.4.2
  - name: registry.example.com/sidecar
    newName: registry.example.com/sidecar2
  - name: registry.example.com/proxy
    digest: sha256:0123
  - name: registry.example.com/other
    newTag: latest #! "registry.example.com/other" is pinned to latest
`,
		}},
		{name: "a digest pins too, and patches are not judged", files: map[string]string{
			"deploy/base/deployment.yaml": deployment(`      containers:
        - {name: web, image: registry.example.com/web}
`),
			"deploy/base/kustomization.yaml": "resources: [deployment.yaml]\nimages:\n  - {name: registry.example.com/web, digest: 'sha256:abc'}\npatches:\n  - path: patch.yaml\n",
			"deploy/base/patch.yaml":         "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n        - {name: web, image: registry.example.com/web:latest}\n",
		}},
	})
}

func TestResources(t *testing.T) {
	runCases(t, "k8s/resources", []testCase{
		tree("complete", "deploy/d.yaml", deployment("      containers:\n"+goodContainer)),
		tree("missing parts", "deploy/d.yaml", deployment(`      initContainers:
        - name: migrate #! init container "migrate" does not set requests.cpu, requests.memory, limits.cpu, limits.memory
          image: migrate:1.0
      containers:
        - name: web
          image: web:1.0
          resources: #! container "web" does not set limits.memory
            requests: {cpu: 100m, memory: 128Mi}
            limits: {cpu: 500m, memory: null}
`)),
		tree("a Service has no containers", "deploy/s.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  labels: {app.kubernetes.io/name: s}\nspec:\n  ports: [{port: 80}]\n"),
	})
}

func TestProbes(t *testing.T) {
	runCases(t, "k8s/probes", []testCase{
		tree("deployment", "deploy/d.yaml", deployment(`      initContainers:
        - {name: init, image: "init:1"}
      containers:
        - name: web #! container "web" of Deployment "web" has no livenessProbe or readinessProbe
          image: web:1.0
        - name: half #! has no readinessProbe
          image: web:1.0
          livenessProbe: {tcpSocket: {port: 80}}
          startupProbe: {tcpSocket: {port: 80}}
`)),
		tree("statefulset and daemonset", "deploy/s.yaml", `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers:
        - {name: db, image: "db:1"} #! container "db" of StatefulSet "db" has no livenessProbe or readinessProbe
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers:
        - {name: agent, image: "agent:1", readinessProbe: {exec: {command: [true]}}} #! has no livenessProbe
`),
		tree("jobs and cronjobs need none", "deploy/j.yaml", `apiVersion: batch/v1
kind: Job
metadata: {name: j}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: j, image: "j:1"}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: c}
spec:
  schedule: "@daily"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: c, image: "c:1"}]
`),
	})
}

func TestRunAsNonRoot(t *testing.T) {
	runCases(t, "k8s/run-as-non-root", []testCase{
		tree("pod level", "deploy/d.yaml", deployment("      securityContext: {runAsNonRoot: true}\n      containers:\n"+goodContainer)),
		tree("container level", "deploy/d.yaml", deployment(`      containers:
        - name: a
          image: a:1
          securityContext: {runAsNonRoot: true}
        - name: b #! container "b" may run as root
          image: b:1
`)),
		tree("container false overrides the pod", "deploy/d.yaml", deployment(`      securityContext:
        runAsNonRoot: true
      initContainers:
        - name: init
          image: init:1
          securityContext:
            runAsNonRoot: false #! init container "init" sets runAsNonRoot: false
      containers:
        - name: root
          image: root:1
          securityContext:
            runAsUser: 0 #! container "root" runs as root (runAsUser: 0)
`)),
		tree("pod runAsUser 0", "deploy/p.yaml", `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext:
    runAsNonRoot: true
    runAsUser: 0 #! container "a" runs as root
  containers:
    - {name: a, image: "a:1"}
    - {name: b, image: "b:1", securityContext: {runAsUser: 1000}}
`),
		tree("windows pods are skipped", "deploy/p.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  os: {name: windows}\n  containers: [{name: a, image: 'a:1'}]\n"),
	})
}

func TestPrivileged(t *testing.T) {
	runCases(t, "k8s/privileged", []testCase{
		tree("privileged and escalation", "deploy/d.yaml", deployment(`      containers:
        - name: a
          image: a:1
          securityContext:
            privileged: true #! container "a" is privileged
            allowPrivilegeEscalation: true #! container "a" allows privilege escalation
        - name: b
          image: b:1
          securityContext: {privileged: false, allowPrivilegeEscalation: false}
      ephemeralContainers:
        - {name: dbg, image: "d:1", securityContext: {privileged: true}} #! ephemeral container "dbg" is privileged
`)),
	})
}

func TestHostNamespaces(t *testing.T) {
	runCases(t, "k8s/host-namespaces", []testCase{
		tree("all three", "deploy/d.yaml", deployment(`      hostNetwork: true #! hostNetwork: true
      hostPID: true #! hostPID
      hostIPC: true #! hostIPC
      containers:
`+goodContainer)),
		tree("false is fine", "deploy/d.yaml", deployment("      hostNetwork: false\n      hostPID: false\n      containers:\n"+goodContainer)),
	})
}

func TestHostPath(t *testing.T) {
	runCases(t, "k8s/host-path", []testCase{
		tree("hostPath volume", "deploy/d.yaml", deployment(`      containers:
`+goodContainer+`      volumes:
        - name: sock
          hostPath: #! volume "sock" of Deployment "web" mounts the node's directory "/var/run/docker.sock"
            path: /var/run/docker.sock
        - name: tmp
          emptyDir: {}
`)),
	})
}

func TestReadOnlyRootFilesystem(t *testing.T) {
	runCases(t, "k8s/read-only-root-filesystem", []testCase{
		tree("writable", "deploy/d.yaml", deployment(`      containers:
        - name: a #! container "a" has a writable root filesystem
          image: a:1
        - name: b
          image: b:1
          securityContext: {readOnlyRootFilesystem: true}
`)),
	})
}

func TestRecommendedLabels(t *testing.T) {
	runCases(t, "k8s/recommended-labels", []testCase{
		tree("workload and template", "deploy/d.yaml", `apiVersion: apps/v1
kind: Deployment
metadata: #! Deployment "web" has no label app.kubernetes.io/name
  name: web
  labels: {app: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: #! the pod template of Deployment "web" has no label app.kubernetes.io/name
      labels: {app: web}
    spec:
      containers: [{name: web, image: "web:1"}]
`),
		tree("service, pod and configmap", "deploy/s.yaml", `apiVersion: v1
kind: Service
metadata: #! Service "web" has no label
  name: web
spec:
  selector: {app: web}
---
apiVersion: v1
kind: Pod
metadata: #! Pod "debug" has no label
  name: debug
spec:
  containers: [{name: a, image: "a:1"}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: config}
`),
		tree("cronjob pod template", "deploy/c.yaml", `apiVersion: batch/v1
kind: CronJob
metadata:
  name: c
  labels: {app.kubernetes.io/name: c}
spec:
  schedule: "@daily"
  jobTemplate:
    spec:
      template: #! the pod template of CronJob "c" has no label
        spec:
          containers: [{name: c, image: "c:1"}]
`),
		{name: "kustomize commonLabels and labels count", files: map[string]string{
			"deploy/base/deployment.yaml": `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers: [{name: web, image: "web:1"}]
`,
			"deploy/base/service.yaml": `apiVersion: v1
kind: Service
metadata: {name: web}
`,
			"deploy/other/deployment.yaml": `apiVersion: apps/v1
kind: Deployment
metadata: {name: other}
spec:
  template: #! the pod template of Deployment "other" has no label
    spec:
      containers: [{name: web, image: "web:1"}]
`,
			"deploy/base/kustomization.yaml":       "resources: [deployment.yaml, service.yaml]\n",
			"deploy/overlays/a/kustomization.yaml": "resources: [../../base]\ncommonLabels:\n  app.kubernetes.io/name: web\n",
			"deploy/other/kustomization.yaml":      "resources: [deployment.yaml]\nlabels:\n  - pairs: {app.kubernetes.io/name: other}\n",
		}},
	})
}

func TestWorkloadSelector(t *testing.T) {
	runCases(t, "k8s/workload-selector", []testCase{
		tree("matching", "deploy/d.yaml", deployment("      containers:\n"+goodContainer)),
		tree("mismatch and expressions", "deploy/d.yaml", `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: #! app.kubernetes.io/name=web, tier In (backend) not in spec.template.metadata.labels
    matchLabels: {app.kubernetes.io/name: web}
    matchExpressions:
      - {key: tier, operator: In, values: [backend]}
      - {key: track, operator: DoesNotExist}
      - {key: env, operator: NotIn, values: [prod]}
  template:
    metadata:
      labels: {app.kubernetes.io/name: website, tier: frontend, env: dev}
    spec:
      containers: [{name: web, image: "web:1"}]
`),
		tree("missing and empty selectors", "deploy/d.yaml", `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec: #! StatefulSet "db" has no spec.selector
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: db, image: "db:1"}]
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {} #! DaemonSet "agent" has an empty selector
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers: [{name: a, image: "a:1"}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: j}
spec:
  template:
    spec:
      containers: [{name: j, image: "j:1"}]
---
apiVersion: v1
kind: ReplicationController
metadata: {name: rc}
spec:
  selector: {app: rc} #! app=rc not in
  template:
    metadata: {labels: {app: other}}
    spec:
      containers: [{name: a, image: "a:1"}]
`),
		{name: "kustomize commonLabels create the selector", files: map[string]string{
			"deploy/base/deployment.yaml":    "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers: [{name: web, image: 'web:1'}]\n",
			"deploy/base/kustomization.yaml": "resources: [deployment.yaml]\ncommonLabels: {app: web}\n",
		}},
	})
}

func TestHostsAndTemplatesAreNotManifests(t *testing.T) {
	bad := deployment("      hostNetwork: true\n      containers:\n" + goodContainer)
	runCases(t, "k8s/host-namespaces", []testCase{
		{name: "helm chart templates and platform files", files: map[string]string{
			"deploy/chart/Chart.yaml":                "apiVersion: v2\nname: web\nversion: 1.0.0\n",
			"deploy/chart/templates/deployment.yaml": bad,
			"deploy/chart/templates/broken.yaml":     "{{ if .Values.x }}\nkind: {{ .Values.kind }\n",
			"platform.yaml":                          bad,
			"catalog-info.yaml":                      bad,
			".platform/answers.yaml":                 bad,
		}},
	})
}
