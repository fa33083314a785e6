//go:build unix

package lint

import (
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A FIFO is never opened (opening one blocks until a writer comes): walked or
// named, it is reported as skipped. The deadline only guards against hanging.
func TestFIFOIsSkippedNotOpened(t *testing.T) {
	root := writeTree(t, map[string]string{"README.md": "x", "a.txt": "TODO"})
	for _, name := range []string{"pipe.yaml", "sub/pipe.txt"} {
		if err := syscall.Mkfifo(filepath.Join(root, filepath.FromSlash(name)), 0o644); err != nil {
			if err := mkdirFIFO(root, name); err != nil {
				t.Skip(err)
			}
		}
	}
	type outcome struct {
		res *Result
		err error
	}
	run := func(paths ...string) *Result {
		t.Helper()
		done := make(chan outcome, 1)
		go func() {
			res, err := Run(context.Background(), Options{Paths: paths, Rules: append([]Rule{todoRule}, EngineRules()...)})
			done <- outcome{res, err}
		}()
		select {
		case o := <-done:
			if o.err != nil {
				t.Fatal(o.err)
			}
			return o.res
		case <-time.After(10 * time.Second):
			t.Fatal("lint blocked on a FIFO")
			return nil
		}
	}
	want := []string{
		"test/todo warning a.txt: TODO left",
		"lint/skipped info pipe.yaml: not linted: a named pipe (FIFO), not a regular file",
		"lint/skipped info sub/pipe.txt: not linted: a named pipe (FIFO), not a regular file",
	}
	if got := findingLines(run(root)); !reflect.DeepEqual(got, want) {
		t.Fatalf("walked:\n%s", strings.Join(got, "\n"))
	}
	t.Chdir(root)
	if got := findingLines(run("pipe.yaml", "a.txt")); !reflect.DeepEqual(got, want[:2]) {
		t.Fatalf("named:\n%s", strings.Join(got, "\n"))
	}
}

func mkdirFIFO(root, name string) error {
	dir := filepath.Dir(filepath.Join(root, filepath.FromSlash(name)))
	if err := syscall.Mkdir(dir, 0o755); err != nil {
		return err
	}
	return syscall.Mkfifo(filepath.Join(root, filepath.FromSlash(name)), 0o644)
}
