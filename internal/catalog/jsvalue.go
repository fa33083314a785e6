package catalog

import (
	"math"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/platform-team/platform/internal/lint"
)

// jsType is the JSON type a YAML node has once the catalog has read it: the
// catalog parses with the `yaml` npm package (YAML 1.2, core schema, merge
// keys off) and validates document.toJSON(). go.yaml.in/yaml/v3 resolves
// plain scalars with YAML 1.1 habits (timestamps, 0b/underscore integers),
// so scalars are re-resolved here with the core schema rules.
type jsType int

const (
	jsNull jsType = iota
	jsBool
	jsNumber
	jsString
	jsArray
	jsObject
	// jsDeferred is a $json or $yaml placeholder: its type is only known once
	// the catalog's PlaceholderProcessor has read the referenced file.
	jsDeferred
)

func (t jsType) String() string {
	return [...]string{"null", "boolean", "number", "string", "array", "object", "placeholder"}[t]
}

// deref follows aliases to the node they name, as toJSON does. Merge keys
// stay plain keys here, unlike in lint.Lookup: the catalog reads YAML 1.2.
var deref = lint.Deref

// Core schema (YAML 1.2) resolution of plain scalars, as the `yaml` npm
// package's default "core" schema does it.
var (
	coreInt   = regexp.MustCompile(`^[-+]?[0-9]+$`)
	coreOct   = regexp.MustCompile(`^0o[0-7]+$`)
	coreHex   = regexp.MustCompile(`^0x[0-9a-fA-F]+$`)
	coreFloat = regexp.MustCompile(`^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$`)
	coreInf   = regexp.MustCompile(`^[-+]?\.(?:inf|Inf|INF)$`)
	coreNaN   = regexp.MustCompile(`^\.(?:nan|NaN|NAN)$`)
)

// coreScalarType resolves a plain (untagged, unquoted) scalar.
func coreScalarType(v string) jsType {
	switch v {
	case "", "~", "null", "Null", "NULL":
		return jsNull
	case "true", "True", "TRUE", "false", "False", "FALSE":
		return jsBool
	}
	// Every number pattern starts with a sign, a dot or a digit: most keys
	// and values are words, and need no regular expression.
	if c := v[0]; c != '-' && c != '+' && c != '.' && (c < '0' || c > '9') {
		return jsString
	}
	if coreInt.MatchString(v) || coreOct.MatchString(v) || coreHex.MatchString(v) ||
		coreFloat.MatchString(v) || coreInf.MatchString(v) || coreNaN.MatchString(v) {
		return jsNumber
	}
	return jsString
}

// scalarType is the JSON type of a scalar node.
func scalarType(n *yaml.Node) jsType {
	if n.Style&yaml.TaggedStyle != 0 {
		switch n.Tag {
		case "!!null":
			return jsNull
		case "!!bool":
			return jsBool
		case "!!int", "!!float":
			return jsNumber
		default:
			// !!str, and tags the core schema does not know (!!timestamp,
			// !!binary, local tags), which the parser reads as strings.
			return jsString
		}
	}
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return jsString
	}
	return coreScalarType(n.Value)
}

// typeOf is the JSON type of a (dereferenced) node. opaque is true for a
// $text placeholder: a string whose content the catalog reads from a file.
func typeOf(n *yaml.Node) (t jsType, opaque bool) {
	switch n.Kind {
	case yaml.ScalarNode:
		return scalarType(n), false
	case yaml.SequenceNode:
		return jsArray, false
	case yaml.MappingNode:
		switch placeholder(n) {
		case "text":
			return jsString, true
		case "json", "yaml":
			return jsDeferred, false
		}
		return jsObject, false
	}
	return jsNull, false
}

// placeholder returns the resolver name of a placeholder mapping, or "".
// It mirrors PlaceholderProcessor
// (plugins/catalog-backend/src/modules/core/PlaceholderProcessor.ts): an
// object with exactly one key, that key "$" + a known resolver (text, json,
// yaml by default) and a string value, is replaced before validation.
func placeholder(n *yaml.Node) string {
	if n.Kind != yaml.MappingNode || len(n.Content) != 2 {
		return ""
	}
	key, value := deref(n.Content[0]), deref(n.Content[1])
	if key == nil || value == nil || key.Kind != yaml.ScalarNode || value.Kind != yaml.ScalarNode {
		return ""
	}
	if t, _ := typeOf(value); t != jsString {
		return ""
	}
	switch k := jsKey(key); k {
	case "$text", "$json", "$yaml":
		return k[1:]
	}
	return ""
}

// jsKey is the property name a mapping key becomes in JavaScript: the
// String() of its JSON value, "" for null.
func jsKey(n *yaml.Node) string {
	n = deref(n)
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	switch scalarType(n) {
	case jsNull:
		return ""
	case jsBool:
		return strings.ToLower(n.Value)
	case jsNumber:
		return jsNumberString(n.Value)
	}
	return n.Value
}

// jsNumberString formats a core-schema number the way JavaScript's String()
// does, e.g. "1.0" -> "1", "0x1F" -> "31", ".inf" -> "Infinity".
func jsNumberString(v string) string {
	var f float64
	switch {
	case coreNaN.MatchString(v):
		return "NaN"
	case coreInf.MatchString(v):
		if strings.HasPrefix(v, "-") {
			return "-Infinity"
		}
		return "Infinity"
	case coreOct.MatchString(v):
		u, _ := strconv.ParseUint(v[2:], 8, 64)
		f = float64(u)
	case coreHex.MatchString(v):
		u, _ := strconv.ParseUint(v[2:], 16, 64)
		f = float64(u)
	default:
		f, _ = strconv.ParseFloat(v, 64)
	}
	if math.IsInf(f, 0) {
		if f < 0 {
			return "-Infinity"
		}
		return "Infinity"
	}
	if f == 0 {
		return "0"
	}
	if a := math.Abs(f); a >= 1e21 || a < 1e-6 {
		s := strconv.FormatFloat(f, 'e', -1, 64)
		mant, exp, _ := strings.Cut(s, "e")
		sign := exp[0]
		exp = strings.TrimLeft(exp[1:], "0")
		return mant + "e" + string(sign) + exp
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// entry is one key/value pair of a mapping, with the key as JavaScript sees it.
type entry struct {
	name  string
	key   *yaml.Node
	value *yaml.Node // dereferenced; nil for a broken alias
}

// entries lists a mapping's pairs in source order.
func entries(n *yaml.Node) []entry {
	out := make([]entry, 0, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		out = append(out, entry{name: jsKey(k), key: k, value: deref(n.Content[i+1])})
	}
	return out
}

// lookup returns the entry named name, or false.
func lookup(n *yaml.Node, name string) (entry, bool) {
	// As entries(n) would list them, without building the list.
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; jsKey(k) == name {
			return entry{name: name, key: k, value: deref(n.Content[i+1])}, true
		}
	}
	return entry{}, false
}

// jsPatternDotPlus reports whether a key matches the JavaScript pattern
// ^.+$ that EntityMeta.schema.json puts on label and annotation keys: at
// least one character and no line terminator.
func jsPatternDotPlus(s string) bool {
	return s != "" && !strings.ContainsAny(s, "\n\r\u2028\u2029")
}
