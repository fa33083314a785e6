package lint

import (
	"context"
	"errors"
	"sync"
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

// A panic in one rule neither stops the other rules on that file nor the
// rule on the other files; the first panic is re-raised after all of them.
func TestCheckRunsTheOtherRulesAfterAPanic(t *testing.T) {
	var mu sync.Mutex
	ran := map[string]int{}
	count := func(id string) Rule {
		return NewFileRule(Meta{ID: id, Severity: SeverityError}, nil, func(_ *Repo, f *File, _ *Reporter) {
			mu.Lock()
			ran[id+" "+f.Path]++
			mu.Unlock()
		})
	}
	panicsInApplies := NewFileRule(Meta{ID: "test/applies", Severity: SeverityError},
		func(*File) bool { panic("applies") }, func(*Repo, *File, *Reporter) {})
	rules := []Rule{count("test/a"), panickyRule, panicsInApplies, count("test/z")}
	repo := NewRepo("", Settings{}, []*File{NewFile("a.txt", []byte("x")), NewFile("b.txt", []byte("y"))})
	func() {
		defer func() {
			if _, ok := recover().(*RulePanic); !ok {
				t.Fatal("Check did not re-raise the panic")
			}
		}()
		Check(context.Background(), repo, rules, 2)
	}()
	for _, k := range []string{"test/a a.txt", "test/a b.txt", "test/z a.txt", "test/z b.txt"} {
		if ran[k] != 1 {
			t.Errorf("%s ran %d times, want once", k, ran[k])
		}
	}
}
