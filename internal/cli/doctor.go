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
	var r doctorReport
	r.local(opts)
	client, ok := r.connect(opts)
	if ok && r.gitlab(ctx, client) {
		r.project(ctx, opts.Target, client)
	}
	return r.checks
}

// doctorReport collects the checks in the order they ran.
type doctorReport struct{ checks []doctorCheck }

func (r *doctorReport) add(name string, ok bool, format string, args ...any) {
	r.checks = append(r.checks, doctorCheck{name: name, ok: ok, detail: fmt.Sprintf(format, args...)})
}

// local checks what needs no network: git, the configuration and the token.
func (r *doctorReport) local(opts *DoctorOptions) {
	if path, err := exec.LookPath("git"); err == nil {
		r.add("git", true, "built in (go-git); git command at %s", path)
	} else {
		r.add("git", true, "built in (go-git); no git command on PATH, which platform does not need")
	}
	if err := opts.Config.ServiceErr; err != nil {
		r.add("config", false, "%v", err)
	} else {
		r.add("config", true, "user config %s; annotation prefix %s", orNone(opts.Config.UserFile), opts.Config.AnnotationPrefix)
	}
	switch opts.TokenSource {
	case "":
		r.add("token", false, "no GITLAB_TOKEN (or CI_JOB_TOKEN) in the environment")
	case "CI_JOB_TOKEN":
		r.add("token", true, "CI_JOB_TOKEN (job-token auth: some endpoints refuse it)")
	default:
		r.add("token", true, "GITLAB_TOKEN")
	}
}

// connect builds the GitLab client; ok is false (and the GitLab and project
// checks are recorded as failed) when the settings are invalid or there is
// no token to check with.
func (r *doctorReport) connect(opts *DoctorOptions) (client *GitLab, ok bool) {
	url := opts.Target.URL()
	client, err := opts.Connect(url)
	switch {
	case err != nil:
		// A bad URL or PLATFORM_GITLAB_TIMEOUT, said as such.
		r.add("gitlab", false, "%v", err)
		r.add("project", false, "not checked: the GitLab settings are invalid")
		return nil, false
	case opts.TokenSource == "":
		r.add("gitlab", false, "%s: not checked without a token", url)
		r.add("project", false, "not checked without a token")
		return nil, false
	}
	return client, true
}

// gitlab checks that GitLab answers and accepts the token; false means the
// project cannot be checked.
func (r *doctorReport) gitlab(ctx context.Context, client *GitLab) bool {
	url := client.URL
	version, err := client.Version(ctx)
	var auth *gitlab.AuthError
	if errors.As(err, &auth) {
		// GitLab answered, so it is reachable: it refuses the token.
		r.add("gitlab", false, "%s refuses the token: %v", url, err)
		r.add("project", false, "not checked: GitLab refuses the token")
		return false
	}
	if err != nil {
		r.add("gitlab", false, "%s: %v", url, err)
		r.add("project", false, "not checked: GitLab is not reachable")
		return false
	}
	user, err := client.CurrentUser(ctx)
	switch {
	case errors.As(err, &auth):
		r.add("gitlab", false, "%s (GitLab %s) refuses the token: %v", url, version, err)
	case errors.Is(err, gitlab.ErrBadResponse):
		r.add("gitlab", false, "%s (GitLab %s): GitLab answered garbage to GET /user, so the token could not be checked: %v", url, version, err)
	case err != nil:
		r.add("gitlab", false, "%s (GitLab %s): the token could not be checked: %v", url, version, err)
	default:
		r.add("gitlab", true, "%s (GitLab %s), signed in as %s", url, version, user.Username)
	}
	return true
}

// project checks that the project this directory belongs to exists.
func (r *doctorReport) project(ctx context.Context, target config.GitLabTarget, client *GitLab) {
	path, source, err := target.Project(".")
	if err != nil {
		r.add("project", false, "%v", err)
		return
	}
	p, err := client.Project(ctx, path)
	switch {
	case errors.Is(err, gitlab.ErrNotFound):
		r.add("project", false, "%s (from %s) does not exist or the token cannot see it", path, source)
	case err != nil:
		r.add("project", false, "%s (from %s): %v", path, source, err)
	default:
		r.add("project", true, "%s (from %s), default branch %s", p.PathWithNamespace, source, p.DefaultBranch)
	}
}
