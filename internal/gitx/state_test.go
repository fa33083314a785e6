package gitx

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// commitAll stages every file of the working tree at dir (creating the
// repository when needed) and commits it; it returns the commit hash.
func commitAll(t *testing.T, dir string) plumbing.Hash {
	t.Helper()
	repo, err := git.PlainOpen(dir)
	if errors.Is(err, git.ErrRepositoryNotExists) {
		repo, err = git.PlainInitWithOptions(dir, &git.PlainInitOptions{
			InitOptions: git.InitOptions{DefaultBranch: plumbing.Main},
		})
	}
	if err != nil {
		t.Fatal(err)
	}
	defer closeStorer(repo)
	wt, err := repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	if err := wt.AddWithOptions(&git.AddOptions{All: true}); err != nil {
		t.Fatal(err)
	}
	sig := &object.Signature{Name: testAuthor.Name, Email: testAuthor.Email, When: testWhen}
	h, err := wt.Commit("commit", &git.CommitOptions{Author: sig, Committer: sig})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestTreeAt(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"README.md":       "hello\n",
		"crlf.txt":        "one\r\ntwo\r\n",
		"deep/a/b/c.yaml": "k: v\n",
	})
	bin := filepath.Join(dir, "bin", "run.sh")
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("README.md", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	commitAll(t, dir)

	files, skipped, err := TreeAt(filepath.Join(dir, "deep", "a"), "HEAD", TreeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]TreeFile{
		"README.md":       {Data: []byte("hello\n")},
		"crlf.txt":        {Data: []byte("one\r\ntwo\r\n")},
		"deep/a/b/c.yaml": {Data: []byte("k: v\n")},
		"bin/run.sh":      {Data: []byte("#!/bin/sh\n"), Executable: true},
	}
	if !reflect.DeepEqual(files, want) {
		t.Errorf("files = %v\nwant    %v", files, want)
	}
	if !reflect.DeepEqual(skipped, []string{"link"}) {
		t.Errorf("skipped = %q, want [link]", skipped)
	}

	// A branch name and a full hash name the same commit.
	for _, rev := range []string{"main", headHash(t, dir)} {
		got, _, err := TreeAt(dir, rev, TreeOptions{})
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("TreeAt(%s) = %v, %v", rev, got, err)
		}
	}
}

func headHash(t *testing.T, dir string) string {
	t.Helper()
	repo, err := git.PlainOpen(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer closeStorer(repo)
	h, err := repo.Head()
	if err != nil {
		t.Fatal(err)
	}
	return h.Hash().String()
}

// TestTreeAtSubmodule commits a tree with a gitlink entry, as `git submodule
// add` records it, and expects it reported, not read.
func TestTreeAtSubmodule(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"a.txt": "a\n"})
	first := commitAll(t, dir)
	repo, err := git.PlainOpen(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer closeStorer(repo)
	c, err := repo.CommitObject(first)
	if err != nil {
		t.Fatal(err)
	}
	tree, err := c.Tree()
	if err != nil {
		t.Fatal(err)
	}
	entries := append([]object.TreeEntry{}, tree.Entries...)
	entries = append(entries, object.TreeEntry{Name: "vendor", Mode: filemode.Submodule, Hash: first})
	nt := &object.Tree{Entries: entries}
	obj := repo.Storer.NewEncodedObject()
	if err := nt.Encode(obj); err != nil {
		t.Fatal(err)
	}
	th, err := repo.Storer.SetEncodedObject(obj)
	if err != nil {
		t.Fatal(err)
	}
	nc := &object.Commit{Author: c.Author, Committer: c.Committer, Message: "sub", TreeHash: th, ParentHashes: []plumbing.Hash{first}}
	obj = repo.Storer.NewEncodedObject()
	if err := nc.Encode(obj); err != nil {
		t.Fatal(err)
	}
	ch, err := repo.Storer.SetEncodedObject(obj)
	if err != nil {
		t.Fatal(err)
	}
	files, skipped, err := TreeAt(dir, ch.String(), TreeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 1 || string(files["a.txt"].Data) != "a\n" {
		t.Errorf("files = %v", files)
	}
	if !reflect.DeepEqual(skipped, []string{"vendor"}) {
		t.Errorf("skipped = %q, want [vendor]", skipped)
	}
}

func TestTreeAtLimits(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"a.txt": "0123456789", "b.txt": "0123456789", "c.txt": "01234"})
	commitAll(t, dir)

	if _, _, err := TreeAt(dir, "HEAD", TreeOptions{MaxFileBytes: 10, MaxTotalBytes: 25}); err != nil {
		t.Errorf("at the limits: %v", err)
	}
	_, _, err := TreeAt(dir, "HEAD", TreeOptions{MaxFileBytes: 9})
	if !errors.Is(err, ErrTreeTooLarge) || !strings.Contains(err.Error(), "a.txt") || !strings.Contains(err.Error(), "per file") {
		t.Errorf("per-file limit: got %v, want ErrTreeTooLarge naming a.txt", err)
	}
	_, _, err = TreeAt(dir, "HEAD", TreeOptions{MaxTotalBytes: 24})
	if !errors.Is(err, ErrTreeTooLarge) || !strings.Contains(err.Error(), "c.txt") || !strings.Contains(err.Error(), "all files") {
		t.Errorf("total limit: got %v, want ErrTreeTooLarge naming c.txt", err)
	}
	if f, tot := (TreeOptions{}).limits(); f != 16<<20 || tot != 256<<20 {
		t.Errorf("default limits = %d, %d", f, tot)
	}
}

