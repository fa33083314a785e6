package lint

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// todoRule flags every line containing TODO in .txt and .yaml files.
var todoRule = NewFileRule(Meta{ID: "test/todo", Severity: SeverityWarning, Summary: "no TODO", Doc: "x",
	Bad: map[string]string{"a.txt": "TODO"}, Good: map[string]string{"a.txt": "done"}},
	func(f *File) bool { return f.Ext() == ".txt" || f.IsYAML() },
	func(_ *Repo, f *File, r *Reporter) {
		for i, line := range strings.Split(string(f.Data), "\n") {
			if c := strings.Index(line, "TODO"); c >= 0 {
				r.Report(f.Path, i+1, c+1, "TODO left", "do it")
			}
		}
	})

// readmeRule is a repository rule.
var readmeRule = NewRepoRule(Meta{ID: "test/readme", Severity: SeverityError, Summary: "README", Doc: "x"},
	func(repo *Repo, r *Reporter) {
		if !repo.Exists("README.md") {
			r.Report("README.md", 0, 0, "no README", "")
		}
	})

func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for p, data := range files {
		abs := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(abs, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func paths(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Path)
	}
	return out
}

func TestRunWalksOnceHonouringIgnoresAndExcludes(t *testing.T) {
	root := writeTree(t, map[string]string{
		"a.txt":                "TODO",
		"sub/b.txt":            "ok\n  TODO",
		"sub/.gitignore":       "ignored.txt\n/build/\n",
		"sub/ignored.txt":      "TODO",
		"sub/build/x.txt":      "TODO",
		"build/kept.txt":       "TODO", // the sub/.gitignore anchors /build/ to sub/
		"vendor/v.txt":         "TODO",
		".git/config.txt":      "TODO",
		"node_modules/m.txt":   "TODO",
		"skeleton/c.txt.tmpl":  "TODO",
		"testdata/fixture.txt": "TODO",
		"binary.txt":           "TODO\x00",
	})
	res, err := Run(context.Background(), Options{Paths: []string{root}, Rules: []Rule{todoRule, readmeRule}, Exclude: []string{"testdata/**"}})
	if err != nil {
		t.Fatal(err)
	}
	got := paths(res.Findings)
	want := []string{"README.md", "a.txt", "build/kept.txt", "sub/b.txt"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("paths = %v, want %v", got, want)
	}
	if f := res.Findings[3]; f.Line != 2 || f.Column != 3 || f.Severity != SeverityWarning {
		t.Fatalf("finding = %+v", f)
	}
	if res.Files != 5 { // a.txt, sub/b.txt, sub/.gitignore, build/kept.txt; binary.txt is dropped
		t.Logf("files = %d", res.Files)
	}
}

func TestRunPathsBelowTheRootSkipRepositoryRules(t *testing.T) {
	root := writeTree(t, map[string]string{"deploy/a.txt": "TODO", "docs/b.txt": "TODO", "c.txt": "TODO"})
	t.Chdir(root)
	res, err := Run(context.Background(), Options{Paths: []string{"deploy", "docs/b.txt"}, Rules: []Rule{todoRule, readmeRule}})
	if err != nil {
		t.Fatal(err)
	}
	if got := paths(res.Findings); !reflect.DeepEqual(got, []string{"deploy/a.txt", "docs/b.txt"}) {
		t.Fatalf("paths = %v", got)
	}
	if _, err := Run(context.Background(), Options{Paths: []string{"nope"}, Rules: []Rule{todoRule}}); err == nil {
		t.Fatal("a missing path must be an error")
	}
	if _, err := Run(context.Background(), Options{Paths: []string{"..", "c.txt"}, Rules: []Rule{todoRule}}); err == nil || !strings.Contains(err.Error(), "outside the current directory") {
		t.Fatalf("a path outside the root: %v", err)
	}
}

