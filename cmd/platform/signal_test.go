//go:build unix

package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// slowTemplate renders forever: an empty range over a huge number writes
// nothing, so only the context stops it.
var slowTemplate = map[string]string{
	"template.yaml": `apiVersion: platform/v1alpha1
kind: Template
metadata: {name: slow, title: Slow, description: Renders forever}
spec:
  path: golden
  version: 0.1.0
  parameters:
    - title: Basics
      required: [name, owner]
      properties:
        name: {type: string, pattern: '^[a-z][a-z0-9-]*$'}
        owner: {type: string}
`,
	"skeleton/README.md":     "# {{ .values.name }}\n",
	"skeleton/slow.txt.tmpl": "{{ range 100000000000000 }}{{ end }}done\n",
}

// TestSignalsStopARunCleanly delivers SIGINT, SIGTERM and SIGHUP to a real
// platform process busy rendering: each must stop it with exit 130, the
// "Interrupted" line, and nothing left behind (no destination, no staging).
func TestSignalsStopARunCleanly(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP} {
		t.Run(strings.ToUpper(sig.String()), func(t *testing.T) {
			t.Parallel()
			work := t.TempDir()
			tmpl := filepath.Join(work, "slow")
			for name, body := range slowTemplate {
				p := filepath.Join(tmpl, filepath.FromSlash(name))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			out := filepath.Join(work, "out")
			if err := os.Mkdir(out, 0o755); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command("platform", "new", "service", "slow", "--owner", "group:a", "--yes", "-t", tmpl, "-o", filepath.Join(out, "slow"))
			cmd.Dir = work
			cmd.Env = append(os.Environ(),
				"HOME="+work, "XDG_CACHE_HOME="+filepath.Join(work, "cache"), "XDG_CONFIG_HOME="+filepath.Join(work, "config"),
				"PLATFORM_RENDER_TIMEOUT=10m", "NO_COLOR=1")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()

			// Give the process time to install its handlers and reach the
			// render loop; a signal that came too early would kill it, and
			// the test would fail loudly rather than pass by luck.
			time.Sleep(time.Second)
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			var err error
			select {
			case err = <-done:
			case <-time.After(2 * time.Minute): // a hang guard, not a measurement
				_ = cmd.Process.Kill()
				<-done
				t.Fatalf("platform still ran 2 minutes after %v; stderr:\n%s", sig, stderr.String())
			}
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 130 {
				t.Fatalf("after %v: %v, want exit status 130; stderr:\n%s", sig, err, stderr.String())
			}
			if !strings.Contains(stderr.String(), "Interrupted: nothing was written.") {
				t.Errorf("stderr:\n%s\nwant the Interrupted line", stderr.String())
			}
			entries, err := os.ReadDir(out)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range entries {
				t.Errorf("left behind after %v: %s", sig, e.Name())
			}
		})
	}
}
