package docs_test

import (
	"testing"

	"github.com/platform-team/platform/internal/lint/docs"
	"github.com/platform-team/platform/internal/lint/linttest"
)

func TestExamples(t *testing.T) { linttest.CheckExamples(t, docs.Rules()) }
