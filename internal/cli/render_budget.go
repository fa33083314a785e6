package cli

import (
	"time"

	"github.com/platform-team/platform/internal/bytesize"
	"github.com/platform-team/platform/internal/scaffold"
)

// renderBudget reads the template render budget from the environment:
// PLATFORM_RENDER_TIMEOUT (a Go duration, for the whole render) and
// PLATFORM_RENDER_MAX_BYTES (the total output in bytes; one file may use an
// eighth of it). Unset means the defaults, 10s and 128 MiB.
func renderBudget(getenv func(string) string) (scaffold.Budget, error) {
	var b scaffold.Budget
	if v := getenv(scaffold.EnvRenderTimeout); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return b, usageErrorf("%s %q: want a duration such as 30s", scaffold.EnvRenderTimeout, v)
		}
		b.Timeout = d
	}
	if v := getenv(scaffold.EnvRenderMaxBytes); v != "" {
		n, err := bytesize.Parse(v)
		if err != nil {
			return b, usageErrorf("%s %q: %w", scaffold.EnvRenderMaxBytes, v, err)
		}
		b.MaxBytes = n
	}
	return b, nil
}
