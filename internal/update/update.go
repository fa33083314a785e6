package update

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"slices"

	"github.com/platform-team/platform/internal/merge3"
	"github.com/platform-team/platform/internal/scaffold"
)

// MaxMergeSize is the largest file, in bytes, that is merged line by line;
// a larger one is handled like a binary file (never merged). It bounds the
// time and memory one file can take.
const MaxMergeSize = 16 << 20

// NewSuffix is appended to the path of a binary conflict's theirs version.
const NewSuffix = ".platform-new"

// OursFile is a file of the service's committed tree.
type OursFile struct {
	Data []byte
	Mode fs.FileMode
}

// Input is what Compute merges.
type Input struct {
	// Base is the old template version rendered with the recorded answers.
	Base *scaffold.Plan
	// Theirs is the new version rendered with the updated answers.
	Theirs *scaffold.Plan
	// Ours is the service's committed tree by slash-separated path; files
	// the team deleted are absent.
	Ours map[string]OursFile
	// Renames are the migrations between the two versions, oldest first.
	Renames []scaffold.Rename
	// Label names theirs in conflict markers: "<template> <version>".
	Label string
	// Skip lists paths the caller updates itself (catalog-info.yaml,
	// .platform/answers.yaml); they are never listed.
	Skip []string
}

// Action is what an update does to one path.
type Action string

// The actions of a Change.
const (
	Unchanged      Action = "unchanged"       // nothing to do
	Updated        Action = "updated"         // the team never changed it: the new render is taken
	Kept           Action = "kept"            // the template did not change it: ours stays
	Merged         Action = "merged"          // both changed it, merged cleanly
	Conflict       Action = "conflict"        // both changed the same lines: written with conflict markers
	Added          Action = "added"           // new in the template
	Removed        Action = "removed"         // the template removed it and the team never changed it
	KeptRemoved    Action = "kept-removed"    // the template removed it, the team changed it: kept
	TeamDeleted    Action = "team-deleted"    // the team deleted it: stays deleted
	BinaryConflict Action = "binary-conflict" // both changed a binary file: ours stays, theirs goes to Extra
	Renamed        Action = "renamed"         // a migration moved it, nothing else changed
)

// Change is the outcome for one path.
type Change struct {
	// Path is where the file is after the update.
	Path string
	// From is the service's old path when a migration moved the file there
	// (the caller deletes it); "" otherwise.
	From   string
	Action Action
	// Data is the file's content after the update, nil when it does not
	// exist afterwards (removed, team-deleted). It may share memory with
	// the input.
	Data []byte
	// Mode is the file's mode after the update.
	Mode fs.FileMode
	// Conflicts counts the conflict hunks written into Data.
	Conflicts int
	// Extra is theirs' version of a binary conflict, to be written as
	// Path + NewSuffix.
	Extra *scaffold.File
}

// Writes reports whether Data must be written to Path: its content or mode
// differs from what the service has at Path now.
func (c Change) Writes() bool {
	switch c.Action {
	case Updated, Merged, Conflict, Added, Renamed:
		return true
	}
	return c.From != "" && c.Data != nil
}

// Deletes returns the path the caller removes from the service, if any:
// the old path of a moved file, or the path of a removed one.
func (c Change) Deletes() string {
	if c.From != "" {
		return c.From
	}
	if c.Action == Removed {
		return c.Path
	}
	return ""
}

// Plan is the outcome of an update, one Change per path rendered by either
// version (files only the service has are not listed), sorted by path.
type Plan struct {
	Changes []Change
}

// Conflicted returns the paths left with a conflict (markers or a binary
// conflict), sorted.
func (p *Plan) Conflicted() []string {
	var out []string
	for _, c := range p.Changes {
		if c.Action == Conflict || c.Action == BinaryConflict {
			out = append(out, c.Path)
		}
	}
	return out
}

