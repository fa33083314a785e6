package update

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/platform-team/platform/internal/scaffold"
	"github.com/platform-team/platform/templates"
)

// skipped are the paths `platform update` updates itself.
var skipped = []string{"catalog-info.yaml", ".platform/answers.yaml"}

// renderGoService renders today's embedded go-service, in memory.
func renderGoService(tb testing.TB) *scaffold.Plan {
	tb.Helper()
	sub, err := fs.Sub(templates.FS, "go-service")
	if err != nil {
		tb.Fatal(err)
	}
	tmpl, err := scaffold.Load(sub, scaffold.Source{Kind: scaffold.SourceEmbedded})
	if err != nil {
		tb.Fatal(err)
	}
	values, err := scaffold.Collect(tmpl.Manifest, scaffold.Inputs{Name: "payments", Owner: "group:payments"})
	if err != nil {
		tb.Fatal(err)
	}
	p, err := scaffold.Render(context.Background(), tmpl, values, scaffold.RenderOptions{PlatformVersion: "test"})
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// nextVersion makes a plausible next version of a render: the first line of
// every other file changed, a line appended to every third, one file
// removed, one made executable, one added.
func nextVersion(base *scaffold.Plan) *scaffold.Plan {
	out := &scaffold.Plan{}
	for i, f := range base.Files {
		switch {
		case i == 1:
			continue // removed
		case i%2 == 0:
			f.Data = append([]byte("# changed in 1.1.0\n"), f.Data...)
		case i%3 == 0:
			f.Data = append(slices.Clip(f.Data), "# appended in 1.1.0\n"...)
		case i == 5:
			f.Mode |= 0o111
		}
		out.Files = append(out.Files, f)
	}
	out.Files = append(out.Files, scaffold.File{Path: "zz-new/added.md", Mode: 0o644, Data: []byte("# new in 1.1.0\n")})
	return out
}

// teamEdits edits a tree as a team would: a line appended to the end of
// every fourth file (merging with the template's change to its first line),
// the first line of the third file rewritten (conflicting), and a file of
// the team's own.
func teamEdits(t map[string]OursFile, paths []string) map[string]OursFile {
	out := maps.Clone(t)
	for i, p := range paths {
		f := out[p]
		switch {
		case i == 2:
			f.Data = append([]byte("# the team's first line\n"), f.Data[bytes.IndexByte(f.Data, '\n')+1:]...)
		case i%4 == 0:
			f.Data = append(slices.Clip(f.Data), "# the team's last line\n"...)
		}
		out[p] = f
	}
	out["internal/payments/team.go"] = OursFile{Data: []byte("package payments\n"), Mode: 0o644}
	return out
}

// TestUntouchedServiceEqualsFreshRender: updating a service nobody edited
// gives exactly a fresh render of the new version (apart from the files the
// caller updates itself), with nothing kept, merged or in conflict.
func TestUntouchedServiceEqualsFreshRender(t *testing.T) {
	base := renderGoService(t)
	theirs := nextVersion(base)
	ours := treeOf(base)
	p, err := Compute(Input{Base: base, Theirs: theirs, Ours: ours, Label: label, Skip: skipped})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range p.Changes {
		switch c.Action {
		case Unchanged, Updated, Added, Removed:
		default:
			t.Errorf("%s: %s, want only unchanged, updated, added or removed", c.Path, c.Action)
		}
	}
	got, want := p.Apply(ours), treeOf(theirs)
	for _, s := range skipped {
		delete(got, s)
		delete(want, s)
	}
	if !equalTrees(got, want) {
		t.Errorf("update of an untouched service differs from a fresh render:\n got %v\nwant %v", slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want)))
	}
	if s := p.Summary(); s[Updated] == 0 || s[Added] != 1 || s[Removed] != 1 {
		t.Errorf("Summary = %v: the fixture should update, add and remove files", s)
	}
}

