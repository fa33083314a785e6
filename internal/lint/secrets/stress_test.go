package secrets_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/platform-team/platform/internal/lint/linttest"
	"github.com/platform-team/platform/internal/lint/secrets"
)

// pathological are inputs that made a scanner quadratic once, or could: n bytes each.
var pathological = map[string]func(n int) string{
	"assignments on one line": func(n int) string { return strings.Repeat("password=", n/9) },
	"keys on one line":        func(n int) string { return strings.Repeat("api_key: x ", n/11) },
	"token prefixes":          func(n int) string { return strings.Repeat("glpat-", n/6) },
	"armor lines":             func(n int) string { return strings.Repeat(begin+" RSA PRIVATE KEY-----\n", n/32) },
	"armor on one line":       func(n int) string { return strings.Repeat(begin+" RSA PRIVATE KEY-----", n/31) },
	"key body":                func(n int) string { return begin + " RSA PRIVATE KEY-----\n" + strings.Repeat("QUFB\n", n/5) },
	"service accounts":        func(n int) string { return strings.Repeat(`"type": "service_account", "private_key": "`, n/44) },
	"secret words":            func(n int) string { return strings.Repeat("secret token key pass ", n/22) },
	"key bytes":               func(n int) string { return strings.Repeat("a", n) + "token: " + entropy },
	"AWS":                     func(n int) string { return strings.Repeat("AKIA", n/4) },
	"lines":                   func(n int) string { return strings.Repeat("token: x\n", n/9) },
}

// TestScanFinishesOnPathologicalInput scans 1 MiB of each pathological input:
// linear work takes milliseconds, quadratic work minutes. Only a hang fails
// it; how the work scales is measured by BenchmarkScanScaling, not judged by
// a clock in go test.
func TestScanFinishesOnPathologicalInput(t *testing.T) {
	rules := secrets.Rules()
	for _, name := range slices.Sorted(maps.Keys(pathological)) {
		t.Run(name, func(t *testing.T) {
			files := map[string]string{"a.yaml": pathological[name](1 << 20)}
			linttest.Finishes(t, name, func() { linttest.Run(rules, files) })
		})
	}
}

// BenchmarkScanScaling scans each pathological input at 64 KiB and 1 MiB:
// linear work keeps its MB/s as the input grows 16 times, quadratic work
// loses a factor of 16.
func BenchmarkScanScaling(b *testing.B) {
	rules := secrets.Rules()
	for _, name := range slices.Sorted(maps.Keys(pathological)) {
		for _, n := range []int{64 << 10, 1 << 20} {
			b.Run(fmt.Sprintf("%s/%dKiB", name, n>>10), func(b *testing.B) {
				files := map[string]string{"a.yaml": pathological[name](n)}
				b.SetBytes(int64(n))
				for b.Loop() {
					linttest.Run(rules, files)
				}
			})
		}
	}
}
