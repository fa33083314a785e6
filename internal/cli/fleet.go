package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/platform-team/platform/internal/change"
	"github.com/platform-team/platform/internal/config"
	"github.com/platform-team/platform/internal/fleet"
	"github.com/platform-team/platform/internal/gitlab"
	"github.com/platform-team/platform/internal/gitx"
	"github.com/platform-team/platform/internal/iostreams"
	"github.com/platform-team/platform/internal/scaffold"
	"github.com/platform-team/platform/internal/updater"
	"github.com/platform-team/platform/internal/wizard"
)

func newFleetCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "fleet",
		Short: "See and move a GitLab group's services along their golden paths",
		Long: `See which services of a GitLab group are behind their template, and roll a
template release out to them as merge requests their owners review.

fleet reads each project's .platform/answers.yaml and catalog-info.yaml through
GitLab's repository files API (no clone), so a status of thousands of projects
takes seconds. fleet update runs 'platform update --mr' on a fresh clone of each
project that is behind. See docs/fleet.md.`,
		Args: exactArgs(0, "a subcommand: status or update"),
	}
	cmd.AddCommand(newFleetStatusCmd(f, nil), newFleetUpdateCmd(f, nil))
	return cmd
}

// FleetOptions are the inputs both fleet commands share.
type FleetOptions struct {
	IO      *iostreams.IOStreams
	Sources updater.Sources
	// Target resolves the GitLab URL; Connect reaches that GitLab.
	Target  config.GitLabTarget
	Connect gitLabConnector

	Group    string
	Template string
	Parallel int
	JSON     bool
	GitLab   GitLabOptions
}

func addFleetFlags(cmd *cobra.Command, opts *FleetOptions) {
	fl := cmd.Flags()
	fl.StringVar(&opts.Group, "group", "", "GitLab group `PATH` (its subgroups are included, archived projects skipped)")
	fl.StringVar(&opts.Template, "template", "", "only the services made from template `NAME`")
	fl.IntVar(&opts.Parallel, "parallel", 4, "projects worked on at once")
	fl.BoolVar(&opts.JSON, "json", false, "print JSON")
	fl.BoolVar(&opts.Sources.Pre, "pre", false, "let a git template's newest version be a pre-release")
	addGitLabURLFlag(cmd, &opts.GitLab)
	_ = cmd.MarkFlagRequired("group")
}

// check refuses bad shared flags.
func (opts *FleetOptions) check() error {
	if strings.Trim(opts.Group, "/ ") == "" {
		return flagErrorf("--group needs a GitLab group path, e.g. --group payments")
	}
	if opts.Parallel < 1 || opts.Parallel > 64 {
		return flagErrorf("--parallel %d: want 1 to 64", opts.Parallel)
	}
	return nil
}

func (opts *FleetOptions) setDependencies(f *Factory) error {
	resolver, err := f.Resolver()
	if err != nil {
		return err
	}
	opts.IO = f.IOStreams
	opts.Sources.Resolver, opts.Sources.Tags = resolver, gitx.RemoteTags
	opts.Target, opts.Connect = f.GitLabTarget(opts.GitLab), f.GitLab
	return nil
}

// status connects to GitLab and reads the state of the group's services.
func (opts *FleetOptions) status(ctx context.Context) (*GitLab, []fleet.Service, error) {
	gl, err := opts.Connect(opts.Target.URL())
	if err != nil {
		return nil, nil, err
	}
	services, err := fleet.Status(ctx, fleet.Options{
		Client: gl.Client, Group: opts.Group, Template: opts.Template, Parallel: opts.Parallel, Sources: opts.Sources,
	})
	if errors.Is(err, gitlab.ErrNotFound) {
		return nil, nil, usageErrorf("%w: check --group (the full path, e.g. payments/backend)", err)
	}
	return gl, services, err
}

// FleetStatusOptions are the inputs of `platform fleet status`.
type FleetStatusOptions struct {
	FleetOptions
	Format string
}

