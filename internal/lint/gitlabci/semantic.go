package gitlabci

// The semantic checks: what GitLab rejects (or silently drops) after the
// configuration has passed its JSON schema. needs and dependencies that name
// no job, extends that names nothing or goes round in a circle, a pipeline
// without a visible job, and rules that can never let a job run.
//
// Each check that needs the whole configuration runs only on a pipeline of
// its own (standalone: a file named .gitlab-ci.yml that no other CI file of
// the tree includes locally) and only when the scope is closed (nothing is
// included from elsewhere, no nested or missing local include, no top-level
// merge key): otherwise a job it cannot see may be the one named.

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/platform-team/platform/internal/lint"
)

// maxExtendsDepth is GitLab's limit on extends: an entry with more than 10
// ancestors that itself extends something is rejected ("nesting too deep in
// `extends`"), so a chain may have at most 11 extends links.
const maxExtendsDepth = 11

var ruleNeeds = lint.NewFileRule(lint.Meta{
	ID:       "gitlab-ci/needs",
	Severity: lint.SeverityError,
	Summary:  "needs and dependencies name visible jobs of the pipeline",
	Doc: `GitLab rejects a pipeline in which a job needs, or takes the artifacts of, a
job that does not exist: "JOB job: undefined need: NAME" (or "undefined
dependency"). A renamed or deleted job is enough, and a hidden job (.name) is
never created, so it cannot be needed either.

The rule reads each visible job's needs (string entries, and job: of mapping
entries, also under rules:), and its dependencies. A name with a leading dot
is reported in any CI file. A name that is not a job is reported in a pipeline
of its own (a file named .gitlab-ci.yml that no other CI file includes), where
jobs are those of the file and of its local includes. A job run with parallel
(matrix or a count) may be needed by its base name or by one instance
("build: [linux, amd64]", "build 1/3").

The rule stays silent on needs of another pipeline (pipeline:, project:),
on optional: true needs, on names with a variable or an input ($VAR,
$[[ inputs.job ]]) or a !reference, and on undefined names when the file or a
local file it includes includes anything else (remote, project, template,
component): such an include may define the job.

Fix: correct the name, define the job, or, for a job that is not always in
the pipeline, write the need as {job: NAME, optional: true}.`,
	Bad:  map[string]string{".gitlab-ci.yml": "build:\n  script: [make]\n\ntest:\n  needs: [biuld]\n  script: [make test]\n"},
	Good: map[string]string{".gitlab-ci.yml": "build:\n  parallel:\n    matrix:\n      - OS: [linux, windows]\n  script: [make]\n\ntest:\n  needs:\n    - build\n    - job: docs\n      optional: true\n  dependencies: [build]\n  script: [make test]\n"},
}, isCIFile, withConfig(func(repo *lint.Repo, f *lint.File, c *config, r *lint.Reporter) {
	if c.root == nil {
		return
	}
	s := scopeOf(repo, f, c)
	closed := standalone(repo, f) && !s.open && mergeKey(c.root) == nil
	for _, j := range c.jobs {
		if j.hidden() {
			continue
		}
		for _, ref := range jobRefs(j.value) {
			name := ref.node.Value
			if name == "" || strings.Contains(name, "$") {
				continue
			}
			what := "needs " + name
			if ref.dependency {
				what = "has " + name + " in dependencies"
			}
			if strings.HasPrefix(name, ".") {
				r.Report(f.Path, ref.node.Line, ref.node.Column,
					fmt.Sprintf("job %s %s, a hidden job: GitLab never creates hidden jobs, so it rejects the pipeline", j.name, what),
					"name the visible job that extends "+name+", or drop the leading dot if "+name+" should run")
				continue
			}
			if !closed || s.visible(name) {
				continue
			}
			hint := "correct the name or define the job; a job that is not always in the pipeline takes {job: " + name + ", optional: true}"
			if ref.dependency {
				hint = "correct the name or define the job; dependencies name jobs of earlier stages"
			}
			r.Report(f.Path, ref.node.Line, ref.node.Column,
				fmt.Sprintf("job %s %s, which is not a job of this file or its local includes", j.name, what), hint)
		}
	}
}))

