package update

import (
	"bytes"
	"io/fs"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/platform-team/platform/internal/scaffold"
)

const label = "go-service 1.1.0"

// f is a file of a render or of the service, mode 0644 unless given.
type f struct {
	path, data string
	mode       fs.FileMode
}

func (x f) m() fs.FileMode {
	if x.mode == 0 {
		return 0o644
	}
	return x.mode
}

func plan(files ...f) *scaffold.Plan {
	p := &scaffold.Plan{}
	for _, x := range files {
		p.Files = append(p.Files, scaffold.File{Path: x.path, Data: []byte(x.data), Mode: x.m()})
	}
	slices.SortFunc(p.Files, func(a, b scaffold.File) int { return strings.Compare(a.Path, b.Path) })
	return p
}

func tree(files ...f) map[string]OursFile {
	t := map[string]OursFile{}
	for _, x := range files {
		t[x.path] = OursFile{Data: []byte(x.data), Mode: x.m()}
	}
	return t
}

func treeOf(p *scaffold.Plan) map[string]OursFile {
	t := map[string]OursFile{}
	for _, x := range p.Files {
		t[x.Path] = OursFile{Data: x.Data, Mode: x.Mode}
	}
	return t
}

// want is the expected change for one path; data "-" means nil.
type want struct {
	path, from string
	action     Action
	data       string
	mode       fs.FileMode
	conflicts  int
	extra      string // theirs' data of a binary conflict
}

const lines = "a\nb\nc\nd\ne\nf\ng\n"

