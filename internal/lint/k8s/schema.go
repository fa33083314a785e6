package k8s

import (
	"bytes"
	_ "embed" // schema.json
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/platform-team/platform/internal/lint"
	"github.com/platform-team/platform/internal/textdist"
)

//go:generate go run ./gen -o schema.json

// schemaJSON is generated from k8s.io/api by ./gen; the linter reads it
// instead of linking k8s.io/api, which costs start-up time in every command.
//
//go:embed schema.json
var schemaJSON []byte

// tkind is the JSON shape a type accepts.
type tkind uint8

const (
	tAny tkind = iota
	tObject
	tMap
	tArray
	tString
	tBool
	tInt32
	tInt64
	tNumber
	tIntStr
	tQuantity
	tTime
	tDuration
	tBytes
)

// typ is a node of the schema graph.
type typ struct {
	kind tkind
	// name is the object type, e.g. core/v1.Container.
	name   string
	fields map[string]*typ
	elem   *typ
	// names are the field names, sorted, for suggestions.
	names []string
}

// kindInfo is one apiVersion/kind of the schema.
type kindInfo struct {
	typ                              *typ
	deprecated, removed, replacement string
	foldCase                         bool
	apiVersion, kind                 string
}

// schema is the loaded schema.json.
type schema struct {
	// release is the Kubernetes release the schema was generated from.
	release string
	// kinds are keyed by "apiVersion kind".
	kinds map[string]*kindInfo
	// groups are the API groups the schema knows completely ("" is core).
	groups map[string]bool
	// served lists, per kind, the apiVersions that serve it.
	served map[string][]string
	// kindsOf lists, per apiVersion, its served kinds.
	kindsOf map[string][]string
	// all lists every served kind.
	all []string
}

// allKinds returns every served kind, sorted.
func (s *schema) allKinds() []string { return s.all }

var (
	schemaOnce sync.Once
	theSchema  *schema
)

// schemaRelease is the Kubernetes release of the schema, read without
// parsing the schema (for the rules' documentation).
func schemaRelease() string {
	const key = `"kubernetes": "`
	i := bytes.Index(schemaJSON, []byte(key))
	if i < 0 {
		return "?"
	}
	rest := schemaJSON[i+len(key):]
	end := bytes.IndexByte(rest, '"')
	if end < 0 {
		return "?"
	}
	return string(rest[:end])
}

// loadSchema parses the embedded schema on first use, so that commands other
// than lint pay nothing for it.
func loadSchema() *schema {
	schemaOnce.Do(func() {
		s, err := parseSchema(schemaJSON)
		if err != nil {
			panic("k8s: embedded schema.json: " + err.Error())
		}
		theSchema = s
	})
	return theSchema
}

