package cli

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/platform-team/platform/internal/config"
	"github.com/platform-team/platform/internal/gitlab"
	"github.com/platform-team/platform/internal/gitx"
	"github.com/platform-team/platform/internal/redact"
)

// defaultGitLabURL is used when nothing else names a GitLab.
const defaultGitLabURL = "https://gitlab.com"

// remoteOrder is the order git remotes are tried to find the GitLab project.
var remoteOrder = []string{"upstream", "gitlab", "origin"}

// gitLabURL is --gitlab-url or PLATFORM_GITLAB_URL, else GITLAB_HOST, else
// CI_SERVER_URL, else the user config's gitlab.url, else https://gitlab.com.
func gitLabURL(f *Factory, flagValue string, flagChanged bool) string {
	if flagChanged || f.Getenv("PLATFORM_GITLAB_URL") != "" {
		return withScheme(flagValue)
	}
	for _, env := range []string{"GITLAB_HOST", "CI_SERVER_URL"} {
		if v := f.Getenv(env); v != "" {
			return withScheme(v)
		}
	}
	if flagValue != "" { // the user config, copied into the flag
		return withScheme(flagValue)
	}
	return defaultGitLabURL
}

// withScheme accepts glab's GITLAB_HOST form, a bare host name. Credentials in
// the URL are dropped: the token comes from the environment only, and the URL
// is shown in messages.
func withScheme(v string) string {
	if !strings.Contains(v, "://") {
		v = "https://" + v
	}
	return strings.TrimRight(redact.Clean(v), "/")
}

// gitLabToken is GITLAB_TOKEN, else CI_JOB_TOKEN (job-token auth). Tokens come
// from the environment only.
func gitLabToken(f *Factory) (token string, jobToken bool, err error) {
	if t := f.Getenv("GITLAB_TOKEN"); t != "" {
		return t, false, nil
	}
	if t := f.Getenv("CI_JOB_TOKEN"); t != "" {
		return t, true, nil
	}
	return "", false, &ExitError{Code: ExitAuth, Err: errors.New("no GitLab token: set GITLAB_TOKEN to a personal or project access token with the api scope (in GitLab CI, CI_JOB_TOKEN is used when GITLAB_TOKEN is unset)")}
}

// newGitLabClient builds the client for a command, with --debug traces on stderr.
func newGitLabClient(f *Factory, url string, debug bool) (*gitlab.Client, string, bool, error) {
	token, jobToken, err := gitLabToken(f)
	if err != nil {
		return nil, "", false, err
	}
	client, err := gitLabClientWith(f, url, token, jobToken, debug)
	if err != nil {
		return nil, "", false, err
	}
	return client, token, jobToken, nil
}

// gitLabClientWith builds the client for a given token, which may be empty
// (doctor checks the URL and PLATFORM_GITLAB_TIMEOUT without one).
func gitLabClientWith(f *Factory, url, token string, jobToken, debug bool) (*gitlab.Client, error) {
	timeout := gitlab.DefaultTimeout
	if v := f.Getenv("PLATFORM_GITLAB_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return nil, usageErrorf("PLATFORM_GITLAB_TIMEOUT %q: want a duration such as 30s", v)
		}
		timeout = d
	}
	cfg := gitlab.Config{BaseURL: url, Token: token, JobToken: jobToken, Timeout: timeout, UserAgent: "platform/" + versionString(f.Build)}
	if debug {
		cfg.Debug = f.IOStreams.ErrOut
	}
	client, err := gitlab.New(cfg)
	if err != nil {
		return nil, usageErrorf("GitLab URL %q: %v (set --gitlab-url or PLATFORM_GITLAB_URL)", redact.URL(url), err)
	}
	return client, nil
}

// resolveProject is --project (or PLATFORM_GITLAB_PROJECT, copied into the
// flag), else platform.yaml's gitlab.project in dir, else the project path of
// the first git remote among upstream, gitlab and origin. It returns where the
// answer came from, for doctor.
func resolveProject(dir, flagValue string) (project, source string, err error) {
	if flagValue != "" {
		return strings.Trim(flagValue, "/"), "--project or PLATFORM_GITLAB_PROJECT", nil
	}
	if svc, err := config.ReadService(dir + "/" + config.ServiceFileName); err == nil && svc.GitLab.Project != "" {
		return svc.GitLab.Project, "platform.yaml gitlab.project", nil
	}
	url, err := gitx.RemoteURL(dir, remoteOrder...)
	if err != nil {
		return "", "", usageErrorf("cannot tell which GitLab project this is: pass --project GROUP/NAME, set gitlab.project in platform.yaml, or add a git remote (%s)", strings.Join(remoteOrder, ", "))
	}
	project, err = gitx.ProjectFromRemote(url)
	if err != nil {
		return "", "", usageErrorf("the git remote %s does not name a GitLab project: pass --project GROUP/NAME", redact.URL(url))
	}
	return project, "git remote", nil
}

// gitLabExit maps GitLab and git failures to the exit-code table: 4 when
// authentication is missing or refused, 3 when GitLab or a remote failed.
// Other errors keep their own mapping.
func gitLabExit(err error) error {
	var auth *gitlab.AuthError
	var api *gitlab.APIError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, context.Canceled):
		return err // Ctrl-C: exit 130, whatever was going on
	case errors.As(err, &auth):
		return &ExitError{Code: ExitAuth, Err: err}
	case errors.As(err, &api), errors.Is(err, gitx.ErrNonFastForward):
		return &ExitError{Code: ExitRemote, Err: err}
	}
	return err
}

// remoteExit is a failed git clone or push: exit 3, unless it failed
// because the user pressed Ctrl-C (exit 130).
func remoteExit(err error) error {
	if errors.Is(err, context.Canceled) {
		return err
	}
	return &ExitError{Code: ExitRemote, Err: err}
}
