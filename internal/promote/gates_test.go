package promote

import (
	"strings"
	"testing"
	"time"

	"github.com/platform-team/platform/internal/config"
	"github.com/platform-team/platform/internal/gitlab"
)

// now is a Wednesday noon, outside any weekend freeze.
var now = time.Date(2026, 7, 8, 12, 0, 0, 0, time.UTC)

func deployment(status string, finishedAgo time.Duration) *gitlab.Deployment {
	d := &gitlab.Deployment{ID: 9001, IID: 42, Status: status, Ref: "main", SHA: "0123456789abcdef0123", Environment: "staging", CreatedAt: now.Add(-finishedAgo - 5*time.Minute)}
	if status == "success" || status == "failed" {
		f := now.Add(-finishedAgo)
		d.FinishedAt = &f
	}
	return d
}

func goodEvidence() Evidence {
	return Evidence{
		Now:         now,
		Candidate:   "1.2.3",
		Deployment:  deployment("success", 3*time.Hour),
		DeployedPin: "1.2.3",
		Pipeline:    &gitlab.Pipeline{ID: 991, Status: "success", Ref: "main", SHA: "abcdef0123456789"},
	}
}

func gate(results []GateResult, name string) GateResult {
	for _, r := range results {
		if r.Gate == name {
			return r
		}
	}
	return GateResult{}
}

func TestEvaluateOrderAndSkip(t *testing.T) {
	results := Evaluate(Stage{Name: "staging", From: "preview"}, goodEvidence())
	var names []string
	for _, r := range results {
		names = append(names, r.Gate)
		if r.Status != GateSkip || r.Detail != "not configured" {
			t.Errorf("unconfigured gate %+v", r)
		}
	}
	if strings.Join(names, ",") != "deployed,soak,pipeline,freeze,approvals" {
		t.Fatalf("order %v", names)
	}
	if failed := Failed(results); len(failed) > 0 {
		t.Fatal("skipped gates fail")
	}
}

