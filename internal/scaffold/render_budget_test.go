package scaffold

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// renderOne renders a template whose skeleton is files, with budget.
func renderOne(t *testing.T, ctx context.Context, files map[string]string, budget Budget) (*Plan, error) {
	t.Helper()
	tmpl := testTemplate(t, files)
	values, err := Collect(tmpl.Manifest, Inputs{Name: "pay", Owner: "group:x"})
	must(t, err)
	return Render(ctx, tmpl, values, RenderOptions{PlatformVersion: "v1", Budget: budget})
}

// Each of these used to crash the process (a Go runtime fatal error, out of
// memory) or run for hours; each must be a RenderError naming the file.
func TestRenderPathologicalCallsFailCleanly(t *testing.T) {
	budget := Budget{Timeout: time.Minute, MaxBytes: 8 << 20} // 1 MiB per file
	cases := map[string]struct{ tmpl, want string }{
		"repeat":          {`{{ repeat 200000000000 "x" }}`, "repeat would produce 186.3 GiB, more than the 1 MiB one file may hold (PLATFORM_RENDER_MAX_BYTES)"},
		"repeat negative": {`{{ repeat -1 "x" }}`, "repeat: negative count -1"},
		"indent":          {`{{ indent 200000000000 "x" }}`, "indent would produce"},
		"nindent":         {`{{ nindent 100000 (repeat 1000 "\n") }}`, "nindent would produce"},
		"until":           {`{{ until 200000000000 }}`, "until would make a list of 1048577 numbers, more than 1048576"},
		"until negative":  {`{{ until -200000000000 }}`, "until would make a list"},
		"untilStep":       {`{{ untilStep -9223372036854775807 9223372036854775807 1 }}`, "untilStep would make a list"},
		"seq":             {`{{ seq 200000000000 }}`, "seq would make a list"},
		"seq 3":           {`{{ seq 0 1 200000000000 }}`, "seq would make a list"},
		"replace":         {`{{ replace "" (repeat 100000 "y") (repeat 100000 "x") }}`, "replace would produce"},
		"join":            {`{{ join (repeat 100000 "y") (until 100000) }}`, "join would produce"},
		"wrapWith":        {`{{ wrapWith 1 (repeat 1000 "-") (repeat 100000 "x") }}`, "wrapWith would produce"},
		"regexReplaceAll": {`{{ regexReplaceAll "" (repeat 100000 "x") (repeat 100 "y") }}`, "regexReplaceAll would produce"},
		"regex expansion": {`{{ mustRegexReplaceAll "(x+)" (repeat 100000 "x") "$1$1$1$1$1$1$1$1$1$1$1$1" }}`, "mustRegexReplaceAll would produce"},
		"regex literal":   {`{{ regexReplaceAllLiteral "x" (repeat 100000 "x") (repeat 100 "y") }}`, "regexReplaceAllLiteral would produce"},
		"cat doubling":    {`{{ $s := "x" }}{{ range until 64 }}{{ $s = cat $s $s }}{{ end }}`, "error calling cat: the arguments of cat are larger than 1 MiB, the most one file may hold (PLATFORM_RENDER_MAX_BYTES)"},
		"list doubling":   {`{{ $l := list 1 }}{{ range until 64 }}{{ $l = concat $l $l }}{{ end }}`, "error calling concat: the arguments of concat are larger than 1 MiB"},
		"shared refs":     {`{{ $s := repeat 1000 "x" }}{{ $l := list }}{{ range until 10000 }}{{ $l = append $l $s }}{{ end }}{{ toJson $l }}`, "error calling append: the arguments of append are larger"},
		"cyclic dict":     {`{{ $d := dict }}{{ $_ := set $d "self" $d }}{{ $d }}`, "error calling set: the result of set is nested deeper than 100 levels"},
		"printf doubling": {`{{ $s := "x" }}{{ range until 64 }}{{ $s = printf "%s%s" $s $s }}{{ end }}`, "error calling printf: the arguments of printf are larger than 1 MiB"},
		"html growth":     {`{{ $s := repeat 300000 "<" }}{{ html $s }}`, "error calling html: the result of html is larger than 1 MiB"},
		"many references": {`{{ $s := repeat 500000 "x" }}{{ print $s $s $s $s $s $s $s $s $s $s }}`, "error calling print: the arguments of print are larger than 1 MiB"},
		"deep nesting":    {`{{ $l := list }}{{ range until 200 }}{{ $l = list $l }}{{ end }}{{ toPrettyJson $l }}`, "error calling list: the arguments of list are nested deeper than 100 levels"},
		"output per file": {`{{ range 100000000000000 }}xxxxxxxx{{ end }}`, "rendered more than 1 MiB, the most one file may hold (an eighth of PLATFORM_RENDER_MAX_BYTES)"},
		"printf width":    {`{{ range until 100 }}{{ printf "%999999d" 1 }}{{ end }}`, "rendered more than 1 MiB"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := renderOne(t, context.Background(), map[string]string{"skeleton/a.txt.tmpl": c.tmpl}, budget)
			var re *RenderError
			if !errors.As(err, &re) || re.File != "skeleton/a.txt.tmpl" || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want a RenderError for skeleton/a.txt.tmpl containing %q", err, c.want)
			}
		})
	}
}

