package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/platform-team/platform/internal/config"
	"github.com/platform-team/platform/internal/gitx"
	"github.com/platform-team/platform/internal/iostreams"
	"github.com/platform-team/platform/internal/redact"
	"github.com/platform-team/platform/internal/scaffold"
	"github.com/platform-team/platform/internal/wizard"
)

// NewServiceOptions are the inputs of `platform new service`.
type NewServiceOptions struct {
	IO       *iostreams.IOStreams
	Resolver *scaffold.Resolver
	Getenv   func(string) string
	Now      func() time.Time
	Version  string
	// AnnotationPrefix is the organisation's annotation domain.
	AnnotationPrefix string
	// Wizard asks what flags did not say; nil when prompting is not allowed
	// (no terminal and no --accessible, or --yes).
	Wizard *wizard.Wizard

	// Template is the -t value, or the configured default when TemplateGiven is false.
	Template        string
	TemplateGiven   bool
	Output          string
	Inputs          scaffold.Inputs
	Yes             bool
	Accessible      bool
	DryRun          bool
	JSON            bool
	Force           bool
	AcceptTradeoffs bool
	NoGit           bool
	// SkipUnsupported skips the steps of a Backstage template whose action
	// is not known here, instead of refusing the template.
	SkipUnsupported bool

	// Publish creates the GitLab project in Group and pushes the first commit.
	Publish   bool
	Group     string
	GitLab    GitLabOptions
	publisher *publisher
	// Budget bounds rendering the template (PLATFORM_RENDER_TIMEOUT, PLATFORM_RENDER_MAX_BYTES).
	Budget scaffold.Budget
	// Target resolves the GitLab URL for --publish; Connect reaches that GitLab.
	Target  config.GitLabTarget
	Connect gitLabConnector
}

func newNewServiceCmd(f *Factory, runF func(context.Context, *NewServiceOptions) error) *cobra.Command {
	opts := &NewServiceOptions{}
	cmd := &cobra.Command{
		Use:   "service [NAME]",
		Short: "Scaffold a new service from a golden-path or silver-path template",
		Long: `Scaffold a new service repository from a template.

The service gets everything the platform expects: catalog-info.yaml for the
Backstage catalog, docs that TechDocs publishes, CI and Kubernetes manifests,
platform.yaml with its promotion chain, and a git repository with a first commit.

The default template is the golden path (go-service). Silver paths are documented
alternatives: choosing one with --yes needs --accept-tradeoffs, after reading the
trade-offs that 'platform templates show NAME' prints.

Values come from, lowest precedence first: parameter defaults, --values files,
--set, and the --owner/--system shortcuts and NAME. Every value is validated the
same way, whatever its source, and all problems are reported at once.

Without a terminal, or with --yes, nothing is asked: a missing required value is
an error naming the flag that supplies it.

-t also runs Backstage Software Templates (scaffolder.backstage.io/v1beta3) as the
portal would, offline: a template.yaml, a directory holding one, or a git
reference. Its pages are the parameters, its steps run here (publish:gitlab is
--publish; other side effects are skipped and reported), and NAME sets its name,
component_id or componentId. See docs/backstage.md.`,
		Example: `  # In CI or a script
  platform new service payments --owner group:payments --yes

  # A silver path, after reading its trade-offs
  platform new service nightly-report -t cronjob --owner group:reporting --yes --accept-tradeoffs

  # See what would be written, as JSON
  platform new service payments --owner group:payments --set database=postgres --dry-run --json

  # From a template in git, pinned to a tag
  platform new service payments --owner group:payments --yes \
    -t https://gitlab.example.com/platform/templates.git//go-service@v1.2.0

  # A Backstage Software Template from the portal's repository
  platform new service orders -t ./software-templates/nodejs/template.yaml \
    --owner group:default/shop --set 'repoUrl=gitlab.example.com?owner=shop&repo=orders' --yes`,
		Args: maxArgs(1, "one NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Inputs.Name = args[0]
			}
			if err := opts.checkFlags(); err != nil {
				return err
			}
			opts.TemplateGiven = cmd.Flags().Changed("template")
			if err := opts.setDependencies(f); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runNewService(cmd.Context(), opts)
		},
	}
	addNewServiceFlags(cmd, opts)
	_ = cmd.RegisterFlagCompletionFunc("template", completeTemplates(f))
	return cmd
}

