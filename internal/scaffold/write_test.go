package scaffold

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/platform-team/platform/internal/lock"
)

// snapshot records every file, directory and link under dir with its content
// and mode, to compare a destination byte for byte before and after.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			target, _ := os.Readlink(p)
			out[rel] = "link " + target
		case d.IsDir():
			out[rel] = fmt.Sprintf("dir %v", info.Mode())
		default:
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			out[rel] = fmt.Sprintf("file %v %q", info.Mode(), data)
		}
		return nil
	})
	must(t, err)
	return out
}

func testPlan(t *testing.T, files ...string) *Plan {
	t.Helper()
	plan := &Plan{}
	for i := 0; i+1 < len(files); i += 2 {
		must(t, plan.Add(File{Path: files[i], Mode: 0o644, Data: []byte(files[i+1]), From: "skeleton/" + files[i]}))
	}
	return plan
}

// fakeGit makes a .git directory in the staging tree, as the commit does.
func fakeGit(staging string) error {
	if err := os.MkdirAll(filepath.Join(staging, ".git", "objects"), 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(staging, ".git", "HEAD"), []byte("ref: refs/heads/main\n"), 0o644)
}

// failingRename fails the nth call (1-based) and counts all calls.
type failingRename struct {
	n, calls int
}

func (f *failingRename) rename(oldpath, newpath string) error {
	f.calls++
	if f.calls == f.n {
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: fs.ErrPermission}
	}
	return os.Rename(oldpath, newpath)
}

func TestWriteForceIsAllOrNothing(t *testing.T) {
	plan := testPlan(t,
		"README.md", "generated readme",
		"a.txt", "a",
		"same.txt", "same",
		"sub/b.txt", "b",
		"sub/deeper/c.txt", "c",
		"z.txt", "z")
	setup := func(t *testing.T) string {
		dest := filepath.Join(t.TempDir(), "svc")
		must(t, os.MkdirAll(filepath.Join(dest, "sub"), 0o755))
		must(t, os.WriteFile(filepath.Join(dest, "README.md"), []byte("my own readme"), 0o644))
		must(t, os.WriteFile(filepath.Join(dest, "same.txt"), []byte("same"), 0o644))
		must(t, os.WriteFile(filepath.Join(dest, "z.txt"), []byte("my z"), 0o600))
		must(t, os.WriteFile(filepath.Join(dest, "sub", "mine.txt"), []byte("mine"), 0o644))
		return dest
	}

	// Count the renames of a successful write, then fail each one in turn.
	counter := &failingRename{}
	dest := setup(t)
	_, err := Write(context.Background(), plan, dest, WriteOptions{Force: true, BeforeMove: fakeGit, rename: counter.rename})
	must(t, err)
	assertFile(t, filepath.Join(dest, "README.md"), "generated readme")
	assertFile(t, filepath.Join(dest, "sub/deeper/c.txt"), "c")
	assertFile(t, filepath.Join(dest, ".git/HEAD"), "ref: refs/heads/main\n")
	if counter.calls < 6 {
		t.Fatalf("a successful write made %d renames, want at least 6", counter.calls)
	}

	for n := 1; n <= counter.calls; n++ {
		t.Run(fmt.Sprintf("rename %d fails", n), func(t *testing.T) {
			dest := setup(t)
			before := snapshot(t, dest)
			f := &failingRename{n: n}
			_, err := Write(context.Background(), plan, dest, WriteOptions{Force: true, BeforeMove: fakeGit, rename: f.rename})
			if !errors.Is(err, fs.ErrPermission) {
				t.Fatalf("err = %v, want the injected failure", err)
			}
			if strings.Contains(err.Error(), ".platform-staging") {
				t.Fatalf("error shows the staging directory: %v", err)
			}
			if !strings.Contains(err.Error(), "is as it was") {
				t.Fatalf("error does not say the destination is untouched: %v", err)
			}
			if after := snapshot(t, dest); !reflect.DeepEqual(before, after) {
				t.Fatalf("destination changed:\nbefore %v\nafter  %v", before, after)
			}
			assertNoStaging(t, filepath.Dir(dest))
		})
	}
}

