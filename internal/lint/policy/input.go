package policy

import (
	"errors"
	"math"
	"strconv"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/platform-team/platform/internal/lint"
	"go.yaml.in/yaml/v3"
)

// maxValues bounds the values one document turns into: aliases are shared,
// not copied, but a document under lint is untrusted.
const maxValues = 1 << 20

// maxDepth bounds the nesting of one document.
const maxDepth = 512

var errTooLarge = errors.New("too large or too deeply nested for the policies")

// converter turns the lint engine's parsed YAML into Rego values, as JSON
// sees them (conftest's parsers go through JSON): keys are strings, merge
// keys are merged, anchors are shared.
type converter struct {
	count   int
	anchors map[*yaml.Node]ast.Value
	// strings are shared terms for the strings the policies name (keys
	// such as spec and kind, values such as Deployment): read-only, built
	// once per Set, so most keys of a document cost no allocation.
	strings map[string]*ast.Term
}

func newConverter() *converter { return &converter{} }

// stringTerm is the term of s, shared when the policies name s.
func (c *converter) stringTerm(s string) *ast.Term {
	if t, ok := c.strings[s]; ok {
		return t
	}
	return ast.StringTerm(s)
}

// policyStrings collects the string constants of the modules (the keys of
// input.spec.template and the values compared with), for converter.strings.
func policyStrings(modules map[string]*ast.Module) map[string]*ast.Term {
	out := map[string]*ast.Term{}
	for _, common := range []string{"apiVersion", "kind", "metadata", "name", "namespace", "labels", "annotations", "spec", "template", "containers", "image", "ports", "resources", "limits", "requests", "env", "value"} {
		out[common] = ast.StringTerm(common)
	}
	for _, m := range modules {
		ast.WalkTerms(m, func(t *ast.Term) bool {
			if s, ok := t.Value.(ast.String); ok && len(s) <= 64 {
				if _, seen := out[string(s)]; !seen {
					out[string(s)] = ast.StringTerm(string(s))
				}
			}
			return false
		})
	}
	return out
}

func (c *converter) value(n *yaml.Node, depth int) (ast.Value, error) {
	if n == nil {
		return ast.Null{}, nil
	}
	c.count++
	if c.count > maxValues || depth > maxDepth {
		return nil, errTooLarge
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return ast.Null{}, nil
		}
		return c.value(n.Content[0], depth)
	case yaml.AliasNode:
		return c.value(n.Alias, depth+1)
	}
	if v, ok := c.anchors[n]; ok {
		return v, nil
	}
	var v ast.Value
	var err error
	switch n.Kind {
	case yaml.MappingNode:
		v, err = c.mapping(n, depth)
	case yaml.SequenceNode:
		terms := make([]*ast.Term, 0, len(n.Content))
		for _, item := range n.Content {
			iv, err := c.value(item, depth+1)
			if err != nil {
				return nil, err
			}
			terms = append(terms, c.term(iv))
		}
		v = ast.NewArray(terms...)
	default:
		v = scalar(n)
	}
	if err != nil {
		return nil, err
	}
	if n.Anchor != "" {
		if c.anchors == nil {
			c.anchors = map[*yaml.Node]ast.Value{}
		}
		c.anchors[n] = v
	}
	return v, nil
}

// term wraps v, sharing the terms of the policies' strings.
func (c *converter) term(v ast.Value) *ast.Term {
	if s, ok := v.(ast.String); ok {
		if t, ok := c.strings[string(s)]; ok {
			return t
		}
	}
	return ast.NewTerm(v)
}

// mapping converts a mapping: its own keys first, then merged mappings'
// keys it does not have, earlier merges winning (YAML 1.1 merge keys).
func (c *converter) mapping(n *yaml.Node, depth int) (ast.Value, error) {
	items := make([][2]*ast.Term, 0, len(n.Content)/2)
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Tag == "!!merge" {
			merges = append(merges, val)
			continue
		}
		key := k.Value
		if k.Kind != yaml.ScalarNode {
			kv, err := c.value(k, depth+1)
			if err != nil {
				return nil, err
			}
			key = kv.String()
		}
		vv, err := c.value(val, depth+1)
		if err != nil {
			return nil, err
		}
		items = append(items, [2]*ast.Term{c.stringTerm(key), c.term(vv)})
	}
	// A key written twice keeps its last value, as JSON decoders do.
	obj := ast.NewObject(items...)
	for _, m := range merges {
		for _, s := range lint.MergeSources(m) {
			sv, err := c.value(s, depth+1)
			if err != nil {
				return nil, err
			}
			so, ok := sv.(ast.Object)
			if !ok {
				continue
			}
			so.Foreach(func(k, v *ast.Term) {
				if obj.Get(k) == nil {
					obj.Insert(k, v)
				}
			})
		}
	}
	return obj, nil
}

