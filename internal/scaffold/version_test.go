package scaffold

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/go-git/go-git/v5"

	"github.com/platform-team/platform/internal/gitx"
)

func TestLatestVersion(t *testing.T) {
	tags := []string{"v1.0.0", "1.1.0", "v1.2.0-rc.1", "not-a-version", "v0.9.0", "v2", "1.3", "latest", "v01.5.0"}
	tests := []struct {
		tags    []string
		pre     bool
		want    string
		wantVer string
		ok      bool
	}{
		{tags, false, "1.1.0", "1.1.0", true},
		{tags, true, "v1.2.0-rc.1", "1.2.0-rc.1", true},
		{[]string{"v1.2.0", "1.2.0"}, false, "1.2.0", "1.2.0", true}, // same version twice: byte order decides
		{[]string{"1.2.0", "v1.2.0"}, false, "1.2.0", "1.2.0", true},
		{[]string{"v1.2.0-rc.1", "v1.2.0"}, true, "v1.2.0", "1.2.0", true},
		{[]string{"v1.2.0-rc.1"}, false, "", "", false},
		{[]string{"not-a-version", "main"}, true, "", "", false},
		{nil, false, "", "", false},
	}
	for _, tt := range tests {
		tag, v, ok := LatestVersion(tt.tags, tt.pre)
		if tag != tt.want || ok != tt.ok || (ok && v.String() != tt.wantVer) || (!ok && v != nil) {
			t.Errorf("LatestVersion(%q, %v) = %q, %v, %v; want %q, %s, %v", tt.tags, tt.pre, tag, v, ok, tt.want, tt.wantVer, tt.ok)
		}
	}
	// The answer does not depend on the order of the tags.
	reversed := slices.Clone(tags)
	slices.Reverse(reversed)
	if tag, _, _ := LatestVersion(reversed, true); tag != "v1.2.0-rc.1" {
		t.Errorf("reversed: got %q", tag)
	}
}

func TestCompareVersionsAndDowngrade(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"1.0.0", "1.1.0", -1},
		{"v1.1.0", "1.1.0", 0},
		{"1.2.0", "1.2.0-rc.1", 1},
		{"1.10.0", "1.9.0", 1},
		{"1.0.0+a", "1.0.0+b", 0},
	}
	for _, tt := range tests {
		got, err := CompareVersions(tt.a, tt.b)
		if err != nil || got != tt.want {
			t.Errorf("CompareVersions(%q, %q) = %d, %v; want %d", tt.a, tt.b, got, err, tt.want)
		}
	}
	for _, bad := range [][2]string{{"1.0", "1.0.0"}, {"1.0.0", "main"}} {
		if _, err := CompareVersions(bad[0], bad[1]); err == nil {
			t.Errorf("CompareVersions(%q, %q): want an error", bad[0], bad[1])
		}
	}
	down := []struct {
		current, target string
		want            bool
	}{
		{"1.2.0", "1.1.0", true},
		{"1.2.0", "v1.2.0", false},
		{"1.2.0", "1.3.0", false},
		{"1.2.0", "1.2.0-rc.1", true},
	}
	for _, tt := range down {
		got, err := IsDowngrade(tt.current, tt.target)
		if err != nil || got != tt.want {
			t.Errorf("IsDowngrade(%q, %q) = %v, %v; want %v", tt.current, tt.target, got, err, tt.want)
		}
	}
	if _, err := IsDowngrade("1.0.0", "latest"); err == nil {
		t.Error("IsDowngrade with a non-version: want an error")
	}
}

// TestLatestVersionOfGitRepository: the target of a git template's update,
// from the tags of a local repository listed in-process (no network, no git
// binary).
func TestLatestVersionOfGitRepository(t *testing.T) {
	dir := gitTemplateRepo(t, map[string]string{ManifestFile: testManifest, "skeleton/README.md": "hi"})
	repo, err := git.PlainOpen(dir)
	must(t, err)
	head, err := repo.Head()
	must(t, err)
	for _, tag := range []string{"v1.0.0", "1.1.0", "v1.2.0-rc.1", "not-a-version", "v0.9.0"} {
		_, err := repo.CreateTag(tag, head.Hash(), nil)
		must(t, err)
	}
	t.Setenv("PATH", "")
	tags, err := gitx.RemoteTags(t.Context(), "file://"+filepath.ToSlash(dir))
	must(t, err)
	names := gitx.TagNames(tags)
	if tag, v, ok := LatestVersion(names, false); !ok || tag != "1.1.0" || v.String() != "1.1.0" {
		t.Errorf("latest release = %q, %v, %v; want 1.1.0", tag, v, ok)
	}
	if tag, _, ok := LatestVersion(names, true); !ok || tag != "v1.2.0-rc.1" {
		t.Errorf("latest with pre-releases = %q, %v; want v1.2.0-rc.1", tag, ok)
	}
	if down, err := IsDowngrade("1.1.0", "v1.0.0"); err != nil || !down {
		t.Errorf("1.1.0 -> v1.0.0: downgrade = %v, %v; want true", down, err)
	}
}