func newFleetStatusCmd(f *Factory, runF func(context.Context, *FleetStatusOptions) error) *cobra.Command {
	opts := &FleetStatusOptions{}
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show which services of a group are behind their template",
		Long: `Show, for every project of a GitLab group and its subgroups (archived ones
skipped), the template its service was made from, the version it is on, the
template's latest version, and its state:

  current    on the latest version
  behind     a newer version exists (the open update merge request is shown)
  unmanaged  no .platform/answers.yaml: not made by 'platform new service'
  unknown    the answers or the template source cannot be read (the reason is shown)

Each template's latest version is resolved once: for an embedded template, the
version in this binary; for a git template, its repository's highest release tag.
At most three API requests are made per project. The exit status is 0 whatever
the states: use --json and a filter to fail a pipeline on them.`,
		Example: `  platform fleet status --group payments
  platform fleet status --group payments --template go-service --json
  platform fleet status --group payments --format markdown > fleet.md`,
		Args: exactArgs(0, "no arguments (the group is --group)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.check(); err != nil {
				return err
			}
			switch opts.Format {
			case "table", "markdown":
			default:
				return flagErrorf("--format %q: want table or markdown", opts.Format)
			}
			if opts.JSON && cmd.Flags().Changed("format") {
				return flagErrorf("--json and --format are two outputs: choose one")
			}
			if err := opts.setDependencies(f); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runFleetStatus(cmd.Context(), opts)
		},
	}
	addFleetFlags(cmd, &opts.FleetOptions)
	cmd.Flags().StringVar(&opts.Format, "format", "table", "output `FORMAT`: table, or markdown to paste into an issue")
	return cmd
}

func runFleetStatus(ctx context.Context, opts *FleetStatusOptions) error {
	_, services, err := opts.status(ctx)
	if err != nil {
		return err
	}
	if services == nil {
		services = []fleet.Service{}
	}
	out := opts.IO.Out
	switch {
	case opts.JSON:
		return writeJSON(out, services)
	case opts.Format == "markdown":
		writeFleetMarkdown(out, services)
	default:
		writeFleetTable(out, services)
	}
	fmt.Fprintln(opts.IO.ErrOut, fleetSummary(services))
	return nil
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func mrText(mr *string) string {
	if mr == nil {
		return "-"
	}
	return *mr
}

// stateText is the state, with the reason of an unknown one.
func stateText(s fleet.Service) string {
	if s.Reason != "" {
		return string(s.State) + ": " + s.Reason
	}
	return string(s.State)
}

func writeFleetTable(w io.Writer, services []fleet.Service) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PROJECT\tOWNER\tTEMPLATE\tVERSION\tLATEST\tSTATE\tMR")
	for _, s := range services {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s.Project, dash(s.Owner), dash(s.Template), dash(s.Version), dash(s.Latest), stateText(s), mrText(s.MR))
	}
	tw.Flush()
}

