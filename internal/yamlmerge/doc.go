// Package yamlmerge merges YAML files structurally, three-way: Merge
// applies the changes a template made between two renders of a file, base
// (the old version) and theirs (the new one), to ours (the file the team
// committed), key by key instead of line by line. `platform update` uses it
// for catalog-info.yaml, so that the template-version annotation and the
// fields the template owns move on while what the team added stays.
//
// # Rules
//
// Values are compared semantically: the same YAML value whatever its
// comments, quoting, flow or block style, or key order (8080 and "8080"
// differ: their types do; 0x10 and 16, or true and True, do not). An alias
// compares as the value it points to. Absent is a value of its own.
//
// Documents are matched across the three streams by identity, kind plus
// metadata.name when both are strings, else by position among the
// documents without one.
//
//   - In ours and theirs: merged as below (with an empty base when base
//     does not have the document: both added it).
//   - In theirs only: added after ours' documents, in theirs' order.
//   - In base and ours, not in theirs (removed by the template): removed
//     when ours' document equals base's, else kept and reported.
//   - In base and theirs, not in ours (deleted by the team): stays
//     deleted, reported when the template changed it.
//   - In ours only: the team's, untouched.
//
// Within a document, each value is decided from b, o and t, its versions
// in base, ours and theirs, recursively through mappings:
//
//   - t equals b (the template did not change it): ours stays, whatever it
//     is, including absent;
//   - o equals b (the team did not change it): take t: set, add or delete
//     the key;
//   - o equals t (both made the same change): ours stays;
//   - all three are mappings (or b is absent: both added it): merged key by
//     key;
//   - all three are sequences of scalars (or b is absent): merged as sets:
//     the items the template added are appended unless ours has them, the
//     items it removed are removed from ours, the team's own items and
//     ours' order stay;
//   - anything else: ours stays and the path is reported in Result.Kept.
//
// Options.Force names key paths where theirs always wins, in every
// document merged, even over a team edit: set to theirs' value, or deleted
// when theirs has none. A Force path goes through mappings the team removed
// (they come back holding only the forced keys).
//
// # Preserving ours
//
// Ours' node tree is edited in place and encoded again with yaml.v3 (two
// spaces of indent, as internal/catalog writes it): comments, key order and
// styles of everything not changed stay. Taking theirs is the smallest
// edit that makes ours equal to it: a mapping key by key, a sequence
// reusing ours' equal items, a scalar replaced but keeping ours' comments.
// A key the template added goes after the key that precedes it in theirs
// when ours has that key, else at the end of the mapping; a removed key
// takes its comments with it. When
// there is nothing to change, Merge returns ours' bytes exactly; when ours'
// bytes equal base's, theirs' bytes exactly, so an untouched file ends
// byte-identical to a fresh render. Otherwise re-encoding normalises ours'
// layout throughout the file: indentation, blank lines, comment alignment,
// a leading "---", and empty nulls yaml.v3 would misread as strings
// (spelled "null").
//
// Anchors, aliases and merge keys (<<) in ours are never expanded. A change
// that would go through an alias, drop an anchor (replace or delete a
// value, or remove a document, holding one), delete a key a merge key
// supplies, or copy an alias from theirs is not made: ours stays and the
// path is reported. Nodes copied from theirs lose their anchors, so they
// cannot capture one of ours' aliases.
//
// # Errors and bounds
//
// A side that is not valid YAML gives a *ParseError naming it ("ours: line
// 3: ..."). Merge reads its result back before returning it and checks it
// is what was merged, so what it returns always parses; a failure there
// (a yaml.v3 encoder bug) is an error, not a silently different file.
//
// Inputs over MaxSize (1 MiB) are refused with ErrTooLarge. Work is
// linear in the size of the inputs, plus sorting each mapping's
// keys: every value is digested once (SHA-256 over a normalised form,
// memoised per node) and the digests are compared, however deep the
// documents nest. Recursion follows the documents' nesting, which yaml.v3
// bounds on decode (depth 10000), and alias cycles are cut. yaml.v3's
// encoder dominates the cost on large files (about 1.5 s and 0.5 GB of
// allocations to write 1 MiB); a catalog-info.yaml merges in a third of a
// millisecond (BenchmarkMergeCatalog).
package yamlmerge
