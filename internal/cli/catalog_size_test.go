package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A catalog-info.yaml over the cap is refused with a clear error, exit 2,
// without being read whole or parsed.
func TestCatalogValidateRefusesHugeFiles(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "catalog-info.yaml")
	head := "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: x\n  annotations:\n"
	line := "    k: v\n"
	data := head + strings.Repeat(line, (maxCatalogFile-len(head))/len(line)+2)
	if err := os.WriteFile(file, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	f, out, errOut := testFactory(t)
	code := Run(context.Background(), f, []string{"catalog", "validate", file})
	if code != ExitUsage || !strings.Contains(errOut.String(), "is larger than 10 MiB: it is not a catalog-info.yaml") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	// At the cap, it is read.
	if err := os.Truncate(file, maxCatalogFile); err != nil {
		t.Fatal(err)
	}
	if got, err := readCatalogFile(file); err != nil || len(got) != maxCatalogFile {
		t.Fatalf("a file at the cap: %d bytes, %v", len(got), err)
	}
}