func writeFleetMarkdown(w io.Writer, services []fleet.Service) {
	cell := func(s string) string { return strings.ReplaceAll(dash(s), "|", `\|`) }
	fmt.Fprintln(w, "| Project | Owner | Template | Version | Latest | State | MR |")
	fmt.Fprintln(w, "| --- | --- | --- | --- | --- | --- | --- |")
	for _, s := range services {
		mr := "-"
		if s.MR != nil {
			mr = "[open](" + *s.MR + ")"
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s |\n", cell(s.Project), cell(s.Owner), cell(s.Template), cell(s.Version), cell(s.Latest), cell(stateText(s)), mr)
	}
}

// fleetSummary is "N services, N behind (go-service 3, cronjob 1), ...".
func fleetSummary(services []fleet.Service) string {
	count := map[fleet.State]int{}
	behind := map[string]int{}
	for _, s := range services {
		count[s.State]++
		if s.State == fleet.Behind {
			behind[s.Template]++
		}
	}
	var per []string
	for _, t := range slices.Sorted(maps.Keys(behind)) {
		per = append(per, fmt.Sprintf("%s %d", t, behind[t]))
	}
	line := fmt.Sprintf("%d services: %d behind", len(services), count[fleet.Behind])
	if len(per) > 0 {
		line += " (" + strings.Join(per, ", ") + ")"
	}
	return line + fmt.Sprintf(", %d current, %d unmanaged, %d unknown", count[fleet.Current], count[fleet.Unmanaged], count[fleet.Unknown])
}

// FleetUpdateOptions are the inputs of `platform fleet update`.
type FleetUpdateOptions struct {
	FleetOptions
	Getenv  func(string) string
	Now     func() time.Time
	Service scaffold.ServiceOptions
	// Wizard confirms the plan; nil when prompting is not allowed.
	Wizard *wizard.Wizard

	To         string
	DryRun     bool
	Yes        bool
	Accessible bool
	Shard      string
}

func newFleetUpdateCmd(f *Factory, runF func(context.Context, *FleetUpdateOptions) error) *cobra.Command {
	opts := &FleetUpdateOptions{}
	cmd := &cobra.Command{
		Use:   "update",
		Short: "Roll a template release out to a group's services as merge requests",
		Long: `Update every service of a GitLab group that is behind its template: for each,
clone its default branch into a temporary directory, run the same update as
'platform update --mr', push branch platform/update-<template>-<version> and open
(or, on a rerun, update) one merge request, a draft that lists the conflicted
files when the merge conflicts. Current, unmanaged and unknown projects are not
touched.

At a terminal the plan is shown and confirmed before anything is pushed; --yes
never asks. --dry-run clones and merges but pushes nothing and opens nothing: it
reports what each project would get.

One failing project never stops the others: it is reported, and the run exits 3
at the end (0 otherwise; conflicts are drafts, not failures). --shard I/N takes a
stable slice of the group (by project path), so a scheduled GitLab CI job with
'parallel: N' splits a large fleet: --shard $CI_NODE_INDEX/$CI_NODE_TOTAL.`,
		Example: `  platform fleet update --group payments --template go-service --dry-run
  platform fleet update --group payments --template go-service --yes
  platform fleet update --group payments --yes --json --shard $CI_NODE_INDEX/$CI_NODE_TOTAL`,
		Args: exactArgs(0, "no arguments (the group is --group)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.check(); err != nil {
				return err
			}
			if opts.To != "" && opts.Template == "" {
				return flagErrorf("--to names a version of one template: add --template NAME")
			}
			if opts.Shard != "" {
				if _, err := fleet.ParseShard(opts.Shard); err != nil {
					return flagErrorf("--%w", err)
				}
			}
			if err := opts.setDependencies(f); err != nil {
				return err
			}
			budget, err := renderBudget(f.Getenv)
			if err != nil {
				return err
			}
			opts.Getenv, opts.Now = f.Getenv, f.Now
			opts.Sources.To = opts.To
			opts.Service = scaffold.ServiceOptions{PlatformVersion: versionString(f.Build), Budget: budget, AnnotationPrefix: f.Config.AnnotationPrefix}
			opts.Accessible = opts.Accessible || f.Config.Accessible
			if !opts.Yes && !opts.DryRun && (opts.Accessible || opts.IO.CanPrompt()) {
				opts.Wizard = &wizard.Wizard{Prompter: wizard.ForStreams(f.IOStreams, opts.Accessible)}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runFleetUpdate(cmd.Context(), opts)
		},
	}
	addFleetFlags(cmd, &opts.FleetOptions)
	fl := cmd.Flags()
	fl.StringVar(&opts.To, "to", "", "update to this `VERSION` instead of each template's latest")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "clone and merge, but push nothing and open nothing")
	fl.BoolVarP(&opts.Yes, "yes", "y", false, "never ask before pushing")
	fl.BoolVar(&opts.Accessible, "accessible", false, "ask as a plain line prompt (screen readers, piped input)")
	fl.StringVar(&opts.Shard, "shard", "", "work on slice `I/N` of the group only (e.g. $CI_NODE_INDEX/$CI_NODE_TOTAL)")
	return cmd
}