var ruleExtends = lint.NewFileRule(lint.Meta{
	ID:       "gitlab-ci/extends",
	Severity: lint.SeverityError,
	Summary:  "extends names a defined job or template, without cycles, at most 11 levels deep",
	Doc: `GitLab resolves extends before anything else and rejects the whole pipeline
when it cannot: "JOB: unknown keys in ` + "`extends`" + ` (NAME)" for a name that is
not defined, "circular dependency detected in ` + "`extends`" + `" for a job that
ends up extending itself, and "nesting too deep in ` + "`extends`" + `" for a
chain of more than 11 levels.

The rule reports, at the extends entry:
- a name that is neither a job nor a template of the file or its local
  includes, in a pipeline of its own (a file named .gitlab-ci.yml that no
  other CI file includes) that includes nothing from elsewhere;
- a cycle (a extends b, b extends a; or a extends a), once per cycle, at a job
  of this file in it, in any CI file;
- a chain of more than 11 extends links, at the job that starts it.

The rule stays silent on undefined names when the file, or a local file it
includes, includes anything else (remote, project, template, component) or
a local file that cannot be read: the template may come from there. A file
that is not a pipeline of its own (a *.gitlab-ci.yml template) may extend
templates of the file that includes it.

Fix: correct the name or include the file that defines the template; break a
cycle; flatten a deep chain (merge templates, or take single keys with
!reference).`,
	Bad:  map[string]string{".gitlab-ci.yml": ".go:\n  image: golang:1.26\n\ntest:\n  extends: .golang\n  script: [go test ./...]\n"},
	Good: map[string]string{".gitlab-ci.yml": goodPipeline},
}, isCIFile, withConfig(func(repo *lint.Repo, f *lint.File, c *config, r *lint.Reporter) {
	if c.root == nil {
		return
	}
	s := scopeOf(repo, f, c)
	g := extendsGraph(s, f.Path)
	if standalone(repo, f) && !s.open && mergeKey(c.root) == nil {
		reportUndefinedExtends(f, c, s, r)
	}
	inCycle := reportExtendsCycles(f, c, g, r)
	reportDeepExtends(f, c, g, inCycle, r)
}))

// reportUndefinedExtends reports extends entries naming nothing the file or
// its local includes define.
func reportUndefinedExtends(f *lint.File, c *config, s *scope, r *lint.Reporter) {
	for _, j := range c.jobs {
		for _, e := range extendsEntries(j.value) {
			if strings.Contains(e.Value, "$") || len(s.defs[e.Value]) > 0 || lint.KeyNode(c.root, e.Value) != nil {
				continue
			}
			r.Report(f.Path, e.Line, e.Column,
				fmt.Sprintf("job %s extends %s, which is not defined in this file or its local includes", j.name, e.Value),
				"correct the name, define "+e.Value+", or include the file that defines it")
		}
	}
}

// reportExtendsCycles reports each extends cycle once, at the first job of
// this file in it, and returns the names in a cycle.
func reportExtendsCycles(f *lint.File, c *config, g *graph, r *lint.Reporter) map[string]bool {
	inCycle := map[string]bool{}
	component := map[string]int{}
	comps := g.cycles()
	for i, members := range comps {
		for n := range members {
			inCycle[n], component[n] = true, i
		}
	}
	reported := map[int]bool{}
	for _, j := range c.jobs {
		i, ok := component[j.name]
		if !ok || reported[i] || g.own[j.name] == nil {
			continue
		}
		path := g.cycleIn(j.name, comps[i])
		e := g.own[j.name][path[1%len(path)]]
		if e == nil {
			continue
		}
		reported[i] = true
		r.Report(f.Path, e.Line, e.Column,
			fmt.Sprintf("job %s extends itself through %s: GitLab rejects the pipeline (circular dependency in extends)", j.name, strings.Join(append(path, j.name), " → ")),
			"break the cycle: one of these templates must not extend the others")
	}
	return inCycle
}

