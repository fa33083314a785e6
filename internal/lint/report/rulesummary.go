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

// RuleCount is how many findings one rule reported at one severity, and how
// many more the baseline left out.
type RuleCount struct {
	Rule      string        `json:"rule"`
	Severity  lint.Severity `json:"severity"`
	Count     int           `json:"count"`
	Baselined int           `json:"baselined,omitempty"`
}

// CountByRule counts res's findings (and baselined findings) per rule and
// severity, sorted by rule, then by severity, highest first.
func CountByRule(res *lint.Result) []RuleCount {
	type key struct {
		rule string
		sev  lint.Severity
	}
	n := map[key]*RuleCount{}
	count := func(f lint.Finding) *RuleCount {
		k := key{f.Rule, f.Severity}
		if n[k] == nil {
			n[k] = &RuleCount{Rule: f.Rule, Severity: f.Severity}
		}
		return n[k]
	}
	for _, f := range res.Findings {
		count(f).Count++
	}
	for _, f := range res.Baselined {
		count(f).Baselined++
	}
	out := make([]RuleCount, 0, len(n))
	for _, c := range n {
		out = append(out, *c)
	}
	slices.SortFunc(out, func(a, b RuleCount) int {
		return cmp.Or(strings.Compare(a.Rule, b.Rule), cmp.Compare(b.Severity, a.Severity))
	})
	return out
}

// RuleSummary writes the per-rule counts of res as a table (`platform lint
// --summary`), with a BASELINED column when a baseline was used:
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
	if res.Baseline == "" {
		fmt.Fprintln(tw, "  RULE\tSEVERITY\tCOUNT")
		for _, c := range counts {
			fmt.Fprintf(tw, "  %s\t%s\t%d\n", c.Rule, c.Severity, c.Count)
		}
		return tw.Flush()
	}
	fmt.Fprintln(tw, "  RULE\tSEVERITY\tCOUNT\tBASELINED")
	for _, c := range counts {
		fmt.Fprintf(tw, "  %s\t%s\t%d\t%d\n", c.Rule, c.Severity, c.Count, c.Baselined)
	}
	return tw.Flush()
}
