package policy

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/metrics"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/topdown"
	"go.yaml.in/yaml/v3"

	"github.com/platform-team/platform/internal/lint"
)

// input is one evaluation: a document of a file, with where it starts.
type input struct {
	value        ast.Value
	node         *yaml.Node // nil for a file-level input (a Dockerfile)
	line, column int
}

// result is one message of a rule on one input.
type result struct {
	line, column int
	msg          string
}

// outcome is what every rule gave on one input.
type outcome struct {
	line, column int
	// results by rule index; excepted rules are in excepted instead.
	results  map[int][]result
	excepted map[int]bool
	// errors are the rules (or exceptions) that failed, as messages.
	errors []string
}

// fileOutcomes evaluates every input of f once, whichever rule asks first.
func (s *Set) fileOutcomes(f *lint.File) []outcome {
	v, _ := f.Cached(s.key, func() any {
		var out []outcome
		inputs, problem := s.inputs(f)
		if problem != "" {
			out = append(out, outcome{line: 1, errors: []string{problem}})
		}
		for _, in := range inputs {
			out = append(out, s.evaluate(f, in))
		}
		return out
	}).([]outcome)
	return v
}

// inputs are the documents of f as conftest splits them: each document of a
// multi-document file; the items of a file whose one document is a list.
func (s *Set) inputs(f *lint.File) ([]input, string) {
	if isDockerfile(f) && !isData(f) {
		v, err := dockerfileValue(f.Data)
		if err != nil {
			return nil, err.Error()
		}
		return []input{{value: v, line: 1}}, ""
	}
	docs, _ := f.YAML() // a syntax error is the YAML families' finding
	if len(docs) == 1 && docs[0].Kind == yaml.SequenceNode {
		docs = docs[0].Content
	}
	var out []input
	conv := newConverter()
	conv.strings = s.strings
	for _, d := range docs {
		v, err := conv.value(d, 0)
		if err != nil {
			return out, fmt.Sprintf("document at line %d: %v", d.Line, err)
		}
		out = append(out, input{value: v, node: d, line: d.Line, column: d.Column})
	}
	return out, ""
}

// evaluate runs the one query on one input, within the time budget; when it
// fails, each rule runs on its own so that only the failing ones are lost.
func (s *Set) evaluate(f *lint.File, in input) outcome {
	// One timer cancels the evaluation when the budget runs out: cheaper
	// than a context with a deadline, for which OPA starts a goroutine.
	cancel := topdown.NewCancel()
	timer := time.AfterFunc(s.timeout, cancel.Cancel)
	defer timer.Stop()
	ctx := context.Background()
	opts := []rego.EvalOption{rego.EvalParsedInput(in.value), rego.EvalMetrics(metrics.NoOp()), rego.EvalExternalCancel(cancel)}
	o := outcome{line: in.line, column: in.column}
	timedOut := func(err error) bool {
		var te *topdown.Error
		return errors.As(err, &te) && te.Code == topdown.CancelErr
	}
	query := s.query
	if s.kinds != nil {
		query = s.kinds.queryFor(in.value)
	}
	var bindings rego.Vars
	if query == nil {
		bindings = rego.Vars{} // no rule can apply to the document's kind
	} else {
		rs, err := query.Eval(ctx, opts...)
		if err != nil && timedOut(err) {
			o.errors = append(o.errors, fmt.Sprintf("evaluation of the policies took longer than %s (PLATFORM_POLICY_TIMEOUT)", s.timeout))
			return o
		}
		if err == nil && len(rs) == 1 {
			bindings = rs[0].Bindings
		}
	}
	value := func(v string) (any, error) {
		if bindings != nil {
			return bindings[v], nil
		}
		rs, err := s.single[v].Eval(ctx, opts...)
		if err != nil {
			if timedOut(err) {
				return nil, fmt.Errorf("took longer than %s (PLATFORM_POLICY_TIMEOUT)", s.timeout)
			}
			return nil, err
		}
		if len(rs) != 1 {
			return nil, nil
		}
		return rs[0].Bindings[v], nil
	}
	exceptions := make([]map[string]bool, len(s.namespaces))
	for i, ns := range s.namespaces {
		if !s.excepting[ns] {
			continue
		}
		v, err := value(fmt.Sprintf("e%d", i))
		if err != nil {
			o.errors = append(o.errors, fmt.Sprintf("data.%s.exception: %s", ns, errorText(err)))
			continue
		}
		exceptions[i] = exceptionNames(v)
	}
	for _, r := range s.rules {
		if exceptions[r.nsIndex][r.exception] {
			if o.excepted == nil {
				o.excepted = map[int]bool{}
			}
			o.excepted[r.index] = true
			continue
		}
		v, err := value(fmt.Sprintf("r%d", r.index))
		if err != nil {
			o.errors = append(o.errors, fmt.Sprintf("data.%s.%s: %s", r.namespace, r.name, errorText(err)))
			continue
		}
		results, problem := ruleResults(v, in)
		if problem != "" {
			o.errors = append(o.errors, fmt.Sprintf("data.%s.%s: %s", r.namespace, r.name, problem))
		}
		if len(results) > 0 {
			if o.results == nil {
				o.results = map[int][]result{}
			}
			o.results[r.index] = results
		}
	}
	return o
}

