package templates_test

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"

	"github.com/platform-team/platform/templates"
)

// manifest is the part of template.yaml these structural checks read; the
// scaffold package owns the full model.
type manifest struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Metadata   struct {
		Name        string   `yaml:"name"`
		Title       string   `yaml:"title"`
		Description string   `yaml:"description"`
		Tags        []string `yaml:"tags"`
	} `yaml:"metadata"`
	Spec struct {
		Path       string `yaml:"path"`
		Version    string `yaml:"version"`
		Tradeoffs  string `yaml:"tradeoffs"`
		Parameters []page `yaml:"parameters"`
		Catalog    struct {
			Type      string `yaml:"type"`
			Resources []struct {
				Name string `yaml:"name"`
				Type string `yaml:"type"`
				If   string `yaml:"if"`
			} `yaml:"resources"`
		} `yaml:"catalog"`
		Conditions []struct {
			Paths []string `yaml:"paths"`
			If    string   `yaml:"if"`
		} `yaml:"conditions"`
	} `yaml:"spec"`
}

type page struct {
	Title      string    `yaml:"title"`
	Required   []string  `yaml:"required"`
	Properties yaml.Node `yaml:"properties"` // a node, to keep the order of the questions
}

type property struct {
	Type        string `yaml:"type"`
	Title       string `yaml:"title"`
	Description string `yaml:"description"`
	Default     any    `yaml:"default"`
	Enum        []any  `yaml:"enum"`
	Pattern     string `yaml:"pattern"`
	MinLength   *int   `yaml:"minLength"`
	MaxLength   *int   `yaml:"maxLength"`
	Minimum     *int   `yaml:"minimum"`
	Maximum     *int   `yaml:"maximum"`
	Items       *struct {
		Type string   `yaml:"type"`
		Enum []string `yaml:"enum"`
	} `yaml:"items"`
}

// wantParameters is the contract of each shipped template: the parameters,
// in the order the wizard asks for them.
var wantParameters = map[string][]string{
	"go-service":        {"name", "owner", "description", "system", "lifecycle", "port", "registry", "database"},
	"container-service": {"name", "owner", "description", "system", "lifecycle", "port", "registry"},
	"cronjob":           {"name", "owner", "description", "system", "lifecycle", "schedule", "registry", "concurrencyPolicy"},
}

var wantPath = map[string]string{
	"go-service":        "golden",
	"container-service": "silver",
	"cronjob":           "silver",
}

// wantFiles must exist in every skeleton, with or without the .tmpl suffix.
var wantFiles = []string{
	"README.md",
	"Dockerfile",
	".dockerignore",
	".gitignore",
	".gitlab-ci.yml",
	"platform.yaml",
	"mkdocs.yml",
	"docs/index.md",
	"docs/runbook.md",
	"deploy/base/kustomization.yaml",
	"deploy/overlays/preview/kustomization.yaml",
	"deploy/overlays/staging/kustomization.yaml",
	"deploy/overlays/production/kustomization.yaml",
}

var semver = regexp.MustCompile(`^\d+\.\d+\.\d+$`)

func templateNames(t *testing.T) []string {
	t.Helper()
	entries, err := fs.ReadDir(templates.FS, ".")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	return names
}

func TestShippedTemplates(t *testing.T) {
	got := templateNames(t)
	for name := range wantParameters {
		if !slices.Contains(got, name) {
			t.Errorf("template %s is not embedded (embedded: %v)", name, got)
		}
	}
}

