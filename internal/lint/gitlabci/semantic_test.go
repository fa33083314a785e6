package gitlabci_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/platform-team/platform/internal/lint/gitlabci"
	"github.com/platform-team/platform/internal/lint/linttest"
)

func TestNeeds(t *testing.T) {
	runCases(t, "gitlab-ci/needs", []ciCase{
		{"undefined need", map[string]string{".gitlab-ci.yml": "build:\n  script: [make]\ntest:\n  needs: [build, biuld]\n  script: [x]\n"},
			[]string{".gitlab-ci.yml:4:18: job test needs biuld, which is not a job of this file or its local includes"}},
		{"undefined job of a mapping need", map[string]string{".gitlab-ci.yml": "test:\n  needs:\n    - job: build\n      artifacts: false\n  script: [x]\n"},
			[]string{".gitlab-ci.yml:3:12: job test needs build, which is not a job"}},
		{"undefined dependency", map[string]string{".gitlab-ci.yml": "build:\n  script: [make]\ntest:\n  dependencies:\n    - build\n    - compile\n  script: [x]\n"},
			[]string{".gitlab-ci.yml:6:7: job test has compile in dependencies"}},
		{"undefined need under rules", map[string]string{".gitlab-ci.yml": "test:\n  rules:\n    - if: $CI_COMMIT_TAG\n      needs: [release]\n  script: [x]\n"},
			[]string{".gitlab-ci.yml:4:15: job test needs release"}},
		{"hidden job", map[string]string{".gitlab-ci.yml": ".build:\n  script: [make]\ntest:\n  needs: [.build]\n  dependencies: [.build]\n  script: [x]\n"},
			[]string{".gitlab-ci.yml:4:11: job test needs .build, a hidden job", ".gitlab-ci.yml:5:18: job test has .build in dependencies, a hidden job"}},
		{"hidden job in a template", map[string]string{"ci/test.gitlab-ci.yml": "test:\n  needs: [.build]\n  script: [x]\n"},
			[]string{"ci/test.gitlab-ci.yml:2:11: job test needs .build, a hidden job"}},
		{"defined, also in a local include", map[string]string{
			".gitlab-ci.yml":         "include: ci/build.gitlab-ci.yml\ntest:\n  needs: [build, lint]\n  dependencies: [build]\n  script: [x]\nlint:\n  script: [x]\n",
			"ci/build.gitlab-ci.yml": "build:\n  script: [make]\n",
		}, nil},
		{"other pipelines and optional needs", map[string]string{".gitlab-ci.yml": "test:\n  needs:\n    - pipeline: $PARENT_PIPELINE_ID\n      job: generate\n    - project: group/other\n      job: build\n      ref: main\n      artifacts: true\n    - job: docs\n      optional: true\n    - job: .hidden\n      optional: true\n    - job: input\n      optional: $[[ inputs.optional ]]\n  script: [x]\n"}, nil},
		{"optional: false", map[string]string{".gitlab-ci.yml": "test:\n  needs:\n    - job: build\n      optional: false\n  script: [x]\n"},
			[]string{".gitlab-ci.yml:3:12: job test needs build"}},
		{"variables, inputs and references", map[string]string{".gitlab-ci.yml": ".n:\n  needs: [a]\ntest:\n  needs:\n    - $BUILD_JOB\n    - job: ${OTHER}\n    - !reference [.n, needs]\n  dependencies: !reference [.n, needs]\n  script: [x]\n", "t.gitlab-ci.yml": "spec:\n  inputs:\n    needs: {}\n---\ntest:\n  needs: [$[[ inputs.needs ]]]\n  script: [x]\n"}, nil},
		{"parallel jobs", map[string]string{".gitlab-ci.yml": "build:\n  parallel:\n    matrix:\n      - OS: [linux, windows]\n        ARCH: [amd64]\n  script: [make]\nshard:\n  parallel: 3\n  script: [x]\ntest:\n  needs:\n    - build\n    - \"build: [linux, amd64]\"\n    - job: build\n      parallel:\n        matrix:\n          - OS: linux\n            ARCH: amd64\n    - shard 2/3\n  script: [x]\n"}, nil},
		{"parallel instance of no job", map[string]string{".gitlab-ci.yml": "test:\n  needs: [\"build: [linux]\", \"shard 1/2\"]\n  script: [x]\n"},
			[]string{".gitlab-ci.yml:2:11: job test needs build: [linux]", ".gitlab-ci.yml:2:29: job test needs shard 1/2"}},
		{"anything included from elsewhere may define it", map[string]string{".gitlab-ci.yml": "include:\n  - project: platform/ci\n    file: build.yml\ntest:\n  needs: [build]\n  script: [x]\n"}, nil},
		{"a local include including from elsewhere", map[string]string{
			".gitlab-ci.yml": "include: ci/common.yml\ntest:\n  needs: [build]\n  script: [x]\n",
			"ci/common.yml":  "include:\n  - template: Jobs/Build.gitlab-ci.yml\n",
		}, nil},
		{"a missing local include", map[string]string{".gitlab-ci.yml": "include: ci/missing.yml\ntest:\n  needs: [build]\n  script: [x]\n"}, nil},
		{"a template may need its includer's jobs", map[string]string{"ci/test.gitlab-ci.yml": "test:\n  needs: [build]\n  script: [x]\n"}, nil},
		{"a pipeline file included by another", map[string]string{
			".gitlab-ci.yml":            "include:\n  - local: services/**/.gitlab-ci.yml\nbuild:\n  script: [make]\n",
			"services/a/.gitlab-ci.yml": "test-a:\n  needs: [build]\n  script: [x]\n",
		}, nil},
		{"a pipeline file included through a variable", map[string]string{
			".gitlab-ci.yml":            "include:\n  - local: services/$SERVICE/.gitlab-ci.yml\nbuild:\n  script: [make]\n",
			"services/a/.gitlab-ci.yml": "test-a:\n  needs: [build]\n  script: [x]\n",
		}, nil},
		{"a child pipeline is a pipeline of its own", map[string]string{
			".gitlab-ci.yml":            "child:\n  trigger:\n    include: services/a/.gitlab-ci.yml\n",
			"services/a/.gitlab-ci.yml": "test-a:\n  needs: [child]\n  script: [x]\n",
		}, []string{"services/a/.gitlab-ci.yml:2:11: job test-a needs child"}},
		{"jobs merged in at the top level", map[string]string{".gitlab-ci.yml": ".jobs: &jobs\n  build:\n    script: [make]\n<<: *jobs\ntest:\n  needs: [build]\n  script: [x]\n"}, nil},
	})
}