func TestCompute(t *testing.T) {
	bin := "\x00PNG old"
	tests := []struct {
		name                string
		base, theirs, ours  []f
		renames             []scaffold.Rename
		skip                []string
		want                []want
		wantTree            map[string]OursFile // checked when set
		wantConflictedPaths []string
	}{
		{
			name:   "untouched and unchanged",
			base:   []f{{path: "a.txt", data: lines}},
			theirs: []f{{path: "a.txt", data: lines}},
			ours:   []f{{path: "a.txt", data: lines}},
			want:   []want{{path: "a.txt", action: Unchanged, data: lines}},
		},
		{
			name:   "team-only",
			base:   []f{{path: "a.txt", data: lines}},
			theirs: []f{{path: "a.txt", data: lines}},
			ours:   []f{{path: "a.txt", data: "a\nB\nc\nd\ne\nf\ng\n"}, {path: "mine.go", data: "package mine\n"}},
			want:   []want{{path: "a.txt", action: Kept, data: "a\nB\nc\nd\ne\nf\ng\n"}},
		},
		{
			name:   "template-only",
			base:   []f{{path: "a.txt", data: lines}},
			theirs: []f{{path: "a.txt", data: "a\nb\nc\nD\ne\nf\ng\n"}},
			ours:   []f{{path: "a.txt", data: lines}},
			want:   []want{{path: "a.txt", action: Updated, data: "a\nb\nc\nD\ne\nf\ng\n"}},
		},
		{
			name:   "both clean",
			base:   []f{{path: "a.txt", data: lines}},
			theirs: []f{{path: "a.txt", data: "a\nb\nc\nd\ne\nf\nG\n"}},
			ours:   []f{{path: "a.txt", data: "A\nb\nc\nd\ne\nf\ng\n"}},
			want:   []want{{path: "a.txt", action: Merged, data: "A\nb\nc\nd\ne\nf\nG\n"}},
		},
		{
			name:   "both same change",
			base:   []f{{path: "a.txt", data: lines}},
			theirs: []f{{path: "a.txt", data: "A\nb\nc\nd\ne\nf\ng\n"}},
			ours:   []f{{path: "a.txt", data: "A\nb\nc\nd\ne\nf\ng\n"}},
			want:   []want{{path: "a.txt", action: Unchanged, data: "A\nb\nc\nd\ne\nf\ng\n"}},
		},
		{
			name:   "both conflict",
			base:   []f{{path: "a.txt", data: lines}},
			theirs: []f{{path: "a.txt", data: "a\nb\nc\nTHEIRS\ne\nf\ng\n"}},
			ours:   []f{{path: "a.txt", data: "a\nb\nc\nOURS\ne\nf\ng\n"}},
			want: []want{{path: "a.txt", action: Conflict, conflicts: 1,
				data: "a\nb\nc\n<<<<<<< ours\nOURS\n=======\nTHEIRS\n>>>>>>> go-service 1.1.0\ne\nf\ng\n"}},
			wantConflictedPaths: []string{"a.txt"},
		},
		{
			name:   "added",
			base:   []f{},
			theirs: []f{{path: "docs/new.md", data: "# new\n", mode: 0o600}},
			ours:   []f{},
			want:   []want{{path: "docs/new.md", action: Added, data: "# new\n", mode: 0o600}},
		},
		{
			name:   "added-both-same",
			theirs: []f{{path: "Makefile", data: "all:\n"}},
			ours:   []f{{path: "Makefile", data: "all:\n"}},
			want:   []want{{path: "Makefile", action: Unchanged, data: "all:\n"}},
		},
		{
			name:   "added-both-different",
			theirs: []f{{path: "Makefile", data: "all:\n\tgo build\n"}},
			ours:   []f{{path: "Makefile", data: "all:\n\tmake -C sub\n"}},
			want: []want{{path: "Makefile", action: Conflict, conflicts: 1,
				data: "all:\n<<<<<<< ours\n\tmake -C sub\n=======\n\tgo build\n>>>>>>> go-service 1.1.0\n"}},
			wantConflictedPaths: []string{"Makefile"},
		},
		{
			name:   "added-both same content other mode",
			theirs: []f{{path: "run.sh", data: "echo\n", mode: 0o755}},
			ours:   []f{{path: "run.sh", data: "echo\n"}},
			want:   []want{{path: "run.sh", action: Kept, data: "echo\n"}},
		},
		{
			name:     "removed",
			base:     []f{{path: "old.md", data: lines}},
			theirs:   []f{},
			ours:     []f{{path: "old.md", data: lines}},
			want:     []want{{path: "old.md", action: Removed, data: "-"}},
			wantTree: map[string]OursFile{},
		},
		{
			name: "kept-removed",
			base: []f{{path: "old.md", data: lines}},
			ours: []f{{path: "old.md", data: lines + "team note\n"}},
			want: []want{{path: "old.md", action: KeptRemoved, data: lines + "team note\n"}},
		},
		{
			name: "removed by both",
			base: []f{{path: "old.md", data: lines}},
			want: nil,
		},
		{
			name:     "team-deleted",
			base:     []f{{path: "a.txt", data: lines}},
			theirs:   []f{{path: "a.txt", data: lines + "more\n"}},
			want:     []want{{path: "a.txt", action: TeamDeleted, data: "-"}},
			wantTree: map[string]OursFile{},
		},
		{
			name:   "binary conflict",
			base:   []f{{path: "logo.png", data: bin}},
			theirs: []f{{path: "logo.png", data: "\x00PNG theirs"}},
			ours:   []f{{path: "logo.png", data: "\x00PNG ours"}},
			want:   []want{{path: "logo.png", action: BinaryConflict, data: "\x00PNG ours", extra: "\x00PNG theirs"}},
			wantTree: map[string]OursFile{
				"logo.png":              {Data: []byte("\x00PNG ours"), Mode: 0o644},
				"logo.png.platform-new": {Data: []byte("\x00PNG theirs"), Mode: 0o644},
			},
			wantConflictedPaths: []string{"logo.png"},
		},
		{
			name:   "binary template-only",
			base:   []f{{path: "logo.png", data: bin}},
			theirs: []f{{path: "logo.png", data: "\x00PNG theirs"}},
			ours:   []f{{path: "logo.png", data: bin}},
			want:   []want{{path: "logo.png", action: Updated, data: "\x00PNG theirs"}},
		},
		{
			name:                "text made binary by the team",
			base:                []f{{path: "a.txt", data: lines}},
			theirs:              []f{{path: "a.txt", data: lines + "h\n"}},
			ours:                []f{{path: "a.txt", data: "\x00" + lines}},
			want:                []want{{path: "a.txt", action: BinaryConflict, data: "\x00" + lines, extra: lines + "h\n"}},
			wantConflictedPaths: []string{"a.txt"},
		},
		{
			name:     "rename migration with team edits following the file",
			base:     []f{{path: "docs/old.md", data: lines}},
			theirs:   []f{{path: "docs/new.md", data: "a\nb\nc\nd\ne\nf\nG\n"}},
			ours:     []f{{path: "docs/old.md", data: "A\nb\nc\nd\ne\nf\ng\n"}},
			renames:  []scaffold.Rename{{From: "docs/old.md", To: "docs/new.md"}},
			want:     []want{{path: "docs/new.md", from: "docs/old.md", action: Merged, data: "A\nb\nc\nd\ne\nf\nG\n"}},
			wantTree: map[string]OursFile{"docs/new.md": {Data: []byte("A\nb\nc\nd\ne\nf\nG\n"), Mode: 0o644}},
		},
		{
			name:    "rename only",
			base:    []f{{path: "docs/old.md", data: lines}},
			theirs:  []f{{path: "docs/new.md", data: lines}},
			ours:    []f{{path: "docs/old.md", data: lines}},
			renames: []scaffold.Rename{{From: "docs/old.md", To: "docs/new.md"}},
			want:    []want{{path: "docs/new.md", from: "docs/old.md", action: Renamed, data: lines}},
		},
		{
			name:     "rename of a team-edited file the template did not change",
			base:     []f{{path: "docs/old.md", data: lines}},
			theirs:   []f{{path: "docs/new.md", data: lines}},
			ours:     []f{{path: "docs/old.md", data: lines + "team\n"}},
			renames:  []scaffold.Rename{{From: "docs/old.md", To: "docs/new.md"}},
			want:     []want{{path: "docs/new.md", from: "docs/old.md", action: Kept, data: lines + "team\n"}},
			wantTree: map[string]OursFile{"docs/new.md": {Data: []byte(lines + "team\n"), Mode: 0o644}},
		},
		{
			name:   "chained renames",
			base:   []f{{path: "a.md", data: lines}},
			theirs: []f{{path: "c.md", data: lines + "h\n"}},
			ours:   []f{{path: "a.md", data: "A\nb\nc\nd\ne\nf\ng\n"}},
			renames: []scaffold.Rename{
				{From: "a.md", To: "b.md"},
				{From: "b.md", To: "c.md"},
			},
			want: []want{{path: "c.md", from: "a.md", action: Merged, data: "A\nb\nc\nd\ne\nf\ng\nh\n"}},
		},
		{
			name:    "rename where the team already moved it",
			base:    []f{{path: "docs/old.md", data: lines}},
			theirs:  []f{{path: "docs/new.md", data: "a\nb\nc\nd\ne\nf\nG\n"}},
			ours:    []f{{path: "docs/new.md", data: "A\nb\nc\nd\ne\nf\ng\n"}},
			renames: []scaffold.Rename{{From: "docs/old.md", To: "docs/new.md"}},
			want:    []want{{path: "docs/new.md", action: Merged, data: "A\nb\nc\nd\ne\nf\nG\n"}},
		},
		{
			name:     "renamed file removed by the template",
			base:     []f{{path: "old.md", data: lines}},
			ours:     []f{{path: "old.md", data: lines}},
			renames:  []scaffold.Rename{{From: "old.md", To: "new.md"}},
			want:     []want{{path: "new.md", from: "old.md", action: Removed, data: "-"}},
			wantTree: map[string]OursFile{},
		},
		{
			name:    "old path re-added by the template",
			base:    []f{{path: "x.md", data: lines}},
			theirs:  []f{{path: "x.md", data: "fresh\n"}, {path: "y.md", data: lines}},
			ours:    []f{{path: "x.md", data: lines + "team\n"}},
			renames: []scaffold.Rename{{From: "x.md", To: "y.md"}},
			want: []want{
				{path: "x.md", action: Added, data: "fresh\n"},
				{path: "y.md", from: "x.md", action: Kept, data: lines + "team\n"},
			},
			wantTree: map[string]OursFile{
				"x.md": {Data: []byte("fresh\n"), Mode: 0o644},
				"y.md": {Data: []byte(lines + "team\n"), Mode: 0o644},
			},
		},
		{
			name:     "rename into a skipped path does not apply",
			base:     []f{{path: "old.md", data: lines}},
			theirs:   []f{{path: "catalog-info.yaml", data: lines}},
			ours:     []f{{path: "old.md", data: lines}},
			renames:  []scaffold.Rename{{From: "old.md", To: "catalog-info.yaml"}},
			skip:     []string{"catalog-info.yaml"},
			want:     []want{{path: "old.md", action: Removed, data: "-"}},
			wantTree: map[string]OursFile{},
		},
		{
			name:   "skip",
			base:   []f{{path: "catalog-info.yaml", data: "v: 1\n"}, {path: ".platform/answers.yaml", data: "v: 1\n"}},
			theirs: []f{{path: "catalog-info.yaml", data: "v: 2\n"}, {path: ".platform/answers.yaml", data: "v: 2\n"}},
			ours:   []f{{path: "catalog-info.yaml", data: "v: 1\nteam: x\n"}, {path: ".platform/answers.yaml", data: "v: 1\n"}},
			skip:   []string{"catalog-info.yaml", ".platform/answers.yaml"},
			want:   nil,
		},
		{
			name:   "mode change by the template",
			base:   []f{{path: "run.sh", data: lines}},
			theirs: []f{{path: "run.sh", data: lines, mode: 0o755}},
			ours:   []f{{path: "run.sh", data: lines}},
			want:   []want{{path: "run.sh", action: Updated, data: lines, mode: 0o755}},
		},
		{
			name:   "mode change by the template, content by the team",
			base:   []f{{path: "run.sh", data: lines}},
			theirs: []f{{path: "run.sh", data: lines, mode: 0o755}},
			ours:   []f{{path: "run.sh", data: "A\n" + lines}},
			want:   []want{{path: "run.sh", action: Merged, data: "A\n" + lines, mode: 0o755}},
		},
		{
			name:   "mode change by the team kept over a template edit",
			base:   []f{{path: "run.sh", data: lines}},
			theirs: []f{{path: "run.sh", data: lines + "h\n"}},
			ours:   []f{{path: "run.sh", data: lines, mode: 0o755}},
			want:   []want{{path: "run.sh", action: Merged, data: lines + "h\n", mode: 0o755}},
		},
		{
			name:   "mode change by the team only",
			base:   []f{{path: "run.sh", data: lines}},
			theirs: []f{{path: "run.sh", data: lines}},
			ours:   []f{{path: "run.sh", data: lines, mode: 0o755}},
			want:   []want{{path: "run.sh", action: Kept, data: lines, mode: 0o755}},
		},
		{
			name:   "mode bits git does not record are ignored",
			base:   []f{{path: "a.txt", data: lines, mode: 0o600}},
			theirs: []f{{path: "a.txt", data: lines, mode: 0o600}},
			ours:   []f{{path: "a.txt", data: lines, mode: 0o644}},
			want:   []want{{path: "a.txt", action: Unchanged, data: lines, mode: 0o644}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ours := tree(tc.ours...)
			got, err := Compute(Input{Base: plan(tc.base...), Theirs: plan(tc.theirs...), Ours: ours,
				Renames: tc.renames, Label: label, Skip: tc.skip})
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Changes) != len(tc.want) {
				t.Fatalf("got %d changes %+v, want %d", len(got.Changes), got.Changes, len(tc.want))
			}
			for i, w := range tc.want {
				c := got.Changes[i]
				if w.mode == 0 {
					w.mode = 0o644
				}
				if c.Path != w.path || c.From != w.from || c.Action != w.action || c.Conflicts != w.conflicts {
					t.Errorf("change %d = {%s from %q %s conflicts %d}, want {%s from %q %s conflicts %d}",
						i, c.Path, c.From, c.Action, c.Conflicts, w.path, w.from, w.action, w.conflicts)
				}
				if w.data == "-" {
					if c.Data != nil {
						t.Errorf("%s: data = %q, want none", c.Path, c.Data)
					}
				} else {
					if string(c.Data) != w.data {
						t.Errorf("%s: data = %q, want %q", c.Path, c.Data, w.data)
					}
					if c.Mode != w.mode {
						t.Errorf("%s: mode = %v, want %v", c.Path, c.Mode, w.mode)
					}
				}
				switch {
				case w.extra == "" && c.Extra != nil:
					t.Errorf("%s: unexpected extra %+v", c.Path, c.Extra)
				case w.extra != "" && (c.Extra == nil || string(c.Extra.Data) != w.extra || c.Extra.Path != c.Path+".platform-new"):
					t.Errorf("%s: extra = %+v, want theirs %q at %s.platform-new", c.Path, c.Extra, w.extra, c.Path)
				}
			}
			if !slices.Equal(got.Conflicted(), tc.wantConflictedPaths) {
				t.Errorf("Conflicted() = %q, want %q", got.Conflicted(), tc.wantConflictedPaths)
			}
			if tc.wantTree != nil {
				if after := got.Apply(ours); !equalTrees(after, tc.wantTree) {
					t.Errorf("Apply = %v, want %v", after, tc.wantTree)
				}
			}
			if len(ours) != len(tc.ours) {
				t.Errorf("Compute or Apply changed its input tree")
			}
		})
	}
}

