package cli

import (
	"context"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/platform-team/platform/internal/backstage"
	"github.com/platform-team/platform/internal/iostreams"
	"github.com/platform-team/platform/internal/redact"
	"github.com/platform-team/platform/internal/scaffold"
)

// TemplatesLintOptions are the inputs of `platform templates lint DIR`.
type TemplatesLintOptions struct {
	IO *iostreams.IOStreams
	// Getenv reads the render budget (PLATFORM_RENDER_TIMEOUT, PLATFORM_RENDER_MAX_BYTES).
	Getenv func(string) string
	// Version is platform's version, as a rendered service records it.
	Version string
	// AnnotationPrefix is the organisation's annotation domain.
	AnnotationPrefix string

	Dir  string
	Sets []string
}

func newTemplatesLintCmd(f *Factory, runF func(context.Context, *TemplatesLintOptions) error) *cobra.Command {
	opts := &TemplatesLintOptions{}
	cmd := &cobra.Command{
		Use:   "lint DIR|FILE",
		Short: "Check a template: manifest valid, renders with defaults, catalog accepted",
		Long: `Check a template directory the way 'platform new service' will use it:
template.yaml must be valid, and the skeleton must render with the parameter
defaults and with each value of every enum parameter, producing a catalog-info.yaml
the Backstage catalog accepts.

Required parameters without a default are answered with sample values (name
example-service, owner group:example, or "example"); override them with --set.

A Backstage Software Template (a template.yaml file, or a directory holding one)
is checked for what 'new service' could not run: parameters without a type or
with unsupported keywords, steps whose action is not supported, and
${{ values.x }} references in a fetch:template skeleton to values its step does
not give (they would render empty).

Exits 1 when the template has problems, 2 when DIR is not a template directory.`,
		Example: `  platform templates lint ./my-template
  platform templates lint ./my-template --set name=orders --set team=payments
  platform templates lint ./backstage/templates/nodejs/template.yaml`,
		Args: exactArgs(1, "one DIR (or a Backstage template.yaml)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Dir = args[0]
			opts.IO, opts.Getenv = f.IOStreams, f.Getenv
			opts.Version, opts.AnnotationPrefix = versionString(f.Build), f.Config.AnnotationPrefix
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runTemplatesLint(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringArrayVar(&opts.Sets, "set", nil, "answer a parameter, `key=value` (repeatable)")
	return cmd
}

func runTemplatesLint(ctx context.Context, opts *TemplatesLintOptions) error {
	dir := opts.Dir
	if backstage.IsRef(dir) {
		return lintBackstage(ctx, opts)
	}
	info, err := os.Stat(dir)
	if err != nil || !info.IsDir() {
		return usageErrorf("%s is not a directory: give the template directory that holds template.yaml", redact.URL(dir))
	}
	budget, err := renderBudget(opts.Getenv)
	if err != nil {
		return err
	}
	out, st := opts.IO.Out, opts.IO.Styles()
	t, err := scaffold.LoadDir(dir, scaffold.Source{Kind: scaffold.SourceLocal}, scaffold.Limits{})
	if err != nil {
		fmt.Fprintf(out, "%s %s: %v\n", st.FailureIcon(), dir, err)
		return &SilentError{Code: ExitCheckFailed}
	}
	for _, w := range scaffold.LintWarnings(t) {
		fmt.Fprintf(out, "%s %s: %s\n", st.WarningIcon(), dir, w)
	}
	problems := scaffold.Lint(ctx, t, scaffold.LintOptions{
		Sets:    opts.Sets,
		Service: scaffold.ServiceOptions{PlatformVersion: opts.Version, AnnotationPrefix: opts.AnnotationPrefix, Budget: budget},
	})
	if err := ctx.Err(); err != nil {
		return err // interrupted: exit 130, not a problem with the template
	}
	if len(problems) == 0 {
		fmt.Fprintf(out, "%s %s: template %s %s is valid\n", st.SuccessIcon(), dir, t.Name(), t.Manifest.Spec.Version)
		return nil
	}
	for _, p := range problems {
		fmt.Fprintf(out, "%s %s: %s\n", st.FailureIcon(), dir, p)
	}
	return &SilentError{Code: ExitCheckFailed}
}

// lintBackstage checks a Backstage template: what `new service` could not
// run (parameters it cannot ask for, unknown actions) and skeleton
// references to values a step does not give.
func lintBackstage(ctx context.Context, opts *TemplatesLintOptions) error {
	out, st := opts.IO.Out, opts.IO.Styles()
	t, err := backstage.Load(ctx, opts.Dir, backstage.LoadOptions{})
	if err != nil {
		fmt.Fprintf(out, "%s %s: %v\n", st.FailureIcon(), opts.Dir, err)
		return &SilentError{Code: ExitCheckFailed}
	}
	problems := backstage.Lint(t)
	if len(problems) == 0 {
		local := 0
		for _, s := range t.Manifest.Spec.Steps {
			if backstage.RunsLocally(s) {
				local++
			}
		}
		fmt.Fprintf(out, "%s %s: Backstage template %s is valid (%d of %d steps run here)\n", st.SuccessIcon(), opts.Dir, t.Name(), local, len(t.Manifest.Spec.Steps))
		return nil
	}
	for _, p := range problems {
		fmt.Fprintf(out, "%s %s: %s\n", st.FailureIcon(), opts.Dir, p)
	}
	return &SilentError{Code: ExitCheckFailed}
}
