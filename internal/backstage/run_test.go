package backstage

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestRunFetchTemplateBasics(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]file{
		"template.yaml": {data: manifest(`    - id: fetch
      name: Fetch
      action: fetch:template
      input:
        url: ./skeleton
        values:
          name: ${{ parameters.name }}
          extra: ${{ parameters.missing }}
`, "")},
		"skeleton/README.md":                     {data: "# ${{ values.name }}\n"},
		"skeleton/${{ values.name }}/main.go":    {data: "package ${{ values.name }}\n"},
		"skeleton/run.sh":                        {data: "#!/bin/sh\necho ${{ values.name }}\n", exec: true},
		"skeleton/${{ values.nope }}":            {data: "never\n"},
		"skeleton/${{ values.extra }}.txt":       {data: "a name partly empty is kept\n"},
		"skeleton/${{ values.extra }}/inner.txt": {data: "never\n"},
		"skeleton/logo.png":                      {data: "\x89PNG\r\n\x1a\n\x00\x00${{ values.name }}"},
	})
	res, err := run(t, dir, map[string]any{"name": "svc"}, fakeEngine{}, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"README.md":   "# svc\n",
		"svc/main.go": "package svc\n",
		".txt":        "a name partly empty is kept\n",
		"run.sh":      "#!/bin/sh\necho svc\n",
		"logo.png":    "\x89PNG\r\n\x1a\n\x00\x00${{ values.name }}",
	}
	if got := files(res); !reflect.DeepEqual(got, want) {
		t.Fatalf("files = %q, want %q", got, want)
	}
	for _, f := range res.Plan.Files {
		wantMode := "-rw-r--r--"
		if f.Path == "run.sh" {
			wantMode = "-rwxr-xr-x"
		}
		if f.Mode.String() != wantMode {
			t.Errorf("%s mode %s, want %s", f.Path, f.Mode, wantMode)
		}
	}
	if len(res.Steps) != 1 || res.Steps[0].Status != StatusRan || res.Steps[0].Name != "Fetch" {
		t.Errorf("steps = %+v", res.Steps)
	}
}

func TestRunCopyWithoutTemplatingProtectsGitHubExpressions(t *testing.T) {
	dir := t.TempDir()
	workflow := "on: push\njobs:\n  build:\n    if: ${{ github.event_name == 'push' }}\n"
	writeTree(t, dir, map[string]file{
		"template.yaml": {data: manifest(`    - id: fetch
      action: fetch:template
      input:
        url: ./skeleton
        copyWithoutTemplating:
          - .github/workflows/*
        values: {name: svc}
`, "")},
		"skeleton/.github/workflows/ci-${{ values.name }}.yaml": {data: workflow},
		"skeleton/.github/CODEOWNERS":                           {data: "* @${{ values.name }}\n"},
	})
	res, err := run(t, dir, nil, fakeEngine{}, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		// The name is still rendered (copyWithoutTemplating), the content not.
		".github/workflows/ci-svc.yaml": workflow,
		".github/CODEOWNERS":            "* @svc\n",
	}
	if got := files(res); !reflect.DeepEqual(got, want) {
		t.Fatalf("files = %q, want %q", got, want)
	}
}

func TestRunCopyWithoutRenderKeepsNames(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]file{
		"template.yaml": {data: manifest(`    - id: fetch
      action: fetch:template
      input:
        url: ./skeleton
        copyWithoutRender: ['raw/**']
        values: {name: svc}
`, "")},
		"skeleton/raw/${{ values.name }}.txt": {data: "${{ values.name }}"},
	})
	res, err := run(t, dir, nil, fakeEngine{}, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := files(res), map[string]string{"raw/${{ values.name }}.txt": "${{ values.name }}"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("files = %q, want %q", got, want)
	}
}

func TestRunTemplateFileExtension(t *testing.T) {
	for _, tc := range []struct{ ext, file string }{{"true", "app.yaml.njk"}, {".tmpl", "app.yaml.tmpl"}, {"tmpl", "app.yaml.tmpl"}} {
		dir := t.TempDir()
		writeTree(t, dir, map[string]file{
			"template.yaml": {data: manifest(`    - id: fetch
      action: fetch:template
      input:
        url: ./skeleton
        templateFileExtension: `+tc.ext+`
        values: {name: svc}
`, "")},
			"skeleton/" + tc.file:                   {data: "name: ${{ values.name }}\n"},
			"skeleton/plain-${{ values.name }}.txt": {data: "${{ values.name }}\n"},
		})
		res, err := run(t, dir, nil, fakeEngine{}, RunOptions{})
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"app.yaml": "name: svc\n", "plain-svc.txt": "${{ values.name }}\n"}
		if got := files(res); !reflect.DeepEqual(got, want) {
			t.Errorf("extension %s: files = %q, want %q", tc.ext, got, want)
		}
	}
}