// chain returns a file where job extends .t1, .t1 extends .t2, ... .tn.
func chain(n int) string {
	var b strings.Builder
	b.WriteString("job:\n  extends: .t1\n")
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, ".t%d:\n  extends: .t%d\n", i, i+1)
	}
	fmt.Fprintf(&b, ".t%d:\n  script: [x]\n", n)
	return b.String()
}

func TestExtends(t *testing.T) {
	runCases(t, "gitlab-ci/extends", []ciCase{
		{"undefined", map[string]string{".gitlab-ci.yml": ".go:\n  image: golang\ntest:\n  extends: [.go, .golang]\n  script: [x]\n"},
			[]string{".gitlab-ci.yml:4:18: job test extends .golang, which is not defined in this file or its local includes"}},
		{"undefined, scalar", map[string]string{".gitlab-ci.yml": "test:\n  extends: .golang\n  script: [x]\n"},
			[]string{".gitlab-ci.yml:2:12: job test extends .golang"}},
		{"a visible job and a local include's template", map[string]string{
			".gitlab-ci.yml":      "include: ci/go.gitlab-ci.yml\nbase:\n  script: [x]\ntest:\n  extends: [base, .go]\n",
			"ci/go.gitlab-ci.yml": ".go:\n  image: golang\n",
		}, nil},
		{"may come from an include", map[string]string{".gitlab-ci.yml": "include:\n  - remote: https://example.com/ci.yml\ntest:\n  extends: .golang\n  script: [x]\n"}, nil},
		{"a template may extend its includer's templates", map[string]string{"ci/go.gitlab-ci.yml": "test:\n  extends: .golang\n  script: [x]\n"}, nil},
		{"extends itself", map[string]string{".gitlab-ci.yml": "test:\n  extends: test\n  script: [x]\n"},
			[]string{".gitlab-ci.yml:2:12: job test extends itself through test → test"}},
		{"cycle, once", map[string]string{".gitlab-ci.yml": ".a:\n  extends: .b\n.b:\n  extends: [.c, .a]\n.c:\n  script: [x]\njob:\n  extends: .a\n"},
			[]string{".gitlab-ci.yml:2:12: job .a extends itself through .a → .b → .a"}},
		{"two cycles", map[string]string{"t.gitlab-ci.yml": ".a:\n  extends: .b\n.b:\n  extends: .a\n.c:\n  extends: .d\n.d:\n  extends: .c\n"},
			[]string{"t.gitlab-ci.yml:2:12: job .a extends itself", "t.gitlab-ci.yml:6:12: job .c extends itself"}},
		{"cycle through a local include", map[string]string{
			".gitlab-ci.yml": "include: ci/t.yml\n.a:\n  extends: .b\njob:\n  extends: .a\n",
			"ci/t.yml":       ".b:\n  extends: .a\n",
		}, []string{".gitlab-ci.yml:3:12: job .a extends itself through .a → .b → .a"}},
		{"an included definition overridden by the file", map[string]string{
			".gitlab-ci.yml": "include: ci/t.yml\n.b:\n  extends: .c\n.a:\n  extends: .b\n.c:\n  script: [x]\njob:\n  extends: .a\n",
			"ci/t.yml":       ".b:\n  extends: .a\n",
		}, nil},
		{"11 levels", map[string]string{".gitlab-ci.yml": chain(11)}, nil},
		{"12 levels", map[string]string{".gitlab-ci.yml": chain(12)},
			[]string{".gitlab-ci.yml:2:12: job job extends a chain of 12 levels (job → .t1 → .t2 → .t3 → .t4 → .t5 → .t6 → .t7 → .t8 → .t9 → .t10 → .t11 → .t12): GitLab allows at most 11"}},
		{"alias bomb, reported once", map[string]string{".gitlab-ci.yml": aliasBomb + "j:\n  extends: *l8\n  needs: *l8\n  script: [x]\n"},
			[]string{".gitlab-ci.yml:1:11: job j extends platform lint, which is not defined"}},
	})
}

