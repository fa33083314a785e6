package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"strings"
	"testing"

	"github.com/platform-team/platform/internal/lint"
)

func sample() *lint.Result {
	return &lint.Result{
		Files:  3,
		Waived: 1,
		Rules: []lint.Meta{
			{ID: "docs/links", Severity: lint.SeverityError, Summary: "relative links resolve"},
			{ID: "k8s/image-tag", Severity: lint.SeverityError, Summary: "images are pinned"},
			{ID: "k8s/probes", Severity: lint.SeverityWarning, Summary: "workloads have probes"},
		},
		Findings: []lint.Finding{
			{Rule: "k8s/image-tag", Severity: lint.SeverityError, Path: "deploy/a.yaml", Line: 12, Column: 7, Message: `image "nginx:latest" uses the latest tag`, Hint: "pin a version"},
			{Rule: "k8s/image-tag", Severity: lint.SeverityError, Path: "deploy/a.yaml", Line: 30, Column: 7, Message: `image "redis" has no tag`},
			{Rule: "k8s/probes", Severity: lint.SeverityWarning, Path: "deploy/b.yaml", Line: 0, Column: 0, Message: "no probes"},
		},
	}
}

func TestJSON(t *testing.T) {
	var buf bytes.Buffer
	if err := JSON(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Findings []map[string]any `json:"findings"`
		Summary  map[string]int   `json:"summary"`
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Findings) != 3 || got.Findings[0]["severity"] != "error" || got.Findings[0]["rule"] != "k8s/image-tag" || got.Findings[0]["line"] != 12.0 {
		t.Fatalf("findings = %v", got.Findings)
	}
	want := map[string]int{"files": 3, "findings": 3, "errors": 2, "warnings": 1, "infos": 0, "waived": 1}
	for k, v := range want {
		if got.Summary[k] != v {
			t.Errorf("summary.%s = %d, want %d", k, got.Summary[k], v)
		}
	}
	buf.Reset()
	if err := JSON(&buf, &lint.Result{}); err != nil || !strings.Contains(buf.String(), `"findings": []`) {
		t.Fatalf("empty result must have an empty list, not null: %s", buf.String())
	}
}

