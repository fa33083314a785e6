package config

import (
	"errors"
	"fmt"
	"strings"

	"github.com/platform-team/platform/internal/gitx"
	"github.com/platform-team/platform/internal/redact"
)

// DefaultGitLabURL is used when nothing else names a GitLab.
const DefaultGitLabURL = "https://gitlab.com"

// Remotes are the git remotes that name a repository's GitLab project, in
// order of preference: a fork's origin is the fork, its upstream the project.
func Remotes() []string { return []string{"upstream", "gitlab", "origin"} }

// Where a GitLab project came from, as GitLabTarget.Project reports it.
const (
	SourceProjectFlag    = "--project or PLATFORM_GITLAB_PROJECT"
	SourceServiceProject = "platform.yaml gitlab.project"
	SourceUserProject    = "user config gitlab.project"
	SourceRemote         = "git remote"
)

// ErrNoProject is wrapped by GitLabTarget.Project when nothing names the project.
var ErrNoProject = errors.New("cannot tell which GitLab project this is")

// ProjectError is a GitLab project that cannot be worked out: an input error
// the user fixes with --project (exit 2).
type ProjectError struct{ Err error }

func (e *ProjectError) Error() string { return e.Err.Error() }
func (e *ProjectError) Unwrap() error { return e.Err }

// GitLabTarget decides which GitLab, which project and which git remote a
// command works with. The precedence is written here once:
//
//	URL:     --gitlab-url, PLATFORM_GITLAB_URL, GITLAB_HOST, CI_SERVER_URL,
//	         the user config's gitlab.url, https://gitlab.com
//	project: --project, PLATFORM_GITLAB_PROJECT, platform.yaml's gitlab.project,
//	         the user config's gitlab.project, the first git remote among Remotes()
//	remote:  the first git remote among Remotes()
type GitLabTarget struct {
	// URLFlag and ProjectFlag are --gitlab-url and --project, "" when not given.
	URLFlag     string
	ProjectFlag string
	// Getenv reads PLATFORM_GITLAB_URL, GITLAB_HOST, CI_SERVER_URL and PLATFORM_GITLAB_PROJECT.
	Getenv func(string) string
	// Config holds the file layers (nil: none): the user config's gitlab.url,
	// and the service's platform.yaml and the user config's gitlab.project.
	Config *Config
}

// URL is the GitLab's base URL, with a scheme and without credentials or a
// trailing slash. A bare host name (glab's GITLAB_HOST form) gets https://.
func (t GitLabTarget) URL() string {
	if t.URLFlag != "" {
		return withScheme(t.URLFlag)
	}
	for _, env := range []string{"PLATFORM_GITLAB_URL", "GITLAB_HOST", "CI_SERVER_URL"} {
		if v := t.getenv(env); v != "" {
			return withScheme(v)
		}
	}
	if t.Config != nil && t.Config.GitLab.URL != "" {
		return withScheme(t.Config.GitLab.URL)
	}
	return DefaultGitLabURL
}

// Project is the GitLab project path of the repository holding dir, and
// where that answer came from (one of the Source* constants). When nothing
// names it, or the remote names no project, the error is a *ProjectError
// (wrapping ErrNoProject in the first case).
func (t GitLabTarget) Project(dir string) (project, source string, err error) {
	if v := t.ProjectFlag; v != "" {
		return strings.Trim(v, "/"), SourceProjectFlag, nil
	}
	if v := t.getenv("PLATFORM_GITLAB_PROJECT"); v != "" {
		return strings.Trim(v, "/"), SourceProjectFlag, nil
	}
	if c := t.Config; c != nil {
		if c.Service != nil && c.Service.GitLab.Project != "" {
			return c.Service.GitLab.Project, SourceServiceProject, nil
		}
		if c.GitLab.Project != "" {
			return strings.Trim(c.GitLab.Project, "/"), SourceUserProject, nil
		}
	}
	url, err := t.Remote(dir)
	if err != nil {
		return "", "", &ProjectError{Err: fmt.Errorf("%w: pass --project GROUP/NAME, set gitlab.project in platform.yaml, or add a git remote (%s)", ErrNoProject, strings.Join(Remotes(), ", "))}
	}
	project, err = gitx.ProjectFromRemote(url)
	if err != nil {
		return "", "", &ProjectError{Err: fmt.Errorf("the git remote %s does not name a GitLab project: pass --project GROUP/NAME", redact.URL(url))}
	}
	return project, SourceRemote, nil
}

// ProjectOrNone is Project without its error: "" when nothing names the
// project, for checks the project only sharpens (lint, catalog).
func (t GitLabTarget) ProjectOrNone(dir string) string {
	project, _, err := t.Project(dir)
	if err != nil {
		return ""
	}
	return project
}

// Remote is the URL of the first git remote among Remotes() of the
// repository holding dir: where a branch is pushed and the default branch
// cloned from. The error wraps gitx.ErrNoRemote when there is none.
func (t GitLabTarget) Remote(dir string) (string, error) {
	return gitx.RemoteURL(dir, Remotes()...)
}

func (t GitLabTarget) getenv(key string) string {
	if t.Getenv == nil {
		return ""
	}
	return t.Getenv(key)
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