func TestVisibleJob(t *testing.T) {
	runCases(t, "gitlab-ci/visible-job", []ciCase{
		{"workflow only", map[string]string{".gitlab-ci.yml": "workflow:\n  rules:\n    - if: $CI_MERGE_REQUEST_IID\n"},
			[]string{".gitlab-ci.yml:1:1: the pipeline has no visible job"}},
		{"templates only", map[string]string{".gitlab-ci.yml": "stages: [test]\n.test:\n  script: [x]\n"},
			[]string{".gitlab-ci.yml:1:1: the pipeline has no visible job"}},
		{"a template file", map[string]string{"Workflows/MergeRequest-Pipelines.gitlab-ci.yml": "workflow:\n  rules:\n    - if: $CI_MERGE_REQUEST_IID\n"}, nil},
		{"jobs from a local include", map[string]string{".gitlab-ci.yml": "include: ci/jobs.yml\n", "ci/jobs.yml": "test:\n  script: [x]\n"}, nil},
		{"jobs from elsewhere", map[string]string{".gitlab-ci.yml": "include:\n  - component: $CI_SERVER_FQDN/platform/ci/go@1\n"}, nil},
		{"jobs from a missing local include", map[string]string{".gitlab-ci.yml": "include: ci/jobs.yml\n"}, nil},
		{"a pipeline file included by another", map[string]string{".gitlab-ci.yml": "include: sub/.gitlab-ci.yml\ntest:\n  script: [x]\n", "sub/.gitlab-ci.yml": ".t:\n  script: [x]\n"}, nil},
		{"empty, broken, spec only", map[string]string{".gitlab-ci.yml": "# nothing yet\n", "a/.gitlab-ci.yml": "a: [\n", "b/.gitlab-ci.yml": "spec:\n  inputs: {}\n"}, nil},
	})
}

