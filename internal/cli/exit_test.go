package cli

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/platform-team/platform/internal/backstage"
	"github.com/platform-team/platform/internal/config"
	"github.com/platform-team/platform/internal/fleet"
	"github.com/platform-team/platform/internal/fstx"
	"github.com/platform-team/platform/internal/gitlab"
	"github.com/platform-team/platform/internal/gitlab/gitlabtest"
	"github.com/platform-team/platform/internal/gitx"
	"github.com/platform-team/platform/internal/lint"
	"github.com/platform-team/platform/internal/policytest"
	"github.com/platform-team/platform/internal/scaffold"
	"github.com/platform-team/platform/internal/updater"
	"github.com/platform-team/platform/internal/wizard"
)

// gitLabCommandLines reach GitLab from a service repository whose project is
// g/p, one per command that has --gitlab-url. out is a directory new service
// may write into.
func gitLabCommandLines(out string) map[string][]string {
	return map[string][]string{
		"platform mr create":      {"mr", "create", "--title", "x", "--yes", "--project", "g/p"},
		"platform promote":        {"promote", "staging", "--yes", "--project", "g/p"},
		"platform promote status": {"promote", "status", "--project", "g/p"},
		"platform new service":    {"new", "service", "svc", "--owner", "group:g", "--yes", "--publish", "--group", "g", "-o", out},
		"platform doctor":         {"doctor", "--project", "g/p"},
		"platform update":         {"update", "--mr", "--yes", "--project", "g/p"},
		"platform fleet status":   {"fleet", "status", "--group", "g"},
		"platform fleet update":   {"fleet", "update", "--group", "g", "--yes"},
	}
}

// reportsChecks are the GitLab commands that report a GitLab failure as a
// failed check (exit 1) instead of returning it.
var reportsChecks = map[string]bool{"platform doctor": true}