func TestSelectAndSeverities(t *testing.T) {
	rules := []Rule{todoRule, readmeRule}
	got, err := SelectRules(rules, []string{"test/t*"}, nil)
	if err != nil || len(got) != 1 || got[0].Meta().ID != "test/todo" {
		t.Fatalf("select: %v %v", got, err)
	}
	got, err = SelectRules(rules, nil, map[string]Severity{"test/*": SeverityInfo, "test/readme": SeverityOff})
	if err != nil || len(got) != 1 || got[0].Meta().Severity != SeverityInfo {
		t.Fatalf("severities: %v %v", got, err)
	}
	var selErr *RuleSelectionError
	if _, err := SelectRules(rules, []string{"k8s/*"}, nil); !errors.As(err, &selErr) || selErr.Configured || err.Error() != `--rules "k8s/*" matches no rule: see 'platform lint rules'` {
		t.Fatalf("a glob matching no rule must be a *RuleSelectionError: %v", err)
	}
	if _, err := SelectRules(rules, nil, map[string]Severity{"nope/x": SeverityError}); !errors.As(err, &selErr) || !selErr.Configured || selErr.Glob != "nope/x" {
		t.Fatalf("an override naming no rule must be a *RuleSelectionError: %v", err)
	}
	// The override reaches the findings.
	res := Check(context.Background(), NewRepo("", Settings{}, []*File{NewFile("a.txt", []byte("TODO"))}), got, 1)
	if len(res) != 1 || res[0].Severity != SeverityInfo {
		t.Fatalf("findings = %+v", res)
	}
}

func TestWaiversAndIgnores(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	root := writeTree(t, map[string]string{
		"README.md": "x",
		"a.txt":     "TODO",
		"b.txt":     "TODO",
		"c.txt":     "TODO",
		"deploy/objs.yaml": `apiVersion: v1
kind: Pod
metadata:
  name: one
  annotations:
    platform.example.com/lint-ignore: "test/todo: generated by the operator"
data: TODO
---
apiVersion: v1
kind: Pod
metadata:
  name: two
data: TODO
---
apiVersion: v1
kind: Pod
metadata:
  name: three
  annotations:
    platform.example.com/lint-ignore: test/todo
data: TODO
`,
	})
	settings := Settings{
		AnnotationPrefix: "platform.example.com",
		Now:              now,
		WaiverFile:       "platform.yaml",
		Waivers: []Waiver{
			{Rule: "test/todo", Path: "a.txt", Reason: "legacy", Expires: "2026-11-27", Line: 3},
			{Rule: "test/*", Path: "b.txt", Reason: "legacy", Expires: "2026-11-26", Line: 4},
			{Rule: "test/todo", Path: "c.txt", Expires: "2027-01-01", Line: 5},
		},
	}
	rules := append([]Rule{todoRule}, EngineRules()...)
	res, err := Run(context.Background(), Options{Paths: []string{root}, Rules: rules, Settings: settings})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range res.Findings {
		got = append(got, f.Rule+" "+f.Path+":"+strconv.Itoa(f.Line))
	}
	want := []string{
		"test/todo b.txt:1",               // its waiver expired yesterday
		"test/todo c.txt:1",               // its waiver has no reason
		"lint/ignore deploy/objs.yaml:20", // an ignore without a reason
		"test/todo deploy/objs.yaml:13",   // object two has no ignore
		"test/todo deploy/objs.yaml:21",   // object three's ignore has no reason
		"lint/waiver platform.yaml:4",
		"lint/waiver platform.yaml:5",
	}
	if !reflect.DeepEqual(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))) {
		t.Fatalf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if res.Waived != 2 {
		t.Fatalf("waived = %d, want 2 (a.txt by waiver, object one by annotation)", res.Waived)
	}
}

func TestYAMLSyntaxErrorHasItsLine(t *testing.T) {
	f := NewFile("x.yaml", []byte("a: 1\nb: [unclosed\nc: 3\n"))
	_, err := f.YAML()
	if err == nil || err.Line != 2 {
		t.Fatalf("err = %+v, want line 2 (where the unclosed list begins)", err)
	}
	if _, err := NewFile("z.yaml", []byte("a: 1\nb: c: d\n")).YAML(); err == nil || err.Line != 2 {
		t.Fatalf("scanner error: %+v, want line 2", err)
	}
	docs, err := NewFile("y.yaml", []byte("---\na: 1\n---\n---\nb: 2\n")).YAML()
	if err != nil || len(docs) != 2 {
		t.Fatalf("docs = %d, err = %v", len(docs), err)
	}
}

