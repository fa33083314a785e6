package updater

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/platform-team/platform/internal/gitx"
	"github.com/platform-team/platform/internal/scaffold"
	"github.com/platform-team/platform/internal/update"
	"github.com/platform-team/platform/templates"
)

var (
	author = gitx.Author{Name: "Team", Email: "team@example.com"}
	when   = time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	svcOpt = scaffold.ServiceOptions{PlatformVersion: "v0.0.0-test", AnnotationPrefix: "platform.example.com"}
)

// nextGoService is the embedded templates with go-service at 1.1.0: a CI
// hardening in the Dockerfile, a line in the README, a new page, a new
// parameter, and the runbook moved by a migration.
func nextGoService(t *testing.T) fs.FS {
	t.Helper()
	edits := map[string]func(string) string{
		"go-service/template.yaml": func(s string) string {
			s = strings.Replace(s, "version: 1.0.0", "version: 1.1.0", 1)
			s = strings.Replace(s, "  parameters:\n", "  migrations:\n    - version: 1.1.0\n      rename: {from: docs/runbook.md, to: docs/operations/runbook.md}\n  parameters:\n", 1)
			return strings.Replace(s, "          default: none\n  catalog:", "          default: none\n        replicas:\n          type: integer\n          title: Replicas\n          default: 2\n  catalog:", 1)
		},
		"go-service/skeleton/Dockerfile.tmpl": func(s string) string {
			return strings.Replace(s, "USER nonroot:nonroot", "USER 65532:65532", 1)
		},
	}
	out := fstest.MapFS{}
	err := fs.WalkDir(templates.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(templates.FS, p)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if edit, ok := edits[p]; ok {
			data = []byte(edit(string(data)))
		}
		if p == "go-service/skeleton/docs/runbook.md.tmpl" {
			p = "go-service/skeleton/docs/operations/runbook.md.tmpl"
		}
		out[p] = &fstest.MapFile{Data: data, Mode: info.Mode()}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	out["go-service/skeleton/docs/faq.md.tmpl"] = &fstest.MapFile{Data: []byte("# FAQ for {{ .values.name }}\n"), Mode: 0o644}
	out["go-service/CHANGELOG.md"] = &fstest.MapFile{Data: []byte("# Changelog\n\n## [1.1.0] - 2026-12-06\n\n- Numeric USER in the Dockerfile.\n\n## [1.0.0]\n\n- First release.\n"), Mode: 0o644}
	return out
}

// newService writes a go-service made with this binary's embedded template
// into a new git repository and returns its directory.
func newService(t *testing.T, sets ...string) string {
	t.Helper()
	ctx := context.Background()
	r := &scaffold.Resolver{Embedded: templates.FS, Releases: templates.Releases}
	tmpl, err := r.Resolve(ctx, "go-service")
	if err != nil {
		t.Fatal(err)
	}
	values, err := scaffold.Collect(tmpl.Manifest, scaffold.Inputs{Name: "payments", Owner: "group:payments", Sets: sets})
	if err != nil {
		t.Fatal(err)
	}
	plan, err := scaffold.PlanService(ctx, tmpl, values, svcOpt)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "payments")
	if _, err := scaffold.Write(ctx, plan, dir, scaffold.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := gitx.InitCommit(dir, author, "Create payments", when); err != nil {
		t.Fatal(err)
	}
	return dir
}

// edit rewrites a file of the service with fn and commits it.
func edit(t *testing.T, dir, path string, fn func(string) string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(path))
	data, err := os.ReadFile(p)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(fn(string(data))), 0o644); err != nil {
		t.Fatal(err)
	}
	commit(t, dir, path)
}

func commit(t *testing.T, dir string, paths ...string) {
	t.Helper()
	if _, err := gitx.CommitOnBranch(dir, "main", paths, author, "Team change", when); err != nil {
		t.Fatal(err)
	}
}

// sources resolve with the embedded templates and their release archives:
// this binary's, plus those `make templates-release` adds for embedded.
func sources(t *testing.T, embedded fs.FS) Sources {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, templates.Releases); err != nil {
		t.Fatal(err)
	}
	if _, err := scaffold.SnapshotReleases(embedded, dir); err != nil {
		t.Fatal(err)
	}
	return Sources{Resolver: &scaffold.Resolver{Embedded: embedded, Releases: os.DirFS(dir)}}
}

