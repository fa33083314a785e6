package lint

import (
	"slices"
	"strings"
	"sync"
)

// Meta describes a rule: its identity, default severity and documentation.
type Meta struct {
	// ID is "family/name", e.g. "k8s/image-tag".
	ID string
	// Severity is the default; platform.yaml can change it or turn the rule off.
	Severity Severity
	// Summary is one line for 'platform lint rules'.
	Summary string
	// Doc explains why the rule exists and how to fix a finding (Markdown).
	Doc string
	// Bad and Good are example trees (path -> content): Bad must produce at least one
	// finding of this rule, Good none. They are tested and rendered into docs/rules.
	Bad, Good map[string]string
	// External is a rule defined outside the platform (an organisation's
	// Rego policy): it has no page in docs/rules.
	External bool
}

// Family is the part of the ID before the slash.
func (m Meta) Family() string {
	family, _, _ := strings.Cut(m.ID, "/")
	return family
}

// Rule is one rule: its Meta and its check, either on single files (NewFileRule)
// or on the tree as a whole (NewRepoRule). Every family declares its rules with
// these two constructors; the engine carries a severity override in the value.
type Rule struct {
	meta Meta
	// applies and check make a file rule; checkRepo a repository rule.
	applies   func(f *File) bool
	check     func(repo *Repo, f *File, r *Reporter)
	checkRepo func(repo *Repo, r *Reporter)
	// always marks a repository rule about the walk itself (lint/skipped,
	// lint/unreadable): it runs even when only some paths are linted.
	always bool
}

// NewFileRule returns a rule that checks single files. Applies is called for
// every file (nil: every file applies); check only for those it accepts.
// Checks of different files run concurrently.
func NewFileRule(meta Meta, applies func(f *File) bool, check func(repo *Repo, f *File, r *Reporter)) Rule {
	if applies == nil {
		applies = func(*File) bool { return true }
	}
	return Rule{meta: meta, applies: applies, check: check}
}

// NewRepoRule returns a rule about the tree as a whole (a README exists, a nav
// entry resolves). It runs after every file has been read, and only when the
// whole repository is linted.
func NewRepoRule(meta Meta, check func(repo *Repo, r *Reporter)) Rule {
	return Rule{meta: meta, checkRepo: check}
}

// Meta describes the rule, with its effective severity.
func (r Rule) Meta() Meta { return r.meta }

// WithSeverity returns the rule with another severity (platform.yaml's lint.rules).
func (r Rule) WithSeverity(s Severity) Rule {
	r.meta.Severity = s
	return r
}

// IsFileRule reports whether the rule checks single files (NewFileRule).
func (r Rule) IsFileRule() bool { return r.check != nil }

// Applies reports whether a file rule checks f; a repository rule checks no file.
func (r Rule) Applies(f *File) bool { return r.check != nil && r.applies(f) }

// CheckFile runs a file rule on f, whether or not it applies (tests use it).
func (r Rule) CheckFile(repo *Repo, f *File, rep *Reporter) {
	if r.check != nil {
		r.check(repo, f, rep)
	}
}

// Sorted returns rules sorted by ID: the order of every list of rules, from a
// family's Rules() to 'platform lint rules' and docs/rules.
func Sorted(rules ...Rule) []Rule {
	out := slices.Clone(rules)
	slices.SortStableFunc(out, func(a, b Rule) int { return strings.Compare(a.meta.ID, b.meta.ID) })
	return out
}

// Reporter collects the findings of one rule on one unit of work.
type Reporter struct {
	meta     Meta
	mu       *sync.Mutex
	findings *[]Finding
}

// Report records a finding of this rule at path:line:column.
func (r *Reporter) Report(path string, line, column int, message, hint string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	*r.findings = append(*r.findings, Finding{
		Rule: r.meta.ID, Severity: r.meta.Severity, Path: path,
		Line: line, Column: column, Message: message, Hint: hint,
	})
}

// Waive records that the rule was silenced on path at line by an exception
// of its own (a policy's exception rule): no finding, one more waived.
func (r *Reporter) Waive(path string, line int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	*r.findings = append(*r.findings, Finding{Rule: r.meta.ID, Severity: r.meta.Severity, Path: path, Line: line, waived: true})
}

// Waived reports whether the finding stands for a rule's own exception (Reporter.Waive).
func (f Finding) Waived() bool { return f.waived }

// NewReporter returns a reporter for one rule that appends to findings; tests use it.
func NewReporter(meta Meta, findings *[]Finding) *Reporter {
	return &Reporter{meta: meta, mu: &sync.Mutex{}, findings: findings}
}
