// Package policy is the policy/* rule family of platform lint: the
// organisation's own Rego policies, run with conftest's semantics inside the
// lint walk. Policies are parsed and compiled once per run (Compile); each
// YAML or JSON document the lint engine has already parsed is then one
// evaluation input, as conftest evaluates each document of a file.
//
// In the policy namespaces (main by default), the rules deny, violation and
// warn, and their _suffix variants (deny_run_as_root), are lint rules with
// the ID policy/<namespace>/<rule>: deny and violation are errors, warn
// warnings. An exception rule silences a rule on an input as conftest does:
// exception contains ["run_as_root"] excepts deny_run_as_root, warn_run_as_root
// and violation_run_as_root, and "" the unsuffixed deny, violation and warn;
// an excepted rule is counted as waived. A policy that fails at evaluation
// time is a policy/error finding, never a crash.
package policy

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/storage/inmem"

	"github.com/platform-team/platform/internal/glob"
	"github.com/platform-team/platform/internal/lint"
)

// DefaultTimeout bounds the evaluation of every policy on one document.
const DefaultTimeout = 5 * time.Second

// DefaultNamespace is the package conftest reads rules from.
const DefaultNamespace = "main"

// ErrorRuleID is the rule of a policy that fails at evaluation time.
const ErrorRuleID = "policy/error"

// Module is one Rego source file.
type Module struct {
	// Name is how messages name the file: a path as the user gave it, or a
	// git reference and the path inside the repository.
	Name string
	Src  []byte
}

// Config is what Compile needs.
type Config struct {
	Modules []Module
	// Data is merged under data, as conftest --data does (see ReadData).
	Data map[string]any
	// Namespaces are the packages whose rules run; none means main.
	Namespaces []string
	// AllNamespaces runs the rules of every package.
	AllNamespaces bool
	// RegoV0 parses the modules with the pre-1.0 syntax.
	RegoV0 bool
	// Files are globs of the paths the policies see ("**" spans directories);
	// none means every YAML and JSON file.
	Files []string
	// Timeout bounds the evaluation of one document; 0 means DefaultTimeout.
	Timeout time.Duration
}

// LoadError is a policy set that cannot be used: a Rego file that does not
// parse or compile, a data document that does not load, a namespace without
// any policy. Each problem is one "file:line: message" line.
type LoadError struct {
	Problems []string
}

func (e *LoadError) Error() string { return strings.Join(e.Problems, "\n") }

func loadErrorf(format string, args ...any) *LoadError {
	return &LoadError{Problems: []string{fmt.Sprintf(format, args...)}}
}

var (
	failureName = regexp.MustCompile(`^(deny|violation)(_[a-zA-Z0-9]+)*$`)
	warningName = regexp.MustCompile(`^warn(_[a-zA-Z0-9]+)*$`)
	rulePrefix  = regexp.MustCompile(`^(deny|violation|warn)_`)
)

// exceptionName is the name an exception gives to except rule: its suffix,
// or "" for the unsuffixed deny, violation and warn.
func exceptionName(rule string) string {
	if rule == "deny" || rule == "violation" || rule == "warn" {
		return ""
	}
	return rulePrefix.ReplaceAllString(rule, "")
}

// Set is a compiled policy set: its lint rules, ready to evaluate documents.
type Set struct {
	compiler *ast.Compiler
	store    storage.Store
	files    []string
	timeout  time.Duration
	// rules are the checked rules in query order; namespaces their packages.
	rules      []*policyRule
	namespaces []string
	// modules are the parsed policies and version their syntax, to compile
	// them again with the support rules of the optimised query.
	modules map[string]*ast.Module
	version ast.RegoVersion
	// query is nil when there is nothing to evaluate; it is the optimised
	// query (optimise) when partial evaluation could express the policies.
	query *rego.PreparedEvalQuery
	// written is the query as written, before optimise.
	written *rego.PreparedEvalQuery
	// optimised tells whether query is the partially evaluated one; kinds
	// is that query cut by document kind, when rules test input.kind.
	optimised bool
	kinds     *kindQueries
	// single evaluates one rule (or one namespace's exceptions) on its own,
	// to tell which one failed when the whole query errs.
	single map[string]rego.PreparedEvalQuery
	key    string
	// excepting are the namespaces that have an exception rule;
	// exceptionSet those whose exception is a partial set rule only.
	excepting, exceptionSet map[string]bool
	// strings are the terms the converter shares (policyStrings).
	strings map[string]*ast.Term
}

