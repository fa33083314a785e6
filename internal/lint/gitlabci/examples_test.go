package gitlabci_test

import (
	"testing"

	"github.com/platform-team/platform/internal/lint/gitlabci"
	"github.com/platform-team/platform/internal/lint/linttest"
)

func TestExamples(t *testing.T) { linttest.CheckExamples(t, gitlabci.Rules()) }
