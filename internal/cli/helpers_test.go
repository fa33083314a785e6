package cli

import (
	"bytes"
	"path/filepath"
	"testing"
	"time"

	"github.com/platform-team/platform/internal/config"
	"github.com/platform-team/platform/internal/iostreams"
	"github.com/platform-team/platform/templates"
)

// testFactory is a Factory for tests: test streams, a private HOME and cache,
// a fixed clock and the embedded templates.
func testFactory(t *testing.T) (*Factory, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	home := t.TempDir()
	env := map[string]string{
		"HOME":                      home,
		"XDG_CACHE_HOME":            filepath.Join(home, "cache"),
		"XDG_CONFIG_HOME":           filepath.Join(home, "config"),
		"PLATFORM_GIT_AUTHOR_NAME":  "Bench",
		"PLATFORM_GIT_AUTHOR_EMAIL": "bench@example.com",
	}
	return &Factory{
		IOStreams: ios,
		Getenv:    func(k string) string { return env[k] },
		Now:       func() time.Time { return time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC) },
		Build:     BuildInfo{Version: "v0.0.0-test"},
		Templates: templates.FS,
		Config:    &config.Config{}, // as the root command's PersistentPreRunE leaves it
	}, out, errOut
}
