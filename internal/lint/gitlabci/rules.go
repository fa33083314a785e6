// Package gitlabci is the gitlab-ci/* rule family of `platform lint`: the
// GitLab CI configuration (.gitlab-ci.yml at any depth, and *.gitlab-ci.yml
// templates) is well-formed YAML, valid against GitLab's CI JSON schema
// (schema.go), every job can run, every stage is declared, needs, extends and
// rules make sense (semantic.go), and the pipeline runs platform lint.
//
// A file may be a CI/CD component or template: a spec: header document, ---,
// then the jobs. $[[ inputs.name ]] interpolations do not break parsing.
// Local includes are read to resolve extends and stages; anything included
// from elsewhere (remote, project, template, component) cannot be, and the
// rules then stay silent where it could change the answer.
package gitlabci

import (
	"fmt"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/platform-team/platform/internal/lint"
)

// Rules returns every rule of the family, sorted by ID.
func Rules() []lint.Rule {
	return lint.Sorted(ruleYAML, ruleJobScript, ruleSchema, ruleStages, rulePlatformLint, ruleNeeds, ruleExtends, ruleVisibleJob, ruleRules, ruleUnreachableRule)
}

// withConfig hands a check the file's parsed configuration, shared by the rules.
func withConfig(check func(repo *lint.Repo, f *lint.File, c *config, r *lint.Reporter)) func(*lint.Repo, *lint.File, *lint.Reporter) {
	return func(repo *lint.Repo, f *lint.File, r *lint.Reporter) { check(repo, f, configOf(f), r) }
}

const goodPipeline = `stages: [test, build]

test:
  stage: test
  image: golang:1.26
  script:
    - go test ./...

.docker:
  image: docker:27
  script:
    - docker build -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA" .

build:
  extends: .docker
  stage: build

platform-lint:
  stage: test
  image: registry.example.com/platform/platform:1
  script:
    - platform lint --format codequality --output gl-code-quality-report.json
  artifacts:
    reports:
      codequality: gl-code-quality-report.json
`

var ruleYAML = lint.NewFileRule(lint.Meta{
	ID:       "gitlab-ci/yaml",
	Severity: lint.SeverityError,
	Summary:  "the GitLab CI configuration is well-formed YAML: a mapping of keywords and jobs",
	Doc: `GitLab refuses to create a pipeline from a configuration that does not parse: a
push then runs no tests, no lint and no deployment, and the error shows up only
in the pipeline list.

The rule reports a YAML syntax error at its line, and a document that is not a
mapping of keywords and jobs. A CI/CD component or template may start with a
spec: header document followed by --- and the jobs; $[[ inputs.name ]]
interpolations are accepted wherever GitLab accepts them.

Fix the syntax; GitLab's pipeline editor (CI/CD > Editor) validates the whole
configuration, includes included.`,
	Bad:  map[string]string{".gitlab-ci.yml": "test:\n  script:\n    - go test ./...\n   - go vet ./...\n"},
	Good: map[string]string{".gitlab-ci.yml": goodPipeline, "templates/go.gitlab-ci.yml": "spec:\n  inputs:\n    stage:\n      default: test\n---\ngo-test:\n  stage: $[[ inputs.stage ]]\n  needs: [$[[ inputs.needs ]]]\n  script: [go test ./...]\n"},
}, isCIFile, withConfig(func(_ *lint.Repo, f *lint.File, c *config, r *lint.Reporter) {
	if c.err != nil {
		r.Report(f.Path, c.err.Line, c.err.Column, "invalid YAML: "+c.err.Msg, "fix the syntax: GitLab creates no pipeline from this file")
		return
	}
	if c.notMapping != nil {
		r.Report(f.Path, c.notMapping.Line, c.notMapping.Column,
			"the CI configuration is not a mapping of keywords and jobs",
			"write jobs as top-level keys: job-name: {stage: test, script: [...]}")
	}
}))

