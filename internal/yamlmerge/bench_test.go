package yamlmerge

import (
	"fmt"
	"strings"
	"testing"
)

// large builds a mapping of n keys, each a small mapping, about 50 bytes
// a key: n = 16000 makes about 0.8 MiB.
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

// BenchmarkMergeLarge merges files near MaxSize where every key changed
// on both sides and theirs adds a third more keys: the work must stay
// linear.
func BenchmarkMergeLarge(b *testing.B) {
	base := large(12000, "c")
	ours := append(large(12000, "team"), "team: 1\n"...)
	theirs := append(large(12000, "tmpl"), large(16000, "new")[len(large(12000, "new")):]...)
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

// BenchmarkMergeManyDocuments merges streams of 20000 small documents,
// all with the same identity, near MaxSize.
func BenchmarkMergeManyDocuments(b *testing.B) {
	stream := func(v string) []byte {
		return []byte(strings.Repeat("kind: A\nmetadata: {name: a}\nv: "+v+"\n---\n", 20000))
	}
	base, ours, theirs := stream("1"), stream("2"), stream("3")
	for b.Loop() {
		if _, err := Merge(base, ours, theirs, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMergeKeyDeletions deletes 10000 keys from a mapping whose
// merge key supplies 10000 others.
func BenchmarkMergeKeyDeletions(b *testing.B) {
	var src, keys strings.Builder
	for i := range 10000 {
		fmt.Fprintf(&src, "  s%d: 1\n", i)
		fmt.Fprintf(&keys, "  k%d: 1\n", i)
	}
	base := []byte("src:\n" + src.String() + "m:\n" + keys.String())
	ours := []byte("src: &s\n" + src.String() + "m:\n  <<: *s\n" + keys.String())
	theirs := []byte("src:\n" + src.String() + "m: {}\n")
	for b.Loop() {
		if _, err := Merge(base, ours, theirs, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