// checkFlags refuses flags that do not go together.
func (opts *NewServiceOptions) checkFlags() error {
	switch {
	case opts.JSON && !opts.DryRun:
		return flagErrorf("--json goes with --dry-run")
	case opts.Publish && opts.NoGit:
		return flagErrorf("--publish pushes the first commit: drop --no-git")
	}
	return nil
}

// errPublishNeedsGroup is --publish without --group for a platform
// template (a Backstage template names its project in publish:gitlab).
var errPublishNeedsGroup = flagErrorf("--publish needs --group: the GitLab group (namespace path) to create the project in")

// setDependencies copies what the run needs from the Factory: streams,
// clock, settings, the template resolver, the render budget, the wizard when
// it may ask, and the GitLab for --publish.
func (opts *NewServiceOptions) setDependencies(f *Factory) error {
	resolver, err := f.Resolver()
	if err != nil {
		return err
	}
	if opts.Budget, err = renderBudget(f.Getenv); err != nil {
		return err
	}
	opts.IO, opts.Resolver, opts.Getenv, opts.Now = f.IOStreams, resolver, f.Getenv, f.Now
	opts.Version = versionString(f.Build)
	opts.AnnotationPrefix = f.Config.AnnotationPrefix
	opts.Accessible = opts.Accessible || f.Config.Accessible
	opts.Inputs.ReadFile = os.ReadFile
	if canPrompt(opts) {
		opts.Wizard = &wizard.Wizard{Prompter: wizard.ForStreams(f.IOStreams, opts.Accessible)}
	}
	opts.Target, opts.Connect = f.GitLabTarget(opts.GitLab), f.GitLab
	return nil
}

func addNewServiceFlags(cmd *cobra.Command, opts *NewServiceOptions) {
	fl := cmd.Flags()
	fl.StringVarP(&opts.Template, "template", "t", "", "template: an embedded name, a directory, or GIT_URL//SUBDIR@REF (default go-service)")
	fl.StringVarP(&opts.Output, "output", "o", "", "write the service into `DIR` (default ./NAME)")
	fl.StringVar(&opts.Inputs.Owner, "owner", "", "Backstage owner of the service, e.g. group:payments")
	fl.StringVar(&opts.Inputs.System, "system", "", "Backstage system the service belongs to")
	fl.StringArrayVar(&opts.Inputs.Sets, "set", nil, "set a template parameter, `key=value` (repeatable)")
	fl.StringArrayVarP(&opts.Inputs.ValuesFiles, "values", "f", nil, "read parameter values from a YAML `FILE` (repeatable)")
	fl.BoolVarP(&opts.Yes, "yes", "y", false, "never prompt; fail on missing values instead")
	fl.BoolVar(&opts.Accessible, "accessible", false, "ask questions as plain line prompts (screen readers, piped input)")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "print the files that would be written, and write nothing")
	fl.BoolVar(&opts.JSON, "json", false, "with --dry-run, print the plan as JSON")
	fl.BoolVar(&opts.Force, "force", false, "write into a non-empty directory, overwriting files that differ (never deletes)")
	fl.BoolVar(&opts.AcceptTradeoffs, "accept-tradeoffs", false, "accept a silver path's trade-offs without being asked")
	fl.BoolVar(&opts.NoGit, "no-git", false, "do not create a git repository and first commit")
	fl.BoolVar(&opts.SkipUnsupported, "skip-unsupported", false, "with a Backstage template, skip the steps whose action is not supported here instead of refusing it")
	fl.BoolVar(&opts.Publish, "publish", false, "create the GitLab project in --group and push the first commit")
	fl.StringVar(&opts.Group, "group", "", "GitLab group (namespace `PATH`) for --publish")
	addGitLabURLFlag(cmd, &opts.GitLab)
}

