package cli

import (
	"context"
	"testing"
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
