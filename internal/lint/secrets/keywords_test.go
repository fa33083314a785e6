package secrets

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"testing"
)

// naiveLines is what the scan did before the keyword table: search the
// lower-cased text once per keyword, and note the line of each occurrence.
func naiveLines(data []byte, kw []byte) []int {
	lower := asciiLower(data)
	var out []int
	for from := 0; ; {
		i := bytes.Index(lower[from:], kw)
		if i < 0 {
			return out
		}
		n := 1 + bytes.Count(data[:from+i], []byte("\n"))
		if len(out) == 0 || out[len(out)-1] != n {
			out = append(out, n)
		}
		from += i + 1
	}
}

// TestKeywordLinesMatchNaiveSearch checks the one-pass keyword search against
// a search per keyword, on text made of keyword fragments, upper case, CRLF
// and newlines in every position (a keyword at the very end included).
func TestKeywordLinesMatchNaiveSearch(t *testing.T) {
	pieces := [][]byte{[]byte("\n"), []byte("\r\n"), []byte(" "), []byte("="), []byte("x"), []byte("A"), []byte("-"), []byte("_")}
	for _, kw := range keywords.kws {
		pieces = append(pieces, kw, bytes.ToUpper(kw), kw[:len(kw)-1], kw[1:])
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 300 {
		var data []byte
		for range rng.IntN(60) {
			data = append(data, pieces[rng.IntN(len(pieces))]...)
		}
		found := keywords.find(data)
		for id, kw := range keywords.kws {
			if got, want := linesWith(found, []int{id}), naiveLines(data, kw); !slices.Equal(got, want) {
				t.Fatalf("keyword %q in %q: lines %v, want %v", kw, data, got, want)
			}
		}
	}
}

func TestKeywordLinesUnion(t *testing.T) {
	data := []byte("a: 1\npassword: x\nAPI_KEY: y\nsecret_token: z\n")
	if got, want := linesWith(keywords.find(data), entropyIDs), []int{2, 3, 4}; !slices.Equal(got, want) {
		t.Errorf("entropy keyword lines %v, want %v", got, want)
	}
}

// BenchmarkKeywordFind is the keyword search on 1 MB of manifests, whose
// lines often hold a keyword (secretKeyRef, key, token).
func BenchmarkKeywordFind(b *testing.B) {
	chunk := "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: payments\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: registry.example.com/payments:1.2.3\n          env:\n            - name: DB_PASSWORD\n              valueFrom: {secretKeyRef: {name: db, key: password}}\n"
	data := bytes.Repeat([]byte(chunk), (1<<20)/len(chunk))
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		keywords.find(data)
	}
}
