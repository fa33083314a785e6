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
