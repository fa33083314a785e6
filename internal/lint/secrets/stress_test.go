package secrets_test

import (
	"strings"
	"testing"
	"time"

	"github.com/platform-team/platform/internal/lint/linttest"
	"github.com/platform-team/platform/internal/lint/secrets"
)

// TestScanIsLinear feeds pathological input of two sizes, n and 4n: linear
// work takes about 4 times as long, quadratic work 16 times.
func TestScanIsLinear(t *testing.T) {
	inputs := map[string]func(n int) string{
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
	rules := secrets.Rules()
	for name, gen := range inputs {
		t.Run(name, func(t *testing.T) {
			timeOf := func(n int) time.Duration {
				files := map[string]string{"a.yaml": gen(n)}
				best := time.Duration(1 << 62)
				for range 3 {
					start := time.Now()
					linttest.Run(rules, files)
					best = min(best, time.Since(start))
				}
				return best
			}
			small, large := timeOf(50_000), timeOf(200_000)
			if large > 200*time.Millisecond && large > 10*small {
				t.Errorf("4 times the input took %v instead of %v: quadratic?", large, small)
			}
		})
	}
}