var ruleJobScript = lint.NewFileRule(lint.Meta{
	ID:       "gitlab-ci/job-script",
	Severity: lint.SeverityError,
	Summary:  "every job has script, trigger or run, itself or through extends",
	Doc: `A job without script (or trigger for a downstream pipeline, or run for CI/CD
steps) is rejected by GitLab: "jobs:NAME config should implement the script:,
run:, or trigger: keyword", and the whole pipeline is not created.

Jobs are the top-level keys that are not keywords (default, include, stages,
variables, workflow, image, services, cache, before_script, after_script,
spec) and do not start with a dot (hidden jobs are templates). A job may get
its script from the templates it extends, which the rule follows within the
file and its local includes (YAML anchors and !reference included).

The rule stays silent when it cannot know: a job that extends a template it
cannot find (it may come from an include), and any job, with or without
extends, in a file that includes configuration from elsewhere (remote,
project, template, component), itself or through a local file it includes: such a job may be overriding an included job of
the same name, which GitLab merges with it.

Fix: add script (or extends a template that has one); for a job meant as a
template, start its name with a dot.`,
	Bad:  map[string]string{".gitlab-ci.yml": "stages: [test]\n\nlint:\n  stage: test\n  image: golangci/golangci-lint:v2\n"},
	Good: map[string]string{".gitlab-ci.yml": goodPipeline},
}, isCIFile, withConfig(func(repo *lint.Repo, f *lint.File, c *config, r *lint.Reporter) {
	if c.root == nil {
		return
	}
	s := scopeOf(repo, f, c)
	for _, j := range c.jobs {
		if j.hidden() {
			continue
		}
		v := lint.Deref(j.value)
		if v == nil || v.Kind != yaml.MappingNode {
			r.Report(f.Path, j.key.Line, j.key.Column,
				fmt.Sprintf("job %s is not a mapping", j.name),
				"a job is a mapping with at least script: (or trigger:, run:, extends:)")
			continue
		}
		found, unknown := s.provides(j.name, []string{"script", "trigger", "run"}, map[string]bool{})
		if found || unknown {
			continue
		}
		if s.foreign || (s.open && len(extendsOf(v)) == 0) {
			continue // an included job of the same name may supply it: GitLab merges them
		}
		msg := fmt.Sprintf("job %s has no script, trigger or run", j.name)
		if ext := extendsOf(v); len(ext) > 0 {
			msg = fmt.Sprintf("job %s has no script, trigger or run, nor does %s, which it extends", j.name, strings.Join(ext, ", "))
		}
		r.Report(f.Path, j.key.Line, j.key.Column, msg,
			"add script: with the job's commands, or rename it to ."+j.name+" if it is a template for other jobs")
	}
}))

var ruleStages = lint.NewFileRule(lint.Meta{
	ID:       "gitlab-ci/stages",
	Severity: lint.SeverityError,
	Summary:  "every job's stage is declared in stages",
	Doc: `A job whose stage is not in the stages list makes GitLab reject the pipeline:
"chosen stage does not exist; available stages are ...". A renamed stage or a
typo (deploy vs. deployment) is enough.

Each job's stage (its own, or inherited through extends; test when there is
none) must be one of stages, plus .pre and .post, which always exist. Without a
stages keyword the defaults apply: .pre, build, test, deploy, .post.

The rule checks every file named .gitlab-ci.yml (a pipeline of its own) and any
*.gitlab-ci.yml template that declares stages itself: a template without
stages runs in its includer's stages, which it cannot see. Stages taken from a
local include are read; when stages may come from a remote, project,
template or component include, or a stage is a variable or an input
($[[ inputs.stage ]]), the rule does not guess.

Fix: add the stage to stages (in pipeline order), or correct the job's stage.`,
	Bad:  map[string]string{".gitlab-ci.yml": "stages: [test, build]\n\ndeploy:\n  stage: deploy\n  script: [./deploy.sh]\n"},
	Good: map[string]string{".gitlab-ci.yml": goodPipeline},
}, isCIFile, withConfig(func(repo *lint.Repo, f *lint.File, c *config, r *lint.Reporter) {
	if c.root == nil {
		return
	}
	s := scopeOf(repo, f, c)
	if f.Name() != ".gitlab-ci.yml" && lint.Field(c.root, "stages") == nil {
		return
	}
	declared := map[string]bool{".pre": true, ".post": true}
	var list []string
	switch {
	case s.stages != nil:
		if hasReference(s.stages) {
			return
		}
		for _, st := range stringsOf(s.stages) {
			if strings.Contains(st, "$") {
				return
			}
			declared[st] = true
			list = append(list, st)
		}
		if n := lint.Deref(s.stages); n != nil && n.Kind != yaml.SequenceNode && n.Kind != yaml.ScalarNode {
			return
		}
	case s.open:
		return
	default:
		for _, st := range defaultStages {
			declared[st] = true
		}
		list = defaultStages[1:4]
	}
	where := "stages"
	if s.stages == nil {
		where = "the default stages"
	} else if s.stagesFile != f.Path {
		where = "the stages of " + s.stagesFile
	}
	for _, j := range c.jobs {
		if j.hidden() || lint.Deref(j.value) == nil || lint.Deref(j.value).Kind != yaml.MappingNode {
			continue
		}
		node, file, unknown := s.stageOf(j.name, map[string]bool{})
		if unknown {
			continue
		}
		stage, line, col := "test", j.key.Line, j.key.Column
		how := " (the default when a job sets no stage)"
		if node != nil {
			v, ok := lint.Scalar(node)
			if !ok || strings.Contains(v, "$") {
				continue
			}
			stage, how = v, ""
			if file == f.Path && lint.Field(j.value, "stage") == node {
				line, col = node.Line, node.Column
			} else {
				how = " (inherited through extends)"
			}
		}
		if declared[stage] {
			continue
		}
		r.Report(f.Path, line, col,
			fmt.Sprintf("job %s runs in stage %q%s, which is not in %s: %s", j.name, stage, how, where, strings.Join(list, ", ")),
			fmt.Sprintf("add %s to stages, in pipeline order, or use one of the declared stages", stage))
	}
}))

