package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/platform-team/platform/internal/config"
	"github.com/platform-team/platform/internal/gitlab"
	"github.com/platform-team/platform/internal/gitx"
	"github.com/platform-team/platform/internal/promote"
	"github.com/platform-team/platform/internal/redact"
)

// PromoteOptions are the inputs of `platform promote STAGE`.
type PromoteOptions struct {
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

func newPromoteCmd(f *Factory) *cobra.Command {
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
			return runPromote(cmd.Context(), f, opts)
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
	cmd.AddCommand(newPromoteStatusCmd(f))
	return cmd
}

// promotion is what a promote run knows about the service.
type promotion struct {
	client   *GitLab // with the token, which PushOptions sends only to the GitLab's host
	project  *gitlab.Project
	remote   string
	checkout string // a fresh clone of the remote's default branch
	svc      *config.Service
	chain    []promote.Stage
	cleanup  func()

	// Asked once per run: status evaluates every stage's gates.
	deployments   map[string]*gitlab.Deployment
	freezePeriods []gitlab.FreezePeriod
	freezeLoaded  bool
}

// latestDeployment is the environment's most recent deployment, nil if none.
func (p *promotion) latestDeployment(ctx context.Context, env string) (*gitlab.Deployment, error) {
	if d, ok := p.deployments[env]; ok {
		return d, nil
	}
	list, err := p.client.Deployments(ctx, p.project.PathWithNamespace, env, "")
	if err != nil {
		return nil, err
	}
	var d *gitlab.Deployment
	if len(list) > 0 {
		d = &list[0]
	}
	if p.deployments == nil {
		p.deployments = map[string]*gitlab.Deployment{}
	}
	p.deployments[env] = d
	return d, nil
}

// freeze returns GitLab's freeze periods for the project.
func (p *promotion) freeze(ctx context.Context) ([]gitlab.FreezePeriod, error) {
	if !p.freezeLoaded {
		periods, err := p.client.FreezePeriods(ctx, p.project.PathWithNamespace)
		if err != nil {
			return nil, err
		}
		p.freezePeriods, p.freezeLoaded = periods, true
	}
	return p.freezePeriods, nil
}

// openPromotion resolves the project and clones the remote's default branch:
// promotion never trusts a stale local checkout.
func openPromotion(ctx context.Context, f *Factory, gl GitLabOptions) (*promotion, error) {
	target := f.GitLabTarget(gl)
	path, _, err := target.Project(".")
	if err != nil {
		return nil, err
	}
	remote, err := target.Remote(".")
	if err != nil {
		return nil, usageErrorf("no git remote: promote reads and pushes the service's repository; add one (git remote add origin <url>)")
	}
	client, err := f.GitLab(target.URL())
	if err != nil {
		return nil, err
	}
	proj, err := client.Project(ctx, path)
	if errors.Is(err, gitlab.ErrNotFound) {
		return nil, usageErrorf("GitLab project %s not found: check --project or the git remote", path)
	}
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "platform-promote-*")
	if err != nil {
		return nil, err
	}
	p := &promotion{client: client, project: proj, remote: remote, cleanup: func() { os.RemoveAll(tmp) }}
	p.checkout = filepath.Join(tmp, "repo")
	if _, err := gitx.Clone(ctx, remote, proj.DefaultBranch, p.checkout); err != nil {
		p.cleanup()
		return nil, err
	}
	// The fresh clone's platform.yaml, not the working copy's.
	svc, file, err := config.LoadService(p.checkout)
	var invalid *config.ServiceFileError
	switch {
	case errors.As(err, &invalid):
		p.cleanup()
		return nil, usageErrorf("%w", invalid.Err) // its path is the temporary clone's
	case err != nil:
		p.cleanup()
		return nil, usageErrorf("%w", err)
	case file == "":
		p.cleanup()
		return nil, usageErrorf("%s on %s has no platform.yaml: promotion needs its environments", redact.URL(remote), proj.DefaultBranch)
	}
	p.svc = svc
	if p.chain, err = promote.Chain(p.svc); err != nil {
		p.cleanup()
		return nil, usageErrorf("%w", err)
	}
	return p, nil
}

