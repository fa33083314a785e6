package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/platform-team/platform/internal/iostreams"
)

func TestVersionRunJSON(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	opts := &VersionOptions{
		IO:    ios,
		Build: BuildInfo{Version: "v1.2.3", Commit: "abc1234", Date: "2026-11-27T12:00:00Z"},
		JSON:  true,
	}
	if err := runVersion(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	want := VersionInfo{
		Version:   "v1.2.3",
		Commit:    "abc1234",
		Date:      "2026-11-27T12:00:00Z",
		GoVersion: runtime.Version(),
		OS:        runtime.GOOS,
		Arch:      runtime.GOARCH,
	}
	var got VersionInfo
	dec := json.NewDecoder(out)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("decode %q: %v", out.String(), err)
	}
	if got != want {
		t.Errorf("version --json = %+v, want %+v", got, want)
	}
}

// TestVersionJSONFieldOrder pins the documented key order of the JSON object.
func TestVersionJSONFieldOrder(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	if err := runVersion(context.Background(), &VersionOptions{IO: ios, Build: BuildInfo{Version: "v1.2.3"}, JSON: true}); err != nil {
		t.Fatal(err)
	}
	keys := []string{`"version"`, `"commit"`, `"date"`, `"goVersion"`, `"os"`, `"arch"`}
	last := -1
	for _, k := range keys {
		i := strings.Index(out.String(), k)
		if i <= last {
			t.Fatalf("key %s out of order in:\n%s", k, out.String())
		}
		last = i
	}
	// A development build has no commit or date, but the keys are still there.
	if !strings.Contains(out.String(), `"commit": ""`) || !strings.Contains(out.String(), `"date": ""`) {
		t.Errorf("empty commit and date are missing:\n%s", out.String())
	}
}

func TestVersionRunPlain(t *testing.T) {
	for _, tc := range []struct {
		build BuildInfo
		want  string
	}{
		{BuildInfo{Version: "v1.2.3"}, "platform v1.2.3\n"},
		{BuildInfo{Version: "v1.2.3", Commit: "abc1234", Date: "2026-11-27T12:00:00Z"}, "platform v1.2.3 (abc1234, 2026-11-27T12:00:00Z)\n"},
	} {
		ios, _, out, _ := iostreams.Test()
		if err := runVersion(context.Background(), &VersionOptions{IO: ios, Build: tc.build}); err != nil {
			t.Fatal(err)
		}
		if out.String() != tc.want {
			t.Errorf("version with %+v = %q, want %q", tc.build, out.String(), tc.want)
		}
	}
}

// TestVersionDevFallback: an unstamped build still reports a version, never "".
func TestVersionDevFallback(t *testing.T) {
	if v := NewVersionInfo(BuildInfo{}).Version; v == "" {
		t.Fatal("version of an unstamped build is empty")
	}
}

func TestVersionCommandJSON(t *testing.T) {
	f, out, errOut := testFactory(t)
	if code := Run(context.Background(), f, []string{"version", "--json"}); code != ExitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, errOut)
	}
	var got map[string]string
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("version --json is not a JSON object of strings: %v\n%s", err, out)
	}
	if got["version"] != "v0.0.0-test" || got["goVersion"] != runtime.Version() || got["os"] != runtime.GOOS || got["arch"] != runtime.GOARCH {
		t.Errorf("version --json = %v", got)
	}
	if len(got) != 6 {
		t.Errorf("version --json has %d keys, want 6: %v", len(got), got)
	}
}

// TestGenerateManDeterministic: the release packs man pages generated from the
// binary; two runs with the same date write the same bytes, and hidden commands
// get no page.
func TestGenerateManDeterministic(t *testing.T) {
	date, err := manDate("1795780800") // 2026-11-27T12:00:00Z
	if err != nil {
		t.Fatal(err)
	}
	var runs [2]map[string][]byte
	for i := range runs {
		f, _, _ := testFactory(t)
		dir := t.TempDir()
		if err := GenerateMan(NewRootCmd(f), dir, date); err != nil {
			t.Fatal(err)
		}
		runs[i] = readDir(t, dir)
	}
	if len(runs[0]) != len(runs[1]) {
		t.Fatalf("runs wrote %d and %d pages", len(runs[0]), len(runs[1]))
	}
	for name, data := range runs[0] {
		if !bytes.Equal(data, runs[1][name]) {
			t.Errorf("%s differs between two runs", name)
		}
	}
	root := string(runs[0]["platform.1"])
	if !strings.Contains(root, `.TH "PLATFORM" "1" "Nov 2026" "platform" "platform manual"`) {
		t.Errorf("platform.1 header:\n%.300s", root)
	}
	if _, ok := runs[0]["platform-version.1"]; !ok {
		t.Errorf("no platform-version.1 among %d pages", len(runs[0]))
	}
	if _, ok := runs[0]["platform-generate.1"]; ok {
		t.Error("the hidden generate command has a man page")
	}
}

func TestManDate(t *testing.T) {
	if d, err := manDate(""); err != nil || !d.Equal(time.Unix(0, 0)) {
		t.Errorf(`manDate("") = %v, %v; want the Unix epoch`, d, err)
	}
	if _, err := manDate("yesterday"); err == nil {
		t.Error("manDate accepted a SOURCE_DATE_EPOCH that is not a number")
	}
}
