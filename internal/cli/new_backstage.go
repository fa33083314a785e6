package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/platform-team/platform/internal/backstage"
	"github.com/platform-team/platform/internal/gitx"
	"github.com/platform-team/platform/internal/scaffold"
	"github.com/platform-team/platform/internal/wizard"
)

// backstageTemplate loads ref as a Backstage Software Template when it is
// one: a local file or directory that says so, a git reference to a file,
// or a platform template reference whose template.yaml turned out to be
// Backstage's (err, from scaffold). It returns nil, nil when ref is not one.
func backstageTemplate(ctx context.Context, resolver *scaffold.Resolver, ref string, err error) (*backstage.Template, error) {
	var foreign *scaffold.ForeignManifestError
	isForeign := errors.As(err, &foreign) && foreign.APIVersion == backstage.APIVersion
	// A git reference to a file is a Backstage template: ours are directories.
	g, isGit := scaffold.ParseGitRef(ref)
	namesFile := isGit && (strings.HasSuffix(g.Subdir, ".yaml") || strings.HasSuffix(g.Subdir, ".yml"))
	if !isForeign && !namesFile && !backstage.IsRef(ref) {
		return nil, nil
	}
	return backstage.Load(ctx, ref, backstage.LoadOptions{Resolver: resolver})
}

// runNewBackstage runs a Backstage Software Template as `new service` runs
// one of ours: its form pages become parameters (flags, values files, the
// wizard, one validation), its steps run here into an empty workspace, and
// the workspace is written atomically with .platform/answers.yaml and a
// first commit. Steps acting on other systems are reported as skipped;
// publish:gitlab is this command's --publish.
func runNewBackstage(ctx context.Context, opts *NewServiceOptions, t *backstage.Template) error {
	if !opts.SkipUnsupported {
		if err := backstage.Check(t); err != nil {
			return err
		}
	}
	params, err := backstage.Parameters(t.Manifest)
	if err != nil {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	st := &scaffold.Template{Manifest: params, Source: t.Source}
	st.Manifest.Spec.Version = t.Version()
	in, err := backstageInputs(opts, t)
	if err != nil {
		return err
	}
	values, err := collectValuesFrom(ctx, opts, st, in)
	if err != nil {
		return err
	}
	secrets := map[string]string{}
	for _, name := range backstage.SecretNames(t.Manifest) {
		if v, ok := values[name]; ok {
			secrets[name] = fmt.Sprint(v)
			delete(values, name)
		}
	}
	dest, err := backstageDestination(opts, t, values)
	if err != nil {
		return err
	}
	res, err := backstage.Run(ctx, t, values, backstage.RunOptions{Secrets: secrets, SkipUnsupported: opts.SkipUnsupported,
		ParameterOrder: params.ParameterNames()})
	if err != nil {
		return err
	}
	answers, err := scaffold.Answers(st, values)
	if err != nil {
		return err
	}
	if err := res.Plan.Add(scaffold.File{Path: scaffold.AnswersFile, Mode: 0o644, Data: answers}); err != nil {
		return usageErrorf("template %s writes %s itself: %w", t.Name(), scaffold.AnswersFile, err)
	}
	if opts.DryRun {
		return printBackstagePlan(opts, t, dest, res)
	}
	pub, err := backstagePublisher(ctx, opts, res)
	if err != nil {
		return err
	}
	if opts.Wizard != nil {
		if err := opts.Wizard.Confirm(ctx, wizard.Summary(st, values, dest)); err != nil {
			return err
		}
	}
	commit, err := writeBackstage(ctx, opts, t, res.Plan, dest)
	if err != nil {
		return err
	}
	printSteps(opts.IO.ErrOut, res.Steps)
	reportWritten(opts, dest, commit)
	if pub != nil {
		project, err := pub.publish(ctx, dest, scaffold.Values{"name": res.Publish.Repo, "description": t.Manifest.Metadata.Description})
		if err != nil {
			return err
		}
		progress(opts, "Published %s and pushed main", project.PathWithNamespace)
		fmt.Fprintln(opts.IO.Out, project.WebURL)
	}
	printBackstageOutput(opts.IO.Out, res.Output)
	return nil
}

// backstageInputs maps NAME to the template's name parameter (name,
// component_id or componentId).
func backstageInputs(opts *NewServiceOptions, t *backstage.Template) (scaffold.Inputs, error) {
	in := opts.Inputs
	if in.Name == "" {
		return in, nil
	}
	param := backstage.NameParameter(t.Manifest)
	switch param {
	case "":
		return in, usageErrorf("template %s has no name parameter (%s): drop NAME, set its parameters with --set, and choose the directory with -o",
			t.Name(), strings.Join(backstage.NameCandidates, ", "))
	case scaffold.NameParam:
		return in, nil
	}
	in.Sets = append([]string{param + "=" + in.Name}, in.Sets...)
	in.Name = ""
	return in, nil
}

// backstageDestination is -o, else ./NAME from the name parameter's value.
func backstageDestination(opts *NewServiceOptions, t *backstage.Template, values scaffold.Values) (string, error) {
	if opts.Output != "" {
		return opts.Output, nil
	}
	name, _ := values[backstage.NameParameter(t.Manifest)].(string)
	if name == "" {
		return "", usageErrorf("template %s has no name parameter to name the directory after: pass -o DIR", t.Name())
	}
	if err := checkDestination(opts, name); err != nil {
		return "", err
	}
	return name, nil
}

// backstagePublisher checks, before anything is written, the project a
// publish:gitlab step names, when --publish asks to create it.
func backstagePublisher(ctx context.Context, opts *NewServiceOptions, res *backstage.Result) (*publisher, error) {
	if !opts.Publish {
		return nil, nil
	}
	if res.Publish == nil {
		return nil, usageErrorf("--publish: the template has no publish:gitlab step to say where to publish")
	}
	if opts.publisher == nil {
		return nil, errors.New("--publish: not connected to GitLab") // connectPublisher runs first
	}
	gl := opts.publisher.client
	group := res.Publish.Owner
	if opts.Group != "" {
		group = opts.Group
	}
	p := &publisher{client: gl, group: group}
	if err := p.check(ctx, res.Publish.Repo); err != nil {
		return nil, err
	}
	return p, nil
}

// writeBackstage writes the workspace into dest with a first commit.
func writeBackstage(ctx context.Context, opts *NewServiceOptions, t *backstage.Template, plan *scaffold.Plan, dest string) (string, error) {
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
			msg := fmt.Sprintf("Create %s from Backstage template %s\n\nGenerated by platform %s.", dest, t.Name(), opts.Version)
			hash, err := gitx.InitCommit(staging, author, msg, opts.Now())
			if err != nil {
				return fmt.Errorf("create git repository: %w", err)
			}
			commit = hash
			return nil
		},
	})
	return commit, err
}

