package promote

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// The kustomization fields a pin lives in.
const (
	fieldTag    = "newTag"
	fieldDigest = "digest"
)

var (
	// tagPattern is the OCI distribution spec's tag grammar.
	tagPattern    = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)
	digestPattern = regexp.MustCompile(`^sha256:[a-f0-9]{64}$`)
)

// Pin is the image version a kustomization pins.
type Pin struct {
	Image  string // the images[] entry's name
	Tag    string // newTag
	Digest string // digest
	// Line is the 1-based line of the pinned version (the digest when set,
	// else newTag), or of the entry's name when it pins neither.
	Line int
}

// Version is the digest when set, else the tag; "" when the entry pins neither.
func (p Pin) Version() string {
	if p.Digest != "" {
		return p.Digest
	}
	return p.Tag
}

// ReadPin finds the images[] entry named image (or, when image is "", the
// only entry) and returns what it pins.
func ReadPin(data []byte, image string) (Pin, error) {
	e, err := findEntry(data, image)
	if err != nil {
		return Pin{}, err
	}
	return e.pin(), nil
}

// ValidVersion reports why version cannot be pinned, or nil: a version is an
// image tag or a sha256 digest.
func ValidVersion(version string) error {
	if strings.HasPrefix(version, "sha256:") {
		if !digestPattern.MatchString(version) {
			return fmt.Errorf("invalid digest %q: want sha256: and 64 lowercase hex digits", version)
		}
		return nil
	}
	if !tagPattern.MatchString(version) {
		return fmt.Errorf("invalid image tag %q: want at most 128 letters, digits, _ . or -, not starting with . or -", version)
	}
	return nil
}