// pin reads the version a stage's overlay pins in the fresh checkout.
func (p *promotion) pin(stage string) (promote.Pin, []byte, error) {
	data, err := os.ReadFile(filepath.Join(p.checkout, filepath.FromSlash(promote.OverlayPath(stage))))
	if err != nil {
		return promote.Pin{}, nil, usageErrorf("%s: %w", promote.OverlayPath(stage), err)
	}
	pin, err := promote.ReadPin(data, p.svc.Promotion.Image)
	if err != nil {
		return promote.Pin{}, nil, usageErrorf("%s: %w", promote.OverlayPath(stage), err)
	}
	return pin, data, nil
}

// evidence gathers what the stage's gates need from GitLab and git.
func (p *promotion) evidence(ctx context.Context, f *Factory, stage promote.Stage, candidate string) (promote.Evidence, error) {
	ev := promote.Evidence{Now: f.Now(), Candidate: candidate}
	d, err := p.latestDeployment(ctx, stage.From)
	if err != nil {
		return ev, err
	}
	if d != nil {
		ev.Deployment = d
		if data, err := gitx.ReadFileAt(p.checkout, ev.Deployment.SHA, promote.OverlayPath(stage.From)); err == nil {
			if pin, err := promote.ReadPin(data, p.svc.Promotion.Image); err == nil {
				ev.DeployedPin = pin.Version()
			}
		}
	}
	if stage.Gates.Pipeline != "" {
		// No pipeline yet is a failed gate, not an error: GitLab answers 403 then.
		if pl, err := p.client.LatestPipeline(ctx, p.project.PathWithNamespace, p.project.DefaultBranch); err == nil {
			ev.Pipeline = pl
		}
	}
	// GitLab's freeze periods hold whether or not platform.yaml names windows.
	periods, err := p.freeze(ctx)
	if err != nil {
		return ev, err
	}
	ev.FreezePeriods = periods
	return ev, nil
}

func runPromote(ctx context.Context, f *Factory, opts *PromoteOptions) error {
	p, err := openPromotion(ctx, f, opts.GitLab)
	if err != nil {
		return err
	}
	defer p.cleanup()
	stage, err := promote.Target(p.chain, opts.Stage)
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
	out, errOut, st := f.IOStreams.Out, f.IOStreams.ErrOut, f.IOStreams.Styles()
	if current.Version() == candidate {
		fmt.Fprintf(out, "%s already runs %s: nothing to promote.\n", stage.Name, candidate)
		return nil
	}
	ev, err := p.evidence(ctx, f, stage, candidate)
	if err != nil {
		return err
	}
	results := promote.Evaluate(stage, ev)
	fmt.Fprintf(out, "Promote %s from %s (%s) to %s (%s)\n\n%s\n", candidate, stage.From, from.Version(), stage.Name, current.Version(), promote.Table(results))
	var failed []string
	for _, r := range results {
		if r.Status == promote.GateFail {
			failed = append(failed, r.Gate)
		}
	}
	if len(failed) > 0 && !opts.Force {
		fmt.Fprintf(errOut, "%s promotion refused: %s failed (override with --force --reason TEXT)\n", st.FailureIcon(), strings.Join(failed, ", "))
		return &SilentError{Code: ExitCheckFailed}
	}
	if len(failed) > 0 {
		fmt.Fprintf(errOut, "%s overriding %s: %s\n", st.WarningIcon(), strings.Join(failed, ", "), opts.Reason)
	}
	if p.svc.Promotion.Strategy == "pipeline" {
		return runPromotePipeline(ctx, f, p, stage, candidate, opts)
	}

	updated, err := promote.SetPin(overlay, p.svc.Promotion.Image, candidate)
	if err != nil {
		return usageErrorf("%s: %w", promote.OverlayPath(stage.Name), err)
	}
	diff := promote.Diff(promote.OverlayPath(stage.Name), overlay, updated)
	fmt.Fprintf(out, "\n%s", diff)
	if opts.DryRun {
		fmt.Fprintf(errOut, "Dry run: nothing was committed, pushed or opened.\n")
		return nil
	}
	author := resolvePromoter(f)
	branch := promoteBranch(stage.Name, candidate)
	mrDescription := promoteDescription(stage, candidate, results, failed, opts.Reason, ev.Deployment, diff, author)
	if err := p.commitPin(ctx, f, branch, stage, candidate, updated, author); err != nil {
		return err
	}
	mr, created, err := p.client.EnsureMergeRequest(ctx, p.project.PathWithNamespace, gitlab.MROptions{
		Title:              fmt.Sprintf("Promote %s to %s", candidate, stage.Name),
		Description:        mrDescription,
		SourceBranch:       branch,
		TargetBranch:       p.project.DefaultBranch,
		Labels:             []string{"promotion", "stage::" + stage.Name},
		RemoveSourceBranch: true,
	})
	if err != nil {
		return err
	}
	verb := "Updated"
	if created {
		verb = "Opened"
	}
	fmt.Fprintf(errOut, "%s %s merge request !%d to promote %s to %s\n", st.SuccessIcon(), verb, mr.IID, candidate, stage.Name)
	fmt.Fprintln(out, mr.WebURL)
	return nil
}