func TestWriteForceRefusesTypeConflictsBeforeMovingAnything(t *testing.T) {
	cases := map[string]struct {
		setup func(dest string) error
		want  string
	}{
		"directory where a file goes": {func(dest string) error {
			return os.MkdirAll(filepath.Join(dest, "docs", "index.md"), 0o755)
		}, "has a directory at docs/index.md where the template writes a file"},
		"file where a directory goes": {func(dest string) error {
			return os.WriteFile(filepath.Join(dest, "docs"), []byte("x"), 0o644)
		}, "has a file at docs where docs/index.md needs a directory"},
		"link where a file goes": {func(dest string) error {
			if err := os.MkdirAll(filepath.Join(dest, "docs"), 0o755); err != nil {
				return err
			}
			return os.Symlink("/etc/passwd", filepath.Join(dest, "docs", "index.md"))
		}, "has a symbolic link at docs/index.md"},
		"link where a directory goes": {func(dest string) error {
			return os.Symlink(os.TempDir(), filepath.Join(dest, "docs"))
		}, "has a symbolic link at docs where docs/index.md needs a directory"},
	}
	plan := testPlan(t, "README.md", "new", "a.txt", "a", "docs/index.md", "docs")
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			dest := filepath.Join(t.TempDir(), "svc")
			must(t, os.MkdirAll(dest, 0o755))
			must(t, os.WriteFile(filepath.Join(dest, "README.md"), []byte("mine"), 0o644))
			must(t, c.setup(dest))
			before := snapshot(t, dest)
			_, err := Write(context.Background(), plan, dest, WriteOptions{Force: true, BeforeMove: fakeGit})
			var de *DestinationError
			if !errors.As(err, &de) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want a DestinationError containing %q", err, c.want)
			}
			if after := snapshot(t, dest); !reflect.DeepEqual(before, after) {
				t.Fatalf("destination changed:\nbefore %v\nafter  %v", before, after)
			}
			if _, err := plan.Steps(dest, true); !errors.As(err, &de) {
				t.Fatalf("Steps (the dry run) err = %v, want the same DestinationError", err)
			}
			assertNoStaging(t, filepath.Dir(dest))
		})
	}
}

func TestWriteRefusesADestinationInUse(t *testing.T) {
	locks := filepath.Join(t.TempDir(), "cache", "locks")
	parent := t.TempDir()
	dest := filepath.Join(parent, "a", "b", "svc")
	held, err := lock.TryAcquire(lock.File(locks, lockKey(dest)))
	must(t, err)
	defer held.Release()

	// The lock is keyed by the clean absolute path, however dest is spelled.
	wd, _ := os.Getwd()
	rel, err := filepath.Rel(wd, dest)
	must(t, err)
	for _, spelling := range []string{dest, dest + "/", filepath.Join(parent, "a", "..", "a", "b", "svc"), rel} {
		_, err = Write(context.Background(), testPlan(t, "a.txt", "a"), spelling, WriteOptions{LockDir: locks})
		var de *DestinationError
		if !errors.Is(err, ErrDestinationInUse) || !errors.As(err, &de) || !strings.Contains(err.Error(), "is in use by another platform run") {
			t.Fatalf("Write(%s): err = %v, want a DestinationError wrapping ErrDestinationInUse", spelling, err)
		}
		if err := CheckDestination(spelling, false, locks); !errors.Is(err, ErrDestinationInUse) {
			t.Fatalf("CheckDestination(%s): err = %v, want ErrDestinationInUse", spelling, err)
		}
	}
	if entries, _ := os.ReadDir(parent); len(entries) != 0 {
		t.Fatalf("a refused write left %v behind", entries)
	}
	// Through a link to its parent, it is the same destination.
	link := filepath.Join(t.TempDir(), "link")
	must(t, os.Symlink(parent, link))
	if err := CheckDestination(filepath.Join(link, "a", "b", "svc"), false, locks); !errors.Is(err, ErrDestinationInUse) {
		t.Fatalf("CheckDestination through a link: err = %v, want ErrDestinationInUse", err)
	}

	must(t, held.Release())
	_, err = Write(context.Background(), testPlan(t, "a.txt", "a"), dest, WriteOptions{LockDir: locks})
	must(t, err)
	assertFile(t, filepath.Join(dest, "a.txt"), "a")
	// Never beside the user's files.
	if entries, _ := os.ReadDir(filepath.Join(parent, "a", "b")); len(entries) != 1 {
		t.Fatalf("destination's parent holds %v, want only svc", entries)
	}
}

