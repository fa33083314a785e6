package wizard

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/huh"
	"golang.org/x/term"

	"github.com/platform-team/platform/internal/iostreams"
)

// Prompter runs huh forms the one way every prompt of the CLI runs: one
// theme, one key map (Esc cancels as Ctrl-C does), and accessible mode as
// plain line prompts that read one answer per line, also from a pipe.
type Prompter struct {
	in         io.Reader
	lines      *lineReader
	out        io.Writer
	accessible bool
	theme      *huh.Theme
}

// NewPrompter returns a prompter reading in and drawing on out. In
// accessible mode it asks one question per line; an empty line takes the default.
func NewPrompter(in io.Reader, out io.Writer, accessible, color bool) *Prompter {
	p := &Prompter{in: in, out: out, accessible: accessible, theme: huh.ThemeCharm()}
	if !color {
		p.theme = huh.ThemeBase()
	}
	if accessible {
		p.lines = newLineReader(in)
		p.in = p.lines
		if f, ok := in.(interface{ Fd() uintptr }); ok && term.IsTerminal(int(f.Fd())) {
			// huh reads a hidden answer from the terminal itself.
			p.in = ttyLineReader{p.lines, f.Fd()}
		}
	}
	return p
}

// ttyLineReader is the line reader of a terminal, whose descriptor huh
// needs to read a hidden answer.
type ttyLineReader struct {
	*lineReader
	fd uintptr
}

// Fd is the terminal's file descriptor.
func (t ttyLineReader) Fd() uintptr { return t.fd }

// canHide reports whether secrets can be asked hidden: at a terminal. In
// accessible mode on a pipe they are read as plain lines, which nothing
// echoes.
func (p *Prompter) canHide() bool {
	if !p.accessible {
		return true
	}
	_, ok := p.in.(ttyLineReader)
	return ok
}

// ForStreams returns the prompter of a command: forms are drawn on stderr,
// so stdout stays data; accessible prompts are plain lines on stdout, where
// a screen reader or a script expects them.
func ForStreams(ios *iostreams.IOStreams, accessible bool) *Prompter {
	out := ios.ErrOut
	if accessible {
		out = ios.Out
	}
	return NewPrompter(ios.In, out, accessible, ios.ColorEnabled())
}

// Accessible reports whether questions are plain line prompts.
func (p *Prompter) Accessible() bool { return p.accessible }

// keyMap is huh's, with Esc cancelling as Ctrl-C does. Filtering in selects is
// off: its Esc would be taken for a cancel, and the lists are short.
func keyMap() *huh.KeyMap {
	km := huh.NewDefaultKeyMap()
	km.Quit = key.NewBinding(key.WithKeys("ctrl+c", "esc"), key.WithHelp("esc", "cancel"))
	km.Select.Filter.SetEnabled(false)
	km.MultiSelect.Filter.SetEnabled(false)
	return km
}

// Run runs the form. Only the user stopping it is ErrCancelled: Esc or
// Ctrl-C at a terminal, or the end of the input in accessible mode. An
// interrupt is the context's error. Any other failure is an error, never a
// cancel. huh returns defaults at the end of input without running its
// validators, so callers validate the answers again.
func (p *Prompter) Run(ctx context.Context, f *huh.Form) error {
	f = f.WithInput(p.in).WithOutput(p.out).WithAccessible(p.accessible).WithTheme(p.theme).WithKeyMap(keyMap())
	done := make(chan error, 1)
	go func() { done <- f.RunWithContext(ctx) }()
	var err error
	select {
	case err = <-done:
	case <-ctx.Done():
		// An accessible prompt waits in a read of stdin that a cancel
		// cannot interrupt: the read is abandoned, and the run ends.
		return ctx.Err()
	}
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case errors.Is(err, huh.ErrUserAborted):
		return ErrCancelled
	case err != nil:
		return fmt.Errorf("prompt: %w", err)
	case p.lines != nil && p.lines.atEOF():
		return ErrCancelled
	}
	return nil
}
