// Package ci_test checks the platform CI/CD component against itself and
// against the templates that include it. The component is YAML, not Go: this
// directory holds no package, only these tests.
package ci_test

import (
	"cmp"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"
)

const component = "platform.gitlab-ci.yml"

// address is how the templates include the component.
const address = "$CI_SERVER_FQDN/platform/platform/platform@"

type input struct {
	Description string `yaml:"description"`
	Type        string `yaml:"type"`
	Default     any    `yaml:"default"`
	Regex       string `yaml:"regex"`
}

var reference = regexp.MustCompile(`\$\[\[\s*inputs\.([A-Za-z0-9_-]+)\s*(?:\|[^\]]*)?\]\]`)

// readComponent returns the declared inputs and the jobs document.
func readComponent(t *testing.T) (map[string]input, string) {
	t.Helper()
	data, err := os.ReadFile(component)
	if err != nil {
		t.Fatal(err)
	}
	header, jobs, ok := strings.Cut(string(data), "\n---\n")
	if !ok {
		t.Fatal("no --- between the spec: header and the jobs")
	}
	var spec struct {
		Spec struct {
			Inputs map[string]input `yaml:"inputs"`
		} `yaml:"spec"`
	}
	if err := yaml.Unmarshal([]byte(header), &spec); err != nil {
		t.Fatalf("spec header: %v", err)
	}
	if len(spec.Spec.Inputs) == 0 {
		t.Fatal("spec.inputs is empty")
	}
	return spec.Spec.Inputs, jobs
}

func TestComponentInputs(t *testing.T) {
	inputs, jobs := readComponent(t)
	used := map[string]bool{}
	for _, m := range reference.FindAllStringSubmatch(jobs, -1) {
		used[m[1]] = true
		if _, ok := inputs[m[1]]; !ok {
			t.Errorf("the jobs use inputs.%s, which spec.inputs does not declare", m[1])
		}
	}
	for name, in := range inputs {
		if !used[name] {
			t.Errorf("input %s is declared but no job uses it", name)
		}
		if in.Description == "" {
			t.Errorf("input %s has no description", name)
		}
		if in.Default == nil {
			t.Errorf("input %s has no default: every input is optional", name)
		}
		if in.Type == "array" {
			if _, ok := in.Default.([]any); !ok {
				t.Errorf("input %s is an array but its default %v is not", name, in.Default)
			}
		}
		if in.Regex != "" {
			re, err := regexp.Compile(in.Regex)
			if err != nil {
				t.Errorf("input %s: regex: %v", name, err)
			} else if s, ok := in.Default.(string); ok && !re.MatchString(s) {
				t.Errorf("input %s: default %q does not match %s", name, s, in.Regex)
			}
		}
	}
	// Each job parses once the inputs are interpolated.
	var doc map[string]yaml.Node
	if err := yaml.Unmarshal([]byte(reference.ReplaceAllString(jobs, "x")), &doc); err != nil {
		t.Fatalf("jobs: %v", err)
	}
	for _, job := range []string{"platform-lint", "platform-promote", "platform-update-check", "platform-fleet-update"} {
		if _, ok := doc[job]; !ok {
			t.Errorf("the component has no %s job", job)
		}
	}
}

// templateAction is a text/template action of a skeleton file.
var templateAction = regexp.MustCompile(`\{\{.*?\}\}`)