// reportDeepExtends reports, at the job that starts it, a chain of extends
// longer than GitLab allows.
func reportDeepExtends(f *lint.File, c *config, g *graph, inCycle map[string]bool, r *lint.Reporter) {
	depth := map[string]int{}
	chain := map[string]string{} // the base on a longest chain
	var measure func(name string, stack map[string]bool) int
	measure = func(name string, stack map[string]bool) int {
		if d, ok := depth[name]; ok {
			return d
		}
		if stack[name] || inCycle[name] {
			return 0
		}
		stack[name] = true
		defer delete(stack, name)
		d := 0
		for _, b := range g.edges[name] {
			if bd := 1 + measure(b, stack); bd > d {
				d, chain[name] = bd, b
			}
		}
		depth[name] = d
		return d
	}
	deep := map[string]bool{}
	for _, j := range c.jobs {
		if g.own[j.name] != nil && measure(j.name, map[string]bool{}) > maxExtendsDepth {
			deep[j.name] = true
		}
	}
	// The finding belongs to the job that starts a chain, not to the
	// templates along it that are too deep themselves.
	baseOfDeep := map[string]bool{}
	for name := range deep {
		for _, b := range g.edges[name] {
			if b != name {
				baseOfDeep[b] = true
			}
		}
	}
	for _, j := range c.jobs {
		if !deep[j.name] || baseOfDeep[j.name] {
			continue
		}
		names := []string{j.name}
		for n := j.name; chain[n] != "" && len(names) <= depth[j.name]; n = chain[n] {
			names = append(names, chain[n])
		}
		if len(names) > maxExtendsDepth+3 {
			names = append(names[:maxExtendsDepth+1], "…", names[len(names)-1])
		}
		e := g.own[j.name][chain[j.name]]
		if e == nil {
			continue
		}
		r.Report(f.Path, e.Line, e.Column,
			fmt.Sprintf("job %s extends a chain of %d levels (%s): GitLab allows at most %d", j.name, depth[j.name], strings.Join(names, " → "), maxExtendsDepth),
			"flatten the chain: merge templates, or take single keys with !reference")
	}
}

var ruleVisibleJob = lint.NewFileRule(lint.Meta{
	ID:       "gitlab-ci/visible-job",
	Severity: lint.SeverityError,
	Summary:  "a pipeline's .gitlab-ci.yml defines at least one visible job",
	Doc: `GitLab refuses to create a pipeline from a configuration without a job it can
run: "jobs config should contain at least one visible job". A file that holds
only hidden templates (.name), or only workflow:, variables: and the like, is
a template to be included, not a pipeline.

The rule checks each file named .gitlab-ci.yml that no other CI file of the
tree includes locally: it, or a file it includes locally, must define a job
whose name does not start with a dot. The finding is at line 1. Other
*.gitlab-ci.yml files (such as GitLab's Workflows/*.gitlab-ci.yml templates)
are templates and are not checked.

The rule stays silent when the file, or a local file it includes, includes
anything else (remote, project, template, component) or a local file that
cannot be read: the jobs may come from there.

Fix: add a job, or make a template visible by dropping its leading dot; a
template meant to be included should not be named .gitlab-ci.yml.`,
	Bad:  map[string]string{".gitlab-ci.yml": "workflow:\n  rules:\n    - if: $CI_MERGE_REQUEST_IID\n\n.test:\n  script: [make test]\n"},
	Good: map[string]string{".gitlab-ci.yml": goodPipeline, "ci/workflow.gitlab-ci.yml": "workflow:\n  rules:\n    - if: $CI_MERGE_REQUEST_IID\n"},
}, func(f *lint.File) bool { return f.Name() == ".gitlab-ci.yml" }, withConfig(func(repo *lint.Repo, f *lint.File, c *config, r *lint.Reporter) {
	if c.root == nil || !standalone(repo, f) || mergeKey(c.root) != nil {
		return
	}
	s := scopeOf(repo, f, c)
	if s.open {
		return
	}
	hidden := ""
	for name := range s.defs {
		if s.visible(name) {
			return
		}
		if hidden == "" || name < hidden {
			hidden = name
		}
	}
	hint := "add a job (a top-level key without a leading dot, with script:), or include the file that defines the jobs"
	if hidden != "" {
		hint = "add a job, or drop the leading dot of a template such as " + hidden + " that should run"
	}
	r.Report(f.Path, 1, 1, "the pipeline has no visible job: GitLab creates no pipeline from it", hint)
}))