// completeTemplates offers the embedded templates, golden paths first, each
// with its path and description.
func completeTemplates(f *Factory) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		resolver := &scaffold.Resolver{Embedded: f.Templates}
		list, err := resolver.EmbeddedTemplates()
		if err != nil {
			return nil, cobra.ShellCompDirectiveError
		}
		out := make([]cobra.Completion, 0, len(list))
		for _, t := range list {
			out = append(out, cobra.CompletionWithDesc(t.Name(), t.Manifest.Spec.Path+": "+t.Manifest.Metadata.Description))
		}
		return out, cobra.ShellCompDirectiveKeepOrder
	}
}

func runNewService(ctx context.Context, opts *NewServiceOptions) error {
	if err := connectPublisher(opts); err != nil {
		return err
	}
	if opts.Output != "" {
		// Before a template is fetched or a question asked.
		if err := checkDestination(opts, opts.Output); err != nil {
			return err
		}
	}
	if opts.Template != "" {
		bt, err := backstageTemplate(ctx, opts.Resolver, opts.Template, nil)
		if err != nil {
			return err
		}
		if bt != nil {
			return runNewBackstage(ctx, opts, bt)
		}
	}
	t, err := chooseTemplate(ctx, opts)
	if err != nil {
		bt, berr := backstageTemplate(ctx, opts.Resolver, opts.Template, err)
		if berr != nil || bt == nil {
			return errors.Join(err, berr)
		}
		return runNewBackstage(ctx, opts, bt)
	}
	if opts.Publish && opts.Group == "" {
		return errPublishNeedsGroup
	}
	values, err := collectValues(ctx, opts, t)
	if err != nil {
		return err
	}
	dest, err := checkedDestination(ctx, opts, values)
	if err != nil {
		return err
	}
	plan, err := scaffold.PlanService(ctx, t, values, serviceOptions(opts, values))
	if err != nil {
		return err
	}
	if opts.DryRun {
		steps, err := plan.Steps(dest, opts.Force)
		if err != nil {
			return err
		}
		return printPlan(opts, t, dest, steps)
	}
	if opts.Wizard != nil {
		if _, err := plan.Steps(dest, opts.Force); err != nil {
			return err
		}
		if err := opts.Wizard.Confirm(ctx, wizard.Summary(t, values, dest)); err != nil {
			return err
		}
	}
	commit, err := writeService(ctx, opts, t, values, plan, dest)
	if err != nil {
		return err
	}
	reportWritten(opts, dest, commit)
	if opts.publisher != nil {
		project, err := opts.publisher.publish(ctx, dest, values)
		if err != nil {
			return err
		}
		progress(opts, "Published %s and pushed main", project.PathWithNamespace)
		fmt.Fprintln(opts.IO.Out, project.WebURL)
	}
	nextSteps(opts, plan, dest)
	return nil
}

// connectPublisher reaches GitLab for --publish before anything is asked or
// written, so a missing token fails at once (exit 4).
func connectPublisher(opts *NewServiceOptions) error {
	if !opts.Publish || opts.DryRun || opts.publisher != nil {
		return nil
	}
	gl, err := opts.Connect(opts.Target.URL())
	if err != nil {
		return err
	}
	opts.publisher = &publisher{client: gl, group: opts.Group}
	return nil
}

// checkedDestination is --output (checked already, before the template was
// fetched), else ./NAME once it is known to be usable; and, for --publish,
// free on GitLab.
func checkedDestination(ctx context.Context, opts *NewServiceOptions, values scaffold.Values) (string, error) {
	name := values["name"].(string)
	dest := opts.Output
	if dest == "" {
		dest = name
		if err := checkDestination(opts, dest); err != nil {
			return "", err
		}
	}
	if opts.publisher != nil {
		if err := opts.publisher.check(ctx, name); err != nil {
			return "", err
		}
	}
	return dest, nil
}

// checkDestination fails fast on a destination Write would refuse: a file,
// a non-empty directory without --force, or one another run is writing
// (Write checks again under its lock; a dry run takes no lock).
func checkDestination(opts *NewServiceOptions, dest string) error {
	lockDir := destinationLockDir(opts)
	if opts.DryRun {
		lockDir = ""
	}
	return scaffold.CheckDestination(dest, opts.Force, lockDir)
}

