package baseline

import "github.com/platform-team/platform/internal/lint"

// StaleRule is the rule of a baseline entry no finding matches any more.
const StaleRule = "lint/baseline-stale"

// staleRule registers StaleRule, so that 'platform lint rules', docs/rules,
// SARIF rule descriptors, --rules and lint.rules know it. Its findings come
// from Stale, after the lint, when a baseline is applied: the check itself
// finds nothing.
var staleRule = lint.NewRepoRule(lint.Meta{
	ID:       StaleRule,
	Severity: lint.SeverityWarning,
	Summary:  "baseline entries that no longer match a finding: write the baseline again so it only shrinks",
	Doc: `A baseline lets a repository adopt ` + "`platform lint`" + ` where it stands:

` + "```sh\n" + `platform lint --write-baseline lint-baseline.json   # record today's findings, commit the file
platform lint --baseline lint-baseline.json         # later: report only findings not recorded
` + "```" + `

or, instead of ` + "`--baseline`" + `, ` + "`lint.baseline: lint-baseline.json`" + ` in platform.yaml. Recorded
findings are left out of the report and counted as baselined (in the summary line, the
JSON summary, as suppressed SARIF results and as skipped JUnit test cases).

Each entry is a fingerprint of the rule, the path, the Kubernetes object the finding is in
(API group, kind, namespace and name of its YAML document) and the text of the offending
line, so it survives lines moving and documents being reordered. When a recorded problem is
fixed, its entry matches no finding any more: this rule reports it, at the baseline file,
naming the entry. Write the baseline again with ` + "`--write-baseline`" + ` to drop it, so that the
baseline only shrinks and a fixed problem cannot come back unnoticed.

An entry is judged only when its rule ran on the whole repository: entries of rules left
out by ` + "`--rules`" + `, or of a lint of some paths only, are never stale. The rule runs whenever
a baseline is used, even when ` + "`--rules`" + ` names other rules; ` + "`lint.rules`" + ` in platform.yaml
changes its severity (` + "`error`" + ` makes a stale entry fail the lint) or turns it off.

There is no example tree: a stale entry needs a baseline file and a later lint. See
[Adopting lint on an existing repository](../../lint.md#adopting-lint-on-an-existing-repository).`,
}, func(*lint.Repo, *lint.Reporter) {})

// Rules returns the rules of baselines: lint/baseline-stale.
func Rules() []lint.Rule { return []lint.Rule{staleRule} }