// TestTemplatesInclude checks that every template includes the component with
// declared inputs only, and offers promotion into stages of its own
// platform.yaml that can be promoted into (not the first).
func TestTemplatesInclude(t *testing.T) {
	inputs, _ := readComponent(t)
	files, err := filepath.Glob(filepath.Join("..", "*", "skeleton", ".gitlab-ci.yml.tmpl"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 3 {
		t.Fatalf("want the CI files of at least 3 templates, found %v", files)
	}
	for _, file := range files {
		name := filepath.Base(filepath.Dir(filepath.Dir(file)))
		t.Run(name, func(t *testing.T) {
			var ci struct {
				Include []struct {
					Component string         `yaml:"component"`
					Inputs    map[string]any `yaml:"inputs"`
				} `yaml:"include"`
			}
			parseSkeleton(t, file, &ci)
			n := 0
			for _, inc := range ci.Include {
				if !strings.HasPrefix(inc.Component, address) {
					continue
				}
				n++
				for k, v := range inc.Inputs {
					in, ok := inputs[k]
					if !ok {
						t.Errorf("input %s is not declared by the component", k)
						continue
					}
					if _, isList := v.([]any); isList != (in.Type == "array") {
						t.Errorf("input %s = %v: want type %q", k, v, cmp.Or(in.Type, "string"))
					}
				}
				var env struct {
					Environments []struct {
						Name string `yaml:"name"`
						From string `yaml:"from"`
					} `yaml:"environments"`
				}
				parseSkeleton(t, filepath.Join(filepath.Dir(file), "platform.yaml.tmpl"), &env)
				var promotable []string
				for _, e := range env.Environments {
					if e.From != "" {
						promotable = append(promotable, e.Name)
					}
				}
				stages, _ := inc.Inputs["promote-stages"].([]any)
				for _, s := range stages {
					if !slices.Contains(promotable, s.(string)) {
						t.Errorf("promote-stages has %v; platform.yaml can promote into %v", s, promotable)
					}
				}
			}
			if n != 1 {
				t.Fatalf("want one include of %s..., found %d", address, n)
			}
		})
	}
}

// parseSkeleton decodes a skeleton file with its template actions blanked out.
func parseSkeleton(t *testing.T, file string, v any) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(templateAction.ReplaceAll(data, []byte("x")), v); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
}

// ciJob is the part of a job the tests below look at.
type ciJob struct {
	Stage         string            `yaml:"stage"`
	Parallel      any               `yaml:"parallel"`
	Interruptible bool              `yaml:"interruptible"`
	Needs         []any             `yaml:"needs"`
	Variables     map[string]string `yaml:"variables"`
	AllowFailure  struct {
		ExitCodes []int `yaml:"exit_codes"`
	} `yaml:"allow_failure"`
	Rules []struct {
		If   string `yaml:"if"`
		When string `yaml:"when"`
	} `yaml:"rules"`
	Script    []string `yaml:"script"`
	Artifacts struct {
		When  string   `yaml:"when"`
		Paths []string `yaml:"paths"`
	} `yaml:"artifacts"`
}

// interpolate does what GitLab does with an include's inputs: every
// $[[ inputs.name ]] becomes the given value, else the input's default, and
// then the jobs are parsed.
func interpolate(t *testing.T, values map[string]any) map[string]ciJob {
	t.Helper()
	inputs, jobs := readComponent(t)
	for k := range values {
		if _, ok := inputs[k]; !ok {
			t.Fatalf("input %s is not declared", k)
		}
	}
	text := reference.ReplaceAllStringFunc(jobs, func(ref string) string {
		name := reference.FindStringSubmatch(ref)[1]
		v, ok := values[name]
		if !ok {
			v = inputs[name].Default
		}
		if list, ok := v.([]any); ok {
			parts := make([]string, len(list))
			for i, e := range list {
				parts[i] = fmt.Sprint(e)
			}
			return "[" + strings.Join(parts, ", ") + "]"
		}
		return fmt.Sprint(v)
	})
	var doc map[string]ciJob
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
		t.Fatalf("jobs with inputs %v: %v", values, err)
	}
	return doc
}

