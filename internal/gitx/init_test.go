package gitx

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

func TestInitCommit(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		".gitignore":          "*.log\nbuild/\n",
		"README.md":           "# svc\n",
		"cmd/svc/main.go":     "package main\n",
		"debug.log":           "ignored\n",
		"build/out.bin":       "ignored\n",
		"deploy/.gitignore":   "secrets.yaml\n",
		"deploy/values.yaml":  "replicas: 1\n",
		"deploy/secrets.yaml": "ignored\n",
		"scripts/run.sh":      "#!/bin/sh\n",
	})
	if err := os.Chmod(filepath.Join(dir, "scripts/run.sh"), 0o755); err != nil {
		t.Fatal(err)
	}
	// Global excludes must not apply: this would drop README.md.
	home := t.TempDir()
	writeFile(t, filepath.Join(home, ".gitconfig"), "[core]\n\texcludesFile = ~/.gitignore_global\n")
	writeFile(t, filepath.Join(home, ".gitignore_global"), "*.md\n")
	writeFile(t, filepath.Join(home, ".config/git/ignore"), "*.md\n")
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", "")

	hash, err := InitCommit(dir, testAuthor, "Initial commit", testWhen)
	if err != nil {
		t.Fatal(err)
	}

	repo, err := git.PlainOpen(dir)
	if err != nil {
		t.Fatal(err)
	}
	head, err := repo.Head()
	if err != nil {
		t.Fatal(err)
	}
	if head.Name() != plumbing.Main || head.Hash().String() != hash {
		t.Fatalf("HEAD = %s at %s, want %s at %s", head.Name(), head.Hash(), plumbing.Main, hash)
	}
	c, err := repo.CommitObject(head.Hash())
	if err != nil {
		t.Fatal(err)
	}
	if c.Message != "Initial commit\n" {
		t.Errorf("message = %q", c.Message)
	}
	for _, sig := range []object.Signature{c.Author, c.Committer} {
		if sig.Name != testAuthor.Name || sig.Email != testAuthor.Email || !sig.When.Equal(testWhen) {
			t.Errorf("signature = %+v, want %+v at %s", sig, testAuthor, testWhen)
		}
	}
	if len(c.ParentHashes) != 0 {
		t.Errorf("parents = %v, want none", c.ParentHashes)
	}

	tree, err := c.Tree()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	modes := map[string]filemode.FileMode{}
	if err := tree.Files().ForEach(func(f *object.File) error {
		got = append(got, f.Name)
		modes[f.Name] = f.Mode
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	sort.Strings(got)
	want := []string{".gitignore", "README.md", "cmd/svc/main.go", "deploy/.gitignore", "deploy/values.yaml", "scripts/run.sh"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("tree = %v, want %v", got, want)
	}
	if modes["scripts/run.sh"] != filemode.Executable || modes["README.md"] != filemode.Regular {
		t.Errorf("modes = %v", modes)
	}
	f, err := tree.File("cmd/svc/main.go")
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := f.Contents(); s != "package main\n" {
		t.Errorf("main.go = %q", s)
	}

	// The index was written too: the work tree is clean, not "all deleted".
	wt, err := repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	st, err := wt.Status()
	if err != nil {
		t.Fatal(err)
	}
	if !st.IsClean() {
		t.Errorf("work tree not clean after InitCommit:\n%s", st)
	}
}

func TestInitCommitRefusesExistingRepo(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"a.txt": "a\n"})
	first, err := InitCommit(dir, testAuthor, "one", testWhen)
	if err != nil {
		t.Fatal(err)
	}
	_, err = InitCommit(dir, testAuthor, "two", testWhen)
	if !errors.Is(err, ErrRepoExists) {
		t.Fatalf("got %v, want ErrRepoExists", err)
	}
	if !strings.Contains(err.Error(), dir) {
		t.Errorf("error %q does not name the directory", err)
	}
	repo, err := git.PlainOpen(dir)
	if err != nil {
		t.Fatal(err)
	}
	if head, err := repo.Head(); err != nil || head.Hash().String() != first {
		t.Errorf("existing repository was changed: HEAD %v, %v", head, err)
	}
}

func TestInitCommitFailureLeavesNoRepo(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{".gitignore": "*\n", "a.txt": "a\n"})
	_, err := InitCommit(dir, testAuthor, "msg", testWhen)
	if err == nil || !strings.Contains(err.Error(), "nothing to commit") {
		t.Fatalf("got %v, want nothing to commit", err)
	}
	if _, err := os.Lstat(filepath.Join(dir, ".git")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf(".git left behind after failure: %v", err)
	}
}

func TestInitCommitValidatesInput(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"a.txt": "a\n"})
	for name, call := range map[string]func() error{
		"no author email": func() error { _, err := InitCommit(dir, Author{Name: "x"}, "m", testWhen); return err },
		"empty message":   func() error { _, err := InitCommit(dir, testAuthor, " \n", testWhen); return err },
		"missing dir": func() error {
			_, err := InitCommit(filepath.Join(dir, "nope"), testAuthor, "m", testWhen)
			return err
		},
	} {
		if err := call(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := os.Lstat(filepath.Join(dir, ".git")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("rejected input still created .git: %v", err)
	}
}
