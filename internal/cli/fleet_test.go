package cli

import (
	"testing"

	"github.com/platform-team/platform/internal/fleet"
)

// TestFleetUpdateProgressAtATerminal: per-project progress lines go to
// stderr at a terminal, with the action and the conflicts, and never
// elsewhere (a CI log gets the final table only).
func TestFleetUpdateProgressAtATerminal(t *testing.T) {
	f, _, errOut := testFactory(t)
	opts := &FleetUpdateOptions{Getenv: f.Getenv, Now: f.Now}
	opts.IO = f.IOStreams

	if uopts := opts.updateOptions(nil); uopts.Progress != nil {
		t.Fatal("progress lines without a terminal")
	}
	f.IOStreams.SetTTY(false, false, true)
	uopts := opts.updateOptions(nil)
	if uopts.Progress == nil {
		t.Fatal("no progress lines at a terminal")
	}
	uopts.Progress(1, 3, fleet.Outcome{Service: fleet.Service{Project: "shop/web"}, Action: fleet.Opened, Conflicts: []string{"app.txt"}})
	uopts.Progress(2, 3, fleet.Outcome{Service: fleet.Service{Project: "shop/api"}, Action: fleet.Failed, Error: "push refused"})
	want := "[1/3] shop/web: opened (draft: conflicts in app.txt)\n[2/3] shop/api: failed: push refused\n"
	if got := errOut.String(); got != want {
		t.Errorf("progress:\n%s\nwant:\n%s", got, want)
	}
}
