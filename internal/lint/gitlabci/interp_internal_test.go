package gitlabci

import (
	"testing"

	"github.com/platform-team/platform/internal/lint"
)

// TestInterpolationRetry checks that the retry without interpolations is
// what makes a file with $[[ ]] in flow collections parse.
func TestInterpolationRetry(t *testing.T) {
	src := "a:\n  needs: [$[[ inputs.a ]], $[[ inputs.b ]]]\n  script: [x]\n"
	if _, ok := decodeAll([]byte(src)); ok {
		t.Skip("yaml.v3 parses the raw file: the retry is not exercised")
	}
	c := configOf(lint.NewFile(".gitlab-ci.yml", []byte(src)))
	if c.err != nil || len(c.jobs) != 1 || c.jobs[0].name != "a" {
		t.Fatalf("config %+v, error %v", c, c.err)
	}
	if n := lint.Field(c.jobs[0].value, "needs"); n == nil || len(n.Content) != 2 || n.Content[0].Value[0] != '$' {
		t.Fatalf("needs should hold two $-placeholders: %+v", n)
	}
}