// SetPin returns data with the images[] entry named image pinned to version:
// a version starting "sha256:" sets digest, any other sets newTag. The edit
// is surgical: only the value's bytes change, in the quoting style they had;
// comments, order, indentation and blank lines stay byte-identical. A
// missing field is inserted on its own line after the entry's name (inside
// the braces of a flow mapping). Setting one field removes the other, so
// that the overlay runs exactly the version asked for and no stale tag
// labels a new digest. When ReadPin already reports version, data comes
// back as it is.
func SetPin(data []byte, image, version string) ([]byte, error) {
	if err := ValidVersion(version); err != nil {
		return nil, err
	}
	field, other := fieldTag, fieldDigest
	if strings.HasPrefix(version, "sha256:") {
		field, other = fieldDigest, fieldTag
	}
	e, err := findEntry(data, image)
	if err != nil {
		return nil, err
	}
	if e.pin().Version() == version {
		return data, nil
	}
	old := e.fields[other]
	if old != nil && isEmpty(old.value) {
		old = nil // an empty field pins nothing: leave it be
	}
	src := newSource(data)
	var firstErr error
	// A plain value that would not read back as this string is written
	// double-quoted instead; the second attempt forces that.
	for _, forceQuotes := range []bool{false, true} {
		edits, err := e.edits(src, field, old, version, forceQuotes)
		if err != nil {
			return nil, fmt.Errorf("cannot pin %s of image %s in place: %w; edit it by hand", field, e.name.Value, err)
		}
		out, err := applyEdits(data, edits)
		if err == nil {
			err = verifyPin(data, out, e, field, version, old != nil)
		}
		if err == nil {
			return out, nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	return nil, fmt.Errorf("cannot pin %s of image %s in place: %w; edit it by hand", field, e.name.Value, firstErr)
}

// keyValue is one pair of a mapping.
type keyValue struct {
	index      int // pair index in the mapping
	key, value *yaml.Node
}

// entry is the images[] element being read or edited.
type entry struct {
	index  int        // position in images
	node   *yaml.Node // the mapping
	name   *yaml.Node // the name's value
	fields map[string]*keyValue
	pairs  []keyValue
}

func (e *entry) pin() Pin {
	p := Pin{Image: e.name.Value, Line: e.name.Line}
	if kv := e.fields[fieldTag]; kv != nil && !isEmpty(kv.value) {
		p.Tag, p.Line = kv.value.Value, kv.value.Line
	}
	if kv := e.fields[fieldDigest]; kv != nil && !isEmpty(kv.value) {
		p.Digest, p.Line = kv.value.Value, kv.value.Line
	}
	return p
}

func isEmpty(n *yaml.Node) bool { return n.Tag == "!!null" && n.Value == "" }

// findEntry parses data and picks the images[] entry named image, or the
// only one when image is "".
func findEntry(data []byte, image string) (*entry, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("invalid YAML: %w", err)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, errors.New("the kustomization is empty: it has no images[] entries")
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("line %d: not a kustomization: the top level is not a mapping", root.Line)
	}
	pairs, err := mappingPairs(root)
	if err != nil {
		return nil, err
	}
	var images *yaml.Node
	for _, kv := range pairs {
		if kv.key.Value == "images" {
			images = kv.value
		}
	}
	if images == nil || isEmpty(images) {
		return nil, errors.New("the kustomization has no images[] entries: add one for the service image")
	}
	if images.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("line %d: images is not a list", images.Line)
	}
	var entries []*entry
	for i, item := range images.Content {
		if item.Kind != yaml.MappingNode {
			return nil, fmt.Errorf("line %d: images[%d] is not a mapping", item.Line, i)
		}
		e := &entry{index: i, node: item, fields: map[string]*keyValue{}}
		if e.pairs, err = mappingPairs(item); err != nil {
			return nil, err
		}
		for j := range e.pairs {
			kv := &e.pairs[j]
			switch kv.key.Value {
			case "name":
				if kv.value.Kind != yaml.ScalarNode {
					return nil, fmt.Errorf("line %d: images[%d].name is not a string", kv.value.Line, i)
				}
				e.name = kv.value
			case fieldTag, fieldDigest:
				if kv.value.Kind != yaml.ScalarNode {
					return nil, fmt.Errorf("line %d: images[%d].%s is not a string", kv.value.Line, i, kv.key.Value)
				}
				e.fields[kv.key.Value] = kv
			}
		}
		if e.name == nil {
			return nil, fmt.Errorf("line %d: images[%d] has no name", item.Line, i)
		}
		entries = append(entries, e)
	}
	if len(entries) == 0 {
		return nil, errors.New("the kustomization has no images[] entries: add one for the service image")
	}
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.name.Value
	}
	if image == "" {
		if len(entries) > 1 {
			return nil, fmt.Errorf("the kustomization pins several images (%s): set promotion.image in platform.yaml to the one to promote", strings.Join(names, ", "))
		}
		return entries[0], nil
	}
	var found *entry
	for _, e := range entries {
		if e.name.Value != image {
			continue
		}
		if found != nil {
			return nil, fmt.Errorf("line %d: image %s is listed twice in images", e.name.Line, image)
		}
		found = e
	}
	if found == nil {
		return nil, fmt.Errorf("image %s is not in the kustomization's images (it lists %s)", image, strings.Join(names, ", "))
	}
	return found, nil
}

// mappingPairs lists a mapping's pairs, refusing duplicate and non-scalar keys.
func mappingPairs(m *yaml.Node) ([]keyValue, error) {
	pairs := make([]keyValue, 0, len(m.Content)/2)
	seen := map[string]bool{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			continue
		}
		if seen[k.Value] {
			return nil, fmt.Errorf("line %d: key %s is set twice", k.Line, k.Value)
		}
		seen[k.Value] = true
		pairs = append(pairs, keyValue{index: i / 2, key: k, value: v})
	}
	return pairs, nil
}

// edit replaces data[start:end] with text.
type edit struct {
	start, end int
	text       string
}

func applyEdits(data []byte, edits []edit) ([]byte, error) {
	// Back to front, so earlier offsets stay valid; at one offset a removal
	// goes before an insertion, which must not be swallowed by it.
	slices.SortFunc(edits, func(a, b edit) int {
		if a.start != b.start {
			return b.start - a.start
		}
		return b.end - a.end
	})
	out := slices.Clone(data)
	limit := len(data)
	for _, ed := range edits {
		if ed.start < 0 || ed.start > ed.end || ed.end > limit {
			return nil, errors.New("the edits overlap")
		}
		out = slices.Concat(out[:ed.start], []byte(ed.text), out[ed.end:])
		limit = ed.start
	}
	return out, nil
}

