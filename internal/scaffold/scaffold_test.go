package scaffold

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
)

const testManifest = `apiVersion: platform/v1alpha1
kind: Template
metadata: {name: demo, title: Demo, description: A demo}
spec:
  path: golden
  version: 1.2.3
  parameters:
    - title: Service
      required: [name, owner]
      properties:
        name: {type: string, pattern: '^[a-z][a-z0-9-]*[a-z0-9]$', maxLength: 20}
        owner: {type: string}
    - title: Options
      properties:
        port: {type: integer, default: 8080, minimum: 1024, maximum: 65535}
        database: {type: string, enum: [none, postgres], default: none}
        debug: {type: boolean, default: false}
        features: {type: array, items: {type: string, enum: [metrics, tracing]}}
        system: {type: string}
  conditions:
    - {paths: ["deploy/postgres/**"], if: '{{ eq .values.database "postgres" }}'}
`

func testTemplate(t *testing.T, files map[string]string) *Template {
	t.Helper()
	fsys := fstest.MapFS{ManifestFile: {Data: []byte(testManifest)}}
	for name, data := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(data), Mode: 0o644}
	}
	if len(files) == 0 {
		fsys["skeleton/README.md"] = &fstest.MapFile{Data: []byte("hi")}
	}
	tmpl, err := Load(fsys, Source{Kind: SourceLocal})
	if err != nil {
		t.Fatal(err)
	}
	return tmpl
}

func TestParseManifestKeepsParameterOrder(t *testing.T) {
	m, err := ParseManifest([]byte(testManifest))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range m.Parameters() {
		names = append(names, p.Name)
	}
	want := []string{"name", "owner", "port", "database", "debug", "features", "system"}
	if !reflect.DeepEqual(names, want) {
		t.Fatalf("order = %v, want %v", names, want)
	}
	if !m.Parameter("name").Required || m.Parameter("port").Required {
		t.Fatal("required flags not applied from the page's required list")
	}
	if m.Parameter("port").Default != 8080 {
		t.Fatalf("port default = %#v", m.Parameter("port").Default)
	}
}

func TestParseManifestErrors(t *testing.T) {
	cases := map[string]struct {
		edit func(string) string
		want string
	}{
		"unknown field":       {func(s string) string { return strings.Replace(s, "version: 1.2.3", "version: 1.2.3\n  verison: 2", 1) }, "field verison not found"},
		"bad path":            {func(s string) string { return strings.Replace(s, "path: golden", "path: bronze", 1) }, `spec.path "bronze"`},
		"silver no tradeoffs": {func(s string) string { return strings.Replace(s, "path: golden", "path: silver", 1) }, "spec.tradeoffs is required"},
		"bad version":         {func(s string) string { return strings.Replace(s, "1.2.3", "v1", 1) }, "semantic version"},
		"bad pattern":         {func(s string) string { return strings.Replace(s, "pattern: '^[a-z]", "pattern: '^([a-z]", 1) }, "pattern: error parsing regexp"},
		"bad default":         {func(s string) string { return strings.Replace(s, "default: 8080", "default: 80", 1) }, "below the minimum"},
		"default not in enum": {func(s string) string { return strings.Replace(s, "default: none", "default: mysql", 1) }, "not one of none, postgres"},
		"unknown type":        {func(s string) string { return strings.Replace(s, "type: boolean", "type: float", 1) }, `type "float" is not supported`},
		"required not a prop": {func(s string) string { return strings.Replace(s, "[name, owner]", "[name, owner, team]", 1) }, `names "team"`},
		"no owner":            {func(s string) string { return strings.Replace(s, "owner: {type: string}", "team: {type: string}", 1) }, `parameter "owner" is required`},
		"integer name": {func(s string) string {
			return strings.Replace(s, "name: {type: string, pattern", "name: {type: integer, xpattern", 1)
		}, "field xpattern not found"},
		"name not a string": {func(s string) string {
			return strings.Replace(s, "name: {type: string, pattern: '^[a-z][a-z0-9-]*[a-z0-9]$', maxLength: 20}", "name: {type: integer}", 1)
		}, `parameter "name" must be a required string`},
		"optional owner": {func(s string) string { return strings.Replace(s, "[name, owner]", "[name]", 1) }, `parameter "owner" must be a required string`},
		"bad glob":       {func(s string) string { return strings.Replace(s, "deploy/postgres/**", "deploy/[", 1) }, "syntax error in pattern"},
		"wrong kind":     {func(s string) string { return strings.Replace(s, "kind: Template", "kind: Component", 1) }, `kind "Component"`},
		"empty":          {func(string) string { return "" }, "empty"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := ParseManifest([]byte(c.edit(testManifest)))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want it to contain %q", err, c.want)
			}
		})
	}
}