func TestWriteRemovesTheParentsItCreated(t *testing.T) {
	parent := t.TempDir()
	dest := filepath.Join(parent, "a", "b", "c")
	fail := errors.New("commit failed")
	_, err := Write(context.Background(), testPlan(t, "a.txt", "a"), dest, WriteOptions{BeforeMove: func(string) error { return fail }})
	if !errors.Is(err, fail) {
		t.Fatalf("err = %v", err)
	}
	if entries, _ := os.ReadDir(parent); len(entries) != 0 {
		t.Fatalf("a failed write left %v behind", entries)
	}

	// The final move fails: same.
	f := &failingRename{n: 1}
	_, err = Write(context.Background(), testPlan(t, "a.txt", "a"), dest, WriteOptions{rename: f.rename})
	if !errors.Is(err, fs.ErrPermission) {
		t.Fatalf("err = %v", err)
	}
	if entries, _ := os.ReadDir(parent); len(entries) != 0 {
		t.Fatalf("a failed write left %v behind", entries)
	}

	// A parent that existed stays.
	must(t, os.Mkdir(filepath.Join(parent, "a"), 0o755))
	_, _ = Write(context.Background(), testPlan(t, "a.txt", "a"), dest, WriteOptions{BeforeMove: func(string) error { return fail }})
	if entries, _ := os.ReadDir(filepath.Join(parent, "a")); len(entries) != 0 {
		t.Fatalf("a failed write left %v in a/", entries)
	}
	if _, err := os.Stat(filepath.Join(parent, "a")); err != nil {
		t.Fatalf("the existing parent was removed: %v", err)
	}
}

func TestWriteErrorsNeverShowTheStagingDirectory(t *testing.T) {
	parent := t.TempDir()
	dest := filepath.Join(parent, "svc")
	// A failure in the commit that names a staged file.
	_, err := Write(context.Background(), testPlan(t, "a.txt", "a"), dest, WriteOptions{BeforeMove: func(staging string) error {
		_, err := os.ReadFile(filepath.Join(staging, "missing", "file"))
		return fmt.Errorf("create git repository: %w", err)
	}})
	if err == nil || strings.Contains(err.Error(), ".platform-staging") || !strings.Contains(err.Error(), filepath.Join(dest, "missing", "file")) {
		t.Fatalf("err = %v, want the destination path in place of the staging path", err)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("err = %v no longer wraps its cause", err)
	}
	// A staged file that cannot be written (a plan built without Add).
	bad := &Plan{Files: []File{{Path: "a", Mode: 0o644, Data: []byte("x")}, {Path: "a/b", Mode: 0o644, Data: []byte("y")}}}
	_, err = Write(context.Background(), bad, dest, WriteOptions{})
	if err == nil || strings.Contains(err.Error(), ".platform-staging") || !strings.Contains(err.Error(), "a/b") {
		t.Fatalf("err = %v, want the relative path and no staging path", err)
	}
	// The move fails.
	f := &failingRename{n: 1}
	_, err = Write(context.Background(), testPlan(t, "a.txt", "a"), dest, WriteOptions{rename: f.rename})
	if err == nil || strings.Contains(err.Error(), ".platform-staging") {
		t.Fatalf("err = %v shows the staging directory", err)
	}
	assertNoStaging(t, parent)
}

func TestDestinationThatIsAFile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "afile")
	must(t, os.WriteFile(file, []byte("x"), 0o644))
	for _, dest := range []string{file, filepath.Join(file, "sub")} {
		var de *DestinationError
		if err := CheckDestination(dest, true, ""); !errors.As(err, &de) {
			t.Fatalf("CheckDestination(%s) = %v, want a DestinationError", dest, err)
		}
		if _, err := Write(context.Background(), testPlan(t, "a.txt", "a"), dest, WriteOptions{Force: true}); !errors.As(err, &de) {
			t.Fatalf("Write(%s) = %v, want a DestinationError", dest, err)
		}
	}
	assertFile(t, file, "x")
}

