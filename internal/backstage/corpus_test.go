package backstage

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

var update = flag.Bool("update", false, "rewrite the corpus' golden files (want/ and result.json)")

// corpusAnswers is a corpus entry's answers.yaml.
type corpusAnswers struct {
	// Template is the template's directory, relative to the entry.
	Template   string         `yaml:"template"`
	Parameters map[string]any `yaml:"parameters"`
	User       *struct {
		Ref    string         `yaml:"ref"`
		Entity map[string]any `yaml:"entity"`
	} `yaml:"user"`
}

// TestCorpus renders every template of testdata/corpus with its
// answers.yaml and compares the workspace with want/ byte for byte (and the
// executable bit), and the step log and output with result.json. Run with
// -update to rewrite them, then read the diff: the goldens must be what
// Backstage's scaffolder writes.
func TestCorpus(t *testing.T) {
	entries, err := os.ReadDir(filepath.Join("testdata", "corpus"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		t.Run(e.Name(), func(t *testing.T) {
			dir := filepath.Join("testdata", "corpus", e.Name())
			data, err := os.ReadFile(filepath.Join(dir, "answers.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			var ans corpusAnswers
			if err := yaml.Unmarshal(data, &ans); err != nil {
				t.Fatal(err)
			}
			tmpl, err := Load(context.Background(), filepath.Join(dir, ans.Template), LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var opts RunOptions
			if ans.User != nil {
				opts.User = &User{Ref: ans.User.Ref, Entity: ans.User.Entity}
			}
			res, err := Run(context.Background(), tmpl, ans.Parameters, opts)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string][]byte{}
			for _, f := range res.Plan.Files {
				name := f.Path
				if f.Mode&0o111 != 0 {
					name += " (executable)"
				}
				got[name] = f.Data
			}
			summary, err := json.MarshalIndent(struct {
				Steps   []StepLog      `json:"steps"`
				Output  map[string]any `json:"output,omitempty"`
				Publish *Publish       `json:"publish,omitempty"`
			}{res.Steps, res.Output, res.Publish}, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			summary = append(summary, '\n')
			wantDir := filepath.Join(dir, "want")
			if *update {
				if err := os.RemoveAll(wantDir); err != nil {
					t.Fatal(err)
				}
				for _, f := range res.Plan.Files {
					p := filepath.Join(wantDir, filepath.FromSlash(f.Path))
					if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(p, f.Data, f.Mode.Perm()); err != nil {
						t.Fatal(err)
					}
					if err := os.Chmod(p, f.Mode.Perm()); err != nil {
						t.Fatal(err)
					}
				}
				if err := os.WriteFile(filepath.Join(dir, "result.json"), summary, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want := map[string][]byte{}
			err = filepath.WalkDir(wantDir, func(p string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				info, err := d.Info()
				if err != nil {
					return err
				}
				data, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				rel, _ := filepath.Rel(wantDir, p)
				name := filepath.ToSlash(rel)
				if info.Mode()&0o111 != 0 {
					name += " (executable)"
				}
				want[name] = data
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			for name, w := range want {
				g, ok := got[name]
				switch {
				case !ok:
					t.Errorf("%s: missing", name)
				case !bytes.Equal(g, w):
					t.Errorf("%s: got\n%s\nwant\n%s", name, g, w)
				}
			}
			for name := range got {
				if _, ok := want[name]; !ok {
					t.Errorf("%s: not expected", name)
				}
			}
			wantSummary, err := os.ReadFile(filepath.Join(dir, "result.json"))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(summary, wantSummary) {
				t.Errorf("result.json: got\n%s\nwant\n%s", summary, strings.TrimSpace(string(wantSummary)))
			}
		})
	}
}
