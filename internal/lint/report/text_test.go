package report

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/platform-team/platform/internal/lint"
)

func TestTextGitLabSections(t *testing.T) {
	clock := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var buf bytes.Buffer
	if err := Text(&buf, sample(), Options{GitLabSections: true, Now: func() time.Time { return clock }}); err != nil {
		t.Fatal(err)
	}
	// deploy/a.yaml has errors: its section is open. deploy/b.yaml has only a
	// warning: collapsed. The summary is outside every section.
	want := "\x1b[0Ksection_start:1767323045:platform_lint_1\r\x1b[0Kdeploy/a.yaml: 2 errors\n" +
		"  12:7    error    image \"nginx:latest\" uses the latest tag  k8s/image-tag\n" +
		"          hint: pin a version\n" +
		"  30:7    error    image \"redis\" has no tag  k8s/image-tag\n" +
		"\x1b[0Ksection_end:1767323045:platform_lint_1\r\x1b[0K\n" +
		"\x1b[0Ksection_start:1767323045:platform_lint_2[collapsed=true]\r\x1b[0Kdeploy/b.yaml: 1 warning\n" +
		"  0:0     warning  no probes  k8s/probes\n" +
		"\x1b[0Ksection_end:1767323045:platform_lint_2\r\x1b[0K\n" +
		"\n" +
		"2 errors, 1 warning, 0 infos in 3 files (1 waived).\n"
	if got := buf.String(); got != want {
		t.Fatalf("text with sections:\n got %q\nwant %q", got, want)
	}

	// No findings, no section: only the summary.
	buf.Reset()
	if err := Text(&buf, &lint.Result{Files: 4}, Options{GitLabSections: true}); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != "No findings in 4 files.\n" {
		t.Fatalf("clean = %q", got)
	}
}

func TestTextSectionHeaderCounts(t *testing.T) {
	res := &lint.Result{Files: 1, Findings: []lint.Finding{
		{Rule: "a/x", Severity: lint.SeverityWarning, Path: "x.yaml", Line: 1, Column: 1, Message: "w"},
		{Rule: "a/y", Severity: lint.SeverityInfo, Path: "x.yaml", Line: 2, Column: 1, Message: "i1"},
		{Rule: "a/y", Severity: lint.SeverityInfo, Path: "x.yaml", Line: 3, Column: 1, Message: "i2"},
	}}
	var buf bytes.Buffer
	if err := Text(&buf, res, Options{GitLabSections: true, Now: func() time.Time { return time.Unix(42, 0) }}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.Contains(out, "section_start:42:platform_lint_1[collapsed=true]\r\x1b[0Kx.yaml: 1 warning, 2 infos\n") {
		t.Fatalf("header:\n%q", out)
	}
	if strings.Count(out, "section_start:") != 1 || strings.Count(out, "section_end:42:platform_lint_1\r") != 1 {
		t.Fatalf("one section per file:\n%q", out)
	}
}

// Without GitLabSections the text is unchanged: grouped by file, a blank line
// between files.
func TestTextWithoutSections(t *testing.T) {
	var buf bytes.Buffer
	if err := Text(&buf, sample(), Options{Now: func() time.Time { return time.Unix(42, 0) }}); err != nil {
		t.Fatal(err)
	}
	want := "deploy/a.yaml\n" +
		"  12:7    error    image \"nginx:latest\" uses the latest tag  k8s/image-tag\n" +
		"          hint: pin a version\n" +
		"  30:7    error    image \"redis\" has no tag  k8s/image-tag\n" +
		"\n" +
		"deploy/b.yaml\n" +
		"  0:0     warning  no probes  k8s/probes\n" +
		"\n" +
		"2 errors, 1 warning, 0 infos in 3 files (1 waived).\n"
	if got := buf.String(); got != want {
		t.Fatalf("text:\n got %q\nwant %q", got, want)
	}
}

// The text report draws with the CLI's one palette (iostreams.Styles); its
// colored bytes are those lint has always printed.
func TestTextColorsAreThePalettes(t *testing.T) {
	res := &lint.Result{Files: 2, Findings: []lint.Finding{
		{Path: "a.yaml", Line: 1, Column: 2, Severity: lint.SeverityError, Rule: "k8s/x", Message: "bad", Hint: "fix it"},
		{Path: "a.yaml", Line: 3, Column: 1, Severity: lint.SeverityWarning, Rule: "k8s/y", Message: "meh"},
		{Path: "b.md", Line: 5, Column: 0, Severity: lint.SeverityInfo, Rule: "docs/z", Message: "fyi"},
	}}
	var b strings.Builder
	if err := Text(&b, res, Options{Color: true}); err != nil {
		t.Fatal(err)
	}
	want := "\x1b[1;4;4ma\x1b[0m\x1b[1;4;4m.\x1b[0m\x1b[1;4;4my\x1b[0m\x1b[1;4;4ma\x1b[0m\x1b[1;4;4mm\x1b[0m\x1b[1;4;4ml\x1b[0m\n" +
		"  1:2     \x1b[1;38;5;160merror  \x1b[0m  bad  \x1b[38;5;244mk8s/x\x1b[0m\n" +
		"          \x1b[38;5;244mhint: fix it\x1b[0m\n" +
		"  3:1     \x1b[38;5;214mwarning\x1b[0m  meh  \x1b[38;5;244mk8s/y\x1b[0m\n\n" +
		"\x1b[1;4;4mb\x1b[0m\x1b[1;4;4m.\x1b[0m\x1b[1;4;4mm\x1b[0m\x1b[1;4;4md\x1b[0m\n" +
		"  5:0     \x1b[38;5;39minfo   \x1b[0m  fyi  \x1b[38;5;244mdocs/z\x1b[0m\n\n" +
		"1 error, 1 warning, 1 info in 2 files.\n"
	if b.String() != want {
		t.Fatalf("got  %q\nwant %q", b.String(), want)
	}
	// TextFindings is the same without the summary.
	var f strings.Builder
	if err := TextFindings(&f, res.Findings, Options{Color: true}); err != nil {
		t.Fatal(err)
	}
	if want := strings.TrimSuffix(want, "\n1 error, 1 warning, 1 info in 2 files.\n"); f.String() != want {
		t.Fatalf("TextFindings:\ngot  %q\nwant %q", f.String(), want)
	}
}
