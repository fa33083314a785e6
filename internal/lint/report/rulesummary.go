package report

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/platform-team/platform/internal/lint"
)

// RuleCount is how many findings one rule reported at one severity.
type RuleCount struct {
	Rule     string        `json:"rule"`
	Severity lint.Severity `json:"severity"`
	Count    int           `json:"count"`
}

// CountByRule counts res's findings per rule and severity, sorted by rule,
// then by severity, highest first.
func CountByRule(res *lint.Result) []RuleCount {
	type key struct {
		rule string
		sev  lint.Severity
	}
	n := map[key]int{}
	for _, f := range res.Findings {
		n[key{f.Rule, f.Severity}]++
	}
	out := make([]RuleCount, 0, len(n))
	for k, c := range n {
		out = append(out, RuleCount{Rule: k.rule, Severity: k.sev, Count: c})
	}
	slices.SortFunc(out, func(a, b RuleCount) int {
		return cmp.Or(strings.Compare(a.Rule, b.Rule), cmp.Compare(b.Severity, a.Severity))
	})
	return out
}

// RuleSummary writes the per-rule counts of res as a table (`platform lint --summary`):
//
//	Findings per rule:
//	  RULE           SEVERITY  COUNT
//	  k8s/image-tag  error     3
func RuleSummary(w io.Writer, res *lint.Result) error {
	counts := CountByRule(res)
	if len(counts) == 0 {
		_, err := fmt.Fprintln(w, "Findings per rule: none.")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "Findings per rule:")
	fmt.Fprintln(tw, "  RULE\tSEVERITY\tCOUNT")
	for _, c := range counts {
		fmt.Fprintf(tw, "  %s\t%s\t%d\n", c.Rule, c.Severity, c.Count)
	}
	return tw.Flush()
}
