package promote

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/platform-team/platform/internal/gitlab"
)

var sampleResults = []GateResult{
	{GateDeployed, GatePass, "deployment #42 (01234567) of 1.2.3 to staging succeeded 3h ago"},
	{GateSoak, GateFail, "staging has soaked 3h of 24h: 21h remaining"},
	{GatePipeline, GateSkip, "not configured"},
	{GateFreeze, GateFail, `GitLab deploy freeze "0 23 * * 5" to "0 7 * * 1" is active | really`},
	{GateApprovals, GateInfo, "2 approvals required in the merge request (enforced by GitLab)"},
}

func TestTable(t *testing.T) {
	want := `  GATE       STATUS  DETAIL
✓ deployed   pass    deployment #42 (01234567) of 1.2.3 to staging succeeded 3h ago
✗ soak       fail    staging has soaked 3h of 24h: 21h remaining
– pipeline   skip    not configured
✗ freeze     fail    GitLab deploy freeze "0 23 * * 5" to "0 7 * * 1" is active | really
• approvals  info    2 approvals required in the merge request (enforced by GitLab)
`
	if got := Table(sampleResults); got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	if got := Table(nil); got != "  GATE  STATUS  DETAIL\n" {
		t.Fatalf("empty table %q", got)
	}
	if got := Table([]GateResult{{"x", GatePass, "two\nlines"}}); got != "  GATE  STATUS  DETAIL\n✓ x     pass    two lines\n" {
		t.Fatalf("newline in detail: %q", got)
	}
}

func TestMarkdown(t *testing.T) {
	want := "| Gate | Status | Detail |\n" +
		"| --- | --- | --- |\n" +
		"| deployed | ✓ pass | deployment #42 (01234567) of 1.2.3 to staging succeeded 3h ago |\n" +
		"| soak | ✗ fail | staging has soaked 3h of 24h: 21h remaining |\n" +
		"| pipeline | – skip | not configured |\n" +
		"| freeze | ✗ fail | GitLab deploy freeze \"0 23 \\* \\* 5\" to \"0 7 \\* \\* 1\" is active \\| really |\n" +
		"| approvals | • info | 2 approvals required in the merge request (enforced by GitLab) |\n"
	if got := Markdown(sampleResults); got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	if got := Markdown([]GateResult{{"x", GatePass, "<b>1_2</b>\n`x`"}}); got != "| Gate | Status | Detail |\n| --- | --- | --- |\n| x | ✓ pass | &lt;b&gt;1\\_2&lt;/b&gt; \\`x\\` |\n" {
		t.Fatalf("escaping: %q", got)
	}
}

func TestStatusJSON(t *testing.T) {
	finished := time.Date(2026, 7, 8, 9, 0, 0, 0, time.UTC)
	stages := []StageStatus{
		{Stage: Stage{Name: "preview"}, Version: "1.2.4"},
		{
			Stage:      Stage{Name: "staging", From: "preview"},
			Version:    "1.2.3",
			Deployment: &gitlab.Deployment{ID: 9001, IID: 42, Status: "success", SHA: "abc", FinishedAt: &finished},
			Gates:      sampleResults[:1],
		},
	}
	data, err := json.Marshal(Status(stages))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"stages":[` +
		`{"name":"preview","from":"","version":"1.2.4","deployment":null,"gates":[]},` +
		`{"name":"staging","from":"preview","version":"1.2.3","deployment":{"id":9001,"iid":42,"status":"success","sha":"abc","finishedAt":"2026-07-08T09:00:00Z"},` +
		`"gates":[{"gate":"deployed","status":"pass","detail":"deployment #42 (01234567) of 1.2.3 to staging succeeded 3h ago"}]}]}`
	if string(data) != want {
		t.Fatalf("got\n%s\nwant\n%s", data, want)
	}
}
