package secrets

import (
	"bytes"
	"fmt"
	"math"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/platform-team/platform/internal/lint"
)

// AllowMarker on a line silences every secrets/* finding of that line.
const AllowMarker = "platform:allow-secret"

// kind says which rule reports a hit.
type kind int

const (
	kindPrivateKey kind = iota
	kindCloudKey
	kindToken
	kindEntropy
)

// hit is one secret found by the scan, without the secret itself.
type hit struct {
	kind      kind
	line, col int
	msg, hint string
}

// binarySniff is how much of a file is searched for a NUL byte, as git does.
const binarySniff = 8000

// isBinary reports whether the file looks binary: a NUL byte near its start.
func isBinary(f *lint.File) bool {
	return bytes.IndexByte(f.Data[:min(len(f.Data), binarySniff)], 0) >= 0
}

// scanOf scans f once for the line-based rules, which then pick their hits.
func scanOf(f *lint.File) []hit {
	return f.Cached("secrets.scan", func() any { return scan(f.Path, f.Data) }).([]hit)
}

// asciiLower lower-cases ASCII letters only, so that offsets stay the same.
func asciiLower(b []byte) []byte {
	out := make([]byte, len(b))
	for i, c := range b {
		out[i] = lowerByte[c]
	}
	return out
}

// lowerByte maps a byte to lower case, ASCII letters only.
var lowerByte = func() (t [256]byte) {
	for i := range t {
		c := byte(i)
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		t[i] = c
	}
	return t
}()

var (
	pemBegin         = regexp.MustCompile(`-----BEGIN ?([ A-Z0-9_-]{0,100}?) ?PRIVATE KEY(?: BLOCK)?-----`)
	serviceAccount   = regexp.MustCompile(`"type"\s*:\s*"service_account"`)
	saPrivateKey     = regexp.MustCompile(`"private_key"\s*:\s*"([^"]{64,})`)
	entropyKeywords  = [][]byte{[]byte("pass"), []byte("pwd"), []byte("secret"), []byte("token"), []byte("key"), []byte("cred")}
	pemKeywords      = [][]byte{[]byte("-----begin"), []byte("putty-user-key-file-")}
	escapedNewline   = regexp.MustCompile(`\\+n`)
	puttyPrivateLine = []byte("Private-Lines:")
)

var newline = []byte("\n")

// lineIndex maps byte offsets to lines.
type lineIndex struct {
	data   []byte
	starts []int // byte offset of each line's start
	// lines are the lines already converted, as several patterns read the
	// same lines (a minified file is one long line).
	lines map[int]string
}

