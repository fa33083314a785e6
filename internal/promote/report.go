package promote

import (
	"fmt"
	"strings"
)

// Mark is the one-character sign of a gate status: ✓ pass, ✗ fail, – skip, • info.
func (s GateStatus) Mark() string {
	switch s {
	case GatePass:
		return "✓"
	case GateFail:
		return "✗"
	case GateInfo:
		return "•"
	}
	return "–"
}

// Table renders results as a plain text table: mark, gate, status, detail.
func Table(results []GateResult) string {
	gateWidth := len("GATE")
	for _, r := range results {
		gateWidth = max(gateWidth, len(r.Gate))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "  %-*s  %-6s  %s\n", gateWidth, "GATE", "STATUS", "DETAIL")
	for _, r := range results {
		fmt.Fprintf(&b, "%s %-*s  %-6s  %s\n", r.Status.Mark(), gateWidth, r.Gate, r.Status, oneLine(r.Detail))
	}
	return b.String()
}

// Markdown renders results as a Markdown table, for a merge request description.
func Markdown(results []GateResult) string {
	var b strings.Builder
	b.WriteString("| Gate | Status | Detail |\n| --- | --- | --- |\n")
	for _, r := range results {
		fmt.Fprintf(&b, "| %s | %s %s | %s |\n", cell(r.Gate), r.Status.Mark(), r.Status, cell(r.Detail))
	}
	return b.String()
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// cell escapes what would break a Markdown table cell or add markup to it.
func cell(s string) string {
	r := strings.NewReplacer(`\`, `\\`, "|", `\|`, "<", "&lt;", ">", "&gt;", "`", "\\`", "*", `\*`, "_", `\_`)
	return r.Replace(oneLine(s))
}
