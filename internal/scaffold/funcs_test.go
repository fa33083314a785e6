package scaffold

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"text/template"
	"time"

	"github.com/Masterminds/sprig/v3"
)

// funcSamples call every function templates get, with arguments that would
// show a dependency on the time zone, the clock, map order or randomness.
// TestFuncMapHermetic fails when a function has no sample, so a sprig upgrade
// cannot add one unnoticed.
var funcSamples = map[string]string{
	"hello":                      `{{ hello }}`,
	"html":                       `{{ html "<a href='x'>" }}`,
	"js":                         `{{ js "a'b" }}`,
	"print":                      `{{ print "a" 1 .d }}`,
	"printf":                     `{{ printf "%v %05.1f" .d 3.14159 }}`,
	"println":                    `{{ println "a" 1 .d }}`,
	"urlquery":                   `{{ urlquery "a b&c" }}`,
	"abbrev":                     `{{ abbrev 8 "hello world" }}`,
	"abbrevboth":                 `{{ abbrevboth 2 8 "hello world, again" }}`,
	"add":                        `{{ add 1 2 3 }}`,
	"add1":                       `{{ add1 41 }}`,
	"add1f":                      `{{ add1f 1.5 }}`,
	"addf":                       `{{ addf 1.5 2.25 }}`,
	"adler32sum":                 `{{ adler32sum "x" }}`,
	"all":                        `{{ all 1 "a" true }}`,
	"any":                        `{{ any 0 "" 1 }}`,
	"append":                     `{{ append (list 1 2) 3 }}`,
	"atoi":                       `{{ atoi "42" }}`,
	"b32dec":                     `{{ b32dec "MFRGG===" }}`,
	"b32enc":                     `{{ b32enc "abc" }}`,
	"b64dec":                     `{{ b64dec "YWJj" }}`,
	"b64enc":                     `{{ b64enc "abc" }}`,
	"base":                       `{{ base "a/b/c.txt" }}`,
	"biggest":                    `{{ biggest 1 5 3 }}`,
	"buildCustomCert":            `{{ (buildCustomCert .certB64 .keyB64).Cert | sha256sum }}`,
	"camelcase":                  `{{ camelcase "http_server" }}`,
	"cat":                        `{{ cat "a" 1 .d.a }}`,
	"ceil":                       `{{ ceil 1.2 }}`,
	"chunk":                      `{{ chunk 2 (list 1 2 3) }}`,
	"clean":                      `{{ clean "a//b/../c" }}`,
	"coalesce":                   `{{ coalesce "" 0 "x" }}`,
	"compact":                    `{{ compact (list 1 "" 2) }}`,
	"concat":                     `{{ concat (list 1) (list 2 3) }}`,
	"contains":                   `{{ contains "b" "abc" }}`,
	"decryptAES":                 `{{ decryptAES "secret" .encrypted }}`,
	"deepCopy":                   `{{ deepCopy .d }}`,
	"deepEqual":                  `{{ deepEqual .d (deepCopy .d) }}`,
	"default":                    `{{ default "x" "" }}`,
	"derivePassword":             `{{ derivePassword 1 "long" "password" "user" "example.com" }}`,
	"dict":                       `{{ dict "b" 1 "a" 2 "c" 3 }}`,
	"dig":                        `{{ dig "a" "missing" .d }}`,
	"dir":                        `{{ dir "a/b/c.txt" }}`,
	"div":                        `{{ div 7 2 }}`,
	"divf":                       `{{ divf 7 2 }}`,
	"duration":                   `{{ duration 3700 }}`,
	"empty":                      `{{ empty "" }}`,
	"ext":                        `{{ ext "a/b/c.txt" }}`,
	"fail":                       `{{ fail "no" }}`,
	"first":                      `{{ first (list 1 2) }}`,
	"float64":                    `{{ float64 "1.5" }}`,
	"floor":                      `{{ floor 1.7 }}`,
	"fromJson":                   `{{ fromJson "{\"b\":1,\"a\":2,\"c\":3,\"d\":4}" }}`,
	"get":                        `{{ get .d "a" }}`,
	"has":                        `{{ has 2 (list 1 2) }}`,
	"hasKey":                     `{{ hasKey .d "a" }}`,
	"hasPrefix":                  `{{ hasPrefix "a" "abc" }}`,
	"hasSuffix":                  `{{ hasSuffix "c" "abc" }}`,
	"indent":                     `{{ indent 2 "a\nb" }}`,
	"initial":                    `{{ initial (list 1 2 3) }}`,
	"initials":                   `{{ initials "Platform Team" }}`,
	"int":                        `{{ int "42" }}`,
	"int64":                      `{{ int64 "42" }}`,
	"isAbs":                      `{{ isAbs "/a" }}`,
	"join":                       `{{ join "," (list 1 2 3) }}`,
	"kebabcase":                  `{{ kebabcase "HTTPServer" }}`,
	"keys":                       `{{ keys .d }}`,
	"kindIs":                     `{{ kindIs "map" .d }}`,
	"kindOf":                     `{{ kindOf .d }}`,
	"last":                       `{{ last (list 1 2) }}`,
	"list":                       `{{ list 1 "a" }}`,
	"lower":                      `{{ lower "ABC" }}`,
	"max":                        `{{ max 1 5 3 }}`,
	"maxf":                       `{{ maxf 1.5 5.5 }}`,
	"merge":                      `{{ merge (dict "x" 1) .d }}`,
	"mergeOverwrite":             `{{ mergeOverwrite (dict "a" 0) .d }}`,
	"min":                        `{{ min 1 5 3 }}`,
	"minf":                       `{{ minf 1.5 5.5 }}`,
	"mod":                        `{{ mod 7 2 }}`,
	"mul":                        `{{ mul 6 7 }}`,
	"mulf":                       `{{ mulf 1.5 2 }}`,
	"mustAppend":                 `{{ mustAppend (list 1) 2 }}`,
	"mustChunk":                  `{{ mustChunk 2 (list 1 2 3) }}`,
	"mustCompact":                `{{ mustCompact (list 1 "" 2) }}`,
	"mustDateModify":             `{{ mustDateModify "1h30m" (toDate "2006-01-02 15:04" "2024-03-01 23:00") }}`,
	"mustDeepCopy":               `{{ mustDeepCopy .d }}`,
	"mustFirst":                  `{{ mustFirst (list 1 2) }}`,
	"mustFromJson":               `{{ mustFromJson "{\"b\":1,\"a\":2,\"c\":3}" }}`,
	"mustHas":                    `{{ mustHas 2 (list 1 2) }}`,
	"mustInitial":                `{{ mustInitial (list 1 2 3) }}`,
	"mustLast":                   `{{ mustLast (list 1 2) }}`,
	"mustMerge":                  `{{ mustMerge (dict "x" 1) .d }}`,
	"mustMergeOverwrite":         `{{ mustMergeOverwrite (dict "a" 0) .d }}`,
	"mustPrepend":                `{{ mustPrepend (list 1) 0 }}`,
	"mustPush":                   `{{ mustPush (list 1) 2 }}`,
	"mustRegexFind":              `{{ mustRegexFind "b+" "abbbc" }}`,
	"mustRegexFindAll":           `{{ mustRegexFindAll "b" "abcb" -1 }}`,
	"mustRegexMatch":             `{{ mustRegexMatch "^a" "abc" }}`,
	"mustRegexReplaceAll":        `{{ mustRegexReplaceAll "(b+)" "abbc" "<$1>" }}`,
	"mustRegexReplaceAllLiteral": `{{ mustRegexReplaceAllLiteral "b+" "abbc" "$1" }}`,
	"mustRegexSplit":             `{{ mustRegexSplit "," "a,b,c" -1 }}`,
	"mustRest":                   `{{ mustRest (list 1 2 3) }}`,
	"mustReverse":                `{{ mustReverse (list 1 2 3) }}`,
	"mustSlice":                  `{{ mustSlice (list 1 2 3) 1 }}`,
	"mustToDate":                 `{{ mustToDate "2006-01-02 15:04" "2024-03-01 23:00" }}`,
	"mustToJson":                 `{{ mustToJson .d }}`,
	"mustToPrettyJson":           `{{ mustToPrettyJson .d }}`,
	"mustToRawJson":              `{{ mustToRawJson .d }}`,
	"mustUniq":                   `{{ mustUniq (list 1 1 2) }}`,
	"mustWithout":                `{{ mustWithout (list 1 2 3) 2 }}`,
	"must_date_modify":           `{{ must_date_modify "-24h" (toDate "2006-01-02" "2024-03-01") }}`,
	"nindent":                    `{{ nindent 2 "a\nb" }}`,
	"nospace":                    `{{ nospace "a b  c" }}`,
	"omit":                       `{{ omit .d "a" }}`,
	"osBase":                     `{{ osBase "a/b/c.txt" }}`,
	"osClean":                    `{{ osClean "a//b/../c" }}`,
	"osDir":                      `{{ osDir "a/b/c.txt" }}`,
	"osExt":                      `{{ osExt "c.txt" }}`,
	"osIsAbs":                    `{{ osIsAbs "/a" }}`,
	"pick":                       `{{ pick .d "a" "b" "c" }}`,
	"pluck":                      `{{ pluck "a" .d (dict "a" 9) }}`,
	"plural":                     `{{ plural "one" "many" 2 }}`,
	"prepend":                    `{{ prepend (list 1) 0 }}`,
	"push":                       `{{ push (list 1) 2 }}`,
	"quote":                      `{{ quote "a" 1 }}`,
	"regexFind":                  `{{ regexFind "b+" "abbbc" }}`,
	"regexFindAll":               `{{ regexFindAll "b" "abcb" -1 }}`,
	"regexMatch":                 `{{ regexMatch "^a" "abc" }}`,
	"regexQuoteMeta":             `{{ regexQuoteMeta "a.b" }}`,
	"regexReplaceAll":            `{{ regexReplaceAll "(b+)" "abbc" "<$1>" }}`,
	"regexReplaceAllLiteral":     `{{ regexReplaceAllLiteral "b+" "abbc" "$1" }}`,
	"regexSplit":                 `{{ regexSplit "," "a,b,c" -1 }}`,
	"repeat":                     `{{ repeat 3 "ab" }}`,
	"replace":                    `{{ replace "b" "xy" "abcb" }}`,
	"rest":                       `{{ rest (list 1 2 3) }}`,
	"reverse":                    `{{ reverse (list 1 2 3) }}`,
	"round":                      `{{ round 1.23456 2 }}`,
	"semver":                     `{{ (semver "1.2.3-rc.1").Minor }}`,
	"semverCompare":              `{{ semverCompare "^1.2" "1.3.0" }}`,
	"seq":                        `{{ seq 1 2 7 }}`,
	"set":                        `{{ set (deepCopy .d) "z" 26 }}`,
	"sha1sum":                    `{{ sha1sum "x" }}`,
	"sha256sum":                  `{{ sha256sum "x" }}`,
	"sha512sum":                  `{{ sha512sum "x" }}`,
	"slice":                      `{{ slice (list 1 2 3) 1 2 }}`,
	"snakecase":                  `{{ snakecase "HTTPServer" }}`,
	"sortAlpha":                  `{{ sortAlpha (keys .d) }}`,
	"split":                      `{{ split "," "a,b,c" }}`,
	"splitList":                  `{{ splitList "," "a,b,c" }}`,
	"splitn":                     `{{ splitn "," 2 "a,b,c" }}`,
	"squote":                     `{{ squote "a" 1 }}`,
	"sub":                        `{{ sub 5 3 }}`,
	"subf":                       `{{ subf 5.5 3 }}`,
	"substr":                     `{{ substr 1 3 "abcdef" }}`,
	"swapcase":                   `{{ swapcase "aBc" }}`,
	"ternary":                    `{{ ternary "yes" "no" true }}`,
	"title":                      `{{ title "hello world" }}`,
	"toDate":                     `{{ toDate "2006-01-02 15:04" "2024-03-01 23:00" }}`,
	"toDecimal":                  `{{ toDecimal "0777" }}`,
	"toJson":                     `{{ toJson .d }}`,
	"toPrettyJson":               `{{ toPrettyJson .d }}`,
	"toRawJson":                  `{{ toRawJson .d }}`,
	"toString":                   `{{ toString 42 }}`,
	"toStrings":                  `{{ toStrings (list 1 2) }}`,
	"trim":                       `{{ trim "  a  " }}`,
	"trimAll":                    `{{ trimAll "-" "--a--" }}`,
	"trimPrefix":                 `{{ trimPrefix "a" "abc" }}`,
	"trimSuffix":                 `{{ trimSuffix "c" "abc" }}`,
	"trimall":                    `{{ trimall "-" "--a--" }}`,
	"trunc":                      `{{ trunc 3 "abcdef" }}`,
	"tuple":                      `{{ tuple 1 "a" }}`,
	"typeIs":                     `{{ typeIs "string" "a" }}`,
	"typeIsLike":                 `{{ typeIsLike "string" "a" }}`,
	"typeOf":                     `{{ typeOf .d }}`,
	"uniq":                       `{{ uniq (list 1 1 2) }}`,
	"unixEpoch":                  `{{ unixEpoch (toDate "2006-01-02 15:04" "2024-03-01 23:00") }}`,
	"unset":                      `{{ unset (deepCopy .d) "a" }}`,
	"until":                      `{{ until 5 }}`,
	"untilStep":                  `{{ untilStep 10 0 -3 }}`,
	"untitle":                    `{{ untitle "Hello World" }}`,
	"upper":                      `{{ upper "abc" }}`,
	"urlJoin":                    `{{ urlJoin (dict "scheme" "https" "host" "example.com" "path" "/a" "query" "b=1") }}`,
	"urlParse":                   `{{ urlParse "https://user@example.com:8443/a?b=1#c" }}`,
	"values":                     `{{ values .d }}`,
	"without":                    `{{ without (list 1 2 3) 2 }}`,
	"wrap":                       `{{ wrap 5 "hello world again" }}`,
	"wrapWith":                   `{{ wrapWith 5 "|" "hello world again" }}`,
}