func TestSARIF(t *testing.T) {
	var buf bytes.Buffer
	if err := SARIF(&buf, sample(), Tool{Name: "platform", Version: "1.2.3", RulesURI: "https://x/rules/"}); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name  string `json:"name"`
					Rules []struct {
						ID      string `json:"id"`
						HelpURI string `json:"helpUri"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				RuleIndex int    `json:"ruleIndex"`
				Level     string `json:"level"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
						Region *struct {
							StartLine int `json:"startLine"`
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if log.Version != "2.1.0" || run.Tool.Driver.Name != "platform" || len(run.Tool.Driver.Rules) != 3 {
		t.Fatalf("log = %+v", log)
	}
	if run.Tool.Driver.Rules[1].HelpURI != "https://x/rules/k8s/image-tag.md" {
		t.Fatalf("helpUri = %q", run.Tool.Driver.Rules[1].HelpURI)
	}
	r0, r2 := run.Results[0], run.Results[2]
	if r0.RuleID != "k8s/image-tag" || r0.RuleIndex != 1 || r0.Level != "error" || r0.Locations[0].PhysicalLocation.Region.StartLine != 12 {
		t.Fatalf("result 0 = %+v", r0)
	}
	if r2.Level != "warning" || r2.Locations[0].PhysicalLocation.Region != nil {
		t.Fatalf("a finding without a line has no region (SARIF needs startLine >= 1): %+v", r2)
	}
}

func TestCodeQuality(t *testing.T) {
	var buf bytes.Buffer
	if err := CodeQuality(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	var issues []struct {
		Description string `json:"description"`
		CheckName   string `json:"check_name"`
		Fingerprint string `json:"fingerprint"`
		Severity    string `json:"severity"`
		Location    struct {
			Path  string `json:"path"`
			Lines struct {
				Begin int `json:"begin"`
			} `json:"lines"`
		} `json:"location"`
	}
	if err := json.Unmarshal(buf.Bytes(), &issues); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, is := range issues {
		if seen[is.Fingerprint] || len(is.Fingerprint) != 32 {
			t.Fatalf("fingerprints must be unique: %+v", issues)
		}
		seen[is.Fingerprint] = true
	}
	if issues[0].Severity != "critical" || issues[2].Severity != "minor" || issues[2].Location.Lines.Begin != 1 || issues[0].Location.Path != "deploy/a.yaml" {
		t.Fatalf("issues = %+v", issues)
	}
	// Stable across runs.
	var again bytes.Buffer
	_ = CodeQuality(&again, sample())
	if again.String() != buf.String() {
		t.Fatal("code quality report differs between runs")
	}
}

func TestJUnit(t *testing.T) {
	var buf bytes.Buffer
	if err := JUnit(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	var suites junitSuites
	if err := xml.Unmarshal(buf.Bytes(), &suites); err != nil {
		t.Fatal(err)
	}
	if suites.Tests != 3 || suites.Failures != 2 || len(suites.Suites) != 3 {
		t.Fatalf("suites = %+v", suites)
	}
	img := suites.Suites[1]
	if img.Name != "k8s/image-tag" || img.Failures != 1 || img.Cases[0].Name != "deploy/a.yaml" || !strings.Contains(img.Cases[0].Failure.Text, "deploy/a.yaml:30:7") {
		t.Fatalf("image-tag suite = %+v", img)
	}
	if suites.Suites[0].Cases[0].Failure != nil {
		t.Fatal("a rule without findings passes")
	}
}

func TestText(t *testing.T) {
	var buf bytes.Buffer
	if err := Text(&buf, sample(), Options{}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"deploy/a.yaml\n  12:7    error    image \"nginx:latest\" uses the latest tag  k8s/image-tag\n          hint: pin a version\n",
		"deploy/b.yaml\n  0:0     warning  no probes  k8s/probes\n",
		"2 errors, 1 warning, 0 infos in 3 files (1 waived).\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b[") {
		t.Fatal("no color without Color")
	}
	buf.Reset()
	_ = Text(&buf, &lint.Result{Files: 2}, Options{})
	if buf.String() != "No findings in 2 files.\n" {
		t.Fatalf("clean = %q", buf.String())
	}
}

func TestRuleSummary(t *testing.T) {
	res := &lint.Result{Findings: []lint.Finding{
		{Rule: "k8s/probes", Severity: lint.SeverityWarning},
		{Rule: "docs/links", Severity: lint.SeverityError},
		{Rule: "k8s/probes", Severity: lint.SeverityWarning},
		{Rule: "docs/links", Severity: lint.SeverityInfo},
	}}
	var b strings.Builder
	if err := RuleSummary(&b, res); err != nil {
		t.Fatal(err)
	}
	want := "Findings per rule:\n" +
		"  RULE        SEVERITY  COUNT\n" +
		"  docs/links  error     1\n" +
		"  docs/links  info      1\n" +
		"  k8s/probes  warning   2\n"
	if b.String() != want {
		t.Errorf("RuleSummary =\n%s\nwant\n%s", b.String(), want)
	}
	b.Reset()
	_ = RuleSummary(&b, &lint.Result{})
	if b.String() != "Findings per rule: none.\n" {
		t.Errorf("RuleSummary of nothing = %q", b.String())
	}
}

func TestSummaryLineBaselined(t *testing.T) {
	res := &lint.Result{Files: 2, Waived: 1, Baselined: make([]lint.Finding, 3)}
	if got, want := SummaryLine(res), "No findings in 2 files (1 waived, 3 baselined)."; got != want {
		t.Errorf("SummaryLine = %q, want %q", got, want)
	}
	res.Findings = []lint.Finding{{Rule: "r", Severity: lint.SeverityError}}
	res.Waived = 0
	if got, want := SummaryLine(res), "1 error, 0 warnings, 0 infos in 2 files (3 baselined)."; got != want {
		t.Errorf("SummaryLine = %q, want %q", got, want)
	}
	if s := Summarize(res); s.Baselined != 3 {
		t.Errorf("Summarize.Baselined = %d", s.Baselined)
	}
}

// baselinedSample is sample() after a baseline recorded two more findings:
// one of k8s/image-tag between the open ones, one of docs/links.
func baselinedSample() *lint.Result {
	res := sample()
	res.Baseline = "lint-baseline.json"
	res.Baselined = []lint.Finding{
		{Rule: "k8s/image-tag", Severity: lint.SeverityError, Path: "deploy/a.yaml", Line: 20, Column: 7, Message: `image "busybox" has no tag`},
		{Rule: "docs/links", Severity: lint.SeverityError, Path: "docs/index.md", Line: 3, Column: 1, Message: "broken link"},
	}
	return res
}

func TestJSONBaselined(t *testing.T) {
	var buf bytes.Buffer
	if err := JSON(&buf, baselinedSample()); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Findings []lint.Finding `json:"findings"`
		Summary  Summary        `json:"summary"`
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Summary.Baselined != 2 || got.Summary.Findings != 3 || len(got.Findings) != 3 {
		t.Errorf("summary = %+v, %d findings: want 2 baselined, 3 findings listed", got.Summary, len(got.Findings))
	}
	buf.Reset()
	_ = JSON(&buf, sample())
	if strings.Contains(buf.String(), "baselined") {
		t.Errorf("without a baseline, no baselined count: %s", buf.String())
	}
}

type sarifSuppressed struct {
	Runs []struct {
		Results []struct {
			RuleID       string `json:"ruleId"`
			RuleIndex    int    `json:"ruleIndex"`
			Suppressions *[]struct {
				Kind          string `json:"kind"`
				Status        string `json:"status"`
				Justification string `json:"justification"`
			} `json:"suppressions"`
			Locations []struct {
				PhysicalLocation struct {
					Region *struct {
						StartLine int `json:"startLine"`
					} `json:"region"`
				} `json:"physicalLocation"`
			} `json:"locations"`
		} `json:"results"`
	} `json:"runs"`
}

func TestSARIFBaselinedAreSuppressed(t *testing.T) {
	var buf bytes.Buffer
	if err := SARIF(&buf, baselinedSample(), Tool{Name: "platform"}); err != nil {
		t.Fatal(err)
	}
	var log sarifSuppressed
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	results := log.Runs[0].Results
	if len(results) != 5 {
		t.Fatalf("%d results, want 3 open and 2 suppressed", len(results))
	}
	// In finding order: docs/index.md (suppressed), then deploy/a.yaml 12, 20 (suppressed), 30, deploy/b.yaml.
	var got []string
	for _, r := range results {
		if r.Suppressions == nil {
			t.Fatalf("with a baseline every result has suppressions (SARIF: all or none): %s", buf.String())
		}
		state := "open"
		if len(*r.Suppressions) == 1 {
			s := (*r.Suppressions)[0]
			if s.Kind != "external" || s.Status != "accepted" || s.Justification != "recorded in the lint baseline lint-baseline.json" {
				t.Errorf("suppression = %+v", s)
			}
			state = "suppressed"
		}
		line := 0
		if reg := r.Locations[0].PhysicalLocation.Region; reg != nil {
			line = reg.StartLine
		}
		got = append(got, fmt.Sprintf("%s:%d:%s", r.RuleID, line, state))
	}
	want := []string{"k8s/image-tag:12:open", "k8s/image-tag:20:suppressed", "k8s/image-tag:30:open", "k8s/probes:0:open", "docs/links:3:suppressed"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("results = %v, want %v", got, want)
	}
	// Without a baseline, no result has suppressions (no information, not "none").
	buf.Reset()
	_ = SARIF(&buf, sample(), Tool{Name: "platform"})
	if strings.Contains(buf.String(), "suppressions") {
		t.Errorf("suppressions without a baseline: %s", buf.String())
	}
}

func TestJUnitBaselinedAreSkipped(t *testing.T) {
	var buf bytes.Buffer
	if err := JUnit(&buf, baselinedSample()); err != nil {
		t.Fatal(err)
	}
	var suites junitSuites
	if err := xml.Unmarshal(buf.Bytes(), &suites); err != nil {
		t.Fatal(err)
	}
	if suites.Tests != 4 || suites.Failures != 2 || suites.Skipped != 2 {
		t.Fatalf("tests %d, failures %d, skipped %d: want 4, 2, 2\n%s", suites.Tests, suites.Failures, suites.Skipped, buf.String())
	}
	links := suites.Suites[0]
	if links.Name != "docs/links" || len(links.Cases) != 1 || links.Skipped != 1 || links.Cases[0].Skipped == nil ||
		links.Cases[0].Name != "docs/index.md (baselined)" || links.Cases[0].Skipped.Message != "1 finding(s) of docs/links recorded in the baseline lint-baseline.json" {
		t.Errorf("docs/links suite (only baselined findings: skipped, no passing case) = %+v", links)
	}
	img := suites.Suites[1]
	if img.Failures != 1 || img.Skipped != 1 || len(img.Cases) != 2 || img.Cases[1].Name != "deploy/a.yaml (baselined)" {
		t.Errorf("k8s/image-tag suite = %+v", img)
	}
	// Without a baseline, no skipped attribute at all.
	buf.Reset()
	_ = JUnit(&buf, sample())
	if strings.Contains(buf.String(), "skipped") {
		t.Errorf("skipped without a baseline: %s", buf.String())
	}
}

func TestRuleSummaryBaselined(t *testing.T) {
	res := &lint.Result{
		Findings:  []lint.Finding{{Rule: "k8s/probes", Severity: lint.SeverityWarning}},
		Baselined: []lint.Finding{{Rule: "k8s/image-tag", Severity: lint.SeverityError}, {Rule: "k8s/image-tag", Severity: lint.SeverityError}, {Rule: "k8s/probes", Severity: lint.SeverityWarning}},
		Baseline:  "lint-baseline.json",
	}
	var b strings.Builder
	if err := RuleSummary(&b, res); err != nil {
		t.Fatal(err)
	}
	want := "Findings per rule:\n  RULE           SEVERITY  COUNT  BASELINED\n  k8s/image-tag  error     0      2\n  k8s/probes     warning   1      1\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	// Without a baseline, no column for it.
	res.Baseline, res.Baselined = "", nil
	b.Reset()
	if err := RuleSummary(&b, res); err != nil {
		t.Fatal(err)
	}
	if want := "Findings per rule:\n  RULE        SEVERITY  COUNT\n  k8s/probes  warning   1\n"; b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}
