package wizard

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/charmbracelet/huh"

	"github.com/platform-team/platform/internal/scaffold"
	"github.com/platform-team/platform/templates"
)

// Key input as a terminal sends it, driving the real bubbletea event loop.
const (
	enter     = "\r"
	down      = "\x1b[B"
	ctrlC     = "\x03"
	clearLine = "\x01\x0b" // Ctrl+A, Ctrl+K
)

// runForm runs a form in terminal mode, typing keys into it one step at a time.
func runForm(t *testing.T, f *huh.Form, keys ...string) error {
	t.Helper()
	r, w := io.Pipe()
	f.WithInput(r).WithOutput(io.Discard).WithWidth(100)
	done := make(chan error, 1)
	go func() { done <- f.Run() }()
	go func() {
		for _, k := range keys {
			time.Sleep(30 * time.Millisecond)
			if _, err := w.Write([]byte(k)); err != nil {
				return
			}
		}
	}()
	select {
	case err := <-done:
		w.Close()
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("form did not finish")
		return nil
	}
}

func embedded(t *testing.T) []*scaffold.Template {
	t.Helper()
	list, err := (&scaffold.Resolver{Embedded: templates.FS}).EmbeddedTemplates()
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func template(t *testing.T, name string) *scaffold.Template {
	t.Helper()
	sub, err := fs.Sub(templates.FS, name)
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := scaffold.Load(sub, scaffold.Source{Kind: scaffold.SourceEmbedded})
	if err != nil {
		t.Fatal(err)
	}
	return tmpl
}

func TestTemplateFormGoldenFirstAndDefault(t *testing.T) {
	list := embedded(t)
	if list[0].Manifest.Spec.Path != scaffold.PathGolden {
		t.Fatalf("first template is %s, want the golden path first", list[0].Name())
	}
	form, choice := TemplateForm(list, "go-service")
	if err := runForm(t, form, enter); err != nil {
		t.Fatal(err)
	}
	if *choice != "go-service" {
		t.Fatalf("default choice = %q", *choice)
	}
	form, choice = TemplateForm(list, "go-service")
	if err := runForm(t, form, down, down, enter); err != nil {
		t.Fatal(err)
	}
	if *choice != list[2].Name() {
		t.Fatalf("choice = %q, want %q", *choice, list[2].Name())
	}
}

func TestTradeoffsFormDefaultsToNo(t *testing.T) {
	form, accepted := TradeoffsForm(template(t, "cronjob"))
	if err := runForm(t, form, enter); err != nil {
		t.Fatal(err)
	}
	if *accepted {
		t.Fatal("trade-offs accepted without an explicit yes")
	}
	form, accepted = TradeoffsForm(template(t, "cronjob"))
	if err := runForm(t, form, "y", enter); err != nil {
		t.Fatal(err)
	}
	if !*accepted {
		t.Fatal("y did not accept the trade-offs")
	}
}

func TestParametersFormSkipsGivenAndValidatesInline(t *testing.T) {
	tmpl := template(t, "go-service")
	given := scaffold.Values{"name": "payments", "owner": "group:payments"}
	form, answers := ParametersForm(tmpl, given)
	// Details page: description, system, lifecycle (select), port, registry, database (select).
	keys := []string{
		enter,             // description: keep the default
		"checkout", enter, // system
		down, enter, // lifecycle: production
		clearLine, "80", enter, // port: below the minimum, refused inline
		clearLine, "9090", enter, // port: corrected
		enter,       // registry: default
		down, enter, // database: postgres
	}
	if err := runForm(t, form, keys...); err != nil {
		t.Fatal(err)
	}
	values, err := answers.Values(given)
	if err != nil {
		t.Fatal(err)
	}
	want := scaffold.Values{
		"name": "payments", "owner": "group:payments", "description": "A Go HTTP service on the golden path",
		"system": "checkout", "lifecycle": "production", "port": 9090,
		"registry": "registry.example.com/services", "database": "postgres",
	}
	if !reflect.DeepEqual(values, want) {
		t.Fatalf("values = %#v\nwant %#v", values, want)
	}
	if _, problems := scaffold.Resolve(tmpl.Manifest, values); len(problems) > 0 {
		t.Fatalf("answers do not validate: %v", problems)
	}
}

func TestParametersFormNothingToAsk(t *testing.T) {
	tmpl := template(t, "go-service")
	given := scaffold.Values{}
	for _, p := range tmpl.Manifest.Parameters() {
		given[p.Name] = p.Zero()
	}
	if form, _ := ParametersForm(tmpl, given); form != nil {
		t.Fatal("a form was built although every value was given")
	}
}

func TestValidatorSaysWhatIsExpected(t *testing.T) {
	tmpl := template(t, "go-service")
	name := validator(tmpl.Manifest.Parameter("name"), "")
	if err := name(""); err == nil || err.Error() != "name is required" {
		t.Fatalf("empty required: %v", err)
	}
	if err := name("Bad_Name"); err == nil || !strings.Contains(err.Error(), "does not match the pattern") {
		t.Fatalf("bad name: %v", err)
	}
	port := validator(tmpl.Manifest.Parameter("port"), "8080")
	if err := port(""); err != nil {
		t.Fatalf("empty takes the default: %v", err)
	}
	if err := port("eighty"); err == nil || !strings.Contains(err.Error(), "not a whole number") {
		t.Fatalf("bad port: %v", err)
	}
}

func TestCtrlCAndEscCancel(t *testing.T) {
	for name, k := range map[string]string{"ctrl-c": ctrlC, "esc": "\x1b"} {
		t.Run(name, func(t *testing.T) {
			r, w := io.Pipe()
			wiz := New(r, io.Discard, false, false)
			go func() {
				time.Sleep(50 * time.Millisecond)
				w.Write([]byte(k))
			}()
			form, _ := TemplateForm(embedded(t), "go-service")
			err := wiz.Run(context.Background(), form.WithWidth(80))
			if !errors.Is(err, ErrCancelled) {
				t.Fatalf("err = %v, want ErrCancelled", err)
			}
		})
	}
}

func TestAccessibleWizardReadsEveryPipedLine(t *testing.T) {
	in := strings.NewReader("\npayments\ngroup:payments\n\n\n2\n\n\n2\ny")
	var out bytes.Buffer
	wiz := New(in, &out, true, false)
	tmpl, err := wiz.ChooseTemplate(context.Background(), embedded(t), "go-service")
	if err != nil {
		t.Fatal(err)
	}
	values, err := wiz.Ask(context.Background(), tmpl, scaffold.Values{})
	if err != nil {
		t.Fatal(err)
	}
	if values["name"] != "payments" || values["lifecycle"] != "production" || values["database"] != "postgres" {
		t.Fatalf("values = %v\noutput:\n%s", values, out.String())
	}
	if err := wiz.Confirm(context.Background(), Summary(tmpl, values, "payments")); err != nil {
		t.Fatalf("confirm: %v", err)
	}
	// The input is used up: one more question cancels instead of taking a default.
	if _, err := wiz.Ask(context.Background(), tmpl, scaffold.Values{"name": "x"}); !errors.Is(err, ErrCancelled) {
		t.Fatalf("question after the end of input: err = %v, want ErrCancelled", err)
	}
}

func TestLineReaderHandsOutOneLinePerRead(t *testing.T) {
	lr := newLineReader(strings.NewReader("a\nbb\nccc"))
	var got []string
	for range 3 {
		// A fresh scanner per question, as huh's accessible mode does.
		sc := bufio.NewScanner(lr)
		if !sc.Scan() {
			t.Fatalf("scan %d failed", len(got))
		}
		got = append(got, sc.Text())
	}
	if !reflect.DeepEqual(got, []string{"a", "bb", "ccc"}) {
		t.Fatalf("lines = %q", got)
	}
	if lr.atEOF() {
		t.Fatal("EOF reported although every read got a line")
	}
	if bufio.NewScanner(lr).Scan() || !lr.atEOF() {
		t.Fatal("reading past the end must report EOF")
	}
}

func TestSummaryListsEveryAnswer(t *testing.T) {
	tmpl := template(t, "go-service")
	values, err := scaffold.Collect(tmpl.Manifest, scaffold.Inputs{Name: "payments", Owner: "group:payments"})
	if err != nil {
		t.Fatal(err)
	}
	got := Summary(tmpl, values, "out/payments")
	for _, want := range []string{"go-service 1.0.0 (golden path) into out/payments", "  owner        group:payments", "  system       (none)", "  port         8080"} {
		if !strings.Contains(got, want) {
			t.Errorf("summary lacks %q:\n%s", want, got)
		}
	}
}

// condTemplate has a select with enumNames, conditional questions (one
// depending on another) and a secret.
const condTemplate = `apiVersion: platform/v1alpha1
kind: Template
metadata: {name: cond, title: Cond, description: Conditional questions}
spec:
  path: golden
  version: 1.0.0
  parameters:
    - title: Service
      required: [name, owner]
      properties:
        name: {type: string}
        owner: {type: string, format: entity-ref}
        database: {type: string, enum: [none, postgres], enumNames: [No database, PostgreSQL], default: none}
        labels: {type: object, default: {team: a}}
        password: {type: string, secret: true, minLength: 8, when: {param: database, values: [postgres]}}
        size: {type: string, enum: [small, large], default: small, when: {param: database, values: [postgres]}}
        backups: {type: boolean, when: {param: size, values: [large]}}
`

func condTmpl(t *testing.T) *scaffold.Template {
	t.Helper()
	fsys := fstest.MapFS{"template.yaml": {Data: []byte(condTemplate)}, "skeleton/README.md": {Data: []byte("hi")}}
	tmpl, err := scaffold.Load(fsys, scaffold.Source{Kind: scaffold.SourceLocal})
	if err != nil {
		t.Fatal(err)
	}
	return tmpl
}

func TestAccessibleWizardAsksConditionalQuestionsWhenTheyApply(t *testing.T) {
	tmpl := condTmpl(t)
	// name, owner (refused, then corrected), database: PostgreSQL, labels:
	// default; then password (too short, then good), size: large; then backups.
	in := strings.NewReader("payments\nnot:\ngroup:payments\n2\n\nshort\ns3cret-pass\n2\ny\n")
	var out bytes.Buffer
	wiz := New(in, &out, true, false)
	values, err := wiz.Ask(context.Background(), tmpl, scaffold.Values{})
	if err != nil {
		t.Fatalf("%v\noutput:\n%s", err, out.String())
	}
	want := scaffold.Values{"name": "payments", "owner": "group:payments", "database": "postgres",
		"labels": map[string]any{"team": "a"}, "password": "s3cret-pass", "size": "large", "backups": true}
	if !reflect.DeepEqual(values, want) {
		t.Fatalf("values = %#v\nwant %#v\noutput:\n%s", values, want, out.String())
	}
	o := out.String()
	for _, want := range []string{"1. No database\n2. PostgreSQL\n", "labels [{\"team\":\"a\"}]",
		`"not:" is not an entity reference, [KIND:][NAMESPACE/]NAME`, "the value is too short"} {
		if !strings.Contains(o, want) {
			t.Errorf("output lacks %q:\n%s", want, o)
		}
	}
	// The secret is never shown: not echoed, not quoted in the error.
	if strings.Contains(o, "s3cret") || strings.Contains(o, "short\"") {
		t.Errorf("the secret shows in the output:\n%s", o)
	}
	if _, problems := scaffold.Resolve(tmpl.Manifest, values); len(problems) > 0 {
		t.Fatalf("answers do not validate: %v", problems)
	}
	if s := Summary(tmpl, values, "payments"); !strings.Contains(s, "password  (hidden)") || strings.Contains(s, "s3cret") {
		t.Errorf("summary:\n%s", s)
	}

	// No database: the conditional questions are not asked at all.
	out.Reset()
	wiz = New(strings.NewReader("payments\ngroup:payments\n\n\n"), &out, true, false)
	values, err = wiz.Ask(context.Background(), tmpl, scaffold.Values{})
	if err != nil {
		t.Fatalf("%v\noutput:\n%s", err, out.String())
	}
	if _, ok := values["password"]; ok || strings.Contains(out.String(), "password") || strings.Contains(out.String(), "size") {
		t.Fatalf("conditional questions asked for no database: %v\n%s", values, out.String())
	}
}

func TestSecretInputIsHiddenAtATerminal(t *testing.T) {
	tmpl := condTmpl(t)
	form, answers := ParametersForm(tmpl, scaffold.Values{"name": "x", "owner": "group:x", "database": "postgres", "labels": map[string]any{}})
	// The secret is the first question: its input masks what is typed.
	var out bytes.Buffer
	r, w := io.Pipe()
	form.WithInput(r).WithOutput(&out).WithWidth(100)
	done := make(chan error, 1)
	go func() { done <- form.Run() }()
	for _, k := range []string{"s3cret-pass", enter, enter, enter} {
		time.Sleep(30 * time.Millisecond)
		w.Write([]byte(k))
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("form did not finish")
	}
	w.Close()
	values, err := answers.Values(nil)
	if err != nil {
		t.Fatal(err)
	}
	if values["password"] != "s3cret-pass" {
		t.Fatalf("values = %v", values)
	}
	if strings.Contains(out.String(), "s3cret") {
		t.Fatal("the secret was drawn on the terminal")
	}
}
