package scaffold

import "testing"

func TestFirstSentenceSkipsAbbreviations(t *testing.T) {
	for in, want := range map[string]string{
		"Backstage owner, e.g. group:payments. More.":     "Backstage owner, e.g. group:payments.",
		"The port. Must be free.":                         "The port.",
		"Tags, i.e. labels, etc. for search. Optional.":   "Tags, i.e. labels, etc. for search.",
		"One sentence only.":                              "One sentence only.",
		"No period":                                       "No period",
		"Ends with e.g. ":                                 "Ends with e.g. ",
		"Version (e.g. 1.2.3) of the chart. Pin it.":      "Version (e.g. 1.2.3) of the chart.",
		"Retention in days (approx. 30). Longer is paid.": "Retention in days (approx. 30).",
	} {
		if got := firstSentence(in); got != want {
			t.Errorf("firstSentence(%q) = %q, want %q", in, got, want)
		}
	}
	if got := describe(&Parameter{Description: "Backstage owner, e.g. group:payments. More."}); got != " (Backstage owner, e.g. group:payments)" {
		t.Errorf("describe = %q", got)
	}
}