// policyRule is one deny, violation or warn rule of a namespace.
type policyRule struct {
	namespace, name string
	// exception is the name an exception gives to except the rule; nsIndex
	// the position of its namespace.
	exception string
	nsIndex   int
	meta      lint.Meta
	// index is the position of the rule's result in the query.
	index int
	// set is a partial set rule (deny contains msg): always defined, so the
	// query reads it directly rather than through a comprehension.
	set bool
}

// Compile parses and compiles the modules and prepares one query that
// evaluates every rule of every selected namespace at once.
func Compile(ctx context.Context, cfg Config) (*Set, error) {
	version := ast.RegoV1
	if cfg.RegoV0 {
		version = ast.RegoV0
	}
	modules := map[string]*ast.Module{}
	var problems []string
	for _, m := range cfg.Modules {
		mod, err := ast.ParseModuleWithOpts(m.Name, string(m.Src), ast.ParserOptions{RegoVersion: version, ProcessAnnotation: true})
		if err != nil {
			problems = append(problems, astProblems(m.Name, err)...)
			continue
		}
		if mod == nil {
			problems = append(problems, m.Name+":1: empty module: a policy needs a package declaration")
			continue
		}
		modules[m.Name] = mod
	}
	if len(problems) > 0 {
		return nil, &LoadError{Problems: problems}
	}
	if len(modules) == 0 {
		return nil, loadErrorf("no Rego policy found (*.rego files, tests aside)")
	}
	compiler := ast.NewCompiler().WithDefaultRegoVersion(version)
	if compiler.Compile(modules); compiler.Failed() {
		return nil, &LoadError{Problems: astProblems("", compiler.Errors)}
	}

	data := cfg.Data
	if data == nil {
		data = map[string]any{}
	}
	s := &Set{compiler: compiler, store: inmem.NewFromObject(data), files: cfg.Files, timeout: cmp.Or(cfg.Timeout, DefaultTimeout),
		modules: modules, version: version}
	s.key = fmt.Sprintf("policy/results/%p", s)
	s.strings = policyStrings(modules)
	names := slices.Sorted(maps.Keys(modules))
	found := map[string][]*ast.Module{}
	for _, name := range names {
		mod := modules[name]
		ns := strings.TrimPrefix(mod.Package.Path.String(), "data.")
		found[ns] = append(found[ns], mod)
	}
	s.namespaces = cfg.Namespaces
	switch {
	case cfg.AllNamespaces:
		s.namespaces = slices.Sorted(maps.Keys(found))
	case len(s.namespaces) == 0:
		s.namespaces = []string{DefaultNamespace}
	}
	s.namespaces = slices.Compact(slices.Sorted(slices.Values(s.namespaces)))
	for _, ns := range s.namespaces {
		if len(found[ns]) == 0 {
			return nil, loadErrorf("namespace %s: no policy declares package %s (packages: %s): name one with --namespace or lint.policyNamespaces, or use --all-namespaces",
				ns, ns, strings.Join(slices.Sorted(maps.Keys(found)), ", "))
		}
	}
	annotations := compiler.GetAnnotationSet()
	s.excepting, s.exceptionSet = map[string]bool{}, map[string]bool{}
	for _, ns := range s.namespaces {
		seen := map[string]*policyRule{}
		for _, mod := range found[ns] {
			metadata := regoMetadata(mod)
			for _, r := range mod.Rules {
				name := r.Head.Name.String()
				if v, ok := r.Head.Reference[0].Value.(ast.Var); ok && name == "" {
					name = v.String()
				}
				if name == "exception" {
					isSet := r.Head.RuleKind() == ast.MultiValue && len(r.Head.Reference) == 1
					s.exceptionSet[ns] = isSet && (!s.excepting[ns] || s.exceptionSet[ns])
					s.excepting[ns] = true
				}
				if !failureName.MatchString(name) && !warningName.MatchString(name) {
					continue
				}
				if pr := seen[name]; pr != nil {
					pr.set = pr.set && r.Head.RuleKind() == ast.MultiValue && len(r.Head.Reference) == 1
					continue
				}
				pr := &policyRule{namespace: ns, name: name, index: len(s.rules), exception: exceptionName(name), nsIndex: slices.Index(s.namespaces, ns),
					set: r.Head.RuleKind() == ast.MultiValue && len(r.Head.Reference) == 1}
				pr.meta = ruleMeta(ns, name, r, annotations, metadata)
				seen[name] = pr
				s.rules = append(s.rules, pr)
			}
		}
	}
	if err := s.prepare(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// astProblems turns OPA's errors into "file:line: message" lines.
func astProblems(file string, err error) []string {
	errs, ok := err.(ast.Errors)
	if !ok {
		return []string{fmt.Sprintf("%s:1: %v", file, err)}
	}
	var out []string
	for _, e := range errs {
		f, line := file, 1
		if e.Location != nil {
			f, line = cmp.Or(e.Location.File, file), max(e.Location.Row, 1)
		}
		out = append(out, fmt.Sprintf("%s:%d: %s", f, line, e.Message))
	}
	return out
}

// ref is the Rego reference of a rule or namespace, in bracket form so any
// package name works.
func ref(ns string, rest ...string) string {
	var b strings.Builder
	b.WriteString("data")
	for _, seg := range append(strings.Split(ns, "."), rest...) {
		fmt.Fprintf(&b, "[%q]", seg)
	}
	return b.String()
}

// prepare builds the one query that collects every rule's value and every
// namespace's exceptions: a comprehension per rule, so an undefined rule is
// an empty array rather than an undefined query.
func (s *Set) prepare(ctx context.Context) error {
	var exprs, unified []string
	s.single = map[string]rego.PreparedEvalQuery{}
	add := func(v, src string, direct, directOptimised bool) error {
		expr := fmt.Sprintf("%s := [x | x := %s]", v, src)
		if direct {
			expr = fmt.Sprintf("%s := [%s]", v, src)
		}
		exprs = append(exprs, expr)
		// Partial evaluation keeps the names of unified variables (it renames
		// := locals), so the optimised query binds the same r0, e0. It reads
		// a partial set exception directly, as the rules: the value is the
		// same ([] or [set] read by exceptionNames), without a comprehension.
		if directOptimised {
			unified = append(unified, fmt.Sprintf("%s = [%s]", v, src))
		} else {
			unified = append(unified, strings.Replace(expr, ":=", "=", 1))
		}
		q, err := s.prepareQuery(ctx, expr)
		if err != nil {
			return err
		}
		s.single[v] = q
		return nil
	}
	for _, r := range s.rules {
		if err := add(fmt.Sprintf("r%d", r.index), ref(r.namespace, r.name), r.set, r.set); err != nil {
			return err
		}
	}
	for i, ns := range s.namespaces {
		if !s.excepting[ns] {
			continue // nothing to ask: most packages have no exception rule
		}
		if err := add(fmt.Sprintf("e%d", i), ref(ns, "exception"), false, s.exceptionSet[ns]); err != nil {
			return err
		}
	}
	if len(exprs) == 0 {
		return nil // nothing to evaluate: the namespaces declare no rule
	}
	q, err := s.prepareQuery(ctx, strings.Join(exprs, "; "))
	if err != nil {
		return err
	}
	s.query, s.written = &q, &q
	if opt, ok := s.optimise(ctx, strings.Join(unified, "; ")); ok {
		s.query, s.optimised = &opt, true
	}
	return nil
}

// kindQueries are the optimised query cut by document kind: the rules whose
// every definition tests input.kind == K are evaluated only on documents of
// such a kind, as OPA's rule index would select them, without the cost of
// asking each one.
type kindQueries struct {
	// byKind is the query of a document of a kind some rule names; other
	// the query of any other document (no kind, another kind, not a string).
	// A nil query has nothing to evaluate.
	byKind map[string]*rego.PreparedEvalQuery
	other  *rego.PreparedEvalQuery
}

// maxKinds bounds the queries kindQueries prepares.
const maxKinds = 32

// queryFor returns the query to evaluate on a document.
func (k *kindQueries) queryFor(v ast.Value) *rego.PreparedEvalQuery {
	if obj, ok := v.(ast.Object); ok {
		if t := obj.Get(ast.StringTerm("kind")); t != nil {
			if kind, isString := t.Value.(ast.String); isString {
				if q, found := k.byKind[string(kind)]; found {
					return q
				}
			}
		}
	}
	return k.other
}

// cutByKind prepares the kindQueries of a residual query, or nil when no
// rule is restricted to kinds.
func (s *Set) cutByKind(ctx context.Context, body ast.Body, support []*ast.Module, compiler *ast.Compiler) *kindQueries {
	// kinds of each support rule: nil when one of its definitions does not
	// test input.kind against a string.
	restricted := map[string][]string{}
	open := map[string]bool{}
	for _, m := range support {
		for _, r := range m.Rules {
			path := r.Path().String()
			kind, ok := testedKind(r)
			if !ok {
				open[path] = true
				continue
			}
			restricted[path] = append(restricted[path], kind)
		}
	}
	// kinds of each query expression; nil for one that always runs.
	exprKinds := make([][]string, len(body))
	all := map[string]bool{}
	for i, e := range body {
		var kinds []string
		refs := 0
		unrestricted := false
		ast.WalkRefs(e, func(r ast.Ref) bool {
			if !r.HasPrefix(ast.DefaultRootRef) && !r.HasPrefix(ast.InputRootRef) {
				return false // an operator, a builtin
			}
			refs++
			p := r.String()
			if open[p] || restricted[p] == nil {
				unrestricted = true
				return true
			}
			kinds = append(kinds, restricted[p]...)
			return false
		})
		if unrestricted || refs != 1 {
			continue
		}
		exprKinds[i] = kinds
		for _, k := range kinds {
			all[k] = true
		}
	}
	if len(all) == 0 || len(all) > maxKinds {
		return nil
	}
	prepare := func(kind string) (*rego.PreparedEvalQuery, bool) {
		var cut ast.Body
		for i, e := range body {
			if exprKinds[i] == nil || kind != "" && slices.Contains(exprKinds[i], kind) {
				cut = append(cut, e.Copy())
			}
		}
		if len(cut) == 0 {
			return nil, true
		}
		q, err := rego.New(rego.ParsedQuery(cut), rego.Compiler(compiler), rego.Store(s.store)).PrepareForEval(ctx)
		return &q, err == nil
	}
	k := &kindQueries{byKind: map[string]*rego.PreparedEvalQuery{}}
	var ok bool
	if k.other, ok = prepare(""); !ok {
		return nil
	}
	for kind := range all {
		if k.byKind[kind], ok = prepare(kind); !ok {
			return nil
		}
	}
	return k
}

// testedKind returns K when the body of r (a partial set rule, no else)
// tests input.kind = "K" as one of its own expressions.
func testedKind(r *ast.Rule) (string, bool) {
	if r.Head.RuleKind() != ast.MultiValue || r.Else != nil || r.Default {
		return "", false
	}
	for _, e := range r.Body {
		if e.Negated || len(e.With) > 0 || !e.IsEquality() {
			continue
		}
		a, b := e.Operand(0), e.Operand(1)
		if _, isRef := b.Value.(ast.Ref); isRef {
			a, b = b, a
		}
		ref, isRef := a.Value.(ast.Ref)
		kind, isString := b.Value.(ast.String)
		if isRef && isString && ref.Equal(kindRef) {
			return string(kind), true
		}
	}
	return "", false
}

var kindRef = ast.MustParseRef("input.kind")

// partialNamespace is the package of the support rules partial evaluation
// writes; optimise gives up if a policy uses it.
const partialNamespace = "platform_optimised"

// optimise partially evaluates the combined query with input unknown, as
// 'opa build --optimize' does: helper rules, their data and constants are
// inlined into one support rule per policy rule, and a membership test of a
// constant set (input.kind in workloads) becomes one rule per element, so
// OPA's rule index skips the rules a document's kind rules out. ok is false
// when the policies use what partial evaluation must not fold (with,
// non-deterministic builtins, print) or when it fails: the query then stays
// as written, never a wrong result.
func (s *Set) optimise(ctx context.Context, query string) (rego.PreparedEvalQuery, bool) {
	var none rego.PreparedEvalQuery
	if !optimisable(s.compiler) {
		return none, false
	}
	// Rules of input-free values are evaluated here, once: within the budget
	// of one document, else the query stays as written.
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	pq, err := rego.New(rego.Query(query), rego.Compiler(s.compiler), rego.Store(s.store),
		rego.Unknowns([]string{"input"}), rego.PartialNamespace(partialNamespace),
		rego.DisableInlining(conflicting(s.compiler))).Partial(ctx)
	if err != nil || len(pq.Queries) != 1 {
		return none, false
	}
	modules := maps.Clone(s.modules)
	for i, m := range pq.Support {
		modules[fmt.Sprintf("%s/support%d.rego", partialNamespace, i)] = splitMembership(m)
	}
	compiler := ast.NewCompiler().WithDefaultRegoVersion(s.version)
	if compiler.Compile(modules); compiler.Failed() {
		return none, false
	}
	q, err := rego.New(rego.ParsedQuery(pq.Queries[0]), rego.Compiler(compiler), rego.Store(s.store)).PrepareForEval(ctx)
	if err != nil {
		return none, false
	}
	s.kinds = s.cutByKind(ctx, pq.Queries[0], pq.Support, compiler)
	return q, true
}

// optimisable reports whether partial evaluation may fold the policies:
// none uses with, print or a non-deterministic builtin (time.now_ns,
// http.send, rand.intn), and no package is the namespace of the support rules.
func optimisable(c *ast.Compiler) bool {
	ok := true
	for _, m := range c.Modules {
		if p := m.Package.Path; len(p) > 1 && p[1].Value.Compare(ast.String(partialNamespace)) == 0 {
			return false
		}
		ast.WalkExprs(m, func(e *ast.Expr) bool {
			if len(e.With) > 0 {
				ok = false
			}
			if e.IsCall() {
				name := e.Operator().String()
				if b, known := ast.BuiltinMap[name]; known && (b.Nondeterministic || name == ast.Print.Name || name == ast.InternalPrint.Name) {
					ok = false
				}
			}
			return !ok
		})
		ast.WalkTerms(m, func(t *ast.Term) bool {
			if call, isCall := t.Value.(ast.Call); isCall && len(call) > 0 {
				name := call[0].String()
				if b, known := ast.BuiltinMap[name]; known && (b.Nondeterministic || name == ast.Print.Name) {
					ok = false
				}
			}
			return !ok
		})
		if !ok {
			return false
		}
	}
	return true
}

// conflicting are the rules partial evaluation must not inline, lest it
// turn their conflict errors into several values: every complete rule,
// object rule or function but those whose definitions all have one constant
// value (is_workload if ..., a true or a fixed string).
func conflicting(c *ast.Compiler) []string {
	var paths []string
	var walk func(n *ast.TreeNode)
	walk = func(n *ast.TreeNode) {
		var value *ast.Term
		risky := false
		for _, r := range n.Values {
			if r.Head.RuleKind() == ast.MultiValue {
				continue
			}
			for ; r != nil; r = r.Else {
				switch {
				case r.Head.Value == nil || !r.Head.Value.IsGround() || !r.Head.Ref().IsGround():
					risky = true
				case value == nil:
					value = r.Head.Value
				case !value.Equal(r.Head.Value):
					risky = true
				}
			}
		}
		if risky {
			paths = append(paths, n.Values[0].Path().String())
		}
		for _, k := range n.Sorted {
			walk(n.Children[k])
		}
	}
	walk(c.RuleTree)
	return slices.Compact(slices.Sorted(slices.Values(paths)))
}

// maxSplit bounds the rules one membership test becomes.
const maxSplit = 16

// splitMembership rewrites each partial set rule (deny contains msg if ...)
// of a support module whose body tests a ground reference against a small
// constant collection, internal.member_2(input.kind, {"Deployment", "Job"}),
// into one rule per element with input.kind = "Deployment": the same set (a
// partial set is the union of its definitions), but an equality OPA's rule
// index can use.
func splitMembership(m *ast.Module) *ast.Module {
	var rules []*ast.Rule
	for _, r := range m.Rules {
		rules = append(rules, splitRule(r)...)
	}
	m.Rules = rules
	return m
}

func splitRule(r *ast.Rule) []*ast.Rule {
	if r.Head.RuleKind() != ast.MultiValue || r.Else != nil || r.Default {
		return []*ast.Rule{r}
	}
	for i, e := range r.Body {
		elems := membership(e)
		if elems == nil {
			continue
		}
		out := make([]*ast.Rule, 0, len(elems))
		for _, el := range elems {
			c := r.Copy()
			c.Body[i] = ast.Equality.Expr(e.Operand(0).Copy(), el.Copy())
			c.Body[i].Location, c.Body[i].Index = e.Location, e.Index
			out = append(out, c)
		}
		return out
	}
	return []*ast.Rule{r}
}

// membership returns the elements of e when it is a plain (not negated, no
// with) internal.member_2(ref, collection) of a ground reference to input
// and a set or array of at most maxSplit strings.
func membership(e *ast.Expr) []*ast.Term {
	if e.Negated || len(e.With) > 0 || !e.IsCall() || e.Operator().String() != ast.Member.Name || len(e.Operands()) != 2 {
		return nil
	}
	ref, ok := e.Operand(0).Value.(ast.Ref)
	if !ok || !ref.IsGround() || !ref.HasPrefix(ast.InputRootRef) {
		return nil
	}
	var elems []*ast.Term
	switch coll := e.Operand(1).Value.(type) {
	case ast.Set:
		elems = coll.Slice()
	case *ast.Array:
		coll.Foreach(func(t *ast.Term) { elems = append(elems, t) })
	default:
		return nil
	}
	if len(elems) == 0 || len(elems) > maxSplit {
		return nil
	}
	for _, el := range elems {
		if _, isString := el.Value.(ast.String); !isString {
			return nil // numbers compare as equal where they do not unify (1, 1.0)
		}
	}
	return elems
}

func (s *Set) prepareQuery(ctx context.Context, query string) (rego.PreparedEvalQuery, error) {
	q, err := rego.New(rego.Query(query), rego.Compiler(s.compiler), rego.Store(s.store)).PrepareForEval(ctx)
	if err != nil {
		return q, &LoadError{Problems: astProblems("", err)}
	}
	return q, nil
}

// regoMetadata reads a package's __rego_metadata__ object when it is a constant.
func regoMetadata(mod *ast.Module) map[string]string {
	for _, r := range mod.Rules {
		if r.Head.Name.String() != "__rego_metadata__" || r.Head.Value == nil {
			continue
		}
		obj, ok := r.Head.Value.Value.(ast.Object)
		if !ok {
			continue
		}
		out := map[string]string{}
		obj.Foreach(func(k, v *ast.Term) {
			ks, kok := k.Value.(ast.String)
			vs, vok := v.Value.(ast.String)
			if kok && vok {
				out[string(ks)] = string(vs)
			}
		})
		return out
	}
	return nil
}

// ruleMeta describes a policy rule for 'platform lint rules' and the reports:
// its METADATA title and description, else the package's __rego_metadata__.
func ruleMeta(ns, name string, r *ast.Rule, as *ast.AnnotationSet, metadata map[string]string) lint.Meta {
	sev := lint.SeverityError
	if warningName.MatchString(name) {
		sev = lint.SeverityWarning
	}
	file, line := "", 0
	if r.Location != nil {
		file, line = r.Location.File, r.Location.Row
	}
	title, desc := metadata["title"], metadata["description"]
	if as != nil {
		for _, a := range as.Chain(r) {
			if a.Annotations != nil && a.Annotations.Title != "" {
				title, desc = a.Annotations.Title, a.Annotations.Description
				break
			}
		}
	}
	summary := cmp.Or(title, fmt.Sprintf("Rego rule %s of package %s (%s)", name, ns, path.Base(file)))
	doc := cmp.Or(desc, summary) + fmt.Sprintf("\n\nDefined in `%s:%d` (data.%s.%s).", file, line, ns, name)
	return lint.Meta{ID: "policy/" + ns + "/" + name, Severity: sev, Summary: summary, Doc: doc, External: true}
}

// Rules returns the set's lint rules, sorted by ID, with policy/error.
func (s *Set) Rules() []lint.Rule {
	out := []lint.Rule{lint.NewFileRule(lint.Meta{
		ID:       ErrorRuleID,
		External: true,
		Severity: lint.SeverityError,
		Summary:  "a Rego policy fails while evaluating a document (a conflict, a builtin error, the time budget)",
		Doc: `A policy that fails at evaluation time (two values for a complete rule, a builtin
error, more than the time budget of PLATFORM_POLICY_TIMEOUT per document) is reported on
the document it was evaluating, naming the rule and its file, instead of stopping the lint.
Fix the policy, or run it on the document with 'opa eval' to see why.`,
	}, s.applies, s.checkErrors)}
	for _, r := range s.rules {
		out = append(out, lint.NewFileRule(r.meta, s.applies, s.checkRule(r)))
	}
	return lint.Sorted(out...)
}

// applies reports whether the policies see f: a YAML or JSON file by
// default, any file the configured globs select (a Dockerfile too).
func (s *Set) applies(f *lint.File) bool {
	if s.query == nil {
		return false
	}
	if len(s.files) == 0 {
		return isData(f)
	}
	if !isData(f) && !isDockerfile(f) {
		return false
	}
	return slices.ContainsFunc(s.files, func(g string) bool { return glob.Match(g, f.Path) })
}

func isData(f *lint.File) bool { return f.IsYAML() || f.Ext() == ".json" }

func isDockerfile(f *lint.File) bool {
	n := strings.ToLower(f.Name())
	return n == "dockerfile" || strings.HasPrefix(n, "dockerfile.") || strings.HasSuffix(n, ".dockerfile") || n == "containerfile"
}