var ruleRules = lint.NewFileRule(lint.Meta{
	ID:       "gitlab-ci/rules",
	Severity: lint.SeverityError,
	Summary:  "rules can let a job, or the pipeline, run: not every rule is a condition with when: never",
	Doc: `A job whose every rule is a condition with when: never is never created: a
rule that matches keeps the job out, and when no rule matches the job is left
out too. GitLab does not say so; the job silently never runs, and the needs of
other jobs on it fail the pipeline. It is usually a rule meant to exclude some
pipelines ("not on main") written without the rule that runs the job in the
others.

The rule reports, at rules:, each visible job of a pipeline of its own (a
file named .gitlab-ci.yml that no other CI file includes) whose rules all
have if:, changes: or exists: and all have when: never; and workflow:rules
of the same kind, with which GitLab never creates a pipeline at all.

It stays silent on a rule without a condition (- when: never is the usual
way to switch a job off on purpose, or a job off that other jobs extend),
on rules with a !reference (they take rules from elsewhere), on a job that
other jobs extend, and on a job that may be merged with a job of the same
name from an include (a job of a local include, or anything included from
elsewhere).

Fix: add the rule that should run the job (a last - when: on_success runs it
whenever no earlier rule matched); to switch the job off, rename it to
.name, which makes it a template.`,
	Bad:  map[string]string{".gitlab-ci.yml": "deploy:\n  script: [./deploy.sh]\n  rules:\n    - if: $CI_COMMIT_BRANCH == \"main\"\n      when: never\n"},
	Good: map[string]string{".gitlab-ci.yml": "deploy:\n  script: [./deploy.sh]\n  rules:\n    - if: $CI_PIPELINE_SOURCE == \"schedule\"\n      when: never\n    - if: $CI_COMMIT_BRANCH == \"main\"\n"},
}, isCIFile, withConfig(func(repo *lint.Repo, f *lint.File, c *config, r *lint.Reporter) {
	if c.root == nil || !standalone(repo, f) {
		return
	}
	s := scopeOf(repo, f, c)
	if s.open || mergeKey(c.root) != nil {
		return
	}
	extended := map[string]bool{}
	for _, defs := range s.defs {
		for _, d := range defs {
			for _, e := range extendsOf(d.value) {
				extended[e] = true
			}
		}
	}
	if wf := lint.Field(c.root, "workflow"); allNever(lint.Field(wf, "rules")) {
		at := lint.KeyNode(wf, "rules")
		if at == nil {
			at = lint.KeyNode(c.root, "workflow")
		}
		r.Report(f.Path, at.Line, at.Column,
			"every rule of workflow:rules has when: never: GitLab never creates a pipeline",
			"add a rule that lets pipelines run (a last - when: always)")
	}
	for _, j := range c.jobs {
		if j.hidden() || len(s.defs[j.name]) != 1 || extended[j.name] || !allNever(lint.Field(j.value, "rules")) {
			continue
		}
		at := lint.KeyNode(j.value, "rules")
		if at == nil {
			at = j.key
		}
		r.Report(f.Path, at.Line, at.Column,
			fmt.Sprintf("every rule of job %s has when: never: GitLab never creates the job", j.name),
			"add a rule that runs it (a last - when: on_success), or rename it to ."+j.name+" to switch it off")
	}
}))

var ruleUnreachableRule = lint.NewFileRule(lint.Meta{
	ID:       "gitlab-ci/unreachable-rule",
	Severity: lint.SeverityWarning,
	Summary:  "no rule follows a rule without a condition, which always matches",
	Doc: `GitLab evaluates rules in order and stops at the first that matches. A rule
with no if:, changes: or exists: always matches, so the rules after it are
never evaluated: usually a catch-all (- when: manual, - when: never) written
first instead of last, and the job runs when it should not, or never.

The rule reports the first rule after such a rule, in the rules of every job
(templates included) and in workflow:rules, in any CI file. A rule counts as
unconditional only when all its keys are known ones that are not conditions
(when, allow_failure, variables, needs, start_in, interruptible,
auto_cancel). Rules with a !reference are not checked: the referenced rules
are not known here.

Fix: move the rule without a condition to the end, or give it the if: it
was meant to have.`,
	Bad:  map[string]string{".gitlab-ci.yml": "deploy:\n  script: [./deploy.sh]\n  rules:\n    - when: manual\n    - if: $CI_COMMIT_TAG\n"},
	Good: map[string]string{".gitlab-ci.yml": "deploy:\n  script: [./deploy.sh]\n  rules:\n    - if: $CI_COMMIT_TAG\n    - when: manual\n"},
}, isCIFile, withConfig(func(_ *lint.Repo, f *lint.File, c *config, r *lint.Reporter) {
	if c.root == nil {
		return
	}
	reported := map[*yaml.Node]bool{} // rules shared through an anchor are reported once
	check := func(owner string, rules *yaml.Node) {
		items, ok := ruleItems(rules)
		if !ok || reported[lint.Deref(rules)] {
			return
		}
		reported[lint.Deref(rules)] = true
		for i := 0; i+1 < len(items); i++ {
			if !unconditional(items[i]) {
				continue
			}
			next := items[i+1]
			r.Report(f.Path, next.Line, next.Column,
				fmt.Sprintf("rule %d of %s is never evaluated: rule %d before it has no if, changes or exists, so it always matches", i+2, owner, i+1),
				"move the rule without a condition to the end of rules, or give it an if:")
			return
		}
	}
	check("workflow:rules", lint.Field(lint.Field(c.root, "workflow"), "rules"))
	for _, j := range c.jobs {
		check("job "+j.name, lint.Field(j.value, "rules"))
	}
}))

