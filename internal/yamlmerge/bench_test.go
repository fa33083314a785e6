package yamlmerge

import (
	"fmt"
	"strings"
	"testing"
)

// large builds a mapping of n keys, each a small mapping, about 60 bytes
// a key: n = 16000 makes about 1 MiB.
func large(n int, suffix string) []byte {
	var sb strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&sb, "key%06d:\n  name: value %d\n  tags: [a, b, %s]\n", i, i, suffix)
	}
	return []byte(sb.String())
}

// BenchmarkMergeCatalog merges a catalog-info.yaml with edits on both
// sides, as `platform update` does.
func BenchmarkMergeCatalog(b *testing.B) {
	base := []byte(catalog("1.0.0"))
	ours := []byte(strings.Replace(catalog("1.0.0"), "lifecycle: experimental", "lifecycle: production # team", 1))
	theirs := []byte(strings.Replace(catalog("1.1.0"), "    - http\n", "    - grpc\n", 1))
	for b.Loop() {
		if _, err := Merge(base, ours, theirs, Options{Force: [][]string{versionPath}}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMergeLarge merges 1 MiB files where every key changed on both
// sides and theirs adds as many keys again: the work must stay linear.
func BenchmarkMergeLarge(b *testing.B) {
	base := large(16000, "c")
	ours := append(large(16000, "team"), "team: 1\n"...)
	theirs := append(large(16000, "tmpl"), large(32000, "new")[len(large(16000, "new")):]...)
	for b.Loop() {
		if _, err := Merge(base, ours, theirs, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMergeDeep merges documents nested to yaml.v3's depth limit.
func BenchmarkMergeDeep(b *testing.B) {
	deep := func(leaf string) []byte {
		return []byte(strings.Repeat("{a: ", 9000) + leaf + strings.Repeat("}", 9000))
	}
	base, ours, theirs := deep("1"), append(deep("1"), '\n'), deep("2")
	for b.Loop() {
		if _, err := Merge(base, ours, theirs, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
