package cli

import (
	"strings"
	"testing"

	"github.com/platform-team/platform/internal/iostreams"
)

// Both commands that commit (new service, promote) fall back the same way,
// and both say so.
func TestCommitAuthorFallsBackWithAWarning(t *testing.T) {
	home := t.TempDir()
	env := map[string]string{"HOME": home, "XDG_CONFIG_HOME": home + "/config"}
	ios, _, _, errOut := iostreams.Test()
	got := commitAuthor(ios, func(k string) string { return env[k] })
	if got != fallbackAuthor {
		t.Fatalf("author %+v, want the fallback %+v", got, fallbackAuthor)
	}
	if !strings.Contains(errOut.String(), "no git identity found: committing as platform <platform@localhost>") {
		t.Errorf("stderr %q: want the warning", errOut.String())
	}

	env["PLATFORM_GIT_AUTHOR_NAME"], env["PLATFORM_GIT_AUTHOR_EMAIL"] = "Ada", "ada@example.com"
	errOut.Reset()
	if got := commitAuthor(ios, func(k string) string { return env[k] }); got.Name != "Ada" || got.Email != "ada@example.com" {
		t.Errorf("author %+v, want Ada", got)
	}
	if errOut.Len() != 0 {
		t.Errorf("a found identity warns: %q", errOut.String())
	}
}
