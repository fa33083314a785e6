package cli

import (
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/platform-team/platform/internal/lint"
	"github.com/platform-team/platform/internal/lint/catalogrules"
	"github.com/platform-team/platform/internal/lint/docs"
	"github.com/platform-team/platform/internal/lint/gitlabci"
	"github.com/platform-team/platform/internal/lint/k8s"
	"github.com/platform-team/platform/internal/lint/secrets"
)

// lintRules is every registered rule, sorted by ID.
func lintRules() []lint.Rule {
	return lint.Sorted(slices.Concat(lint.EngineRules(), catalogrules.Rules(), docs.Rules(), gitlabci.Rules(), k8s.Rules(), secrets.Rules())...)
}

type ruleJSON struct {
	ID       string `json:"id"`
	Family   string `json:"family"`
	Severity string `json:"severity"`
	Summary  string `json:"summary"`
}

func newLintRulesCmd(f *Factory) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "List every lint rule: ID, default severity, family and what it checks",
		Example: `  platform lint rules
  platform lint rules --json | jq -r '.[] | select(.severity == "error") | .id'`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			rules := lintRules()
			if asJSON {
				out := make([]ruleJSON, 0, len(rules))
				for _, r := range rules {
					m := r.Meta()
					out = append(out, ruleJSON{ID: m.ID, Family: m.Family(), Severity: m.Severity.String(), Summary: m.Summary})
				}
				return writeJSON(f.IOStreams.Out, out)
			}
			tw := tabwriter.NewWriter(f.IOStreams.Out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tSEVERITY\tFAMILY\tCHECKS")
			for _, r := range rules {
				m := r.Meta()
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", m.ID, m.Severity, m.Family(), m.Summary)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the rules as JSON: [{id, family, severity, summary}]")
	return cmd
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
