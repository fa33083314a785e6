package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/charmbracelet/huh"
	"github.com/spf13/cobra"

	"github.com/platform-team/platform/internal/config"
	"github.com/platform-team/platform/internal/gitlab"
	"github.com/platform-team/platform/internal/gitx"
	"github.com/platform-team/platform/internal/iostreams"
	"github.com/platform-team/platform/internal/wizard"
)

func newMRCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "mr",
		Aliases: []string{"merge-request"},
		Short:   "Work with GitLab merge requests",
		Args:    exactArgs(0, "a subcommand such as 'create'"),
	}
	cmd.AddCommand(newMRCreateCmd(f, nil))
	return cmd
}

// MRCreateOptions are the inputs of `platform mr create`.
type MRCreateOptions struct {
	IO *iostreams.IOStreams
	// Target resolves the project, the git remote and the GitLab URL;
	// Connect reaches that GitLab.
	Target  config.GitLabTarget
	Connect gitLabConnector

	Dir          string
	Title        string
	Description  string
	Fill         bool
	SourceBranch string
	TargetBranch string
	Draft        bool
	Labels       []string
	Reviewers    []string
	Yes          bool
	GitLab       GitLabOptions

	// Accessible asks as a plain line prompt (also PLATFORM_ACCESSIBLE), with or without a terminal.
	Accessible bool
}