// TestEveryGitLabCommandExitsByErrorType: every command that talks to GitLab
// (found by its --gitlab-url flag, so a new one cannot be forgotten) exits 4
// when GitLab refuses the token or there is none, with no wrapper of its own:
// Run's exitCode decides.
func TestEveryGitLabCommandExitsByErrorType(t *testing.T) {
	f, _, _ := testFactory(t)
	lines := gitLabCommandLines("")
	var found []string
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		if c.LocalFlags().Lookup("gitlab-url") != nil {
			found = append(found, c.CommandPath())
			if _, ok := lines[c.CommandPath()]; !ok {
				t.Errorf("%s has --gitlab-url but no command line in gitLabCommandLines: add one", c.CommandPath())
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(NewRootCmd(f))
	if len(found) != len(lines) {
		t.Errorf("commands with --gitlab-url: %v; gitLabCommandLines has %d", found, len(lines))
	}

	srv := gitlabtest.New(gitlabtest.Options{})
	defer srv.Close()
	srv.AddProject("g/p", "main")
	srv.AddNamespace("g")
	serviceRepo(t, "https://gitlab.example.com/g/p.git")

	for _, tc := range []struct {
		name  string
		token string
	}{
		{"token refused (401)", "wrong-token"},
		{"no token", ""},
	} {
		for _, path := range found {
			t.Run(tc.name+"/"+path, func(t *testing.T) {
				f, _, errOut := testFactory(t)
				env := map[string]string{"HOME": t.TempDir(), "GITLAB_TOKEN": tc.token, "PLATFORM_GITLAB_URL": srv.URL}
				f.Getenv = func(k string) string { return env[k] }
				want := ExitAuth
				if reportsChecks[path] {
					want = ExitCheckFailed
				}
				args := gitLabCommandLines(filepath.Join(t.TempDir(), "svc"))[path]
				if code := Run(context.Background(), f, args); code != want {
					t.Errorf("%s: exit %d, want %d; stderr:\n%s", strings.Join(args, " "), code, want, errOut)
				}
				if !strings.Contains(errOut.String(), "GITLAB_TOKEN") && !reportsChecks[path] {
					t.Errorf("stderr does not say what to set:\n%s", errOut)
				}
			})
		}
	}
}

// TestExitCodeByType: the table, one typed error per row, wrapped as
// commands and domain packages wrap them (%w keeps the chain).
func TestExitCodeByType(t *testing.T) {
	wrap := func(err error) error { return fmt.Errorf("context: %w", err) }
	for _, tc := range []struct {
		err  error
		want int
	}{
		{nil, ExitOK},
		{errors.New("a check failed"), ExitCheckFailed},
		{&SilentError{Code: ExitCheckFailed}, ExitCheckFailed},
		{flagErrorf("bad flag"), ExitUsage},
		{usageErrorf("bad file: %w", errors.New("x")), ExitUsage},
		{errors.New("unknown flag: --nope"), ExitUsage},
		{wrap(&gitlab.AuthError{Status: 401, Method: "GET", Endpoint: "/user"}), ExitAuth},
		{wrap(&gitlab.APIError{Status: 502, Method: "GET", Endpoint: "/user"}), ExitRemote},
		{wrap(&gitx.RemoteError{Err: errors.New("push: connection refused")}), ExitRemote},
		{wrap(fmt.Errorf("push rejected: %w", gitx.ErrNonFastForward)), ExitRemote},
		{wrap(&gitx.RedirectError{}), ExitRemote},
		{wrap(&config.ProjectError{Err: config.ErrNoProject}), ExitUsage},
		{wrap(&lint.RuleSelectionError{Glob: "nope/*"}), ExitUsage},
		{wrap(&lint.PathError{Path: "x", Err: errors.New("no such file")}), ExitUsage},
		{wrap(&scaffold.UnknownVersionError{Template: "go-service", Version: "9.9.9"}), ExitUsage},
		{wrap(&scaffold.AnswersError{Msg: "not valid YAML"}), ExitUsage},
		{wrap(&updater.NotServiceError{Dir: ".", Reason: "no answers"}), ExitUsage},
		{wrap(&updater.DirtyError{Dir: "."}), ExitUsage},
		{wrap(&updater.DowngradeError{Template: "t", Current: "2.0.0", Target: "1.0.0"}), ExitUsage},
		{wrap(&updater.SourceError{Msg: "no release tag"}), ExitUsage},
		{wrap(&updater.CatalogError{Err: errors.New("ours: bad YAML")}), ExitUsage},
		{wrap(&fstx.ConflictError{Path: "deploy", Msg: "is a symbolic link"}), ExitUsage},
		{wrap(&fleet.FailedError{Projects: []string{"g/a"}, Total: 3}), ExitRemote},
		{wrap(&backstage.StepError{StepID: "fetch", Action: "fetch:template", Err: errors.New("url leaves the repository")}), ExitUsage},
		{wrap(&backstage.UnsupportedActionError{StepID: "cc", Action: "fetch:cookiecutter"}), ExitUsage},
		{wrap(&backstage.NotTemplateError{APIVersion: "x/v1", Kind: "Thing"}), ExitUsage},
		{wrap(&policytest.CompileError{Problems: []policytest.Problem{{File: "p.rego", Line: 3, Message: "unexpected }"}}}), ExitUsage},
		{wrap(&policytest.DirError{Path: "policies", Err: errors.New("no such file or directory")}), ExitUsage},
		{wrap(context.Canceled), ExitInterrupted},
		{wrap(wizard.ErrCancelled), ExitInterrupted},
		// A cancel wins over the failure it caused.
		{wrap(&gitx.RemoteError{Err: context.Canceled}), ExitInterrupted},
	} {
		if got := exitCode(tc.err, false); got != tc.want {
			t.Errorf("exitCode(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
	if got := exitCode(errors.New("anything"), true); got != ExitInterrupted {
		t.Errorf("an interrupted run exits %d", got)
	}
}