func TestPlanRefusesCollidingPaths(t *testing.T) {
	cases := []struct {
		name  string
		paths []string // added in order; the last one collides
		want  []string
	}{
		{"same path", []string{"a.txt", "a.txt"}, []string{"two files render to a.txt"}},
		{"file then directory", []string{"docs", "docs/index.md"}, []string{"skeleton/docs renders to a file docs", "skeleton/docs/index.md renders to docs/index.md, which needs a directory"}},
		{"directory then file", []string{"docs/index.md", "docs"}, []string{"skeleton/docs renders to a file docs", "skeleton/docs/index.md"}},
		{"deep", []string{"a/b/c/d.txt", "a/b"}, []string{"skeleton/a/b renders to a file a/b", "skeleton/a/b/c/d.txt"}},
		{"case of files", []string{"README.md", "readme.md"}, []string{"skeleton/README.md and skeleton/readme.md", "differ only in case"}},
		{"case of a file and a directory", []string{"Docs", "docs/index.md"}, []string{"skeleton/Docs renders to a file Docs", "skeleton/docs/index.md"}},
		{"case of directories", []string{"Docs/a.md", "docs/b.md"}, []string{"skeleton/Docs/a.md and skeleton/docs/b.md render into directories Docs and docs"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			plan := &Plan{}
			var err error
			for _, p := range c.paths {
				err = plan.Add(File{Path: p, Data: []byte(p), From: "skeleton/" + p})
			}
			var ce *CollisionError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want a CollisionError", err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Fatalf("err = %q, want it to contain %q", err, w)
				}
			}
			if len(plan.Files) != len(c.paths)-1 {
				t.Fatalf("the colliding file was added: %v", plan.Files)
			}
		})
	}

	// The platform's own .platform/answers.yaml against a skeleton file .platform.
	plan := &Plan{}
	must(t, plan.Add(File{Path: ".platform", From: "skeleton/.platform"}))
	err := plan.Add(File{Path: AnswersFile})
	if err == nil || !strings.Contains(err.Error(), "skeleton/.platform renders to a file .platform, but the generated .platform/answers.yaml") {
		t.Fatalf("err = %v", err)
	}

	// Files that only share a prefix, or directories in the same case, are fine.
	plan = &Plan{}
	for _, p := range []string{"docs/a.md", "docs/b.md", "docs.md", "docsx/c", "Makefile", "makefile.inc"} {
		must(t, plan.Add(File{Path: p}))
	}
	// A plan whose Files were set directly is indexed on first use.
	plan = &Plan{Files: []File{{Path: "docs/index.md"}}}
	if err := plan.Add(File{Path: "docs", From: "skeleton/docs"}); err == nil {
		t.Fatal("a collision with a file set directly was missed")
	}
}

func TestCheckOutputPathRefusesGitAliases(t *testing.T) {
	for _, p := range []string{".git", ".GIT", ".Git/config", ".git.", ".git..", ".git ", ".git. .", "GIT~1", "git~2/HEAD",
		"sub/.GIT/hooks/pre-commit", ".git::$INDEX_ALLOCATION/config", ".g\u200cit/config", "\ufeff.git"} {
		if err := checkOutputPath(p); err == nil || !strings.Contains(err.Error(), ".git") {
			t.Errorf("checkOutputPath(%q) = %v, want it refused as .git", p, err)
		}
	}
	for _, p := range []string{".github/workflows/ci.yml", ".gitignore", ".gitkeep", "git~", "git~1a", "dot.git", "GIT~1.txt", "a/git/x"} {
		if err := checkOutputPath(p); err != nil {
			t.Errorf("checkOutputPath(%q) = %v, want it accepted", p, err)
		}
	}
}

func TestNameIsAnEntityNameWithoutAPattern(t *testing.T) {
	m, err := ParseManifest([]byte(`apiVersion: platform/v1alpha1
kind: Template
metadata: {name: loose, title: Loose, description: no pattern}
spec:
  path: golden
  version: 1.0.0
  parameters:
    - required: [name, owner]
      properties:
        name: {type: string}
        owner: {type: string}
`))
	must(t, err)
	for _, name := range []string{"../x", "/etc/passwd", "a b", "a\nb", "a\x00b", "a/b", ".", "-x", strings.Repeat("a", 64)} {
		_, err := Collect(m, Inputs{Name: name, Owner: "group:x"})
		var ve *ValidationError
		if !errors.As(err, &ve) || len(ve.Problems) != 1 || ve.Problems[0].Flag != "NAME argument" ||
			!strings.Contains(ve.Problems[0].Message, "is not a valid service name") {
			t.Errorf("name %q: err = %v, want one NAME problem", name, err)
		}
		if err != nil && strings.ContainsAny(err.Error(), "\x00") {
			t.Errorf("name %q: the message holds a raw NUL", name)
		}
	}
	// The same through --set.
	if _, err := Collect(m, Inputs{Sets: []string{"name=../x"}, Owner: "group:x"}); err == nil {
		t.Error("--set name=../x was accepted")
	}
	for _, name := range []string{"payments", "Payments_API", "a.b-c", strings.Repeat("a", 63)} {
		if _, err := Collect(m, Inputs{Name: name, Owner: "group:x"}); err != nil {
			t.Errorf("name %q: %v", name, err)
		}
	}
}