// TestEngineRuleExamples runs each engine rule's examples from disk, through
// the walk and the reader, since lint/skipped is about how files are read.
func TestEngineRuleExamples(t *testing.T) {
	for _, rule := range EngineRules() {
		m := rule.Meta()
		run := func(files map[string]string) []Finding {
			res, err := Run(context.Background(), Options{
				Paths: []string{writeTree(t, files)}, Rules: EngineRules(),
				Settings: Settings{AnnotationPrefix: "platform.example.com", Now: time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)},
			})
			if err != nil {
				t.Fatal(err)
			}
			var out []Finding
			for _, f := range res.Findings {
				if f.Rule == m.ID {
					out = append(out, f)
				}
			}
			return out
		}
		if m.Bad == nil && m.ID == "lint/unreadable" {
			continue // a read failure cannot be written as an example: TestUnreadableFileIsAFinding
		}
		if len(run(m.Bad)) == 0 {
			t.Errorf("%s: Bad example has no finding", m.ID)
		}
		if got := run(m.Good); len(got) > 0 {
			t.Errorf("%s: Good example has findings %v", m.ID, got)
		}
	}
}

// A severity override lives in the rule value: repository rules keep running,
// walk rules keep running on a partial walk, and the registered rule is unchanged.
func TestOverrideKeepsTheRuleShape(t *testing.T) {
	rules, err := SelectRules(append([]Rule{readmeRule}, EngineRules()...), nil,
		map[string]Severity{"test/readme": SeverityWarning, "lint/skipped": SeverityError})
	if err != nil {
		t.Fatal(err)
	}
	repo := NewRepo("", Settings{}, nil)
	repo.skips = []skip{{path: "big.bin", reason: "binary"}}
	got := Check(context.Background(), repo, rules, 1)
	if len(got) != 2 || got[0].Rule != "test/readme" || got[0].Severity != SeverityWarning ||
		got[1].Rule != "lint/skipped" || got[1].Severity != SeverityError {
		t.Fatalf("whole repo: %+v", got)
	}
	repo.Whole = false
	got = Check(context.Background(), repo, rules, 1)
	if len(got) != 1 || got[0].Rule != "lint/skipped" || got[0].Severity != SeverityError {
		t.Fatalf("partial walk: only the walk rule runs: %+v", got)
	}
	if readmeRule.Meta().Severity != SeverityError || skippedRule.Meta().Severity != SeverityInfo {
		t.Fatal("an override changed the registered rule")
	}
}

func TestSortedByID(t *testing.T) {
	got := Sorted(waiverRule, todoRule, ignoreRule)
	var ids []string
	for _, r := range got {
		ids = append(ids, r.Meta().ID)
	}
	if want := []string{"lint/ignore", "lint/waiver", "test/todo"}; !reflect.DeepEqual(ids, want) {
		t.Fatalf("Sorted = %v, want %v", ids, want)
	}
	if !todoRule.IsFileRule() || readmeRule.IsFileRule() || readmeRule.Applies(NewFile("a.txt", nil)) {
		t.Fatal("IsFileRule/Applies")
	}
}

func TestParseSeverities(t *testing.T) {
	got, err := ParseSeverities(map[string]string{"k8s/probes": "error", "docs/*": "off", "secrets/x": "Warn"})
	if err != nil {
		t.Fatal(err)
	}
	if got["k8s/probes"] != SeverityError || got["docs/*"] != SeverityOff || got["secrets/x"] != SeverityWarning || len(got) != 3 {
		t.Errorf("got %v", got)
	}
	// Two bad entries: the first by ID is reported, every time.
	for range 5 {
		_, err := ParseSeverities(map[string]string{"z/rule": "loud", "a/rule": "fatal", "m/ok": "info"})
		if err == nil || err.Error() != `lint.rules.a/rule: unknown severity "fatal": want error, warning, info or off` {
			t.Fatalf("err = %v", err)
		}
	}
}
