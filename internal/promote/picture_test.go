package promote

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"

	"github.com/platform-team/platform/internal/config"
	"github.com/platform-team/platform/internal/iostreams"
)

func pictureStages() []StageStatus {
	return []StageStatus{
		{Stage: Stage{Name: "preview"}, Version: "1.2.4", Deployment: deployment("success", 20*time.Minute)},
		{
			Stage:      Stage{Name: "staging", From: "preview", Gates: config.Gates{Deployed: true, Soak: "30m"}},
			Version:    "1.2.3",
			Deployment: deployment("success", 3*time.Hour),
			Gates:      []GateResult{{GateDeployed, GatePass, ""}, {GateSoak, GateFail, ""}, {GatePipeline, GateSkip, ""}},
		},
		{
			Stage:      Stage{Name: "production", From: "staging"},
			Deployment: deployment("failed", 26*time.Hour),
			Gates:      []GateResult{{GateApprovals, GateInfo, ""}},
		},
		{Stage: Stage{Name: "production-eu", From: "staging"}, Version: digestA},
	}
}

func TestPicture(t *testing.T) {
	got := Picture(pictureStages(), now, 0, nil)
	for _, want := range []string{
		"preview", "staging", "production", "production-eu", "1.2.4", "1.2.3", "no version pinned", digestA[:19],
		"success, 20m ago", "success, 3h ago", "failed, 26h ago", "not deployed",
		"deployed from CI", "✓ deployed", "✗ soak", "• approvals", "no gates", "from staging",
		"──▶", "╭", "╯",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("picture lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, digestA) {
		t.Errorf("a digest is drawn in full:\n%s", got)
	}
	if strings.Contains(got, "pipeline") {
		t.Errorf("a skipped gate is drawn:\n%s", got)
	}
	if strings.Contains(got, "\x1b[") {
		t.Errorf("plain picture has escape codes:\n%q", got)
	}
	if n := strings.Count(got, "──▶"); n != 3 {
		t.Errorf("%d arrows, want 3:\n%s", n, got)
	}
	if n := strings.Count(strings.Split(got, "\n")[0], "╭"); n != 4 {
		t.Errorf("unwrapped picture has %d boxes on its first row:\n%s", n, got)
	}
	// production follows staging, which the arrow says; production-eu does
	// not follow production, so its box names where it comes from.
	if strings.Count(got, "from staging") != 1 {
		t.Errorf("from shown where the arrow says it:\n%s", got)
	}
}

func TestPictureWraps(t *testing.T) {
	wide := Picture(pictureStages(), now, 0, nil)
	width := lipgloss.Width(wide) / 2
	got := Picture(pictureStages(), now, width, nil)
	rows := 0
	for _, line := range strings.Split(strings.TrimSuffix(got, "\n"), "\n") {
		if w := lipgloss.Width(line); w > width {
			t.Errorf("line wider than %d (%d): %q", width, w, line)
		}
		if strings.Contains(line, "╭") {
			rows++
		}
	}
	if rows < 2 {
		t.Fatalf("no wrapping at width %d:\n%s", width, got)
	}
	if n := strings.Count(got, "──▶"); n != 3 {
		t.Errorf("%d arrows after wrapping, want 3:\n%s", n, got)
	}
	// Narrower than one box: one box to a row, never an empty row.
	got = Picture(pictureStages(), now, 5, nil)
	if n := strings.Count(got, "╭"); n != 4 {
		t.Errorf("%d boxes at width 5:\n%s", n, got)
	}
	if Picture(nil, now, 80, nil) != "" {
		t.Error("an empty chain draws something")
	}
}

func TestPictureColor(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	ios.SetColorEnabled(true)
	got := Picture(pictureStages(), now, 0, ios.Styles())
	if !strings.Contains(got, "\x1b[") {
		t.Fatal("colored picture has no escape codes")
	}
	ios.SetColorEnabled(false)
	plain := Picture(pictureStages(), now, 0, ios.Styles())
	if plain != Picture(pictureStages(), now, 0, nil) {
		t.Fatal("plain styles and nil styles differ")
	}
}