// commitPin writes the new pin on the promotion branch and pushes it. A rerun
// finds the branch on the remote: it builds on it, or does nothing when the
// branch already pins the candidate.
func (p *promotion) commitPin(ctx context.Context, f *Factory, branch string, stage promote.Stage, candidate string, updated []byte, author gitx.Author) error {
	dir := p.checkout
	existing := filepath.Join(filepath.Dir(p.checkout), "branch")
	if _, err := gitx.Clone(ctx, p.remote, branch, existing); err == nil {
		dir = existing
		if data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(promote.OverlayPath(stage.Name)))); err == nil {
			if pin, err := promote.ReadPin(data, p.svc.Promotion.Image); err == nil && pin.Version() == candidate {
				return nil
			}
		}
	}
	path := promote.OverlayPath(stage.Name)
	if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(path)), updated, 0o644); err != nil {
		return err
	}
	msg := fmt.Sprintf("Promote %s to %s\n\nPinned by platform promote for %s <%s>.", candidate, stage.Name, author.Name, author.Email)
	if _, err := gitx.CommitOnBranch(dir, branch, []string{path}, author, msg, f.Now()); err != nil {
		return err
	}
	if _, err := gitx.Push(ctx, dir, p.client.PushOptions(p.remote, branch)); err != nil {
		return err
	}
	return nil
}

var unsafeBranchChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// promoteBranch is promote/<stage>-<version>, with a digest shortened.
func promoteBranch(stage, version string) string {
	v := strings.TrimPrefix(version, "sha256:")
	if len(v) == 64 {
		v = "sha256-" + v[:12]
	}
	return "promote/" + stage + "-" + strings.Trim(unsafeBranchChars.ReplaceAllString(v, "-"), "-")
}

func resolvePromoter(f *Factory) gitx.Author {
	if a, err := gitx.ResolveAuthor(f.Getenv); err == nil {
		return a
	}
	return gitx.Author{Name: "platform", Email: "platform@localhost"}
}

func promoteDescription(stage promote.Stage, candidate string, results []promote.GateResult, failed []string, reason string, d *gitlab.Deployment, diff string, author gitx.Author) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Promotes **%s** from **%s** to **%s**, requested by %s <%s> with `platform promote`.\n\n", candidate, stage.From, stage.Name, author.Name, author.Email)
	b.WriteString("## Gates\n\n" + promote.Markdown(results) + "\n")
	if len(failed) > 0 {
		fmt.Fprintf(&b, "\n**Gates overridden with --force:** %s\n\n**Reason:** %s\n", strings.Join(failed, ", "), reason)
	}
	if stage.Gates.Approvals > 0 {
		fmt.Fprintf(&b, "\nThis promotion needs %d approvals before it is merged.\n", stage.Gates.Approvals)
	}
	if d != nil {
		finished := "not finished"
		if d.FinishedAt != nil {
			finished = "finished " + d.FinishedAt.UTC().Format(time.RFC3339)
		}
		fmt.Fprintf(&b, "\n## Source deployment\n\n%s deployment !%d (#%d) of `%s` at %s: %s, %s\n", stage.From, d.IID, d.ID, d.Ref, shortSHA(d.SHA), d.Status, finished)
	}
	fmt.Fprintf(&b, "\n## Change\n\n```diff\n%s```\n", diff)
	return b.String()
}

func shortSHA(s string) string { return s[:min(8, len(s))] }

