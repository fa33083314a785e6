package cli

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/platform-team/platform/internal/config"
	"github.com/platform-team/platform/internal/iostreams"
)

// These tests check each command's first layer, as gh's TestNewCmdX do: the
// constructor parses flags into its options and sets their dependencies,
// and runF receives them without anything being run.

func TestVersionCmdOptions(t *testing.T) {
	f, out, _ := testFactory(t)
	var got *VersionOptions
	cmd := newVersionCmd(f, func(_ context.Context, o *VersionOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--json"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if !got.JSON || got.IO != f.IOStreams || got.Build != f.Build {
		t.Errorf("options %+v", got)
	}
	if out.Len() != 0 {
		t.Errorf("runF ran the command: %q", out)
	}
}

func TestLintRulesCmdOptions(t *testing.T) {
	f, out, _ := testFactory(t)
	var got *LintRulesOptions
	cmd := newLintRulesCmd(f, func(_ context.Context, o *LintRulesOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--json"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if !got.JSON || got.IO != f.IOStreams || len(got.Rules) != len(lintRules()) {
		t.Errorf("options %+v", got)
	}
	if out.Len() != 0 {
		t.Errorf("runF ran the command: %q", out)
	}
}

func TestLintCmdOptions(t *testing.T) {
	f, out, _ := testFactory(t)
	env := f.Getenv
	f.Getenv = func(k string) string {
		switch k {
		case "GITLAB_CI":
			return "true"
		case "PLATFORM_LINT_MAX_FILE_SIZE":
			return "16MiB"
		}
		return env(k)
	}
	dir := t.TempDir()
	var got *LintOptions
	// Under a parent, as in the tree: a root command with subcommands
	// (lint rules) would take PATH for an unknown subcommand.
	cmd := &cobra.Command{Use: "platform"}
	cmd.AddCommand(newLintCmd(f, func(_ context.Context, o *LintOptions) error { got = o; return nil }))
	cmd.SetArgs([]string{"lint", "--format", "json", "-o", "report.json", "-o", "junit=lint.xml", "--fail-on", "warning", "--rules", "k8s/*,docs/*", dir})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if len(got.Paths) != 1 || got.Paths[0] != dir || got.Format != "json" || len(got.Output) != 2 || got.Output[1] != "junit=lint.xml" ||
		got.FailOn != "warning" || len(got.Rules) != 2 || got.Rules[0] != "k8s/*" {
		t.Errorf("options %+v", got)
	}
	if got.IO != f.IOStreams || got.Now == nil || got.Config == nil || got.Version == "" || got.MaxFileSize != "16MiB" || !got.CI || !got.GitLabCI {
		t.Errorf("dependencies not set: %+v", got)
	}
	if out.Len() != 0 {
		t.Errorf("runF ran the command: %q", out)
	}
}

func TestTemplatesListAndShowCmdOptions(t *testing.T) {
	f, out, _ := testFactory(t)
	var list *TemplatesListOptions
	cmd := newTemplatesListCmd(f, func(_ context.Context, o *TemplatesListOptions) error { list = o; return nil })
	cmd.SetArgs([]string{"--json"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if !list.JSON || list.IO != f.IOStreams || list.Resolver == nil || list.Resolver.Embedded == nil || list.Resolver.CacheDir == "" {
		t.Errorf("list options %+v", list)
	}

	var show *TemplatesShowOptions
	cmd = newTemplatesShowCmd(f, func(_ context.Context, o *TemplatesShowOptions) error { show = o; return nil })
	cmd.SetArgs([]string{"./my-template"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if show.Template != "./my-template" || show.IO != f.IOStreams || show.Resolver == nil || show.Resolver.Clone == nil {
		t.Errorf("show options %+v", show)
	}
	if out.Len() != 0 {
		t.Errorf("runF ran the command: %q", out)
	}
}

func TestTemplatesLintCmdOptions(t *testing.T) {
	f, out, _ := testFactory(t)
	f.Config.AnnotationPrefix = "acme.example.com"
	var got *TemplatesLintOptions
	cmd := newTemplatesLintCmd(f, func(_ context.Context, o *TemplatesLintOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"./my-template", "--set", "name=orders", "--set", "team=payments"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Dir != "./my-template" || len(got.Sets) != 2 || got.Sets[1] != "team=payments" {
		t.Errorf("options %+v", got)
	}
	if got.IO != f.IOStreams || got.Getenv == nil || got.Version != "v0.0.0-test" || got.AnnotationPrefix != "acme.example.com" {
		t.Errorf("dependencies not set: %+v", got)
	}
	if out.Len() != 0 {
		t.Errorf("runF ran the command: %q", out)
	}
}

func TestDoctorCmdOptions(t *testing.T) {
	f, out, _ := testFactory(t)
	env := f.Getenv
	f.Getenv = func(k string) string {
		if k == "CI_JOB_TOKEN" {
			return "job-token"
		}
		return env(k)
	}
	var got *DoctorOptions
	cmd := newDoctorCmd(f, func(_ context.Context, o *DoctorOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"-p", "g/p", "--gitlab-url", "https://gitlab.example.com"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.GitLab.Project != "g/p" || got.Target.URL() != "https://gitlab.example.com" || got.Target.ProjectOrNone(".") != "g/p" {
		t.Errorf("options %+v", got)
	}
	if got.IO != f.IOStreams || got.Config == nil || got.TokenSource != "CI_JOB_TOKEN" || got.Connect == nil {
		t.Errorf("dependencies not set: %+v", got)
	}
	if out.Len() != 0 {
		t.Errorf("runF ran the command: %q", out)
	}
}

// TestRunDoctorWithHandBuiltOptions: runDoctor needs nothing but its
// options; a GitLab it cannot reach fails the gitlab and project checks.
func TestRunDoctorWithHandBuiltOptions(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	opts := &DoctorOptions{
		IO:          ios,
		Config:      &config.Config{AnnotationPrefix: "acme.example.com"},
		TokenSource: "GITLAB_TOKEN",
		Target:      config.GitLabTarget{URLFlag: "https://gitlab.example.com", ProjectFlag: "g/p"},
		Connect:     func(string) (*GitLab, error) { return nil, errors.New("PLATFORM_GITLAB_TIMEOUT: not a duration") },
	}
	var silent *SilentError
	if err := runDoctor(context.Background(), opts); !errors.As(err, &silent) || silent.Code != ExitCheckFailed {
		t.Fatalf("got %v, want a failed check", err)
	}
	for _, want := range []string{"annotation prefix acme.example.com", "GITLAB_TOKEN", "gitlab    PLATFORM_GITLAB_TIMEOUT: not a duration", "not checked: the GitLab settings are invalid"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// TestNewServiceCmdOptions: new service's runF gets every input, including
// the GitLab target and connector --publish uses, with nothing connected,
// asked or written.
func TestNewServiceCmdOptions(t *testing.T) {
	f, out, errOut := testFactory(t)
	env := f.Getenv
	f.Getenv = func(k string) string {
		if k == "PLATFORM_RENDER_TIMEOUT" {
			return "45s"
		}
		return env(k)
	}
	f.Config.AnnotationPrefix = "acme.example.com"
	var got *NewServiceOptions
	cmd := newNewServiceCmd(f, func(_ context.Context, o *NewServiceOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"payments", "-t", "cronjob", "--owner", "group:payments", "--system", "billing", "--set", "database=postgres", "-f", "values.yaml",
		"-o", "out", "--yes", "--accept-tradeoffs", "--publish", "--group", "payments", "--gitlab-url", "https://gitlab.example.com"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	in := got.Inputs
	if in.Name != "payments" || in.Owner != "group:payments" || in.System != "billing" || len(in.Sets) != 1 || len(in.ValuesFiles) != 1 ||
		got.Template != "cronjob" || !got.TemplateGiven || got.Output != "out" || !got.Yes || !got.AcceptTradeoffs || !got.Publish || got.Group != "payments" {
		t.Errorf("options %+v", got)
	}
	if got.IO != f.IOStreams || got.Resolver == nil || got.Getenv == nil || got.Now == nil || got.Version != "v0.0.0-test" ||
		got.AnnotationPrefix != "acme.example.com" || got.Budget.Timeout.String() != "45s" || in.ReadFile == nil {
		t.Errorf("dependencies not set: %+v", got)
	}
	if got.Target.URL() != "https://gitlab.example.com" || got.Connect == nil || got.Wizard != nil || got.publisher != nil {
		t.Errorf("GitLab and prompting: %+v", got)
	}
	if out.Len() != 0 || errOut.Len() != 0 {
		t.Errorf("runF ran the command: %q %q", out, errOut)
	}

	cmd = newNewServiceCmd(f, func(context.Context, *NewServiceOptions) error { t.Fatal("ran with --json alone"); return nil })
	cmd.SetArgs([]string{"payments", "--json"})
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	var flagErr *FlagError
	if err := cmd.Execute(); !errors.As(err, &flagErr) {
		t.Errorf("--json without --dry-run: %v, want a flag error", err)
	}
}