// edits plans the byte edits that pin field to version and drop the pair old, if any.
func (e *entry) edits(src *source, field string, old *keyValue, version string, forceQuotes bool) ([]edit, error) {
	var edits []edit
	flow := e.node.Style&yaml.FlowStyle != 0
	if kv := e.fields[field]; kv != nil {
		start, end, err := src.valueSpan(kv.key, kv.value)
		if err != nil {
			return nil, err
		}
		text := quote(version, kv.value.Style, forceQuotes)
		if isEmpty(kv.value) {
			text = " " + text
		}
		edits = append(edits, edit{start, end, text})
	} else {
		value := quote(version, 0, forceQuotes)
		nameKey := e.pairs[slices.IndexFunc(e.pairs, func(kv keyValue) bool { return kv.value == e.name })].key
		_, nameEnd, err := src.valueSpan(nameKey, e.name)
		if err != nil {
			return nil, err
		}
		if flow {
			edits = append(edits, edit{nameEnd, nameEnd, ", " + field + ": " + value})
		} else {
			line := src.lineOf(nameEnd)
			at, brk := src.lineEnd(line)
			indent := strings.Repeat(" ", nameKey.Column-1)
			if brk == "" {
				// The name is on the file's last line, without a line break.
				edits = append(edits, edit{at, at, src.firstBreak() + indent + field + ": " + value})
			} else {
				next := at + len(brk)
				edits = append(edits, edit{next, next, indent + field + ": " + value + brk})
			}
		}
	}
	if old != nil {
		ed, err := e.removal(src, old, flow)
		if err != nil {
			return nil, err
		}
		edits = append(edits, ed)
	}
	return edits, nil
}

// removal plans deleting one pair of the entry.
func (e *entry) removal(src *source, kv *keyValue, flow bool) (edit, error) {
	keyStart, err := src.offset(kv.key.Line, kv.key.Column)
	if err != nil {
		return edit{}, err
	}
	_, valueEnd, err := src.valueSpan(kv.key, kv.value)
	if err != nil {
		return edit{}, err
	}
	if flow {
		if kv.index > 0 {
			// Take the separator before the pair with it: from the end of
			// the previous value to the end of this one.
			prev := e.node.Content[2*kv.index-2 : 2*kv.index]
			if prev[0].Kind != yaml.ScalarNode || prev[1].Kind != yaml.ScalarNode {
				return edit{}, fmt.Errorf("line %d: the pair before %s is not a plain key and value", kv.key.Line, kv.key.Value)
			}
			_, prevEnd, err := src.valueSpan(prev[0], prev[1])
			if err != nil {
				return edit{}, err
			}
			return edit{prevEnd, valueEnd, ""}, nil
		}
		next := e.node.Content[2]
		nextStart, err := src.offset(next.Line, next.Column)
		if err != nil {
			return edit{}, err
		}
		return edit{keyStart, nextStart, ""}, nil
	}
	line := src.lineOf(keyStart)
	lineStart := src.starts[line]
	if strings.TrimLeft(string(src.data[lineStart:keyStart]), " ") != "" {
		return edit{}, fmt.Errorf("line %d: %s shares its line with the start of the entry", kv.key.Line, kv.key.Value)
	}
	endLine := src.lineOf(valueEnd)
	lineEnd, brk := src.lineEnd(endLine)
	rest := strings.TrimLeft(string(src.data[valueEnd:lineEnd]), " \t")
	if rest != "" && !strings.HasPrefix(rest, "#") {
		return edit{}, fmt.Errorf("line %d: %s is followed by more on its line", kv.key.Line, kv.key.Value)
	}
	return edit{lineStart, lineEnd + len(brk), ""}, nil
}

// quote writes version as a scalar in style; a plain scalar that would not
// read back as the same string is double-quoted.
func quote(version string, style yaml.Style, forceQuotes bool) string {
	switch {
	case style&yaml.SingleQuotedStyle != 0:
		return "'" + strings.ReplaceAll(version, "'", "''") + "'"
	case style&yaml.DoubleQuotedStyle != 0 || forceQuotes || needsQuotes(version):
		return strconv.Quote(version) // valid versions are printable ASCII: Go's escapes are YAML's
	default:
		return version
	}
}

