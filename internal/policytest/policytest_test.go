package policytest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// write makes the files of a test tree below a temporary directory.
func write(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const policy = `package main

deny contains msg if {
	endswith(input.image, ":latest")
	msg := "latest"
}
`

func TestRunPassFailSkipInOrder(t *testing.T) {
	dir := write(t, map[string]string{
		"b/policy.rego": policy,
		"b/policy_test.rego": `package main

test_latest_denied if deny["latest"] with input as {"image": "x:latest"}

test_wrong if {
	print("deny is", deny)
	count(deny) == 1
}

todo_test_later if false
`,
		"a/other_test.rego": `package other

test_true if true
`,
	})
	report, err := Run(context.Background(), Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range report.Results {
		rel, _ := filepath.Rel(dir, r.File)
		got = append(got, strings.Join([]string{rel, r.Package, r.Name}, " "))
	}
	want := []string{"a/other_test.rego data.other test_true", "b/policy_test.rego data.main test_latest_denied", "b/policy_test.rego data.main test_wrong", "b/policy_test.rego data.main todo_test_later"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("results in order:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	r := report.Results
	if !r[0].Pass || !r[1].Pass || r[2].Pass || r[3].Pass || !r[3].Skipped {
		t.Errorf("outcomes %+v", r)
	}
	if r[1].Line != 3 || r[2].Line != 5 {
		t.Errorf("lines %d, %d", r[1].Line, r[2].Line)
	}
	if r[2].Output != "deny is set()" || r[1].Output != "" {
		t.Errorf("printed output %q (kept only for failures), %q", r[2].Output, r[1].Output)
	}
	if p, f, s := report.Counts(); p != 2 || f != 1 || s != 1 {
		t.Errorf("counts %d %d %d", p, f, s)
	}
}

func TestRunCompileErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		files  map[string]string
		v0     bool
		want   []string
		v0Hint bool
	}{
		{
			name:  "parse error",
			files: map[string]string{"p.rego": "package main\n\ndeny contains msg if {\n\tmsg := [1,\n}\n"},
			want:  []string{"p.rego:5: unexpected } token"},
		},
		{
			name:  "undefined function",
			files: map[string]string{"p.rego": "package main\n\ndeny contains msg if {\n\tnope(input)\n\tmsg := 1\n}\n"},
			want:  []string{"p.rego:4: undefined function nope"},
		},
		{
			name:   "v0 syntax read as v1",
			files:  map[string]string{"p.rego": "package main\n\ndeny[msg] {\n\tmsg := 1\n}\n"},
			want:   []string{"p.rego:3: `if` keyword is required before rule body"},
			v0Hint: true,
		},
		{
			name:  "v1 syntax read as v0",
			files: map[string]string{"p.rego": "package main\n\ndeny contains msg if {\n\tmsg := 1\n}\n"},
			v0:    true,
			want:  []string{"p.rego:3: "},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := write(t, tc.files)
			_, err := Run(context.Background(), Options{Dir: dir, RegoV0: tc.v0})
			var ce *CompileError
			if !errors.As(err, &ce) {
				t.Fatalf("error %v (%T), want a CompileError", err, err)
			}
			msg := strings.ReplaceAll(err.Error(), dir+string(filepath.Separator), "")
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error:\n%s\nwant %q", msg, w)
				}
			}
			if ce.RegoV0Hint != tc.v0Hint || strings.Contains(msg, "--rego-v0") != tc.v0Hint {
				t.Errorf("v0 hint %v in:\n%s", ce.RegoV0Hint, msg)
			}
			if ce.Problems[0].Line == 0 || ce.Problems[0].File == "" {
				t.Errorf("problem without a place: %+v", ce.Problems[0])
			}
		})
	}
}

