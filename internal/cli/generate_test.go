package cli

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGeneratedFilesAreFresh fails when completions/, docs/cli/ or docs/rules/ differ from
// what the commands generate: run 'make generate' and commit the result.
func TestGeneratedFilesAreFresh(t *testing.T) {
	f, _, _ := testFactory(t)
	tmp := t.TempDir()
	if err := Generate(NewRootCmd(f), filepath.Join(tmp, "completions"), filepath.Join(tmp, "docs"), filepath.Join(tmp, "rules")); err != nil {
		t.Fatal(err)
	}
	repo := filepath.Join("..", "..")
	for _, pair := range [][2]string{{filepath.Join(tmp, "completions"), filepath.Join(repo, "completions")}, {filepath.Join(tmp, "docs"), filepath.Join(repo, "docs", "cli")}, {filepath.Join(tmp, "rules"), filepath.Join(repo, "docs", "rules")}} {
		want, got := readDir(t, pair[0]), readDir(t, pair[1])
		for name, data := range want {
			if committed, ok := got[name]; !ok {
				t.Errorf("%s is missing: run 'make generate' and commit the result", filepath.Join(pair[1], name))
			} else if !bytes.Equal(committed, data) {
				t.Errorf("%s is stale: run 'make generate' and commit the result", filepath.Join(pair[1], name))
			}
		}
		for name := range got {
			if _, ok := want[name]; !ok {
				t.Errorf("%s is no longer generated: run 'make generate' (it removes stale files)", filepath.Join(pair[1], name))
			}
		}
	}
}

func readDir(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[rel] = data
		return err
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return out
}

// TestInterruptLeavesNothingBehind runs new service with a cancelled context, as
// after Ctrl-C: exit 130 and no destination, no staging directory.
func TestInterruptLeavesNothingBehind(t *testing.T) {
	f, _, errOut := testFactory(t)
	dir := t.TempDir()
	dest := filepath.Join(dir, "payments")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	code := Run(ctx, f, []string{"new", "service", "payments", "--owner", "group:payments", "--yes", "-o", dest})
	if code != ExitInterrupted {
		t.Fatalf("exit code = %d, want %d; stderr:\n%s", code, ExitInterrupted, errOut)
	}
	if !strings.Contains(errOut.String(), "Interrupted: nothing was written.") {
		t.Fatalf("stderr = %q", errOut)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 0 {
		t.Fatalf("left behind after interrupt: %v", entries)
	}
}
