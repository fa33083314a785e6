package cli

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/platform-team/platform/internal/change"
	"github.com/platform-team/platform/internal/config"
	"github.com/platform-team/platform/internal/gitlab"
	"github.com/platform-team/platform/internal/gitlab/gitlabtest"
	"github.com/platform-team/platform/internal/iostreams"
	"github.com/platform-team/platform/internal/promote"
)

// TestPromoteWaitUsesTheInjectedClock: --wait's deadline is read from
// opts.Now, so a clock that jumps past --timeout gives up at once (with
// time.Now the run would wait the whole 30 minutes).
func TestPromoteWaitUsesTheInjectedClock(t *testing.T) {
	srv := gitlabtest.New(gitlabtest.Options{})
	defer srv.Close()
	srv.AddProject("g/p", "main")
	srv.SetPipelineScript("g/p", "running")
	client, err := gitlab.New(gitlab.Config{BaseURL: srv.URL, Token: srv.Token, RetryMax: -1})
	if err != nil {
		t.Fatal(err)
	}
	proj, err := client.Project(context.Background(), "g/p")
	if err != nil {
		t.Fatal(err)
	}
	ios, _, _, errOut := iostreams.Test()
	clock := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	opts := &PromoteOptions{
		IO:      ios,
		Now:     func() time.Time { clock = clock.Add(time.Hour); return clock },
		Wait:    true,
		Timeout: 30 * time.Minute,
		Poll:    time.Millisecond,
	}
	p := &promotion{Source: &promote.Source{Client: client, Project: proj, Service: &config.Service{}}}

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // a guard against hanging only
	defer cancel()
	err = runPromotePipeline(ctx, opts, p, promote.Stage{Name: "staging", From: "preview"}, "1.2.3")
	var exit *ExitError
	if !errors.As(err, &exit) || exit.Code != ExitCheckFailed || !strings.Contains(err.Error(), "gave up waiting after 30m0s") {
		t.Fatalf("got %v, want the --timeout error", err)
	}
	if !strings.Contains(errOut.String(), "pipeline #") {
		t.Errorf("no status line on stderr: %q", errOut.String())
	}
}

// TestChangeRemoteErrorExits3: a failed clone or push of a change session
// is a remote failure without any wrapper in the command.
func TestChangeRemoteErrorExits3(t *testing.T) {
	err := &change.RemoteError{Err: errors.New("push: connection refused")}
	if got := exitCode(err, false); got != ExitRemote {
		t.Errorf("exit %d, want %d", got, ExitRemote)
	}
	if got := exitCode(&change.RemoteError{Err: context.Canceled}, false); got != ExitInterrupted {
		t.Errorf("cancelled push: exit %d, want %d", got, ExitInterrupted)
	}
}

// TestPromoteCmdOptions: the commands parse flags into options that hold
// their dependencies; runF gets them without anything being run.
func TestPromoteCmdOptions(t *testing.T) {
	f, _, _ := testFactory(t)
	var got *PromoteOptions
	cmd := newPromoteCmd(f, func(_ context.Context, o *PromoteOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"production", "--force", "--reason", "hotfix", "--version", "1.2.3", "-p", "g/p", "--gitlab-url", "https://gitlab.example.com"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Stage != "production" || !got.Force || got.Reason != "hotfix" || got.Version != "1.2.3" || got.GitLab.Project != "g/p" || got.GitLab.URL != "https://gitlab.example.com" ||
		got.Target.URL() != "https://gitlab.example.com" {
		t.Errorf("options %+v", got)
	}
	if got.IO != f.IOStreams || got.Now == nil || got.Getenv == nil || got.Connect == nil {
		t.Errorf("dependencies not set: %+v", got)
	}

	cmd = newPromoteCmd(f, func(context.Context, *PromoteOptions) error { t.Fatal("ran without --reason"); return nil })
	cmd.SetArgs([]string{"production", "--force"})
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	var flagErr *FlagError
	if err := cmd.Execute(); !errors.As(err, &flagErr) {
		t.Errorf("--force without --reason: %v, want a flag error", err)
	}

	var status *PromoteStatusOptions
	cmd = newPromoteStatusCmd(f, func(_ context.Context, o *PromoteStatusOptions) error { status = o; return nil })
	cmd.SetArgs([]string{"--json", "-p", "g/p"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if !status.JSON || status.GitLab.Project != "g/p" || status.IO != f.IOStreams || status.Now == nil || status.Connect == nil {
		t.Errorf("status options %+v", status)
	}
}

func TestMRCreateCmdOptions(t *testing.T) {
	f, _, _ := testFactory(t)
	var got *MRCreateOptions
	cmd := newMRCreateCmd(f, func(_ context.Context, o *MRCreateOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--fill", "--draft", "-l", "a", "-l", "b", "--reviewer", "alice", "-b", "release"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if !got.Fill || !got.Draft || len(got.Labels) != 2 || got.Reviewers[0] != "alice" || got.TargetBranch != "release" || got.Dir != "." {
		t.Errorf("options %+v", got)
	}
	if got.IO != f.IOStreams || got.Connect == nil {
		t.Errorf("dependencies not set: %+v", got)
	}
}
