package iostreams

import "testing"

func TestColorFromEnv(t *testing.T) {
	cases := []struct {
		env  map[string]string
		tty  bool
		want bool
	}{
		{nil, true, true},
		{nil, false, false},
		{map[string]string{"NO_COLOR": "1"}, true, false},
		{map[string]string{"CLICOLOR_FORCE": "1"}, false, true},
		{map[string]string{"CLICOLOR_FORCE": "0"}, false, false},
		{map[string]string{"CLICOLOR_FORCE": "false"}, false, false},
		{map[string]string{"CLICOLOR_FORCE": "FALSE"}, false, false},
		{map[string]string{"CLICOLOR_FORCE": "off"}, false, false},
		{map[string]string{"NO_COLOR": "1", "CLICOLOR_FORCE": "1"}, true, false},
		{map[string]string{"TERM": "dumb"}, true, false},
	}
	for _, c := range cases {
		got := colorFromEnv(func(k string) string { return c.env[k] }, c.tty)
		if got != c.want {
			t.Errorf("env %v tty %v: color = %v, want %v", c.env, c.tty, got, c.want)
		}
	}
}

func TestEnvTrue(t *testing.T) {
	for _, v := range []string{"", "0", "false", "False", "FALSE", "no", "No", "off", "OFF", " false "} {
		if EnvTrue(v) {
			t.Errorf("EnvTrue(%q) = true, want false", v)
		}
	}
	for _, v := range []string{"1", "true", "TRUE", "yes", "on", "anything"} {
		if !EnvTrue(v) {
			t.Errorf("EnvTrue(%q) = false, want true", v)
		}
	}
}

func TestPromptingAndStyles(t *testing.T) {
	s, _, _, _ := Test()
	if s.CanPrompt() {
		t.Fatal("test streams are not terminals")
	}
	s.SetTTY(true, false, false)
	if s.CanPrompt() {
		t.Fatal("prompting needs stdout to be a terminal too")
	}
	s.SetTTY(true, true, true)
	if !s.CanPrompt() {
		t.Fatal("stdin and stdout terminals can prompt")
	}
	if got := s.Styles().SuccessIcon(); got != "✓" {
		t.Fatalf("plain icon = %q", got)
	}
	s.SetColorEnabled(true)
	if got := s.Styles().SuccessIcon(); got == "✓" {
		t.Fatal("colored icon should carry escape codes")
	}
}
