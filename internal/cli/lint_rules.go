package cli

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/platform-team/platform/internal/config"
	"github.com/platform-team/platform/internal/iostreams"
	"github.com/platform-team/platform/internal/lint"
	"github.com/platform-team/platform/internal/lint/baseline"
	"github.com/platform-team/platform/internal/lint/catalogrules"
	"github.com/platform-team/platform/internal/lint/docs"
	"github.com/platform-team/platform/internal/lint/gitlabci"
	"github.com/platform-team/platform/internal/lint/k8s"
	"github.com/platform-team/platform/internal/lint/secrets"
)

// lintRules is every registered rule, sorted by ID.
func lintRules() []lint.Rule {
	return lint.Sorted(slices.Concat(lint.EngineRules(), baseline.Rules(), catalogrules.Rules(), docs.Rules(), gitlabci.Rules(), k8s.Rules(), secrets.Rules())...)
}

type ruleJSON struct {
	ID       string `json:"id"`
	Family   string `json:"family"`
	Severity string `json:"severity"`
	Summary  string `json:"summary"`
}

// LintRulesOptions are the inputs of `platform lint rules`.
type LintRulesOptions struct {
	IO *iostreams.IOStreams
	// Rules are the rules to list, sorted by ID (lintRules).
	Rules []lint.Rule

	JSON bool
	// Policy are the Rego policies whose rules are listed too.
	Policy PolicyOptions
}

func newLintRulesCmd(f *Factory, runF func(context.Context, *LintRulesOptions) error) *cobra.Command {
	opts := &LintRulesOptions{}
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "List every lint rule: ID, default severity, family and what it checks",
		Long: `List every lint rule: ID, default severity, family and what it checks.

With --policy DIR (or lint.policies in the current directory's platform.yaml), the
rules of those Rego policies are listed too, with their METADATA or
__rego_metadata__ title.`,
		Example: `  platform lint rules
  platform lint rules --policy policy --all-namespaces
  platform lint rules --json | jq -r '.[] | select(.severity == "error") | .id'`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.IO, opts.Rules = f.IOStreams, lintRules()
			opts.Policy.Resolver = f.Resolver
			var lintCfg config.Lint
			if f.Config != nil && f.Config.Service != nil {
				lintCfg = f.Config.Service.Lint
			}
			policies, err := loadPolicies(cmd.Context(), &opts.Policy, lintCfg, ".")
			if err != nil {
				return err
			}
			opts.Rules = withPolicies(policies)
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runLintRules(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the rules as JSON: [{id, family, severity, summary}]")
	addPolicyFlags(cmd.Flags(), &opts.Policy)
	inService(f, cmd, inCurrentService)
	return cmd
}

func runLintRules(_ context.Context, opts *LintRulesOptions) error {
	if opts.JSON {
		out := make([]ruleJSON, 0, len(opts.Rules))
		for _, r := range opts.Rules {
			m := r.Meta()
			out = append(out, ruleJSON{ID: m.ID, Family: m.Family(), Severity: m.Severity.String(), Summary: m.Summary})
		}
		return writeJSON(opts.IO.Out, out)
	}
	tw := tabwriter.NewWriter(opts.IO.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSEVERITY\tFAMILY\tCHECKS")
	for _, r := range opts.Rules {
		m := r.Meta()
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", m.ID, m.Severity, m.Family(), m.Summary)
	}
	return tw.Flush()
}

// completeRuleIDs offers rule IDs and family globs for --rules.
func completeRuleIDs(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	// --rules takes a comma-separated list: complete its last element.
	prefix := ""
	if i := strings.LastIndex(toComplete, ","); i >= 0 {
		prefix = toComplete[:i+1]
	}
	var out []cobra.Completion
	seen := map[string]bool{}
	for _, r := range lintRules() {
		m := r.Meta()
		if family := m.Family() + "/*"; !seen[family] {
			seen[family] = true
			out = append(out, cobra.CompletionWithDesc(prefix+family, "every "+m.Family()+" rule"))
		}
		out = append(out, cobra.CompletionWithDesc(prefix+m.ID, m.Summary))
	}
	return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
}
