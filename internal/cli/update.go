package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/platform-team/platform/internal/config"
	"github.com/platform-team/platform/internal/gitx"
	"github.com/platform-team/platform/internal/iostreams"
	"github.com/platform-team/platform/internal/scaffold"
	"github.com/platform-team/platform/internal/update"
	"github.com/platform-team/platform/internal/updater"
	"github.com/platform-team/platform/internal/wizard"
)

// UpdateOptions are the inputs of `platform update`.
type UpdateOptions struct {
	IO     *iostreams.IOStreams
	Getenv func(string) string
	Now    func() time.Time
	// Sources resolve the template versions; Service says what the
	// platform adds to the skeleton, as for new service.
	Sources updater.Sources
	Service scaffold.ServiceOptions
	// Wizard asks for new parameters and confirms; nil when prompting is
	// not allowed (no terminal, --yes, --check, --dry-run, --mr).
	Wizard *wizard.Wizard

	Dir        string
	Inputs     scaffold.Inputs
	Yes        bool
	Accessible bool
	DryRun     bool
	JSON       bool
	Check      bool
	Commit     bool
	MR         bool
	GitLab     GitLabOptions
	// Target resolves the project and remote for --mr; Connect reaches GitLab.
	Target  config.GitLabTarget
	Connect gitLabConnector
}

