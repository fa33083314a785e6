package cli

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"
)

// BenchmarkNewService is the whole `platform new service NAME --owner ... --yes`:
// command parsing, config, template load, render, catalog, write and git commit.
func BenchmarkNewService(b *testing.B) {
	t := &testing.T{}
	f, _, errOut := testFactory(t)
	dir := b.TempDir()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		dest := filepath.Join(dir, strconv.Itoa(i))
		if code := Run(context.Background(), f, []string{"new", "service", "payments", "--owner", "group:payments", "--yes", "-o", dest}); code != 0 {
			b.Fatalf("exit %d: %s", code, errOut)
		}
	}
}
