// Package ci_test checks the platform CI/CD component against itself and
// against the templates that include it. The component is YAML, not Go: this
// directory holds no package, only these tests.
package ci_test

import (
	"cmp"
	"os"
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
	for _, job := range []string{"platform-lint", "platform-promote"} {
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
