package yamlmerge

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"slices"
	"sort"

	"go.yaml.in/yaml/v3"
)

// digest identifies a YAML value semantically; see merger.hash.
type digest [sha256.Size]byte

// Node flags, computed once per node.
const (
	hasAlias  = 1 << iota // an alias somewhere in the subtree
	hasAnchor             // an anchor somewhere in the subtree
	flagsDone
)

// merger holds the state of one Merge call. Every per-node computation is
// memoised, so a merge is linear in the size of its inputs (plus sorting
// each mapping's keys once), however deep the documents nest.
type merger struct {
	force   [][]string
	hashes  map[*yaml.Node]digest
	busy    map[*yaml.Node]bool // hashing in progress: an alias cycle
	flagsOf map[*yaml.Node]uint8
	keptSet map[string]bool
	label   string // the document being merged, for Kept
	changed bool
}

// newMerger prepares a merge; sizeHint is the expected number of nodes.
func newMerger(opts Options, sizeHint int) *merger {
	var force [][]string
	for _, p := range opts.Force {
		if len(p) > 0 {
			force = append(force, p)
		}
	}
	return &merger{
		force:   force,
		hashes:  make(map[*yaml.Node]digest, sizeHint),
		busy:    map[*yaml.Node]bool{},
		flagsOf: map[*yaml.Node]uint8{},
		keptSet: map[string]bool{},
	}
}

func (m *merger) kept(label string, path *keyPath) {
	if path != nil {
		label += ": " + path.String()
	}
	m.keptSet[label] = true
}

