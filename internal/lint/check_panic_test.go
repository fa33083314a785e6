package lint

import (
	"context"
	"errors"
	"testing"
)

var panickyRule = NewFileRule(Meta{ID: "test/panicky", Severity: SeverityError}, nil,
	func(*Repo, *File, *Reporter) { panic(errors.New("index out of range")) })

// A rule that panics on a worker goroutine would crash the process with
// every goroutine's stack; Check re-raises it on the caller's goroutine, where
// the command boundary turns it into one line.
func TestCheckReRaisesARulePanicOnTheCaller(t *testing.T) {
	repo := NewRepo("", Settings{}, []*File{NewFile("a.txt", []byte("x")), NewFile("b.txt", []byte("y"))})
	defer func() {
		p, ok := recover().(*RulePanic)
		if !ok {
			t.Fatalf("recovered %T, want *RulePanic", p)
		}
		if p.Rule != "test/panicky" || (p.Path != "a.txt" && p.Path != "b.txt") {
			t.Fatalf("panic = %+v", p)
		}
		if got, want := p.String(), "rule test/panicky panicked on "+p.Path+": index out of range"; got != want {
			t.Fatalf("String() = %q, want %q", got, want)
		}
	}()
	Check(context.Background(), repo, []Rule{panickyRule}, 4)
	t.Fatal("Check returned normally")
}
