package cli

import (
	"context"
	"io/fs"
	"strings"
	"testing"
)

// panickingFS stands in for any bug below a command: every Open panics.
type panickingFS struct{}

func (panickingFS) Open(string) (fs.File, error) { panic("boom in a template source") }

func TestRunReportsAPanicInOneLine(t *testing.T) {
	f, _, errOut := testFactory(t)
	f.Templates = panickingFS{}
	code := Run(context.Background(), f, []string{"templates", "list"})
	if code != ExitInternal {
		t.Fatalf("exit code %d, want %d", code, ExitInternal)
	}
	got := errOut.String()
	if !strings.Contains(got, "internal error: boom in a template source") {
		t.Errorf("stderr does not name the panic:\n%s", got)
	}
	if strings.Contains(got, "goroutine ") || strings.Contains(got, ".go:") {
		t.Errorf("stderr shows a stack trace without --debug:\n%s", got)
	}
}

func TestRunShowsThePanicStackWithDebug(t *testing.T) {
	f, _, errOut := testFactory(t)
	f.Templates = panickingFS{}
	if code := Run(context.Background(), f, []string{"templates", "list", "--debug"}); code != ExitInternal {
		t.Fatalf("exit code %d, want %d", code, ExitInternal)
	}
	if !strings.Contains(errOut.String(), "goroutine ") {
		t.Errorf("--debug shows no stack trace:\n%s", errOut.String())
	}
}
