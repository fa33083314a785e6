package fstx

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
)

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// snapshot records every file, directory and link under dir with its content
// and mode, to compare a tree byte for byte before and after.
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
			out[filepath.ToSlash(rel)] = "link " + target
		case d.IsDir():
			out[filepath.ToSlash(rel)] = fmt.Sprintf("dir %v", info.Mode())
		default:
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			out[filepath.ToSlash(rel)] = fmt.Sprintf("file %v %q", info.Mode(), data)
		}
		return nil
	})
	must(t, err)
	return out
}

func assertSame(t *testing.T, what string, want, got map[string]string) {
	t.Helper()
	if reflect.DeepEqual(want, got) {
		return
	}
	var diff []string
	for k, v := range want {
		if got[k] != v {
			diff = append(diff, fmt.Sprintf("  %s: want %s, got %s", k, v, got[k]))
		}
	}
	for k, v := range got {
		if _, ok := want[k]; !ok {
			diff = append(diff, fmt.Sprintf("  %s: unexpected %s", k, v))
		}
	}
	t.Fatalf("%s:\n%s", what, strings.Join(diff, "\n"))
}

func assertNoStaging(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	must(t, err)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), stagingPrefix) {
			t.Fatalf("staging directory %s left in %s", e.Name(), dir)
		}
	}
}

// umask is the process umask, probed, so that expected modes hold under any.
func umask(t *testing.T) fs.FileMode {
	t.Helper()
	p := filepath.Join(t.TempDir(), "probe")
	must(t, os.WriteFile(p, nil, 0o777))
	info, err := os.Stat(p)
	must(t, err)
	return 0o777 &^ info.Mode().Perm()
}

func write(t *testing.T, dir, rel, data string, mode fs.FileMode) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	must(t, os.MkdirAll(filepath.Dir(p), 0o755))
	must(t, os.WriteFile(p, []byte(data), mode))
	must(t, os.Chmod(p, mode))
}

// service is a small existing service tree.
func service(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "svc")
	write(t, dir, "README.md", "old readme\n", 0o644)
	write(t, dir, "Makefile", "build:\n", 0o644)
	write(t, dir, "scripts/run.sh", "#!/bin/sh\n", 0o644)
	write(t, dir, "docs/old/only.md", "only\n", 0o600)
	must(t, os.Chmod(filepath.Join(dir, "docs", "old"), 0o770)) // beyond the umask: rollback must restore it exactly
	write(t, dir, "docs/index.md", "index\n", 0o644)
	write(t, dir, "gone.txt", "gone\n", 0o644)
	write(t, dir, "legacy/x.txt", "x\n", 0o644)
	write(t, dir, "same.txt", "same\n", 0o644)
	must(t, os.Mkdir(filepath.Join(dir, "empty"), 0o755))
	return dir
}

// mixedOps creates in a new directory, overwrites, changes a mode, deletes
// files leaving two directories empty (the second removal is not the last
// step: its failure must restore the first directory, with its mode),
// deletes a file, and rewrites a file with its own content.
func mixedOps() []Op {
	return []Op{
		{Path: "deploy/k8s/app.yaml", Data: []byte("kind: Deployment\n"), Mode: 0o644},
		{Path: "README.md", Data: []byte("new readme\n"), Mode: 0o644},
		{Path: "scripts/run.sh", Data: []byte("#!/bin/sh\n"), Mode: 0o755},
		{Path: "docs/old/only.md", Delete: true},
		{Path: "gone.txt", Delete: true},
		{Path: "legacy/x.txt", Delete: true},
		{Path: "same.txt", Data: []byte("same\n"), Mode: 0o644},
	}
}

func TestApplyWritesAndDeletes(t *testing.T) {
	dir := service(t)
	before := snapshot(t, dir)
	must(t, Apply(context.Background(), dir, mixedOps()))

	m := umask(t)
	want := map[string]string{}
	for k, v := range before {
		want[k] = v
	}
	delete(want, "docs/old")
	delete(want, "docs/old/only.md")
	delete(want, "gone.txt")
	delete(want, "legacy")
	delete(want, "legacy/x.txt")
	want["README.md"] = fmt.Sprintf("file %v %q", 0o644&^m, "new readme\n")
	want["scripts/run.sh"] = fmt.Sprintf("file %v %q", 0o755&^m, "#!/bin/sh\n")
	want["deploy"] = fmt.Sprintf("dir %v", fs.ModeDir|0o755&^m)
	want["deploy/k8s"] = fmt.Sprintf("dir %v", fs.ModeDir|0o755&^m)
	want["deploy/k8s/app.yaml"] = fmt.Sprintf("file %v %q", 0o644&^m, "kind: Deployment\n")
	assertSame(t, "tree after Apply", want, snapshot(t, dir))
	assertNoStaging(t, dir)
}

