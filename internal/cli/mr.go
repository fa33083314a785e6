package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/charmbracelet/huh"
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/spf13/cobra"

	"github.com/platform-team/platform/internal/config"
	"github.com/platform-team/platform/internal/gitlab"
	"github.com/platform-team/platform/internal/gitx"
)

func newMRCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "mr",
		Aliases: []string{"merge-request"},
		Short:   "Work with GitLab merge requests",
		Args:    exactArgs(0, "a subcommand such as 'create'"),
	}
	cmd.AddCommand(newMRCreateCmd(f))
	return cmd
}

// MRCreateOptions are the inputs of `platform mr create`.
type MRCreateOptions struct {
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
}

func newMRCreateCmd(f *Factory) *cobra.Command {
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
			return runMRCreate(cmd.Context(), f, opts)
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
	addGitLabFlags(cmd, &opts.GitLab)
	inService(f, cmd, inCurrentService)
	return cmd
}

func runMRCreate(ctx context.Context, f *Factory, opts *MRCreateOptions) error {
	repo, err := git.PlainOpenWithOptions(opts.Dir, &git.PlainOpenOptions{DetectDotGit: true})
	if err != nil {
		return usageErrorf("not in a git repository: run platform mr create inside the service's repository")
	}
	source := opts.SourceBranch
	if source == "" {
		head, err := repo.Head()
		if err != nil || !head.Name().IsBranch() {
			return usageErrorf("HEAD is not on a branch: check out the branch to propose, or pass --source-branch")
		}
		source = head.Name().Short()
	}
	title, description := opts.Title, opts.Description
	if opts.Fill {
		title, description, err = fillFromCommits(repo, source, opts.TargetBranch, title)
		if err != nil {
			return err
		}
	}
	if title == "" {
		return flagErrorf("a title is needed: pass --title or --fill")
	}
	if opts.Draft && !strings.HasPrefix(title, "Draft: ") {
		title = "Draft: " + title
	}
	gitlabTarget := f.GitLabTarget(opts.GitLab)
	project, _, err := gitlabTarget.Project(opts.Dir)
	if err != nil {
		return err
	}
	remote, err := gitlabTarget.Remote(opts.Dir)
	if err != nil {
		return usageErrorf("no git remote to push to: add one (git remote add origin <url>); remotes tried: %s", strings.Join(config.Remotes(), ", "))
	}
	client, err := f.GitLab(gitlabTarget.URL())
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

	st := f.IOStreams.Styles()
	if !opts.Yes && f.IOStreams.CanPrompt() {
		summary := fmt.Sprintf("%s → %s in %s\n%s", source, target, project, title)
		ok := true
		form := huh.NewForm(huh.NewGroup(
			huh.NewNote().Title("Merge request").Description(summary),
			huh.NewConfirm().Title("Push and open it?").Value(&ok),
		)).WithInput(f.IOStreams.In).WithOutput(f.IOStreams.ErrOut)
		if err := form.RunWithContext(ctx); err != nil || !ok {
			return context.Canceled
		}
	}

	pushed, err := gitx.Push(ctx, opts.Dir, client.PushOptions(remote, source))
	if err != nil {
		return err
	}
	if pushed.UpToDate {
		fmt.Fprintf(f.IOStreams.ErrOut, "%s %s is up to date on the remote\n", st.SuccessIcon(), source)
	} else {
		fmt.Fprintf(f.IOStreams.ErrOut, "%s Pushed %s (%s)\n", st.SuccessIcon(), source, pushed.Hash[:7])
	}
	mr, created, err := client.EnsureMergeRequest(ctx, project, gitlab.MROptions{
		Title: title, Description: description, SourceBranch: source, TargetBranch: target,
		Labels: opts.Labels, ReviewerIDs: reviewerIDs, RemoveSourceBranch: true,
	})
	if err != nil {
		return err
	}
	verb := "Updated"
	if created {
		verb = "Created"
	}
	fmt.Fprintf(f.IOStreams.ErrOut, "%s %s merge request !%d: %s\n", st.SuccessIcon(), verb, mr.IID, mr.Title)
	fmt.Fprintln(f.IOStreams.Out, mr.WebURL)
	return nil
}

// fillFromCommits takes the title and description from the commits on source
// that are not on target: one commit gives its subject and body; several give
// the branch name as title and their subjects as a list.
func fillFromCommits(repo *git.Repository, source, target, title string) (string, string, error) {
	head, err := repo.Reference(plumbing.NewBranchReferenceName(source), true)
	if err != nil {
		return "", "", usageErrorf("no local branch %q", source)
	}
	stop := map[plumbing.Hash]bool{}
	for _, name := range targetRefs(target) {
		if ref, err := repo.Reference(name, true); err == nil {
			iter, err := repo.Log(&git.LogOptions{From: ref.Hash()})
			if err == nil {
				_ = iter.ForEach(func(c *object.Commit) error { stop[c.Hash] = true; return nil })
			}
		}
	}
	var commits []*object.Commit
	iter, err := repo.Log(&git.LogOptions{From: head.Hash()})
	if err != nil {
		return "", "", err
	}
	_ = iter.ForEach(func(c *object.Commit) error {
		if stop[c.Hash] || len(commits) == 50 {
			return errStopWalk
		}
		commits = append(commits, c)
		return nil
	})
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

var errStopWalk = errors.New("stop")

// targetRefs are the refs that may hold the target branch: the local branch and
// each usual remote's tracking branch. Without --target-branch, main and master.
func targetRefs(target string) []plumbing.ReferenceName {
	names := []string{target}
	if target == "" {
		names = []string{"main", "master"}
	}
	var out []plumbing.ReferenceName
	for _, n := range names {
		out = append(out, plumbing.NewBranchReferenceName(n))
		for _, r := range config.Remotes() {
			out = append(out, plumbing.NewRemoteReferenceName(r, n))
		}
	}
	return out
}