// runPromotePipeline triggers the deploy pipeline and, with --wait, follows it.
func runPromotePipeline(ctx context.Context, f *Factory, p *promotion, stage promote.Stage, candidate string, opts *PromoteOptions) error {
	out, errOut, st := f.IOStreams.Out, f.IOStreams.ErrOut, f.IOStreams.Styles()
	vars := map[string]string{"PLATFORM_PROMOTE_STAGE": stage.Name, "PLATFORM_PROMOTE_VERSION": candidate}
	if opts.DryRun {
		fmt.Fprintf(out, "\nWould trigger a pipeline on %s with PLATFORM_PROMOTE_STAGE=%s PLATFORM_PROMOTE_VERSION=%s\n", p.project.DefaultBranch, stage.Name, candidate)
		fmt.Fprintf(errOut, "Dry run: nothing was triggered.\n")
		return nil
	}
	pl, err := p.client.CreatePipeline(ctx, p.project.PathWithNamespace, p.project.DefaultBranch, vars)
	if err != nil {
		return err
	}
	fmt.Fprintf(errOut, "%s Triggered pipeline #%d on %s\n", st.SuccessIcon(), pl.ID, p.project.DefaultBranch)
	fmt.Fprintln(out, pl.WebURL)
	if !opts.Wait {
		return nil
	}
	deadline := time.Now().Add(opts.Timeout)
	last := ""
	for {
		if pl.Status != last {
			last = pl.Status
			if f.IOStreams.IsStderrTTY() {
				fmt.Fprintf(errOut, "\r\033[K%s pipeline #%d: %s", st.Muted.Render("…"), pl.ID, pl.Status)
			} else {
				fmt.Fprintf(errOut, "pipeline #%d: %s\n", pl.ID, pl.Status)
			}
		}
		switch pl.Status {
		case "success":
			if f.IOStreams.IsStderrTTY() {
				fmt.Fprintln(errOut)
			}
			fmt.Fprintf(errOut, "%s %s promoted to %s\n", st.SuccessIcon(), candidate, stage.Name)
			return nil
		case "failed", "canceled", "skipped":
			if f.IOStreams.IsStderrTTY() {
				fmt.Fprintln(errOut)
			}
			fmt.Fprintf(errOut, "%s pipeline #%d %s: %s\n", st.FailureIcon(), pl.ID, pl.Status, pl.WebURL)
			return &SilentError{Code: ExitCheckFailed}
		}
		if time.Now().After(deadline) {
			return &ExitError{Code: ExitCheckFailed, Err: fmt.Errorf("gave up waiting after %s: pipeline #%d is still %s (%s)", opts.Timeout, pl.ID, pl.Status, pl.WebURL)}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(opts.Poll):
		}
		if pl, err = p.client.Pipeline(ctx, p.project.PathWithNamespace, pl.ID); err != nil {
			return err
		}
	}
}

func newPromoteStatusCmd(f *Factory) *cobra.Command {
	var asJSON bool
	var gl GitLabOptions
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show what runs in each environment, its last deployment and its gates",
		Example: `  platform promote status
  platform promote status --json | jq '.stages[] | {name, version}'`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runPromoteStatus(cmd.Context(), f, gl, asJSON)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the status as JSON")
	addGitLabFlags(cmd, &gl)
	inService(f, cmd, inCurrentService)
	return cmd
}

func runPromoteStatus(ctx context.Context, f *Factory, gl GitLabOptions, asJSON bool) error {
	p, err := openPromotion(ctx, f, gl)
	if err != nil {
		return err
	}
	defer p.cleanup()
	var stages []promote.StageStatus
	for i, stage := range p.chain {
		s := promote.StageStatus{Stage: stage}
		if pin, _, err := p.pin(stage.Name); err == nil {
			s.Version = pin.Version()
		}
		if s.Deployment, err = p.latestDeployment(ctx, stage.Name); err != nil {
			return err
		}
		if i > 0 {
			candidate := stages[i-1].Version
			ev, err := p.evidence(ctx, f, stage, candidate)
			if err != nil {
				return err
			}
			s.Gates = promote.Evaluate(stage, ev)
		}
		stages = append(stages, s)
	}
	if asJSON {
		return writeJSON(f.IOStreams.Out, promote.Status(stages))
	}
	width := 100
	_, err = fmt.Fprintln(f.IOStreams.Out, promote.Picture(stages, f.Now(), width, f.IOStreams.Styles()))
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