// counter counts the changes of an Apply and fails those from..to (1-based,
// inclusive; 0 fails none), skipping staging and its cleanup.
type counter struct {
	from, to int
	calls    int
	ops      []string
}

var errInjected = errors.New("injected failure")

func (c *counter) fault(op, rel string) error {
	if op == "cleanup" || op == "stage" {
		return nil
	}
	c.calls++
	c.ops = append(c.ops, op+" "+rel)
	if c.from > 0 && c.calls >= c.from && c.calls <= c.to {
		return &fs.PathError{Op: op, Path: rel, Err: errInjected}
	}
	return nil
}

func TestApplyIsAllOrNothing(t *testing.T) {
	// Count the steps of a successful Apply, then fail each one in turn.
	c := &counter{}
	dir := service(t)
	must(t, apply(context.Background(), dir, mixedOps(), c.fault))
	// mkdir deploy, mkdir deploy/k8s, 2 renames per replaced file (2), one
	// per deleted (3) and created (1) file, two removed directories.
	if c.calls != 12 {
		t.Fatalf("a successful Apply made %d steps, want 12: %q", c.calls, c.ops)
	}
	steps := c.ops

	for n := 1; n <= len(steps); n++ {
		t.Run(fmt.Sprintf("step %d %s fails", n, steps[n-1]), func(t *testing.T) {
			dir := service(t)
			before := snapshot(t, dir)
			err := apply(context.Background(), dir, mixedOps(), (&counter{from: n, to: n}).fault)
			if !errors.Is(err, errInjected) {
				t.Fatalf("err = %v, want the injected failure", err)
			}
			if strings.Contains(err.Error(), stagingPrefix) {
				t.Fatalf("error shows the staging directory: %v", err)
			}
			if !strings.Contains(err.Error(), dir+" is as it was") {
				t.Fatalf("error does not say the directory is untouched: %v", err)
			}
			assertSame(t, "tree after a failed Apply", before, snapshot(t, dir))
			assertNoStaging(t, dir)
		})
	}
}

func TestApplyFailedRollbackKeepsTheOriginals(t *testing.T) {
	dir := service(t)
	// The last rename of the change phase (README.md into place, after the
	// backups of the deletes and README.md) fails, and so does every step of
	// the rollback.
	c := &counter{}
	must(t, apply(context.Background(), service(t), mixedOps(), c.fault))
	moveIn := -1
	for i, op := range c.ops {
		if op == "rename README.md" {
			moveIn = i + 1 // the second rename of README.md: into place
		}
	}
	err := apply(context.Background(), dir, mixedOps(), (&counter{from: moveIn, to: 1000}).fault)
	if !errors.Is(err, errInjected) {
		t.Fatalf("err = %v, want the injected failure", err)
	}
	if !strings.Contains(err.Error(), "failed too") || !strings.Contains(err.Error(), "the originals are kept in "+dir) {
		t.Fatalf("error does not say where the originals are: %v", err)
	}
	kept := strings.TrimSuffix(err.Error()[strings.Index(err.Error(), "kept in ")+len("kept in "):], ")")
	data, rerr := os.ReadFile(filepath.Join(kept, "README.md"))
	must(t, rerr)
	if string(data) != "old readme\n" {
		t.Fatalf("backup of README.md = %q", data)
	}
	data, rerr = os.ReadFile(filepath.Join(kept, "gone.txt"))
	must(t, rerr)
	if string(data) != "gone\n" {
		t.Fatalf("backup of gone.txt = %q", data)
	}
}

func TestApplyCancelledChangesNothing(t *testing.T) {
	dir := service(t)
	before := snapshot(t, dir)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Apply(ctx, dir, mixedOps()); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	assertSame(t, "tree after a cancelled Apply", before, snapshot(t, dir))
	assertNoStaging(t, dir)
}