// jobRef is one name a job needs or depends on.
type jobRef struct {
	node       *yaml.Node
	dependency bool
}

// jobRefs returns the job names of a job's needs (its own and under rules:)
// and dependencies, leaving out what is not a plain name of this pipeline:
// !reference, needs of another pipeline or project, optional needs.
func jobRefs(job *yaml.Node) []jobRef {
	var out []jobRef
	needs := []*yaml.Node{lint.Field(job, "needs")}
	if items, ok := ruleItems(lint.Field(job, "rules")); ok {
		for _, it := range items {
			needs = append(needs, lint.Field(it, "needs"))
		}
	}
	for _, n := range needs {
		for _, item := range listItems(n) {
			switch item.Kind {
			case yaml.ScalarNode:
				if item.Tag != "!!null" {
					out = append(out, jobRef{node: item})
				}
			case yaml.MappingNode:
				if lint.Field(item, "pipeline") != nil || lint.Field(item, "project") != nil {
					continue
				}
				if o := lint.Field(item, "optional"); o != nil {
					if v, _ := lint.Scalar(o); v != "false" {
						continue // true, or an input that may be
					}
				}
				if name := lint.Deref(lint.Field(item, "job")); name != nil && name.Kind == yaml.ScalarNode && name.Tag != "!reference" {
					out = append(out, jobRef{node: name})
				}
			}
		}
	}
	for _, item := range listItems(lint.Field(job, "dependencies")) {
		if item.Kind == yaml.ScalarNode && item.Tag != "!!null" {
			out = append(out, jobRef{node: item, dependency: true})
		}
	}
	return out
}

// listItems returns the items of a sequence (nested sequences flattened, as
// GitLab does), without !reference ones; nil for anything else. A node that
// aliases bring back more than once is listed once, so a small file cannot
// expand into a huge list.
func listItems(n *yaml.Node) []*yaml.Node {
	n = lint.Deref(n)
	if n == nil || n.Kind != yaml.SequenceNode || n.Tag == "!reference" {
		return nil
	}
	var out []*yaml.Node
	seen := map[*yaml.Node]bool{n: true}
	var walk func(n *yaml.Node, depth int)
	walk = func(n *yaml.Node, depth int) {
		for _, item := range n.Content {
			item = lint.Deref(item)
			if item == nil || item.Tag == "!reference" || seen[item] {
				continue
			}
			seen[item] = true
			if item.Kind == yaml.SequenceNode {
				if depth < 8 {
					walk(item, depth+1)
				}
				continue
			}
			out = append(out, item)
		}
	}
	walk(n, 0)
	return out
}

// ruleItems returns the rules of a rules: list, each a mapping; false when
// the list is not one, or when it holds anything else (a !reference, a nested
// list): what such rules do is not known here.
func ruleItems(n *yaml.Node) ([]*yaml.Node, bool) {
	n = lint.Deref(n)
	if n == nil || n.Kind != yaml.SequenceNode || n.Tag == "!reference" {
		return nil, false
	}
	out := make([]*yaml.Node, 0, len(n.Content))
	for _, item := range n.Content {
		item = lint.Deref(item)
		if item == nil || item.Kind != yaml.MappingNode || item.Tag == "!reference" {
			return nil, false
		}
		out = append(out, item)
	}
	return out, true
}

// ruleActions are the keys of a rule that are not conditions.
var ruleActions = map[string]bool{
	"when": true, "allow_failure": true, "variables": true, "needs": true,
	"start_in": true, "interruptible": true, "auto_cancel": true,
}

