package promote

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/platform-team/platform/internal/gitlab"
)

// GateStatus is the outcome of one gate.
type GateStatus string

// The outcomes of a gate.
const (
	GatePass GateStatus = "pass"
	GateFail GateStatus = "fail"
	GateSkip GateStatus = "skip" // not configured for the stage
	GateInfo GateStatus = "info" // enforced elsewhere (approvals: by GitLab)
)

// The gates, in the order Evaluate checks them.
const (
	GateDeployed  = "deployed"
	GateSoak      = "soak"
	GatePipeline  = "pipeline"
	GateFreeze    = "freeze"
	GateApprovals = "approvals"
)

// GateResult is one gate's outcome and why.
type GateResult struct {
	Gate   string     `json:"gate"`
	Status GateStatus `json:"status"`
	Detail string     `json:"detail"`
}

// Evidence is what the caller gathered before evaluating.
type Evidence struct {
	Now       time.Time
	Candidate string // the version being promoted
	// Deployment is the latest deployment of the From environment, nil if none.
	Deployment *gitlab.Deployment
	// DeployedPin is the From overlay's pin at Deployment.SHA ("" when unknown).
	DeployedPin string
	// Pipeline is the latest pipeline on the default branch, nil if none.
	Pipeline *gitlab.Pipeline
	// FreezePeriods are the project's GitLab deploy freeze periods. They
	// hold for every stage, whether or not platform.yaml lists windows.
	FreezePeriods []gitlab.FreezePeriod
}

const notConfigured = "not configured"

// Evaluate checks every gate of the stage, in a fixed order: deployed, soak,
// pipeline, freeze, approvals. Gates the stage does not configure are skipped.
func Evaluate(stage Stage, ev Evidence) []GateResult {
	return []GateResult{
		gateDeployed(stage, ev),
		gateSoak(stage, ev),
		gatePipeline(stage, ev),
		gateFreeze(stage, ev),
		gateApprovals(stage),
	}
}

// Failed names the gates that failed, in order; none means the promotion may go.
func Failed(results []GateResult) []string {
	var failed []string
	for _, r := range results {
		if r.Status == GateFail {
			failed = append(failed, r.Gate)
		}
	}
	return failed
}

func pass(gate, format string, args ...any) GateResult {
	return GateResult{gate, GatePass, fmt.Sprintf(format, args...)}
}

func fail(gate, format string, args ...any) GateResult {
	return GateResult{gate, GateFail, fmt.Sprintf(format, args...)}
}

// deploymentProblem says why the From environment's deployment cannot vouch
// for the candidate, or "" when it can.
func deploymentProblem(stage Stage, ev Evidence) string {
	d := ev.Deployment
	switch {
	case d == nil:
		return fmt.Sprintf("nothing has been deployed to %s", stage.From)
	case d.Status != "success":
		return fmt.Sprintf("the latest deployment to %s, #%d (%s), is %s", stage.From, d.IID, shortSHA(d.SHA), d.Status)
	case ev.DeployedPin == "":
		return fmt.Sprintf("cannot tell which version deployment #%d (%s) to %s runs", d.IID, shortSHA(d.SHA), stage.From)
	case ev.DeployedPin != ev.Candidate:
		return fmt.Sprintf("deployment #%d (%s) to %s runs %s, not %s", d.IID, shortSHA(d.SHA), stage.From, ev.DeployedPin, ev.Candidate)
	}
	return ""
}

func gateDeployed(stage Stage, ev Evidence) GateResult {
	if !stage.Gates.Deployed {
		return GateResult{GateDeployed, GateSkip, notConfigured}
	}
	if problem := deploymentProblem(stage, ev); problem != "" {
		return fail(GateDeployed, "%s", problem)
	}
	d := ev.Deployment
	return pass(GateDeployed, "deployment #%d (%s) of %s to %s succeeded %s", d.IID, shortSHA(d.SHA), ev.Candidate, stage.From, ago(deployedAt(d), ev.Now))
}

func gateSoak(stage Stage, ev Evidence) GateResult {
	if stage.Gates.Soak == "" {
		return GateResult{GateSoak, GateSkip, notConfigured}
	}
	want, err := ParseSoak(stage.Gates.Soak)
	if err != nil {
		return fail(GateSoak, "%v", err)
	}
	d := ev.Deployment
	switch {
	case d == nil || d.Status != "success":
		return fail(GateSoak, "%s", deploymentProblem(stage, ev))
	case ev.DeployedPin != "" && ev.DeployedPin != ev.Candidate:
		// The soak of another version says nothing about the candidate.
		return fail(GateSoak, "%s", deploymentProblem(stage, ev))
	case d.FinishedAt == nil:
		return fail(GateSoak, "deployment #%d to %s has not finished", d.IID, stage.From)
	}
	soaked := ev.Now.Sub(*d.FinishedAt)
	if soaked < want {
		remaining := (want - soaked + time.Minute - 1).Truncate(time.Minute)
		return fail(GateSoak, "%s has soaked %s of %s: %s remaining", stage.From, duration(max(soaked, 0)), strings.TrimSpace(stage.Gates.Soak), duration(remaining))
	}
	return pass(GateSoak, "%s has soaked %s (at least %s)", stage.From, duration(soaked), strings.TrimSpace(stage.Gates.Soak))
}

var daysPattern = regexp.MustCompile(`^(\d+)d(.*)$`)