func parseSchema(data []byte) (*schema, error) {
	var raw struct {
		Kubernetes string `json:"kubernetes"`
		Kinds      map[string]struct {
			Type        string `json:"type"`
			Deprecated  string `json:"deprecated"`
			Removed     string `json:"removed"`
			Replacement string `json:"replacement"`
			FoldCase    bool   `json:"foldCase"`
		} `json:"kinds"`
		Types map[string]map[string]string `json:"types"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, err
	}
	s := &schema{
		release: raw.Kubernetes,
		kinds:   make(map[string]*kindInfo, len(raw.Kinds)),
		groups:  map[string]bool{},
		served:  map[string][]string{},
		kindsOf: map[string][]string{},
	}
	r := &resolver{raw: raw.Types, done: make(map[string]*typ, len(raw.Types))}
	for key, k := range raw.Kinds {
		apiVersion, kind, ok := strings.Cut(key, " ")
		if !ok {
			return nil, fmt.Errorf("kind %q: want \"apiVersion kind\"", key)
		}
		ki := &kindInfo{deprecated: k.Deprecated, removed: k.Removed, replacement: k.Replacement,
			foldCase: k.FoldCase, apiVersion: apiVersion, kind: kind}
		if k.Type != "" {
			t, err := r.resolve(k.Type)
			if err != nil {
				return nil, fmt.Errorf("kind %q: %w", key, err)
			}
			ki.typ = t
		}
		s.kinds[key] = ki
		group, _, found := strings.Cut(apiVersion, "/")
		if !found {
			group = ""
		}
		s.groups[group] = true
		if ki.removed == "" {
			s.served[kind] = append(s.served[kind], apiVersion)
			s.kindsOf[apiVersion] = append(s.kindsOf[apiVersion], kind)
		}
	}
	for kind, list := range s.served {
		slices.Sort(list)
		s.all = append(s.all, kind)
	}
	slices.Sort(s.all)
	for _, list := range s.kindsOf {
		slices.Sort(list)
	}
	return s, nil
}

type resolver struct {
	raw  map[string]map[string]string
	done map[string]*typ
}

var primitives = [...]struct {
	name string
	kind tkind
}{
	{"any", tAny}, {"string", tString}, {"boolean", tBool}, {"int32", tInt32}, {"int64", tInt64},
	{"number", tNumber}, {"intstr", tIntStr}, {"quantity", tQuantity}, {"time", tTime},
	{"duration", tDuration}, {"bytes", tBytes},
}

func (r *resolver) resolve(ref string) (*typ, error) {
	if t, ok := r.done[ref]; ok {
		return t, nil
	}
	for _, p := range primitives {
		if p.name == ref {
			t := &typ{kind: p.kind}
			r.done[ref] = t
			return t, nil
		}
	}
	var t *typ
	switch {
	case strings.HasPrefix(ref, "[]"), strings.HasPrefix(ref, "{}"):
		elem, err := r.resolve(ref[2:])
		if err != nil {
			return nil, err
		}
		t = &typ{kind: tArray, elem: elem}
		if ref[0] == '{' {
			t.kind = tMap
		}
		r.done[ref] = t
	default:
		fields, ok := r.raw[ref]
		if !ok {
			return nil, fmt.Errorf("unknown type %q", ref)
		}
		// Registered before its fields, for recursive types.
		t = &typ{kind: tObject, name: ref, fields: make(map[string]*typ, len(fields))}
		r.done[ref] = t
		for name, fref := range fields {
			ft, err := r.resolve(fref)
			if err != nil {
				return nil, fmt.Errorf("%s.%s: %w", ref, name, err)
			}
			t.fields[name] = ft
			t.names = append(t.names, name)
		}
		slices.Sort(t.names)
	}
	return t, nil
}

// shortType is the Go type name of an object type: core/v1.Container -> Container.
func (t *typ) shortType() string {
	return t.name[strings.LastIndexByte(t.name, '.')+1:]
}

// want describes what a type accepts, for messages.
func (t *typ) want() string {
	switch t.kind {
	case tObject, tMap:
		return "object"
	case tArray:
		return "array"
	case tString:
		return "string"
	case tBool:
		return "boolean"
	case tInt32, tInt64:
		return "integer"
	case tNumber:
		return "number"
	case tIntStr:
		return "integer or string"
	case tQuantity:
		return "quantity (string or number)"
	case tTime:
		return "time (RFC 3339 string)"
	case tDuration:
		return "duration string"
	case tBytes:
		return "base64 string"
	}
	return "any value"
}

// got describes a YAML node's type, for messages.
func got(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "object"
	case yaml.SequenceNode:
		return "array"
	}
	switch n.ShortTag() {
	case "!!int":
		return "integer " + n.Value
	case "!!float":
		return "number " + n.Value
	case "!!bool":
		return "boolean " + n.Value
	case "!!null":
		return "null"
	}
	return "string " + strconv.Quote(clip(n.Value))
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:37] + "..."
	}
	return s
}

// seg is one step of a field path: a key, or an index when key is "".
type seg struct {
	key   string
	index int
}

func formatPath(path []seg) string {
	var b strings.Builder
	for _, s := range path {
		switch {
		case s.key == "":
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(s.index))
			b.WriteByte(']')
		case plainKey(s.key):
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s.key)
		default:
			b.WriteString("[")
			b.WriteString(strconv.Quote(s.key))
			b.WriteString("]")
		}
	}
	return b.String()
}

func plainKey(k string) bool {
	if k == "" {
		return false
	}
	for _, r := range k {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// validator checks one object's nodes against its type.
type validator struct {
	// foldCase matches field names case-insensitively (kustomize).
	foldCase bool
	// patch allows strategic merge patch directives ($patch, $retainKeys...).
	patch bool
	// resource is the kubectl explain resource name (deployment), "" for none.
	resource string
	report   func(n *yaml.Node, msg, hint string)

	path []seg
	// seen holds the alias targets already checked against a type.
	seen   map[aliasKey]bool
	budget int
}

type aliasKey struct {
	n *yaml.Node
	t *typ
}

// maxNodes bounds the work on one object, whatever its aliases expand to.
const maxNodes = 1 << 20

func (v *validator) validate(n *yaml.Node, t *typ) {
	v.budget = maxNodes
	v.walk(n, t)
}

func (v *validator) walk(n *yaml.Node, t *typ) {
	if n == nil || v.budget <= 0 || len(v.path) > 256 {
		return
	}
	v.budget--
	if n.Kind == yaml.AliasNode {
		v.walk(n.Alias, t)
		return
	}
	if t.kind == tAny || n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return
	}
	if n.Anchor != "" && !v.first(n, t) {
		return
	}
	switch t.kind {
	case tObject:
		v.object(n, t, 0)
	case tMap:
		if n.Kind != yaml.MappingNode {
			v.mismatch(n, t)
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := lint.Deref(n.Content[i])
			if k == nil || k.Kind != yaml.ScalarNode {
				v.report(n.Content[i], v.at()+"non-string key", "map keys are strings")
				continue
			}
			v.path = append(v.path, seg{key: k.Value})
			v.walk(n.Content[i+1], t.elem)
			v.path = v.path[:len(v.path)-1]
		}
	case tArray:
		if n.Kind != yaml.SequenceNode {
			v.mismatch(n, t)
			return
		}
		for i, item := range n.Content {
			v.path = append(v.path, seg{index: i})
			v.walk(item, t.elem)
			v.path = v.path[:len(v.path)-1]
		}
	default:
		v.scalar(n, t)
	}
}

func (v *validator) object(n *yaml.Node, t *typ, depth int) {
	if n.Kind != yaml.MappingNode {
		v.mismatch(n, t)
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := lint.Deref(n.Content[i]), n.Content[i+1]
		if k == nil {
			continue
		}
		if k.Tag == "!!merge" {
			v.merge(val, t, depth)
			continue
		}
		if k.Kind != yaml.ScalarNode {
			v.report(n.Content[i], v.at()+"non-string key", "field names are strings")
			continue
		}
		ft := t.fields[k.Value]
		if ft == nil && v.foldCase {
			for name, f := range t.fields {
				if strings.EqualFold(name, k.Value) {
					ft = f
					break
				}
			}
		}
		if ft == nil {
			if v.patch && strings.HasPrefix(k.Value, "$") {
				continue
			}
			v.unknown(k, t)
			continue
		}
		v.path = append(v.path, seg{key: k.Value})
		v.walk(val, ft)
		v.path = v.path[:len(v.path)-1]
	}
}

// first reports whether an anchored node is checked against t for the first
// time: a node reached again through an alias is reported once, and alias
// loops end.
func (v *validator) first(n *yaml.Node, t *typ) bool {
	key := aliasKey{n, t}
	if v.seen[key] {
		return false
	}
	if v.seen == nil {
		v.seen = map[aliasKey]bool{}
	}
	v.seen[key] = true
	return true
}

// merge checks the mappings of a YAML merge key (<<: *defaults) as part of
// the mapping that holds it.
func (v *validator) merge(n *yaml.Node, t *typ, depth int) {
	n = lint.Deref(n)
	if n == nil || depth > 8 || v.budget <= 0 || n.Anchor != "" && !v.first(n, t) {
		return
	}
	v.budget--
	switch n.Kind {
	case yaml.MappingNode:
		v.object(n, t, depth+1)
	case yaml.SequenceNode:
		for _, item := range n.Content {
			v.merge(item, t, depth+1)
		}
	}
}

// at is the current path as a message prefix.
func (v *validator) at() string {
	if len(v.path) == 0 {
		return ""
	}
	return formatPath(v.path) + ": "
}

func (v *validator) unknown(k *yaml.Node, t *typ) {
	msg := fmt.Sprintf("%sunknown field %q", v.at(), k.Value)
	if len(v.path) == 0 {
		msg = fmt.Sprintf("unknown field %q", k.Value)
	}
	hint := "remove it, or move it to where it belongs"
	if s := textdist.Suggest(k.Value, t.names); s != "" {
		hint = fmt.Sprintf("did you mean %q?", s)
	}
	switch {
	case v.resource != "":
		explain := v.resource
		for _, s := range v.path {
			if s.key != "" {
				explain += "." + s.key
			}
		}
		hint += fmt.Sprintf(" (`kubectl explain %s` lists the fields of %s)", explain, t.shortType())
	case strings.HasPrefix(t.name, "kustomize."):
		hint += " (the fields: https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/)"
	case len(t.names) <= 12:
		hint += fmt.Sprintf(" (%s has the fields %s)", t.shortType(), strings.Join(t.names, ", "))
	}
	v.report(k, msg, hint)
}

func (v *validator) mismatch(n *yaml.Node, t *typ) {
	msg := fmt.Sprintf("%swant %s, got %s", v.at(), t.want(), got(n))
	var hint string
	tag := n.ShortTag()
	numeric := func() bool { _, err := strconv.ParseFloat(n.Value, 64); return err == nil }
	switch {
	case n.Kind == yaml.ScalarNode && tag == "!!str" && (t.kind == tInt32 || t.kind == tInt64 || t.kind == tNumber):
		hint = "write a number"
		if numeric() {
			hint = "write the value without quotes"
		}
	case n.Kind == yaml.ScalarNode && tag == "!!str" && t.kind == tBool:
		hint = "write true or false, without quotes"
	case n.Kind == yaml.ScalarNode && (t.kind == tString || t.kind == tBytes || t.kind == tTime || t.kind == tDuration):
		hint = fmt.Sprintf("quote the value: %q", n.Value)
	case t.kind == tObject:
		hint = fmt.Sprintf("write a mapping of %s fields (key: value)", t.shortType())
	case t.kind == tMap:
		hint = "write a mapping (key: value)"
	case t.kind == tArray:
		hint = "write a list (- item)"
	case tag == "!!float" && (t.kind == tInt32 || t.kind == tInt64 || t.kind == tIntStr):
		hint = "write a whole number"
	default:
		hint = "change the value to " + article(t.want())
	}
	v.report(n, msg, hint)
}

// article puts "a" or "an" before a noun.
func article(noun string) string {
	if noun != "" && strings.ContainsRune("aeiou", rune(noun[0])) {
		return "an " + noun
	}
	return "a " + noun
}

func (v *validator) scalar(n *yaml.Node, t *typ) {
	if n.Kind != yaml.ScalarNode {
		v.mismatch(n, t)
		return
	}
	tag := n.ShortTag()
	switch t.kind {
	case tString:
		if tag != "!!str" && tag != "!!timestamp" && tag != "!!binary" {
			v.mismatch(n, t)
		}
	case tBool:
		if tag != "!!bool" {
			v.mismatch(n, t)
		}
	case tInt32, tInt64:
		if tag != "!!int" {
			v.mismatch(n, t)
			return
		}
		if t.kind == tInt32 {
			v.int32Range(n)
		}
	case tNumber:
		if tag != "!!int" && tag != "!!float" {
			v.mismatch(n, t)
		}
	case tIntStr:
		switch tag {
		case "!!int":
			v.int32Range(n)
		case "!!str":
		default:
			v.mismatch(n, t)
		}
	case tQuantity:
		switch tag {
		case "!!int", "!!float":
		case "!!str":
			if !isQuantity(n.Value) {
				v.report(n, fmt.Sprintf("%s%q is not a quantity", v.at(), n.Value),
					"write a number with an optional suffix: 500m, 2, 128Mi, 1Gi, 1G (Mi and Gi are powers of 1024, M and G of 1000)")
			}
		default:
			v.mismatch(n, t)
		}
	case tTime:
		if tag != "!!str" && tag != "!!timestamp" {
			v.mismatch(n, t)
			return
		}
		if _, err := time.Parse(time.RFC3339, n.Value); err != nil {
			v.report(n, fmt.Sprintf("%s%q is not an RFC 3339 time", v.at(), n.Value), "write a time such as 2025-01-31T12:00:00Z")
		}
	case tDuration:
		if tag != "!!str" {
			v.mismatch(n, t)
			return
		}
		if _, err := time.ParseDuration(n.Value); err != nil {
			v.report(n, fmt.Sprintf("%s%q is not a duration", v.at(), n.Value), "write a duration such as 30s, 5m or 1h30m")
		}
	case tBytes:
		if tag != "!!str" && tag != "!!binary" {
			v.mismatch(n, t)
			return
		}
		clean := n.Value
		if strings.ContainsAny(clean, "\r\n") {
			clean = strings.NewReplacer("\n", "", "\r", "").Replace(clean)
		}
		if _, err := base64.StdEncoding.DecodeString(clean); err != nil {
			hint := "encode the value with base64 (base64 -w0)"
			if len(v.path) > 0 && v.path[0].key == "data" {
				hint += ", or put the plain text under stringData"
			}
			v.report(n, fmt.Sprintf("%svalue is not valid base64", v.at()), hint)
		}
	}
}

func (v *validator) int32Range(n *yaml.Node) {
	i, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 64)
	if err == nil && (i > 1<<31-1 || i < -1<<31) {
		v.report(n, fmt.Sprintf("%s%s does not fit in a 32-bit integer", v.at(), n.Value), "use a smaller number")
	}
}

// isQuantity reports whether s is a Kubernetes resource quantity:
// a signed decimal number, then a binary (Ki..Ei) or decimal (n, u, m, k,
// M..E) suffix or an exponent (e3, E-2).
func isQuantity(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i, digits = i+1, digits+1
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i, digits = i+1, digits+1
		}
	}
	if digits == 0 {
		return false
	}
	switch suffix := s[i:]; suffix {
	case "", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "n", "u", "m", "k", "M", "G", "T", "P", "E":
		return true
	default:
		if suffix[0] != 'e' && suffix[0] != 'E' {
			return false
		}
		exp := suffix[1:]
		if exp != "" && (exp[0] == '+' || exp[0] == '-') {
			exp = exp[1:]
		}
		if exp == "" {
			return false
		}
		for _, c := range exp {
			if c < '0' || c > '9' {
				return false
			}
		}
		return true
	}
}