func runFleetUpdate(ctx context.Context, opts *FleetUpdateOptions) error {
	gl, services, err := opts.status(ctx)
	if err != nil {
		return err
	}
	if opts.Shard != "" {
		shard, _ := fleet.ParseShard(opts.Shard) // checked with the flags
		services = shard.Of(services)
	}
	behind := 0
	for _, s := range services {
		if s.State == fleet.Behind {
			behind++
		}
	}
	errOut, st := opts.IO.ErrOut, opts.IO.Styles()
	if behind == 0 {
		fmt.Fprintf(errOut, "No service is behind: nothing to update. %s\n", fleetSummary(services))
		if opts.JSON {
			return writeJSON(opts.IO.Out, fleet.Update(ctx, services, fleet.UpdateOptions{}))
		}
		return nil
	}
	if opts.Wizard != nil {
		if err := opts.Wizard.ConfirmTo(ctx, fleetPlan(services), fmt.Sprintf("Open or update %d merge request(s)?", behind), "Push"); err != nil {
			return err
		}
	}
	outcomes := fleet.Update(ctx, services, opts.updateOptions(gl))
	if err := ctx.Err(); err != nil {
		return err
	}
	if opts.JSON {
		if err := writeJSON(opts.IO.Out, outcomes); err != nil {
			return err
		}
	} else {
		writeOutcomes(opts.IO.Out, outcomes)
	}
	if opts.DryRun {
		fmt.Fprintln(errOut, "Dry run: nothing was pushed and no merge request was opened.")
	}
	if err := fleet.Failures(outcomes); err != nil {
		return err
	}
	fmt.Fprintf(errOut, "%s %s\n", st.SuccessIcon(), outcomeSummary(outcomes))
	return nil
}

// updateOptions say how each behind project is updated: a change session
// on its repository with the token (sent only to the GitLab's host), the
// render options, the author, and progress lines at a terminal.
func (opts *FleetUpdateOptions) updateOptions(gl *GitLab) fleet.UpdateOptions {
	uopts := fleet.UpdateOptions{
		Open: func(ctx context.Context, p *gitlab.Project) (*change.Session, error) {
			return openSession(ctx, gl, p, p.HTTPURLToRepo, "platform-fleet-*")
		},
		Sources:  opts.Sources,
		Inputs:   updater.Inputs{Service: opts.Service},
		Author:   commitAuthor(opts.IO, opts.Getenv),
		When:     opts.Now(),
		DryRun:   opts.DryRun,
		Parallel: opts.Parallel,
	}
	if opts.IO.IsStderrTTY() {
		errOut := opts.IO.ErrOut
		uopts.Progress = func(done, total int, o fleet.Outcome) {
			fmt.Fprintf(errOut, "[%d/%d] %s: %s\n", done, total, o.Project, outcomeText(o))
		}
	}
	return uopts
}

// fleetPlan is what the confirmation shows: each behind project and its move.
func fleetPlan(services []fleet.Service) string {
	var b strings.Builder
	b.WriteString("Update these services (a merge request each):\n\n")
	for _, s := range services {
		if s.State == fleet.Behind {
			fmt.Fprintf(&b, "  %s  %s %s -> %s\n", s.Project, s.Template, s.Version, s.Latest)
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

func outcomeText(o fleet.Outcome) string {
	switch {
	case o.Error != "":
		return string(o.Action) + ": " + o.Error
	case len(o.Conflicts) > 0:
		return fmt.Sprintf("%s (draft: conflicts in %s)", o.Action, strings.Join(o.Conflicts, ", "))
	}
	return string(o.Action)
}

func writeOutcomes(w io.Writer, outcomes []fleet.Outcome) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PROJECT\tTEMPLATE\tVERSION\tTARGET\tACTION\tMR")
	for _, o := range outcomes {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", o.Project, dash(o.Template), dash(o.Version), dash(o.Latest), outcomeText(o), mrText(o.MR))
	}
	tw.Flush()
}

// outcomeSummary counts the outcomes by action.
func outcomeSummary(outcomes []fleet.Outcome) string {
	count := map[fleet.Action]int{}
	for _, o := range outcomes {
		count[o.Action]++
	}
	var parts []string
	for _, a := range []fleet.Action{fleet.Opened, fleet.Updated, fleet.Unchanged, fleet.WouldOpen, fleet.Skipped, fleet.Failed} {
		if count[a] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", count[a], a))
		}
	}
	return fmt.Sprintf("%d projects: %s", len(outcomes), strings.Join(parts, ", "))
}
