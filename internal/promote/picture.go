package promote

import (
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"

	"github.com/platform-team/platform/internal/gitlab"
	"github.com/platform-team/platform/internal/iostreams"
)

// StageStatus is what `platform promote status` knows of one stage.
type StageStatus struct {
	Stage      Stage
	Version    string             // the version the stage's overlay pins, "" if unknown
	Deployment *gitlab.Deployment // the latest deployment to the stage, nil if none
	Gates      []GateResult       // the gates of a promotion into the stage; nil for the first
}

const (
	minBoxInner = 18
	arrow       = " ──▶ "
)

// Picture draws the chain as boxes joined by arrows: each box has the stage
// name, the pinned version, the deployment state and age, and the marks of
// the gates into it. Rows wrap when wider than width (0: never); a row after
// the first starts with an arrow. Without color it is plain box drawing.
func Picture(stages []StageStatus, now time.Time, width int, st *iostreams.Styles) string {
	if st == nil {
		ios, _, _, _ := iostreams.Test()
		st = ios.Styles()
	}
	contents := make([][]string, len(stages))
	inner := minBoxInner
	for i, s := range stages {
		prev := ""
		if i > 0 {
			prev = stages[i-1].Stage.Name
		}
		contents[i] = boxHead(s, prev, now, st)
		for _, l := range contents[i] {
			inner = max(inner, lipgloss.Width(l))
		}
	}
	height := 0
	for i, s := range stages {
		contents[i] = append(contents[i], gateLines(s, i == 0, inner, st)...)
		height = max(height, len(contents[i]))
		for _, l := range contents[i] {
			inner = max(inner, lipgloss.Width(l))
		}
	}
	boxes := make([]string, len(stages))
	for i, lines := range contents {
		for len(lines) < height {
			lines = append(lines, "")
		}
		boxes[i] = st.Panel.Width(inner + 2).Render(strings.Join(lines, "\n"))
	}
	link := st.Muted.Render(arrow)
	var rows []string
	var row []string
	rowWidth := 0
	for _, box := range boxes {
		w := lipgloss.Width(box)
		if len(row) > 0 && width > 0 && rowWidth+lipgloss.Width(link)+w > width {
			rows = append(rows, lipgloss.JoinHorizontal(lipgloss.Center, row...))
			row, rowWidth = nil, 0
		}
		if len(row) > 0 || len(rows) > 0 {
			row = append(row, link)
			rowWidth += lipgloss.Width(link)
		}
		row = append(row, box)
		rowWidth += w
	}
	if len(row) > 0 {
		rows = append(rows, lipgloss.JoinHorizontal(lipgloss.Center, row...))
	}
	if len(rows) == 0 {
		return ""
	}
	return strings.Join(rows, "\n") + "\n"
}

// boxHead is the lines of a box above its gates.
func boxHead(s StageStatus, prev string, now time.Time, st *iostreams.Styles) []string {
	lines := []string{st.Bold.Render(s.Stage.Name)}
	if s.Version != "" {
		lines = append(lines, shortVersion(s.Version))
	} else {
		lines = append(lines, st.Muted.Render("no version pinned"))
	}
	if d := s.Deployment; d != nil {
		state := d.Status + ", " + ago(deployedAt(d), now)
		switch d.Status {
		case "success":
			state = st.Success.Render(state)
		case "failed", "canceled":
			state = st.Error.Render(state)
		default:
			state = st.Warning.Render(state)
		}
		lines = append(lines, state)
	} else {
		lines = append(lines, st.Muted.Render("not deployed"))
	}
	if s.Stage.From != "" && s.Stage.From != prev {
		lines = append(lines, st.Muted.Render("from "+s.Stage.From))
	}
	return lines
}

// gateLines is the marks of the configured gates, as many to a line as fit.
func gateLines(s StageStatus, first bool, inner int, st *iostreams.Styles) []string {
	var items []string
	for _, g := range s.Gates {
		var mark string
		switch g.Status {
		case GateSkip:
			continue
		case GatePass:
			mark = st.Success.Render(g.Status.Mark())
		case GateFail:
			mark = st.Error.Render(g.Status.Mark())
		default:
			mark = st.Muted.Render(g.Status.Mark())
		}
		items = append(items, mark+" "+g.Gate)
	}
	if len(items) == 0 {
		if first {
			return []string{st.Muted.Render("deployed from CI")}
		}
		return []string{st.Muted.Render("no gates")}
	}
	var lines []string
	cur := ""
	for _, it := range items {
		if cur != "" && lipgloss.Width(cur)+1+lipgloss.Width(it) > inner {
			lines = append(lines, cur)
			cur = ""
		}
		if cur != "" {
			cur += " "
		}
		cur += it
	}
	return append(lines, cur)
}

// shortVersion keeps a box narrow: a digest shows its first 12 hex digits, as docker does.
func shortVersion(v string) string {
	if digestPattern.MatchString(v) {
		return v[:len("sha256:")+12]
	}
	return v
}