// reportWritten prints the new directory on stdout and what was made of it on stderr.
func reportWritten(opts *NewServiceOptions, dest, commit string) {
	progress(opts, "Wrote %s", dest)
	switch {
	case commit != "":
		progress(opts, "Created a git repository with first commit %s", commit[:min(7, len(commit))])
	case !opts.NoGit:
		fmt.Fprintf(opts.IO.ErrOut, "%s %s is already a git repository: files written, nothing committed\n", opts.IO.Styles().WarningIcon(), dest)
	}
	fmt.Fprintln(opts.IO.Out, dest)
}

// writeService writes the plan into dest (saying how many files it
// rendered), with a first commit unless --no-git or dest is already a
// repository. It returns that commit, "" when none was made.
func writeService(ctx context.Context, opts *NewServiceOptions, t *scaffold.Template, values scaffold.Values, plan *scaffold.Plan, dest string) (string, error) {
	progress(opts, "Rendered %d files from %s %s (%s path)", len(plan.Files), t.Name(), t.Manifest.Spec.Version, t.Manifest.Spec.Path)
	msg := fmt.Sprintf("Create %s from template %s %s\n\nGenerated by platform %s (%s path).",
		values["name"], t.Name(), t.Manifest.Spec.Version, opts.Version, t.Manifest.Spec.Path)
	return writeWithFirstCommit(ctx, opts, plan, dest, msg)
}

// writeWithFirstCommit writes the plan into dest atomically and, unless
// --no-git or dest is already a repository, makes it a git repository with
// a first commit (message) before it is moved in place. It returns that
// commit, "" when none was made.
func writeWithFirstCommit(ctx context.Context, opts *NewServiceOptions, plan *scaffold.Plan, dest, message string) (string, error) {
	var author gitx.Author
	if !opts.NoGit {
		author = commitAuthor(opts.IO, opts.Getenv)
	}
	commit := ""
	_, err := scaffold.Write(ctx, plan, dest, scaffold.WriteOptions{
		Force:   opts.Force,
		LockDir: destinationLockDir(opts),
		BeforeMove: func(staging string) error {
			if opts.NoGit || hasGitDir(dest) {
				return nil
			}
			hash, err := gitx.InitCommit(staging, author, message, opts.Now())
			if err != nil {
				return fmt.Errorf("create git repository: %w", err)
			}
			commit = hash
			return nil
		},
	})
	return commit, err
}

// chooseTemplate resolves -t, or asks at a terminal when -t was not given. A
// silver path needs its trade-offs accepted: by the wizard, or --accept-tradeoffs.
func chooseTemplate(ctx context.Context, opts *NewServiceOptions) (*scaffold.Template, error) {
	ref := opts.Template
	if ref == "" {
		ref = config.DefaultTemplate
	}
	if opts.Wizard != nil && !opts.TemplateGiven {
		list, err := opts.Resolver.EmbeddedTemplates()
		if err != nil {
			return nil, err
		}
		return opts.Wizard.ChooseTemplate(ctx, list, ref)
	}
	t, err := opts.Resolver.Resolve(ctx, ref)
	if unknown := (*scaffold.UnknownTemplateError)(nil); errors.As(err, &unknown) {
		unknown.Ref = redact.URL(unknown.Ref) // -t may hold credentials
	}
	if err != nil {
		return nil, err
	}
	if t.Manifest.Spec.Path == scaffold.PathSilver && !opts.AcceptTradeoffs && opts.Wizard != nil {
		ok, err := opts.Wizard.AcceptTradeoffs(ctx, t)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, wizard.ErrCancelled
		}
		opts.AcceptTradeoffs = true
	}
	return t, nil
}

// collectValues gathers values from flags and files, asks for the rest when
// prompting is allowed, and validates everything at once (scaffold.Collect).
func collectValues(ctx context.Context, opts *NewServiceOptions, t *scaffold.Template) (scaffold.Values, error) {
	return collectValuesFrom(ctx, opts, t, opts.Inputs)
}