func newMRCreateCmd(f *Factory, runF func(context.Context, *MRCreateOptions) error) *cobra.Command {
	opts := &MRCreateOptions{Dir: "."}
	cmd := &cobra.Command{
		Use:   "create",
		Short: "Push the current branch and open, or update, its merge request",
		Long: `Push the current branch to the repository's GitLab remote and open a merge
request for it, or update the open merge request of the same source branch
instead of creating a duplicate. Safe to re-run from CI. Prints the MR's URL.

The project is --project, else PLATFORM_GITLAB_PROJECT, else gitlab.project in
platform.yaml, else the first git remote among upstream, gitlab and origin.
GitLab is --gitlab-url, else PLATFORM_GITLAB_URL, GITLAB_HOST, CI_SERVER_URL,
the user config, or https://gitlab.com. The token is GITLAB_TOKEN, else
CI_JOB_TOKEN; it is never written to a file or printed.

Nothing is ever force-pushed: a remote branch that moved on is an error (exit 3)
with the hint to pull or rebase.`,
		Example: `  platform mr create --fill --yes
  platform mr create --title "Add payment retries" --label backend --reviewer alice
  platform mr create --fill --draft --target-branch release-1.2`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Fill && opts.Description != "" {
				return flagErrorf("--fill and --description cannot be used together: --fill takes the description from the commits")
			}
			opts.IO = f.IOStreams
			opts.Target = f.GitLabTarget(opts.GitLab)
			opts.Connect = f.GitLab
			opts.Accessible = opts.Accessible || f.Config.Accessible
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runMRCreate(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&opts.Title, "title", "t", "", "title of the merge request")
	fl.StringVarP(&opts.Description, "description", "d", "", "description of the merge request")
	fl.BoolVarP(&opts.Fill, "fill", "f", false, "take the title and description from the branch's commits")
	fl.StringVarP(&opts.SourceBranch, "source-branch", "s", "", "branch to push and merge (default: the current branch)")
	fl.StringVarP(&opts.TargetBranch, "target-branch", "b", "", "branch to merge into (default: the project's default branch)")
	fl.BoolVar(&opts.Draft, "draft", false, `mark the merge request as a draft ("Draft: " title prefix)`)
	fl.StringArrayVarP(&opts.Labels, "label", "l", nil, "add a `LABEL` (repeatable)")
	fl.StringArrayVar(&opts.Reviewers, "reviewer", nil, "request a review from `USERNAME` (repeatable)")
	fl.BoolVarP(&opts.Yes, "yes", "y", false, "do not ask for confirmation")
	fl.BoolVar(&opts.Accessible, "accessible", false, "ask for confirmation as a plain line prompt (screen readers, piped input)")
	addGitLabFlags(cmd, &opts.GitLab)
	inService(f, cmd, inCurrentService)
	return cmd
}

func runMRCreate(ctx context.Context, opts *MRCreateOptions) error {
	source, err := mrSourceBranch(opts)
	if err != nil {
		return err
	}
	title, description, err := mrTitle(opts, source)
	if err != nil {
		return err
	}
	project, _, err := opts.Target.Project(opts.Dir)
	if err != nil {
		return err
	}
	remote, err := opts.Target.Remote(opts.Dir)
	if err != nil {
		return usageErrorf("no git remote to push to: add one (git remote add origin <url>); remotes tried: %s", strings.Join(config.Remotes(), ", "))
	}
	client, err := opts.Connect(opts.Target.URL())
	if err != nil {
		return err
	}
	proj, err := client.Project(ctx, project)
	if errors.Is(err, gitlab.ErrNotFound) {
		return usageErrorf("GitLab project %s not found at %s: check --project or the git remote", project, client.URL)
	}
	if err != nil {
		return err
	}
	target := opts.TargetBranch
	if target == "" {
		target = proj.DefaultBranch
	}
	if target == source {
		return usageErrorf("source and target are both %q: create a branch for the change first (git switch -c my-change)", source)
	}
	var reviewerIDs []int64
	if len(opts.Reviewers) > 0 {
		if reviewerIDs, err = client.UserIDs(ctx, opts.Reviewers); err != nil {
			return err
		}
	}

	ios := opts.IO
	if !opts.Yes && (opts.Accessible || ios.CanPrompt()) {
		summary := fmt.Sprintf("%s → %s in %s\n%s", source, target, project, title)
		if err := confirmMR(ctx, wizard.ForStreams(ios, opts.Accessible), summary); err != nil {
			return err
		}
	}

	return pushAndEnsureMR(ctx, ios, client.Client, opts.Dir, client.PushOptions(remote, source), project, gitlab.MROptions{
		Title: title, Description: description, SourceBranch: source, TargetBranch: target,
		Labels: opts.Labels, ReviewerIDs: reviewerIDs, RemoveSourceBranch: true,
	})
}

// mrSourceBranch is --source-branch, else the branch HEAD is on.
func mrSourceBranch(opts *MRCreateOptions) (string, error) {
	source, err := gitx.CurrentBranch(opts.Dir)
	if err != nil && !errors.Is(err, gitx.ErrDetachedHead) {
		return "", usageErrorf("not in a git repository: run platform mr create inside the service's repository")
	}
	if opts.SourceBranch != "" {
		return opts.SourceBranch, nil
	}
	if err != nil {
		return "", usageErrorf("HEAD is not on a branch: check out the branch to propose, or pass --source-branch")
	}
	return source, nil
}

// mrTitle is the merge request's title and description: the flags', or
// with --fill the commits'; --draft marks the title.
func mrTitle(opts *MRCreateOptions, source string) (title, description string, err error) {
	title, description = opts.Title, opts.Description
	if opts.Fill {
		title, description, err = fillFromCommits(opts.Dir, source, opts.TargetBranch, title)
		if err != nil {
			return "", "", err
		}
	}
	if title == "" {
		return "", "", flagErrorf("a title is needed: pass --title or --fill")
	}
	if opts.Draft && !strings.HasPrefix(title, "Draft: ") {
		title = "Draft: " + title
	}
	return title, description, nil
}

// pushAndEnsureMR pushes the branch, then opens its merge request or updates
// the open one, and prints its URL.
func pushAndEnsureMR(ctx context.Context, ios *iostreams.IOStreams, client *gitlab.Client, dir string, push gitx.PushOptions, project string, mrOpts gitlab.MROptions) error {
	st := ios.Styles()
	pushed, err := gitx.Push(ctx, dir, push)
	if err != nil {
		return err
	}
	if pushed.UpToDate {
		fmt.Fprintf(ios.ErrOut, "%s %s is up to date on the remote\n", st.SuccessIcon(), push.Branch)
	} else {
		fmt.Fprintf(ios.ErrOut, "%s Pushed %s (%s)\n", st.SuccessIcon(), push.Branch, pushed.Hash[:7])
	}
	mr, created, err := client.EnsureMergeRequest(ctx, project, mrOpts)
	if err != nil {
		return err
	}
	verb := "Updated"
	if created {
		verb = "Created"
	}
	fmt.Fprintf(ios.ErrOut, "%s %s merge request !%d: %s\n", st.SuccessIcon(), verb, mr.IID, mr.Title)
	fmt.Fprintln(ios.Out, mr.WebURL)
	return nil
}

// mrConfirmForm shows the merge request and asks whether to push and open it (default yes).
func mrConfirmForm(summary string) (*huh.Form, *bool) {
	ok := true
	return huh.NewForm(huh.NewGroup(
		huh.NewNote().Title("Merge request").Description(summary),
		huh.NewConfirm().Title("Push and open it?").Value(&ok),
	)), &ok
}

// confirmMR asks before anything is pushed. Declining, Esc or Ctrl-C is a
// cancel (exit 130); a prompt that fails is an error, not a cancel.
func confirmMR(ctx context.Context, p *wizard.Prompter, summary string) error {
	form, ok := mrConfirmForm(summary)
	if err := p.Run(ctx, form); err != nil {
		return err
	}
	if !*ok {
		return wizard.ErrCancelled
	}
	return nil
}

// fillFromCommits takes the title and description from the commits on source
// that are not on target: one commit gives its subject and body; several give
// the branch name as title and their subjects as a list.
func fillFromCommits(dir, source, target, title string) (string, string, error) {
	// Without --target-branch, main and master, locally or on a usual remote.
	bases := []string{target}
	if target == "" {
		bases = []string{"main", "master"}
	}
	commits, err := gitx.CommitsBetween(dir, source, bases, config.Remotes(), 50)
	if errors.Is(err, gitx.ErrUnknownBranch) {
		return "", "", usageErrorf("no local branch %q", source)
	}
	if err != nil {
		return "", "", err
	}
	if len(commits) == 0 {
		return "", "", usageErrorf("%s has no commits that are not on the target branch: nothing to propose", source)
	}
	if len(commits) == 1 {
		subject, body, _ := strings.Cut(strings.TrimSpace(commits[0].Message), "\n")
		if title == "" {
			title = strings.TrimSpace(subject)
		}
		return title, strings.TrimSpace(body), nil
	}
	if title == "" {
		title = strings.ReplaceAll(strings.ReplaceAll(source, "-", " "), "_", " ")
	}
	var b strings.Builder
	for i := len(commits) - 1; i >= 0; i-- {
		subject, _, _ := strings.Cut(strings.TrimSpace(commits[i].Message), "\n")
		fmt.Fprintf(&b, "- %s\n", strings.TrimSpace(subject))
	}
	return title, strings.TrimRight(b.String(), "\n"), nil
}