// added evaluates a job's rules the way GitLab does for the expressions the
// component uses (==, != between "strings" and $VARIABLES, joined by || and
// &&, no parentheses): the first rule whose if matches decides; no match, or
// when: never, leaves the job out. A job without rules is always added.
func added(t *testing.T, j ciJob, vars map[string]string) bool {
	t.Helper()
	if len(j.Rules) == 0 {
		return true
	}
	operand := func(s string) string {
		s = strings.TrimSpace(s)
		switch {
		case strings.HasPrefix(s, `"`) && strings.HasSuffix(s, `"`) && len(s) >= 2:
			return s[1 : len(s)-1]
		case strings.HasPrefix(s, "$"):
			return vars[s[1:]]
		}
		t.Fatalf("rules: cannot evaluate operand %q", s)
		return ""
	}
	compare := func(s string) bool {
		for _, op := range []string{"==", "!="} {
			if l, r, ok := strings.Cut(s, op); ok {
				return (operand(l) == operand(r)) == (op == "==")
			}
		}
		t.Fatalf("rules: cannot evaluate %q", s)
		return false
	}
	for _, rule := range j.Rules {
		match := rule.If == ""
		for _, or := range strings.Split(rule.If, "||") {
			if rule.If == "" {
				break
			}
			all := true
			for _, and := range strings.Split(or, "&&") {
				all = all && compare(and)
			}
			match = match || all
		}
		if match {
			return rule.When != "never"
		}
	}
	return false
}

// runScript runs a job's script as the runner does (one shell, stopping at the
// first failing line) in a fresh directory, with a fake platform on PATH that
// records its arguments one per line, prints "[]" and exits with exit. It
// returns the arguments, the directory and the script's exit code.
func runScript(t *testing.T, j ciJob, env map[string]string, exit int) ([]string, string, int) {
	t.Helper()
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh to run the job's script")
	}
	dir, bin := t.TempDir(), t.TempDir()
	fake := fmt.Sprintf("#!%s\nprintf '%%s\\n' \"$@\" > \"$FAKE_ARGS\"\necho '[]'\nexit %d\n", sh, exit)
	if err := os.WriteFile(filepath.Join(bin, "platform"), []byte(fake), 0o755); err != nil {
		t.Fatal(err)
	}
	args := filepath.Join(bin, "args")
	cmd := exec.Command(sh, "-e", "-c", strings.Join(j.Script, "\n"))
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH"), "FAKE_ARGS=" + args}
	for k, v := range j.Variables {
		if _, ok := env[k]; !ok {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
	}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("script: %v\n%s", err, out)
	}
	data, err := os.ReadFile(args)
	if err != nil {
		t.Fatalf("the script did not run platform: %v\n%s", err, out)
	}
	return strings.Fields(string(data)), dir, code
}

var pipelineSources = []string{"push", "merge_request_event", "schedule", "web", "api", "trigger", "pipeline", "parent_pipeline"}