func (m *merger) keptList() []string {
	if len(m.keptSet) == 0 {
		return nil
	}
	out := make([]string, 0, len(m.keptSet))
	for k := range m.keptSet {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// eq reports whether two values are the same YAML value, whatever their
// comments and styles; nil (absent) equals only nil.
func (m *merger) eq(a, b *yaml.Node) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a == b || m.hash(a) == m.hash(b)
}

// hash digests a value: scalars by resolved tag and decoded value,
// sequences by their items in order, mappings by their (key, value) pairs
// in any order, aliases as the value they point to, documents as their
// content. Comments, styles, anchors and positions do not count.
func (m *merger) hash(n *yaml.Node) digest {
	if d, ok := m.hashes[n]; ok {
		return d
	}
	if n.Anchor != "" {
		// Only an anchored node can be reached again through an alias.
		if m.busy[n] {
			return digest{} // a value containing itself through an alias
		}
		m.busy[n] = true
		defer delete(m.busy, n)
	}
	var buf []byte
	switch n.Kind {
	case yaml.DocumentNode, yaml.SequenceNode:
		buf = make([]byte, 0, 4+sha256.Size*len(n.Content))
		buf = append(buf, "seq\x00"...)
		if n.Kind == yaml.DocumentNode {
			buf = append(buf[:0], "doc\x00"...)
		}
		for _, c := range n.Content {
			d := m.hash(c)
			buf = append(buf, d[:]...)
		}
	case yaml.AliasNode:
		if n.Alias != nil {
			return m.hash(n.Alias) // not memoised: cheap, and cycle-safe
		}
		buf = []byte("alias\x00" + n.Value)
	case yaml.MappingNode:
		pairs := make([][2 * sha256.Size]byte, 0, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			var p [2 * sha256.Size]byte
			k, v := m.hash(n.Content[i]), m.hash(n.Content[i+1])
			copy(p[:], k[:])
			copy(p[sha256.Size:], v[:])
			pairs = append(pairs, p)
		}
		slices.SortFunc(pairs, func(a, b [2 * sha256.Size]byte) int { return bytes.Compare(a[:], b[:]) })
		buf = make([]byte, 0, 4+2*sha256.Size*len(pairs))
		buf = append(buf, "map\x00"...)
		for _, p := range pairs {
			buf = append(buf, p[:]...)
		}
	default:
		buf = []byte("scalar\x00" + scalarKey(n))
	}
	d := digest(sha256.Sum256(buf))
	m.hashes[n] = d
	return d
}

// scalarKey normalises a scalar: its resolved tag and, for the core
// schema's non-string types, its decoded value (so 0x10 equals 16, True
// equals true and ~ equals null), else its text. "8080" and 8080 differ.
func scalarKey(n *yaml.Node) string {
	tag := n.ShortTag()
	switch tag {
	case "!!int", "!!float", "!!bool", "!!null":
		var v any
		if err := n.Decode(&v); err == nil {
			return fmt.Sprintf("%s\x00%v", tag, v)
		}
	}
	return tag + "\x00" + n.Value
}

// flags tells whether a subtree holds aliases or anchors, not following
// aliases.
func (m *merger) flags(n *yaml.Node) uint8 {
	if f, ok := m.flagsOf[n]; ok {
		return f
	}
	var f uint8 = flagsDone
	if n.Anchor != "" {
		f |= hasAnchor
	}
	if n.Kind == yaml.AliasNode {
		f |= hasAlias
	}
	for _, c := range n.Content {
		f |= m.flags(c)
	}
	m.flagsOf[n] = f
	return f
}

// clone copies a node of theirs for ours' tree, without its anchors (an
// anchor moved into ours could capture one of ours' aliases). Callers make
// sure it holds no alias.
func clone(n *yaml.Node) *yaml.Node {
	c := *n
	c.Anchor = ""
	c.Alias = nil
	if n.Content != nil {
		c.Content = make([]*yaml.Node, len(n.Content))
		for i, x := range n.Content {
			c.Content[i] = clone(x)
		}
	}
	return &c
}

func isMap(n *yaml.Node) bool { return n != nil && n.Kind == yaml.MappingNode }

// isScalarSeq reports a sequence whose items are all plain scalars.
func isScalarSeq(n *yaml.Node) bool {
	if n == nil || n.Kind != yaml.SequenceNode {
		return false
	}
	for _, c := range n.Content {
		if c.Kind != yaml.ScalarNode {
			return false
		}
	}
	return true
}

// action is what to do with one value of ours.
type action int

const (
	keep      action = iota // ours stays
	take                    // take theirs: set, add or delete
	recurse                 // merge the mappings key by key
	mergeSet                // merge the sequences as sets
	forceOnly               // ours stays except on the Force paths below
	forceKept               // forceOnly, and report the rest as kept
	conflict                // ours stays, reported
)

// decide applies the three-way rules to one value; exact means a Force
// path ends here, sub lists the Force paths that go below.
func (m *merger) decide(b, o, t *yaml.Node, exact bool, sub [][]string) action {
	if exact {
		if m.eq(o, t) {
			return keep
		}
		return take
	}
	forcible := len(sub) > 0 && (isMap(o) || (o == nil && isMap(t)))
	switch {
	case m.eq(t, b):
		if forcible {
			return forceOnly
		}
		return keep
	case m.eq(o, b):
		return take
	case m.eq(o, t):
		return keep
	case (b == nil || isMap(b)) && isMap(o) && isMap(t):
		return recurse // an absent base is an empty one: both added it
	case (b == nil || isScalarSeq(b)) && isScalarSeq(o) && isScalarSeq(t):
		return mergeSet
	case forcible:
		return forceKept
	}
	return conflict
}

// forcePaths splits the Force paths at key k: whether one ends at k, and
// the rest of those that go below it.
func forcePaths(paths [][]string, k *yaml.Node) (exact bool, sub [][]string) {
	if len(paths) == 0 || k.Kind != yaml.ScalarNode {
		return false, nil
	}
	for _, p := range paths {
		if p[0] != k.Value {
			continue
		}
		if len(p) == 1 {
			exact = true
		} else {
			sub = append(sub, p[1:])
		}
	}
	return exact, sub
}

// document merges one document of ours in place.
func (m *merger) document(o *yaml.Node, b, t *yaml.Node) {
	if len(o.Content) == 0 || t == nil {
		return
	}
	act := m.decide(b, o.Content[0], t, false, m.force)
	if nv, ok := m.value(nil, act, b, o.Content[0], t, m.force); ok {
		o.Content[0] = nv
	}
}

// value carries out an action on ours' value o (not nil). It returns a
// replacement when ours' node itself must change (ok), nil meaning delete.
func (m *merger) value(path *keyPath, act action, b, o, t *yaml.Node, sub [][]string) (*yaml.Node, bool) {
	switch act {
	case take:
		// Make ours equal to theirs with the smallest edit, so that ours'
		// comments, order and styles stay wherever the value does.
		switch {
		case isMap(o) && isMap(t):
			m.mapping(path, o, o, t, sub) // with ours as base, every key goes to theirs
			return nil, false
		case o.Kind == yaml.SequenceNode && t != nil && t.Kind == yaml.SequenceNode:
			m.sequence(path, o, t)
			return nil, false
		case m.flags(o)&hasAnchor != 0 || (t != nil && m.flags(t)&hasAlias != 0):
			m.kept(m.label, path) // would drop an anchor, or copy an alias
			return nil, false
		}
		m.changed = true
		if t == nil {
			return nil, true
		}
		nv := clone(t)
		if o.Kind == yaml.ScalarNode && nv.Kind == yaml.ScalarNode {
			keepComments(nv, o)
		}
		return nv, true
	case recurse:
		m.mapping(path, b, o, t, sub)
	case mergeSet:
		m.set(path, b, o, t)
	case forceKept:
		if m.differsOutside(b, t, sub) {
			m.kept(m.label, path)
		}
		fallthrough
	case forceOnly:
		if isMap(o) {
			tm := t
			if !isMap(tm) {
				tm = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
			}
			m.mapping(path, tm, o, tm, sub)
		}
	case conflict:
		m.kept(m.label, path)
	}
	return nil, false
}

func keepComments(dst, src *yaml.Node) {
	if dst.HeadComment == "" {
		dst.HeadComment = src.HeadComment
	}
	if dst.LineComment == "" {
		dst.LineComment = src.LineComment
	}
	if dst.FootComment == "" {
		dst.FootComment = src.FootComment
	}
}

// keyIndex maps each key of a mapping to the index of its first pair.
func (m *merger) keyIndex(n *yaml.Node) map[digest]int {
	if !isMap(n) {
		return nil
	}
	idx := make(map[digest]int, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := m.hash(n.Content[i])
		if _, dup := idx[k]; !dup {
			idx[k] = i
		}
	}
	return idx
}

func valueAt(n *yaml.Node, idx map[digest]int, k digest) *yaml.Node {
	if i, ok := idx[k]; ok {
		return n.Content[i+1]
	}
	return nil
}

// mapping merges ours' mapping o in place, key by key; b and t are
// mappings or nil (empty).
func (m *merger) mapping(path *keyPath, b, o, t *yaml.Node, force [][]string) {
	bIdx, oIdx, tIdx := m.keyIndex(b), m.keyIndex(o), m.keyIndex(t)
	var fromMerge map[digest]bool // keys ours' merge keys supply, once needed
	supplied := func(k digest) bool {
		if fromMerge == nil {
			fromMerge = m.mergeSupplies(o)
		}
		return fromMerge[k] || fromMerge[digest{}]
	}
	n := len(o.Content) / 2
	deleted := make([]bool, n)
	edited := false
	for i := 0; i+1 < len(o.Content); i += 2 {
		kn, ov := o.Content[i], o.Content[i+1]
		k := m.hash(kn)
		if oIdx[k] != i {
			continue // a repeated key: the first one counts
		}
		exact, sub := forcePaths(force, kn)
		bv, tv := valueAt(b, bIdx, k), valueAt(t, tIdx, k)
		kp := &keyPath{parent: path, key: kn}
		act := m.decide(bv, ov, tv, exact, sub)
		if act == take && tv == nil && (m.flags(kn)&hasAnchor != 0 || supplied(k)) {
			m.kept(m.label, kp)
			continue
		}
		nv, ok := m.value(kp, act, bv, ov, tv, sub)
		switch {
		case !ok:
		case nv == nil:
			deleted[i/2] = true
			edited = true
		default:
			o.Content[i+1] = nv
		}
	}
	// Keys of theirs that ours does not have, each placed after the key
	// before it in theirs when ours has that key, else at the end.
	after := map[int][]*yaml.Node{} // pair index in ours (-1: the end) → pairs to insert
	placed := map[digest]int{}      // added key → where it went
	var prev *yaml.Node
	if t != nil {
		for i := 0; i+1 < len(t.Content); i += 2 {
			kn, tv := t.Content[i], t.Content[i+1]
			p := prev
			prev = kn
			k := m.hash(kn)
			if _, ok := oIdx[k]; ok || tIdx[k] != i {
				continue
			}
			if _, ok := placed[k]; ok {
				continue
			}
			exact, sub := forcePaths(force, kn)
			bv := valueAt(b, bIdx, k)
			kp := &keyPath{parent: path, key: kn}
			var nv *yaml.Node
			switch m.decide(bv, nil, tv, exact, sub) {
			case take:
				if m.flags(tv)&hasAlias != 0 || m.flags(kn)&hasAlias != 0 {
					m.kept(m.label, kp)
					continue
				}
				nv = clone(tv)
			case forceKept:
				if m.differsOutside(bv, tv, sub) {
					m.kept(m.label, kp)
				}
				fallthrough
			case forceOnly:
				// Ours has no such mapping: build one holding only the
				// forced keys.
				if m.flags(kn)&hasAlias != 0 {
					continue
				}
				nm := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Style: tv.Style & yaml.FlowStyle}
				m.mapping(kp, tv, nm, tv, sub)
				if len(nm.Content) == 0 {
					continue
				}
				nv = nm
			case conflict:
				m.kept(m.label, kp)
				continue
			default:
				continue
			}
			at := -1
			if p != nil {
				pk := m.hash(p)
				if j, ok := oIdx[pk]; ok {
					at = j / 2
				} else if j, ok := placed[pk]; ok {
					at = j
				}
			}
			placed[k] = at
			after[at] = append(after[at], clone(kn), nv)
			m.changed = true
			edited = true
		}
	}
	if !edited {
		return
	}
	content := make([]*yaml.Node, 0, len(o.Content)+2*len(placed))
	for i := 0; i < n; i++ {
		if !deleted[i] {
			content = append(content, o.Content[2*i], o.Content[2*i+1])
		}
		content = append(content, after[i]...)
	}
	if len(o.Content)%2 == 1 { // not from the parser, but keep it whole
		content = append(content, o.Content[len(o.Content)-1])
	}
	o.Content = append(content, after[-1]...)
}

