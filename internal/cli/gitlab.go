package cli

import (
	"errors"
	"time"

	"github.com/spf13/cobra"

	"github.com/platform-team/platform/internal/gitlab"
	"github.com/platform-team/platform/internal/gitx"
	"github.com/platform-team/platform/internal/redact"
)

// GitLabOptions are a GitLab command's --project and --gitlab-url, as given
// ("" when not). config.GitLabTarget layers them over the environment and
// the config files (Factory.GitLabTarget).
type GitLabOptions struct {
	Project string
	URL     string
}

// addGitLabFlags gives a command that works on a repository's GitLab
// project its --project and --gitlab-url flags. --debug is global.
func addGitLabFlags(cmd *cobra.Command, opts *GitLabOptions) {
	cmd.Flags().StringVarP(&opts.Project, "project", "p", "", "GitLab project `GROUP/NAME` (default: PLATFORM_GITLAB_PROJECT, platform.yaml, the git remote)")
	addGitLabURLFlag(cmd, opts)
}

// addGitLabURLFlag gives a command that talks to GitLab without a project of
// its own (new service --publish) its --gitlab-url flag.
func addGitLabURLFlag(cmd *cobra.Command, opts *GitLabOptions) {
	cmd.Flags().StringVar(&opts.URL, "gitlab-url", "", "GitLab `URL` (default: PLATFORM_GITLAB_URL, GITLAB_HOST, CI_SERVER_URL, config, https://gitlab.com)")
}

// GitLab is a command's connection to GitLab: the API client, the GitLab's
// URL, and the token, which only PushOptions hands on, so commands never
// carry it.
type GitLab struct {
	*gitlab.Client
	// URL is the GitLab's base URL, as shown in messages.
	URL      string
	token    string
	jobToken bool
}

// PushOptions pushes branch to the remote at url with the token, which gitx
// sends only when url is on this GitLab's host.
func (g *GitLab) PushOptions(url, branch string) gitx.PushOptions {
	return gitx.PushOptions{URL: url, Branch: branch, Token: g.token, JobToken: g.jobToken, GitLabURL: g.URL}
}

// errNoToken is the GitLab token missing from the environment: exit 4.
var errNoToken = errors.New("no GitLab token: set GITLAB_TOKEN to a personal or project access token with the api scope (in GitLab CI, CI_JOB_TOKEN is used when GITLAB_TOKEN is unset)")

// gitLabTokenSource names the environment variable the GitLab token comes
// from: GITLAB_TOKEN, else CI_JOB_TOKEN (job-token auth), "" when neither is
// set. Tokens come from the environment only.
func (f *Factory) gitLabTokenSource() string {
	for _, env := range []string{"GITLAB_TOKEN", "CI_JOB_TOKEN"} {
		if f.Getenv(env) != "" {
			return env
		}
	}
	return ""
}

// connectGitLab builds the client for the GitLab at url, with the token from
// the environment and, with --debug, HTTP traces on stderr. Without a token
// it fails with exit 4, unless anonymous is set (doctor checks the URL and
// PLATFORM_GITLAB_TIMEOUT without one).
func (f *Factory) connectGitLab(url string, anonymous bool) (*GitLab, error) {
	g := &GitLab{URL: url}
	switch source := f.gitLabTokenSource(); source {
	case "":
		if !anonymous {
			return nil, &ExitError{Code: ExitAuth, Err: errNoToken}
		}
	default:
		g.token, g.jobToken = f.Getenv(source), source == "CI_JOB_TOKEN"
	}
	timeout := gitlab.DefaultTimeout
	if v := f.Getenv("PLATFORM_GITLAB_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return nil, usageErrorf("PLATFORM_GITLAB_TIMEOUT %q: want a duration such as 30s", v)
		}
		timeout = d
	}
	cfg := gitlab.Config{BaseURL: url, Token: g.token, JobToken: g.jobToken, Timeout: timeout, UserAgent: "platform/" + versionString(f.Build)}
	if f.Debug {
		cfg.Debug = f.IOStreams.ErrOut
	}
	client, err := gitlab.New(cfg)
	if err != nil {
		return nil, usageErrorf("GitLab URL %q: %w (set --gitlab-url or PLATFORM_GITLAB_URL)", redact.URL(url), err)
	}
	g.Client = client
	return g, nil
}
