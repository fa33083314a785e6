package cli

import (
	"context"
	"fmt"
	"strings"

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
	session, _, err := openServiceSession(ctx, opts.Target, opts.Connect, opts.Dir,
		"--mr pushes a branch to the service's repository", "platform-update-*")
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