func TestEvaluate(t *testing.T) {
	stage := func(g config.Gates) Stage { return Stage{Name: "production", From: "staging", Gates: g} }
	deployed := config.Gates{Deployed: true}
	soak := config.Gates{Soak: "24h"}
	cases := []struct {
		name   string
		gates  config.Gates
		change func(*Evidence)
		gate   string
		status GateStatus
		detail string
	}{
		{"deployed", deployed, nil, GateDeployed, GatePass, "deployment #42 (01234567) of 1.2.3 to staging succeeded 3h ago"},
		{"deployed digest", deployed, func(e *Evidence) { e.Candidate, e.DeployedPin = digestA, digestA }, GateDeployed, GatePass, "deployment #42 (01234567) of " + digestA + " to staging succeeded 3h ago"},
		{"nothing deployed", deployed, func(e *Evidence) { e.Deployment = nil }, GateDeployed, GateFail, "nothing has been deployed to staging"},
		{"deployment failed", deployed, func(e *Evidence) { e.Deployment = deployment("failed", time.Hour) }, GateDeployed, GateFail, "the latest deployment to staging, #42 (01234567), is failed"},
		{"deployment running", deployed, func(e *Evidence) { e.Deployment = deployment("running", 0) }, GateDeployed, GateFail, "the latest deployment to staging, #42 (01234567), is running"},
		{"other version", deployed, func(e *Evidence) { e.DeployedPin = "1.2.2" }, GateDeployed, GateFail, "deployment #42 (01234567) to staging runs 1.2.2, not 1.2.3"},
		{"unknown version", deployed, func(e *Evidence) { e.DeployedPin = "" }, GateDeployed, GateFail, "cannot tell which version deployment #42 (01234567) to staging runs"},

		{"soaked", soak, func(e *Evidence) { e.Deployment = deployment("success", 25*time.Hour) }, GateSoak, GatePass, "staging has soaked 1d1h (at least 24h)"},
		{"soaked exactly", config.Gates{Soak: "30m"}, func(e *Evidence) { e.Deployment = deployment("success", 30*time.Minute) }, GateSoak, GatePass, "staging has soaked 30m (at least 30m)"},
		{"soaking", soak, nil, GateSoak, GateFail, "staging has soaked 3h of 24h: 21h remaining"},
		{"soak remaining rounds up", config.Gates{Soak: "30m"}, func(e *Evidence) { e.Deployment = deployment("success", 10*time.Minute+30*time.Second) }, GateSoak, GateFail, "staging has soaked 10m of 30m: 20m remaining"},
		{"soak in days", config.Gates{Soak: "7d"}, func(e *Evidence) { e.Deployment = deployment("success", 50*time.Hour) }, GateSoak, GateFail, "staging has soaked 2d2h of 7d: 4d22h remaining"},
		{"soak days and hours", config.Gates{Soak: "1d12h"}, func(e *Evidence) { e.Deployment = deployment("success", 40*time.Hour) }, GateSoak, GatePass, "staging has soaked 1d16h (at least 1d12h)"},
		{"soak of another version", soak, func(e *Evidence) { e.Deployment, e.DeployedPin = deployment("success", 48*time.Hour), "1.2.2" }, GateSoak, GateFail, "deployment #42 (01234567) to staging runs 1.2.2, not 1.2.3"},
		{"soak without deployment", soak, func(e *Evidence) { e.Deployment = nil }, GateSoak, GateFail, "nothing has been deployed to staging"},
		{"soak unfinished", soak, func(e *Evidence) { e.Deployment.FinishedAt = nil }, GateSoak, GateFail, "deployment #42 to staging has not finished"},
		{"soak invalid", config.Gates{Soak: "a while"}, nil, GateSoak, GateFail, `invalid soak "a while": want a duration such as 30m, 24h or 7d`},

		{"pipeline", config.Gates{Pipeline: "success"}, nil, GatePipeline, GatePass, "pipeline #991 (abcdef01) on main is success"},
		{"pipeline failed", config.Gates{Pipeline: "success"}, func(e *Evidence) { e.Pipeline.Status = "failed" }, GatePipeline, GateFail, "pipeline #991 (abcdef01) on main is failed"},
		{"pipeline running", config.Gates{Pipeline: "success"}, func(e *Evidence) { e.Pipeline.Status = "running" }, GatePipeline, GateFail, "pipeline #991 (abcdef01) on main is running"},
		{"no pipeline", config.Gates{Pipeline: "success"}, func(e *Evidence) { e.Pipeline = nil }, GatePipeline, GateFail, "no pipeline has run on the default branch"},
		{"pipeline typo", config.Gates{Pipeline: "passed"}, nil, GatePipeline, GateFail, `unknown pipeline gate "passed": want success`},

		{"freeze outside window", config.Gates{Freeze: []string{"Fri 15:00 - Mon 08:00 Europe/Berlin"}}, nil, GateFreeze, GatePass, "no freeze is active (1 window checked)"},
		{"freeze in window", config.Gates{Freeze: []string{"Wed 09:00 - Wed 17:00 UTC", "Fri 15:00 - Mon 08:00 Europe/Berlin"}}, nil, GateFreeze, GateFail, "freeze window Wed 09:00 - Wed 17:00 UTC is active, ends Wed 08 Jul 17:00 UTC (in 5h)"},
		{"freeze window across the week, other zone", config.Gates{Freeze: []string{"Tue 20:00 - Wed 06:00 America/Los_Angeles"}}, nil, GateFreeze, GateFail, "freeze window Tue 20:00 - Wed 06:00 America/Los_Angeles is active, ends Wed 08 Jul 06:00 PDT (in 1h)"},
		{"freeze unreadable window", config.Gates{Freeze: []string{"weekends"}}, nil, GateFreeze, GateFail, `freeze window "weekends": want WEEKDAY HH:MM - WEEKDAY HH:MM ZONE`},
		{"gitlab freeze", config.Gates{}, func(e *Evidence) {
			e.FreezePeriods = []gitlab.FreezePeriod{{FreezeStart: "0 9 * * 3", FreezeEnd: "0 15 * * 3", CronTimezone: "Europe/Berlin"}}
		}, GateFreeze, GateFail, `GitLab deploy freeze "0 9 * * 3" to "0 15 * * 3" Europe/Berlin is active, ends Wed 08 Jul 15:00 CEST (in 1h)`},
		{"gitlab freeze over", config.Gates{Freeze: []string{"Fri 15:00 - Mon 08:00 Europe/Berlin"}}, func(e *Evidence) {
			e.FreezePeriods = []gitlab.FreezePeriod{{FreezeStart: "0 9 * * 3", FreezeEnd: "0 11 * * 3"}, {FreezeStart: "0 0 24 12 *", FreezeEnd: "0 0 2 1 *"}}
		}, GateFreeze, GatePass, "no freeze is active (1 window, 2 GitLab freeze periods checked)"},
		{"gitlab freeze unreadable", config.Gates{}, func(e *Evidence) {
			e.FreezePeriods = []gitlab.FreezePeriod{{FreezeStart: "soon", FreezeEnd: "0 11 * * 3"}}
		}, GateFreeze, GateFail, `GitLab deploy freeze "soon" to "0 11 * * 3": freeze start: cron "soon": want 5 fields`},

		{"approvals", config.Gates{Approvals: 2}, nil, GateApprovals, GateInfo, "2 approvals required in the merge request (enforced by GitLab)"},
		{"one approval", config.Gates{Approvals: 1}, nil, GateApprovals, GateInfo, "1 approval required in the merge request (enforced by GitLab)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ev := goodEvidence()
			if c.change != nil {
				c.change(&ev)
			}
			results := Evaluate(stage(c.gates), ev)
			got := gate(results, c.gate)
			if got.Status != c.status || !strings.HasPrefix(got.Detail, c.detail) {
				t.Fatalf("%s = %s %q\nwant %s %q", c.gate, got.Status, got.Detail, c.status, c.detail)
			}
			if failed := Failed(results); (len(failed) == 0) != (c.status != GateFail) || (len(failed) == 1 && failed[0] != c.gate) {
				t.Fatalf("Failed = %v with %s %s", failed, c.gate, c.status)
			}
		})
	}
}

