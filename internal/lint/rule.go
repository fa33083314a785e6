package lint

import (
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
}

// Family is the part of the ID before the slash.
func (m Meta) Family() string {
	family, _, _ := strings.Cut(m.ID, "/")
	return family
}

// Rule is anything with Meta; it must also be a FileRule or a RepoRule.
type Rule interface {
	Meta() Meta
}

// FileRule checks single files. Applies is called for every file; Check only
// for those it accepts. Check runs concurrently with other files' checks.
type FileRule interface {
	Rule
	Applies(f *File) bool
	Check(repo *Repo, f *File, r *Reporter)
}

// RepoRule checks the tree as a whole (a README exists, a nav entry resolves).
// It runs after every file has been read.
type RepoRule interface {
	Rule
	CheckRepo(repo *Repo, r *Reporter)
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

// NewReporter returns a reporter for one rule that appends to findings; tests use it.
func NewReporter(meta Meta, findings *[]Finding) *Reporter {
	return &Reporter{meta: meta, mu: &sync.Mutex{}, findings: findings}
}