func TestApplyCancelledWhileStagingChangesNothing(t *testing.T) {
	dir := service(t)
	before := snapshot(t, dir)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	staged := 0
	err := apply(ctx, dir, mixedOps(), func(op, rel string) error {
		if op != "stage" && op != "cleanup" {
			t.Fatalf("%s %s after a cancel while staging", op, rel)
		}
		if staged++; staged == 2 {
			cancel() // Ctrl-C while the second file is staged
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	assertSame(t, "tree after a cancelled Apply", before, snapshot(t, dir))
	assertNoStaging(t, dir)
}

func TestApplyRunsToTheEndOnceItHasStarted(t *testing.T) {
	dir := service(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Ctrl-C arrives during the first change: Apply finishes.
	err := apply(ctx, dir, mixedOps(), func(op, rel string) error {
		if op != "stage" {
			cancel()
		}
		return nil
	})
	must(t, err)
	data, err := os.ReadFile(filepath.Join(dir, "deploy", "k8s", "app.yaml"))
	must(t, err)
	if string(data) != "kind: Deployment\n" {
		t.Fatalf("app.yaml = %q", data)
	}
	if _, err := os.Stat(filepath.Join(dir, "gone.txt")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("gone.txt still there: %v", err)
	}
	assertNoStaging(t, dir)
}

func TestApplyRefusesLinksAndThingsInTheWay(t *testing.T) {
	cases := map[string]struct {
		setup func(t *testing.T, dir, outside string)
		op    Op
		msg   string
	}{
		"parent link outside": {
			setup: func(t *testing.T, dir, outside string) { must(t, os.Symlink(outside, filepath.Join(dir, "deploy"))) },
			op:    Op{Path: "deploy/app.yaml", Data: []byte("x"), Mode: 0o644},
			msg:   "deploy is a symbolic link",
		},
		"delete through parent link outside": {
			setup: func(t *testing.T, dir, outside string) { must(t, os.Symlink(outside, filepath.Join(dir, "deploy"))) },
			op:    Op{Path: "deploy/victim.txt", Delete: true},
			msg:   "deploy is a symbolic link",
		},
		"parent link inside": {
			setup: func(t *testing.T, dir, outside string) { must(t, os.Symlink("docs", filepath.Join(dir, "manual"))) },
			op:    Op{Path: "manual/index.md", Data: []byte("x"), Mode: 0o644},
			msg:   "manual is a symbolic link",
		},
		"deep parent link": {
			setup: func(t *testing.T, dir, outside string) {
				must(t, os.Symlink(outside, filepath.Join(dir, "docs", "ext")))
			},
			op:  Op{Path: "docs/ext/sub/a.md", Data: []byte("x"), Mode: 0o644},
			msg: "docs/ext is a symbolic link",
		},
		"target link": {
			setup: func(t *testing.T, dir, outside string) {
				must(t, os.Symlink(filepath.Join(outside, "victim.txt"), filepath.Join(dir, "config.yaml")))
			},
			op:  Op{Path: "config.yaml", Data: []byte("x"), Mode: 0o644},
			msg: "config.yaml: is a symbolic link",
		},
		"delete of a link": {
			setup: func(t *testing.T, dir, outside string) {
				must(t, os.Symlink("README.md", filepath.Join(dir, "link.md")))
			},
			op:  Op{Path: "link.md", Delete: true},
			msg: "link.md: is a symbolic link",
		},
		"directory where a file goes": {
			op:  Op{Path: "docs", Data: []byte("x"), Mode: 0o644},
			msg: "docs: is a directory",
		},
		"delete of a directory": {
			op:  Op{Path: "docs", Delete: true},
			msg: "docs: is a directory",
		},
		"file where a directory goes": {
			op:  Op{Path: "Makefile/x", Data: []byte("x"), Mode: 0o644},
			msg: "Makefile is a file where a directory is needed",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			dir := service(t)
			outside := t.TempDir()
			write(t, outside, "victim.txt", "victim", 0o644)
			if tc.setup != nil {
				tc.setup(t, dir, outside)
			}
			before, beforeOutside := snapshot(t, dir), snapshot(t, outside)
			// A valid op first: nothing may change before the refusal.
			ops := []Op{{Path: "README.md", Data: []byte("new"), Mode: 0o644}, tc.op}
			err := Apply(context.Background(), dir, ops)
			var ce *ConflictError
			if !errors.As(err, &ce) || ce.Path != tc.op.Path {
				t.Fatalf("err = %v, want a ConflictError for %s", err, tc.op.Path)
			}
			if !strings.Contains(err.Error(), tc.msg) || !strings.Contains(err.Error(), "nothing was changed") {
				t.Fatalf("err = %q, want it to contain %q", err, tc.msg)
			}
			assertSame(t, "tree after a refused Apply", before, snapshot(t, dir))
			assertSame(t, "outside after a refused Apply", beforeOutside, snapshot(t, outside))
		})
	}
}

func TestApplyRefusesInvalidOps(t *testing.T) {
	w := func(p string) Op { return Op{Path: p, Data: []byte("x"), Mode: 0o644} }
	d := func(p string) Op { return Op{Path: p, Delete: true} }
	cases := map[string]struct {
		ops  []Op
		path string
		msg  string
	}{
		"absolute":           {[]Op{w("/etc/passwd")}, "/etc/passwd", "not a valid"},
		"dot dot":            {[]Op{w("../x")}, "../x", "not a valid"},
		"inner dot dot":      {[]Op{w("a/../../x")}, "a/../../x", "not a valid"},
		"dot":                {[]Op{d(".")}, ".", "not a valid"},
		"empty":              {[]Op{w("")}, "", "not a valid"},
		"trailing slash":     {[]Op{w("a/")}, "a/", "not a valid"},
		"git":                {[]Op{w(".git/config")}, ".git/config", ".git"},
		"git other case":     {[]Op{d(".GIT/hooks/pre-commit")}, ".GIT/hooks/pre-commit", ".git"},
		"nested git":         {[]Op{w("vendor/x/.git/HEAD")}, "vendor/x/.git/HEAD", ".git"},
		"staging name":       {[]Op{w(stagingPrefix + "x/a")}, stagingPrefix + "x/a", "reserved"},
		"duplicate":          {[]Op{w("a"), w("b"), w("a")}, "a", "appears twice"},
		"write and delete":   {[]Op{w("a"), d("a")}, "a", "both written and deleted"},
		"case duplicate":     {[]Op{w("README.md"), w("readme.md")}, "readme.md", "differ only in case"},
		"file and parent":    {[]Op{w("a/b/c"), w("a/b")}, "a/b", "needs it to be a directory"},
		"deleted and parent": {[]Op{d("a"), w("a/b")}, "a", "needs it to be a directory"},
		"directory mode":     {[]Op{{Path: "a", Mode: fs.ModeDir | 0o755}}, "a", "mode"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			dir := service(t)
			before := snapshot(t, dir)
			err := Apply(context.Background(), dir, tc.ops)
			var ie *InvalidOpError
			if !errors.As(err, &ie) || ie.Path != tc.path {
				t.Fatalf("err = %v, want an InvalidOpError for %q", err, tc.path)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("err = %q, want it to contain %q", err, tc.msg)
			}
			assertSame(t, "tree after a refused Apply", before, snapshot(t, dir))
		})
	}
}

func TestApplyDeletingWhatIsGoneIsNothingToDo(t *testing.T) {
	dir := service(t)
	before := snapshot(t, dir)
	c := &counter{}
	err := apply(context.Background(), dir, []Op{
		{Path: "never.txt", Delete: true},
		{Path: "nodir/never.txt", Delete: true},
		{Path: "README.md/never.txt", Delete: true}, // README.md is a file
		{Path: "same.txt", Data: []byte("same\n"), Mode: 0o644},
	}, c.fault)
	must(t, err)
	if c.calls != 0 {
		t.Fatalf("Apply made changes: %q", c.ops)
	}
	assertSame(t, "tree", before, snapshot(t, dir))
	assertNoStaging(t, dir)
}

func TestApplyRemovesOnlyTheDirectoriesItEmptied(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "top.txt", "top", 0o644)
	write(t, dir, "a/keep.txt", "keep", 0o644)
	write(t, dir, "a/b/c/x.txt", "x", 0o644)
	write(t, dir, "d/y.txt", "y", 0o644)
	must(t, os.Mkdir(filepath.Join(dir, "d", "was-empty"), 0o755))
	must(t, os.Mkdir(filepath.Join(dir, "also-empty"), 0o755))
	err := Apply(context.Background(), dir, []Op{
		{Path: "top.txt", Delete: true},
		{Path: "a/b/c/x.txt", Delete: true},
		{Path: "d/y.txt", Delete: true},
	})
	must(t, err)
	got := snapshot(t, dir)
	for _, gone := range []string{"top.txt", "a/b", "a/b/c", "d/y.txt"} {
		if _, ok := got[gone]; ok {
			t.Errorf("%s is still there", gone)
		}
	}
	// dir itself, a (not emptied), d (holds a directory that was empty
	// before), and the directories that were empty before all stay.
	for _, kept := range []string{".", "a", "a/keep.txt", "d", "d/was-empty", "also-empty"} {
		if _, ok := got[kept]; !ok {
			t.Errorf("%s was removed", kept)
		}
	}
}

func TestApplyDeletingEverythingKeepsTheDirectory(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "only/one.txt", "one", 0o644)
	must(t, Apply(context.Background(), dir, []Op{{Path: "only/one.txt", Delete: true}}))
	got := snapshot(t, dir)
	if len(got) != 1 || got["."] == "" {
		t.Fatalf("tree = %v, want the empty directory", got)
	}
}

