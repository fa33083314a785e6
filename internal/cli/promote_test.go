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
