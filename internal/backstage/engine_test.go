package backstage

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/platform-team/platform/internal/nunjucks"
)

// These tests use the real engine (RunOptions.Engine nil).

func realRunner(t *testing.T) *runner {
	t.Helper()
	eng, err := NewEngine(EngineOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return &runner{opts: RunOptions{Engine: eng}}
}

func TestRenderKeepsTypesOfSingleExpressions(t *testing.T) {
	r := realRunner(t)
	ctx := map[string]any{"parameters": map[string]any{
		"port": 8080, "on": true, "name": "svc", "tags": []any{"a", "b"},
		"obj": map[string]any{"k": "v"}, "empty": "",
	}}
	for in, want := range map[string]any{
		"${{ parameters.port }}":               8080,
		"${{ parameters.on }}":                 true,
		"${{ parameters.name }}":               "svc",
		"${{ parameters.tags }}":               []any{"a", "b"},
		"${{ parameters.obj }}":                map[string]any{"k": "v"},
		"${{ parameters.port + 1 }}":           8081,
		"port ${{ parameters.port }}":          "port 8080",
		"${{ parameters.port }}${{ 1 }}":       "80801",
		"${{ parameters.name | nosuch }}":      "${{ parameters.name | nosuch }}", // a failed render leaves the string
		"{% if parameters.on %}yes{% endif %}": "yes",
	} {
		got, ok := r.render(in, ctx)
		if !ok {
			t.Errorf("render(%q) undefined", in)
			continue
		}
		if got := toPlain(got); !reflect.DeepEqual(got, want) {
			t.Errorf("render(%q) = %#v, want %#v", in, got, want)
		}
	}
	// An empty string parameter stays "" (its dump is `""`); a string
	// rendering to nothing is undefined.
	if v, ok := r.render("${{ parameters.empty }}", ctx); !ok || v != "" {
		t.Errorf("render(empty) = %#v, %v, want \"\"", v, ok)
	}
	for _, in := range []string{"${{ parameters.missing }}", "", "x${{ parameters.missing }}"[1:]} {
		if v, ok := r.render(in, ctx); ok {
			t.Errorf("render(%q) = %#v, want undefined", in, v)
		}
	}
	// Undefined members are dropped, undefined items become null.
	obj := nunjucks.NewObject()
	obj.Set("a", "${{ parameters.missing }}")
	obj.Set("b", []any{"${{ parameters.missing }}", "x"})
	got, _ := r.render(obj, ctx)
	if want := map[string]any{"b": []any{nil, "x"}}; !reflect.DeepEqual(toPlain(got), want) {
		t.Errorf("render(object) = %#v, want %#v", toPlain(got), want)
	}
}

func TestRunRealEngine(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]file{
		"template.yaml": {data: manifest(`    - id: fetch-base
      action: fetch:template
      input:
        url: ./skeleton
        values:
          zeta: ${{ parameters.name }}
          alpha: ${{ parameters.port }}
          token: ${{ secrets.token }}
          who: ${{ user.ref }}
    - id: second
      if: ${{ parameters.kind === 'api' }}
      action: debug:log
      input:
        message: ${{ steps['fetch-base'].output | dump }} ${{ parameters.name }}
    - id: third
      if: ${{ parameters.list }}
      action: debug:log
      input: {message: never}
    - id: pub
      action: publish:gitlab
      input: {repoUrl: "gitlab.example.com?owner=g&repo=${{ parameters.name }}"}
    - id: fourth
      action: debug:log
      input:
        message: ${{ steps.pub.output.remoteUrl }} ${{ steps['pub'].output.repoContentsUrl }}
`, `    secret: x${{ secrets.token }}
    text: ${{ parameters.name }}
`)},
		"skeleton/values.json": {data: "${{ values | dump }}"},
	})
	res, err := run(t, dir, map[string]any{"name": "svc", "port": 80, "kind": "api", "list": []any{}}, nil,
		RunOptions{Secrets: map[string]string{"token": "s3cr3t"}, User: &User{Ref: "user:default/jane"}})
	if err != nil {
		t.Fatal(err)
	}
	// Key order is the template's; secrets reach step inputs.
	want := `{"zeta":"svc","alpha":80,"token":"s3cr3t","who":"user:default/jane"}`
	if got := files(res)["values.json"]; got != want {
		t.Errorf("values.json = %s, want %s", got, want)
	}
	var status []string
	for _, s := range res.Steps {
		status = append(status, s.Status)
	}
	if want := []string{StatusRan, StatusRan, StatusSkipped, StatusPublish, StatusRan}; !reflect.DeepEqual(status, want) {
		t.Errorf("statuses = %v, want %v", status, want)
	}
	if got, want := res.Steps[1].Lines, []string{"{} svc"}; !reflect.DeepEqual(got, want) {
		t.Errorf("second lines = %q, want %q", got, want)
	}
	if got, want := res.Steps[4].Lines, []string{"https://gitlab.example.com/g/svc https://gitlab.example.com/g/svc/-/blob/master"}; !reflect.DeepEqual(got, want) {
		t.Errorf("fourth lines = %q, want %q", got, want)
	}
	// The output does not see secrets.
	if want := map[string]any{"secret": "x", "text": "svc"}; !reflect.DeepEqual(res.Output, want) {
		t.Errorf("output = %#v, want %#v", res.Output, want)
	}
}

