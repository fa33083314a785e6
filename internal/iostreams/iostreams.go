// Package iostreams decides, once per run, where output goes and how it looks:
// data to stdout, progress and hints to stderr, color and prompts only at a terminal.
package iostreams

import (
	"bytes"
	"io"
	"os"
	"strings"

	"golang.org/x/term"
)

// IOStreams holds the three standard streams and what is known about them.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	stdinTTY  bool
	stdoutTTY bool
	stderrTTY bool

	colorEnabled bool
	styles       *Styles
	width        int // SetWidth's width, 0 to ask the terminal
}

// System returns the process's streams, with TTY and color detected from the
// file descriptors and the environment (NO_COLOR, CLICOLOR_FORCE, TERM=dumb).
func System(getenv func(string) string) *IOStreams {
	s := &IOStreams{
		In:        os.Stdin,
		Out:       os.Stdout,
		ErrOut:    os.Stderr,
		stdinTTY:  isTerminal(os.Stdin),
		stdoutTTY: isTerminal(os.Stdout),
		stderrTTY: isTerminal(os.Stderr),
	}
	s.colorEnabled = colorFromEnv(getenv, s.stdoutTTY)
	return s
}

// Test returns streams backed by buffers, none of them a terminal and no color.
func Test() (s *IOStreams, in *bytes.Buffer, out *bytes.Buffer, errOut *bytes.Buffer) {
	in, out, errOut = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut}, in, out, errOut
}

func isTerminal(f *os.File) bool {
	return term.IsTerminal(int(f.Fd()))
}

// EnvTrue is the one rule for a boolean environment variable (CI,
// CLICOLOR_FORCE, PLATFORM_ACCESSIBLE, ...): unset, "", "0", "false", "no" and
// "off" (any case, spaces trimmed) are false; any other value is true.
// NO_COLOR alone differs, as https://no-color.org says: any non-empty value.
func EnvTrue(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "0", "false", "no", "off":
		return false
	}
	return true
}

// colorFromEnv follows https://no-color.org and the CLICOLOR_FORCE convention.
func colorFromEnv(getenv func(string) string, stdoutTTY bool) bool {
	if getenv("NO_COLOR") != "" {
		return false
	}
	if EnvTrue(getenv("CLICOLOR_FORCE")) {
		return true
	}
	if getenv("TERM") == "dumb" {
		return false
	}
	return stdoutTTY
}

// IsStdinTTY reports whether standard input is a terminal.
func (s *IOStreams) IsStdinTTY() bool { return s.stdinTTY }

// IsStdoutTTY reports whether standard output is a terminal.
func (s *IOStreams) IsStdoutTTY() bool { return s.stdoutTTY }

// IsStderrTTY reports whether standard error is a terminal.
func (s *IOStreams) IsStderrTTY() bool { return s.stderrTTY }

// SetTTY overrides terminal detection; tests use it to exercise interactive paths.
func (s *IOStreams) SetTTY(stdin, stdout, stderr bool) {
	s.stdinTTY, s.stdoutTTY, s.stderrTTY = stdin, stdout, stderr
}

// CanPrompt reports whether the user can be asked questions: both stdin and
// stdout must be terminals.
func (s *IOStreams) CanPrompt() bool { return s.stdinTTY && s.stdoutTTY }

// ColorEnabled reports whether output may carry ANSI colors.
func (s *IOStreams) ColorEnabled() bool { return s.colorEnabled }

// SetColorEnabled turns color on or off (the --no-color flag turns it off).
func (s *IOStreams) SetColorEnabled(on bool) {
	s.colorEnabled = on
	s.styles = nil
}

// Styles returns the lipgloss styles for this run, plain when color is off.
func (s *IOStreams) Styles() *Styles {
	if s.styles == nil {
		s.styles = NewStyles(s.ErrOut, s.colorEnabled)
	}
	return s.styles
}