func TestRunRegoV0(t *testing.T) {
	dir := write(t, map[string]string{
		"p.rego":      "package main\n\ndeny[msg] {\n\tendswith(input.image, \":latest\")\n\tmsg := \"latest\"\n}\n",
		"p_test.rego": "package main\n\ntest_denied {\n\tdeny[\"latest\"] with input as {\"image\": \"x:latest\"}\n}\n",
	})
	report, err := Run(context.Background(), Options{Dir: dir, RegoV0: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(report.Results) != 1 || !report.Results[0].Pass {
		t.Errorf("results %+v", report.Results)
	}
}

// Data documents load as conftest's --data: every file's keys at data's
// root, whichever its subdirectory; only YAML and JSON files.
func TestRunDataDocuments(t *testing.T) {
	dir := write(t, map[string]string{
		"policies/p.rego": "package main\n\nallowed contains r if some r in data.registries\n\nport := data.ports.http\n",
		"policies/p_test.rego": `package main

test_registries if allowed == {"registry.example.com"}

test_port if port == 8080
`,
		"data/registries.yaml":  "registries: [registry.example.com]\n",
		"data/deep/ports.json":  `{"ports": {"http": 8080}}`,
		"data/deep/notes.txt":   "not data",
		"data/.hidden/bad.yaml": "registries: [evil.example.com]\n",
	})
	report, err := Run(context.Background(), Options{Dir: filepath.Join(dir, "policies"), DataDirs: []string{filepath.Join(dir, "data")}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range report.Results {
		if !r.Pass {
			t.Errorf("%s failed: %+v", r.Name, r)
		}
	}

	// Without the data, both fail.
	report, err = Run(context.Background(), Options{Dir: filepath.Join(dir, "policies")})
	if err != nil {
		t.Fatal(err)
	}
	if _, failed, _ := report.Counts(); failed != 2 {
		t.Errorf("without data: %+v", report.Results)
	}
}

func TestRunDataDocumentError(t *testing.T) {
	dir := write(t, map[string]string{
		"policies/p_test.rego": "package main\n\ntest_true if true\n",
		"data/bad.yaml":        "registries: [\n",
	})
	_, err := Run(context.Background(), Options{Dir: filepath.Join(dir, "policies"), DataDirs: []string{filepath.Join(dir, "data")}})
	var ce *CompileError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "bad.yaml") {
		t.Fatalf("error %v (%T), want a CompileError naming bad.yaml", err, err)
	}
}

func TestRunMissingDirs(t *testing.T) {
	dir := write(t, map[string]string{"p_test.rego": "package main\n\ntest_true if true\n"})
	for _, opts := range []Options{
		{Dir: filepath.Join(dir, "nowhere")},
		{Dir: dir, DataDirs: []string{filepath.Join(dir, "nodata")}},
	} {
		_, err := Run(context.Background(), opts)
		var de *DirError
		if !errors.As(err, &de) || !strings.HasSuffix(err.Error(), ": no such file or directory") {
			t.Errorf("%+v: error %v (%T), want a DirError", opts, err, err)
		}
	}
}

func TestRunNoTests(t *testing.T) {
	dir := write(t, map[string]string{"p.rego": policy, "README.md": "# policies\n"})
	report, err := Run(context.Background(), Options{Dir: dir})
	if err != nil || len(report.Results) != 0 {
		t.Fatalf("report %+v, error %v", report, err)
	}
	empty := t.TempDir()
	report, err = Run(context.Background(), Options{Dir: empty})
	if err != nil || len(report.Results) != 0 {
		t.Fatalf("empty directory: report %+v, error %v", report, err)
	}
}

// A runaway test fails at the timeout; the generous bound only guards
// against the run hanging.
func TestRunTimeout(t *testing.T) {
	dir := write(t, map[string]string{
		"slow_test.rego": `package main

test_slow if {
	r := numbers.range(1, 5000)
	count({a | some a in r; some b in r; some c in r; a + b + c == -1}) == 0
}

test_fast if true
`,
	})
	done := make(chan struct{})
	var report *Report
	var err error
	go func() {
		defer close(done)
		report, err = Run(context.Background(), Options{Dir: dir, Timeout: time.Second})
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Minute):
		t.Fatal("the run did not stop at the per-test timeout")
	}
	if err != nil {
		t.Fatal(err)
	}
	slow := report.Results[0]
	if slow.Name != "test_slow" || slow.Pass || slow.Error != "timed out after 1s (raise it with PLATFORM_POLICY_TIMEOUT)" {
		t.Errorf("slow test %+v", slow)
	}
	if !report.Results[1].Pass {
		t.Errorf("the fast test failed: %+v", report.Results[1])
	}
}

// An evaluation error (a conflict in a complete rule) fails the test, with
// the error, instead of stopping the run.
func TestRunEvaluationError(t *testing.T) {
	dir := write(t, map[string]string{
		"p_test.rego": `package main

x := 1 if input.a
x := 2 if input.b

test_conflict if x == 1 with input as {"a": true, "b": true}

test_fine if true
`,
	})
	report, err := Run(context.Background(), Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	r := report.Results[0]
	if r.Name != "test_conflict" || r.Pass || !strings.Contains(r.Error, "conflict") {
		t.Errorf("conflict %+v", r)
	}
	if !report.Results[1].Pass {
		t.Errorf("the other test did not run: %+v", report.Results[1])
	}
}

func TestRunCancelled(t *testing.T) {
	dir := write(t, map[string]string{"p_test.rego": "package main\n\ntest_true if true\n"})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, Options{Dir: dir}); !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
}