func TestTreeAtErrors(t *testing.T) {
	if _, _, err := TreeAt(t.TempDir(), "HEAD", TreeOptions{}); !errors.Is(err, ErrNotRepository) {
		t.Errorf("plain directory: got %v, want ErrNotRepository", err)
	}

	empty := t.TempDir()
	if _, err := git.PlainInit(empty, false); err != nil {
		t.Fatal(err)
	}
	if _, _, err := TreeAt(empty, "HEAD", TreeOptions{}); !errors.Is(err, ErrEmptyRepository) {
		t.Errorf("empty repository: got %v, want ErrEmptyRepository", err)
	}

	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"a.txt": "a"})
	commitAll(t, dir)
	for _, rev := range []string{"nope", "v9.9.9", "0000000000000000000000000000000000000000"} {
		_, _, err := TreeAt(dir, rev, TreeOptions{})
		if !errors.Is(err, ErrUnknownRef) || !strings.Contains(err.Error(), rev) {
			t.Errorf("TreeAt(%s): got %v, want ErrUnknownRef naming it", rev, err)
		}
	}
}

func TestWorktreeStateClean(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"a.txt": "a\n", "sub/b.txt": "b\n"})
	commitAll(t, dir)
	s, err := WorktreeState(filepath.Join(dir, "sub"))
	if err != nil {
		t.Fatal(err)
	}
	if !s.Clean() || s.Dirty != nil || s.MidOperation != "" {
		t.Errorf("clean repository: %+v", s)
	}
	compareGitStatus(t, dir, nil)
}

