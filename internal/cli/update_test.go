package cli

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/platform-team/platform/templates"
)

// nextTemplates are the embedded templates with go-service at 1.1.0 (a
// numeric USER in the Dockerfile), as a later platform would embed them.
func nextTemplates(t testing.TB) fs.FS {
	t.Helper()
	out := fstest.MapFS{}
	err := fs.WalkDir(templates.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(templates.FS, p)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch p {
		case "go-service/template.yaml":
			data = bytes.Replace(data, []byte("version: 1.0.0"), []byte("version: 1.1.0"), 1)
		case "go-service/skeleton/Dockerfile.tmpl":
			data = bytes.Replace(data, []byte("USER nonroot:nonroot"), []byte("USER 65532:65532"), 1)
		}
		out[p] = &fstest.MapFile{Data: data, Mode: info.Mode()}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// snapshot reads every file under dir, .git included, by path.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		out[p] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// lockedBuffer is a buffer a test reads while a command writes it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestUpdateInterruptedAtTheConfirmLeavesTheTreeUntouched: Ctrl-C once the
// whole update is computed and shown, before it is written, exits 130 and
// leaves every file of the service, and its git directory, as it was.
func TestUpdateInterruptedAtTheConfirmLeavesTheTreeUntouched(t *testing.T) {
	f, _, errOut := testFactory(t)
	dir := filepath.Join(t.TempDir(), "payments")
	if code := Run(context.Background(), f, []string{"new", "service", "payments", "--owner", "group:payments", "--yes", "-o", dir}); code != ExitOK {
		t.Fatalf("new service: exit %d: %s", code, errOut)
	}
	before := snapshot(t, dir)

	next, _, errOut := testFactory(t)
	next.Templates, next.Releases = nextTemplates(t), templates.Releases
	stdin, typing := io.Pipe() // nobody answers
	defer typing.Close()
	out := &lockedBuffer{}
	next.IOStreams.In, next.IOStreams.Out = stdin, out

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() { done <- Run(ctx, next, []string{"update", dir, "--accessible"}) }()
	for !strings.Contains(out.String(), "Update the service?") {
		select {
		case code := <-done:
			t.Fatalf("update returned %d before asking; stdout:\n%s\nstderr:\n%s", code, out, errOut)
		case <-time.After(5 * time.Millisecond):
		}
	}
	if !strings.Contains(out.String(), "go-service 1.0.0 -> 1.1.0") {
		t.Errorf("the plan was not shown before the question:\n%s", out)
	}
	cancel()
	var code int
	select {
	case code = <-done:
	case <-time.After(time.Minute): // a guard against hanging, not a measure
		t.Fatal("update did not return after the interrupt")
	}
	if code != ExitInterrupted {
		t.Errorf("exit %d, want %d; stderr:\n%s", code, ExitInterrupted, errOut)
	}
	after := snapshot(t, dir)
	for p, data := range before {
		if after[p] != data {
			t.Errorf("%s changed", p)
		}
	}
	for p := range after {
		if _, ok := before[p]; !ok {
			t.Errorf("%s appeared", p)
		}
	}
}
