// Package report writes lint results as text, JSON, SARIF 2.1.0, GitLab Code
// Quality and JUnit XML. Every format is deterministic for the same result.
package report

import (
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/platform-team/platform/internal/lint"
)

// Formats lists the supported --format values.
var Formats = []string{"text", "json", "sarif", "codequality", "junit"}

// Tool names the program in machine-readable reports.
type Tool struct {
	Name    string
	Version string
	// RulesURI is where rule documentation lives; a rule's page is RulesURI + ID + ".md".
	RulesURI string
}

// Options tune a report.
type Options struct {
	Tool Tool
	// Color enables ANSI colors in the text format.
	Color bool
	// GitLabSections wraps each file's findings in the text format in a
	// collapsible section of a GitLab CI job log.
	GitLabSections bool
	// Now stamps the section markers; time.Now when nil.
	Now func() time.Time
}

// Write writes res in format to w.
func Write(w io.Writer, format string, res *lint.Result, opts Options) error {
	switch format {
	case "text":
		return Text(w, res, opts)
	case "json":
		return JSON(w, res)
	case "sarif":
		return SARIF(w, res, opts.Tool)
	case "codequality":
		return CodeQuality(w, res)
	case "junit":
		return JUnit(w, res)
	}
	return fmt.Errorf("unknown format %q: want one of %v", format, Formats)
}

// Known reports whether format is supported.
func Known(format string) bool { return slices.Contains(Formats, format) }