func TestWorktreeStateDirty(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"modified.txt":   "old\n",
		"deleted.txt":    "gone soon\n",
		"keep.txt":       "keep\n",
		".gitignore":     "*.log\n",
		"sub/.gitignore": "tmp/\n",
		"sub/keep.txt":   "keep\n",
	})
	commitAll(t, dir)
	writeFiles(t, dir, map[string]string{
		"modified.txt":       "new\n",
		"staged.txt":         "staged\n",
		"untracked.txt":      "u\n",
		"sub/new/file.txt":   "u\n",
		"debug.log":          "ignored by the root .gitignore\n",
		"sub/deep/trace.log": "ignored below too\n",
		"sub/tmp/cache.bin":  "ignored by the nested .gitignore\n",
		"excluded.out":       "ignored by info/exclude\n",
		".git/info/exclude":  "*.out\n",
	})
	if err := os.Remove(filepath.Join(dir, "deleted.txt")); err != nil {
		t.Fatal(err)
	}
	repo, err := git.PlainOpen(dir)
	if err != nil {
		t.Fatal(err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := wt.Add("staged.txt"); err != nil {
		t.Fatal(err)
	}
	closeStorer(repo)

	s, err := WorktreeState(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"deleted.txt", "modified.txt", "staged.txt", "sub/new/file.txt", "untracked.txt"}
	if !reflect.DeepEqual(s.Dirty, want) || s.MidOperation != "" || s.Clean() {
		t.Errorf("state = %+v, want Dirty %q", s, want)
	}
	compareGitStatus(t, dir, want)
}

// compareGitStatus checks want against `git status --porcelain` when git is
// installed, with no global or system configuration in play.
func compareGitStatus(t *testing.T, dir string, want []string) {
	t.Helper()
	gitBin, err := exec.LookPath("git")
	if err != nil {
		return
	}
	cmd := exec.Command(gitBin, "status", "--porcelain", "-uall", "--no-renames")
	cmd.Dir = dir
	home := t.TempDir()
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+home, "GIT_CONFIG_NOSYSTEM=1",
		"GIT_CONFIG_GLOBAL="+filepath.Join(home, "gitconfig"))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git status: %v", err)
	}
	var got []string
	for _, line := range strings.Split(strings.TrimRight(string(out), "\n"), "\n") {
		if len(line) > 3 {
			got = append(got, line[3:])
		}
	}
	sort.Strings(got)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("git status --porcelain lists %q, want %q\n%s", got, want, out)
	}
}

func TestWorktreeStateMidOperation(t *testing.T) {
	for _, tc := range []struct {
		marker string
		dir    bool
		want   string
	}{
		{"MERGE_HEAD", false, "merge"},
		{"rebase-merge", true, "rebase"},
		{"rebase-apply", true, "rebase"},
		{"CHERRY_PICK_HEAD", false, "cherry-pick"},
		{"REVERT_HEAD", false, "revert"},
	} {
		t.Run(tc.marker, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, map[string]string{"a.txt": "a\n"})
			h := commitAll(t, dir)
			p := filepath.Join(dir, ".git", tc.marker)
			if tc.dir {
				if err := os.Mkdir(p, 0o755); err != nil {
					t.Fatal(err)
				}
			} else if err := os.WriteFile(p, []byte(h.String()+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			s, err := WorktreeState(dir)
			if err != nil {
				t.Fatal(err)
			}
			if s.MidOperation != tc.want || s.Dirty != nil || s.Clean() {
				t.Errorf("state = %+v, want MidOperation %q", s, tc.want)
			}
		})
	}
}

// TestWorktreeStateGitFile covers a working tree whose .git is a file
// (`gitdir: ...`), as linked worktrees and submodules have.
func TestWorktreeStateGitFile(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"a.txt": "a\n"})
	commitAll(t, dir)
	gitDir := filepath.Join(t.TempDir(), "repo.git")
	if err := os.Rename(filepath.Join(dir, ".git"), gitDir); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".git"), []byte("gitdir: "+gitDir+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, dir, map[string]string{"a.txt": "changed\n"})
	if err := os.WriteFile(filepath.Join(gitDir, "MERGE_HEAD"), []byte("x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := WorktreeState(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(s.Dirty, []string{"a.txt"}) || s.MidOperation != "merge" {
		t.Errorf("state = %+v", s)
	}
	files, _, err := TreeAt(dir, "HEAD", TreeOptions{})
	if err != nil || !bytes.Equal(files["a.txt"].Data, []byte("a\n")) {
		t.Errorf("TreeAt through a .git file = %v, %v", files, err)
	}
}

func TestWorktreeStateErrors(t *testing.T) {
	if _, err := WorktreeState(t.TempDir()); !errors.Is(err, ErrNotRepository) {
		t.Errorf("plain directory: got %v, want ErrNotRepository", err)
	}
	bare := t.TempDir()
	if _, err := git.PlainInit(bare, true); err != nil {
		t.Fatal(err)
	}
	if _, err := WorktreeState(bare); err == nil {
		t.Error("bare repository: no error")
	}

	// An empty repository is a state too: everything in it is untracked.
	empty := t.TempDir()
	if _, err := git.PlainInit(empty, false); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, empty, map[string]string{"new.txt": "n\n"})
	s, err := WorktreeState(empty)
	if err != nil || !reflect.DeepEqual(s.Dirty, []string{"new.txt"}) {
		t.Errorf("empty repository: %+v, %v", s, err)
	}
}

