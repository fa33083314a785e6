package backstage

import (
	"fmt"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"
)

// Lint reports what keeps a template from running here, or makes it write
// something its author did not mean, without running it: parameters the
// platform cannot ask for (no type, unsupported keywords), steps whose
// action is unknown, and ${{ values.x }} references in a fetch:template
// skeleton to a value the step does not give (they render empty). Each
// problem is one line naming the page, step or file.
func Lint(t *Template) []string {
	var problems []string
	if _, err := Parameters(t.Manifest); err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			problems = append(problems, strings.TrimPrefix(line, ManifestFile+": "))
		}
	}
	for _, s := range t.Manifest.Spec.Steps {
		if err := checkStep(s); err != nil {
			problems = append(problems, err.Error())
		}
	}
	for _, s := range t.Manifest.Spec.Steps {
		problems = append(problems, t.undefinedValues(s)...)
	}
	return problems
}

var (
	// expression is a ${{ }} output or a {% %} tag, where values are read.
	expression = regexp.MustCompile(`\$\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}`)
	// valueRef is values.NAME or values['NAME'] inside one.
	valueRef = regexp.MustCompile(`\bvalues(?:\.([A-Za-z_$][A-Za-z0-9_$]*)|\[\s*['"]([^'"]+)['"]\s*\])`)
)

// undefinedValues lists the references of a fetch:template skeleton to
// values its step does not give. Only a step whose url and values are
// written literally can be checked.
func (t *Template) undefinedValues(s Step) []string {
	if s.Action != "fetch:template" {
		return nil
	}
	url, ok := s.Input["url"].(string)
	values, isMap := s.Input["values"].(map[string]any)
	if !ok || strings.Contains(url, "${{") || (s.Input["values"] != nil && !isMap) {
		return nil
	}
	dir, err := resolveURL(t.Dir, url)
	if err != nil || t.tree == nil {
		return nil
	}
	given := slices.Sorted(maps.Keys(values))
	verbatim := verbatimGlobs(s)
	extension := ""
	switch x := s.Input["templateFileExtension"].(type) {
	case bool:
		if x {
			extension = ".njk"
		}
	case string:
		extension = x
	}
	var problems []string
	report := func(file string, line int, name string) {
		where := fmt.Sprintf("%s:%d", path.Join(dir, file), line)
		if line == 0 {
			where = path.Join(dir, file) + " (its name)"
		}
		problems = append(problems, fmt.Sprintf("step %s: %s: values.%s is not given by the step's values (%s): it renders empty",
			s.ID, where, name, orNone(given)))
	}
	for _, e := range t.tree.list(dir) {
		if e.n.dir {
			continue
		}
		for _, name := range references(e.rel) {
			if _, ok := values[name]; !ok {
				report(e.rel, 0, name)
			}
		}
		renders := !slices.ContainsFunc(verbatim, func(re *regexp.Regexp) bool { return re.MatchString(e.rel) }) &&
			(extension == "" || strings.HasSuffix(e.rel, extension)) && !isBinary(e.n.data)
		if !renders {
			continue
		}
		for i, line := range strings.Split(string(e.n.data), "\n") {
			for _, name := range references(line) {
				if _, ok := values[name]; !ok {
					report(e.rel, i+1, name)
				}
			}
		}
	}
	return problems
}

// references are the value names read in the expressions of s.
func references(s string) []string {
	var out []string
	for _, expr := range expression.FindAllString(s, -1) {
		for _, m := range valueRef.FindAllStringSubmatch(expr, -1) {
			out = append(out, m[1]+m[2])
		}
	}
	return out
}

// verbatimGlobs are a fetch:template step's copyWithoutTemplating (or
// copyWithoutRender) patterns, whose files are not rendered.
func verbatimGlobs(s Step) []*regexp.Regexp {
	var out []*regexp.Regexp
	for _, key := range []string{"copyWithoutTemplating", "copyWithoutRender"} {
		list, _ := s.Input[key].([]any)
		for _, g := range list {
			if glob, ok := g.(string); ok {
				if re, err := globRegexp(strings.TrimPrefix(glob, "./")); err == nil {
					out = append(out, re)
				}
			}
		}
	}
	return out
}

func orNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}
