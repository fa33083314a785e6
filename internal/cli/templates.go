package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/platform-team/platform/internal/backstage"
	"github.com/platform-team/platform/internal/iostreams"
	"github.com/platform-team/platform/internal/scaffold"
)

func newTemplatesCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "templates",
		Aliases: []string{"template"},
		Short:   "List, inspect and check service templates",
		Args:    exactArgs(0, "a subcommand: list, show or lint"),
	}
	cmd.AddCommand(newTemplatesListCmd(f, nil), newTemplatesShowCmd(f, nil), newTemplatesLintCmd(f, nil))
	return cmd
}

type templateJSON struct {
	Name        string `json:"name"`
	Title       string `json:"title"`
	Path        string `json:"path"`
	Version     string `json:"version"`
	Description string `json:"description"`
	// Kind and Location are set for templates found in a directory:
	// "platform" or "backstage", and the template.yaml's path.
	Kind     string `json:"kind,omitempty"`
	Location string `json:"location,omitempty"`
}

// TemplatesListOptions are the inputs of `platform templates list`.
type TemplatesListOptions struct {
	IO       *iostreams.IOStreams
	Resolver *scaffold.Resolver

	// Dir, when set, is searched for templates instead of listing the embedded ones.
	Dir  string
	JSON bool
}