// set merges sequences of scalars as sets: the items the template added
// are appended unless ours has them, those it removed are removed from
// ours, the team's own items and ours' order stay.
func (m *merger) set(path *keyPath, b, o, t *yaml.Node) {
	inB := map[digest]bool{}
	if b != nil {
		for _, c := range b.Content {
			inB[m.hash(c)] = true
		}
	}
	inT := make(map[digest]bool, len(t.Content))
	for _, c := range t.Content {
		inT[m.hash(c)] = true
	}
	inO := make(map[digest]bool, len(o.Content))
	content := make([]*yaml.Node, 0, len(o.Content)+len(t.Content))
	edited := false
	for _, c := range o.Content {
		h := m.hash(c)
		if inB[h] && !inT[h] {
			if c.Anchor != "" {
				m.kept(m.label, path)
				return
			}
			edited = true
			continue
		}
		inO[h] = true
		content = append(content, c)
	}
	for _, c := range t.Content {
		h := m.hash(c)
		if inB[h] || inO[h] {
			continue
		}
		inO[h] = true
		content = append(content, clone(c))
		edited = true
	}
	if edited {
		o.Content = content
		m.changed = true
	}
}

// sequence makes ours' sequence o hold theirs' items, in theirs' order,
// reusing ours' equal items (with their comments and styles) and ours'
// sequence node.
func (m *merger) sequence(path *keyPath, o, t *yaml.Node) {
	avail := make(map[digest][]int, len(o.Content))
	for i, c := range o.Content {
		h := m.hash(c)
		avail[h] = append(avail[h], i)
	}
	// Reordering ours' items could put an alias before its anchor.
	ordered := m.flags(o)&(hasAlias|hasAnchor) != 0
	used := make([]bool, len(o.Content))
	content := make([]*yaml.Node, 0, len(t.Content))
	same := len(t.Content) == len(o.Content)
	last := -1
	for _, c := range t.Content {
		h := m.hash(c)
		if l := avail[h]; len(l) > 0 {
			i := l[0]
			avail[h] = l[1:]
			if ordered && i < last {
				m.kept(m.label, path)
				return
			}
			last = i
			used[i] = true
			same = same && i == len(content)
			content = append(content, o.Content[i])
			continue
		}
		if m.flags(c)&hasAlias != 0 {
			m.kept(m.label, path)
			return
		}
		content = append(content, clone(c))
		same = false
	}
	for i, c := range o.Content {
		if !used[i] && m.flags(c)&hasAnchor != 0 {
			m.kept(m.label, path)
			return
		}
	}
	if !same {
		o.Content = content
		m.changed = true
	}
}