func TestRunSharedSkeletonAndRootEscape(t *testing.T) {
	repo := t.TempDir()
	writeTree(t, repo, map[string]file{
		".git/HEAD": {data: "ref: refs/heads/main\n"},
		"templates/go/template.yaml": {data: manifest(`    - id: fetch
      action: fetch:template
      input:
        url: ../../skeletons/common
        values: {name: svc}
`, "")},
		"skeletons/common/Makefile": {data: "build: ${{ values.name }}\n"},
	})
	res, err := run(t, filepath.Join(repo, "templates", "go"), nil, fakeEngine{}, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := files(res), map[string]string{"Makefile": "build: svc\n"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("files = %q, want %q", got, want)
	}

	// Outside the repository: refused when loading, naming the step.
	writeTree(t, repo, map[string]file{
		"templates/bad/template.yaml": {data: manifest(`    - id: escape
      action: fetch:plain
      input: {url: ../../../elsewhere}
`, "")},
	})
	_, err = Load(t.Context(), filepath.Join(repo, "templates", "bad", "template.yaml"), LoadOptions{})
	var se *StepError
	if !errors.As(err, &se) || se.StepID != "escape" || !errors.Is(err, ErrEscapesRoot) {
		t.Fatalf("Load = %v, want a StepError for step escape wrapping ErrEscapesRoot", err)
	}

	// Without .git, the root is the template's own directory.
	plain := t.TempDir()
	writeTree(t, plain, map[string]file{
		"t/template.yaml": {data: manifest(`    - id: up
      action: fetch:plain
      input: {url: ../shared}
`, "")},
		"shared/x": {data: "x"},
	})
	_, err = Load(t.Context(), filepath.Join(plain, "t"), LoadOptions{})
	if !errors.As(err, &se) || se.StepID != "up" {
		t.Fatalf("Load = %v, want a StepError for step up", err)
	}
}

func TestRunReplace(t *testing.T) {
	for _, replace := range []bool{false, true} {
		dir := t.TempDir()
		r := "false"
		if replace {
			r = "true"
		}
		writeTree(t, dir, map[string]file{
			"template.yaml": {data: manifest(`    - id: base
      action: fetch:template
      input: {url: ./base, values: {v: base}}
    - id: overlay
      action: fetch:template
      input: {url: ./overlay, replace: `+r+`, values: {v: overlay}}
`, "")},
			"base/a.txt":    {data: "${{ values.v }}", exec: true},
			"overlay/a.txt": {data: "${{ values.v }}"},
			"overlay/b.txt": {data: "${{ values.v }}"},
		})
		res, err := run(t, dir, nil, fakeEngine{}, RunOptions{})
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"a.txt": "base", "b.txt": "overlay"}
		if replace {
			want["a.txt"] = "overlay"
		}
		if got := files(res); !reflect.DeepEqual(got, want) {
			t.Errorf("replace %v: files = %q, want %q", replace, got, want)
		}
		// Writing over a file keeps its mode, as fs.outputFile does.
		if f, _ := res.Plan.Lookup("a.txt"); f.Mode.Perm() != 0o755 {
			t.Errorf("replace %v: a.txt mode %v, want 0755", replace, f.Mode)
		}
	}
}

