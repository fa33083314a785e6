package cli

import "github.com/platform-team/platform/internal/gitlab"

// gitLabClientFunc builds the client for a GitLab URL and returns it with the
// token (and whether it is a CI job token) that pushes use. Commands hold one
// in their options, so tests can hand them a client of their own.
type gitLabClientFunc func(url string, debug bool) (*gitlab.Client, string, bool, error)

// gitLabClient is newGitLabClient for f, as a command's dependency.
func gitLabClient(f *Factory) gitLabClientFunc {
	return func(url string, debug bool) (*gitlab.Client, string, bool, error) {
		return newGitLabClient(f, url, debug)
	}
}
