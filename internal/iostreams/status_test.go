package iostreams

import "testing"

func TestStatusLine(t *testing.T) {
	s, _, _, errOut := Test()
	s.StatusLine("pipeline #1: running")
	s.StatusLine("pipeline #1: success")
	s.EndStatusLine()
	if got, want := errOut.String(), "pipeline #1: running\npipeline #1: success\n"; got != want {
		t.Errorf("not a terminal: %q, want %q", got, want)
	}

	errOut.Reset()
	s.SetTTY(false, false, true)
	s.StatusLine("pipeline #1: running")
	s.StatusLine("pipeline #1: success")
	s.EndStatusLine()
	if got, want := errOut.String(), "\r\033[Kpipeline #1: running\r\033[Kpipeline #1: success\n"; got != want {
		t.Errorf("terminal: %q, want %q", got, want)
	}
}

func TestTerminalWidth(t *testing.T) {
	s, _, _, _ := Test()
	if got := s.TerminalWidth(); got != DefaultWidth {
		t.Errorf("not a terminal: %d, want %d", got, DefaultWidth)
	}
	s.SetWidth(42)
	if got := s.TerminalWidth(); got != 42 {
		t.Errorf("after SetWidth(42): %d", got)
	}
}