// FuzzParseManifest: no input panics or runs away (alias bombs, deep nesting,
// bad UTF-8), a rejected input gets an error about template.yaml, and an
// accepted manifest keeps its promises: it checks again without a problem
// (normalised values stay valid), its defaults and enum values validate, and
// name and owner are required strings.
func FuzzParseManifest(f *testing.F) {
	f.Add([]byte(testManifest))
	f.Add([]byte("apiVersion: platform/v1alpha1\nkind: Template\nspec: {parameters: [{properties: []}]}"))
	f.Add([]byte("spec:\n  parameters:\n    - properties: {x: {type: array, items: {}}}"))
	f.Add([]byte("{"))
	f.Add([]byte(aliasBomb(9, 9)))
	f.Add([]byte(aliasBomb(3, 3)))
	f.Add([]byte(strings.Replace(testManifest, "title: Demo", "title: D\xffmo", 1)))
	f.Add([]byte("a: &a [*a]"))
	f.Add([]byte(strings.Repeat("[", 20000)))
	f.Add([]byte("\xfe\xff\x00a\x00:\x00 \x00b"))
	f.Add([]byte(testManifest + migrationsYAML))
	f.Add([]byte(testManifest + "  migrations: [{version: 1.0.0, rename: {from: ../x, to: .git/y}}, {version: v1, run: rm}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseManifest(data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "template.yaml") {
				t.Fatalf("error does not name template.yaml: %v", err)
			}
			return
		}
		if errs := m.check(); len(errs) > 0 {
			t.Fatalf("an accepted manifest fails its check the second time: %v", errs)
		}
		for _, name := range []string{"name", "owner"} {
			if p := m.Parameter(name); p == nil || p.Type != TypeString {
				t.Fatalf("accepted without a string parameter %q", name)
			}
		}
		for _, p := range m.Parameters() {
			if p.Default != nil {
				if msg := p.Validate(p.Default); msg != "" {
					t.Fatalf("parameter %q: accepted default %#v is invalid: %s", p.Name, p.Default, msg)
				}
			}
			for _, e := range p.Enum {
				if msg := p.Validate(e); msg != "" {
					t.Fatalf("parameter %q: accepted enum value %#v is invalid: %s", p.Name, e, msg)
				}
			}
			_, _ = p.Parse("x")
		}
	})
}

func TestCollectReportsEveryProblemWithItsFlag(t *testing.T) {
	m := testTemplate(t, nil).Manifest
	_, err := Collect(m, Inputs{
		Name: "Bad_Name",
		Sets: []string{"port=80", "database=mysql", "nope=1", "novalue"},
	})
	var verr *ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("err = %v, want a ValidationError", err)
	}
	got := err.Error()
	for _, want := range []string{
		`NAME argument: "Bad_Name" does not match the pattern`,
		"--owner: is required",
		"--set port=VALUE: 80 is below the minimum 1024",
		`--set database=VALUE: "mysql" is not one of none, postgres`,
		`--set nope=1: template demo has no parameter "nope"`,
		"--set novalue: want key=value",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("error lacks %q:\n%s", want, got)
		}
	}
}