// Changed reports whether applying the plan changes the service's tree.
func (p *Plan) Changed() bool {
	for _, c := range p.Changes {
		if c.Writes() || c.Deletes() != "" || c.Extra != nil {
			return true
		}
	}
	return false
}

// Summary counts the changes by action.
func (p *Plan) Summary() map[Action]int {
	out := map[Action]int{}
	for _, c := range p.Changes {
		out[c.Action]++
	}
	return out
}

// Apply returns the tree after the update: a copy of tree with every
// deletion done first, then every write (Data at Path, Extra at its path),
// which is the order a caller writing to disk follows too (a file may be
// re-created at a path another file moved away from).
func (p *Plan) Apply(tree map[string]OursFile) map[string]OursFile {
	out := make(map[string]OursFile, len(tree))
	for k, v := range tree {
		out[k] = v
	}
	for _, c := range p.Changes {
		if d := c.Deletes(); d != "" {
			delete(out, d)
		}
	}
	for _, c := range p.Changes {
		if c.Writes() {
			out[c.Path] = OursFile{Data: c.Data, Mode: c.Mode}
		}
		if c.Extra != nil {
			out[c.Extra.Path] = OursFile{Data: c.Extra.Data, Mode: c.Extra.Mode}
		}
	}
	return out
}

// side is one version of a file.
type side struct {
	data []byte
	mode fs.FileMode
}

func exec(m fs.FileMode) bool { return m&0o111 != 0 }

// same reports whether two versions are the same file for git: content and
// executable bit.
func same(a, b *side) bool {
	return bytes.Equal(a.data, b.data) && exec(a.mode) == exec(b.mode)
}

// Compute plans the update of a service (see the package documentation for
// the rules). It fails only on invalid input.
func Compute(in Input) (*Plan, error) {
	if in.Base == nil || in.Theirs == nil {
		return nil, errors.New("update: base and theirs renders are required")
	}
	if in.Label == "" {
		return nil, errors.New("update: a label for theirs' conflict markers is required")
	}
	base, err := sides(in.Base, "base")
	if err != nil {
		return nil, err
	}
	theirs, err := sides(in.Theirs, "theirs")
	if err != nil {
		return nil, err
	}
	ours := make(map[string]*side, len(in.Ours))
	for p, f := range in.Ours {
		if p == "" {
			return nil, errors.New("update: ours has a file with an empty path")
		}
		ours[p] = &side{f.Data, f.Mode}
	}
	skip := make(map[string]bool, len(in.Skip))
	for _, p := range in.Skip {
		skip[p] = true
	}
	origin, err := applyRenames(in.Renames, skip, base, ours)
	if err != nil {
		return nil, err
	}
	var paths []string
	for p := range base {
		if !skip[p] {
			paths = append(paths, p)
		}
	}
	for p := range theirs {
		if _, ok := base[p]; !ok && !skip[p] {
			paths = append(paths, p)
		}
	}
	slices.Sort(paths)

	labels := merge3.Labels{Ours: "ours", Base: "base", Theirs: in.Label}
	plan := &Plan{}
	for _, p := range paths {
		c, ok := decide(p, base[p], theirs[p], ours[p], labels)
		if !ok {
			continue
		}
		c.From = origin[p]
		if c.From != "" && c.Action == Unchanged {
			c.Action = Renamed
		}
		plan.Changes = append(plan.Changes, c)
	}
	return plan, nil
}

// sides indexes a render by path, refusing the same path twice.
func sides(p *scaffold.Plan, name string) (map[string]*side, error) {
	out := make(map[string]*side, len(p.Files))
	for _, f := range p.Files {
		if f.Path == "" {
			return nil, fmt.Errorf("update: %s render has a file with an empty path", name)
		}
		if _, dup := out[f.Path]; dup {
			return nil, fmt.Errorf("update: %s render has %s twice", name, f.Path)
		}
		out[f.Path] = &side{f.Data, f.Mode}
	}
	return out, nil
}