func TestRules(t *testing.T) {
	runCases(t, "gitlab-ci/rules", []ciCase{
		{"every rule never", map[string]string{".gitlab-ci.yml": "deploy:\n  script: [x]\n  rules:\n    - if: $CI_COMMIT_BRANCH == \"main\"\n      when: never\n    - changes: [docs/**]\n      when: never\n"},
			[]string{".gitlab-ci.yml:3:3: every rule of job deploy has when: never"}},
		{"one rule runs it", map[string]string{".gitlab-ci.yml": "deploy:\n  script: [x]\n  rules:\n    - if: $CI_COMMIT_BRANCH == \"main\"\n      when: never\n    - exists: [Dockerfile]\n"}, nil},
		{"switched off on purpose", map[string]string{".gitlab-ci.yml": "deploy:\n  script: [x]\n  rules:\n    - if: $CI_COMMIT_TAG\n      when: never\n    - when: never\n"}, nil},
		{"a reference", map[string]string{".gitlab-ci.yml": ".r:\n  rules:\n    - if: $A\ndeploy:\n  script: [x]\n  rules:\n    - if: $B\n      when: never\n    - !reference [.r, rules]\n"}, nil},
		{"extended by other jobs", map[string]string{".gitlab-ci.yml": "base:\n  script: [x]\n  rules:\n    - if: $A\n      when: never\nchild:\n  extends: base\n  rules:\n    - if: $B\n"}, nil},
		{"overrides an included job", map[string]string{
			".gitlab-ci.yml":   "include:\n  - template: Jobs/SAST.gitlab-ci.yml\nsemgrep-sast:\n  rules:\n    - if: $A\n      when: never\n",
			"a/.gitlab-ci.yml": "include: ci/deploy.yml\ndeploy:\n  rules:\n    - if: $A\n      when: never\n",
			"ci/deploy.yml":    "deploy:\n  script: [x]\n",
		}, nil},
		{"a template", map[string]string{"ci/deploy.gitlab-ci.yml": "deploy:\n  script: [x]\n  rules:\n    - if: $A\n      when: never\n"}, nil},
		{"workflow", map[string]string{".gitlab-ci.yml": "workflow:\n  rules:\n    - if: $CI_COMMIT_TAG\n      when: never\nj:\n  script: [x]\n", "a/.gitlab-ci.yml": "workflow:\n  rules:\n    - if: $CI_COMMIT_TAG\n      when: never\n    - when: always\nj:\n  script: [x]\n"},
			[]string{".gitlab-ci.yml:2:3: every rule of workflow:rules has when: never: GitLab never creates a pipeline"}},
		{"hidden job", map[string]string{".gitlab-ci.yml": ".deploy:\n  script: [x]\n  rules:\n    - if: $A\n      when: never\nj:\n  script: [x]\n"}, nil},
	})
}

func TestUnreachableRule(t *testing.T) {
	runCases(t, "gitlab-ci/unreachable-rule", []ciCase{
		{"catch-all first", map[string]string{".gitlab-ci.yml": "deploy:\n  script: [x]\n  rules:\n    - when: manual\n      allow_failure: true\n    - if: $CI_COMMIT_TAG\n    - when: never\n"},
			[]string{".gitlab-ci.yml:6:7: rule 2 of job deploy is never evaluated: rule 1 before it"}},
		{"workflow and templates", map[string]string{"ci/t.gitlab-ci.yml": "workflow:\n  rules:\n    - if: $A\n    - when: always\n    - if: $B\n.t:\n  rules:\n    - variables: {A: b}\n    - when: never\n"},
			[]string{"ci/t.gitlab-ci.yml:5:7: rule 3 of workflow:rules", "ci/t.gitlab-ci.yml:9:7: rule 2 of job .t"}},
		{"catch-all last", map[string]string{".gitlab-ci.yml": "deploy:\n  script: [x]\n  rules:\n    - if: $CI_COMMIT_TAG\n    - changes: [a]\n    - exists: [b]\n    - when: manual\n"}, nil},
		{"unknown keys and references", map[string]string{".gitlab-ci.yml": ".r:\n  rules: [{if: $A}]\na:\n  script: [x]\n  rules:\n    - when: manual\n      future_condition: x\n    - if: $B\nb:\n  script: [x]\n  rules:\n    - when: manual\n    - !reference [.r, rules]\nc:\n  script: [x]\n  rules:\n    - {}\n    - if: $B\n"}, nil},
		{"shared through an anchor, once", map[string]string{".gitlab-ci.yml": ".r: &r\n  - when: manual\n  - if: $A\na:\n  script: [x]\n  rules: *r\nb:\n  script: [x]\n  rules: *r\n"},
			[]string{".gitlab-ci.yml:3:5: rule 2 of job a"}},
	})
}

// TestLargeExtendsGraphs lints long cycles and chains of extends: the
// rules walk them once, so only a hang fails the test.
func TestLargeExtendsGraphs(t *testing.T) {
	var cycle, long strings.Builder
	for i := range 20000 {
		fmt.Fprintf(&cycle, ".c%d:\n  extends: [.c%d, .c%d]\n", i, (i+1)%20000, (i+7)%20000)
	}
	cycle.WriteString("job:\n  extends: .c0\n  script: [x]\n")
	long.WriteString(chain(20000))
	for name, data := range map[string]string{"cycle": cycle.String(), "chain": long.String()} {
		t.Run(name, func(t *testing.T) {
			files := map[string]string{".gitlab-ci.yml": data}
			linttest.Finishes(t, name, func() {
				got := linttest.Of(linttest.Run(gitlabci.Rules(), files), "gitlab-ci/extends")
				if len(got) != 1 {
					t.Errorf("got %d findings, want 1:\n%s", len(got), dump(got))
				}
			})
		})
	}
}
