package report

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"

	"github.com/platform-team/platform/internal/iostreams"
	"github.com/platform-team/platform/internal/lint"
)

// Text writes findings grouped by file, then a summary line; colored when
// opts.Color. With opts.GitLabSections each file's findings are a collapsible
// section of the GitLab job log, headed by the file and its counts, open when
// the file has errors; the summary line stays outside every section.
func Text(w io.Writer, res *lint.Result, opts Options) error {
	var b strings.Builder
	textFindings(&b, iostreams.NewStyles(w, opts.Color), res.Findings, opts)
	if len(res.Findings) > 0 {
		b.WriteString("\n")
	}
	b.WriteString(SummaryLine(res) + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// TextFindings writes findings as Text does, grouped by file, without the
// summary line: for a command that says its own verdict (catalog validate).
func TextFindings(w io.Writer, findings []lint.Finding, opts Options) error {
	var b strings.Builder
	textFindings(&b, iostreams.NewStyles(w, opts.Color), findings, opts)
	_, err := io.WriteString(w, b.String())
	return err
}

func textFindings(b *strings.Builder, st *iostreams.Styles, findings []lint.Finding, opts Options) {
	styles := map[lint.Severity]lipgloss.Style{
		lint.SeverityError:   st.Error,
		lint.SeverityWarning: st.Warning,
		lint.SeverityInfo:    st.Info,
	}
	path := st.Bold.Underline(true)
	sections := newSections(opts)
	for i := 0; i < len(findings); {
		file := findings[i].Path
		j := i
		for j < len(findings) && findings[j].Path == file {
			j++
		}
		group := findings[i:j]
		if i > 0 && !opts.GitLabSections {
			b.WriteString("\n")
		}
		if opts.GitLabSections {
			sections.start(b, path.Render(file)+": "+counts(group), !hasError(group))
		} else {
			b.WriteString(path.Render(file) + "\n")
		}
		for _, f := range group {
			pos := fmt.Sprintf("%d:%d", f.Line, f.Column)
			sev := fmt.Sprintf("%-7s", f.Severity)
			fmt.Fprintf(b, "  %-7s %s  %s  %s\n", pos, styles[f.Severity].Render(sev), f.Message, st.Muted.Render(f.Rule))
			if f.Hint != "" {
				fmt.Fprintf(b, "  %-7s %s\n", "", st.Muted.Render("hint: "+f.Hint))
			}
		}
		if opts.GitLabSections {
			sections.end(b)
		}
		i = j
	}
}

// sections writes GitLab's collapsible job-log sections, one per file:
// https://docs.gitlab.com/ci/jobs/job_logs/#custom-collapsible-sections.
// A marker is \e[0Ksection_start:UNIX_TIME:NAME[collapsed=true]\r\e[0KHEADER
// and \e[0Ksection_end:UNIX_TIME:NAME\r\e[0K; names are numbered, since
// GitLab matches an end to its start by name and allows only [A-Za-z0-9_.-].
type sections struct {
	now  func() time.Time
	n    int
	name string
}

func newSections(opts Options) *sections {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	return &sections{now: now}
}

// start opens a section; collapsed ones show only their header until clicked.
func (s *sections) start(b *strings.Builder, header string, collapsed bool) {
	s.n++
	s.name = fmt.Sprintf("platform_lint_%d", s.n)
	opt := ""
	if collapsed {
		opt = "[collapsed=true]"
	}
	fmt.Fprintf(b, "\x1b[0Ksection_start:%d:%s%s\r\x1b[0K%s\n", s.now().Unix(), s.name, opt, header)
}

func (s *sections) end(b *strings.Builder) {
	fmt.Fprintf(b, "\x1b[0Ksection_end:%d:%s\r\x1b[0K\n", s.now().Unix(), s.name)
}

func hasError(findings []lint.Finding) bool {
	for _, f := range findings {
		if f.Severity == lint.SeverityError {
			return true
		}
	}
	return false
}

// counts is "2 errors, 1 warning" for one file's findings, zero counts left out.
func counts(findings []lint.Finding) string {
	n := map[lint.Severity]int{}
	for _, f := range findings {
		n[f.Severity]++
	}
	var parts []string
	for _, sev := range []struct {
		s    lint.Severity
		word string
	}{{lint.SeverityError, "error"}, {lint.SeverityWarning, "warning"}, {lint.SeverityInfo, "info"}} {
		if n[sev.s] > 0 {
			parts = append(parts, plural(n[sev.s], sev.word))
		}
	}
	return strings.Join(parts, ", ")
}

// SummaryLine is "2 errors, 1 warning, 0 infos in 42 files (3 waived)".
func SummaryLine(res *lint.Result) string {
	s := Summarize(res)
	if s.Findings == 0 {
		line := fmt.Sprintf("No findings in %s", plural(s.Files, "file"))
		return line + suppressed(s) + "."
	}
	line := fmt.Sprintf("%s, %s, %s in %s", plural(s.Errors, "error"), plural(s.Warnings, "warning"), plural(s.Infos, "info"), plural(s.Files, "file"))
	return line + suppressed(s) + "."
}

// suppressed is " (3 waived, 2 baselined)", zero counts left out.
func suppressed(s Summary) string {
	var parts []string
	if s.Waived > 0 {
		parts = append(parts, fmt.Sprintf("%d waived", s.Waived))
	}
	if s.Baselined > 0 {
		parts = append(parts, fmt.Sprintf("%d baselined", s.Baselined))
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
