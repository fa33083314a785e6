package cli

import (
	"context"
	"errors"

	"github.com/platform-team/platform/internal/change"
	"github.com/platform-team/platform/internal/config"
	"github.com/platform-team/platform/internal/gitlab"
	"github.com/platform-team/platform/internal/redact"
)

// openServiceSession finds the GitLab project of the repository in dir
// (--project, platform.yaml or the git remote), connects, and clones the
// project's default branch into a change session, as promote and update
// --mr work: never on the local checkout. need says what the remote is
// needed for, in the error when there is none. Close the session when done.
func openServiceSession(ctx context.Context, target config.GitLabTarget, connect gitLabConnector, dir, need, tempPattern string) (*change.Session, *GitLab, error) {
	path, _, err := target.Project(dir)
	if err != nil {
		return nil, nil, err
	}
	remote, err := target.Remote(dir)
	if err != nil {
		return nil, nil, usageErrorf("no git remote: %s; add one (git remote add origin <url>)", need)
	}
	client, err := connect(target.URL())
	if err != nil {
		return nil, nil, err
	}
	proj, err := client.Project(ctx, path)
	if errors.Is(err, gitlab.ErrNotFound) {
		return nil, nil, usageErrorf("GitLab project %s not found: check --project or the git remote %s", path, redact.URL(remote))
	}
	if err != nil {
		return nil, nil, err
	}
	session, err := openSession(ctx, client, proj, remote, tempPattern)
	return session, client, err
}

// openSession clones project's default branch from remote into a change
// session, with the token, which goes only to a remote on the GitLab's host.
func openSession(ctx context.Context, client *GitLab, project *gitlab.Project, remote, tempPattern string) (*change.Session, error) {
	auth := client.PushOptions(remote, "")
	return change.Open(ctx, change.Options{Client: client.Client, Project: project, Remote: remote,
		Token: auth.Token, JobToken: auth.JobToken, GitLabURL: auth.GitLabURL, TempPattern: tempPattern})
}
