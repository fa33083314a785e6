package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	gitconfig "github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/platform-team/platform/internal/cli"
	"github.com/platform-team/platform/internal/gitx"
	"github.com/platform-team/platform/templates"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"platform": func() { os.Exit(cli.Main(cli.BuildInfo{Version: "v0.0.0-test"})) },
		// platform-next is a later platform: its embedded templates are the
		// directories in $PLATFORM_NEXT_TEMPLATES (see the embedded command),
		// with this binary's release archives.
		"platform-next": func() {
			os.Exit(cli.MainWithTemplates(cli.BuildInfo{Version: "v0.0.1-test"}, os.DirFS(os.Getenv("PLATFORM_NEXT_TEMPLATES"))))
		},
	})
}

// TestScripts runs the end-to-end CLI suites in testdata/script.
func TestScripts(t *testing.T) {
	testscript.Run(t, scriptParams(filepath.Join("..", "..", "testdata", "script")))
}

// scriptParams are the testscript parameters of the scripts in dir: the
// environment (HOME, git identity, a fake GitLab) and the custom commands.
func scriptParams(dir string) testscript.Params {
	return testscript.Params{
		Dir:                 dir,
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		Setup: func(env *testscript.Env) error {
			home := filepath.Join(env.WorkDir, "home")
			env.Setenv("HOME", home)
			env.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
			env.Setenv("XDG_CACHE_HOME", filepath.Join(home, ".cache"))
			env.Setenv("PLATFORM_GIT_AUTHOR_NAME", "Test Author")
			env.Setenv("PLATFORM_GIT_AUTHOR_EMAIL", "test@example.com")
			env.Setenv("NO_COLOR", "1")
			repo, err := filepath.Abs(filepath.Join("..", ".."))
			if err != nil {
				return err
			}
			env.Setenv("REPO", repo)
			if err := setupGitLab(env); err != nil {
				return err
			}
			return os.MkdirAll(home, 0o755)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"gitlog":    cmdGitLog,
			"gitclean":  cmdGitClean,
			"cmpdir":    cmdCmpDir,
			"gitcommit": cmdGitCommit,
			"gitbranch": cmdGitBranch,
			"gitremote": cmdGitRemote,
			"gitclone":  cmdGitClone,
			"gitpush":   cmdGitPush,
			"replace":   cmdReplace,
			"gitlab":    gitlabCmds["gitlab"],
			"exits":     cmdExits,
			"jsonget":   cmdJSONGet,
			"xmlcheck":  cmdXMLCheck,
			"mkfifo":    cmdMkfifo,
			"globs":     cmdGlobs,
			"embedded":  cmdEmbedded,
		},
	}
}

// gitlog DIR prints the HEAD commit of DIR's repository: author, message and
// the files of its tree, so scripts can assert on them without a git binary.
func cmdGitLog(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: gitlog DIR")
	}
	repo, err := git.PlainOpen(ts.MkAbs(args[0]))
	if err != nil {
		if neg {
			return
		}
		ts.Fatalf("open repository: %v", err)
	}
	if neg {
		ts.Fatalf("%s is a git repository", args[0])
	}
	head, err := repo.Head()
	ts.Check(err)
	commit, err := repo.CommitObject(head.Hash())
	ts.Check(err)
	fmt.Fprintf(ts.Stdout(), "branch %s\nauthor %s <%s>\nparents %d\n\n%s\n", head.Name().Short(), commit.Author.Name, commit.Author.Email, commit.NumParents(), commit.Message)
	tree, err := commit.Tree()
	ts.Check(err)
	files := tree.Files()
	ts.Check(files.ForEach(func(f *object.File) error {
		fmt.Fprintf(ts.Stdout(), "file %s\n", f.Name)
		return nil
	}))
}

// gitclean DIR fails unless DIR's working tree is exactly its HEAD commit:
// nothing modified, added, deleted or untracked.
func cmdGitClean(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: gitclean DIR")
	}
	repo, err := git.PlainOpen(ts.MkAbs(args[0]))
	ts.Check(err)
	wt, err := repo.Worktree()
	ts.Check(err)
	status, err := wt.Status()
	ts.Check(err)
	if status.IsClean() == neg {
		ts.Fatalf("gitclean %s: working tree against HEAD:\n%s", args[0], status)
	}
}