// TestWorktreeStateLinkedWorktree runs on a `git worktree add` checkout when
// git is installed: its .git file names .git/worktrees/NAME, whose commondir
// leads to the objects and the shared info/exclude.
func TestWorktreeStateLinkedWorktree(t *testing.T) {
	gitBin, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git not installed")
	}
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"a.txt": "a\n"})
	commitAll(t, dir)
	writeFiles(t, dir, map[string]string{".git/info/exclude": "*.out\n"})
	linked := filepath.Join(t.TempDir(), "linked")
	home := t.TempDir()
	cmd := exec.Command(gitBin, "worktree", "add", "-q", "-b", "side", linked)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+home, "GIT_CONFIG_NOSYSTEM=1",
		"GIT_CONFIG_GLOBAL="+filepath.Join(home, "gitconfig"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git worktree add: %v\n%s", err, out)
	}
	writeFiles(t, linked, map[string]string{"a.txt": "changed\n", "skip.out": "excluded\n"})
	s, err := WorktreeState(linked)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(s.Dirty, []string{"a.txt"}) || s.MidOperation != "" {
		t.Errorf("linked worktree state = %+v, want Dirty [a.txt]", s)
	}
	files, _, err := TreeAt(linked, "HEAD", TreeOptions{})
	if err != nil || string(files["a.txt"].Data) != "a\n" {
		t.Errorf("TreeAt(linked worktree) = %v, %v", files, err)
	}
}

// TestWorktreeStateRealMerge stops a real `git merge` on a conflict when git
// is installed: the index then holds unmerged stages, which go-git's status
// must still read.
func TestWorktreeStateRealMerge(t *testing.T) {
	gitBin, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git not installed")
	}
	dir := t.TempDir()
	home := t.TempDir()
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command(gitBin, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+home, "GIT_CONFIG_NOSYSTEM=1",
			"GIT_CONFIG_GLOBAL="+filepath.Join(home, "gitconfig"),
			"GIT_AUTHOR_NAME=a", "GIT_AUTHOR_EMAIL=a@example.com",
			"GIT_COMMITTER_NAME=a", "GIT_COMMITTER_EMAIL=a@example.com")
		if out, err := cmd.CombinedOutput(); err != nil && args[0] != "merge" {
			t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	writeFiles(t, dir, map[string]string{"f.txt": "base\n", "g.txt": "g\n"})
	commitAll(t, dir)
	run("checkout", "-q", "-b", "side")
	writeFiles(t, dir, map[string]string{"f.txt": "side\n"})
	run("commit", "-q", "-am", "side")
	run("checkout", "-q", "main")
	writeFiles(t, dir, map[string]string{"f.txt": "main\n"})
	run("commit", "-q", "-am", "main")
	run("merge", "-q", "side") // fails on the conflict, as intended
	s, err := WorktreeState(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(s.Dirty, []string{"f.txt"}) || s.MidOperation != "merge" {
		t.Errorf("mid-merge state = %+v, want Dirty [f.txt], merge", s)
	}
}

func TestWorktreeRoot(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"svc/deep/x.txt": "x\n"})
	commitAll(t, dir)
	for _, from := range []string{dir, filepath.Join(dir, "svc"), filepath.Join(dir, "svc", "deep")} {
		got, err := WorktreeRoot(from)
		if err != nil {
			t.Fatal(err)
		}
		if want, _ := filepath.EvalSymlinks(dir); got != dir && got != want {
			t.Errorf("WorktreeRoot(%s) = %s, want %s", from, got, dir)
		}
	}
	if _, err := WorktreeRoot(t.TempDir()); !errors.Is(err, ErrNotRepository) {
		t.Errorf("outside a repository: err = %v, want ErrNotRepository", err)
	}
}
