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
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// JUnit writes one test suite per rule that ran, with a failing test case per
// file that has findings of that rule, or one passing case when it has none.
func JUnit(w io.Writer, res *lint.Result) error {
	byRule := map[string][]lint.Finding{}
	for _, f := range res.Findings {
		byRule[f.Rule] = append(byRule[f.Rule], f)
	}
	out := junitSuites{Name: "platform lint"}
	for _, m := range res.Rules {
		suite := junitSuite{Name: m.ID}
		findings := byRule[m.ID]
		if len(findings) == 0 {
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
		suite.Tests = len(suite.Cases)
		out.Tests += suite.Tests
		out.Failures += suite.Failures
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