func newUpdateCmd(f *Factory, runF func(context.Context, *UpdateOptions) error) *cobra.Command {
	opts := &UpdateOptions{}
	cmd := &cobra.Command{
		Use:   "update [DIR]",
		Short: "Bring a service to the newest version of its template, with a three-way merge",
		Long: `Bring a service made by 'platform new service' to a newer version of its
template. DIR (default: the current directory) must hold .platform/answers.yaml,
which records the template, its version and the answers.

Every file is merged three ways, as 'copier update' does: the old version
rendered with the recorded answers is the base, the service's committed tree is
ours, the new version rendered with the answers is theirs. A file the team never
changed takes the new version; a file the template did not change stays as the
team has it; a file both changed is merged line by line, and where both changed
the same lines it gets conflict markers, as 'git merge-file' writes them.
catalog-info.yaml is merged field by field; .platform/answers.yaml records the
new version and answers. Binary files are never merged: a conflict keeps the
team's file and writes the template's beside it as FILE.platform-new.

The new version: for an embedded template, the one in this binary (which also
carries every released version, so updating works offline); for a git template,
the highest release tag of its repository (pre-releases with --pre), or --to.
A downgrade is refused unless --to names it with --allow-downgrade.

The working tree must be clean: the update is one change to review with
'git diff' (or commit with --commit, or propose with --mr). Nothing is written
until the whole result is known, and then all of it is.

--mr leaves the checkout alone: it computes the update on a fresh clone of the
project's default branch, commits it on platform/update-<template>-<version> and
opens or updates one merge request, a draft that lists the files to resolve
while conflicts remain (the exit status is then still 0).

Exit status: 0 updated (or already up to date), 1 conflicts remain (or, with
--check, a newer version exists), 2 bad input or a dirty working tree, 3 a
template or GitLab could not be reached. See docs/updating.md.`,
		Example: `  # Preview, then update the service in the current directory
  platform update --dry-run
  platform update

  # In CI: is the service behind its golden path?
  platform update --check --json

  # Update and commit, or propose the update as a merge request
  platform update --commit --yes
  platform update --mr --yes

  # A git template: a given release, or back to an older one
  platform update --to v1.4.0
  platform update --to v1.2.0 --allow-downgrade`,
		Args: maxArgs(1, "one DIR"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Dir = "."
			if len(args) == 1 {
				opts.Dir = args[0]
			}
			if err := opts.checkFlags(); err != nil {
				return err
			}
			if err := opts.setDependencies(f); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runUpdate(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Sources.To, "to", "", "update to this `VERSION` (or, for a git template, any tag, branch or commit)")
	fl.BoolVar(&opts.Sources.Pre, "pre", false, "let the newest version of a git template be a pre-release")
	fl.BoolVar(&opts.Sources.AllowDowngrade, "allow-downgrade", false, "with --to, allow an older version than the service's")
	// Not --template: the configured default template would fill it.
	fl.StringVar(&opts.Sources.Template, "source", "", "take the new version from `REF` (a directory or GIT_URL//SUBDIR@REF) instead of the recorded source; needed for a template made from a local directory")
	fl.StringVar(&opts.Sources.Base, "base", "", "take the service's current version from `REF`, when its recorded source cannot reproduce it")
	fl.StringArrayVar(&opts.Inputs.Sets, "set", nil, "set a template parameter, `key=value` (repeatable); changes a recorded answer too")
	fl.StringArrayVarP(&opts.Inputs.ValuesFiles, "values", "f", nil, "read parameter values from a YAML `FILE` (repeatable)")
	fl.BoolVarP(&opts.Yes, "yes", "y", false, "never prompt: new parameters take their defaults or --set")
	fl.BoolVar(&opts.Accessible, "accessible", false, "ask questions as plain line prompts (screen readers, piped input)")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "print what would change in each file, and write nothing")
	fl.BoolVar(&opts.JSON, "json", false, "with --dry-run or --check, print JSON")
	fl.BoolVar(&opts.Check, "check", false, "only tell whether a newer version exists: exit 0 current, 1 behind")
	fl.BoolVar(&opts.Commit, "commit", false, "commit the update on the current branch (refused while conflicts remain)")
	fl.BoolVar(&opts.MR, "mr", false, "propose the update as a merge request on branch platform/update-<template>-<version>")
	addGitLabFlags(cmd, &opts.GitLab)
	inService(f, cmd, func(_ *cobra.Command, args []string) (string, string) {
		if len(args) == 1 {
			return args[0], ""
		}
		return ".", ""
	})
	return cmd
}

// checkFlags refuses flags that do not go together.
func (opts *UpdateOptions) checkFlags() error {
	switch {
	case opts.JSON && !opts.DryRun && !opts.Check:
		return flagErrorf("--json goes with --dry-run or --check")
	case opts.Check && (opts.DryRun || opts.Commit || opts.MR):
		return flagErrorf("--check only reports: drop --dry-run, --commit and --mr")
	case opts.Commit && opts.MR:
		return flagErrorf("--mr commits on its own branch: drop --commit")
	case opts.DryRun && (opts.Commit || opts.MR):
		return flagErrorf("--dry-run writes nothing: drop --commit and --mr")
	case opts.Sources.AllowDowngrade && opts.Sources.To == "":
		return flagErrorf("--allow-downgrade goes with --to VERSION: name the older version on purpose")
	}
	return nil
}

func (opts *UpdateOptions) setDependencies(f *Factory) error {
	resolver, err := f.Resolver()
	if err != nil {
		return err
	}
	budget, err := renderBudget(f.Getenv)
	if err != nil {
		return err
	}
	opts.IO, opts.Getenv, opts.Now = f.IOStreams, f.Getenv, f.Now
	opts.Sources.Resolver, opts.Sources.Tags = resolver, gitx.RemoteTags
	opts.Service = scaffold.ServiceOptions{PlatformVersion: versionString(f.Build), Budget: budget, AnnotationPrefix: f.Config.AnnotationPrefix}
	opts.Accessible = opts.Accessible || f.Config.Accessible
	opts.Inputs.ReadFile = os.ReadFile
	interactive := !opts.Yes && !opts.Check && !opts.DryRun && !opts.MR && (opts.Accessible || opts.IO.CanPrompt())
	if interactive {
		opts.Wizard = &wizard.Wizard{Prompter: wizard.ForStreams(f.IOStreams, opts.Accessible)}
	}
	opts.Target, opts.Connect = f.GitLabTarget(opts.GitLab), f.GitLab
	return nil
}

func runUpdate(ctx context.Context, opts *UpdateOptions) error {
	if opts.MR {
		return runUpdateMR(ctx, opts)
	}
	if opts.Check {
		svc, err := updater.Inspect(opts.Dir)
		if err != nil {
			return err
		}
		return runUpdateCheck(ctx, opts, svc)
	}
	svc, err := updater.Open(opts.Dir)
	if err != nil {
		return err
	}
	res, err := prepareUpdate(ctx, opts, svc)
	if err != nil {
		return err
	}
	if opts.DryRun {
		return printUpdatePlan(opts, res)
	}
	if res.UpToDate() {
		fmt.Fprintf(opts.IO.ErrOut, "%s is already up to date with %s.\n", opts.Dir, res.Versions.Label())
		return nil
	}
	if opts.Wizard != nil {
		if err := opts.Wizard.ConfirmTo(ctx, updateSummary(res), "Update the service?", "Update"); err != nil {
			return err
		}
	}
	if err := res.Apply(ctx); err != nil {
		return err
	}
	reportUpdate(opts, res)
	if conflicted := res.Plan.Conflicted(); len(conflicted) > 0 {
		return conflictsRemain(opts, res, conflicted)
	}
	if opts.Commit {
		return commitUpdate(opts, res)
	}
	return nil
}

// prepareUpdate resolves the two versions and computes the update, asking
// for new parameters at a terminal.
func prepareUpdate(ctx context.Context, opts *UpdateOptions, svc *updater.Service) (*updater.Result, error) {
	v, err := updater.Resolve(ctx, svc, opts.Sources)
	if err != nil {
		return nil, err
	}
	in := updater.Inputs{Values: opts.Inputs, Service: opts.Service}
	if opts.Wizard != nil {
		in.Values.Ask = func(given scaffold.Values) (scaffold.Values, error) {
			return opts.Wizard.Ask(ctx, v.Theirs, given)
		}
	}
	return updater.Prepare(ctx, svc, v, in)
}

// runUpdateCheck reports whether the service is behind: exit 1 when it is.
func runUpdateCheck(ctx context.Context, opts *UpdateOptions, svc *updater.Service) error {
	c, err := updater.Latest(ctx, svc.Provenance.Template, opts.Sources)
	if err != nil {
		return err
	}
	if opts.JSON {
		if err := writeJSON(opts.IO.Out, c); err != nil {
			return err
		}
	} else if c.Behind {
		fmt.Fprintf(opts.IO.Out, "%s %s -> %s\n", c.Template, c.Current, c.Latest)
	} else {
		fmt.Fprintf(opts.IO.Out, "%s %s is the latest version\n", c.Template, c.Current)
	}
	if c.Behind {
		return &SilentError{Code: ExitCheckFailed}
	}
	return nil
}

// updateJSON is the --dry-run --json document.
type updateJSON struct {
	Template      string           `json:"template"`
	From          string           `json:"from"`
	To            string           `json:"to"`
	UpToDate      bool             `json:"upToDate"`
	Files         []updateFileJSON `json:"files"`
	Conflicts     []string         `json:"conflicts"`
	NewParameters map[string]any   `json:"newParameters"`
	Dropped       []string         `json:"droppedAnswers"`
	Summary       map[string]int   `json:"summary"`
	Notes         []string         `json:"notes"`
}

type updateFileJSON struct {
	Path      string `json:"path"`
	Action    string `json:"action"`
	From      string `json:"from,omitempty"`
	Conflicts int    `json:"conflicts,omitempty"`
}

func printUpdatePlan(opts *UpdateOptions, res *updater.Result) error {
	if opts.JSON {
		doc := updateJSON{
			Template: res.Versions.Template, From: res.Versions.Current, To: res.Versions.Target(),
			UpToDate: res.UpToDate(), Files: []updateFileJSON{}, Conflicts: orEmpty(res.Plan.Conflicted()),
			NewParameters: map[string]any{}, Dropped: orEmpty(res.Dropped), Summary: map[string]int{}, Notes: orEmpty(res.Notes),
		}
		for _, c := range res.Plan.Changes {
			doc.Files = append(doc.Files, updateFileJSON{Path: c.Path, Action: string(c.Action), From: c.From, Conflicts: c.Conflicts})
		}
		for a, n := range res.Plan.Summary() {
			doc.Summary[string(a)] = n
		}
		for _, p := range res.NewParameters {
			doc.NewParameters[p] = res.Values[p]
		}
		return writeJSON(opts.IO.Out, doc)
	}
	fmt.Fprintf(opts.IO.ErrOut, "Dry run: %s; nothing is written.\n", updateHeadline(res))
	printChanges(opts.IO, res)
	return nil
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func updateHeadline(res *updater.Result) string {
	v := res.Versions
	return fmt.Sprintf("%s %s -> %s in %s", v.Template, v.Current, v.Target(), res.Service.Dir)
}

// printChanges lists every file the update touches or reports (unchanged
// files are left out), then the answers and notes, on stdout.
func printChanges(ios *iostreams.IOStreams, res *updater.Result) {
	out := ios.Out
	for _, c := range res.Plan.Changes {
		if !updater.Listed(c) {
			continue
		}
		line := fmt.Sprintf("%-15s %s", c.Action, c.Path)
		if c.From != "" {
			line += " (from " + c.From + ")"
		}
		if c.Extra != nil {
			line += " (the template's version: " + c.Extra.Path + ")"
		}
		fmt.Fprintln(out, line)
	}
	for _, p := range res.NewParameters {
		fmt.Fprintf(out, "new parameter   %s = %v\n", p, res.Values[p])
	}
	for _, p := range res.Dropped {
		fmt.Fprintf(out, "dropped answer  %s (the template no longer has it)\n", p)
	}
	for _, n := range res.Notes {
		fmt.Fprintf(out, "note            %s\n", n)
	}
	if res.UpToDate() {
		fmt.Fprintln(out, "already up to date")
	}
}

// updateSummary is what the wizard shows before it asks to go ahead.
func updateSummary(res *updater.Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Update %s\n\n", updateHeadline(res))
	for _, a := range []update.Action{update.Updated, update.Merged, update.Conflict, update.BinaryConflict,
		update.Added, update.Removed, update.Renamed, update.KeptRemoved, update.TeamDeleted} {
		if n := res.Plan.Summary()[a]; n > 0 {
			fmt.Fprintf(&b, "  %-15s %d\n", a, n)
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// reportUpdate says what was written: the list of changes on stdout, a
// headline on stderr.
func reportUpdate(opts *UpdateOptions, res *updater.Result) {
	fmt.Fprintf(opts.IO.ErrOut, "%s Updated %s\n", opts.IO.Styles().SuccessIcon(), updateHeadline(res))
	printChanges(opts.IO, res)
}

// conflictsRemain lists the conflicted files and how to finish: exit 1.
func conflictsRemain(opts *UpdateOptions, res *updater.Result, conflicted []string) error {
	st := opts.IO.Styles()
	w := opts.IO.ErrOut
	fmt.Fprintf(w, "%s %d file(s) have conflicts:\n", st.FailureIcon(), len(conflicted))
	for _, p := range conflicted {
		fmt.Fprintf(w, "  %s\n", filepath.Join(opts.Dir, p))
	}
	fmt.Fprintf(w, "To finish: 'git diff' shows the conflict markers (<<<<<<< ours ... >>>>>>> %s); edit each file to keep what is right (for a binary file, keep it or replace it with FILE%s and delete that), then 'git add' and 'git commit'.\n",
		res.Versions.Label(), update.NewSuffix)
	if opts.Commit {
		fmt.Fprintln(w, "Nothing was committed: --commit never commits conflict markers.")
	}
	return &SilentError{Code: ExitCheckFailed}
}

// commitUpdate commits the update on the current branch.
func commitUpdate(opts *UpdateOptions, res *updater.Result) error {
	root, err := gitx.WorktreeRoot(opts.Dir)
	if err != nil {
		return err
	}
	branch, err := gitx.CurrentBranch(root)
	if err != nil {
		return usageErrorf("--commit: %w (check out a branch first)", err)
	}
	hash, err := gitx.CommitOnBranch(root, branch, res.RepoPaths(), commitAuthor(opts.IO, opts.Getenv), res.Message(), opts.Now())
	if err != nil {
		return fmt.Errorf("commit the update: %w", err)
	}
	fmt.Fprintf(opts.IO.ErrOut, "%s Committed %s on %s: Update %s to %s\n", opts.IO.Styles().SuccessIcon(), hash[:7], branch, res.Versions.Template, res.Versions.Target())
	return nil
}
