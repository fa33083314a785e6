package secrets

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// The thresholds of secrets/high-entropy.
const (
	// minSecretLen is the shortest value considered.
	minSecretLen = 16
	// minEntropy is the Shannon entropy, in bits per character, from which a
	// value looks random. Random base64 or alphanumerics of 16+ characters
	// score 3.7 to 5; words, identifiers and repetitive values stay below.
	minEntropy = 3.5
	// minHexEntropy applies to hexadecimal values, whose 16-letter alphabet
	// caps them at 4 bits per character (random hex of 16+ scores 3.3 to 4).
	minHexEntropy = 3.0
)

// secretWords end the keys whose values the rule looks at. A key is the run
// of letters, digits, _, . and - before the assignment operator; it must end
// with one of these words (compared case-insensitively): DB_PASSWORD,
// clientSecret and gitlab.token do, secretName, token_url and password_file
// do not. Keys ending in "key" count only as api_key, access_key, secret_key,
// private_key and auth_key, with or without separators.
var secretWords = []string{"password", "passwd", "pwd", "secret", "token", "credential", "credentials", "key"}

// keyWords are the keys ending in "key" that name secrets, separators removed.
var keyWords = []string{"apikey", "accesskey", "secretkey", "privatekey", "authkey"}

var keySeparators = strings.NewReplacer("_", "", ".", "", "-", "")

func isKeyByte(c byte) bool {
	return isAlnum(c) || c == '_' || c == '.' || c == '-'
}

// assignments returns the secret-named keys of a line and the offset right
// after each one's assignment operator (and the spaces after it).
func assignments(line, lower string) (keys []string, after []int) {
	for _, w := range secretWords {
		for from := 0; from < len(lower); {
			i := strings.Index(lower[from:], w)
			if i < 0 {
				break
			}
			i += from
			e := i + len(w)
			from = e
			if e < len(lower) && isKeyByte(lower[e]) {
				continue // the key goes on: secretName, token_url
			}
			start := i
			for start > 0 && isKeyByte(lower[start-1]) {
				start--
			}
			key := line[start:e]
			if w == "key" {
				norm := keySeparators.Replace(lower[start:e])
				if !slices.ContainsFunc(keyWords, func(k string) bool { return strings.HasSuffix(norm, k) }) {
					continue
				}
			}
			j := e
			if j < len(line) && (line[j] == '"' || line[j] == '\'') {
				j++
			}
			for j < len(line) && (line[j] == ' ' || line[j] == '\t') {
				j++
			}
			switch {
			case strings.HasPrefix(line[j:], ":="), strings.HasPrefix(line[j:], "=>"):
				j += 2
			case j < len(line) && (line[j] == '=' || line[j] == ':'):
				j++
			default:
				continue
			}
			for j < len(line) && (line[j] == ' ' || line[j] == '\t') {
				j++
			}
			keys = append(keys, key)
			after = append(after, j)
		}
	}
	return keys, after
}

// notSecretKeys end like secret keys but are not secrets.
var notSecretKeys = []string{"csrf_token", "csrftoken", "xsrf_token", "page_token", "pagetoken", "next_token", "nexttoken", "token_type"}

var dottedName = regexp.MustCompile(`^[A-Za-z_$][A-Za-z0-9_$]*(?:\.[A-Za-z_$][A-Za-z0-9_$]*)+$`)

// placeholderWords mark example and template values.
var placeholderWords = []string{
	"example", "changeme", "change_me", "change-me", "placeholder", "dummy", "redacted", "sample",
	"your_", "your-", "yourtoken", "yourpassword", "xxxx", "****", "....", "replace", "insert", "fake",
	"todo", "notreal", "not-a-real", "secretname",
}

// entropyHits returns the high-entropy assignments of one line.
func entropyHits(num int, line string) []hit {
	var out []hit
	keys, after := assignments(line, string(asciiLower([]byte(line))))
	for k, key := range keys {
		if containsAnyString(strings.ToLower(key), notSecretKeys) {
			continue
		}
		value, col, ok := assignedValue(line, after[k])
		if !ok || !looksSecret(value) {
			continue
		}
		out = append(out, hit{kind: kindEntropy, line: num, col: utf8.RuneCountInString(line[:col]) + 1,
			msg:  fmt.Sprintf("%s is assigned a random-looking value (%d characters, entropy %.1f): %s", key, len(value), entropy(value), redact(value, 0)),
			hint: "read it at run time from a masked CI/CD variable, a secret store or an environment variable (${VAR}); if it is not a secret, add a " + AllowMarker + " comment on the line"})
	}
	return out
}

// maxValue is the longest value considered: secrets are short, and a bound
// keeps a long line of "password=password=..." linear.
const maxValue = 1024

