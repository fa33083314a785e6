package iostreams

import (
	"fmt"
	"os"

	"golang.org/x/term"
)

// DefaultWidth is the width assumed when stdout is not a terminal.
const DefaultWidth = 100

// TerminalWidth is the width of stdout at a terminal, else the width set with
// SetWidth, else DefaultWidth.
func (s *IOStreams) TerminalWidth() int {
	if s.width > 0 {
		return s.width
	}
	if f, ok := s.Out.(*os.File); ok && s.stdoutTTY {
		if w, _, err := term.GetSize(int(f.Fd())); err == nil && w > 0 {
			return w
		}
	}
	return DefaultWidth
}

// SetWidth fixes the width TerminalWidth reports (tests, --width flags).
func (s *IOStreams) SetWidth(w int) { s.width = w }

// StatusLine shows text as the current status on stderr: at a terminal it
// replaces the previous status line in place (end it with EndStatusLine);
// elsewhere it is one line of a log.
func (s *IOStreams) StatusLine(text string) {
	if s.stderrTTY {
		fmt.Fprintf(s.ErrOut, "\r\033[K%s", text)
		return
	}
	fmt.Fprintln(s.ErrOut, text)
}

// EndStatusLine ends a status line at a terminal, so what follows starts on a
// line of its own. Elsewhere it writes nothing.
func (s *IOStreams) EndStatusLine() {
	if s.stderrTTY {
		fmt.Fprintln(s.ErrOut)
	}
}
