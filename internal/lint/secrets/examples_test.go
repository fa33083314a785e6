package secrets_test

import (
	"testing"

	"github.com/platform-team/platform/internal/lint/linttest"
	"github.com/platform-team/platform/internal/lint/secrets"
)

func TestExamples(t *testing.T) { linttest.CheckExamples(t, secrets.Rules()) }