func TestManifests(t *testing.T) {
	for _, name := range templateNames(t) {
		t.Run(name, func(t *testing.T) {
			raw, err := fs.ReadFile(templates.FS, name+"/template.yaml")
			if err != nil {
				t.Fatal(err)
			}
			var m manifest
			if err := yaml.Unmarshal(raw, &m); err != nil {
				t.Fatalf("template.yaml: %v", err)
			}
			if m.APIVersion != "platform/v1alpha1" || m.Kind != "Template" {
				t.Errorf("apiVersion/kind = %s/%s, want platform/v1alpha1/Template", m.APIVersion, m.Kind)
			}
			if m.Metadata.Name != name {
				t.Errorf("metadata.name = %q, want the directory name %q", m.Metadata.Name, name)
			}
			if m.Metadata.Title == "" || m.Metadata.Description == "" {
				t.Error("metadata.title and metadata.description are required")
			}
			if !semver.MatchString(m.Spec.Version) {
				t.Errorf("spec.version = %q, want MAJOR.MINOR.PATCH", m.Spec.Version)
			}
			switch m.Spec.Path {
			case "golden":
			case "silver":
				if strings.TrimSpace(m.Spec.Tradeoffs) == "" {
					t.Error("a silver template needs spec.tradeoffs")
				}
			default:
				t.Errorf("spec.path = %q, want golden or silver", m.Spec.Path)
			}
			if want, ok := wantPath[name]; ok && m.Spec.Path != want {
				t.Errorf("spec.path = %q, want %q", m.Spec.Path, want)
			}
			if m.Spec.Catalog.Type == "" {
				t.Error("spec.catalog.type is required")
			}
			for _, r := range m.Spec.Catalog.Resources {
				if r.Name == "" || r.Type == "" {
					t.Errorf("catalog resource %+v needs a name and a type", r)
				}
			}

			order := checkParameters(t, m.Spec.Parameters)
			if want, ok := wantParameters[name]; ok && !slices.Equal(order, want) {
				t.Errorf("parameters = %v, want %v", order, want)
			}

			outputs := outputPaths(t, name)
			for _, c := range m.Spec.Conditions {
				if c.If == "" {
					t.Errorf("condition %v has no if", c.Paths)
				}
				for _, glob := range c.Paths {
					if !slices.ContainsFunc(outputs, func(p string) bool { return matchGlob(glob, p) }) {
						t.Errorf("condition path %q matches no skeleton file", glob)
					}
				}
			}
		})
	}
}

// checkParameters validates each property and its default, and returns the
// parameter names in order.
func checkParameters(t *testing.T, pages []page) []string {
	t.Helper()
	if len(pages) == 0 {
		t.Fatal("spec.parameters is empty")
	}
	if !slices.Contains(pages[0].Required, "name") || !slices.Contains(pages[0].Required, "owner") {
		t.Errorf("the first page must require name and owner, requires %v", pages[0].Required)
	}
	var order []string
	for _, pg := range pages {
		if pg.Title == "" {
			t.Error("every parameter page needs a title")
		}
		if pg.Properties.Kind != yaml.MappingNode {
			t.Errorf("page %q: properties must be a mapping", pg.Title)
			continue
		}
		var names []string
		for i := 0; i+1 < len(pg.Properties.Content); i += 2 {
			key := pg.Properties.Content[i].Value
			if slices.Contains(order, key) {
				t.Errorf("parameter %s is declared twice", key)
			}
			names = append(names, key)
			order = append(order, key)
			var p property
			if err := pg.Properties.Content[i+1].Decode(&p); err != nil {
				t.Errorf("parameter %s: %v", key, err)
				continue
			}
			if err := checkProperty(p); err != nil {
				t.Errorf("parameter %s: %v", key, err)
			}
		}
		for _, r := range pg.Required {
			if !slices.Contains(names, r) {
				t.Errorf("page %q requires %s, which it does not declare", pg.Title, r)
			}
		}
	}
	return order
}

func checkProperty(p property) error {
	var re *regexp.Regexp
	if p.Pattern != "" {
		var err error
		if re, err = regexp.Compile(p.Pattern); err != nil {
			return fmt.Errorf("pattern: %w", err)
		}
	}
	switch p.Type {
	case "string", "integer", "boolean":
	case "array":
		if p.Items == nil || p.Items.Type != "string" {
			return fmt.Errorf("array items must be {type: string}")
		}
	default:
		return fmt.Errorf("unsupported type %q", p.Type)
	}
	if p.Default == nil {
		return nil
	}
	if len(p.Enum) > 0 && !slices.Contains(p.Enum, p.Default) {
		return fmt.Errorf("default %v is not in enum %v", p.Default, p.Enum)
	}
	switch p.Type {
	case "string":
		s, ok := p.Default.(string)
		if !ok {
			return fmt.Errorf("default %v is not a string", p.Default)
		}
		if re != nil && !re.MatchString(s) {
			return fmt.Errorf("default %q does not match pattern %s", s, p.Pattern)
		}
		if p.MinLength != nil && len(s) < *p.MinLength && s != "" {
			return fmt.Errorf("default %q is shorter than minLength", s)
		}
		if p.MaxLength != nil && len(s) > *p.MaxLength {
			return fmt.Errorf("default %q is longer than maxLength", s)
		}
	case "integer":
		n, ok := p.Default.(int)
		if !ok {
			return fmt.Errorf("default %v is not an integer", p.Default)
		}
		if (p.Minimum != nil && n < *p.Minimum) || (p.Maximum != nil && n > *p.Maximum) {
			return fmt.Errorf("default %d is outside [minimum, maximum]", n)
		}
	case "boolean":
		if _, ok := p.Default.(bool); !ok {
			return fmt.Errorf("default %v is not a boolean", p.Default)
		}
	}
	return nil
}