// applyRenames moves base's files, and ours' when the service still has the
// old path and not the new one, in migration order. It returns, for each
// moved file of ours, its path in the service. A rename whose old path base
// does not have, whose new path base already has, or that involves a
// skipped path (the caller's own files) does not apply.
func applyRenames(renames []scaffold.Rename, skip map[string]bool, base, ours map[string]*side) (map[string]string, error) {
	origin := map[string]string{}
	for i, r := range renames {
		if r.From == "" || r.To == "" || r.From == r.To {
			return nil, fmt.Errorf("update: rename %d: want two different paths, have %q -> %q", i, r.From, r.To)
		}
		b, ok := base[r.From]
		if _, clash := base[r.To]; !ok || clash || skip[r.From] || skip[r.To] {
			continue
		}
		base[r.To] = b
		delete(base, r.From)
		o, ok := ours[r.From]
		if _, clash := ours[r.To]; !ok || clash {
			continue
		}
		ours[r.To] = o
		delete(ours, r.From)
		from := r.From
		if prev, ok := origin[r.From]; ok {
			from = prev
			delete(origin, r.From)
		}
		if from != r.To {
			origin[r.To] = from
		}
	}
	return origin, nil
}

// decide applies the rules to one path; false means it is not listed.
func decide(p string, b, t, o *side, labels merge3.Labels) (Change, bool) {
	switch {
	case t == nil && b == nil:
		return Change{}, false
	case t == nil: // removed by the template
		switch {
		case o == nil:
			return Change{}, false
		case same(o, b):
			return Change{Path: p, Action: Removed}, true
		default:
			return keep(p, KeptRemoved, o), true
		}
	case o == nil:
		if b == nil {
			return Change{Path: p, Action: Added, Data: t.data, Mode: t.mode}, true
		}
		return Change{Path: p, Action: TeamDeleted}, true
	case b == nil: // added by the template and by the team
		switch {
		case same(o, t):
			return keep(p, Unchanged, o), true
		case bytes.Equal(o.data, t.data):
			return keep(p, Kept, o), true
		}
		return merge(p, nil, t, o, labels), true
	}
	switch {
	case same(o, b) && same(t, b):
		return keep(p, Unchanged, o), true
	case same(o, b):
		return Change{Path: p, Action: Updated, Data: t.data, Mode: t.mode}, true
	case same(t, b):
		return keep(p, Kept, o), true
	case same(o, t):
		return keep(p, Unchanged, o), true
	}
	return merge(p, b, t, o, labels), true
}

func keep(p string, a Action, o *side) Change {
	return Change{Path: p, Action: a, Data: o.data, Mode: o.mode}
}

// merge combines two versions that both differ from base (nil when both
// added the file): content and executable bit are merged separately.
func merge(p string, b, t, o *side, labels merge3.Labels) Change {
	c := Change{Path: p, Action: Merged, Mode: o.mode}
	if b != nil && exec(o.mode) == exec(b.mode) {
		c.Mode = t.mode
	}
	var baseData []byte
	if b != nil {
		baseData = b.data
	}
	switch {
	case b != nil && bytes.Equal(o.data, b.data):
		c.Data = t.data
	case b != nil && bytes.Equal(t.data, b.data), bytes.Equal(o.data, t.data):
		c.Data = o.data
	case unmergeable(baseData) || unmergeable(o.data) || unmergeable(t.data):
		return Change{Path: p, Action: BinaryConflict, Data: o.data, Mode: o.mode,
			Extra: &scaffold.File{Path: p + NewSuffix, Mode: t.mode, Data: t.data}}
	default:
		r := merge3.Merge(baseData, o.data, t.data, labels)
		c.Data, c.Conflicts = r.Data, r.Conflicts
		if r.Conflicts > 0 {
			c.Action = Conflict
		}
	}
	return c
}

// unmergeable reports whether a version must not be merged line by line.
func unmergeable(data []byte) bool {
	return len(data) > MaxMergeSize || merge3.IsBinary(data)
}
