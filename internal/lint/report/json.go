package report

import (
	"encoding/json"
	"io"

	"github.com/platform-team/platform/internal/lint"
)

// Summary counts a result.
type Summary struct {
	Files    int `json:"files"`
	Findings int `json:"findings"`
	Errors   int `json:"errors"`
	Warnings int `json:"warnings"`
	Infos    int `json:"infos"`
	Waived   int `json:"waived"`
	// Baselined counts findings a baseline left out (absent when none).
	Baselined int `json:"baselined,omitempty"`
}

// Summarize counts res.
func Summarize(res *lint.Result) Summary {
	return Summary{
		Files: res.Files, Findings: len(res.Findings),
		Errors: res.Count(lint.SeverityError), Warnings: res.Count(lint.SeverityWarning), Infos: res.Count(lint.SeverityInfo),
		Waived: res.Waived, Baselined: len(res.Baselined),
	}
}

type jsonReport struct {
	Findings []lint.Finding `json:"findings"`
	Summary  Summary        `json:"summary"`
}

// JSON writes {"findings": [...], "summary": {...}}: the stable machine format
// documented in docs/lint.md.
func JSON(w io.Writer, res *lint.Result) error {
	findings := res.Findings
	if findings == nil {
		findings = []lint.Finding{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(jsonReport{Findings: findings, Summary: Summarize(res)})
}