// TestFuncMapHermetic runs every function twice, under two time zones, and
// wants the same bytes: nothing may depend on TZ, the clock, map iteration
// order or randomness (which a test cannot seed, so it compares two runs).
func TestFuncMapHermetic(t *testing.T) {
	fm := funcMap(funcLimits{bytes: 1 << 20})
	for _, name := range slices.Sorted(maps.Keys(fm)) {
		if _, ok := funcSamples[name]; !ok {
			t.Errorf("function %s has no sample in funcSamples: add one (or forbid it in forbiddenFuncs)", name)
		}
	}
	for name := range funcSamples {
		if _, ok := fm[name]; !ok {
			t.Errorf("funcSamples has %s, which templates do not get: remove it", name)
		}
	}

	// Inputs only forbidden functions can make (a certificate, a ciphertext)
	// come from sprig's full map.
	certKey := strings.Split(sprigExec(t, `{{ $c := genSelfSignedCert "example.com" nil nil 365 }}{{ $c.Cert | b64enc }} {{ $c.Key | b64enc }}`), " ")
	data := map[string]any{
		"d":         map[string]any{"a": 1, "b": 2, "c": 3, "d": 4, "e": 5, "f": 6, "g": 7, "h": 8},
		"certB64":   certKey[0],
		"keyB64":    certKey[1],
		"encrypted": sprigExec(t, `{{ encryptAES "secret" "plain text" }}`),
	}

	local := time.Local
	t.Cleanup(func() { time.Local = local })
	kolkata, err := time.LoadLocation("Asia/Kolkata")
	if err != nil {
		kolkata = time.FixedZone("IST", 5*3600+1800)
	}
	run := func(loc *time.Location) map[string]string {
		time.Local = loc
		out := map[string]string{}
		set := template.New("").Funcs(funcMap(funcLimits{bytes: 1 << 20}))
		for name, sample := range funcSamples {
			tmpl, err := set.New(name).Parse(sample)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			var b strings.Builder
			if err := tmpl.Execute(&b, data); err != nil {
				out[name] = "error: " + err.Error()
			} else {
				out[name] = b.String()
			}
		}
		return out
	}
	utc, ist := run(time.UTC), run(kolkata)
	for _, name := range slices.Sorted(maps.Keys(funcSamples)) {
		if utc[name] != ist[name] {
			t.Errorf("%s is not hermetic: %q under UTC, %q under Asia/Kolkata", name, utc[name], ist[name])
		}
		if strings.HasPrefix(utc[name], "error: ") && name != "fail" {
			t.Errorf("%s: the sample fails, so it shows little: %s", name, utc[name])
		}
	}
	if got := utc["toDate"]; got != "2024-03-01 23:00:00 +0000 UTC" {
		t.Errorf("toDate = %q, want UTC", got)
	}
	if got := utc["keys"]; got != "[a b c d e f g h]" {
		t.Errorf("keys = %q, want sorted", got)
	}
}

// sprigExec runs text with sprig's full function map (forbidden functions included).
func sprigExec(t *testing.T, text string) string {
	t.Helper()
	var b strings.Builder
	if err := template.Must(template.New("").Funcs(sprig.TxtFuncMap()).Parse(text)).Execute(&b, nil); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