// scalar converts a scalar by its resolved tag; what JSON cannot hold
// (timestamps, infinities, binary) stays a string.
func scalar(n *yaml.Node) ast.Value {
	switch n.ShortTag() {
	case "!!null":
		return ast.Null{}
	case "!!bool":
		// yaml.v3 resolves only true and false (in any case) to !!bool.
		return ast.Boolean(strings.EqualFold(n.Value, "true"))
	case "!!int":
		v := strings.ReplaceAll(n.Value, "_", "")
		if i, err := strconv.ParseInt(v, 0, 64); err == nil {
			return ast.Number(strconv.FormatInt(i, 10))
		}
		if u, err := strconv.ParseUint(strings.TrimPrefix(v, "+"), 0, 64); err == nil {
			return ast.Number(strconv.FormatUint(u, 10))
		}
		if f, err := strconv.ParseFloat(v, 64); err == nil && !math.IsInf(f, 0) {
			return ast.Number(strconv.FormatFloat(f, 'g', -1, 64))
		}
	case "!!float":
		if f, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			return ast.Number(strconv.FormatFloat(f, 'g', -1, 64))
		}
	}
	return ast.String(n.Value)
}

// dockerfileValue is a Dockerfile as conftest's dockerfile parser shapes it:
// an array of instructions {Cmd, Flags, Value, Stage, SubCmd, JSON, Original},
// Cmd lower-cased, Stage counting the FROM lines seen before.
func dockerfileValue(data []byte) (ast.Value, error) {
	var out []*ast.Term
	stage := -1
	var logical strings.Builder
	flush := func() {
		line := strings.TrimSpace(logical.String())
		logical.Reset()
		if line == "" {
			return
		}
		cmd, rest, _ := strings.Cut(line, " ")
		cmd = strings.ToLower(cmd)
		rest = strings.TrimSpace(rest)
		if cmd == "from" {
			stage++
		}
		var flags []*ast.Term
		for strings.HasPrefix(rest, "--") {
			var flag string
			flag, rest, _ = strings.Cut(rest, " ")
			flags = append(flags, ast.StringTerm(flag))
			rest = strings.TrimSpace(rest)
		}
		subCmd := ""
		if cmd == "onbuild" {
			subCmd, rest, _ = strings.Cut(rest, " ")
			subCmd = strings.ToLower(subCmd)
			rest = strings.TrimSpace(rest)
		}
		var values []*ast.Term
		isJSON := false
		if strings.HasPrefix(rest, "[") {
			if arr, err := ast.ParseTerm(rest); err == nil {
				if a, ok := arr.Value.(*ast.Array); ok {
					isJSON = true
					a.Foreach(func(t *ast.Term) { values = append(values, t) })
				}
			}
		}
		if !isJSON {
			switch cmd {
			case "run", "cmd", "entrypoint", "shell", "healthcheck":
				values = []*ast.Term{ast.StringTerm(rest)}
			default:
				for _, f := range strings.Fields(rest) {
					values = append(values, ast.StringTerm(f))
				}
			}
		}
		obj := ast.NewObject(
			ast.Item(ast.StringTerm("Cmd"), ast.StringTerm(cmd)),
			ast.Item(ast.StringTerm("Flags"), ast.ArrayTerm(flags...)),
			ast.Item(ast.StringTerm("Value"), ast.ArrayTerm(values...)),
			ast.Item(ast.StringTerm("Stage"), ast.IntNumberTerm(max(stage, 0))),
			ast.Item(ast.StringTerm("SubCmd"), ast.StringTerm(subCmd)),
			ast.Item(ast.StringTerm("JSON"), ast.BooleanTerm(isJSON)),
			ast.Item(ast.StringTerm("Original"), ast.StringTerm(line)),
		)
		out = append(out, ast.NewTerm(obj))
	}
	for _, raw := range strings.Split(string(data), "\n") {
		line := strings.TrimRight(raw, "\r")
		trimmed := strings.TrimSpace(line)
		if logical.Len() == 0 && (trimmed == "" || strings.HasPrefix(trimmed, "#")) {
			continue
		}
		if strings.HasPrefix(trimmed, "#") {
			continue // a comment inside a continued instruction
		}
		if cont, ok := strings.CutSuffix(line, "\\"); ok {
			logical.WriteString(cont)
			logical.WriteString(" ")
			continue
		}
		logical.WriteString(line)
		flush()
	}
	flush()
	if len(out) > maxValues {
		return nil, errTooLarge
	}
	return ast.NewArray(out...), nil
}