// needsQuotes reports whether a plain scalar would read as something other
// than the string v, here or in a YAML 1.1 reader (yes, on, 1_000, 010).
func needsQuotes(v string) bool {
	var x any
	if err := yaml.Unmarshal([]byte(v), &x); err != nil {
		return true
	}
	if s, ok := x.(string); !ok || s != v {
		return true
	}
	switch strings.ToLower(v) {
	case "y", "yes", "n", "no", "on", "off":
		return true
	}
	plain := strings.ReplaceAll(v, "_", "")
	if _, err := strconv.ParseFloat(plain, 64); err == nil {
		return true
	}
	if _, err := strconv.ParseInt(plain, 0, 64); err == nil {
		return true
	}
	return false
}

// verifyPin checks an edit by reading it back: the entry pins version and
// nothing else about the document changed.
func verifyPin(before, after []byte, e *entry, field, version string, removed bool) error {
	e2, err := findEntry(after, e.name.Value)
	if err != nil {
		return err
	}
	p := e2.pin()
	if p.Version() != version || (field == fieldTag && p.Digest != "") {
		return fmt.Errorf("the edit reads back as %q", p.Version())
	}
	var want, got any
	if err := yaml.Unmarshal(before, &want); err != nil {
		return err
	}
	if err := yaml.Unmarshal(after, &got); err != nil {
		return err
	}
	m, ok := want.(map[string]any)
	if !ok {
		return errors.New("the top level is not a mapping of strings")
	}
	images, ok := m["images"].([]any)
	if !ok || e.index >= len(images) {
		return errors.New("images is not a list")
	}
	img, ok := images[e.index].(map[string]any)
	if !ok {
		return errors.New("the entry is not a mapping of strings")
	}
	if removed {
		delete(img, fieldTag)
		delete(img, fieldDigest)
	}
	img[field] = version
	if !reflect.DeepEqual(want, got) {
		return errors.New("the edit changes more than the pin")
	}
	return nil
}

// source maps go.yaml.in/yaml's line and column marks to byte offsets.
type source struct {
	data   []byte
	starts []int // byte offset of each line's start; lines break as YAML breaks them
}

func newSource(data []byte) *source {
	s := &source{data: data}
	start := 0
	if bytes.HasPrefix(data, []byte("\ufeff")) {
		start = 3 // the reader drops a byte order mark before counting columns
	}
	s.starts = append(s.starts, start)
	for i := start; i < len(data); {
		if n := breakLen(data[i:]); n > 0 {
			i += n
			s.starts = append(s.starts, i)
			continue
		}
		_, size := utf8.DecodeRune(data[i:])
		i += size
	}
	return s
}

// breakLen is the length of the line break at the start of b, 0 if none:
// CR LF, CR, LF, NEL, LS and PS, as go.yaml.in/yaml counts them.
func breakLen(b []byte) int {
	switch {
	case bytes.HasPrefix(b, []byte("\r\n")):
		return 2
	case len(b) > 0 && (b[0] == '\r' || b[0] == '\n'):
		return 1
	case bytes.HasPrefix(b, []byte("\u0085")):
		return 2
	case bytes.HasPrefix(b, []byte("\u2028")), bytes.HasPrefix(b, []byte("\u2029")):
		return 3
	}
	return 0
}

// offset turns a 1-based line and column (counted in characters) into a byte offset.
func (s *source) offset(line, column int) (int, error) {
	if line < 1 || line > len(s.starts) || column < 1 {
		return 0, fmt.Errorf("line %d column %d is outside the file", line, column)
	}
	i := s.starts[line-1]
	for range column - 1 {
		if i >= len(s.data) || breakLen(s.data[i:]) > 0 {
			return 0, fmt.Errorf("line %d column %d is outside the file", line, column)
		}
		_, size := utf8.DecodeRune(s.data[i:])
		i += size
	}
	return i, nil
}

// lineOf is the 0-based line holding byte offset off.
func (s *source) lineOf(off int) int {
	i, found := slices.BinarySearch(s.starts, off)
	if found {
		return i
	}
	return i - 1
}