// cmpdir A B fails unless the two trees hold the same files with the same
// bytes, ignoring .git.
func cmdCmpDir(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: cmpdir A B")
	}
	a, b := readTree(ts, args[0]), readTree(ts, args[1])
	var diffs []string
	for name, data := range a {
		other, ok := b[name]
		switch {
		case !ok:
			diffs = append(diffs, "only in "+args[0]+": "+name)
		case !bytes.Equal(data, other):
			diffs = append(diffs, "differs: "+name)
		}
	}
	for name := range b {
		if _, ok := a[name]; !ok {
			diffs = append(diffs, "only in "+args[1]+": "+name)
		}
	}
	if len(diffs) > 0 && !neg {
		ts.Fatalf("trees differ:\n%s", strings.Join(diffs, "\n"))
	}
	if len(diffs) == 0 && neg {
		ts.Fatalf("trees are identical")
	}
}

func readTree(ts *testscript.TestScript, dir string) map[string][]byte {
	root := ts.MkAbs(dir)
	out := map[string][]byte{}
	ts.Check(filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == ".git" {
			return filepath.SkipDir
		}
		if d.IsDir() {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		out[filepath.ToSlash(rel)] = data
		return nil
	}))
	return out
}

// gitcommit DIR MESSAGE [TAG] commits every file of DIR (making it a repository
// on its first use) and optionally tags the commit, so scripts can serve
// templates from local git repositories without a git binary.
func cmdGitCommit(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 || len(args) > 3 {
		ts.Fatalf("usage: gitcommit DIR MESSAGE [TAG]")
	}
	dir := ts.MkAbs(args[0])
	when := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	author := gitx.Author{Name: "Template Author", Email: "templates@example.com"}
	repo, err := git.PlainOpen(dir)
	if err != nil {
		_, err = gitx.InitCommit(dir, author, args[1], when)
		ts.Check(err)
		repo, err = git.PlainOpen(dir)
		ts.Check(err)
	} else {
		wt, err := repo.Worktree()
		ts.Check(err)
		ts.Check(wt.AddWithOptions(&git.AddOptions{All: true}))
		sig := &object.Signature{Name: author.Name, Email: author.Email, When: when}
		_, err = wt.Commit(args[1], &git.CommitOptions{Author: sig, Committer: sig})
		ts.Check(err)
	}
	if len(args) == 3 {
		head, err := repo.Head()
		ts.Check(err)
		_, err = repo.CreateTag(args[2], head.Hash(), nil)
		ts.Check(err)
	}
}

// embedded DIR copies the embedded templates into DIR, so that a script
// can edit them and run them as platform-next's.
func cmdEmbedded(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: embedded DIR")
	}
	ts.Check(os.CopyFS(ts.MkAbs(args[0]), templates.FS))
}

// globs PATTERN... succeeds when some file matches a pattern (filepath.Glob,
// relative to the current directory) and prints the matches. `exists` does no
// globbing, so `! exists .platform-staging-*` could never fail; `! globs
// .platform-staging-*` does.
func cmdGlobs(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) == 0 {
		ts.Fatalf("usage: globs PATTERN...")
	}
	var found []string
	for _, pattern := range args {
		matches, err := filepath.Glob(ts.MkAbs(pattern))
		ts.Check(err)
		for _, m := range matches {
			rel, err := filepath.Rel(ts.MkAbs("."), m)
			ts.Check(err)
			found = append(found, filepath.ToSlash(rel))
		}
	}
	switch {
	case len(found) > 0 && neg:
		ts.Fatalf("unexpected matches: %s", strings.Join(found, " "))
	case len(found) == 0 && !neg:
		ts.Fatalf("no file matches %s", strings.Join(args, " "))
	}
	for _, m := range found {
		fmt.Fprintln(ts.Stdout(), m)
	}
}

// exits CODE CMD [ARGS...] runs a command like exec and fails unless it exits
// with exactly CODE; its output is kept for stdout and stderr assertions.
func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits CODE CMD [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) {
			ts.Fatalf("run %s: %v", args[1], err)
		}
		got = exitErr.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited %d, want %d", args[1], got, want)
	}
}