func TestRenderTotalBytesBudget(t *testing.T) {
	files := map[string]string{}
	for _, name := range []string{"a", "b", "c", "d", "e", "f", "g", "h", "i"} {
		files["skeleton/"+name+".txt.tmpl"] = `{{ repeat 1000 "x" }}`
	}
	_, err := renderOne(t, context.Background(), files, Budget{MaxBytes: 8100}) // 1012 bytes per file; the condition renders "false"
	if !errors.Is(err, ErrOverBudget) || !strings.Contains(err.Error(), "skeleton/i.txt.tmpl: the template rendered more than 7.9 KiB in total (PLATFORM_RENDER_MAX_BYTES)") {
		t.Fatalf("err = %v", err)
	}
	delete(files, "skeleton/i.txt.tmpl")
	files["skeleton/i.txt"] = strings.Repeat("p", 1000) // verbatim files count too
	if _, err := renderOne(t, context.Background(), files, Budget{MaxBytes: 8100}); err == nil || !strings.Contains(err.Error(), "skeleton/i.txt: the template rendered more than 7.9 KiB in total") {
		t.Fatalf("err = %v", err)
	}
	delete(files, "skeleton/i.txt")
	if _, err := renderOne(t, context.Background(), files, Budget{MaxBytes: 8100}); err != nil {
		t.Fatalf("within budget: %v", err)
	}
}

// The loop bodies write (an empty string), so the abandoned execution ends at
// its next write instead of spinning for the rest of the test binary's life.
// The one-minute test timeout is only a guard against hanging forever.
func TestRenderTimeBudget(t *testing.T) {
	for name, files := range map[string]map[string]string{
		"file":      {"skeleton/a.txt.tmpl": `{{ range 100000000000000 }}{{ "" }}{{ end }}`},
		"path":      {`skeleton/{{ range 100000000000000 }}{{ "" }}{{ end }}a.txt`: "x"},
		"condition": {"skeleton/a.txt.tmpl": "x"},
	} {
		t.Run(name, func(t *testing.T) {
			tmpl := testTemplate(t, files)
			if name == "condition" {
				tmpl.Manifest.Spec.Conditions = append(tmpl.Manifest.Spec.Conditions, Condition{Paths: []string{"a.txt"}, If: `{{ range 100000000000000 }}{{ "" }}{{ end }}`})
			}
			values, err := Collect(tmpl.Manifest, Inputs{Name: "pay", Owner: "group:x"})
			must(t, err)
			_, err = Render(context.Background(), tmpl, values, RenderOptions{Budget: Budget{Timeout: 50 * time.Millisecond}})
			var re *RenderError
			if !errors.As(err, &re) || !errors.Is(err, ErrOverBudget) || !strings.Contains(err.Error(), ": rendering took longer than 50ms (PLATFORM_RENDER_TIMEOUT)") {
				t.Fatalf("err = %v", err)
			}
		})
	}
}

func TestRenderInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		time.Sleep(20 * time.Millisecond)
		cancel()
	}()
	_, err := renderOne(t, ctx, map[string]string{"skeleton/a.txt.tmpl": `{{ range 100000000000000 }}{{ "" }}{{ end }}`}, Budget{Timeout: time.Minute})
	var re *RenderError
	if !errors.Is(err, context.Canceled) || errors.As(err, &re) || !strings.Contains(err.Error(), "skeleton/a.txt.tmpl") {
		t.Fatalf("err = %v, want context.Canceled naming the file", err)
	}
}

func TestBudgetDefaults(t *testing.T) {
	b := Budget{}.withDefaults()
	if b.Timeout != 10*time.Second || b.MaxBytes != 128<<20 || (Budget{}).FileMaxBytes() != 16<<20 {
		t.Fatalf("defaults = %+v, file %d", b, Budget{}.FileMaxBytes())
	}
}

func TestCatalogEntitiesBudget(t *testing.T) {
	tmpl := testTemplate(t, nil)
	tmpl.Manifest.Spec.Catalog.Resources = []CatalogResource{{Name: `{{ range 100000000000000 }}{{ "" }}{{ end }}`, Type: "database"}}
	values, err := Collect(tmpl.Manifest, Inputs{Name: "pay", Owner: "group:x"})
	must(t, err)
	_, err = CatalogEntities(context.Background(), tmpl, values, "v1", CatalogOptions{Budget: Budget{Timeout: 50 * time.Millisecond}})
	if !errors.Is(err, ErrOverBudget) || !strings.Contains(err.Error(), "template.yaml (spec.catalog.resources[0].name): rendering took longer than 50ms") {
		t.Fatalf("err = %v", err)
	}
	tmpl.Manifest.Spec.Catalog.Resources[0].Name = `{{ repeat 100000000 "x" }}`
	_, err = CatalogEntities(context.Background(), tmpl, values, "v1", CatalogOptions{Budget: Budget{MaxBytes: 8 << 20}})
	if err == nil || !strings.Contains(err.Error(), "repeat would produce 95.4 MiB, more than the 1 MiB one file may hold") {
		t.Fatalf("err = %v", err)
	}
}

// Functions whose numbers do not size an allocation: a huge number must give
// a result or an error, never a crash.
func TestRenderHugeNumbersElsewhereAreHarmless(t *testing.T) {
	for _, text := range []string{
		`{{ trunc 200000000000 "x" }}`, `{{ trunc -200000000000 "x" }}`,
		`{{ abbrev 200000000000 "hello world" }}`, `{{ abbrevboth 200000000000 200000000000 "hello world" }}`,
		`{{ substr 0 200000000000 "x" }}`, `{{ substr -200000000000 200000000000 "x" }}`,
		`{{ splitn "," 200000000000 "a,b" }}`, `{{ regexSplit "," "a,b" 200000000000 }}`,
		`{{ regexFindAll "a" "aaa" 200000000000 }}`, `{{ mustRegexFindAll "a" "aaa" 200000000000 }}`,
		`{{ wrap 200000000000 "hello world" }}`, `{{ wrap -200000000000 "hello world" }}`,
		`{{ wrapWith 200000000000 "|" "hello world" }}`,
		`{{ chunk 0 (list 1 2) }}`, `{{ chunk -200000000000 (list 1 2) }}`, `{{ chunk 200000000000 (list 1 2) }}`,
		`{{ slice (list 1 2) 0 200000000000 }}`, `{{ round 1.5 200000000000 }}`, `{{ plural "a" "b" 200000000000 }}`,
		`{{ printf "%0200000000000d" 1 }}`, `{{ printf "%.200000000000f" 1.0 }}`,
		`{{ derivePassword 4294967295 "long" "p" "u" "s" }}`, `{{ duration 200000000000000 }}`,
		`{{ until 1048576 | len }}`, `{{ untilStep 0 200000000000 200000000000 }}`,
		`{{ seq 200000000000 200000000000 }}`, `{{ indent 0 "x" }}`, `{{ repeat 0 "x" }}`,
	} {
		t.Run(text, func(t *testing.T) {
			_, err := renderOne(t, context.Background(), map[string]string{"skeleton/a.txt.tmpl": text}, Budget{Timeout: time.Minute})
			var re *RenderError
			if err != nil && !errors.As(err, &re) {
				t.Fatalf("err = %v, want nil or a RenderError", err)
			}
		})
	}
}
