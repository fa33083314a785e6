package scaffold

import (
	"fmt"
	"strings"

	"github.com/Masterminds/semver/v3"
)

// ParseVersion parses a template version or a release tag:
// MAJOR.MINOR.PATCH with an optional -pre-release and +build, and an optional
// leading "v" (git tags are written both ways: v1.2.0 and 1.2.0 are the same
// version). Shortened forms such as v1 or 1.2 are not versions: such tags
// usually float (v1 follows the latest 1.x) and name no one release.
func ParseVersion(s string) (*semver.Version, error) {
	v, err := semver.StrictNewVersion(strings.TrimPrefix(s, "v"))
	if err != nil {
		return nil, fmt.Errorf("version %q: want a semantic version such as 1.2.0 or v1.2.0: %w", s, err)
	}
	return v, nil
}

// LatestVersion picks the target of an update among a repository's tags: the
// highest semantic version. Tags that are not versions are ignored, and so
// are pre-releases (v1.2.0-rc.1) unless pre is true. When two tags name the
// same version (v1.2.0 and 1.2.0), the one first in byte order wins, so the
// answer does not depend on the order of tags. ok is false when no tag
// qualifies.
func LatestVersion(tags []string, pre bool) (tag string, version *semver.Version, ok bool) {
	for _, t := range tags {
		v, err := ParseVersion(t)
		if err != nil || (!pre && v.Prerelease() != "") {
			continue
		}
		if c := compareOrNil(v, version); c > 0 || (c == 0 && t < tag) {
			tag, version, ok = t, v, true
		}
	}
	return tag, version, ok
}

// compareOrNil compares v with w, where a nil w is below everything.
func compareOrNil(v, w *semver.Version) int {
	if w == nil {
		return 1
	}
	return v.Compare(w)
}

// CompareVersions compares two versions as ParseVersion reads them: -1 when
// a is older than b, 0 when they are the same release (build metadata is
// ignored, as semantic versioning says), +1 when a is newer.
func CompareVersions(a, b string) (int, error) {
	va, err := ParseVersion(a)
	if err != nil {
		return 0, err
	}
	vb, err := ParseVersion(b)
	if err != nil {
		return 0, err
	}
	return va.Compare(vb), nil
}

// IsDowngrade reports whether moving from version current to version target
// goes back in time. An update refuses that unless it is asked for
// explicitly: the merge would undo the template's later changes.
func IsDowngrade(current, target string) (bool, error) {
	c, err := CompareVersions(target, current)
	if err != nil {
		return false, err
	}
	return c < 0, nil
}