func TestApplyCaseOnlyRename(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "readme.md", "old", 0o644)
	must(t, Apply(context.Background(), dir, []Op{
		{Path: "README.md", Data: []byte("new"), Mode: 0o644},
		{Path: "readme.md", Delete: true},
	}))
	entries, err := os.ReadDir(dir)
	must(t, err)
	if len(entries) != 1 || entries[0].Name() != "README.md" {
		t.Fatalf("entries = %v, want README.md only", entries)
	}
	data, err := os.ReadFile(filepath.Join(dir, "README.md"))
	must(t, err)
	if string(data) != "new" {
		t.Fatalf("README.md = %q", data)
	}
}

func TestApplyLeftoverStagingIsReported(t *testing.T) {
	dir := service(t)
	err := apply(context.Background(), dir, mixedOps(), func(op, rel string) error {
		if op == "cleanup" {
			return errInjected
		}
		return nil
	})
	var le *LeftoverError
	if !errors.As(err, &le) || !errors.Is(err, errInjected) {
		t.Fatalf("err = %v, want a LeftoverError", err)
	}
	if !strings.HasPrefix(le.Dir, filepath.Join(dir, stagingPrefix)) {
		t.Fatalf("LeftoverError.Dir = %s, want the staging directory in %s", le.Dir, dir)
	}
	// The changes are in place.
	data, rerr := os.ReadFile(filepath.Join(dir, "README.md"))
	must(t, rerr)
	if string(data) != "new readme\n" {
		t.Fatalf("README.md = %q", data)
	}
}

