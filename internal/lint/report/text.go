package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/platform-team/platform/internal/lint"
)

// Text writes findings grouped by file, then a summary line; colored when opts.Color.
func Text(w io.Writer, res *lint.Result, opts Options) error {
	r := lipgloss.NewRenderer(w)
	if opts.Color {
		r.SetColorProfile(termenv.ANSI256)
	} else {
		r.SetColorProfile(termenv.Ascii)
	}
	styles := map[lint.Severity]lipgloss.Style{
		lint.SeverityError:   r.NewStyle().Foreground(lipgloss.Color("160")).Bold(true),
		lint.SeverityWarning: r.NewStyle().Foreground(lipgloss.Color("214")),
		lint.SeverityInfo:    r.NewStyle().Foreground(lipgloss.Color("39")),
	}
	bold := r.NewStyle().Bold(true).Underline(true)
	muted := r.NewStyle().Foreground(lipgloss.Color("244"))

	var b strings.Builder
	current := ""
	for _, f := range res.Findings {
		if f.Path != current {
			if current != "" {
				b.WriteString("\n")
			}
			current = f.Path
			b.WriteString(bold.Render(f.Path) + "\n")
		}
		pos := fmt.Sprintf("%d:%d", f.Line, f.Column)
		sev := fmt.Sprintf("%-7s", f.Severity)
		fmt.Fprintf(&b, "  %-7s %s  %s  %s\n", pos, styles[f.Severity].Render(sev), f.Message, muted.Render(f.Rule))
		if f.Hint != "" {
			fmt.Fprintf(&b, "  %-7s %s\n", "", muted.Render("hint: "+f.Hint))
		}
	}
	if len(res.Findings) > 0 {
		b.WriteString("\n")
	}
	b.WriteString(SummaryLine(res) + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// SummaryLine is "2 errors, 1 warning, 0 infos in 42 files (3 waived)".
func SummaryLine(res *lint.Result) string {
	s := Summarize(res)
	if s.Findings == 0 {
		line := fmt.Sprintf("No findings in %s", plural(s.Files, "file"))
		if s.Waived > 0 {
			line += fmt.Sprintf(" (%d waived)", s.Waived)
		}
		return line + "."
	}
	line := fmt.Sprintf("%s, %s, %s in %s", plural(s.Errors, "error"), plural(s.Warnings, "warning"), plural(s.Infos, "info"), plural(s.Files, "file"))
	if s.Waived > 0 {
		line += fmt.Sprintf(" (%d waived)", s.Waived)
	}
	return line + "."
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
