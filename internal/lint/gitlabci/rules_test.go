package gitlabci_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/platform-team/platform/internal/lint"
	"github.com/platform-team/platform/internal/lint/gitlabci"
	"github.com/platform-team/platform/internal/lint/linttest"
)

type ciCase struct {
	name  string
	files map[string]string
	want  []string // "path:line:col: part of the message"
}

func runCases(t *testing.T, id string, cases []ciCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := linttest.Of(linttest.Run(gitlabci.Rules(), tc.files), id)
			if len(got) != len(tc.want) {
				t.Fatalf("got %d findings, want %d:\n%s", len(got), len(tc.want), dump(got))
			}
			for i, f := range got {
				pos, part, _ := strings.Cut(tc.want[i], ": ")
				if fmt.Sprintf("%s:%d:%d", f.Path, f.Line, f.Column) != pos || !strings.Contains(f.Message, part) {
					t.Errorf("finding %d:\n got %s\nwant %s", i, dump(got[i:i+1]), tc.want[i])
				}
			}
		})
	}
}

func dump(fs []lint.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "  %s:%d:%d: %s | %s\n", f.Path, f.Line, f.Column, f.Message, f.Hint)
	}
	return b.String()
}

const component = `spec:
  inputs:
    stage:
      default: test
    job-prefix:
      default: go
    needs:
      type: array
      default: []
---
"$[[ inputs.job-prefix ]]-test":
  stage: $[[ inputs.stage ]]
  needs: [$[[ inputs.needs ]]]
  script:
    - go test $[[ inputs.packages | expand_vars ]]
`

// aliasBomb is a list of 10^8 strings written in a few lines.
const aliasBomb = `.l0: &l0 [platform lint]
.l1: &l1 [*l0, *l0, *l0, *l0, *l0, *l0, *l0, *l0, *l0, *l0]
.l2: &l2 [*l1, *l1, *l1, *l1, *l1, *l1, *l1, *l1, *l1, *l1]
.l3: &l3 [*l2, *l2, *l2, *l2, *l2, *l2, *l2, *l2, *l2, *l2]
.l4: &l4 [*l3, *l3, *l3, *l3, *l3, *l3, *l3, *l3, *l3, *l3]
.l5: &l5 [*l4, *l4, *l4, *l4, *l4, *l4, *l4, *l4, *l4, *l4]
.l6: &l6 [*l5, *l5, *l5, *l5, *l5, *l5, *l5, *l5, *l5, *l5]
.l7: &l7 [*l6, *l6, *l6, *l6, *l6, *l6, *l6, *l6, *l6, *l6]
.l8: &l8 [*l7, *l7, *l7, *l7, *l7, *l7, *l7, *l7, *l7, *l7]
`

func TestYAML(t *testing.T) {
	runCases(t, "gitlab-ci/yaml", []ciCase{
		{"syntax error", map[string]string{".gitlab-ci.yml": "test:\n  script: [a\n"}, []string{".gitlab-ci.yml:2:3: invalid YAML: did not find expected ',' or ']'"}},
		{"indentation", map[string]string{"ci/go.gitlab-ci.yml": "a:\n  script:\n    - x\n   - y\n"}, []string{"ci/go.gitlab-ci.yml:4:4: invalid YAML"}},
		{"not a mapping", map[string]string{".gitlab-ci.yml": "- test\n"}, []string{".gitlab-ci.yml:1:1: not a mapping"}},
		{"component with interpolation", map[string]string{"templates/go.gitlab-ci.yml": component}, nil},
		{"interpolation that YAML itself rejects", map[string]string{".gitlab-ci.yml": "a:\n  needs: [$[[ inputs.a ]], $[[ inputs.b ]]]\n  script: [x]\n"}, nil},
		{"spec header only", map[string]string{"t.gitlab-ci.yml": "spec:\n  inputs: {}\n"}, nil},
		{"empty", map[string]string{".gitlab-ci.yml": "# nothing yet\n"}, nil},
		{"other files are not CI files", map[string]string{"gitlab-ci.yml": "a: [\n", "ci.yml": "b: [\n"}, nil},
	})
}

