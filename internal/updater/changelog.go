package updater

import (
	"io/fs"
	"regexp"
	"strings"

	"github.com/platform-team/platform/internal/scaffold"
)

// MaxChangelogBytes bounds the changelog excerpt of an update.
const MaxChangelogBytes = 8 << 10

// versionHeading is a changelog section heading naming a version, as Keep
// a Changelog writes it (## [1.2.0] - 2026-12-01) or plainer (## v1.2.0).
var versionHeading = regexp.MustCompile(`^##\s+\[?v?([0-9]+\.[0-9]+\.[0-9]+[0-9A-Za-z.+-]*)\]?`)

// Changelog returns the sections of the new version's CHANGELOG.md (beside
// its template.yaml) for the versions the update crosses: after the
// service's version, up to the new one. It is "" when the template has no
// changelog or no such section; it is cut at MaxChangelogBytes.
func (r *Result) Changelog() string {
	if r.Versions.Theirs.FS == nil {
		return ""
	}
	data, err := fs.ReadFile(r.Versions.Theirs.FS, scaffold.ChangelogFile)
	if err != nil {
		return ""
	}
	return excerpt(string(data), r.Versions.Current, r.Versions.Target())
}

// excerpt keeps the sections of log whose version v has from < v <= to.
func excerpt(log, from, to string) string {
	var b strings.Builder
	keep := false
	for _, line := range strings.SplitAfter(log, "\n") {
		if strings.HasPrefix(line, "## ") || strings.HasPrefix(line, "##\t") {
			keep = false
			if m := versionHeading.FindStringSubmatch(line); m != nil {
				after, err1 := scaffold.CompareVersions(m[1], from)
				upTo, err2 := scaffold.CompareVersions(m[1], to)
				keep = err1 == nil && err2 == nil && after > 0 && upTo <= 0
			}
		}
		if keep {
			b.WriteString(line)
		}
	}
	out := strings.TrimSpace(b.String())
	if len(out) > MaxChangelogBytes {
		cut := strings.LastIndex(out[:MaxChangelogBytes], "\n")
		if cut < 0 {
			cut = MaxChangelogBytes
		}
		out = out[:cut] + "\n\n… (cut: see " + scaffold.ChangelogFile + " in the template)"
	}
	return out
}
