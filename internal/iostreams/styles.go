package iostreams

import (
	"io"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// Styles are the few looks the CLI uses, its one palette: commands and
// reports (lint's text report) draw with it. They render plain text when
// color is off.
type Styles struct {
	Bold    lipgloss.Style
	Muted   lipgloss.Style
	Success lipgloss.Style
	Warning lipgloss.Style
	Error   lipgloss.Style
	Info    lipgloss.Style
	Golden  lipgloss.Style
	Silver  lipgloss.Style
	Panel   lipgloss.Style
}

// NewStyles returns the palette for output to w: ANSI 256 colors when color
// is set, plain text otherwise. IOStreams.Styles is the one for stderr.
func NewStyles(w io.Writer, color bool) *Styles {
	r := lipgloss.NewRenderer(w)
	if color {
		r.SetColorProfile(termenv.ANSI256)
	} else {
		r.SetColorProfile(termenv.Ascii)
	}
	return &Styles{
		Bold:    r.NewStyle().Bold(true),
		Muted:   r.NewStyle().Foreground(lipgloss.Color("244")),
		Success: r.NewStyle().Foreground(lipgloss.Color("34")),
		Warning: r.NewStyle().Foreground(lipgloss.Color("214")),
		Error:   r.NewStyle().Foreground(lipgloss.Color("160")).Bold(true),
		Info:    r.NewStyle().Foreground(lipgloss.Color("39")),
		Golden:  r.NewStyle().Foreground(lipgloss.Color("178")).Bold(true),
		Silver:  r.NewStyle().Foreground(lipgloss.Color("250")).Bold(true),
		Panel:   r.NewStyle().Border(lipgloss.RoundedBorder()).Padding(0, 1),
	}
}

// SuccessIcon is a check mark, green when color is on.
func (st *Styles) SuccessIcon() string { return st.Success.Render("✓") }

// WarningIcon is an exclamation mark, yellow when color is on.
func (st *Styles) WarningIcon() string { return st.Warning.Render("!") }

// FailureIcon is a cross, red when color is on.
func (st *Styles) FailureIcon() string { return st.Error.Render("X") }
