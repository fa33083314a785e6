package scaffold

import (
	"context"
	"slices"
	"strings"
	"testing"
)

var svc = ServiceOptions{PlatformVersion: "v1", AnnotationPrefix: "platform.example.com"}

func TestLintValidTemplate(t *testing.T) {
	tmpl := testTemplate(t, map[string]string{"skeleton/README.md.tmpl": "# {{ .values.name }} ({{ .values.database }})\n"})
	if problems := Lint(context.Background(), tmpl, LintOptions{Service: svc}); len(problems) != 0 {
		t.Fatalf("problems: %q", problems)
	}
	if w := LintWarnings(tmpl); len(w) != 0 {
		t.Fatalf("warnings for a name with a pattern: %q", w)
	}
}

// Every enum value is rendered: a file that breaks only with
// database=postgres is a problem, though the defaults render fine.
func TestLintRendersEveryEnumValue(t *testing.T) {
	tmpl := testTemplate(t, map[string]string{
		"skeleton/db.txt.tmpl": `{{ if eq .values.database "postgres" }}{{ .values.nope }}{{ end }}`,
	})
	problems := Lint(context.Background(), tmpl, LintOptions{Service: svc})
	if len(problems) != 1 || !strings.Contains(problems[0], "skeleton/db.txt.tmpl:1") || !strings.Contains(problems[0], "nope") {
		t.Fatalf("problems: %q", problems)
	}
	// --set answers count: an invalid one is a problem of its own.
	problems = Lint(context.Background(), tmpl, LintOptions{Sets: []string{"port=1"}, Service: svc})
	if !slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, "port") }) {
		t.Fatalf("--set port=1 (below the minimum) not reported: %q", problems)
	}
}

func TestLintStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	problems := Lint(ctx, testTemplate(t, nil), LintOptions{Service: svc})
	if len(problems) != 1 || problems[0] != context.Canceled.Error() {
		t.Fatalf("problems: %q", problems)
	}
}