func TestParseSoak(t *testing.T) {
	good := map[string]time.Duration{"30m": 30 * time.Minute, "24h": 24 * time.Hour, "7d": 7 * 24 * time.Hour, "1d12h": 36 * time.Hour, "1h30m": 90 * time.Minute, "0s": 0, " 2d ": 48 * time.Hour}
	for in, want := range good {
		if got, err := ParseSoak(in); err != nil || got != want {
			t.Errorf("ParseSoak(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "d", "1w", "-5m", "1d-1h", "99999999999999999999d", "3 days"} {
		if _, err := ParseSoak(in); err == nil {
			t.Errorf("ParseSoak(%q): no error", in)
		}
	}
}

func TestDurations(t *testing.T) {
	for d, want := range map[time.Duration]string{30 * time.Second: "<1m", 5 * time.Minute: "5m", 90 * time.Minute: "1h30m", 2 * time.Hour: "2h", 50 * time.Hour: "2d2h", 72 * time.Hour: "3d"} {
		if got := duration(d); got != want {
			t.Errorf("duration(%v) = %q, want %q", d, got, want)
		}
	}
	for d, want := range map[time.Duration]string{10 * time.Second: "just now", 5 * time.Minute: "5m ago", 3 * time.Hour: "3h ago", 47 * time.Hour: "47h ago", 50 * time.Hour: "2d ago"} {
		if got := ago(now.Add(-d), now); got != want {
			t.Errorf("ago(%v) = %q, want %q", d, got, want)
		}
	}
}
