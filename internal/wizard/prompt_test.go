package wizard

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/huh"
)

// failingReader is a terminal whose input breaks: an ordinary error, not a cancel.
type failingReader struct{ err error }

func (r failingReader) Read([]byte) (int, error) { return 0, r.err }

func confirmForm() (*huh.Form, *bool) {
	ok := true
	return huh.NewForm(huh.NewGroup(huh.NewConfirm().Title("Go on?").Value(&ok))).WithWidth(80), &ok
}

func TestRunErrorIsNotACancel(t *testing.T) {
	p := NewPrompter(failingReader{errors.New("input/output error")}, io.Discard, false, false)
	form, _ := confirmForm()
	done := make(chan error, 1)
	go func() { done <- p.Run(context.Background(), form) }()
	select {
	case err := <-done:
		// huh reports bubbletea's failure as ErrTimeout, losing the cause.
		if err == nil || errors.Is(err, ErrCancelled) || errors.Is(err, huh.ErrUserAborted) || errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v: a broken input must be an error, not a cancel", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("form did not finish")
	}
}

func TestRunAbortIsACancel(t *testing.T) {
	r, w := io.Pipe()
	defer w.Close()
	p := NewPrompter(r, io.Discard, false, false)
	go func() {
		time.Sleep(50 * time.Millisecond)
		_, _ = w.Write([]byte(ctrlC))
	}()
	form, _ := confirmForm()
	if err := p.Run(context.Background(), form); !errors.Is(err, ErrCancelled) {
		t.Fatalf("err = %v, want ErrCancelled", err)
	}
}

func TestRunInterruptIsTheContextsError(t *testing.T) {
	r, w := io.Pipe()
	defer w.Close()
	p := NewPrompter(r, io.Discard, false, false)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		time.Sleep(50 * time.Millisecond)
		cancel()
	}()
	form, _ := confirmForm()
	if err := p.Run(ctx, form); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestRunAccessibleReadsLinesAndEndOfInputCancels(t *testing.T) {
	var out strings.Builder
	p := NewPrompter(strings.NewReader("n\n"), &out, true, false)
	form, ok := confirmForm()
	if err := p.Run(context.Background(), form); err != nil {
		t.Fatal(err)
	}
	if *ok {
		t.Fatal("n did not answer no")
	}
	form, _ = confirmForm()
	if err := p.Run(context.Background(), form); !errors.Is(err, ErrCancelled) {
		t.Fatalf("question after the end of input: err = %v, want ErrCancelled", err)
	}
}