func newLineIndex(data []byte) *lineIndex {
	starts := make([]int, 1, 1+bytes.Count(data, []byte("\n")))
	x := &lineIndex{data: data, starts: starts, lines: map[int]string{}}
	for i := 0; ; {
		j := bytes.IndexByte(data[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
		x.starts = append(x.starts, i)
	}
	return x
}

// line returns line n (1-based) without its line ending (\n or \r\n).
func (x *lineIndex) line(n int) string {
	if l, ok := x.lines[n]; ok {
		return l
	}
	end := len(x.data)
	if n < len(x.starts) {
		end = x.starts[n] - 1
	}
	l := strings.TrimSuffix(string(x.data[x.starts[n-1]:end]), "\r")
	x.lines[n] = l
	return l
}

// lineOf returns the 1-based line of byte offset off.
func (x *lineIndex) lineOf(off int) int {
	return sort.Search(len(x.starts), func(i int) bool { return x.starts[i] > off })
}

// keywordTable finds, in one pass over a file, the lines where each keyword
// of the patterns (and of the entropy check) occurs. Keywords are filed by
// their first two bytes, so that each position of the file is tested only
// against the few keywords that can start there: searching the file once per
// keyword cost more than the rest of the scan.
type keywordTable struct {
	kws [][]byte
	// slot maps two leading bytes to 1 + their index in groups; 0 is none.
	slot   [1 << 16]uint8
	groups [][]int
}

// id returns the index of kw in the table, adding it when it is new.
func (t *keywordTable) id(kw []byte) int {
	if len(kw) < 2 {
		panic("secrets: keyword shorter than two bytes: " + string(kw))
	}
	for i, k := range t.kws {
		if bytes.Equal(k, kw) {
			return i
		}
	}
	id := len(t.kws)
	t.kws = append(t.kws, kw)
	b := uint16(kw[0])<<8 | uint16(kw[1])
	if t.slot[b] == 0 {
		if len(t.groups) == 255 {
			panic("secrets: too many keyword prefixes")
		}
		t.groups = append(t.groups, nil)
		// The slot is found from the file's bytes as they are: every case
		// of the two bytes leads to it.
		for _, c0 := range cases(kw[0]) {
			for _, c1 := range cases(kw[1]) {
				t.slot[uint16(c0)<<8|uint16(c1)] = uint8(len(t.groups))
			}
		}
	}
	g := int(t.slot[b]) - 1
	t.groups[g] = append(t.groups[g], id)
	return id
}

// cases returns a lower-case byte and, for a letter, its upper case.
func cases(c byte) []byte {
	if c >= 'a' && c <= 'z' {
		return []byte{c, c - 'a' + 'A'}
	}
	return []byte{c}
}

// keywordHit is a keyword (its index in the table) found on a line.
type keywordHit struct{ id, line int32 }

// find returns the keywords found in data, ASCII letters compared without
// case: each keyword once per line, in the order of the file. Keywords hold
// no newline, so each occurrence is on the line of its first byte.
func (t *keywordTable) find(data []byte) []keywordHit {
	var out []keywordHit
	line, counted := 1, 0 // the line of data[counted]
	for i := 0; i+1 < len(data); i++ {
		g := t.slot[uint16(data[i])<<8|uint16(data[i+1])]
		if g == 0 {
			continue
		}
		for _, id := range t.groups[g-1] {
			if !hasLowerPrefix(data[i:], t.kws[id]) {
				continue
			}
			line += bytes.Count(data[counted:i], newline)
			counted = i
			if !seenOnLine(out, int32(id), int32(line)) {
				out = append(out, keywordHit{int32(id), int32(line)})
			}
		}
	}
	return out
}

// seenOnLine reports whether hits, in file order, already hold keyword id on line.
func seenOnLine(hits []keywordHit, id, line int32) bool {
	for k := len(hits) - 1; k >= 0 && hits[k].line == line; k-- {
		if hits[k].id == id {
			return true
		}
	}
	return false
}

// hasLowerPrefix reports whether b starts with the lower-case kw, ASCII
// letters of b compared without case.
func hasLowerPrefix(b, kw []byte) bool {
	if len(b) < len(kw) {
		return false
	}
	for j, k := range kw {
		if lowerByte[b[j]] != k {
			return false
		}
	}
	return true
}

// linesWith returns the lines, ascending, where one of the keywords ids was found.
func linesWith(hits []keywordHit, ids []int) []int {
	var out []int
	for _, h := range hits {
		if slices.Contains(ids, int(h.id)) && (len(out) == 0 || out[len(out)-1] != int(h.line)) {
			out = append(out, int(h.line))
		}
	}
	return out
}

// keywords holds every keyword of the patterns and of the entropy check.
var keywords = &keywordTable{}

// entropyIDs, pemIDs and serviceAccountID are the indexes in keywords of
// the entropy keywords, the private key armor and the service account type.
var (
	entropyIDs       []int
	pemIDs           []int
	serviceAccountID int
)

// indexKeywords files the keywords of the patterns (their kw set) and of
// the entropy check in the keyword table.
func indexKeywords() {
	for _, list := range [][]pattern{cloudKeys, tokens} {
		for i := range list {
			for _, kw := range list[i].kw {
				list[i].kwIDs = append(list[i].kwIDs, keywords.id(kw))
			}
		}
	}
	for _, kw := range entropyKeywords {
		entropyIDs = append(entropyIDs, keywords.id(kw))
	}
	for _, kw := range pemKeywords {
		pemIDs = append(pemIDs, keywords.id(kw))
	}
	serviceAccountID = keywords.id([]byte("service_account"))
}

func sortedLines(set map[int]bool) []int {
	out := make([]int, 0, len(set))
	for n := range set {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// scan finds the hits of a text file. Keywords are searched in the whole
// file first; expressions run only on the lines that contain them.
func scan(p string, data []byte) []hit {
	found := keywords.find(data)
	if len(found) == 0 {
		return nil // no keyword, so no pattern, key or entropy check to run
	}
	x := newLineIndex(data)
	byLine := map[int][]hit{}
	for _, list := range [][]pattern{cloudKeys, tokens} {
		for i := range list {
			pt := &list[i]
			for _, n := range linesWith(found, pt.kwIDs) {
				byLine[n] = append(byLine[n], pt.find(n, x.line(n))...)
			}
		}
	}
	if len(linesWith(found, pemIDs)) > 0 {
		lastPutty := bytes.LastIndex(data, puttyPrivateLine)
		pem := pemState{}
		for n := 1; n <= len(x.starts); n++ {
			if h, ok := pem.feed(n, x.line(n), lastPutty); ok {
				byLine[h.line] = append(byLine[h.line], h)
			}
		}
	}
	if len(linesWith(found, []int{serviceAccountID})) > 0 && serviceAccount.Match(data) {
		if loc := saPrivateKey.FindIndex(data); loc != nil {
			n := x.lineOf(loc[0])
			col := utf8.RuneCount(data[x.starts[n-1]:loc[0]]) + 1
			keep := byLine[n][:0]
			for _, h := range byLine[n] {
				if h.kind != kindPrivateKey {
					keep = append(keep, h)
				}
			}
			byLine[n] = append(keep, hit{kind: kindCloudKey, line: n, col: col,
				msg:  "Google Cloud service account key committed (a JSON key file with its private_key)",
				hint: "delete the key in the Google Cloud console and remove the file; use workload identity federation or a secret store instead of key files"})
		}
	}
	if !isLockfile(p) {
		for _, n := range linesWith(found, entropyIDs) {
			if len(byLine[n]) == 0 {
				byLine[n] = entropyHits(n, x.line(n))
			}
		}
	}
	var hits []hit
	for _, n := range sortedLines(nonEmpty(byLine)) {
		if !strings.Contains(x.line(n), AllowMarker) {
			hits = append(hits, byLine[n]...)
		}
	}
	return hits
}

func nonEmpty(m map[int][]hit) map[int]bool {
	set := map[int]bool{}
	for n, hs := range m {
		if len(hs) > 0 {
			set[n] = true
		}
	}
	return set
}

// find returns the pattern's hits on one line.
func (p *pattern) find(num int, line string) []hit {
	var out []hit
	for _, loc := range p.re.get().FindAllStringSubmatchIndex(line, -1) {
		s, e := loc[0], loc[1]
		if len(loc) >= 4 && loc[2] >= 0 {
			s, e = loc[2], loc[3]
		}
		secret := line[s:e]
		if p.bounded && loc[1] < len(line) && isAlnum(line[loc[1]]) {
			continue
		}
		if p.entropy > 0 && entropy(secret) < p.entropy {
			continue
		}
		if containsAnyString(secret, p.allow) {
			continue
		}
		out = append(out, hit{kind: p.kind, line: num, col: utf8.RuneCountInString(line[:s]) + 1,
			msg:  fmt.Sprintf("%s committed: %s", p.name, redact(secret, p.prefix)),
			hint: hintFor(p.kind)})
	}
	return out
}

func hintFor(k kind) string {
	switch k {
	case kindCloudKey:
		return "revoke the key in the cloud console now, remove it from the file, and give the workload its credentials at run time (workload identity, a masked CI/CD variable, a secret store)"
	default:
		return "revoke the token now (it is in the git history), remove it from the file, and read it at run time from a masked CI/CD variable or a secret store"
	}
}

func containsAnyString(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'z'
}

// redact shows the type-identifying prefix of a secret and its last four
// characters, when it is long enough for that to reveal little: glpat-…abcd.
func redact(secret string, prefix int) string {
	if prefix > len(secret) {
		prefix = len(secret)
	}
	out := secret[:prefix] + "…"
	if len(secret)-prefix >= 16 {
		out += secret[len(secret)-4:]
	}
	return out
}

// entropy is the Shannon entropy of s in bits per byte.
func entropy(s string) float64 {
	if s == "" {
		return 0
	}
	var counts [256]int
	for i := 0; i < len(s); i++ {
		counts[s[i]]++
	}
	n := float64(len(s))
	h := 0.0
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / n
			h -= p * math.Log2(p)
		}
	}
	return h
}

// pemState follows PEM private key blocks across lines.
type pemState struct {
	in    bool
	line  int
	col   int
	label string
	body  int
}

// minKeyBody is how many base64 characters a key body needs to count (as in
// gitleaks): documentation that shows only the armor lines is not a key.
const minKeyBody = 64

func (s *pemState) feed(num int, line string, lastPutty int) (hit, bool) {
	if strings.HasPrefix(line, "PuTTY-User-Key-File-") && lastPutty >= 0 {
		return hit{kind: kindPrivateKey, line: num, col: 1, msg: "PuTTY private key committed", hint: keyHint}, true
	}
	if loc := pemBegin.FindStringSubmatchIndex(line); loc != nil {
		s.in, s.line, s.col, s.body = true, num, utf8.RuneCountInString(line[:loc[0]])+1, 0
		s.label = strings.TrimSpace(line[loc[2]:loc[3]])
		rest := line[loc[1]:]
		if i := strings.Index(rest, "-----END"); i >= 0 {
			// One line: a key inside a JSON or YAML string, newlines escaped.
			s.in = false
			if countBase64(escapedNewline.ReplaceAllString(rest[:i], "")) >= minKeyBody {
				return s.hit(), true
			}
			return hit{}, false
		}
		if n, ok := bodyLine(rest); ok {
			s.body = n
		} else {
			s.in = false // prose that mentions the armor line
		}
		return hit{}, false
	}
	if !s.in {
		return hit{}, false
	}
	if i := strings.Index(line, "-----END"); i >= 0 {
		s.in = false
		n, _ := bodyLine(line[:i])
		if s.body+n >= minKeyBody {
			return s.hit(), true
		}
		return hit{}, false
	}
	n, ok := bodyLine(line)
	if !ok {
		s.in = false
		return hit{}, false
	}
	s.body += n
	return hit{}, false
}

var pemHeader = regexp.MustCompile(`^[A-Za-z][A-Za-z-]*: `)

// bodyLine reads a line inside a key block: base64, an armor header
// (Proc-Type: ...) or blank, possibly quoted and concatenated as in source
// code. It returns the number of base64 characters, and false for anything
// else, which ends the block.
func bodyLine(line string) (int, bool) {
	t := strings.TrimSpace(line)
	t = strings.TrimRight(t, "+,;")
	t = strings.TrimSpace(t)
	t = strings.Trim(t, "\"'`")
	for strings.HasSuffix(t, `\n`) {
		t = strings.TrimSuffix(t, `\n`)
	}
	t = strings.TrimSuffix(t, `\`)
	if t == "" || pemHeader.MatchString(t) {
		return 0, true
	}
	n := countBase64(t)
	return n, n == len(t)
}

func countBase64(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isAlnum(c) || c == '+' || c == '/' || c == '=' {
			n++
		}
	}
	return n
}

const keyHint = "remove the key from the repository, revoke or rotate it (it stays in the git history), and load it at run time from a secret store (a masked CI/CD variable, Vault, external-secrets)"

func (s *pemState) hit() hit {
	what := "private key"
	if s.label != "" {
		what = s.label + " private key"
	}
	return hit{kind: kindPrivateKey, line: s.line, col: s.col, msg: what + " committed", hint: keyHint}
}

// lockfiles hold checksums and resolved URLs, never assigned secrets.
var lockfiles = map[string]bool{
	"go.sum": true, "go.work.sum": true, "package-lock.json": true, "npm-shrinkwrap.json": true,
	"yarn.lock": true, "pnpm-lock.yaml": true, "bun.lock": true, "deno.lock": true, "Cargo.lock": true,
	"poetry.lock": true, "Pipfile.lock": true, "uv.lock": true, "composer.lock": true, "Gemfile.lock": true,
	"gradle.lockfile": true, "packages.lock.json": true, "flake.lock": true, "mix.lock": true,
	"pubspec.lock": true, "Package.resolved": true, ".terraform.lock.hcl": true, "conan.lock": true,
}

func isLockfile(p string) bool {
	base := path.Base(p)
	ext := path.Ext(base)
	return lockfiles[base] || ext == ".lock" || ext == ".lockfile"
}
