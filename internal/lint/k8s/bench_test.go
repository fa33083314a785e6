package k8s_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/platform-team/platform/internal/lint"
	"github.com/platform-team/platform/internal/lint/k8s"
)

// benchTree is a monorepo of 50 services, each with a kustomize base
// (Deployment, Service, HorizontalPodAutoscaler, PodDisruptionBudget,
// ConfigMap, ServiceAccount, NetworkPolicy) and three overlays: 500 files.
func benchTree() map[string]string {
	files := map[string]string{}
	for i := range 50 {
		name := fmt.Sprintf("svc%02d", i)
		base := "services/" + name + "/deploy/base/"
		files[base+"deployment.yaml"] = strings.ReplaceAll(goodDeploymentForTests, "web", name) + `        ports:
          - name: http
            containerPort: 8080
        env:
          - name: PORT
            value: "8080"
          - name: DATABASE_URL
            valueFrom: {secretKeyRef: {name: db, key: uri}}
        volumeMounts:
          - {name: tmp, mountPath: /tmp}
      volumes:
        - name: tmp
          emptyDir: {sizeLimit: 64Mi}
`
		files[base+"service.yaml"] = strings.ReplaceAll("apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels: {app.kubernetes.io/name: web}\nspec:\n  selector: {app.kubernetes.io/name: web}\n  ports: [{name: http, port: 80, targetPort: http}]\n", "web", name)
		files[base+"hpa.yaml"] = strings.ReplaceAll(`apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 10
  metrics:
    - type: Resource
      resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}
`, "web", name)
		files[base+"pdb.yaml"] = strings.ReplaceAll("apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web}\nspec:\n  maxUnavailable: 1\n  selector: {matchLabels: {app.kubernetes.io/name: web}}\n", "web", name)
		files[base+"config.yaml"] = fmt.Sprintf("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: %s}\ndata:\n  LOG_LEVEL: info\n  FEATURE_X: \"true\"\n", name)
		files[base+"serviceaccount.yaml"] = fmt.Sprintf("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: %s}\nautomountServiceAccountToken: false\n", name)
		files[base+"networkpolicy.yaml"] = strings.ReplaceAll(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web}
spec:
  podSelector: {matchLabels: {app.kubernetes.io/name: web}}
  policyTypes: [Ingress]
  ingress:
    - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ingress}}}]
      ports: [{port: 8080, protocol: TCP}]
`, "web", name)
		files[base+"kustomization.yaml"] = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - deployment.yaml\n  - service.yaml\n  - hpa.yaml\n  - pdb.yaml\n  - config.yaml\n  - serviceaccount.yaml\n  - networkpolicy.yaml\n"
		for _, env := range []string{"preview", "staging", "production"} {
			files["services/"+name+"/deploy/overlays/"+env+"/kustomization.yaml"] = fmt.Sprintf(
				"apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: %s-%s\nresources:\n  - ../../base\nimages:\n  - name: registry.example.com/%s\n    newTag: 1.4.2\n", name, env, name)
		}
	}
	return files
}

func BenchmarkK8s(b *testing.B) {
	tree := benchTree()
	rules := k8s.Rules()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		// Fresh files every time: parsing is part of the cost.
		list := make([]*lint.File, 0, len(tree))
		for p, data := range tree {
			list = append(list, lint.NewFile(p, []byte(data)))
		}
		repo := lint.NewRepo("", lint.Settings{AnnotationPrefix: "platform.example.com"}, list)
		if got := lint.Check(context.Background(), repo, rules, 0); len(got) != 0 {
			b.Fatalf("findings on the benchmark tree:%s", format(got))
		}
	}
	b.ReportMetric(float64(len(tree)), "files/op")
}
