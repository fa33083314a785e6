package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/platform-team/platform/internal/change"
	"github.com/platform-team/platform/internal/config"
	"github.com/platform-team/platform/internal/gitlab"
	"github.com/platform-team/platform/internal/iostreams"
	"github.com/platform-team/platform/internal/promote"
)

// PromoteOptions are the inputs of `platform promote STAGE`.
type PromoteOptions struct {
	IO     *iostreams.IOStreams
	Now    func() time.Time
	Getenv func(string) string
	// Target resolves the project, the git remote and the GitLab URL;
	// Connect reaches that GitLab.
	Target  config.GitLabTarget
	Connect gitLabConnector

	Stage   string
	DryRun  bool
	Yes     bool
	Force   bool
	Reason  string
	Wait    bool
	Timeout time.Duration
	Poll    time.Duration
	Version string
	GitLab  GitLabOptions
}

func newPromoteCmd(f *Factory, runF func(context.Context, *PromoteOptions) error) *cobra.Command {
	opts := &PromoteOptions{}
	cmd := &cobra.Command{
		Use:   "promote STAGE",
		Short: "Promote what runs in the previous environment to STAGE, when its gates pass",
		Long: `Promote the version that runs in the stage before STAGE (platform.yaml's
environments chain, e.g. preview → staging → production) into STAGE.

Git is the source of truth: what a stage runs is the image pinned in
deploy/overlays/<stage>/kustomization.yaml on the remote's default branch, which
is fetched fresh every time. Every gate of STAGE is evaluated and printed as a
table before anything changes:

  deployed      the previous stage's latest deployment succeeded with the candidate
  soak: 24h     ... and finished at least that long ago
  pipeline      the latest pipeline on the default branch succeeded
  freeze        no freeze window (platform.yaml or GitLab freeze periods) is active
  approvals: N  written into the merge request and enforced by GitLab

A failed gate refuses the promotion (exit 1, nothing pushed). --force --reason
overrides it and records the reason and the overridden gates in the merge request.

Strategy gitops (default) commits the new pin on promote/<stage>-<version> and
opens (or updates) a merge request. Strategy pipeline triggers a pipeline with
PLATFORM_PROMOTE_STAGE and PLATFORM_PROMOTE_VERSION; --wait follows it.`,
		Example: `  platform promote staging
  platform promote production --dry-run
  platform promote production --force --reason "hotfix for INC-1234, approved by the on-call lead"
  platform promote staging --wait --timeout 20m
  platform promote status`,
		Args:              exactArgs(1, "one STAGE (see 'platform promote status' for the chain)"),
		ValidArgsFunction: completeStages,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Stage = args[0]
			if opts.Force && strings.TrimSpace(opts.Reason) == "" {
				return flagErrorf("--force needs --reason TEXT: an override leaves an audit trail in the merge request")
			}
			if opts.Reason != "" && !opts.Force {
				return flagErrorf("--reason goes with --force")
			}
			opts.IO, opts.Now, opts.Getenv = f.IOStreams, f.Now, f.Getenv
			opts.Target, opts.Connect = f.GitLabTarget(opts.GitLab), f.GitLab
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runPromote(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&opts.DryRun, "dry-run", false, "print the gate table and the exact diff; write nothing anywhere")
	fl.BoolVarP(&opts.Yes, "yes", "y", false, "do not ask for confirmation")
	fl.BoolVar(&opts.Force, "force", false, "promote even when gates fail (needs --reason)")
	fl.StringVar(&opts.Reason, "reason", "", "why gates are overridden, recorded in the merge request")
	fl.BoolVar(&opts.Wait, "wait", false, "with strategy pipeline, follow the pipeline until it ends")
	fl.DurationVar(&opts.Timeout, "timeout", 30*time.Minute, "with --wait, give up after this long")
	fl.DurationVar(&opts.Poll, "poll", 5*time.Second, "with --wait, how often to ask GitLab")
	fl.StringVar(&opts.Version, "version", "", "promote this version instead of what the previous stage runs")
	addGitLabFlags(cmd, &opts.GitLab)
	inService(f, cmd, inCurrentService)
	cmd.AddCommand(newPromoteStatusCmd(f, nil))
	return cmd
}

// promotion is a change session on the service's repository and what the
// promotion reads from it.
type promotion struct {
	session *change.Session
	*promote.Source
}

// openPromotion resolves the project and clones the remote's default branch:
// promotion never trusts a stale local checkout. Close the session when done.
func openPromotion(ctx context.Context, target config.GitLabTarget, connect gitLabConnector) (_ *promotion, err error) {
	session, client, err := openServiceSession(ctx, target, connect, ".",
		"promote reads and pushes the service's repository", "platform-promote-*")
	if err != nil {
		return nil, err
	}
	proj := session.Project()
	defer func() {
		if err != nil {
			session.Close()
		}
	}()
	src, err := promote.OpenSource(client.Client, proj, session.Dir())
	if errors.Is(err, promote.ErrNoServiceFile) {
		return nil, usageErrorf("%s on %s has no platform.yaml: promotion needs its environments", proj.PathWithNamespace, proj.DefaultBranch)
	}
	if err != nil {
		return nil, usageErrorf("%w", err)
	}
	return &promotion{session: session, Source: src}, nil
}

// pin reads the version a stage's overlay pins in the fresh checkout.
func (p *promotion) pin(stage string) (promote.Pin, []byte, error) {
	pin, data, err := p.Pin(stage)
	if err != nil {
		return promote.Pin{}, nil, usageErrorf("%w", err)
	}
	return pin, data, nil
}

func runPromote(ctx context.Context, opts *PromoteOptions) error {
	p, err := openPromotion(ctx, opts.Target, opts.Connect)
	if err != nil {
		return err
	}
	defer p.session.Close()
	stage, err := promote.Target(p.Chain, opts.Stage)
	if err != nil {
		return usageErrorf("%w", err)
	}
	from, _, err := p.pin(stage.From)
	if err != nil {
		return err
	}
	current, overlay, err := p.pin(stage.Name)
	if err != nil {
		return err
	}
	candidate := from.Version()
	if opts.Version != "" {
		if err := promote.ValidVersion(opts.Version); err != nil {
			return usageErrorf("--version %q: %w", opts.Version, err)
		}
		candidate = opts.Version
	}
	out, errOut, st := opts.IO.Out, opts.IO.ErrOut, opts.IO.Styles()
	if current.Version() == candidate {
		fmt.Fprintf(out, "%s already runs %s: nothing to promote.\n", stage.Name, candidate)
		return nil
	}
	ev, err := p.Evidence(ctx, stage, candidate, opts.Now())
	if err != nil {
		return err
	}
	results := promote.Evaluate(stage, ev)
	fmt.Fprintf(out, "Promote %s from %s (%s) to %s (%s)\n\n%s\n", candidate, stage.From, from.Version(), stage.Name, current.Version(), promote.Table(results))
	failed := promote.Failed(results)
	if len(failed) > 0 && !opts.Force {
		fmt.Fprintf(errOut, "%s promotion refused: %s failed (override with --force --reason TEXT)\n", st.FailureIcon(), strings.Join(failed, ", "))
		return &SilentError{Code: ExitCheckFailed}
	}
	if len(failed) > 0 {
		fmt.Fprintf(errOut, "%s overriding %s: %s\n", st.WarningIcon(), strings.Join(failed, ", "), opts.Reason)
	}
	if p.Service.Promotion.Strategy == "pipeline" {
		return runPromotePipeline(ctx, opts, p, stage, candidate)
	}
	return runPromoteGitOps(ctx, opts, p, overlay, promote.Proposal{Stage: stage, Candidate: candidate, Image: p.Service.Promotion.Image,
		Results: results, Overridden: failed, Reason: opts.Reason, Deployment: ev.Deployment})
}

// runPromoteGitOps shows the new pin and proposes it in a merge request on
// the promotion branch.
func runPromoteGitOps(ctx context.Context, opts *PromoteOptions, p *promotion, overlay []byte, prop promote.Proposal) error {
	out, errOut, st := opts.IO.Out, opts.IO.ErrOut, opts.IO.Styles()
	stage, candidate := prop.Stage, prop.Candidate
	updated, err := promote.SetPin(overlay, prop.Image, candidate)
	if err != nil {
		return usageErrorf("%s: %w", promote.OverlayPath(stage.Name), err)
	}
	diff := promote.Diff(promote.OverlayPath(stage.Name), overlay, updated)
	fmt.Fprintf(out, "\n%s", diff)
	if opts.DryRun {
		fmt.Fprintf(errOut, "Dry run: nothing was committed, pushed or opened.\n")
		return nil
	}
	author := commitAuthor(opts.IO, opts.Getenv)
	prop.Overlay, prop.Diff, prop.AuthorName, prop.AuthorEmail = updated, diff, author.Name, author.Email
	res, err := p.session.Propose(ctx, change.Request{
		Branch: prop.Branch(), Edit: prop.Edit, Message: prop.Message(), Author: author, When: opts.Now(),
		Title: prop.Title(), Description: prop.Description(), Labels: prop.Labels(),
	})
	if err != nil {
		return err
	}
	if res.MR == nil { // cannot happen: the stage's pin differs from the candidate
		fmt.Fprintf(errOut, "%s already pins %s: nothing to propose\n", promote.OverlayPath(stage.Name), candidate)
		return nil
	}
	verb := "Updated"
	if res.Created {
		verb = "Opened"
	}
	fmt.Fprintf(errOut, "%s %s merge request !%d to promote %s to %s\n", st.SuccessIcon(), verb, res.MR.IID, candidate, stage.Name)
	fmt.Fprintln(out, res.MR.WebURL)
	return nil
}

// runPromotePipeline triggers the deploy pipeline and, with --wait, follows it.
func runPromotePipeline(ctx context.Context, opts *PromoteOptions, p *promotion, stage promote.Stage, candidate string) error {
	ios := opts.IO
	out, errOut, st := ios.Out, ios.ErrOut, ios.Styles()
	branch, project := p.Project.DefaultBranch, p.Project.PathWithNamespace
	if opts.DryRun {
		fmt.Fprintf(out, "\nWould trigger a pipeline on %s with PLATFORM_PROMOTE_STAGE=%s PLATFORM_PROMOTE_VERSION=%s\n", branch, stage.Name, candidate)
		fmt.Fprintf(errOut, "Dry run: nothing was triggered.\n")
		return nil
	}
	vars := map[string]string{"PLATFORM_PROMOTE_STAGE": stage.Name, "PLATFORM_PROMOTE_VERSION": candidate}
	pl, err := p.Client.CreatePipeline(ctx, project, branch, vars)
	if err != nil {
		return err
	}
	fmt.Fprintf(errOut, "%s Triggered pipeline #%d on %s\n", st.SuccessIcon(), pl.ID, branch)
	fmt.Fprintln(out, pl.WebURL)
	if !opts.Wait {
		return nil
	}
	return waitPromotePipeline(ctx, opts, p, pl, stage, candidate)
}

// waitPromotePipeline follows the pipeline until it ends or --timeout passes,
// showing its status as it changes.
func waitPromotePipeline(ctx context.Context, opts *PromoteOptions, p *promotion, pl *gitlab.Pipeline, stage promote.Stage, candidate string) (err error) {
	ios := opts.IO
	errOut, st := ios.ErrOut, ios.Styles()
	deadline := opts.Now().Add(opts.Timeout)
	last := ""
	for {
		if pl.Status != last {
			last = pl.Status
			status := fmt.Sprintf("pipeline #%d: %s", pl.ID, pl.Status)
			if ios.IsStderrTTY() {
				status = st.Muted.Render("…") + " " + status
			}
			ios.StatusLine(status)
		}
		switch pl.Status {
		case "success":
			ios.EndStatusLine()
			fmt.Fprintf(errOut, "%s %s promoted to %s\n", st.SuccessIcon(), candidate, stage.Name)
			return nil
		case "failed", "canceled", "skipped":
			ios.EndStatusLine()
			fmt.Fprintf(errOut, "%s pipeline #%d %s: %s\n", st.FailureIcon(), pl.ID, pl.Status, pl.WebURL)
			return &SilentError{Code: ExitCheckFailed}
		}
		if opts.Now().After(deadline) {
			return &ExitError{Code: ExitCheckFailed, Err: fmt.Errorf("gave up waiting after %s: pipeline #%d is still %s (%s)", opts.Timeout, pl.ID, pl.Status, pl.WebURL)}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(opts.Poll):
		}
		if pl, err = p.Client.Pipeline(ctx, p.Project.PathWithNamespace, pl.ID); err != nil {
			return err
		}
	}
}

// PromoteStatusOptions are the inputs of `platform promote status`.
type PromoteStatusOptions struct {
	IO  *iostreams.IOStreams
	Now func() time.Time
	// Target resolves the project, the git remote and the GitLab URL;
	// Connect reaches that GitLab.
	Target  config.GitLabTarget
	Connect gitLabConnector

	JSON   bool
	GitLab GitLabOptions
}

func newPromoteStatusCmd(f *Factory, runF func(context.Context, *PromoteStatusOptions) error) *cobra.Command {
	opts := &PromoteStatusOptions{}
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show what runs in each environment, its last deployment and its gates",
		Example: `  platform promote status
  platform promote status --json | jq '.stages[] | {name, version}'`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.IO, opts.Now = f.IOStreams, f.Now
			opts.Target, opts.Connect = f.GitLabTarget(opts.GitLab), f.GitLab
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runPromoteStatus(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the status as JSON")
	addGitLabFlags(cmd, &opts.GitLab)
	inService(f, cmd, inCurrentService)
	return cmd
}

func runPromoteStatus(ctx context.Context, opts *PromoteStatusOptions) error {
	p, err := openPromotion(ctx, opts.Target, opts.Connect)
	if err != nil {
		return err
	}
	defer p.session.Close()
	now := opts.Now()
	var stages []promote.StageStatus
	for i, stage := range p.Chain {
		s := promote.StageStatus{Stage: stage}
		if pin, _, err := p.Pin(stage.Name); err == nil {
			s.Version = pin.Version()
		}
		if s.Deployment, err = p.LatestDeployment(ctx, stage.Name); err != nil {
			return err
		}
		if i > 0 {
			ev, err := p.Evidence(ctx, stage, stages[i-1].Version, now)
			if err != nil {
				return err
			}
			s.Gates = promote.Evaluate(stage, ev)
		}
		stages = append(stages, s)
	}
	if opts.JSON {
		return writeJSON(opts.IO.Out, promote.Status(stages))
	}
	_, err = fmt.Fprintln(opts.IO.Out, promote.Picture(stages, now, opts.IO.TerminalWidth(), opts.IO.Styles()))
	return err
}

// completeStages offers the stages that can be promoted into, from ./platform.yaml.
func completeStages(_ *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	svc, _, err := config.LoadService(".")
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []cobra.Completion
	for _, env := range svc.Environments {
		if env.From != "" {
			out = append(out, cobra.CompletionWithDesc(env.Name, "promote from "+env.From))
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveKeepOrder
}
