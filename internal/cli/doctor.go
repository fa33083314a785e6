package cli

import (
	"context"
	"errors"
	"fmt"
	"os/exec"

	"github.com/spf13/cobra"

	"github.com/platform-team/platform/internal/config"
	"github.com/platform-team/platform/internal/gitlab"
	"github.com/platform-team/platform/internal/iostreams"
)

type doctorCheck struct {
	name   string
	ok     bool
	detail string
}

// DoctorOptions are the inputs of `platform doctor`.
type DoctorOptions struct {
	IO *iostreams.IOStreams
	// Config holds the settings, with ./platform.yaml; its errors are a check.
	Config *config.Config
	// TokenSource names the variable the GitLab token comes from, "" when none.
	TokenSource string
	// Target resolves the project and the GitLab URL; Connect reaches that
	// GitLab, with the token or without one.
	Target  config.GitLabTarget
	Connect gitLabConnector

	GitLab GitLabOptions
}

func newDoctorCmd(f *Factory, runF func(context.Context, *DoctorOptions) error) *cobra.Command {
	opts := &DoctorOptions{}
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Check that platform can work here: git, configuration, token, GitLab, project",
		Long: `Check, in order, what the GitLab commands need: git, a valid configuration
(the user config and ./platform.yaml), a token in the environment, a reachable
GitLab that accepts the token, and a GitLab project for this repository.

Exits 1 when a check fails; every check is printed either way.`,
		Example: `  platform doctor
  platform doctor --project payments/payments-api --gitlab-url https://gitlab.example.com`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.IO, opts.Config, opts.TokenSource = f.IOStreams, f.Config, f.gitLabTokenSource()
			opts.Target = f.GitLabTarget(opts.GitLab)
			opts.Connect = func(url string) (*GitLab, error) { return f.connectGitLab(url, true) }
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runDoctor(cmd.Context(), opts)
		},
	}
	addGitLabFlags(cmd, &opts.GitLab)
	inService(f, cmd, inCurrentService)
	return cmd
}

func runDoctor(ctx context.Context, opts *DoctorOptions) error {
	checks := doctorChecks(ctx, opts)
	if errors.Is(ctx.Err(), context.Canceled) {
		return context.Canceled
	}
	st := opts.IO.Styles()
	failed := false
	for _, c := range checks {
		icon := st.SuccessIcon()
		if !c.ok {
			icon, failed = st.FailureIcon(), true
		}
		fmt.Fprintf(opts.IO.Out, "%s %-9s %s\n", icon, c.name, c.detail)
	}
	if failed {
		return &SilentError{Code: ExitCheckFailed}
	}
	return nil
}

// doctorChecks runs every check in order; a check that cannot run for an
// earlier failure is a failed check that says so.
func doctorChecks(ctx context.Context, opts *DoctorOptions) []doctorCheck {
	target := opts.Target
	var checks []doctorCheck
	add := func(name string, ok bool, format string, args ...any) {
		checks = append(checks, doctorCheck{name: name, ok: ok, detail: fmt.Sprintf(format, args...)})
	}
	if path, err := exec.LookPath("git"); err == nil {
		add("git", true, "built in (go-git); git command at %s", path)
	} else {
		add("git", true, "built in (go-git); no git command on PATH, which platform does not need")
	}

	cfgDetail := "user config " + orNone(opts.Config.UserFile)
	if err := opts.Config.ServiceErr; err != nil {
		add("config", false, "%v", err)
	} else {
		add("config", true, "%s; annotation prefix %s", cfgDetail, opts.Config.AnnotationPrefix)
	}

	tokenSource := opts.TokenSource
	switch tokenSource {
	case "":
		add("token", false, "no GITLAB_TOKEN (or CI_JOB_TOKEN) in the environment")
	case "CI_JOB_TOKEN":
		add("token", true, "CI_JOB_TOKEN (job-token auth: some endpoints refuse it)")
	default:
		add("token", true, "GITLAB_TOKEN")
	}
	url := target.URL()
	client, err := opts.Connect(url)
	switch {
	case err != nil:
		// A bad URL or PLATFORM_GITLAB_TIMEOUT, said as such.
		add("gitlab", false, "%v", err)
		add("project", false, "not checked: the GitLab settings are invalid")
		return checks
	case tokenSource == "":
		add("gitlab", false, "%s: not checked without a token", url)
		add("project", false, "not checked without a token")
		return checks
	}
	version, err := client.Version(ctx)
	var auth *gitlab.AuthError
	if errors.As(err, &auth) {
		// GitLab answered, so it is reachable: it refuses the token.
		add("gitlab", false, "%s refuses the token: %v", url, err)
		add("project", false, "not checked: GitLab refuses the token")
		return checks
	}
	if err != nil {
		add("gitlab", false, "%s: %v", url, err)
		add("project", false, "not checked: GitLab is not reachable")
		return checks
	}
	user, err := client.CurrentUser(ctx)
	switch {
	case errors.As(err, &auth):
		add("gitlab", false, "%s (GitLab %s) refuses the token: %v", url, version, err)
	case errors.Is(err, gitlab.ErrBadResponse):
		add("gitlab", false, "%s (GitLab %s): GitLab answered garbage to GET /user, so the token could not be checked: %v", url, version, err)
	case err != nil:
		add("gitlab", false, "%s (GitLab %s): the token could not be checked: %v", url, version, err)
	default:
		add("gitlab", true, "%s (GitLab %s), signed in as %s", url, version, user.Username)
	}

	path, source, err := target.Project(".")
	if err != nil {
		add("project", false, "%v", err)
		return checks
	}
	p, err := client.Project(ctx, path)
	switch {
	case errors.Is(err, gitlab.ErrNotFound):
		add("project", false, "%s (from %s) does not exist or the token cannot see it", path, source)
	case errors.As(err, &auth), err != nil:
		add("project", false, "%s (from %s): %v", path, source, err)
	default:
		add("project", true, "%s (from %s), default branch %s", p.PathWithNamespace, source, p.DefaultBranch)
	}
	return checks
}
