package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPolicyTestCmdOptions(t *testing.T) {
	f, out, _ := testFactory(t)
	var got *PolicyTestOptions
	cmd := newPolicyTestCmd(f, func(_ context.Context, o *PolicyTestOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"policies", "--policy-data", "data", "--policy-data", "more", "--rego-v0", "--json"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Dir != "policies" || strings.Join(got.DataDirs, ",") != "data,more" || !got.RegoV0 || !got.JSON {
		t.Errorf("options %+v", got)
	}
	if got.IO != f.IOStreams || got.Getenv == nil {
		t.Errorf("dependencies not set: %+v", got)
	}
	if out.Len() != 0 {
		t.Errorf("runF ran the command: %q", out)
	}

	cmd = newPolicyTestCmd(f, func(_ context.Context, o *PolicyTestOptions) error { got = o; return nil })
	cmd.SetArgs(nil)
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Dir != "." {
		t.Errorf("default DIR %q, want .", got.Dir)
	}
}

// runPolicyTest with hand-built options: the JSON keys are the documented
// ones, a bad PLATFORM_POLICY_TIMEOUT is a usage error.
func TestRunPolicyTest(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "p_test.rego"), []byte("package main\n\ntest_true if true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, out, _ := testFactory(t)
	opts := &PolicyTestOptions{IO: f.IOStreams, Getenv: func(string) string { return "" }, Dir: dir, JSON: true}
	if err := runPolicyTest(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	want := `[
  {
    "name": "test_true",
    "package": "data.main",
    "file": "` + filepath.Join(dir, "p_test.rego") + `",
    "line": 3,
    "pass": true
  }
]
`
	if out.String() != want {
		t.Errorf("JSON:\n%s\nwant:\n%s", out, want)
	}

	opts.Getenv = func(k string) string {
		if k == "PLATFORM_POLICY_TIMEOUT" {
			return "-1s"
		}
		return ""
	}
	if err := runPolicyTest(context.Background(), opts); exitCode(err, false) != ExitUsage || !strings.Contains(err.Error(), "PLATFORM_POLICY_TIMEOUT") {
		t.Errorf("bad timeout: %v", err)
	}
}