// unconditional reports whether a rule always matches: it has keys, and all
// of them are known keys that are not conditions.
func unconditional(rule *yaml.Node) bool {
	if len(rule.Content) == 0 {
		return false
	}
	for i := 0; i+1 < len(rule.Content); i += 2 {
		k := rule.Content[i]
		if k.Kind != yaml.ScalarNode || k.Tag == "!!merge" || !ruleActions[k.Value] {
			return false
		}
	}
	return true
}

// allNever reports whether rules is a list of rules that all have a
// condition and when: never: whatever matches, nothing runs.
func allNever(rules *yaml.Node) bool {
	items, ok := ruleItems(rules)
	if !ok || len(items) == 0 {
		return false
	}
	for _, it := range items {
		if w, _ := lint.Scalar(lint.Field(it, "when")); w != "never" || !conditional(it) {
			return false
		}
	}
	return true
}

// conditional reports whether a rule has a condition: if, changes or exists.
func conditional(rule *yaml.Node) bool {
	for _, k := range []string{"if", "changes", "exists"} {
		if lint.Field(rule, k) != nil {
			return true
		}
	}
	return false
}

// parallelInstance is the name GitLab gives one job of parallel: N.
var parallelInstance = regexp.MustCompile(`^(.+) \d+/\d+$`)

// visible reports whether name is a visible job of the scope, directly or as
// one instance of a parallel job ("build: [linux, amd64]", "build 1/3").
func (s *scope) visible(name string) bool {
	if strings.HasPrefix(name, ".") {
		return false
	}
	if len(s.defs[name]) > 0 {
		return true
	}
	if base, _, ok := strings.Cut(name, ": ["); ok && strings.HasSuffix(name, "]") && len(s.defs[base]) > 0 {
		return true
	}
	if m := parallelInstance.FindStringSubmatch(name); m != nil && len(s.defs[m[1]]) > 0 {
		return true
	}
	return false
}

// extendsEntries returns the name nodes of a definition's own extends.
func extendsEntries(m *yaml.Node) []*yaml.Node {
	var out []*yaml.Node
	n := lint.Deref(lint.Field(m, "extends"))
	if n == nil {
		return nil
	}
	if n.Kind == yaml.ScalarNode {
		if n.Tag != "!!null" {
			out = append(out, n)
		}
		return out
	}
	for _, item := range listItems(n) {
		if item.Kind == yaml.ScalarNode && item.Tag != "!!null" {
			out = append(out, item)
		}
	}
	return out
}

// graph is extends as GitLab resolves it: each name's extends comes from its
// last definition that has the key (the file's own over its includes').
type graph struct {
	edges map[string][]string
	// own holds, for the names whose extends is written in this file, the
	// node of each entry by base name.
	own map[string]map[string]*yaml.Node
	// defined holds every name of the scope.
	defined map[string]bool
}

// extendsGraph builds the graph of a scope. When the scope is open, an
// include that cannot be read may override an included definition, so only
// this file's own extends count.
func extendsGraph(s *scope, file string) *graph {
	g := &graph{edges: map[string][]string{}, own: map[string]map[string]*yaml.Node{}, defined: map[string]bool{}}
	for name, defs := range s.defs {
		for i := len(defs) - 1; i >= 0; i-- {
			if lint.Field(defs[i].value, "extends") == nil {
				continue
			}
			if defs[i].file != file && s.open {
				break
			}
			entries := extendsEntries(defs[i].value)
			for _, e := range entries {
				if strings.Contains(e.Value, "$") {
					continue
				}
				g.edges[name] = append(g.edges[name], e.Value)
				if defs[i].file == file {
					if g.own[name] == nil {
						g.own[name] = map[string]*yaml.Node{}
					}
					if g.own[name][e.Value] == nil {
						g.own[name][e.Value] = e
					}
				}
			}
			break
		}
		g.defined[name] = true
	}
	return g
}

// cycles returns the strongly connected components of the graph that hold a
// cycle (a name that extends itself, or names that extend each other), found
// with Tarjan's algorithm.
func (g *graph) cycles() []map[string]bool {
	index, low := map[string]int{}, map[string]int{}
	onStack := map[string]bool{}
	var stack []string
	var out []map[string]bool
	next := 0
	names := slices.Sorted(maps.Keys(g.defined))
	var connect func(v string)
	connect = func(v string) {
		index[v], low[v] = next, next
		next++
		stack = append(stack, v)
		onStack[v] = true
		for _, w := range g.edges[v] {
			if !g.defined[w] {
				continue
			}
			if _, seen := index[w]; !seen {
				connect(w)
				low[v] = min(low[v], low[w])
			} else if onStack[w] {
				low[v] = min(low[v], index[w])
			}
		}
		if low[v] != index[v] {
			return
		}
		comp := map[string]bool{}
		for {
			w := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			onStack[w] = false
			comp[w] = true
			if w == v {
				break
			}
		}
		if len(comp) > 1 || slices.Contains(g.edges[v], v) {
			out = append(out, comp)
		}
	}
	for _, v := range names {
		if _, seen := index[v]; !seen {
			connect(v)
		}
	}
	return out
}