// keyName is a key as Kept shows it.
func keyName(k *yaml.Node) string {
	if k.Kind == yaml.ScalarNode {
		return k.Value
	}
	if k.Kind == yaml.AliasNode {
		return "*" + k.Value
	}
	return "?"
}

// mergeSupplies lists the keys the merge keys (<<) of mapping o supply:
// deleting ours' own such key would let the merged value show through
// instead of removing the key. The zero digest stands for "every key",
// for a source that is not a plain mapping or has merge keys of its own.
func (m *merger) mergeSupplies(o *yaml.Node) map[digest]bool {
	keys := map[digest]bool{}
	for i := 0; i+1 < len(o.Content); i += 2 {
		if o.Content[i].ShortTag() != "!!merge" {
			continue
		}
		sources := []*yaml.Node{o.Content[i+1]}
		if v := deref(o.Content[i+1]); v.Kind == yaml.SequenceNode {
			sources = v.Content
		}
		for _, s := range sources {
			s = deref(s)
			if s.Kind != yaml.MappingNode {
				keys[digest{}] = true
				continue
			}
			for j := 0; j+1 < len(s.Content); j += 2 {
				if s.Content[j].ShortTag() == "!!merge" {
					keys[digest{}] = true
				}
				keys[m.hash(s.Content[j])] = true
			}
		}
	}
	return keys
}

func deref(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		return n.Alias
	}
	return n
}

// differsOutside reports whether b and t differ anywhere but on the Force
// paths given, which have been applied already.
func (m *merger) differsOutside(b, t *yaml.Node, force [][]string) bool {
	if len(force) == 0 || !isMap(b) || !isMap(t) {
		return !m.eq(b, t)
	}
	bIdx, tIdx := m.keyIndex(b), m.keyIndex(t)
	check := func(n *yaml.Node) bool {
		for i := 0; i+1 < len(n.Content); i += 2 {
			kn := n.Content[i]
			k := m.hash(kn)
			exact, sub := forcePaths(force, kn)
			if !exact && m.differsOutside(valueAt(b, bIdx, k), valueAt(t, tIdx, k), sub) {
				return true
			}
		}
		return false
	}
	return check(b) || check(t)
}