// assignedValue returns the value after an assignment operator at i, with
// its byte offset: a quoted string, or an unquoted word.
func assignedValue(line string, i int) (string, int, bool) {
	if i >= len(line) {
		return "", 0, false
	}
	if line[i] == '=' || line[i] == '>' {
		return "", 0, false // ==, =>, a comparison
	}
	window := line[i:min(len(line), i+1+maxValue)]
	if q := line[i]; q == '"' || q == '\'' || q == '`' {
		end := strings.IndexByte(window[1:], q)
		if end < 0 {
			if len(window) > maxValue {
				return "", 0, false
			}
			end = len(window) - 1
		}
		return window[1 : 1+end], i + 1, true
	}
	end := strings.IndexAny(window, " \t,;")
	if end < 0 {
		if len(window) > maxValue {
			return "", 0, false
		}
		end = len(window)
	}
	return window[:end], i, true
}

// looksSecret applies the length, placeholder and entropy tests.
func looksSecret(v string) bool {
	if len(v) < minSecretLen {
		return false
	}
	if strings.ContainsAny(v, "<>(){}[] \\") || strings.HasPrefix(v, "$") || strings.HasPrefix(v, "%") ||
		strings.HasPrefix(v, "!") || strings.HasPrefix(v, "|") || strings.HasPrefix(v, "/") ||
		strings.HasPrefix(v, "./") || strings.HasPrefix(v, "~/") || strings.Contains(v, "://") {
		return false
	}
	lower := strings.ToLower(v)
	if containsAnyString(lower, placeholderWords) {
		return false
	}
	// Paths and type names with separators (core/v1.SecretVolumeSource) are
	// not base64; dotted names (config.db.password, process.env.TOKEN_2) are
	// code. A JWT (eyJ...) is dotted but a secret.
	if strings.Contains(v, "/") && strings.ContainsAny(v, ".-_:") {
		return false
	}
	if dottedName.MatchString(v) && !strings.HasPrefix(v, "eyJ") {
		return false
	}
	if looksLikeWords(v) {
		return false
	}
	// A scheme-like prefix is a reference to a secret, not one: vault:, arn:aws:, ref+.
	if i := strings.IndexAny(v, ":+"); i > 0 && isWord(v[:i]) {
		return false
	}
	letters, digits, other := 0, 0, 0
	hex := true
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c|0x20 >= 'a' && c|0x20 <= 'z':
			letters++
			if c|0x20 > 'f' {
				hex = false
			}
		default:
			other++
			hex = false
		}
	}
	// Identifiers and names (only letters, _, ., -) and plain numbers are not secrets.
	if digits == 0 && strings.Trim(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_.-") == "" {
		return false
	}
	if letters == 0 && other == 0 {
		return false
	}
	if strings.Count(v, v[:1]) == len(v) {
		return false
	}
	threshold := minEntropy
	if hex {
		threshold = minHexEntropy
	}
	return entropy(v) >= threshold
}

func isWord(s string) bool {
	for i := 0; i < len(s); i++ {
		if !(s[i] >= 'a' && s[i] <= 'z') {
			return false
		}
	}
	return true
}

// looksLikeWords reports whether v reads as words: pieces split at - _ . and
// at camelCase humps, each of letters (two or more, or one before digits) and
// optional trailing digits, three letters long on average. Names such as
// client-valid-token-1, payments-v2-db-password or MyServiceAccount2 are not
// random; base64 and random alphanumerics (q8Zt3x..., kJhGfDsA...) break
// into one-letter pieces or have letters after digits.
func looksLikeWords(v string) bool {
	isLower := func(c byte) bool { return c >= 'a' && c <= 'z' }
	isUpper := func(c byte) bool { return c >= 'A' && c <= 'Z' }
	isDigit := func(c byte) bool { return c >= '0' && c <= '9' }
	pieces, letters := 0, 0
	for i := 0; i < len(v); {
		if c := v[i]; c == '-' || c == '_' || c == '.' {
			i++
			continue
		}
		j := i
		switch {
		case isUpper(v[j]) && j+1 < len(v) && isLower(v[j+1]):
			j++
			for j < len(v) && isLower(v[j]) {
				j++
			}
		case isUpper(v[j]):
			for j < len(v) && isUpper(v[j]) && !(j+1 < len(v) && isLower(v[j+1])) {
				j++
			}
		case isLower(v[j]):
			for j < len(v) && isLower(v[j]) {
				j++
			}
		}
		k := j
		for k < len(v) && isDigit(v[k]) {
			k++
		}
		switch {
		case k == i:
			return false // another character
		case k > j && k < len(v) && (isLower(v[k]) || isUpper(v[k])):
			return false // letters after digits: q8Zt
		case j-i == 1 && k == j:
			return false // a one-letter piece: kJhGf
		}
		pieces++
		letters += j - i
		i = k
	}
	return pieces >= 2 && letters >= 3*pieces
}