// lineEnd returns where 0-based line ends and the break that ends it ("" at the end of the file).
func (s *source) lineEnd(line int) (int, string) {
	i := s.starts[line]
	for i < len(s.data) {
		if n := breakLen(s.data[i:]); n > 0 {
			return i, string(s.data[i : i+n])
		}
		_, size := utf8.DecodeRune(s.data[i:])
		i += size
	}
	return i, ""
}

// firstBreak is the file's first line break, or LF.
func (s *source) firstBreak() string {
	if len(s.starts) > 1 {
		_, brk := s.lineEnd(0)
		return brk
	}
	return "\n"
}

// valueSpan returns the byte span of a single-line scalar value token
// (without its anchor or tag); for an empty value, the empty span right
// after the key's colon.
func (s *source) valueSpan(key, value *yaml.Node) (int, int, error) {
	if isEmpty(value) {
		_, keyEnd, err := s.tokenSpan(key)
		if err != nil {
			return 0, 0, err
		}
		i := keyEnd
		for i < len(s.data) && (s.data[i] == ' ' || s.data[i] == '\t') {
			i++
		}
		if i >= len(s.data) || s.data[i] != ':' {
			return 0, 0, fmt.Errorf("line %d: no colon after %s", key.Line, key.Value)
		}
		return i + 1, i + 1, nil
	}
	return s.tokenSpan(value)
}

// tokenSpan locates a scalar's token in the source and checks that it is
// the scalar: one line, plain or quoted.
func (s *source) tokenSpan(n *yaml.Node) (int, int, error) {
	if n.Kind != yaml.ScalarNode {
		return 0, 0, fmt.Errorf("line %d: not a scalar", n.Line)
	}
	if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return 0, 0, fmt.Errorf("line %d: %q is a block scalar", n.Line, n.Value)
	}
	start, err := s.offset(n.Line, n.Column)
	if err != nil {
		return 0, 0, err
	}
	d := s.data
	// Skip the node's properties: an anchor (&a) or tag (!!str) and blanks.
	for start < len(d) && (d[start] == '&' || d[start] == '!') {
		for start < len(d) && d[start] != ' ' && d[start] != '\t' && breakLen(d[start:]) == 0 {
			start++
		}
		for start < len(d) && (d[start] == ' ' || d[start] == '\t') {
			start++
		}
	}
	fail := fmt.Errorf("line %d: %q does not stand on one line", n.Line, n.Value)
	switch {
	case n.Style&yaml.DoubleQuotedStyle != 0:
		if start >= len(d) || d[start] != '"' {
			return 0, 0, fail
		}
		for i := start + 1; i < len(d); i++ {
			switch {
			case breakLen(d[i:]) > 0:
				return 0, 0, fail
			case d[i] == '\\':
				i++
				if i < len(d) && breakLen(d[i:]) > 0 {
					return 0, 0, fail
				}
			case d[i] == '"':
				return start, i + 1, s.checkQuoted(d[start:i+1], n)
			}
		}
		return 0, 0, fail
	case n.Style&yaml.SingleQuotedStyle != 0:
		if start >= len(d) || d[start] != '\'' {
			return 0, 0, fail
		}
		for i := start + 1; i < len(d); i++ {
			switch {
			case breakLen(d[i:]) > 0:
				return 0, 0, fail
			case d[i] == '\'' && i+1 < len(d) && d[i+1] == '\'':
				i++
			case d[i] == '\'':
				return start, i + 1, s.checkQuoted(d[start:i+1], n)
			}
		}
		return 0, 0, fail
	default:
		end := start + len(n.Value)
		if n.Value == "" || end > len(d) || string(d[start:end]) != n.Value {
			return 0, 0, fail
		}
		if end < len(d) && breakLen(d[end:]) == 0 && !strings.ContainsRune(" \t,]}:", rune(d[end])) {
			return 0, 0, fail
		}
		return start, end, nil
	}
}

// checkQuoted makes sure a quoted token found in the source reads as the node's value.
func (s *source) checkQuoted(token []byte, n *yaml.Node) error {
	var v string
	if err := yaml.Unmarshal(token, &v); err != nil || v != n.Value {
		return fmt.Errorf("line %d: cannot find %q in the source", n.Line, n.Value)
	}
	return nil
}