// run opens, resolves and prepares the update of dir.
func run(t *testing.T, dir string, src Sources, in Inputs) *Result {
	t.Helper()
	ctx := context.Background()
	svc, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	v, err := Resolve(ctx, svc, src)
	if err != nil {
		t.Fatal(err)
	}
	if in.Service == (scaffold.ServiceOptions{}) {
		in.Service = svcOpt
	}
	res, err := Prepare(ctx, svc, v, in)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func actions(res *Result) map[string]update.Action {
	out := map[string]update.Action{}
	for _, c := range res.Plan.Changes {
		out[c.Path] = c.Action
	}
	return out
}

// workTree reads every file of dir but .git, with its executable bit.
func workTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == ".git" {
				return filepath.SkipDir
			}
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		info, _ := d.Info()
		rel, _ := filepath.Rel(dir, p)
		key := filepath.ToSlash(rel)
		if info.Mode()&0o111 != 0 {
			key += " (executable)"
		}
		out[key] = string(data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestEmbeddedTemplateGetsANewVersion: a service made with today's embedded
// go-service is updated, offline, after the embedded template moved to
// 1.1.0; the base comes from the release archive this binary carries.
func TestEmbeddedTemplateGetsANewVersion(t *testing.T) {
	dir := newService(t)
	edit(t, dir, "Dockerfile", func(s string) string { return "# Team note.\n" + s })
	edit(t, dir, "docs/runbook.md", func(s string) string { return s + "\n## Team pager\n\nCall the team.\n" })

	res := run(t, dir, sources(t, nextGoService(t)), Inputs{})
	if res.Versions.Current != "1.0.0" || res.Versions.Target() != "1.1.0" {
		t.Fatalf("versions %s -> %s", res.Versions.Current, res.Versions.Target())
	}
	got := actions(res)
	for path, want := range map[string]update.Action{
		"Dockerfile":                 update.Merged,
		"README.md":                  update.Updated, // its version line
		"docs/faq.md":                update.Added,
		"docs/operations/runbook.md": update.Kept, // moved, with the team's edit
		"catalog-info.yaml":          update.Updated,
		".platform/answers.yaml":     update.Updated,
		"main.go":                    update.Unchanged,
	} {
		if got[path] != want {
			t.Errorf("%s: %s, want %s", path, got[path], want)
		}
	}
	if !slices.Equal(res.NewParameters, []string{"replicas"}) || res.Values["replicas"] != 2 {
		t.Errorf("new parameters %v, values %v", res.NewParameters, res.Values)
	}
	if !strings.Contains(res.Changelog(), "Numeric USER") || strings.Contains(res.Changelog(), "First release") {
		t.Errorf("changelog excerpt:\n%s", res.Changelog())
	}
	if err := res.Apply(context.Background()); err != nil {
		t.Fatal(err)
	}
	tree := workTree(t, dir)
	if d := tree["Dockerfile"]; !strings.HasPrefix(d, "# Team note.\n") || !strings.Contains(d, "USER 65532:65532") {
		t.Errorf("Dockerfile not merged:\n%s", d)
	}
	if _, ok := tree["docs/runbook.md"]; ok {
		t.Error("docs/runbook.md still there after its rename")
	}
	if r := tree["docs/operations/runbook.md"]; !strings.Contains(r, "Call the team.") {
		t.Errorf("the team's runbook edit did not follow the rename:\n%s", r)
	}
	if !strings.Contains(tree[scaffold.AnswersFile], "version: 1.1.0") || !strings.Contains(tree[scaffold.AnswersFile], "replicas: 2") {
		t.Errorf("answers:\n%s", tree[scaffold.AnswersFile])
	}
	if !strings.Contains(tree[scaffold.CatalogFile], "template-version: 1.1.0") {
		t.Errorf("catalog:\n%s", tree[scaffold.CatalogFile])
	}

	// Committed, the service is up to date: a second run changes nothing.
	commit(t, dir, res.Paths()...)
	if again := run(t, dir, sources(t, nextGoService(t)), Inputs{}); !again.UpToDate() {
		t.Errorf("second update not up to date: %v", actions(again))
	}
}

// TestUntouchedServiceEqualsAFreshRender: updating a service the team never
// changed gives exactly what new service writes with the new version.
func TestUntouchedServiceEqualsAFreshRender(t *testing.T) {
	dir := newService(t, "database=postgres")
	next := nextGoService(t)
	res := run(t, dir, sources(t, next), Inputs{})
	if len(res.Plan.Conflicted()) > 0 {
		t.Fatalf("conflicts: %v", res.Plan.Conflicted())
	}
	if err := res.Apply(context.Background()); err != nil {
		t.Fatal(err)
	}

	ctx := context.Background()
	tmpl, err := (&scaffold.Resolver{Embedded: next}).Resolve(ctx, "go-service")
	if err != nil {
		t.Fatal(err)
	}
	values, err := scaffold.Collect(tmpl.Manifest, scaffold.Inputs{Name: "payments", Owner: "group:payments", Sets: []string{"database=postgres"}})
	if err != nil {
		t.Fatal(err)
	}
	plan, err := scaffold.PlanService(ctx, tmpl, values, svcOpt)
	if err != nil {
		t.Fatal(err)
	}
	fresh := filepath.Join(t.TempDir(), "fresh")
	if _, err := scaffold.Write(ctx, plan, fresh, scaffold.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	got, want := workTree(t, dir), workTree(t, fresh)
	for p := range want {
		if got[p] != want[p] {
			t.Errorf("%s differs from a fresh render:\n--- update\n%s\n--- fresh\n%s", p, got[p], want[p])
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			t.Errorf("%s: the update has it, a fresh render does not", p)
		}
	}
}

func TestConflictsAndTeamDeletions(t *testing.T) {
	dir := newService(t)
	edit(t, dir, "Dockerfile", func(s string) string {
		return strings.Replace(s, "USER nonroot:nonroot", "USER team:team", 1)
	})
	if err := os.Remove(filepath.Join(dir, "docs", "index.md")); err != nil {
		t.Fatal(err)
	}
	commit(t, dir, "docs/index.md")
	res := run(t, dir, sources(t, nextGoService(t)), Inputs{})
	got := actions(res)
	if got["Dockerfile"] != update.Conflict || got["docs/index.md"] != update.TeamDeleted {
		t.Fatalf("actions: %v", got)
	}
	if err := res.Apply(context.Background()); err != nil {
		t.Fatal(err)
	}
	tree := workTree(t, dir)
	want := "<<<<<<< ours\nUSER team:team\n=======\nUSER 65532:65532\n>>>>>>> go-service 1.1.0\n"
	if !strings.Contains(tree["Dockerfile"], want) {
		t.Errorf("Dockerfile:\n%s", tree["Dockerfile"])
	}
	if _, ok := tree["docs/index.md"]; ok {
		t.Error("a file the team deleted came back")
	}
}

func TestAnswersChangeWithSetAndNewParameters(t *testing.T) {
	dir := newService(t)
	res := run(t, dir, sources(t, nextGoService(t)), Inputs{Values: scaffold.Inputs{Sets: []string{"replicas=3", "port=9090"}}})
	if res.Values["replicas"] != 3 || res.Values["port"] != 9090 {
		t.Fatalf("values: %v", res.Values)
	}
	var dockerfile []byte
	for _, c := range res.Plan.Changes {
		if c.Path == "Dockerfile" {
			dockerfile = c.Data
		}
	}
	if !bytes.Contains(dockerfile, []byte("EXPOSE 9090")) {
		t.Errorf("a changed answer did not reach the files:\n%s", dockerfile)
	}

	// A wrong value is reported with the flag that fixes it.
	svc, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	v, err := Resolve(context.Background(), svc, sources(t, nextGoService(t)))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Prepare(context.Background(), svc, v, Inputs{Service: svcOpt, Values: scaffold.Inputs{Sets: []string{"replicas=many"}}})
	var invalid *scaffold.ValidationError
	if !errors.As(err, &invalid) || !strings.Contains(err.Error(), "--set replicas=many") {
		t.Errorf("err = %v, want a validation error naming --set replicas=many", err)
	}
}

func TestResolveVersions(t *testing.T) {
	dir := newService(t)
	svc, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	src := sources(t, nextGoService(t))

	src.To = "1.0.0"
	v, err := Resolve(ctx, svc, src)
	if err != nil || v.Target() != "1.0.0" {
		t.Fatalf("--to 1.0.0: %v %v", v, err)
	}
	src.To = "9.0.0"
	var unknown *scaffold.UnknownVersionError
	if _, err := Resolve(ctx, svc, src); !errors.As(err, &unknown) {
		t.Errorf("--to 9.0.0: err = %v, want *scaffold.UnknownVersionError", err)
	}

	// A service recorded at a version newer than the binary's: the
	// binary's is a downgrade, refused unless named with AllowDowngrade.
	svc.Provenance.Template.Version = "1.1.0"
	c, err := Latest(ctx, svc.Provenance.Template, sources(t, templates.FS))
	if err != nil || c.Behind || c.Latest != "1.0.0" {
		t.Errorf("Latest = %+v, %v", c, err)
	}
	newer := sources(t, nextGoService(t))
	svc.Provenance.Template.Version = "1.0.0"
	c, err = Latest(ctx, svc.Provenance.Template, newer)
	if err != nil || !c.Behind || c.Latest != "1.1.0" {
		t.Errorf("Latest = %+v, %v", c, err)
	}
}

func TestDowngradeRefused(t *testing.T) {
	dir := newService(t)
	// Record 2.0.0, which the release archives do not carry: --base gives it.
	edit(t, dir, scaffold.AnswersFile, func(s string) string { return strings.Replace(s, "version: 1.0.0", "version: 2.0.0", 1) })
	base := t.TempDir()
	writeTemplateDir(t, base, "2.0.0")
	svc, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	src := sources(t, templates.FS)
	src.Base = base
	var down *DowngradeError
	if _, err := Resolve(ctx, svc, src); !errors.As(err, &down) || down.To != "" {
		t.Fatalf("latest older than current: err = %v, want an unnamed *DowngradeError", err)
	}
	src.To = "1.0.0"
	if _, err := Resolve(ctx, svc, src); !errors.As(err, &down) || down.To != "1.0.0" || !strings.Contains(err.Error(), "--allow-downgrade") {
		t.Fatalf("--to without --allow-downgrade: err = %v", err)
	}
	src.AllowDowngrade = true
	v, err := Resolve(ctx, svc, src)
	if err != nil || v.Target() != "1.0.0" {
		t.Fatalf("--to 1.0.0 --allow-downgrade: %v", err)
	}
}

// writeTemplateDir writes the embedded go-service into dir at version.
func writeTemplateDir(t *testing.T, dir, version string) {
	t.Helper()
	sub, err := fs.Sub(templates.FS, "go-service")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(dir, sub); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, scaffold.ManifestFile)
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, bytes.Replace(data, []byte("version: 1.0.0"), []byte("version: "+version), 1), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestOpenRefuses(t *testing.T) {
	var notService *NotServiceError
	if _, err := Open(t.TempDir()); !errors.As(err, &notService) || !strings.Contains(err.Error(), "not in a git repository") {
		t.Errorf("outside git: %v", err)
	}
	dir := newService(t)
	if err := os.WriteFile(filepath.Join(dir, "scratch.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	var dirty *DirtyError
	if _, err := Open(dir); !errors.As(err, &dirty) || !strings.Contains(err.Error(), "scratch.txt") {
		t.Errorf("dirty tree: %v", err)
	}
	if err := os.Remove(filepath.Join(dir, "scratch.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, scaffold.AnswersFile)); err != nil {
		t.Fatal(err)
	}
	commit(t, dir, scaffold.AnswersFile)
	if _, err := Open(dir); !errors.As(err, &notService) || !strings.Contains(err.Error(), scaffold.AnswersFile) {
		t.Errorf("no answers: %v", err)
	}
}

// TestServiceInASubdirectory: a service inside a larger repository (a
// monorepo) is read and written relative to its own directory, and only
// changes under it count as dirty.
func TestServiceInASubdirectory(t *testing.T) {
	svcDir := newService(t)
	repo := t.TempDir()
	if err := os.CopyFS(filepath.Join(repo, "services", "payments"), os.DirFS(svcDir)); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(repo, "services", "payments", ".git")); err != nil {
		t.Fatal(err)
	}
	if _, err := gitx.InitCommit(repo, author, "monorepo", when); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(repo, "elsewhere.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(repo, "services", "payments")
	res := run(t, dir, sources(t, nextGoService(t)), Inputs{})
	if res.Service.Prefix != "services/payments" || res.Service.InRepository("Dockerfile") != "services/payments/Dockerfile" {
		t.Errorf("prefix %q", res.Service.Prefix)
	}
	if actions(res)["Dockerfile"] != update.Updated {
		t.Errorf("actions: %v", actions(res))
	}
}

func TestOpsWriteAfterDeleteOfTheSamePath(t *testing.T) {
	res := &Result{Plan: &update.Plan{Changes: []update.Change{
		{Path: "a.txt", Action: update.Removed},
		{Path: "b.txt", From: "a.txt", Action: update.Renamed, Data: []byte("b"), Mode: 0o644},
		{Path: "a.txt", Action: update.Added, Data: []byte("new a"), Mode: 0o644},
	}}}
	ops := res.Ops()
	if len(ops) != 2 || ops[0].Path != "b.txt" || ops[1].Path != "a.txt" || ops[1].Delete || ops[0].Delete {
		t.Errorf("ops: %+v", ops)
	}
}

func TestChangelogExcerpt(t *testing.T) {
	log := "# Changelog\n\nIntro.\n\n## [Unreleased]\n\n- soon\n\n## [1.3.0] - 2026-12-01\n\n- three\n\n## v1.2.0\n\n- two\n\n## 1.1.0\n\n- one\n\n## [1.0.0]\n\n- zero\n"
	got := excerpt(log, "1.0.0", "1.2.0")
	want := "## v1.2.0\n\n- two\n\n## 1.1.0\n\n- one"
	if got != want {
		t.Errorf("excerpt:\n%q\nwant\n%q", got, want)
	}
	if got := excerpt(log, "1.3.0", "1.3.0"); got != "" {
		t.Errorf("no version crossed: %q", got)
	}
	long := "## 2.0.0\n\n" + strings.Repeat("- a line of changes\n", 2000)
	if got := excerpt(long, "1.0.0", "2.0.0"); len(got) > MaxChangelogBytes+100 || !strings.Contains(got, "cut: see CHANGELOG.md") {
		t.Errorf("long excerpt not cut: %d bytes", len(got))
	}
}
