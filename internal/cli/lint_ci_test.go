package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLintInCIHasNoColor: at a terminal with color on, CI=true still gives a
// plain text report (a testscript cannot fake the terminal).
func TestLintInCIHasNoColor(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "catalog-info.yaml"), []byte("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: Bad Name\nspec: {type: service, lifecycle: production, owner: group:a}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, ci := range []bool{false, true} {
		f, out, _ := testFactory(t)
		f.IOStreams.SetTTY(true, true, true)
		f.IOStreams.SetColorEnabled(true)
		env := f.Getenv
		f.Getenv = func(k string) string {
			if k == "CI" && ci {
				return "true"
			}
			return env(k)
		}
		Run(context.Background(), f, []string{"lint", dir, "--rules", "catalog/*"})
		colored := strings.Contains(out.String(), "\x1b[")
		if colored == ci {
			t.Errorf("CI=%v: colored output = %v\n%q", ci, colored, out.String())
		}
	}
}
