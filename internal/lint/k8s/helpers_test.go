package k8s_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/platform-team/platform/internal/lint"
	"github.com/platform-team/platform/internal/lint/k8s"
	"github.com/platform-team/platform/internal/lint/linttest"
)

// testCase is a tree whose expected findings are marked in it: a line with
// "#! text" wants a finding of the rule under test at that line whose message
// contains text (several markers on a line want several findings).
type testCase struct {
	name  string
	files map[string]string
}

// tree is shorthand for a one-file testCase.
func tree(name, path, content string) testCase {
	return testCase{name: name, files: map[string]string{path: content}}
}

type mark struct {
	path string
	line int
	text string
}

func (m mark) String() string { return fmt.Sprintf("%s:%d: %q", m.path, m.line, m.text) }

func marks(files map[string]string) []mark {
	var out []mark
	for path, content := range files {
		for i, line := range strings.Split(content, "\n") {
			parts := strings.Split(line, "#! ")
			for _, text := range parts[1:] {
				out = append(out, mark{path: path, line: i + 1, text: strings.TrimSpace(text)})
			}
		}
	}
	slices.SortFunc(out, func(a, b mark) int {
		return strings.Compare(fmt.Sprintf("%s %06d %s", a.path, a.line, a.text), fmt.Sprintf("%s %06d %s", b.path, b.line, b.text))
	})
	return out
}

// runCases checks rule id on every case, with the whole family running.
func runCases(t *testing.T, id string, cases []testCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := linttest.Of(linttest.Run(k8s.Rules(), tc.files), id)
			want := marks(tc.files)
			for _, f := range got {
				if f.Line <= 0 || f.Column <= 0 || f.Hint == "" {
					t.Errorf("finding without a position or a hint: %+v", f)
				}
			}
			if !matches(got, want) {
				t.Errorf("%s findings:%s\nwant:\n  %v", id, format(got), want)
			}
		})
	}
}

// matches pairs each finding with a mark at the same place whose text it contains.
func matches(got []lint.Finding, want []mark) bool {
	if len(got) != len(want) {
		return false
	}
	used := make([]bool, len(want))
next:
	for _, f := range got {
		for i, m := range want {
			if !used[i] && m.path == f.Path && m.line == f.Line && strings.Contains(f.Message, m.text) {
				used[i] = true
				continue next
			}
		}
		return false
	}
	return true
}

func format(fs []lint.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "\n  %s:%d:%d %s %s [%s]", f.Path, f.Line, f.Column, f.Rule, f.Message, f.Hint)
	}
	return b.String()
}

// pod wraps a pod spec (indented by 4) in a Deployment that passes the
// family's other rules.
func deployment(podSpec string) string {
	return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app.kubernetes.io/name: web
spec:
  selector:
    matchLabels:
      app.kubernetes.io/name: web
  template:
    metadata:
      labels:
        app.kubernetes.io/name: web
    spec:
` + podSpec
}

// A container (indented by 6) that passes every rule of the family; the
// deployment() header is 15 lines, so a pod spec's first line is line 16.
const goodContainer = `      - name: web
        image: registry.example.com/web:1.4.2
        resources:
          requests: {cpu: 100m, memory: 128Mi}
          limits: {cpu: 500m, memory: 256Mi}
        livenessProbe: {httpGet: {path: /healthz, port: 8080}}
        readinessProbe: {httpGet: {path: /readyz, port: 8080}}
        securityContext:
          allowPrivilegeEscalation: false
          readOnlyRootFilesystem: true
`
