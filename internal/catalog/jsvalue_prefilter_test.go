package catalog

import "testing"

// TestCoreScalarTypeWordsAreStrings checks the shortcut for scalars that
// cannot be numbers against the patterns themselves.
func TestCoreScalarTypeWordsAreStrings(t *testing.T) {
	for _, v := range []string{
		"1", "-1", "+1", "0o17", "0x1F", "1.5", ".5", "1e3", "-.inf", ".inf", ".NaN", "+.INF",
		"a1", "x0", "o17", "inf", "nan", "NaN", "e5", "name", "_1", " 1", "٣", "Infinity", "0x", "-", ".",
	} {
		want := jsString
		if coreInt.MatchString(v) || coreOct.MatchString(v) || coreHex.MatchString(v) ||
			coreFloat.MatchString(v) || coreInf.MatchString(v) || coreNaN.MatchString(v) {
			want = jsNumber
		}
		if got := coreScalarType(v); got != want {
			t.Errorf("coreScalarType(%q) = %v, want %v", v, got, want)
		}
	}
}