func TestRunStepIfAndOutputs(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]file{
		"template.yaml": {data: manifest(`    - id: never
      action: debug:log
      if: false
      input: {message: no}
    - id: off
      action: debug:log
      if: ${{ parameters.off }}
      input: {message: no}
    - id: on
      action: debug:log
      if: ${{ parameters.on }}
      input: {message: "hello ${{ parameters.name }}"}
    - id: publish
      action: publish:gitlab
      input:
        repoUrl: gitlab.example.com?owner=group/sub&repo=${{ parameters.name }}
        defaultBranch: main
    - id: register
      action: catalog:register
      input:
        repoContentsUrl: ${{ steps['publish'].output.repoContentsUrl }}
        catalogInfoPath: /catalog-info.yaml
    - id: gh
      action: github:actions:dispatch
      input: {workflowId: x}
`, `    links:
      - title: Repository
        url: ${{ steps.publish.output.remoteUrl }}
      - title: Catalog
        url: ${{ steps['register'].output.catalogInfoUrl }}
    port: ${{ parameters.port }}
    gone: ${{ parameters.nothing }}
`)},
	})
	res, err := run(t, dir, map[string]any{"name": "svc", "on": []any{"x"}, "off": []any{}, "port": 8080}, fakeEngine{}, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range res.Steps {
		got = append(got, s.ID+":"+s.Status)
	}
	want := []string{"never:skipped", "off:skipped", "on:ran", "publish:publish", "register:skipped", "gh:skipped"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("steps = %v, want %v", got, want)
	}
	if l := res.Steps[2].Lines; len(l) != 1 || l[0] != "hello svc" {
		t.Errorf("debug:log lines = %q", l)
	}
	p := res.Publish
	if p == nil || p.Host != "gitlab.example.com" || p.Owner != "group/sub" || p.Repo != "svc" || p.DefaultBranch != "main" {
		t.Fatalf("publish = %+v", p)
	}
	wantOut := map[string]any{
		"links": []any{
			map[string]any{"title": "Repository", "url": "https://gitlab.example.com/group/sub/svc"},
			map[string]any{"title": "Catalog", "url": "https://gitlab.example.com/group/sub/svc/-/blob/main/catalog-info.yaml"},
		},
		"port": 8080, // a single expression keeps its type
	}
	if !reflect.DeepEqual(res.Output, wantOut) {
		t.Errorf("output = %#v\nwant %#v", res.Output, wantOut)
	}
	if !strings.Contains(res.Steps[5].Reason, "another system") {
		t.Errorf("gh reason = %q", res.Steps[5].Reason)
	}
}

func TestRunFailedRenderLeavesString(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]file{
		"template.yaml": {data: manifest(`    - id: log
      action: debug:log
      input: {message: "${{ parameters.x !! }}"}
`, "")},
	})
	res, err := run(t, dir, nil, fakeEngine{}, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if l := res.Steps[0].Lines; len(l) != 1 || l[0] != "${{ parameters.x !! }}" {
		t.Errorf("lines = %q", l)
	}
}

func TestRunUnknownActionRefusedBeforeAnything(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]file{
		"template.yaml": {data: manifest(`    - id: fetch
      action: fetch:plain
      input: {url: ./skeleton}
    - id: cc
      action: fetch:cookiecutter
      input: {url: ./cc}
    - id: remote
      action: fetch:template
      input: {url: https://github.com/org/repo/tree/main/skeleton}
`, "")},
		"skeleton/a": {data: "a"},
	})
	tmpl, err := Load(t.Context(), dir, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	err = Check(tmpl)
	var ue *UnsupportedActionError
	if !errors.As(err, &ue) || ue.StepID != "cc" || ue.Action != "fetch:cookiecutter" {
		t.Fatalf("Check = %v, want an UnsupportedActionError for step cc", err)
	}
	if !strings.Contains(err.Error(), "remote") {
		t.Errorf("Check = %v, want the remote url step named too", err)
	}
	if _, err := Run(t.Context(), tmpl, nil, RunOptions{Engine: fakeEngine{}}); !errors.As(err, &ue) {
		t.Fatalf("Run = %v, want an UnsupportedActionError", err)
	}
	res, err := Run(t.Context(), tmpl, nil, RunOptions{Engine: fakeEngine{}, SkipUnsupported: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := files(res); !reflect.DeepEqual(got, map[string]string{"a": "a"}) {
		t.Errorf("files = %q", got)
	}
	if s := res.Steps[1]; s.Status != StatusSkipped || !strings.Contains(s.Reason, "skip-unsupported") {
		t.Errorf("cc step = %+v", s)
	}
}

func TestRunPlainRenameDelete(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]file{
		"template.yaml": {data: manifest(`    - id: plain
      action: fetch:plain
      input: {url: ./plain, targetPath: ./app}
    - id: file
      action: fetch:plain:file
      input: {url: ./one/LICENSE, targetPath: LICENSE}
    - id: rename
      action: fs:rename
      input:
        files:
          - {from: app/docs, to: docs}
          - {from: app/x.txt, to: y.txt}
    - id: delete
      action: fs:delete
      input: {files: [app/tmp, "**/*.bak", missing]}
`, "")},
		"plain/x.txt":        {data: "${{ raw }}"},
		"plain/docs/index":   {data: "i"},
		"plain/tmp/t":        {data: "t"},
		"plain/keep/old.bak": {data: "b"},
		"plain/run":          {data: "r", exec: true},
		"one/LICENSE":        {data: "MIT"},
	})
	res, err := run(t, dir, nil, fakeEngine{}, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"LICENSE": "MIT", "docs/index": "i", "y.txt": "${{ raw }}", "app/run": "r"}
	if got := files(res); !reflect.DeepEqual(got, want) {
		t.Fatalf("files = %q, want %q", got, want)
	}
	if f, _ := res.Plan.Lookup("app/run"); f.Mode.Perm() != 0o755 {
		t.Errorf("app/run mode %v", f.Mode)
	}

	// Renaming onto an existing file without overwrite fails.
	writeTree(t, dir, map[string]file{
		"template.yaml": {data: manifest(`    - id: plain
      action: fetch:plain
      input: {url: ./one}
    - id: rename
      action: fs:rename
      input: {files: [{from: LICENSE, to: LICENSE2}, {from: LICENSE2, to: NOTICE}]}
    - id: clash
      action: fs:rename
      input: {files: [{from: NOTICE, to: NOTICE}, {from: NOTICE, to: x/y}, {from: x/y, to: x}]}
`, "")},
	})
	if _, err := run(t, dir, nil, fakeEngine{}, RunOptions{}); err == nil || !strings.Contains(err.Error(), "clash") {
		t.Fatalf("err = %v, want step clash failing", err)
	}
}

