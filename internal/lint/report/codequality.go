package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"

	"github.com/platform-team/platform/internal/lint"
)

// A GitLab Code Quality issue (the Code Climate subset GitLab reads).
type cqIssue struct {
	Description string     `json:"description"`
	CheckName   string     `json:"check_name"`
	Fingerprint string     `json:"fingerprint"`
	Severity    string     `json:"severity"`
	Location    cqLocation `json:"location"`
}

type cqLocation struct {
	Path  string  `json:"path"`
	Lines cqLines `json:"lines"`
}

type cqLines struct {
	Begin int `json:"begin"`
}

func cqSeverity(s lint.Severity) string {
	switch s {
	case lint.SeverityError:
		return "critical"
	case lint.SeverityWarning:
		return "minor"
	default:
		return "info"
	}
}

// CodeQuality writes a GitLab Code Quality report. Fingerprints are stable
// across runs (rule, path, message and the finding's rank among identical ones),
// so GitLab can tell new findings from old ones even when lines move.
func CodeQuality(w io.Writer, res *lint.Result) error {
	issues := []cqIssue{}
	seen := map[string]int{}
	for _, f := range res.Findings {
		key := f.Rule + "\x00" + f.Path + "\x00" + f.Message
		seen[key]++
		sum := sha256.Sum256([]byte(fmt.Sprintf("%s\x00%d", key, seen[key])))
		issues = append(issues, cqIssue{
			Description: f.Message,
			CheckName:   f.Rule,
			Fingerprint: hex.EncodeToString(sum[:16]),
			Severity:    cqSeverity(f.Severity),
			Location:    cqLocation{Path: f.Path, Lines: cqLines{Begin: max(f.Line, 1)}},
		})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(issues)
}