func TestJobScript(t *testing.T) {
	runCases(t, "gitlab-ci/job-script", []ciCase{
		{"missing", map[string]string{".gitlab-ci.yml": "variables:\n  A: b\n\nlint:\n  stage: test\n  image: x\n"}, []string{".gitlab-ci.yml:4:1: job lint has no script, trigger or run"}},
		{"keywords and hidden jobs", map[string]string{".gitlab-ci.yml": "default:\n  image: x\ninclude: []\nstages: [test]\nvariables: {}\nworkflow: {rules: []}\nimage: x\nservices: []\ncache: {}\nbefore_script: [x]\nafter_script: [x]\n.template:\n  image: x\n"}, nil},
		{"script, trigger, run", map[string]string{".gitlab-ci.yml": "a:\n  script: x\nb:\n  trigger: group/project\nc:\n  run:\n    - name: s\n      step: ./step\nd:\n  script: !reference [.x, script]\n"}, nil},
		{"extends", map[string]string{".gitlab-ci.yml": ".base:\n  script: [x]\n.middle:\n  extends: .base\na:\n  extends: [.other, .middle]\n"}, nil},
		{"extends without script", map[string]string{".gitlab-ci.yml": ".base:\n  image: x\n.other:\n  extends: .base\na:\n  extends: [.other]\n"}, []string{".gitlab-ci.yml:5:1: job a has no script, trigger or run, nor does .other, which it extends"}},
		{"extends unknown", map[string]string{".gitlab-ci.yml": "a:\n  extends: .from-an-include\n"}, nil},
		{"extends cycle", map[string]string{".gitlab-ci.yml": ".a:\n  extends: .b\n.b:\n  extends: .a\nj:\n  extends: .a\n"}, []string{".gitlab-ci.yml:5:1: job j"}},
		{"anchors", map[string]string{".gitlab-ci.yml": ".base: &base\n  script: [x]\na:\n  <<: *base\n  stage: test\nb: *base\n"}, nil},
		{"not a mapping", map[string]string{".gitlab-ci.yml": "a: echo hi\n"}, []string{".gitlab-ci.yml:1:1: job a is not a mapping"}},
		{"remote include may complete a job", map[string]string{".gitlab-ci.yml": "include:\n  - template: Security/SAST.gitlab-ci.yml\nsemgrep-sast:\n  rules: [{when: never}]\n"}, nil},
		{"local include completes a job", map[string]string{
			".gitlab-ci.yml":             "include: ci/test.gitlab-ci.yml\ntest:\n  variables: {A: b}\nother:\n  extends: .go\n",
			"ci/test.gitlab-ci.yml":      "test:\n  script: [go test ./...]\n.go:\n  script: [go build]\n",
			"ci/unrelated.gitlab-ci.yml": ".x:\n  image: y\n",
		}, nil},
		{"local include that does not", map[string]string{
			".gitlab-ci.yml":        "include:\n  - local: /ci/*.gitlab-ci.yml\ntest:\n  variables: {A: b}\n",
			"ci/test.gitlab-ci.yml": "test:\n  image: golang\n",
		}, []string{".gitlab-ci.yml:3:1: job test has no script", "ci/test.gitlab-ci.yml:1:1: job test has no script"}},
		{"files including each other", map[string]string{
			"ci/a.gitlab-ci.yml": "include: ci/*.gitlab-ci.yml\na:\n  extends: .b\n",
			"ci/b.gitlab-ci.yml": "include: ci/*.gitlab-ci.yml\nb:\n  extends: .a\n.b:\n  script: [x]\n",
			"ci/c.gitlab-ci.yml": "include: [ci/a.gitlab-ci.yml, ci/b.gitlab-ci.yml]\n.a:\n  image: x\n",
		}, []string{"ci/b.gitlab-ci.yml:2:1: job b has no script, trigger or run, nor does .a"}},
		{"overrides an included job", map[string]string{
			".gitlab-ci.yml": "include:\n  - template: Jobs/Code-Quality.gitlab-ci.yml\n.dind:\n  services: [docker:dind]\ncode_quality:\n  extends: .dind\n",
		}, nil},
		{"overrides a job of a template included by a local file", map[string]string{
			".gitlab-ci.yml": "include: ci/sast.yml\n.dind:\n  services: [docker:dind]\nsast:\n  extends: .dind\n",
			"ci/sast.yml":    "include:\n  - template: Jobs/SAST.gitlab-ci.yml\n",
		}, nil},
		{"component job name", map[string]string{"templates/go.gitlab-ci.yml": component}, nil},
		{"alias bomb", map[string]string{".gitlab-ci.yml": aliasBomb + "j:\n  extends: *l8\n  script: *l8\n  stage: test\n"}, nil},
	})
}