// outputPaths lists a skeleton's files as they are written, .tmpl dropped.
func outputPaths(t *testing.T, name string) []string {
	t.Helper()
	root := name + "/skeleton"
	var out []string
	err := fs.WalkDir(templates.FS, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		out = append(out, strings.TrimSuffix(strings.TrimPrefix(p, root+"/"), ".tmpl"))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// matchGlob matches slash-separated paths, with ** standing for any number
// of segments.
func matchGlob(glob, p string) bool {
	return matchSegments(strings.Split(glob, "/"), strings.Split(p, "/"))
}

func matchSegments(glob, p []string) bool {
	if len(glob) == 0 {
		return len(p) == 0
	}
	if glob[0] == "**" {
		for i := 0; i <= len(p); i++ {
			if matchSegments(glob[1:], p[i:]) {
				return true
			}
		}
		return false
	}
	if len(p) == 0 {
		return false
	}
	ok, err := path.Match(glob[0], p[0])
	return err == nil && ok && matchSegments(glob[1:], p[1:])
}

func TestSkeletons(t *testing.T) {
	for _, name := range templateNames(t) {
		t.Run(name, func(t *testing.T) {
			outputs := outputPaths(t, name)
			for _, want := range wantFiles {
				if !slices.Contains(outputs, want) {
					t.Errorf("skeleton lacks %s (or %s.tmpl)", want, want)
				}
			}

			root := name + "/skeleton"
			err := fs.WalkDir(templates.FS, root, func(p string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				rel := strings.TrimPrefix(p, root+"/")
				base := path.Base(rel)
				out := strings.TrimSuffix(base, ".tmpl")
				if out == "catalog-info.yaml" || out == "catalog-info.yml" {
					t.Errorf("%s: the engine writes catalog-info.yaml; a template must not", rel)
				}
				// Our own go vet and go build would compile a skeleton's Go
				// files, and go:embed skips a directory holding a go.mod.
				if strings.HasSuffix(base, ".go") || (strings.Contains(base, ".go.") && !strings.HasSuffix(base, ".go.tmpl")) {
					t.Errorf("%s: Go source in a skeleton must end in .go.tmpl", rel)
				}
				if base == "go.mod" || base == "go.work" {
					t.Errorf("%s: must be named %s.tmpl", rel, base)
				}
				data, err := fs.ReadFile(templates.FS, p)
				if err != nil {
					return err
				}
				for _, marker := range []string{"TODO", "FIXME"} {
					if strings.Contains(string(data), marker) {
						t.Errorf("%s: contains %s; generated code must be complete", rel, marker)
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestSkeletonsOnDisk checks what go:embed would silently drop or refuse:
// symlinks, and empty directories that git does not keep.
func TestSkeletonsOnDisk(t *testing.T) {
	for _, name := range templateNames(t) {
		t.Run(name, func(t *testing.T) {
			root := filepath.Join(name, "skeleton")
			err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				if d.Type()&fs.ModeSymlink != 0 {
					t.Errorf("%s: skeletons must not contain symlinks", p)
					return nil
				}
				if d.IsDir() {
					entries, err := os.ReadDir(p)
					if err != nil {
						return err
					}
					if len(entries) == 0 {
						t.Errorf("%s: empty directory (git does not keep it)", p)
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}