// printSteps says what each step did, on stderr.
func printSteps(w io.Writer, steps []backstage.StepLog) {
	for _, s := range steps {
		line := fmt.Sprintf("step %-8s %s (%s)", s.Status, s.ID, s.Action)
		if s.Reason != "" {
			line += ": " + s.Reason
		}
		fmt.Fprintln(w, line)
		for _, l := range s.Lines {
			fmt.Fprintln(w, "  "+l)
		}
	}
}

// printBackstageOutput prints the template's rendered output: its links and
// text, as the portal shows them at the end of a run.
func printBackstageOutput(w io.Writer, output map[string]any) {
	if links, ok := output["links"].([]any); ok {
		for _, l := range links {
			link, _ := l.(map[string]any)
			title, _ := link["title"].(string)
			target := ""
			for _, key := range []string{"url", "entityRef"} {
				if v, ok := link[key].(string); ok && v != "" {
					target = v
					break
				}
			}
			if target == "" {
				continue
			}
			if title == "" {
				title = "link"
			}
			fmt.Fprintf(w, "%s: %s\n", title, target)
		}
	}
	if texts, ok := output["text"].([]any); ok {
		for _, t := range texts {
			text, _ := t.(map[string]any)
			if content, ok := text["content"].(string); ok {
				if title, _ := text["title"].(string); title != "" {
					fmt.Fprintf(w, "%s\n", title)
				}
				fmt.Fprintln(w, strings.TrimRight(content, "\n"))
			}
		}
	}
}

// backstagePlanJSON is new service --dry-run --json for a Backstage template.
type backstagePlanJSON struct {
	Template    string              `json:"template"`
	Kind        string              `json:"kind"`
	Destination string              `json:"destination"`
	Files       []scaffold.Step     `json:"files"`
	Steps       []backstage.StepLog `json:"steps"`
	Output      map[string]any      `json:"output"`
}

func printBackstagePlan(opts *NewServiceOptions, t *backstage.Template, dest string, res *backstage.Result) error {
	steps, err := res.Plan.Steps(dest, opts.Force)
	if err != nil {
		return err
	}
	if opts.JSON {
		output := res.Output
		if output == nil {
			output = map[string]any{}
		}
		return writeJSON(opts.IO.Out, backstagePlanJSON{Template: t.Name(), Kind: backstage.APIVersion + "/" + backstage.Kind,
			Destination: dest, Files: steps, Steps: res.Steps, Output: output})
	}
	fmt.Fprintf(opts.IO.ErrOut, "Dry run: Backstage template %s into %s; nothing is written.\n", t.Name(), dest)
	printSteps(opts.IO.ErrOut, res.Steps)
	for _, s := range steps {
		fmt.Fprintf(opts.IO.Out, "%-9s %s\n", s.Action, s.Path)
	}
	return nil
}
