package cli

import (
	"context"
	"fmt"
	"io/fs"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

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
}

// TemplatesListOptions are the inputs of `platform templates list`.
type TemplatesListOptions struct {
	IO       *iostreams.IOStreams
	Resolver *scaffold.Resolver

	JSON bool
}

func newTemplatesListCmd(f *Factory, runF func(context.Context, *TemplatesListOptions) error) *cobra.Command {
	opts := &TemplatesListOptions{}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the embedded templates: golden paths first, then silver paths",
		Example: `  platform templates list
  platform templates list --json | jq -r '.[] | select(.path == "golden") | .name'`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
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
	t, err := opts.Resolver.Resolve(ctx, opts.Template)
	if err != nil {
		return err
	}
	return showTemplate(opts.IO, t)
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
		}
	}
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
