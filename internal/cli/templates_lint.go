package cli

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/platform-team/platform/internal/catalog"
	"github.com/platform-team/platform/internal/iostreams"
	"github.com/platform-team/platform/internal/redact"
	"github.com/platform-team/platform/internal/scaffold"
)

// sampleValues answer required parameters that have no default, so a template
// can be rendered without a user.
var sampleValues = map[string]string{"name": "example-service", "owner": "group:example"}

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
		Use:   "lint DIR",
		Short: "Check a template: manifest valid, renders with defaults, catalog accepted",
		Long: `Check a template directory the way 'platform new service' will use it:
template.yaml must be valid, and the skeleton must render with the parameter
defaults and with each value of every enum parameter, producing a catalog-info.yaml
the Backstage catalog accepts.

Required parameters without a default are answered with sample values (name
example-service, owner group:example, or "example"); override them with --set.

Exits 1 when the template has problems, 2 when DIR is not a template directory.`,
		Example: `  platform templates lint ./my-template
  platform templates lint ./my-template --set name=orders --set team=payments`,
		Args: exactArgs(1, "one DIR"),
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
	for _, w := range templateWarnings(t) {
		fmt.Fprintf(out, "%s %s: %s\n", st.WarningIcon(), dir, w)
	}
	problems := lintTemplate(ctx, opts, t, budget)
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

// lintTemplate renders t with its defaults, then with each enum value of every
// parameter in turn, and checks each result.
func lintTemplate(ctx context.Context, opts *TemplatesLintOptions, t *scaffold.Template, budget scaffold.Budget) []string {
	base := scaffold.Values{}
	for _, p := range t.Manifest.Parameters() {
		if p.Required && p.Default == nil {
			base[p.Name] = sample(p)
		}
	}
	given, problems := scaffold.Gather(t.Manifest, scaffold.Inputs{Sets: opts.Sets})
	var out []string
	for _, p := range problems {
		out = append(out, p.String())
	}
	for k, v := range given {
		base[k] = v
	}
	variants := []scaffold.Values{base}
	for _, p := range t.Manifest.Parameters() {
		for _, e := range p.Enum {
			if e == p.Default || base[p.Name] == e {
				continue
			}
			v := cloneValues(base)
			v[p.Name] = e
			variants = append(variants, v)
		}
	}
	svcOpts := scaffold.ServiceOptions{PlatformVersion: opts.Version, AnnotationPrefix: opts.AnnotationPrefix, Budget: budget}
	for _, given := range variants {
		if ctx.Err() != nil {
			return append(out, ctx.Err().Error())
		}
		values, problems := scaffold.Resolve(t.Manifest, given)
		for _, p := range problems {
			out = append(out, fmt.Sprintf("with %s: %s (answer it with --set)", describeValues(given), p))
		}
		if len(problems) > 0 {
			continue
		}
		plan, err := scaffold.PlanService(ctx, t, values, svcOpts)
		if err != nil {
			var re *scaffold.RenderError
			if errors.As(err, &re) || len(variants) == 1 {
				out = append(out, err.Error())
			} else {
				out = append(out, fmt.Sprintf("with %s: %v", describeValues(given), err))
			}
			if errors.Is(err, scaffold.ErrOverBudget) {
				break // each variant would spend the whole budget again
			}
			continue
		}
		data, _ := plan.Lookup(scaffold.CatalogFile)
		for _, p := range catalog.Validate(data.Data) {
			out = append(out, fmt.Sprintf("generated %s line %d: %s: %s", scaffold.CatalogFile, p.Line, p.Field, p.Message))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// templateWarnings are findings that do not fail the lint.
func templateWarnings(t *scaffold.Template) []string {
	var out []string
	if p := t.Manifest.Parameter(scaffold.NameParam); p != nil && p.Pattern == "" {
		out = append(out, "parameter name has no pattern: NAME is still validated as a Backstage entity name, "+
			"but declare one (e.g. pattern: '^[a-z][a-z0-9-]*[a-z0-9]$') so users see the rule in the template")
	}
	return out
}

func sample(p *scaffold.Parameter) any {
	if len(p.Enum) > 0 {
		return p.Enum[0]
	}
	if s, ok := sampleValues[p.Name]; ok {
		return s
	}
	switch p.Type {
	case scaffold.TypeInteger:
		if p.Minimum != nil {
			return int(*p.Minimum)
		}
		return 1
	case scaffold.TypeBoolean:
		return false
	case scaffold.TypeArray:
		return []string{}
	}
	return "example"
}

func cloneValues(v scaffold.Values) scaffold.Values {
	out := make(scaffold.Values, len(v))
	for k, x := range v {
		out[k] = x
	}
	return out
}

// describeValues prints values as sorted key=value pairs.
func describeValues(v scaffold.Values) string {
	keys := slices.Sorted(maps.Keys(v))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%v", k, v[k])
	}
	return strings.Join(parts, " ")
}