// collectValuesFrom is collectValues with the inputs given.
func collectValuesFrom(ctx context.Context, opts *NewServiceOptions, t *scaffold.Template, in scaffold.Inputs) (scaffold.Values, error) {
	if opts.Wizard != nil {
		in.Ask = func(given scaffold.Values) (scaffold.Values, error) {
			return opts.Wizard.Ask(ctx, t, given)
		}
	} else if t.Manifest.Spec.Path == scaffold.PathSilver && !opts.AcceptTradeoffs {
		st := opts.IO.Styles()
		fmt.Fprintf(opts.IO.ErrOut, "%s is a %s path. Its trade-offs:\n\n%s\n", t.Name(), st.Silver.Render("silver"), indent(t.Manifest.Spec.Tradeoffs))
		in.Problems = append(in.Problems, scaffold.Problem{Flag: "--accept-tradeoffs",
			Message: fmt.Sprintf("%s is a silver path: read its trade-offs above, then pass --accept-tradeoffs to choose it", t.Name())})
	}
	return scaffold.Collect(t.Manifest, in)
}

func canPrompt(opts *NewServiceOptions) bool {
	if opts.Yes {
		return false
	}
	return opts.Accessible || opts.IO.CanPrompt()
}

// serviceOptions says what the platform adds to the skeleton; a published
// service records its GitLab project.
func serviceOptions(opts *NewServiceOptions, values scaffold.Values) scaffold.ServiceOptions {
	so := scaffold.ServiceOptions{PlatformVersion: opts.Version, Budget: opts.Budget, AnnotationPrefix: opts.AnnotationPrefix}
	if opts.Publish {
		so.Project = opts.Group + "/" + values["name"].(string)
	}
	return so
}

// destinationLockDir holds the locks that keep two runs out of one
// destination: in the user cache, never beside the user's files.
func destinationLockDir(opts *NewServiceOptions) string {
	if opts.Resolver == nil || opts.Resolver.CacheDir == "" {
		return ""
	}
	return filepath.Join(opts.Resolver.CacheDir, "locks")
}

func hasGitDir(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, ".git"))
	return err == nil
}

type planJSON struct {
	Template    string          `json:"template"`
	Version     string          `json:"version"`
	Path        string          `json:"path"`
	Destination string          `json:"destination"`
	Files       []scaffold.Step `json:"files"`
}

func printPlan(opts *NewServiceOptions, t *scaffold.Template, dest string, steps []scaffold.Step) error {
	if opts.JSON {
		return writeJSON(opts.IO.Out, planJSON{Template: t.Name(), Version: t.Manifest.Spec.Version, Path: t.Manifest.Spec.Path, Destination: dest, Files: steps})
	}
	fmt.Fprintf(opts.IO.ErrOut, "Dry run: %s %s (%s path) into %s; nothing is written.\n", t.Name(), t.Manifest.Spec.Version, t.Manifest.Spec.Path, dest)
	for _, s := range steps {
		fmt.Fprintf(opts.IO.Out, "%-9s %s\n", s.Action, s.Path)
	}
	return nil
}

// progress prints one finished step on stderr, at a terminal only.
func progress(opts *NewServiceOptions, format string, args ...any) {
	if !opts.IO.IsStderrTTY() {
		return
	}
	fmt.Fprintf(opts.IO.ErrOut, "%s %s\n", opts.IO.Styles().SuccessIcon(), fmt.Sprintf(format, args...))
}

// nextSteps prints what to do with the new service, at a terminal only.
func nextSteps(opts *NewServiceOptions, plan *scaffold.Plan, dest string) {
	if !opts.IO.IsStderrTTY() {
		return
	}
	st := opts.IO.Styles()
	lines := []string{st.Bold.Render("Next steps"), "  cd " + dest}
	if _, ok := plan.Lookup("go.mod"); ok {
		lines = append(lines, "  go test ./... && go run .")
	} else if _, ok := plan.Lookup("Dockerfile"); ok {
		lines = append(lines, "  docker build -t "+filepath.Base(dest)+" .")
	}
	lines = append(lines,
		"  platform lint",
		"  git remote add origin <url> && git push -u origin main")
	fmt.Fprintln(opts.IO.ErrOut, st.Panel.Render(strings.Join(lines, "\n")))
}

func indent(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = "  " + l
		}
	}
	return strings.Join(lines, "\n")
}