// cycleIn returns a shortest cycle through v within comp.
func (g *graph) cycleIn(v string, comp map[string]bool) []string {
	if slices.Contains(g.edges[v], v) {
		return []string{v}
	}
	prev := map[string]string{}
	queue := []string{v}
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		for _, w := range g.edges[u] {
			if !comp[w] {
				continue
			}
			if w == v {
				path := []string{u}
				for p := u; p != v; {
					p = prev[p]
					path = append(path, p)
				}
				for i, j := 0, len(path)-1; i < j; i, j = i+1, j-1 {
					path[i], path[j] = path[j], path[i]
				}
				return path
			}
			if _, seen := prev[w]; !seen && w != v {
				prev[w] = u
				queue = append(queue, w)
			}
		}
	}
	return []string{v}
}

// includeIndex is, for a tree, every file some CI file includes locally
// (directly, or through a local file it includes).
type includeIndex struct {
	included map[string]bool
}

// standalone reports whether f is a pipeline of its own: a file named
// .gitlab-ci.yml that no CI file of the linted tree includes locally. Only
// there is what the file and its includes define the whole pipeline: a
// template may use jobs and templates of the file that includes it.
func standalone(repo *lint.Repo, f *lint.File) bool {
	if f.Name() != ".gitlab-ci.yml" {
		return false
	}
	idx := repo.Cached("gitlabci.included", func() any { return buildIncludeIndex(repo) }).(*includeIndex)
	return !idx.included[f.Path]
}

func buildIncludeIndex(repo *lint.Repo) *includeIndex {
	idx := &includeIndex{included: map[string]bool{}}
	files := repo.Files()
	var queue []*lint.File
	seen := map[string]bool{}
	for _, f := range files {
		if isCIFile(f) {
			queue = append(queue, f)
			seen[f.Path] = true
		}
	}
	for len(queue) > 0 {
		f := queue[0]
		queue = queue[1:]
		c := configOf(f)
		if c.root == nil {
			continue
		}
		for _, inc := range includesOf(c.root) {
			if inc.local == "" {
				continue
			}
			for _, g := range includedFiles(repo, files, inc.local) {
				if g.Path == f.Path {
					continue
				}
				idx.included[g.Path] = true
				if !seen[g.Path] {
					seen[g.Path] = true
					queue = append(queue, g)
				}
			}
		}
	}
	return idx
}

// includeVariable is a variable or an input in a local include's path.
var includeVariable = regexp.MustCompile(`\$\{?\w+\}?|\$\[\[[^\]]*\]\]`)

// includedFiles returns the files a local include may name: its path, a glob
// (* within a directory, ** across them), and a variable standing for
// anything, since its value is not known here.
func includedFiles(repo *lint.Repo, files []*lint.File, p string) []*lint.File {
	p = strings.TrimLeft(strings.TrimSpace(p), "/")
	if p == "" {
		return nil
	}
	if !strings.ContainsAny(p, "*?[$") {
		if f, ok := repo.File(p); ok {
			return []*lint.File{f}
		}
		return nil
	}
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(p); {
		if loc := includeVariable.FindStringIndex(p[i:]); loc != nil && loc[0] == 0 {
			b.WriteString(".*")
			i += loc[1]
			continue
		}
		switch {
		case strings.HasPrefix(p[i:], "**"):
			b.WriteString(".*")
			i += 2
		case p[i] == '*':
			b.WriteString("[^/]*")
			i++
		case p[i] == '?':
			b.WriteString("[^/]")
			i++
		default:
			b.WriteString(regexp.QuoteMeta(p[i : i+1]))
			i++
		}
	}
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil
	}
	var out []*lint.File
	for _, f := range files {
		if re.MatchString(f.Path) {
			out = append(out, f)
		}
	}
	return out
}
