package cli

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/platform-team/platform/internal/wizard"
)

type brokenInput struct{}

func (brokenInput) Read([]byte) (int, error) { return 0, errors.New("input/output error") }

// The mr confirmation tells a failing prompt from a cancel: before, every
// error of the form became context.Canceled (exit 130).
func TestConfirmMRErrorIsNotACancel(t *testing.T) {
	done := make(chan error, 1)
	go func() {
		done <- confirmMR(context.Background(), wizard.NewPrompter(brokenInput{}, io.Discard, false, false), "a → main in g/p\nTitle")
	}()
	select {
	case err := <-done:
		if err == nil || errors.Is(err, wizard.ErrCancelled) || errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want an error that is not a cancel", err)
		}
		if code := exitCode(err, false); code == ExitInterrupted {
			t.Fatalf("a failing prompt exits %d", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("prompt did not finish")
	}
}

func TestConfirmMRCancelAndDecline(t *testing.T) {
	r, w := io.Pipe()
	defer w.Close()
	go func() {
		time.Sleep(50 * time.Millisecond)
		_, _ = w.Write([]byte("\x1b")) // Esc
	}()
	err := confirmMR(context.Background(), wizard.NewPrompter(r, io.Discard, false, false), "summary")
	if !errors.Is(err, wizard.ErrCancelled) || exitCode(err, false) != ExitInterrupted {
		t.Fatalf("Esc: err = %v, want a cancel (exit 130)", err)
	}
	for answer, want := range map[string]error{"n\n": wizard.ErrCancelled, "y\n": nil, "": wizard.ErrCancelled} {
		err := confirmMR(context.Background(), wizard.NewPrompter(strings.NewReader(answer), io.Discard, true, false), "summary")
		if !errors.Is(err, want) || (want == nil && err != nil) {
			t.Errorf("accessible %q: err = %v, want %v", answer, err, want)
		}
	}
}
