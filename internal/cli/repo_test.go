package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/platform-team/platform/internal/catalog"
)

// TestRepositoryIsAGoldenPathCitizen holds this repository to what it asks of
// services: a valid catalog-info.yaml, a TechDocs nav whose pages exist, and
// relative links in the docs that resolve.
func TestRepositoryIsAGoldenPathCitizen(t *testing.T) {
	repo := filepath.Join("..", "..")
	data, err := os.ReadFile(filepath.Join(repo, "catalog-info.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range catalog.Validate(data) {
		t.Errorf("catalog-info.yaml: %s", p)
	}

	data, err = os.ReadFile(filepath.Join(repo, "mkdocs.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var mkdocs struct {
		Nav []map[string]string `yaml:"nav"`
	}
	if err := yaml.Unmarshal(data, &mkdocs); err != nil {
		t.Fatal(err)
	}
	if len(mkdocs.Nav) == 0 {
		t.Fatal("mkdocs.yml has no nav")
	}
	for _, entry := range mkdocs.Nav {
		for title, page := range entry {
			if _, err := os.Stat(filepath.Join(repo, "docs", page)); err != nil {
				t.Errorf("mkdocs.yml nav %q: %v", title, err)
			}
		}
	}

	link := regexp.MustCompile(`\]\(([^)#\s]+)(#[^)]*)?\)`)
	files, _ := filepath.Glob(filepath.Join(repo, "docs", "*.md"))
	files = append(files, filepath.Join(repo, "README.md"))
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range link.FindAllStringSubmatch(string(data), -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			if _, err := os.Stat(filepath.Join(filepath.Dir(file), target)); err != nil {
				t.Errorf("%s links to %s, which does not exist", file, target)
			}
		}
	}
}
