// Package lint is the engine of `platform lint`: it walks a tree once, parses
// each file once, runs the registered rules concurrently, applies severities,
// waivers and ignores, and returns findings in a deterministic order.
// Rules live in lint/<family>/ packages; reporters in lint/report.
package lint

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Severity orders findings; a zero Severity means "off".
type Severity int

// The severities, lowest first.
const (
	SeverityOff Severity = iota
	SeverityInfo
	SeverityWarning
	SeverityError
)

func (s Severity) String() string {
	switch s {
	case SeverityInfo:
		return "info"
	case SeverityWarning:
		return "warning"
	case SeverityError:
		return "error"
	default:
		return "off"
	}
}

// ParseSeverity reads error, warning, info, or off/none.
func ParseSeverity(s string) (Severity, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "error":
		return SeverityError, nil
	case "warning", "warn":
		return SeverityWarning, nil
	case "info":
		return SeverityInfo, nil
	case "off", "none":
		return SeverityOff, nil
	}
	return SeverityOff, fmt.Errorf("unknown severity %q: want error, warning, info or off", s)
}

// ParseSeverities reads platform.yaml's lint.rules (rule ID or glob ->
// severity name). An invalid entry is an error naming it as
// lint.rules.<id>; entries are checked in ID order, so the first one
// reported is always the same.
func ParseSeverities(rules map[string]string) (map[string]Severity, error) {
	out := make(map[string]Severity, len(rules))
	for _, id := range slices.Sorted(maps.Keys(rules)) {
		sev, err := ParseSeverity(rules[id])
		if err != nil {
			return nil, fmt.Errorf("lint.rules.%s: %w", id, err)
		}
		out[id] = sev
	}
	return out, nil
}

// MarshalJSON writes the severity as its name.
func (s Severity) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// UnmarshalJSON reads a severity name.
func (s *Severity) UnmarshalJSON(b []byte) error {
	var name string
	if err := json.Unmarshal(b, &name); err != nil {
		return err
	}
	v, err := ParseSeverity(name)
	*s = v
	return err
}

// Finding is one problem at one place.
type Finding struct {
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	// Path is slash-separated and relative to the linted root.
	Path string `json:"path"`
	// Line and Column are 1-based; 0 when the finding is about the whole file.
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
	Hint    string `json:"hint,omitempty"`

	// waived is a finding its rule silenced itself (a policy exception):
	// counted as waived, never reported.
	waived bool
}

// Compare orders findings by path, line, column, rule, then message.
func Compare(a, b Finding) int {
	return cmp.Or(
		strings.Compare(a.Path, b.Path),
		cmp.Compare(a.Line, b.Line),
		cmp.Compare(a.Column, b.Column),
		strings.Compare(a.Rule, b.Rule),
		strings.Compare(a.Message, b.Message),
	)
}