func TestStages(t *testing.T) {
	runCases(t, "gitlab-ci/stages", []ciCase{
		{"undeclared", map[string]string{".gitlab-ci.yml": "stages: [build, test]\na:\n  stage: deploy\n  script: [x]\n"}, []string{`.gitlab-ci.yml:3:10: job a runs in stage "deploy", which is not in stages: build, test`}},
		{"defaults", map[string]string{".gitlab-ci.yml": "a:\n  stage: deploy\n  script: [x]\nb:\n  stage: lint\n  script: [x]\nc:\n  script: [x]\n"}, []string{`.gitlab-ci.yml:5:10: job b runs in stage "lint", which is not in the default stages: build, test, deploy`}},
		{"default stage test", map[string]string{".gitlab-ci.yml": "stages: [build]\na:\n  script: [x]\n"}, []string{`.gitlab-ci.yml:2:1: job a runs in stage "test" (the default when a job sets no stage)`}},
		{"inherited", map[string]string{".gitlab-ci.yml": "stages: [build]\n.t:\n  stage: promote\np:\n  extends: .t\n  script: [x]\n"}, []string{`.gitlab-ci.yml:4:1: job p runs in stage "promote" (inherited through extends)`}},
		{"own stage wins", map[string]string{".gitlab-ci.yml": "stages: [build]\n.t:\n  stage: promote\np:\n  extends: .t\n  stage: build\n  script: [x]\n"}, nil},
		{".pre and .post, nested lists", map[string]string{".gitlab-ci.yml": "stages: [[build, test], deploy]\na: {stage: .pre, script: [x]}\nb: {stage: .post, script: [x]}\nc: {stage: deploy, script: [x]}\n"}, nil},
		{"variables and inputs", map[string]string{".gitlab-ci.yml": "stages: [build]\na: {stage: $STAGE, script: [x]}\n", "t.gitlab-ci.yml": "spec:\n  inputs: {stage: {}}\n---\nstages: [x]\nb:\n  stage: $[[ inputs.stage ]]\n  script: [x]\n"}, nil},
		{"stages by reference", map[string]string{".gitlab-ci.yml": ".s: {stages: [a]}\nstages: !reference [.s, stages]\nj: {stage: b, script: [x]}\n"}, nil},
		{"template without stages", map[string]string{"ci/deploy.gitlab-ci.yml": "d:\n  stage: promote\n  script: [x]\n"}, nil},
		{"template with stages", map[string]string{"ci/deploy.gitlab-ci.yml": "stages: [deploy]\nd:\n  stage: promote\n  script: [x]\n"}, []string{`ci/deploy.gitlab-ci.yml:3:10: job d runs in stage "promote"`}},
		{"stages from a local include", map[string]string{".gitlab-ci.yml": "include: ci/stages.gitlab-ci.yml\na:\n  stage: lint\n  script: [x]\nb:\n  stage: promote\n  script: [x]\n", "ci/stages.gitlab-ci.yml": "stages: [lint]\n"},
			[]string{`.gitlab-ci.yml:6:10: job b runs in stage "promote", which is not in the stages of ci/stages.gitlab-ci.yml: lint`}},
		{"stages may come from elsewhere", map[string]string{".gitlab-ci.yml": "include:\n  - project: platform/ci\n    file: stages.yml\na:\n  stage: lint\n  script: [x]\n"}, nil},
		{"subdirectory pipeline", map[string]string{"services/a/.gitlab-ci.yml": "a:\n  stage: lint\n  script: [x]\n"}, []string{`services/a/.gitlab-ci.yml:2:10: job a runs in stage "lint"`}},
	})
}

func TestPlatformLint(t *testing.T) {
	runCases(t, "gitlab-ci/platform-lint", []ciCase{
		{"missing", map[string]string{".gitlab-ci.yml": "test:\n  script: [go test ./..., echo platform linting]\n.lint:\n  script: [platform lint]\n"}, []string{".gitlab-ci.yml:1:1: no job of the pipeline runs platform lint"}},
		{"script", map[string]string{".gitlab-ci.yml": "lint:\n  script:\n    - |\n      set -e\n      ./bin/platform lint --format codequality\n"}, nil},
		{"before_script", map[string]string{".gitlab-ci.yml": "lint:\n  before_script: [platform lint]\n  script: [true]\n"}, nil},
		{"extends", map[string]string{".gitlab-ci.yml": ".lint:\n  script: [platform lint --fail-on warning]\nlint:\n  extends: .lint\n"}, nil},
		{"reference", map[string]string{".gitlab-ci.yml": ".lint:\n  script: [\"true && platform lint\"]\nlint:\n  script:\n    - !reference [.lint, script]\n"}, nil},
		{"component", map[string]string{".gitlab-ci.yml": "include:\n  - component: gitlab.example.com/platform-team/ci/platform-lint@1.2.0\n"}, nil},
		{"local template", map[string]string{".gitlab-ci.yml": "include:\n  - local: templates/ci/platform.gitlab-ci.yml\n", "templates/ci/platform.gitlab-ci.yml": ".p:\n  script: [x]\n"}, nil},
		{"only the root file", map[string]string{"services/a/.gitlab-ci.yml": "a:\n  script: [x]\n", "x.gitlab-ci.yml": "a:\n  script: [x]\n"}, nil},
		{"syntax error", map[string]string{".gitlab-ci.yml": "a: [\n"}, nil},
	})
}

func FuzzGitLabCI(f *testing.F) {
	f.Add([]byte(component))
	f.Add([]byte("include: ci/x.gitlab-ci.yml\nstages: [a]\nj:\n  extends: [.t]\n  stage: b\n.t: &t\n  <<: *t\n"))
	f.Add([]byte("a:\n  script: !reference [a, script]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		files := map[string]string{".gitlab-ci.yml": string(data), "ci/x.gitlab-ci.yml": string(data)}
		for _, finding := range linttest.Run(gitlabci.Rules(), files) {
			if finding.Line < 0 || finding.Column < 0 || finding.Message == "" {
				t.Fatalf("malformed finding %+v", finding)
			}
		}
	})
}
