package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/platform-team/platform/internal/gitlab"
	"github.com/platform-team/platform/internal/gitx"
	"github.com/platform-team/platform/internal/scaffold"
)

// publisher creates a new service's GitLab project and pushes its first commit.
type publisher struct {
	client *GitLab // with the token, which PushOptions sends only to the GitLab's host
	group  string

	namespace *gitlab.Namespace
}

// check runs before anything is written: the group must exist and the project
// must not, so a refused publish leaves nothing behind.
func (p *publisher) check(ctx context.Context, name string) error {
	ns, err := p.client.Namespace(ctx, p.group)
	if errors.Is(err, gitlab.ErrNotFound) {
		return usageErrorf("--group %s: no such GitLab group (or the token cannot see it)", p.group)
	}
	if err != nil {
		return err
	}
	p.namespace = ns
	path := ns.FullPath + "/" + name
	_, err = p.client.Project(ctx, path)
	switch {
	case err == nil:
		return usageErrorf("GitLab project %s already exists: choose another name, or clone it instead; nothing was written or pushed", path)
	case !errors.Is(err, gitlab.ErrNotFound):
		return err
	}
	return nil
}

// publish creates the project, pushes main to it and records it as origin.
func (p *publisher) publish(ctx context.Context, dir string, values scaffold.Values) (*gitlab.Project, error) {
	name := values["name"].(string)
	description, _ := values["description"].(string)
	project, err := p.client.CreateProject(ctx, p.namespace.ID, name, description)
	if errors.Is(err, gitlab.ErrProjectExists) {
		if project = p.adoptable(ctx, p.namespace.FullPath+"/"+name); project == nil {
			return nil, usageErrorf("GitLab project %s/%s was created by someone else meanwhile; %s was written but not pushed", p.namespace.FullPath, name, dir)
		}
		err = nil
	}
	if err != nil {
		return nil, fmt.Errorf("create the GitLab project (the service is in %s, not pushed): %w", dir, err)
	}
	if _, err := gitx.Push(ctx, dir, p.client.PushOptions(project.HTTPURLToRepo, "main")); err != nil {
		return nil, err
	}
	if err := gitx.SetRemote(dir, "origin", project.HTTPURLToRepo); err != nil {
		return nil, err
	}
	return project, nil
}

// adoptable returns the project at path when it is the one our own create
// made: the client retries a create that failed with a 5xx, and the first
// attempt may have succeeded, so the retry is told the path is taken. It is
// ours when its repository is still empty and the token's user created it;
// check saw no project there before anything was written. Anything else
// (commits, another creator, a lookup that fails) is nil: not ours to push to.
func (p *publisher) adoptable(ctx context.Context, path string) *gitlab.Project {
	project, err := p.client.Project(ctx, path)
	if err != nil || !project.EmptyRepo {
		return nil
	}
	me, err := p.client.CurrentUser(ctx)
	if err != nil || project.CreatorID != me.ID {
		return nil
	}
	return project
}