// ParseSoak parses a soak duration: a Go duration (30m, 1h30m) or days (7d, 1d12h).
func ParseSoak(s string) (time.Duration, error) {
	bad := fmt.Errorf("invalid soak %q: want a duration such as 30m, 24h or 7d", s)
	var days time.Duration
	rest := strings.TrimSpace(s)
	if m := daysPattern.FindStringSubmatch(rest); m != nil {
		n, err := strconv.Atoi(m[1])
		if err != nil || n > 365*100 {
			return 0, bad
		}
		days, rest = time.Duration(n)*24*time.Hour, m[2]
		if rest == "" {
			return days, nil
		}
	}
	d, err := time.ParseDuration(rest)
	if err != nil || d < 0 {
		return 0, bad
	}
	return days + d, nil
}

func gatePipeline(stage Stage, ev Evidence) GateResult {
	want := stage.Gates.Pipeline
	if want == "" {
		return GateResult{GatePipeline, GateSkip, notConfigured}
	}
	if want != "success" {
		return fail(GatePipeline, "unknown pipeline gate %q: want success", want)
	}
	p := ev.Pipeline
	if p == nil {
		return fail(GatePipeline, "no pipeline has run on the default branch")
	}
	if p.Status != want {
		return fail(GatePipeline, "pipeline #%d (%s) on %s is %s", p.ID, shortSHA(p.SHA), p.Ref, p.Status)
	}
	return pass(GatePipeline, "pipeline #%d (%s) on %s is %s", p.ID, shortSHA(p.SHA), p.Ref, p.Status)
}

func gateFreeze(stage Stage, ev Evidence) GateResult {
	windows, periods := stage.Gates.Freeze, ev.FreezePeriods
	if len(windows) == 0 && len(periods) == 0 {
		return GateResult{GateFreeze, GateSkip, notConfigured}
	}
	var active, broken []string
	for _, text := range windows {
		w, err := ParseWindow(text)
		if err != nil {
			broken = append(broken, err.Error())
			continue
		}
		if w.Active(ev.Now) {
			active = append(active, fmt.Sprintf("freeze window %s is active, ends %s", w.Text, when(w.Ends(ev.Now), ev.Now)))
		}
	}
	for _, fp := range periods {
		name := fmt.Sprintf("GitLab deploy freeze %q to %q", fp.FreezeStart, fp.FreezeEnd)
		if fp.CronTimezone != "" {
			name += " " + fp.CronTimezone
		}
		on, until, err := FreezeActive(fp, ev.Now)
		switch {
		case err != nil:
			broken = append(broken, fmt.Sprintf("%s: %v", name, err))
		case on && until.IsZero():
			active = append(active, name+" is active")
		case on:
			active = append(active, fmt.Sprintf("%s is active, ends %s", name, when(until, ev.Now)))
		}
	}
	// A window that cannot be read might be in force: fail rather than guess.
	if problems := append(active, broken...); len(problems) > 0 {
		return fail(GateFreeze, "%s", strings.Join(problems, "; "))
	}
	var checked []string
	if n := len(windows); n > 0 {
		checked = append(checked, plural(n, "window"))
	}
	if n := len(periods); n > 0 {
		checked = append(checked, plural(n, "GitLab freeze period"))
	}
	return pass(GateFreeze, "no freeze is active (%s checked)", strings.Join(checked, ", "))
}

func gateApprovals(stage Stage) GateResult {
	n := stage.Gates.Approvals
	if n <= 0 {
		return GateResult{GateApprovals, GateSkip, notConfigured}
	}
	return GateResult{GateApprovals, GateInfo, fmt.Sprintf("%s required in the merge request (enforced by GitLab)", plural(n, "approval"))}
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func shortSHA(sha string) string {
	if len(sha) > 8 {
		return sha[:8]
	}
	if sha == "" {
		return "no commit"
	}
	return sha
}

// deployedAt is when a deployment finished, else when it was created.
func deployedAt(d *gitlab.Deployment) time.Time {
	if d.FinishedAt != nil {
		return *d.FinishedAt
	}
	return d.CreatedAt
}

// duration renders d for people, to the minute: 45s → <1m, 90m → 1h30m, 50h → 2d2h.
func duration(d time.Duration) string {
	d = d.Truncate(time.Minute)
	days, hours, minutes := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case d < time.Minute:
		return "<1m"
	case days > 0 && hours > 0:
		return fmt.Sprintf("%dd%dh", days, hours)
	case days > 0:
		return fmt.Sprintf("%dd", days)
	case hours > 0 && minutes > 0:
		return fmt.Sprintf("%dh%dm", hours, minutes)
	case hours > 0:
		return fmt.Sprintf("%dh", hours)
	}
	return fmt.Sprintf("%dm", minutes)
}

// ago renders how long before now t was, in its largest unit: 3h ago.
func ago(t, now time.Time) string {
	if t.IsZero() {
		return "at an unknown time"
	}
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%dm ago", int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh ago", int(d/time.Hour))
	}
	return fmt.Sprintf("%dd ago", int(d/(24*time.Hour)))
}

// when renders a coming moment in its own zone and from now: Mon 08:00 CEST (in 2d16h).
func when(t, now time.Time) string {
	return fmt.Sprintf("%s (in %s)", t.Format("Mon 02 Jan 15:04 MST"), duration(t.Sub(now)))
}