// jsonget FILE PATH prints the JSON value at PATH (keys and indexes separated
// by dots, e.g. findings.0.rule, or the length of a list: findings.len), failing
// when FILE is not valid JSON or PATH does not exist.
func cmdJSONGet(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: jsonget FILE PATH")
	}
	var v any
	if err := json.Unmarshal([]byte(ts.ReadFile(args[0])), &v); err != nil {
		ts.Fatalf("%s is not valid JSON: %v", args[0], err)
	}
	for _, key := range strings.Split(args[1], ".") {
		switch node := v.(type) {
		case map[string]any:
			next, ok := node[key]
			if !ok {
				ts.Fatalf("%s: no key %q", args[1], key)
			}
			v = next
		case []any:
			if key == "len" {
				v = float64(len(node))
				continue
			}
			i, err := strconv.Atoi(key)
			if err != nil || i < 0 || i >= len(node) {
				ts.Fatalf("%s: no index %q in a list of %d", args[1], key, len(node))
			}
			v = node[i]
		default:
			ts.Fatalf("%s: %q is not inside an object or a list", args[1], key)
		}
	}
	out, err := json.Marshal(v)
	ts.Check(err)
	fmt.Fprintf(ts.Stdout(), "%s\n", out)
}

// xmlcheck FILE fails unless FILE is well-formed XML.
func cmdXMLCheck(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: xmlcheck FILE")
	}
	dec := xml.NewDecoder(strings.NewReader(ts.ReadFile(args[0])))
	var err error
	for err == nil {
		_, err = dec.Token()
	}
	valid := errors.Is(err, io.EOF)
	if valid == neg {
		ts.Fatalf("xmlcheck %s: %v", args[0], err)
	}
}

// gitbranch DIR NAME creates branch NAME at HEAD and checks it out.
func cmdGitBranch(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: gitbranch DIR NAME")
	}
	repo, err := git.PlainOpen(ts.MkAbs(args[0]))
	ts.Check(err)
	head, err := repo.Head()
	ts.Check(err)
	wt, err := repo.Worktree()
	ts.Check(err)
	ts.Check(wt.Checkout(&git.CheckoutOptions{Branch: plumbing.NewBranchReferenceName(args[1]), Hash: head.Hash(), Create: true, Keep: true}))
}

// gitremote DIR NAME URL sets a remote; a relative URL is made absolute in $WORK.
func cmdGitRemote(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: gitremote DIR NAME URL")
	}
	repo, err := git.PlainOpen(ts.MkAbs(args[0]))
	ts.Check(err)
	url := args[2]
	if !strings.Contains(url, ":") && !filepath.IsAbs(url) {
		url = ts.MkAbs(url)
	}
	_ = repo.DeleteRemote(args[1])
	_, err = repo.CreateRemote(&gitconfig.RemoteConfig{Name: args[1], URLs: []string{url}})
	ts.Check(err)
}

// gitclone URL REF DIR clones URL at REF into DIR, in-process.
func cmdGitClone(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 3 {
		ts.Fatalf("usage: gitclone URL REF DIR")
	}
	_, err := gitx.Clone(context.Background(), ts.MkAbs(args[0]), args[1], ts.MkAbs(args[2]))
	if (err != nil) != neg {
		ts.Fatalf("gitclone: %v", err)
	}
}

// gitpush DIR BRANCH pushes BRANCH to DIR's origin, in-process.
func cmdGitPush(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: gitpush DIR BRANCH")
	}
	url, err := gitx.RemoteURL(ts.MkAbs(args[0]), "origin")
	ts.Check(err)
	_, err = gitx.Push(context.Background(), ts.MkAbs(args[0]), gitx.PushOptions{URL: url, Branch: args[1]})
	if (err != nil) != neg {
		ts.Fatalf("gitpush: %v", err)
	}
}

// replace FILE OLD NEW replaces every OLD in FILE by NEW, failing when there is none.
func cmdReplace(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: replace FILE OLD NEW")
	}
	data := ts.ReadFile(args[0])
	if !strings.Contains(data, args[1]) {
		ts.Fatalf("%s has no %q", args[0], args[1])
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(strings.ReplaceAll(data, args[1], args[2])), 0o644))
}