func TestApplyNeedsAnExistingDirectory(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing")
	err := Apply(context.Background(), missing, []Op{{Path: "a", Data: []byte("a"), Mode: 0o644}})
	if !errors.Is(err, fs.ErrNotExist) || strings.Count(err.Error(), missing) != 1 {
		t.Fatalf("err = %v, want not exist, naming %s once", err, missing)
	}
	if _, err := os.Stat(missing); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Apply created %s", missing)
	}
}

// BenchmarkApply22Files updates a 22-file service: 12 files rewritten, 2
// created, 2 deleted, 6 unchanged (read and compared, not written).
func BenchmarkApply22Files(b *testing.B) {
	var ops []Op
	for i := range 22 {
		ops = append(ops, Op{Path: fmt.Sprintf("dir%d/file%d.go", i%4, i), Mode: 0o644})
	}
	base := b.TempDir()
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		dir := filepath.Join(base, fmt.Sprint(i))
		for j, op := range ops {
			if j < 20 {
				p := filepath.Join(dir, filepath.FromSlash(op.Path))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					b.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(fmt.Sprintf("package x // %d\n", j)), 0o644); err != nil {
					b.Fatal(err)
				}
			}
		}
		run := make([]Op, len(ops))
		for j, op := range ops {
			op.Data = []byte(fmt.Sprintf("package x // %d\n", j))
			switch {
			case j < 12:
				op.Data = append(op.Data, "// updated\n"...)
			case j < 18: // unchanged
			case j < 20:
				op.Delete, op.Data = true, nil
			}
			run[j] = op
		}
		b.StartTimer()
		if err := Apply(context.Background(), dir, run); err != nil {
			b.Fatal(err)
		}
	}
}