// TestTeamAndTemplateEdits runs the benchmark's situation once and checks
// its outcome: the team's files and lines survive, the template's changes
// arrive, and the one overlapping edit is a conflict.
func TestTeamAndTemplateEdits(t *testing.T) {
	in := benchInput(t)
	p, err := Compute(in)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Conflicted(); len(got) != 1 {
		t.Errorf("Conflicted = %q, want the one file both rewrote the first line of", got)
	}
	after := p.Apply(in.Ours)
	if _, ok := after["internal/payments/team.go"]; !ok {
		t.Error("the team's own file is gone")
	}
	if _, ok := after["zz-new/added.md"]; !ok {
		t.Error("the template's new file is missing")
	}
	s := p.Summary()
	if s[Merged] == 0 || s[Updated] == 0 {
		t.Errorf("Summary = %v, want merges and updates", s)
	}
	for _, c := range p.Changes {
		if c.Action == Merged && !bytes.Contains(c.Data, []byte("# the team's last line\n")) {
			t.Errorf("%s: merged without the team's line", c.Path)
		}
	}
}

func benchInput(tb testing.TB) Input {
	base := renderGoService(tb)
	ours := teamEdits(treeOf(base), pathsOf(base))
	return Input{Base: base, Theirs: nextVersion(base), Ours: ours, Label: label, Skip: skipped}
}

func pathsOf(p *scaffold.Plan) []string {
	var out []string
	for _, f := range p.Files {
		out = append(out, f.Path)
	}
	return out
}

// BenchmarkCompute plans the update of the go-service with edits on both
// sides (merges, a conflict, additions and a removal); it excludes the two
// renders, which BenchmarkRenderGoService in internal/scaffold measures.
func BenchmarkCompute(b *testing.B) {
	in := benchInput(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compute(in); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(in.Base.Files)), "files")
}

// fuzzer turns fuzz bytes into choices; past the end every choice is 0.
type fuzzer struct{ data []byte }

func (z *fuzzer) next(n int) int {
	if len(z.data) == 0 {
		return 0
	}
	b := z.data[0]
	z.data = z.data[1:]
	return int(b) % n
}

var (
	fuzzPaths = []string{"a", "b", "c", "d/e", "d/f", "catalog-info.yaml"}
	fuzzLines = []string{"x\n", "y\n", "z\n", "x\r\n", "w", "\x00\n", "<<<<<<< ours\n", "=======\n", ""}
)

// content is a short random file.
func (z *fuzzer) content() []byte {
	var b bytes.Buffer
	for range z.next(6) {
		b.WriteString(fuzzLines[z.next(len(fuzzLines))])
	}
	return b.Bytes()
}

func (z *fuzzer) mode() fs.FileMode { return []fs.FileMode{0o644, 0o755}[z.next(2)] }

// edit returns f, or an edited copy of it.
func (z *fuzzer) edit(f scaffold.File) (scaffold.File, bool) {
	switch z.next(4) {
	case 0:
		return f, false // deleted
	case 1:
		f.Data = z.content()
	case 2:
		f.Mode ^= 0o111
	}
	return f, true
}

func (z *fuzzer) input() Input {
	base := &scaffold.Plan{}
	for _, p := range fuzzPaths {
		if z.next(3) > 0 {
			base.Files = append(base.Files, scaffold.File{Path: p, Data: z.content(), Mode: z.mode()})
		}
	}
	theirs, ours := &scaffold.Plan{}, map[string]OursFile{}
	inTheirs := map[string]bool{}
	for _, f := range base.Files {
		if t, ok := z.edit(f); ok {
			theirs.Files = append(theirs.Files, t)
			inTheirs[t.Path] = true
		}
		if o, ok := z.edit(f); ok {
			ours[o.Path] = OursFile{Data: o.Data, Mode: o.Mode}
		}
	}
	for _, p := range fuzzPaths {
		if z.next(4) == 0 {
			if !inTheirs[p] {
				theirs.Files = append(theirs.Files, scaffold.File{Path: p, Data: z.content(), Mode: z.mode()})
			}
		}
		if z.next(4) == 0 {
			if _, ok := ours[p]; !ok {
				ours[p] = OursFile{Data: z.content(), Mode: z.mode()}
			}
		}
	}
	slices.SortFunc(theirs.Files, func(a, b scaffold.File) int { return strings.Compare(a.Path, b.Path) })
	var renames []scaffold.Rename
	for range z.next(3) {
		from, to := fuzzPaths[z.next(len(fuzzPaths))], fuzzPaths[z.next(len(fuzzPaths))]
		if from != to {
			renames = append(renames, scaffold.Rename{From: from, To: to})
		}
	}
	var skip []string
	if z.next(2) == 0 {
		skip = []string{"catalog-info.yaml"}
	}
	return Input{Base: base, Theirs: theirs, Ours: ours, Renames: renames, Label: label, Skip: skip}
}

