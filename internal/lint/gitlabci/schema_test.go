package gitlabci_test

import (
	"strings"
	"testing"

	"github.com/platform-team/platform/internal/lint/gitlabci"
	"github.com/platform-team/platform/internal/lint/linttest"
)

func TestSchema(t *testing.T) {
	runCases(t, "gitlab-ci/schema", []ciCase{
		{name: "valid pipeline", files: map[string]string{".gitlab-ci.yml": "stages: [test]\ntest:\n  stage: test\n  script: [go test ./...]\n  retry: {max: 2, when: [script_failure]}\n  rules:\n    - if: $CI_COMMIT_TAG\n      when: never\n    - when: on_success\n"}},
		{name: "unknown keyword at its key", files: map[string]string{".gitlab-ci.yml": "test:\n  script: [a]\n  artefacts:\n    paths: [out]\n"},
			want: []string{".gitlab-ci.yml:3:3: test: unknown keyword artefacts"}},
		{name: "enum", files: map[string]string{".gitlab-ci.yml": "test:\n  script: [a]\n  when: sometimes\n"},
			want: []string{".gitlab-ci.yml:3:3: test.when: sometimes is not one of on_success"}},
		{name: "a variable is not expanded in when", files: map[string]string{".gitlab-ci.yml": "test:\n  script: [a]\n  when: $WHEN\n"},
			want: []string{".gitlab-ci.yml:3:3: test.when: $WHEN is not one of"}},
		{name: "type of a oneOf names every type", files: map[string]string{".gitlab-ci.yml": "test:\n  script: [a]\n  retry: two\n"},
			want: []string{`.gitlab-ci.yml:3:3: test.retry: must be integer or object, not string ("two")`}},
		{name: "deep in a list", files: map[string]string{".gitlab-ci.yml": "test:\n  script: [a]\n  rules:\n    - if: $CI\n    - if: $X\n      changs: [a]\n"},
			want: []string{".gitlab-ci.yml:6:7: test.rules[1]: unknown keyword changs"}},
		{name: "the branch of an include the entry was meant for", files: map[string]string{".gitlab-ci.yml": "include:\n  - locall: ci/x.yml\ntest:\n  script: [a]\n"},
			want: []string{".gitlab-ci.yml:2:5: include[0]: unknown keyword locall"}},
		{name: "a renamed keyword", files: map[string]string{".gitlab-ci.yml": "test:\n  type: test\n  script: [a]\n"},
			want: []string{".gitlab-ci.yml:2:3: test: unknown keyword type"}},
		{name: "a job named spec", files: map[string]string{".gitlab-ci.yml": "spec:\n  script: [a]\ntest:\n  script: [a]\n"},
			want: []string{".gitlab-ci.yml:2:3: spec: unknown keyword script"}},
		{name: "the header of a component", files: map[string]string{"templates/go.gitlab-ci.yml": "spec:\n  input:\n    stage: {default: test}\n---\ngo-test:\n  script: [a]\n"},
			want: []string{"templates/go.gitlab-ci.yml:2:3: spec: unknown keyword input"}},

		// GitLab's leniencies.
		{name: "RE2 flags in coverage", files: map[string]string{".gitlab-ci.yml": "test:\n  script: [a]\n  coverage: '/(?i)total.*? (\\d+)%/'\n"}},
		{name: "variables in include paths", files: map[string]string{".gitlab-ci.yml": "include:\n  - remote: $TEMPLATES/go.yml\n  - component: $CI_SERVER_FQDN/group/project/go@1.0\n  - project: $GROUP/ci\n    file: /templates/$NAME.yml\ntest:\n  script: [a]\n"}},
		{name: "keywords without a value", files: map[string]string{".gitlab-ci.yml": "variables:\ndefault:\ntest:\n  script: [a]\n  variables:\n  cache:\nbuild:\n  script: [a]\n  variables:\n    EMPTY:\n    SET: x\n"}},
		{name: "the last of duplicate keys counts", files: map[string]string{".gitlab-ci.yml": "test:\n  script: [a]\n  when: sometimes\n  when: manual\n"}},
		{name: "the last of duplicate keys counts, bad", files: map[string]string{".gitlab-ci.yml": "test:\n  script: [a]\n  when: manual\n  when: sometimes\n"},
			want: []string{".gitlab-ci.yml:3:3: test.when: sometimes is not one of"}},
		{name: "YAML 1.1 booleans", files: map[string]string{".gitlab-ci.yml": "test:\n  script: [a]\n  interruptible: yes\n  allow_failure: off\n"}},
		{name: "a quoted yes is a string", files: map[string]string{".gitlab-ci.yml": "test:\n  script: [a]\n  interruptible: 'yes'\n"},
			want: []string{`.gitlab-ci.yml:3:3: test.interruptible: must be boolean, not string ("yes")`}},
		{name: "references are GitLab's to resolve", files: map[string]string{".gitlab-ci.yml": ".base:\n  image: alpine\n  retry: 2\ntest:\n  script: [a]\n  image: !reference [.base, image]\n  retry: !reference [.base, retry]\n"}},
		{name: "interpolations are GitLab's to fill in", files: map[string]string{"templates/go.gitlab-ci.yml": "spec:\n  inputs:\n    n: {type: number, default: 2}\n---\ngo-test:\n  script: [a]\n  parallel: $[[ inputs.n ]]\n  when: $[[ inputs.when ]]\n  needs: [$[[ inputs.needs ]]]\n"}},
		{name: "merge keys: the job's own key wins", files: map[string]string{".gitlab-ci.yml": ".d: &d\n  when: sometimes\ntest:\n  <<: *d\n  when: manual\n  script: [a]\n"}},
		{name: "merge keys: a bad merged key", files: map[string]string{".gitlab-ci.yml": ".d: &d\n  scirpt: [a]\ntest:\n  <<: *d\n  script: [a]\n"},
			want: []string{".gitlab-ci.yml:4:3: test: unknown keyword scirpt"}}, // hidden jobs are templates: only their users are judged
		{name: "a job that is not a mapping is job-script's", files: map[string]string{".gitlab-ci.yml": "test: go test\nbuild:\n  script: [a]\n"}},
		{name: "local includes are validated where they are", files: map[string]string{
			".gitlab-ci.yml":     "include:\n  - local: ci/build.yml\ntest:\n  script: [a]\n",
			"sub/.gitlab-ci.yml": "include: ci/build.yml\nsub:\n  script: [a]\n",
			"ci/build.yml":       "include: {local: ci/deep.yml}\nbuild:\n  script: [a]\n  stagee: build\n",
			"ci/deep.yml":        "deep:\n  script: [a]\n  when: sometimes\n",
		}, want: []string{"ci/build.yml:4:3: build: unknown keyword stagee", "ci/deep.yml:3:3: deep.when: sometimes"}},
	})
}

func TestSchemaHints(t *testing.T) {
	for files, hint := range map[string]string{
		"test:\n  scirpt: [a]\n":                "did you mean script?",
		"test:\n  type: test\n  script: [a]\n":  "type: is the old name of stage:",
		"spec:\n  script: [a]\n":                "rename a job called spec",
		"test:\n  script: [a]\n  zzzzzzzz: 1\n": "https://docs.gitlab.com/ci/yaml/ lists the keywords",
		"test:\n  script: [a]\n  artifacts:\n    reports:\n      junit: a\n    zzzzzzzz: 1\n": "use one GitLab knows here: access, exclude, expire_in",
	} {
		got := linttest.Of(linttest.Run(gitlabci.Rules(), map[string]string{".gitlab-ci.yml": files}), "gitlab-ci/schema")
		if len(got) != 1 || !strings.Contains(got[0].Hint, hint) {
			t.Errorf("%q: got %s, want one finding with hint %q", files, dump(got), hint)
		}
	}
}