func TestCollectPrecedenceAndTypes(t *testing.T) {
	m := testTemplate(t, nil).Manifest
	files := map[string]string{
		"a.yaml": "port: 9000\ndatabase: postgres\nname: from-file\nfeatures: [metrics]\n",
		"b.yaml": "port: 9100\n",
	}
	values, err := Collect(m, Inputs{
		Name:        "from-arg",
		Owner:       "group:payments",
		Sets:        []string{"debug=true", "features=metrics,tracing"},
		ValuesFiles: []string{"a.yaml", "b.yaml"},
		ReadFile:    func(p string) ([]byte, error) { return []byte(files[p]), nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	want := Values{
		"name": "from-arg", "owner": "group:payments", "port": 9100, "database": "postgres",
		"debug": true, "features": []string{"metrics", "tracing"}, "system": "",
	}
	if !reflect.DeepEqual(values, want) {
		t.Fatalf("values = %#v\nwant %#v", values, want)
	}
}

func TestValuesFileErrors(t *testing.T) {
	m := testTemplate(t, nil).Manifest
	_, err := Collect(m, Inputs{
		Name: "ok", Owner: "x",
		ValuesFiles: []string{"missing.yaml", "list.yaml", "typed.yaml"},
		ReadFile: func(p string) ([]byte, error) {
			switch p {
			case "list.yaml":
				return []byte("- a\n- b\n"), nil
			case "typed.yaml":
				return []byte("port: many\nsystem: 12\n"), nil
			}
			return nil, os.ErrNotExist
		},
	})
	for _, want := range []string{"--values missing.yaml: cannot read", "--values list.yaml: line 1: want a mapping", `--values typed.yaml: "many" is not a whole number`, "want a string, got 12 (quote it)"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
}

func TestRender(t *testing.T) {
	tmpl := testTemplate(t, map[string]string{
		"skeleton/README.md.tmpl":                           "# {{ .values.name }} on port {{ .values.port }} ({{ .template.path }} {{ .template.version }})\n",
		"skeleton/static.txt":                               "{{ not rendered }}",
		"skeleton/cmd/{{ .values.name }}/main.go.tmpl":      "package main // {{ upper .values.name }}\n",
		"skeleton/deploy/postgres/cluster.yaml":             "kind: Cluster\n",
		"skeleton/{{ if .values.debug }}debug.txt{{ end }}": "debug\n",
	})
	values, err := Collect(tmpl.Manifest, Inputs{Name: "pay", Owner: "group:x"})
	if err != nil {
		t.Fatal(err)
	}
	plan, err := Render(context.Background(), tmpl, values, RenderOptions{PlatformVersion: "v1"})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range plan.Files {
		got[f.Path] = string(f.Data)
	}
	want := map[string]string{
		"README.md":       "# pay on port 8080 (golden 1.2.3)\n",
		"static.txt":      "{{ not rendered }}",
		"cmd/pay/main.go": "package main // PAY\n",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("plan = %v\nwant %v", got, want)
	}

	values["database"], values["debug"] = "postgres", true
	plan, err = Render(context.Background(), tmpl, values, RenderOptions{PlatformVersion: "v1"})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"deploy/postgres/cluster.yaml", "debug.txt"} {
		if _, ok := plan.Lookup(p); !ok {
			t.Errorf("conditional file %s missing when its condition holds", p)
		}
	}
}

func TestRenderErrorsNameFileAndLine(t *testing.T) {
	cases := map[string]struct {
		files map[string]string
		want  string
	}{
		"syntax":        {map[string]string{"skeleton/a.txt.tmpl": "ok\n{{ if }}\n"}, "skeleton/a.txt.tmpl:2: missing value for if"},
		"unknown key":   {map[string]string{"skeleton/a.txt.tmpl": "\n\n{{ .values.nmae }}"}, "skeleton/a.txt.tmpl:3: map has no entry for key \"nmae\""},
		"forbidden":     {map[string]string{"skeleton/a.txt.tmpl": "{{ env \"HOME\" }}"}, `skeleton/a.txt.tmpl:1: function "env" not defined`},
		"now":           {map[string]string{"skeleton/a.txt.tmpl": "{{ now }}"}, `function "now" not defined`},
		"traversal":     {map[string]string{"skeleton/{{ \"..\" }}/evil.txt": "x"}, `renders to "../evil.txt", which is outside the destination`},
		"absolute":      {map[string]string{"skeleton/{{ printf \"%c\" 47 }}etc/evil.txt": "x"}, `renders to "/etc/evil.txt", which is outside`},
		"empty segment": {map[string]string{"skeleton/a/{{ printf \"%c\" 47 }}/b.txt": "x"}, "not a clean relative path"},
		"into git":      {map[string]string{"skeleton/.git/config": "x"}, "cannot write into .git"},
		"duplicate":     {map[string]string{"skeleton/a.txt": "x", "skeleton/a.txt.tmpl": "y"}, "two files render to a.txt"},
		"path":          {map[string]string{"skeleton/{{ .values.nope }}.txt": "x"}, "skeleton/{{ .values.nope }}.txt (path):1:"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			tmpl := testTemplate(t, c.files)
			values, err := Collect(tmpl.Manifest, Inputs{Name: "pay", Owner: "group:x"})
			if err != nil {
				t.Fatal(err)
			}
			_, err = Render(context.Background(), tmpl, values, RenderOptions{PlatformVersion: "v1"})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want it to contain %q", err, c.want)
			}
		})
	}
}

func TestRenderRefusesSymlinks(t *testing.T) {
	dir := t.TempDir()
	must(t, os.WriteFile(filepath.Join(dir, ManifestFile), []byte(testManifest), 0o644))
	must(t, os.MkdirAll(filepath.Join(dir, SkeletonDir), 0o755))
	must(t, os.Symlink("/etc/passwd", filepath.Join(dir, SkeletonDir, "passwd")))
	// Load refuses the link before Render could see it (more in load_test.go).
	_, err := Load(os.DirFS(dir), Source{Kind: SourceLocal})
	if err == nil || !strings.Contains(err.Error(), "skeleton/passwd: is a symbolic link") {
		t.Fatalf("err = %v", err)
	}
}

func TestFuncMapIsHermetic(t *testing.T) {
	fm := funcMap(funcLimits{bytes: 1 << 20})
	for _, name := range []string{"env", "expandenv", "now", "date", "uuidv4", "randAlphaNum", "randInt", "shuffle", "genPrivateKey", "getHostByName", "ago"} {
		if _, ok := fm[name]; ok {
			t.Errorf("function %s must not be available to templates", name)
		}
	}
	for _, name := range []string{"upper", "trimSuffix", "default", "toJson", "sha256sum"} {
		if _, ok := fm[name]; !ok {
			t.Errorf("function %s should be available", name)
		}
	}
}

func TestWrite(t *testing.T) {
	plan := &Plan{}
	must(t, plan.Add(File{Path: "b/c.txt", Mode: 0o644, Data: []byte("c")}))
	must(t, plan.Add(File{Path: "a.txt", Mode: 0o644, Data: []byte("a")}))
	dest := filepath.Join(t.TempDir(), "svc")

	steps, err := Write(context.Background(), plan, dest, WriteOptions{})
	must(t, err)
	if len(steps) != 2 || steps[0].Path != "a.txt" || steps[0].Action != ActionCreate {
		t.Fatalf("steps = %v", steps)
	}
	assertFile(t, filepath.Join(dest, "b/c.txt"), "c")

	_, err = Write(context.Background(), plan, dest, WriteOptions{})
	var notEmpty *DestinationNotEmptyError
	if !errors.As(err, &notEmpty) {
		t.Fatalf("second write: err = %v, want DestinationNotEmptyError", err)
	}

	must(t, os.WriteFile(filepath.Join(dest, "a.txt"), []byte("edited"), 0o644))
	must(t, os.WriteFile(filepath.Join(dest, "mine.txt"), []byte("mine"), 0o644))
	steps, err = Write(context.Background(), plan, dest, WriteOptions{Force: true})
	must(t, err)
	if steps[0].Action != ActionOverwrite || steps[1].Action != ActionSkip {
		t.Fatalf("force steps = %v", steps)
	}
	assertFile(t, filepath.Join(dest, "a.txt"), "a")
	assertFile(t, filepath.Join(dest, "mine.txt"), "mine")
	assertNoStaging(t, filepath.Dir(dest))
}

func TestWriteLeavesNothingOnFailureOrCancel(t *testing.T) {
	plan := &Plan{}
	must(t, plan.Add(File{Path: "a.txt", Mode: 0o644, Data: []byte("a")}))
	parent := t.TempDir()
	dest := filepath.Join(parent, "svc")

	_, err := Write(context.Background(), plan, dest, WriteOptions{BeforeMove: func(string) error { return errors.New("commit failed") }})
	if err == nil || err.Error() != "commit failed" {
		t.Fatalf("err = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Write(ctx, plan, dest, WriteOptions{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if _, err := os.Stat(dest); !os.IsNotExist(err) {
		t.Fatalf("destination exists after a failed write: %v", err)
	}
	assertNoStaging(t, parent)
}

func TestParseGitRef(t *testing.T) {
	cases := []struct {
		in   string
		want GitRef
		ok   bool
	}{
		{"https://gitlab.example.com/platform/templates.git//go-service@v1.2.0", GitRef{"https://gitlab.example.com/platform/templates.git", "go-service", "v1.2.0"}, true},
		{"https://gitlab.example.com/platform/go-service.git", GitRef{"https://gitlab.example.com/platform/go-service.git", "", ""}, true},
		{"https://gitlab.example.com/t.git@main", GitRef{"https://gitlab.example.com/t.git", "", "main"}, true},
		{"https://oauth2:tok@gitlab.example.com/t.git//a/b@abc123", GitRef{"https://oauth2:tok@gitlab.example.com/t.git", "a/b", "abc123"}, true},
		{"git@gitlab.example.com:platform/templates.git//go-service@v1", GitRef{"git@gitlab.example.com:platform/templates.git", "go-service", "v1"}, true},
		{"git@gitlab.example.com:platform/templates.git", GitRef{"git@gitlab.example.com:platform/templates.git", "", ""}, true},
		{"file:///tmp/repo.git//tpl@v1.0.0", GitRef{"file:///tmp/repo.git", "tpl", "v1.0.0"}, true},
		{"go-service", GitRef{}, false},
		{"./my-template", GitRef{}, false},
	}
	for _, c := range cases {
		got, ok := ParseGitRef(c.in)
		if ok != c.ok || got != c.want {
			t.Errorf("ParseGitRef(%q) = %+v, %v; want %+v, %v", c.in, got, ok, c.want, c.ok)
		}
	}
	g, _ := ParseGitRef("https://oauth2:secret-token@gitlab.example.com/t.git//a@v1")
	if s := g.String(); strings.Contains(s, "secret-token") || s != "https://gitlab.example.com/t.git//a@v1" {
		t.Fatalf("String() = %q leaks or mangles the URL", s)
	}
}

func TestAnswersAreDeterministicAndOrdered(t *testing.T) {
	tmpl := testTemplate(t, nil)
	tmpl.Source = Source{Kind: SourceGit, Ref: "https://h/t.git//demo@v1", Commit: "abc"}
	values, err := Collect(tmpl.Manifest, Inputs{Name: "pay", Owner: "group:x", Sets: []string{"features=metrics"}})
	must(t, err)
	a, err := Answers(tmpl, values)
	must(t, err)
	b, err := Answers(tmpl, values)
	must(t, err)
	if string(a) != string(b) {
		t.Fatal("answers differ between two runs")
	}
	body := string(a)[strings.Index(string(a), "template:"):]
	want := `template:
  name: demo
  path: golden
  version: 1.2.3
  source: git
  ref: https://h/t.git//demo@v1
  commit: abc
values:
  name: pay
  owner: group:x
  port: 8080
  database: none
  debug: false
  features:
    - metrics
  system: ""
`
	if body != want {
		t.Fatalf("answers =\n%s\nwant\n%s", body, want)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func assertFile(t *testing.T, path, want string) {
	t.Helper()
	data, err := os.ReadFile(path)
	must(t, err)
	if string(data) != want {
		t.Fatalf("%s = %q, want %q", path, data, want)
	}
}

func assertNoStaging(t *testing.T, dir string) {
	t.Helper()
	matches, _ := filepath.Glob(filepath.Join(dir, ".platform-staging-*"))
	if len(matches) > 0 {
		t.Fatalf("staging directories left behind: %v", matches)
	}
}

// A bad values-file entry for a required parameter is one problem, not that
// problem and "is required" besides; with or without a wizard.
func TestCollectReportsABadValueOnce(t *testing.T) {
	m := testTemplate(t, nil).Manifest
	in := Inputs{
		Name:        "pay",
		ValuesFiles: []string{"v.yaml"},
		ReadFile:    func(string) ([]byte, error) { return []byte("owner: [a, b]\n"), nil },
	}
	asked := false
	for _, ask := range []func(Values) (Values, error){nil, func(v Values) (Values, error) { asked = true; return v, nil }} {
		in.Ask = ask
		_, err := Collect(m, in)
		var verr *ValidationError
		if !errors.As(err, &verr) {
			t.Fatalf("err = %v, want a ValidationError", err)
		}
		if len(verr.Problems) != 1 || verr.Problems[0].Flag != "--values v.yaml" || !strings.Contains(verr.Problems[0].Message, "want a string, got [a b]") {
			t.Fatalf("problems = %v, want the values file's one", verr.Problems)
		}
	}
	if asked {
		t.Fatal("asked questions although the given values have a problem")
	}
}

// Ask gets the given values and its answers are validated like flags: a
// prompt may hand back a default without running its validator.
func TestCollectAsksForTheRestAndValidatesAnswers(t *testing.T) {
	m := testTemplate(t, nil).Manifest
	var got Values
	ask := func(given Values) (Values, error) {
		got = given
		out := Values{"owner": "group:payments", "port": 80}
		for k, v := range given {
			out[k] = v
		}
		return out, nil
	}
	_, err := Collect(m, Inputs{Name: "pay", Ask: ask})
	if !reflect.DeepEqual(got, Values{"name": "pay"}) {
		t.Fatalf("Ask got %#v, want only the given values", got)
	}
	var verr *ValidationError
	if !errors.As(err, &verr) || len(verr.Problems) != 1 || !strings.Contains(verr.Problems[0].String(), "--set port=VALUE: 80 is below the minimum 1024") {
		t.Fatalf("err = %v, want the answer's problem", err)
	}
	stop := errors.New("cancelled")
	if _, err := Collect(m, Inputs{Name: "pay", Ask: func(Values) (Values, error) { return nil, stop }}); !errors.Is(err, stop) {
		t.Fatalf("err = %v, want Ask's error", err)
	}
	// The caller's own problems are reported with the rest.
	_, err = Collect(m, Inputs{Name: "pay", Problems: []Problem{{Flag: "--accept-tradeoffs", Message: "silver"}}})
	if err == nil || !strings.Contains(err.Error(), "--accept-tradeoffs: silver") || !strings.Contains(err.Error(), "--owner: is required") {
		t.Fatalf("err = %v", err)
	}
}