func newTemplatesListCmd(f *Factory, runF func(context.Context, *TemplatesListOptions) error) *cobra.Command {
	opts := &TemplatesListOptions{}
	cmd := &cobra.Command{
		Use:   "list [DIR]",
		Short: "List the embedded templates, or the templates found in DIR",
		Long: `List the embedded templates, golden paths first, then silver paths.

With DIR, list the templates found below it instead (every template.yaml, at most
eight directories deep, .git and node_modules skipped): the platform's own and
Backstage Software Templates, e.g. a checkout of the organisation's template
repository. Each can be given to 'new service -t' and 'templates show'.`,
		Example: `  platform templates list
  platform templates list --json | jq -r '.[] | select(.path == "golden") | .name'
  platform templates list ./software-templates`,
		Args: maxArgs(1, "one DIR"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Dir = args[0]
			}
			resolver, err := f.Resolver()
			if err != nil {
				return err
			}
			opts.IO, opts.Resolver = f.IOStreams, resolver
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runTemplatesList(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the list as JSON: [{name, title, path, version, description}]")
	return cmd
}

func runTemplatesList(_ context.Context, opts *TemplatesListOptions) error {
	if opts.Dir != "" {
		return listTemplatesIn(opts)
	}
	list, err := opts.Resolver.EmbeddedTemplates()
	if err != nil {
		return err
	}
	out := opts.IO.Out
	if opts.JSON {
		rows := make([]templateJSON, 0, len(list))
		for _, t := range list {
			m := t.Manifest
			rows = append(rows, templateJSON{Name: m.Metadata.Name, Title: m.Metadata.Title, Path: m.Spec.Path, Version: m.Spec.Version, Description: m.Metadata.Description})
		}
		return writeJSON(out, rows)
	}
	st := opts.IO.Styles()
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tPATH\tVERSION\tDESCRIPTION")
	for _, t := range list {
		m := t.Manifest
		path := m.Spec.Path
		if opts.IO.ColorEnabled() {
			if path == scaffold.PathGolden {
				path = st.Golden.Render(path)
			} else {
				path = st.Silver.Render(path)
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", m.Metadata.Name, path, m.Spec.Version, m.Metadata.Description)
	}
	return tw.Flush()
}

// TemplatesShowOptions are the inputs of `platform templates show TEMPLATE`.
type TemplatesShowOptions struct {
	IO       *iostreams.IOStreams
	Resolver *scaffold.Resolver

	// Template is an embedded name, a directory or a git URL.
	Template string
}

func newTemplatesShowCmd(f *Factory, runF func(context.Context, *TemplatesShowOptions) error) *cobra.Command {
	opts := &TemplatesShowOptions{}
	return &cobra.Command{
		Use:   "show TEMPLATE",
		Short: "Show a template's parameters, trade-offs and files",
		Long: `Show a template's parameters (type, default, pattern, enum), its trade-offs when it
is a silver path, and the files its skeleton holds. TEMPLATE is an embedded name,
a template directory, or a git URL with //subdirectory and @ref.`,
		Example: `  platform templates show go-service
  platform templates show ./my-template`,
		Args: exactArgs(1, "one TEMPLATE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Template = args[0]
			resolver, err := f.Resolver()
			if err != nil {
				return err
			}
			opts.IO, opts.Resolver = f.IOStreams, resolver
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runTemplatesShow(cmd.Context(), opts)
		},
	}
}

func runTemplatesShow(ctx context.Context, opts *TemplatesShowOptions) error {
	bt, err := backstageTemplate(ctx, opts.Resolver, opts.Template, nil)
	if err != nil {
		return err
	}
	if bt == nil {
		t, rerr := opts.Resolver.Resolve(ctx, opts.Template)
		if rerr == nil {
			return showTemplate(opts.IO, t)
		}
		if bt, err = backstageTemplate(ctx, opts.Resolver, opts.Template, rerr); bt == nil || err != nil {
			return errors.Join(rerr, err)
		}
	}
	return showBackstage(opts.IO, bt)
}

// showBackstage shows a Backstage template: its parameters by page, and
// its steps with what each does here.
func showBackstage(ios *iostreams.IOStreams, t *backstage.Template) error {
	m := t.Manifest
	st := ios.Styles()
	out := ios.Out
	fmt.Fprintf(out, "%s — %s\n", st.Bold.Render(m.Metadata.Name), m.Metadata.Title)
	fmt.Fprintf(out, "Backstage Software Template (%s), owner %s, type %s\n", backstage.APIVersion, orDash(m.Spec.Owner), orDash(m.Spec.Type))
	if m.Metadata.Description != "" {
		fmt.Fprintf(out, "\n%s\n", m.Metadata.Description)
	}
	params, err := backstage.Parameters(m)
	if err != nil {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	fmt.Fprintf(out, "\n%s\n", st.Bold.Render("Parameters"))
	showParameters(ios, params)
	fmt.Fprintf(out, "\n%s\n", st.Bold.Render("Steps"))
	for _, s := range m.Spec.Steps {
		fmt.Fprintf(out, "  %s (%s): %s\n", s.ID, s.Action, stepKind(s))
	}
	return nil
}

// stepKind says what new service does with a step of a Backstage template.
func stepKind(s backstage.Step) string {
	switch backstage.ActionKind(s.Action) {
	case "local":
		return "runs here"
	case "publish":
		return "publishes with --publish"
	case "register":
		return "skipped (registers in the catalog)"
	case "side-effect":
		return "skipped (acts on another system)"
	}
	return "not supported: refused, or skipped with --skip-unsupported"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func showTemplate(ios *iostreams.IOStreams, t *scaffold.Template) error {
	m := t.Manifest
	st := ios.Styles()
	var b strings.Builder
	pathStyle := st.Golden
	if m.Spec.Path == scaffold.PathSilver {
		pathStyle = st.Silver
	}
	fmt.Fprintf(&b, "%s — %s\n", st.Bold.Render(m.Metadata.Name), m.Metadata.Title)
	fmt.Fprintf(&b, "%s path, version %s\n", pathStyle.Render(m.Spec.Path), m.Spec.Version)
	if m.Metadata.Description != "" {
		fmt.Fprintf(&b, "\n%s\n", m.Metadata.Description)
	}
	if len(m.Metadata.Tags) > 0 {
		fmt.Fprintf(&b, "Tags: %s\n", strings.Join(m.Metadata.Tags, ", "))
	}
	if strings.TrimSpace(m.Spec.Tradeoffs) != "" {
		fmt.Fprintf(&b, "\n%s\n%s\n", st.Bold.Render("Trade-offs"), indent(m.Spec.Tradeoffs))
	}
	fmt.Fprintf(&b, "\n%s\n", st.Bold.Render("Parameters"))
	out := ios.Out
	if _, err := fmt.Fprint(out, b.String()); err != nil {
		return err
	}
	showParameters(ios, m)
	fmt.Fprintf(out, "\n%s\n", st.Bold.Render("Files"))
	return fs.WalkDir(t.FS, scaffold.SkeletonDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel := strings.TrimPrefix(p, scaffold.SkeletonDir+"/")
		note := ""
		if strings.HasSuffix(rel, scaffold.TemplateSuffix) {
			note = " (rendered)"
		}
		if cond := t.ConditionFor(strings.TrimSuffix(rel, scaffold.TemplateSuffix)); cond != "" {
			note += " only if " + cond
		}
		_, err = fmt.Fprintf(out, "  %s%s\n", rel, note)
		return err
	})
}

// showParameters lists the parameters page by page, with their summary,
// description, constraints, and when they apply.
func showParameters(ios *iostreams.IOStreams, m *scaffold.Manifest) {
	out, st := ios.Out, ios.Styles()
	for _, page := range m.Spec.Parameters {
		fmt.Fprintf(out, "  %s\n", page.Title)
		for _, p := range page.Properties {
			fmt.Fprintf(out, "    %s (%s)\n", st.Bold.Render(p.Name), paramSummary(p))
			if p.Description != "" {
				fmt.Fprintf(out, "        %s\n", p.Description)
			}
			if c := constraints(p); c != "" {
				fmt.Fprintf(out, "        %s\n", c)
			}
			if p.When != nil {
				fmt.Fprintf(out, "        only when %s\n", p.Condition())
			}
			if p.Secret {
				fmt.Fprintf(out, "        secret: asked hidden, never recorded\n")
			}
			if h := p.Hint(); h != "" {
				fmt.Fprintf(out, "        %s\n", h)
			}
		}
	}
}

func constraints(p *scaffold.Parameter) string {
	var parts []string
	if len(p.Enum) > 0 {
		vals := make([]string, len(p.Enum))
		for i, e := range p.Enum {
			vals[i] = fmt.Sprint(e)
		}
		parts = append(parts, "one of "+strings.Join(vals, "|"))
	}
	if p.Items != nil && len(p.Items.Enum) > 0 {
		parts = append(parts, "any of "+strings.Join(p.Items.Enum, "|"))
	}
	if p.Pattern != "" {
		parts = append(parts, "pattern "+p.Pattern)
	}
	if p.MinLength != nil {
		parts = append(parts, fmt.Sprintf("minLength %d", *p.MinLength))
	}
	if p.MaxLength != nil {
		parts = append(parts, fmt.Sprintf("maxLength %d", *p.MaxLength))
	}
	if p.Minimum != nil {
		parts = append(parts, fmt.Sprintf("minimum %v", *p.Minimum))
	}
	if p.Maximum != nil {
		parts = append(parts, fmt.Sprintf("maximum %v", *p.Maximum))
	}
	return strings.Join(parts, ", ")
}

// paramSummary is "type, required" or "type, default VALUE".
func paramSummary(p *scaffold.Parameter) string {
	switch {
	case p.Required:
		return p.Type + ", required"
	case p.Default != nil:
		if s, ok := p.Default.(string); ok {
			return fmt.Sprintf("%s, default %q", p.Type, s)
		}
		return fmt.Sprintf("%s, default %v", p.Type, p.Default)
	default:
		return p.Type + ", optional"
	}
}

// maxTemplateDepth bounds how deep templates list DIR looks.
const maxTemplateDepth = 8

// listTemplatesIn lists the templates below opts.Dir: every template.yaml
// that is a platform template or a Backstage Software Template. One that
// is neither, or broken, is reported on stderr and skipped.
func listTemplatesIn(opts *TemplatesListOptions) error {
	info, err := os.Stat(opts.Dir)
	if err != nil || !info.IsDir() {
		return usageErrorf("%s is not a directory", opts.Dir)
	}
	var rows []templateJSON
	err = filepath.WalkDir(opts.Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // unreadable: not ours to report
		}
		rel, _ := filepath.Rel(opts.Dir, p)
		if d.IsDir() {
			if d.Name() == ".git" || d.Name() == "node_modules" || strings.Count(rel, string(filepath.Separator)) >= maxTemplateDepth {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Name() != scaffold.ManifestFile || !d.Type().IsRegular() {
			return nil
		}
		row, err := describeTemplateFile(p)
		if err != nil {
			fmt.Fprintf(opts.IO.ErrOut, "%s %s: %v\n", opts.IO.Styles().WarningIcon(), p, err)
			return nil
		}
		row.Location = p
		rows = append(rows, row)
		return nil
	})
	if err != nil {
		return err
	}
	if opts.JSON {
		if rows == nil {
			rows = []templateJSON{}
		}
		return writeJSON(opts.IO.Out, rows)
	}
	tw := tabwriter.NewWriter(opts.IO.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tKIND\tVERSION\tLOCATION\tDESCRIPTION")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Name, r.Kind, orDash(r.Version), r.Location, r.Description)
	}
	return tw.Flush()
}

// describeTemplateFile reads a template.yaml of either kind.
func describeTemplateFile(p string) (templateJSON, error) {
	data, err := os.ReadFile(p)
	if err != nil {
		return templateJSON{}, err
	}
	if int64(len(data)) > scaffold.DefaultManifestBytes {
		return templateJSON{}, fmt.Errorf("larger than %d bytes", scaffold.DefaultManifestBytes)
	}
	if backstage.IsTemplate(data) {
		m, err := backstage.ParseManifest(data)
		if err != nil {
			return templateJSON{}, err
		}
		return templateJSON{Name: m.Metadata.Name, Title: m.Metadata.Title, Description: m.Metadata.Description, Kind: "backstage"}, nil
	}
	m, err := scaffold.ParseManifest(data)
	if err != nil {
		return templateJSON{}, err
	}
	return templateJSON{Name: m.Metadata.Name, Title: m.Metadata.Title, Path: m.Spec.Path, Version: m.Spec.Version, Description: m.Metadata.Description, Kind: "platform"}, nil
}
