package docs

import (
	"fmt"
	"path"
	"strings"

	"github.com/platform-team/platform/internal/lint"
)

// readmeNames are the root README files, in order of preference.
var readmeNames = []string{"README.md", "README.markdown", "README"}

// rootReadme returns the README the rules read: the preferred of the root
// README files (names compared case-insensitively), or "".
func rootReadme(repo *lint.Repo) string {
	for _, want := range readmeNames {
		for _, f := range repo.Files() {
			if !strings.Contains(f.Path, "/") && strings.EqualFold(f.Path, want) {
				return f.Path
			}
		}
	}
	return ""
}

func isRootReadme(f *lint.File) bool {
	for _, n := range readmeNames {
		if strings.EqualFold(f.Path, n) {
			return true
		}
	}
	return false
}

var ruleReadme = lint.NewRepoRule(lint.Meta{
	ID:       "docs/readme",
	Severity: lint.SeverityError,
	Summary:  "the repository has a README.md at its root",
	Doc: `The README is the first page anyone opens: in GitLab, in Backstage's source
view, in a clone. Without one, a teammate has to read the code to learn what
the service is, how to run it and who owns it.

Add README.md (README.markdown or a plain README also count; the name is
matched case-insensitively) at the root of the repository. docs/readme-sections
says which sections it needs.

The rule runs only when the whole repository is linted.`,
	Bad: map[string]string{"docs/index.md": "# payments-api\n"},
	Good: map[string]string{
		"README.md": goodReadme,
	},
}, func(repo *lint.Repo, r *lint.Reporter) {
	if rootReadme(repo) != "" {
		return
	}
	for _, n := range readmeNames {
		if repo.Exists(n) {
			return
		}
	}
	r.Report("README.md", 0, 0, "the repository has no README.md",
		"add README.md at the root: what the service is, how to run, test and deploy it, and who owns it")
})

// sectionKey normalizes a heading for comparison: case-insensitive, spaces
// collapsed, trailing punctuation ignored.
func sectionKey(s string) string {
	s = strings.ToLower(strings.Join(strings.Fields(s), " "))
	return strings.TrimRight(s, ".:!?;,… ")
}

var ruleReadmeSections = lint.NewFileRule(lint.Meta{
	ID:       "docs/readme-sections",
	Severity: lint.SeverityWarning,
	Summary:  "the README has the organisation's level-2 sections",
	Doc: `Every service README answers the same questions in the same places, so that
someone on call, or new to the team, finds them without reading the whole
page. The questions are the organisation's list of README sections (by default
Overview, Getting started, Testing, Deployment, Documentation, Ownership).

Each must be a level-2 heading (## Testing) of the root README. Headings are
compared case-insensitively, with runs of spaces collapsed and trailing
punctuation (: . ! ?) ignored; other words do not count, so "## Tests" does not
satisfy "Testing". The missing sections are reported in one finding at line 1,
listed in the hint; a section written at another level is pointed out.

Fix: add the missing headings with real content under them. Changing the list
is an organisation setting, not a per-repository one.`,
	Bad: map[string]string{"README.md": "# payments-api\n\n## Overview\n\nPayments.\n"},
	Good: map[string]string{
		"README.md": goodReadme,
	},
}, isRootReadme, func(repo *lint.Repo, f *lint.File, r *lint.Reporter) {
	want := repo.Settings.ReadmeSections
	if len(want) == 0 || rootReadme(repo) != f.Path {
		return
	}
	md := markdownOf(f)
	level := map[string]int{}
	for _, h := range md.Headings {
		k := sectionKey(h.Text)
		if h.Level == 2 {
			level[k] = 2
		} else if _, ok := level[k]; !ok {
			level[k] = h.Level
		}
	}
	var missing, headings, wrongLevel []string
	for _, s := range want {
		l := level[sectionKey(s)]
		if l == 2 {
			continue
		}
		missing = append(missing, s)
		headings = append(headings, "## "+s)
		if l != 0 {
			wrongLevel = append(wrongLevel, fmt.Sprintf("%q is a level-%d heading", s, l))
		}
	}
	if len(missing) == 0 {
		return
	}
	what := "sections"
	if len(missing) == 1 {
		what = "section"
	}
	hint := "add level-2 headings: " + strings.Join(headings, ", ")
	if len(wrongLevel) > 0 {
		hint += " (" + strings.Join(wrongLevel, "; ") + ": make it level 2)"
	}
	r.Report(f.Path, 1, 1,
		fmt.Sprintf("%s lacks %d required %s: %s", path.Base(f.Path), len(missing), what, strings.Join(missing, ", ")),
		hint)
})

const goodReadme = `# payments-api

## Overview

Takes payments.

## Getting started

    go run .

## Testing

    go test ./...

## Deployment

GitOps: merge to the default branch, then promote.

## Documentation

TechDocs, in docs/.

## Ownership

group:payments
`