// FuzzCompute checks on small random plans that Compute never fails on
// valid input and that two invariants hold: a service nobody edited ends up
// as the new render, and a template that did not change leaves the service
// as it is.
func FuzzCompute(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("\x01\x05\x02\x03\x01\x04\x02\x01\x01\x03\x00\x02\x01\x01\x02\x03\x01\x02"))
	f.Add(bytes.Repeat([]byte{1, 2, 3, 5, 7, 11, 13}, 20))
	f.Fuzz(func(t *testing.T, data []byte) {
		z := &fuzzer{data: data}
		in := z.input()
		check(t, "random", in)

		// ours == base: the result is theirs.
		untouched := in
		untouched.Ours = treeOf(in.Base)
		p := check(t, "untouched", untouched)
		got, want := p.Apply(untouched.Ours), treeOf(in.Theirs)
		for _, s := range in.Skip {
			delete(got, s)
			delete(want, s)
		}
		if !equalTrees(got, want) {
			t.Errorf("untouched service: got %s, want %s", dump(got), dump(want))
		}
		if len(p.Conflicted()) > 0 {
			t.Errorf("untouched service has conflicts: %q", p.Conflicted())
		}

		// theirs == base (and so no migrations): ours stays.
		current := in
		current.Theirs, current.Renames = in.Base, nil
		p = check(t, "current", current)
		if p.Changed() {
			t.Errorf("template unchanged, yet the plan changes the service: %+v", p.Changes)
		}
		if got := p.Apply(in.Ours); !equalTrees(got, in.Ours) {
			t.Errorf("template unchanged: got %s, want %s", dump(got), dump(in.Ours))
		}
	})
}

// check runs Compute and checks what holds for every plan.
func check(t *testing.T, what string, in Input) *Plan {
	t.Helper()
	before := dump(treeOf(in.Base)) + dump(treeOf(in.Theirs)) + dump(in.Ours)
	p, err := Compute(in)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if after := dump(treeOf(in.Base)) + dump(treeOf(in.Theirs)) + dump(in.Ours); after != before {
		t.Errorf("%s: Compute changed its input", what)
	}
	for i, c := range p.Changes {
		if i > 0 && p.Changes[i-1].Path >= c.Path {
			t.Errorf("%s: changes not sorted and unique at %s", what, c.Path)
		}
		if slices.Contains(in.Skip, c.Path) {
			t.Errorf("%s: skipped path %s listed", what, c.Path)
		}
		if (c.Action == Conflict) != (c.Conflicts > 0) {
			t.Errorf("%s: %s is %s with %d conflicts", what, c.Path, c.Action, c.Conflicts)
		}
		if c.Action == Conflict && !bytes.Contains(c.Data, []byte(">>>>>>> "+label)) {
			t.Errorf("%s: %s conflict without the label: %q", what, c.Path, c.Data)
		}
		if (c.Action == BinaryConflict) != (c.Extra != nil) {
			t.Errorf("%s: %s is %s with extra %v", what, c.Path, c.Action, c.Extra)
		}
	}
	again, err := Compute(in)
	if err != nil || !reflect.DeepEqual(again, p) {
		t.Errorf("%s: Compute is not deterministic", what)
	}
	return p
}

func dump(t map[string]OursFile) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(t)) {
		fmt.Fprintf(&b, "%s(%o)=%q ", k, t[k].Mode, t[k].Data)
	}
	return b.String()
}