// TestFleetUpdateJob checks the platform-fleet-update job: only in the fleet
// project (fleet-group set), only in scheduled or Run pipeline pipelines,
// fleet-parallel jobs that each run their own --shard of the group and keep
// its JSON.
func TestFleetUpdateJob(t *testing.T) {
	inputs, _ := readComponent(t)
	if in := inputs["fleet-parallel"]; in.Type != "number" || in.Default != 4 {
		t.Errorf("fleet-parallel: type %q, default %v; want a number, default 4", in.Type, in.Default)
	}
	if in := inputs["fleet-group"]; in.Default != "" {
		t.Errorf("fleet-group: default %v; want empty (no job)", in.Default)
	}

	// A service including the component with its defaults never gets the job.
	off := interpolate(t, nil)["platform-fleet-update"]
	for _, src := range pipelineSources {
		if added(t, off, map[string]string{"CI_PIPELINE_SOURCE": src}) {
			t.Errorf("without fleet-group, a %s pipeline has platform-fleet-update", src)
		}
	}

	doc := interpolate(t, map[string]any{"fleet-group": "acme/services", "fleet-parallel": 6})
	j, ok := doc["platform-fleet-update"]
	if !ok {
		t.Fatal("the component has no platform-fleet-update job")
	}
	for _, src := range pipelineSources {
		want := src == "schedule" || src == "web"
		if got := added(t, j, map[string]string{"CI_PIPELINE_SOURCE": src}); got != want {
			t.Errorf("a %s pipeline: job added = %v, want %v", src, got, want)
		}
	}
	if j.Parallel != 6 {
		t.Errorf("parallel: %v (%T); want fleet-parallel, the number 6", j.Parallel, j.Parallel)
	}
	if !j.Interruptible {
		t.Error("platform-fleet-update is not interruptible")
	}
	if j.Artifacts.When != "always" {
		t.Errorf("artifacts:when %q; want always, to keep the JSON of a failed run", j.Artifacts.When)
	}
	script := strings.Join(j.Script, "\n")
	if !regexp.MustCompile(`--shard "?\$\{?CI_NODE_INDEX[^/\s]*/\$\{?CI_NODE_TOTAL`).MatchString(script) {
		t.Errorf("the script does not pass --shard $CI_NODE_INDEX/$CI_NODE_TOTAL:\n%s", script)
	}

	// The script, run by a shell as shard 2 of 6 with a fake platform.
	args, dir, code := runScript(t, j, map[string]string{"CI_NODE_INDEX": "2", "CI_NODE_TOTAL": "6"}, 0)
	want := []string{"fleet", "update", "--group", "acme/services", "--shard", "2/6", "--yes", "--json"}
	if !slices.Equal(args, want) || code != 0 {
		t.Errorf("shard 2/6 ran platform %q, exit %d; want %q, exit 0", args, code, want)
	}
	out := filepath.Join(dir, "fleet-2.json")
	if data, err := os.ReadFile(out); err != nil || strings.TrimSpace(string(data)) != "[]" {
		t.Errorf("fleet-2.json: %q, %v; want the --json output", data, err)
	}
	kept := false
	for _, p := range j.Artifacts.Paths {
		if m, _ := filepath.Match(p, "fleet-2.json"); m {
			kept = true
		}
	}
	if !kept {
		t.Errorf("artifacts:paths %v do not keep fleet-2.json", j.Artifacts.Paths)
	}

	// Every optional input, a dry run asked for by a pipeline variable, and a
	// failed project: exit 3 fails the job, and the JSON is there to keep.
	j = interpolate(t, map[string]any{"fleet-group": "acme", "fleet-template": "go-service", "fleet-to": "1.4.0"})["platform-fleet-update"]
	args, dir, code = runScript(t, j, map[string]string{"CI_NODE_INDEX": "4", "CI_NODE_TOTAL": "4", "PLATFORM_FLEET_DRY_RUN": "true"}, 3)
	want = []string{"fleet", "update", "--group", "acme", "--template", "go-service", "--to", "1.4.0", "--dry-run", "--shard", "4/4", "--yes", "--json"}
	if !slices.Equal(args, want) || code != 3 {
		t.Errorf("dry run ran platform %q, exit %d; want %q, exit 3", args, code, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "fleet-4.json")); err != nil {
		t.Errorf("a failed run left no JSON: %v", err)
	}
}

// TestUpdateCheckJob checks the platform-update-check job: added only with
// update-check: true, and a service behind its template (exit 1) is a
// warning, not a failed pipeline.
func TestUpdateCheckJob(t *testing.T) {
	inputs, _ := readComponent(t)
	if in := inputs["update-check"]; in.Type != "boolean" || in.Default != false {
		t.Errorf("update-check: type %q, default %v; want a boolean, default false", in.Type, in.Default)
	}
	for _, on := range []bool{false, true} {
		j, ok := interpolate(t, map[string]any{"update-check": on})["platform-update-check"]
		if !ok {
			t.Fatal("the component has no platform-update-check job")
		}
		for _, src := range pipelineSources {
			if got := added(t, j, map[string]string{"CI_PIPELINE_SOURCE": src}); got != on {
				t.Errorf("update-check: %v, a %s pipeline: job added = %v", on, src, got)
			}
		}
		if !on {
			continue
		}
		if !slices.Equal(j.AllowFailure.ExitCodes, []int{1}) {
			t.Errorf("allow_failure:exit_codes %v; want [1]: behind is a warning, any other failure fails", j.AllowFailure.ExitCodes)
		}
		if !j.Interruptible {
			t.Error("platform-update-check is not interruptible")
		}
		args, _, code := runScript(t, j, nil, 1)
		if want := []string{"update", "--check", "--json"}; !slices.Equal(args, want) || code != 1 {
			t.Errorf("ran platform %q, exit %d; want %q, exit 1", args, code, want)
		}
	}
}