func equalTrees(a, b map[string]OursFile) bool {
	return maps.EqualFunc(a, b, func(x, y OursFile) bool {
		return bytes.Equal(x.Data, y.Data) && x.Mode == y.Mode
	})
}

func TestComputeInvalidInput(t *testing.T) {
	ok := plan(f{path: "a", data: "x"})
	for _, tc := range []struct {
		name string
		in   Input
	}{
		{"nil base", Input{Theirs: ok, Label: label}},
		{"nil theirs", Input{Base: ok, Label: label}},
		{"no label", Input{Base: ok, Theirs: ok}},
		{"duplicate path", Input{Base: &scaffold.Plan{Files: []scaffold.File{{Path: "a"}, {Path: "a"}}}, Theirs: ok, Label: label}},
		{"empty path", Input{Base: ok, Theirs: ok, Ours: map[string]OursFile{"": {}}, Label: label}},
		{"empty rename", Input{Base: ok, Theirs: ok, Label: label, Renames: []scaffold.Rename{{From: "a"}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if p, err := Compute(tc.in); err == nil {
				t.Errorf("Compute = %+v, want an error", p)
			}
		})
	}
}

func TestPlanHelpers(t *testing.T) {
	p, err := Compute(Input{
		Base:   plan(f{path: "a", data: "1\n"}, f{path: "b", data: "1\n"}, f{path: "c", data: "1\n"}),
		Theirs: plan(f{path: "a", data: "1\n"}, f{path: "b", data: "2\n"}, f{path: "c", data: "2\n"}),
		Ours:   tree(f{path: "a", data: "1\n"}, f{path: "b", data: "1\n"}, f{path: "c", data: "3\n"}),
		Label:  label,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[Action]int{Unchanged: 1, Updated: 1, Conflict: 1}
	if got := p.Summary(); !maps.Equal(got, want) {
		t.Errorf("Summary = %v, want %v", got, want)
	}
	if !p.Changed() {
		t.Error("Changed = false, want true")
	}
	if got := p.Conflicted(); !slices.Equal(got, []string{"c"}) {
		t.Errorf("Conflicted = %q", got)
	}

	same := plan(f{path: "a", data: "1\n"})
	p, err = Compute(Input{Base: same, Theirs: same, Ours: tree(f{path: "a", data: "2\n"}), Label: label})
	if err != nil {
		t.Fatal(err)
	}
	if p.Changed() {
		t.Errorf("Changed = true for a plan that only keeps ours: %+v", p.Changes)
	}
}