func TestRunEach(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]file{
		"template.yaml": {data: manifest(`    - id: services
      each: ${{ parameters.services }}
      action: fetch:template
      input:
        url: ./skeleton
        targetPath: ${{ each.value }}
        values: {name: "${{ each.value }}", index: "${{ each.key }}"}
    - id: repos
      each: {api: first, web: second}
      action: publish:gitlab
      input: {repoUrl: "gitlab.example.com?owner=g&repo=${{ each.key }}"}
    - id: none
      each: ${{ parameters.nothing }}
      action: debug:log
      input: {message: never}
`, `    urls: ${{ steps.repos.output.remoteUrl }}
`)},
		"skeleton/name.txt": {data: "${{ values.name }} ${{ values.index }}"},
	})
	res, err := run(t, dir, map[string]any{"services": []any{"api", "web"}}, nil, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]string{"api/name.txt": "api 0", "web/name.txt": "web 1"}; !reflect.DeepEqual(files(res), want) {
		t.Errorf("files = %q, want %q", files(res), want)
	}
	want := map[string]any{"urls": []any{"https://gitlab.example.com/g/api", "https://gitlab.example.com/g/web"}}
	if !reflect.DeepEqual(res.Output, want) {
		t.Errorf("output = %#v, want %#v", res.Output, want)
	}
	if len(res.Steps[2].Lines) != 0 {
		t.Errorf("each over nothing ran: %+v", res.Steps[2])
	}
}

func TestRunCookiecutterCompatAndTemplatedURL(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]file{
		"template.yaml": {data: manifest(`    - id: cc
      action: fetch:template
      input:
        url: ./cc
        cookiecutterCompat: true
        values: {name: svc, tags: [a, b]}
    - id: flavour
      action: fetch:plain
      input: {url: "./flavours/${{ parameters.flavour }}", targetPath: flavour}
    - id: trim
      if: ${{ parameters.trim }}
      action: fetch:template
      input: {url: ./cc, trimBlocks: true}
`, "")},
		"cc/{{ cookiecutter.name }}.txt": {data: "{{ cookiecutter.name }} ${{ x }} {{ cookiecutter.tags | jsonify }}"},
		"flavours/go/main.go":            {data: "package main"},
	})
	res, err := run(t, dir, map[string]any{"flavour": "go"}, nil, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"svc.txt": `svc $ ["a","b"]`, "flavour/main.go": "package main"}
	if !reflect.DeepEqual(files(res), want) {
		t.Errorf("files = %q, want %q", files(res), want)
	}
	_, err = run(t, dir, map[string]any{"flavour": "go", "trim": true}, nil, RunOptions{})
	if err == nil || !strings.Contains(err.Error(), "trimBlocks") {
		t.Errorf("trimBlocks: err = %v", err)
	}
	_, err = run(t, dir, map[string]any{"flavour": "../../etc"}, nil, RunOptions{})
	if !errors.Is(err, ErrEscapesRoot) {
		t.Errorf("templated url leaving the root: err = %v", err)
	}
}
