package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/platform-team/platform/internal/lint"
)

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Skipped  int          `xml:"skipped,attr,omitempty"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Skipped  int         `xml:"skipped,attr,omitempty"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// JUnit writes one test suite per rule that ran, with a failing test case per
// file that has findings of that rule, a skipped case per file whose findings
// of the rule a baseline recorded ("<path> (baselined)"), or one passing case
// when it has neither.
func JUnit(w io.Writer, res *lint.Result) error {
	byRule := map[string][]lint.Finding{}
	for _, f := range res.Findings {
		byRule[f.Rule] = append(byRule[f.Rule], f)
	}
	baselined := map[string][]lint.Finding{}
	for _, f := range res.Baselined {
		baselined[f.Rule] = append(baselined[f.Rule], f)
	}
	out := junitSuites{Name: "platform lint"}
	for _, m := range res.Rules {
		suite := junitSuite{Name: m.ID}
		findings := byRule[m.ID]
		if len(findings) == 0 && len(baselined[m.ID]) == 0 {
			suite.Cases = append(suite.Cases, junitCase{Name: "no findings", ClassName: m.ID})
		}
		for i := 0; i < len(findings); {
			j := i
			var text strings.Builder
			for j < len(findings) && findings[j].Path == findings[i].Path {
				f := findings[j]
				fmt.Fprintf(&text, "%s:%d:%d: %s: %s\n", f.Path, f.Line, f.Column, f.Severity, f.Message)
				if f.Hint != "" {
					fmt.Fprintf(&text, "  hint: %s\n", f.Hint)
				}
				j++
			}
			suite.Cases = append(suite.Cases, junitCase{
				Name: findings[i].Path, ClassName: m.ID,
				Failure: &junitFailure{Message: fmt.Sprintf("%d finding(s) of %s", j-i, m.ID), Type: findings[i].Severity.String(), Text: text.String()},
			})
			suite.Failures++
			i = j
		}
		for _, group := range byPath(baselined[m.ID]) {
			message := fmt.Sprintf("%d finding(s) of %s recorded in the baseline", len(group), m.ID)
			if res.Baseline != "" {
				message += " " + res.Baseline
			}
			suite.Cases = append(suite.Cases, junitCase{
				Name: group[0].Path + " (baselined)", ClassName: m.ID,
				Skipped: &junitSkipped{Message: message},
			})
			suite.Skipped++
		}
		suite.Tests = len(suite.Cases)
		out.Tests += suite.Tests
		out.Failures += suite.Failures
		out.Skipped += suite.Skipped
		out.Suites = append(out.Suites, suite)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// byPath splits sorted findings into runs of one path each.
func byPath(findings []lint.Finding) [][]lint.Finding {
	var out [][]lint.Finding
	for i := 0; i < len(findings); {
		j := i + 1
		for j < len(findings) && findings[j].Path == findings[i].Path {
			j++
		}
		out = append(out, findings[i:j])
		i = j
	}
	return out
}