func TestIsSingleTemplateString(t *testing.T) {
	for s, want := range map[string]bool{
		"${{ parameters.x }}":                    true,
		"${{ parameters.x | replace('}}','') }}": true,
		" ${{ parameters.x }}":                   false,
		"${{ a }}${{ b }}":                       false,
		"${{ a }}-x":                             false,
		"{% if a %}x{% endif %}":                 true,
		"{% if a %}x{% endif %}y":                false,
		"plain":                                  false,
		"":                                       false,
	} {
		if got := isSingleTemplateString(s); got != want {
			t.Errorf("isSingleTemplateString(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestIsBinary(t *testing.T) {
	for s, want := range map[string]bool{
		"":                                     false,
		"hello\n":                              false,
		"héllo wörld ✓\n":                      false,
		"a\x00b":                               true,
		"%PDF-1.4":                             true,
		"\xef\xbb\xbfbom \x01":                 false,
		strings.Repeat("\x01\x02\x03\x04", 20): true,
		"\x89PNG\r\n\x1a\n" + strings.Repeat("x", 40): false, // only 1 of 48 suspicious
	} {
		if got := isBinary([]byte(s)); got != want {
			t.Errorf("isBinary(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestGlobRegexp(t *testing.T) {
	for _, tc := range []struct {
		glob, path string
		want       bool
	}{
		{".github/workflows/*", ".github/workflows/ci.yaml", true},
		{".github/workflows/*", ".github/workflows/sub/ci.yaml", false},
		{".github/**", ".github/workflows/ci.yaml", true},
		{".github/**", ".github", false},
		{"**/*.md", "README.md", true},
		{"**/*.md", "docs/a/b.md", true},
		{"*.{js,ts}", "a.ts", true},
		{"*.{js,ts}", "a.go", false},
		{"file?.txt", "file1.txt", true},
		{"[ab].txt", "b.txt", true},
		{"*", ".hidden", true},
	} {
		re, err := globRegexp(tc.glob)
		if err != nil {
			t.Fatal(err)
		}
		if got := re.MatchString(tc.path); got != tc.want {
			t.Errorf("glob %q on %q = %v, want %v (%s)", tc.glob, tc.path, got, tc.want, re)
		}
	}
}

func TestRunKeepsTheFormOrderOfParameters(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]file{
		"template.yaml": {data: "apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata: {name: order}\nspec:\n  steps:\n    - id: log\n      action: debug:log\n      input:\n        message: '${{ parameters | dump }}'\n"},
	})
	tmpl, err := Load(context.Background(), dir, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	values := map[string]any{"zeta": "z", "alpha": "a", "mid": 1}
	res, err := Run(context.Background(), tmpl, values, RunOptions{ParameterOrder: []string{"zeta", "mid"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(res.Steps[0].Lines, "\n"); !strings.Contains(got, `{"zeta":"z","mid":1,"alpha":"a"}`) {
		t.Errorf("log = %q, want the parameters in the form's order", got)
	}
}