// platformLintCommand is an invocation of platform lint in a script line.
var platformLintCommand = regexp.MustCompile(`(?:^|[\s;&|(/"'])platform(?:\.exe)?\s+lint\b`)

var rulePlatformLint = lint.NewFileRule(lint.Meta{
	ID:       "gitlab-ci/platform-lint",
	Severity: lint.SeverityWarning,
	Summary:  "the root .gitlab-ci.yml runs platform lint",
	Doc: `The platform's rules protect a service only if they run on every change: locally
they are easy to forget, in CI they show up in the merge request (with
--format codequality as a Code Quality report).

The root .gitlab-ci.yml must have a job whose script (or before_script, or a
template it extends, or a !reference it uses) runs "platform lint", or include
a component or template whose name contains "platform" (include: component:
.../platform@1, local: templates/ci/platform.gitlab-ci.yml): the platform's
CI component runs it. The finding is at line 1.

Fix: include the platform's CI component, or add a job:

    platform-lint:
      image: registry.example.com/platform/platform:1
      script:
        - platform lint --format codequality --output gl-code-quality-report.json
      artifacts:
        reports:
          codequality: gl-code-quality-report.json`,
	Bad:  map[string]string{".gitlab-ci.yml": "test:\n  script:\n    - go test ./...\n"},
	Good: map[string]string{".gitlab-ci.yml": "include:\n  - component: $CI_SERVER_FQDN/platform/ci/platform@1\n\ntest:\n  script:\n    - go test ./...\n"},
}, func(f *lint.File) bool { return f.Path == ".gitlab-ci.yml" }, withConfig(func(repo *lint.Repo, f *lint.File, c *config, r *lint.Reporter) {
	if c.root == nil {
		return
	}
	s := scopeOf(repo, f, c)
	for _, t := range s.includeText {
		if strings.Contains(strings.ToLower(t), "platform") {
			return
		}
	}
	for _, j := range c.jobs {
		if j.hidden() {
			continue
		}
		for _, line := range s.scripts(j.name, map[string]bool{}) {
			if platformLintCommand.MatchString(line) {
				return
			}
		}
	}
	r.Report(f.Path, 1, 1, "no job of the pipeline runs platform lint",
		"add a job with script: platform lint --format codequality --output gl-code-quality-report.json, or include the platform's CI component")
}))

// hasReference reports whether a stages list uses !reference, which the rule
// does not resolve.
func hasReference(n *yaml.Node) bool {
	n = lint.Deref(n)
	if n == nil {
		return false
	}
	if n.Tag == "!reference" {
		return true
	}
	for _, c := range n.Content {
		if c != nil && c.Tag == "!reference" {
			return true
		}
	}
	return false
}
