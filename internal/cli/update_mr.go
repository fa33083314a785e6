package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/platform-team/platform/internal/change"
	"github.com/platform-team/platform/internal/gitlab"
	"github.com/platform-team/platform/internal/redact"
	"github.com/platform-team/platform/internal/updater"
)

// runUpdateMR computes the update on a fresh clone of the project's default
// branch (never on the local checkout, which stays untouched) and proposes
// it as a merge request, through the same change session as promote.
func runUpdateMR(ctx context.Context, opts *UpdateOptions) error {
	prefix, err := updater.Locate(opts.Dir)
	if err != nil {
		return err
	}
	session, err := openUpdateSession(ctx, opts)
	if err != nil {
		return err
	}
	defer session.Close()
	project := session.Project()
	in := updater.Inputs{Values: opts.Inputs, Service: opts.Service}
	res, err := updater.Compute(ctx, session, prefix, opts.Sources, in)
	if err != nil {
		return err
	}
	if res.UpToDate() {
		fmt.Fprintf(opts.IO.ErrOut, "%s on %s is already up to date with %s: nothing to propose.\n", project.PathWithNamespace, project.DefaultBranch, res.Versions.Label())
		return nil
	}
	p, err := updater.Propose(ctx, session, res, updater.ProposeOptions{
		Sources: opts.Sources, Inputs: in, Author: commitAuthor(opts.IO, opts.Getenv), When: opts.Now(),
	})
	if err != nil {
		return err
	}
	st := opts.IO.Styles()
	verb := "Updated"
	if p.Created {
		verb = "Opened"
	}
	fmt.Fprintf(opts.IO.ErrOut, "%s %s merge request !%d to update %s\n", st.SuccessIcon(), verb, p.MR.IID, updateHeadline(res))
	if len(p.Conflicts) > 0 {
		fmt.Fprintf(opts.IO.ErrOut, "%s It is a draft: %d file(s) have conflicts to resolve on %s: %s\n", st.WarningIcon(), len(p.Conflicts),
			updater.Branch(res.Versions.Template, res.Versions.Target()), strings.Join(p.Conflicts, ", "))
	}
	fmt.Fprintln(opts.IO.Out, p.MR.WebURL)
	return nil
}

// openUpdateSession finds the service's GitLab project and clones its
// default branch.
func openUpdateSession(ctx context.Context, opts *UpdateOptions) (*change.Session, error) {
	path, _, err := opts.Target.Project(opts.Dir)
	if err != nil {
		return nil, err
	}
	remote, err := opts.Target.Remote(opts.Dir)
	if err != nil {
		return nil, usageErrorf("no git remote: --mr pushes a branch to the service's repository; add one (git remote add origin <url>)")
	}
	client, err := opts.Connect(opts.Target.URL())
	if err != nil {
		return nil, err
	}
	proj, err := client.Project(ctx, path)
	if errors.Is(err, gitlab.ErrNotFound) {
		return nil, usageErrorf("GitLab project %s not found: check --project or the git remote %s", path, redact.URL(remote))
	}
	if err != nil {
		return nil, err
	}
	auth := client.PushOptions(remote, "") // the token goes only to a remote on the GitLab's host
	return change.Open(ctx, change.Options{Client: client.Client, Project: proj, Remote: remote,
		Token: auth.Token, JobToken: auth.JobToken, GitLabURL: auth.GitLabURL, TempPattern: "platform-update-*"})
}