// errorText is an evaluation error in one line.
func errorText(err error) string {
	var ae ast.Errors
	if errors.As(err, &ae) && len(ae) > 0 {
		return strings.Join(strings.Fields(ae[0].Error()), " ")
	}
	return strings.Join(strings.Fields(err.Error()), " ")
}

// exceptionNames reads data.<ns>.exception as conftest's
// exception[_][_] == name does: every string two levels down.
func exceptionNames(v any) map[string]bool {
	outer, _ := v.([]any) // the comprehension: [] when undefined, [value] when defined
	if len(outer) == 0 {
		return nil
	}
	out := map[string]bool{}
	for _, defined := range outer {
		coll, _ := defined.([]any)
		for _, rules := range coll {
			inner, _ := rules.([]any)
			for _, name := range inner {
				if s, ok := name.(string); ok {
					out[s] = true
				}
			}
		}
	}
	return out
}

// ruleResults reads a rule's value as conftest does: a set (or array) of
// messages, each a string or an object with a msg string and details. Any
// other value (true, an object) is a pass.
func ruleResults(v any, in input) ([]result, string) {
	outer, _ := v.([]any)
	if len(outer) == 0 {
		return nil, ""
	}
	values, _ := outer[0].([]any)
	var out []result
	problem := ""
	for _, val := range values {
		switch val := val.(type) {
		case string:
			out = append(out, result{line: in.line, column: in.column, msg: val})
		case map[string]any:
			msg, ok := val["msg"].(string)
			if !ok {
				problem = fmt.Sprintf("a result has no msg string: %s", compact(val))
				continue
			}
			line, col := fieldLine(in.node, val)
			if line == 0 {
				line, col = in.line, in.column
			}
			out = append(out, result{line: line, column: col, msg: msg})
		}
	}
	return out, problem
}

func compact(v any) string {
	s := fmt.Sprint(v)
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}

// fieldLine finds the line of the field a result points at with a "path"
// (an array of keys and indexes, or a dotted string) in the result or in its
// details, e.g. {"msg": m, "details": {"path": ["spec", "replicas"]}}.
func fieldLine(doc *yaml.Node, val map[string]any) (int, int) {
	if doc == nil {
		return 0, 0
	}
	p, ok := val["path"]
	if !ok {
		if details, isMap := val["details"].(map[string]any); isMap {
			p, ok = details["path"]
		}
	}
	if !ok {
		return 0, 0
	}
	var keys []string
	switch p := p.(type) {
	case string:
		keys = strings.Split(strings.TrimPrefix(p, "."), ".")
	case []any:
		for _, k := range p {
			keys = append(keys, fmt.Sprint(k))
		}
	default:
		return 0, 0
	}
	n := lint.Deref(doc)
	var at *yaml.Node
	for _, k := range keys {
		switch {
		case n == nil:
			return 0, 0
		case n.Kind == yaml.MappingNode:
			at = lint.KeyNode(n, k)
			n = lint.Lookup(n, k)
		case n.Kind == yaml.SequenceNode:
			i, err := strconv.Atoi(k)
			if err != nil || i < 0 || i >= len(n.Content) {
				return 0, 0
			}
			n = lint.Deref(n.Content[i])
			at = n
		default:
			return 0, 0
		}
	}
	if at == nil {
		return 0, 0
	}
	return at.Line, at.Column
}

// checkRule reports one policy rule's results on a file.
func (s *Set) checkRule(r *policyRule) func(*lint.Repo, *lint.File, *lint.Reporter) {
	return func(_ *lint.Repo, f *lint.File, rep *lint.Reporter) {
		for _, o := range s.fileOutcomes(f) {
			if o.excepted[r.index] {
				rep.Waive(f.Path, o.line)
				continue
			}
			for _, res := range o.results[r.index] {
				rep.Report(f.Path, res.line, res.column, res.msg, "")
			}
		}
	}
}

// checkErrors reports the policies that failed on a file.
func (s *Set) checkErrors(_ *lint.Repo, f *lint.File, rep *lint.Reporter) {
	for _, o := range s.fileOutcomes(f) {
		for _, e := range o.errors {
			rep.Report(f.Path, o.line, o.column, "policy failed on this document: "+e, "fix the policy; the other rules and documents were still checked")
		}
	}
}
