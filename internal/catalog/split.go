package catalog

import (
	"bytes"
	"regexp"
)

// chunk is the source text of one YAML document and the number of lines
// that precede it in the file.
type chunk struct {
	text       []byte
	lineOffset int
}

var (
	docStartMarker = regexp.MustCompile(`^\x{FEFF}?---(?:[ \t\r\n]|$)`)
	docEndMarker   = regexp.MustCompile(`^\.\.\.(?:[ \t\r\n]|$)`)
)

// splitDocuments cuts a YAML stream into its documents, so that a syntax
// error in one document does not hide the others: the catalog parses every
// document of a file (yaml.parseAllDocuments in parseEntityYaml,
// plugins/catalog-node/src/processing/util.ts) and reports a broken one
// without dropping the rest.
//
// YAML forbids "---" and "..." at the start of a line inside any content, so
// those lines always delimit documents. Text before a "---" that holds only
// comments or directives is not a document of its own; it stays in front of
// the document that follows, so that its %TAG directives still apply and
// line numbers stay exact.
func splitDocuments(data []byte) []chunk {
	var (
		chunks     []chunk
		chunkStart int  // byte offset where the open chunk begins
		chunkLine  int  // lines before chunkStart
		explicit   bool // the open chunk has a "---" marker
	)
	closeAt := func(end, endLine int) bool {
		text := data[chunkStart:end]
		if !explicit && !hasContent(text) {
			return false
		}
		chunks = append(chunks, chunk{text: text, lineOffset: chunkLine})
		chunkStart, chunkLine, explicit = end, endLine, false
		return true
	}

	offset := 0
	for lineNo, l := range bytes.SplitAfter(data, []byte("\n")) {
		switch {
		case docStartMarker.Match(l):
			closeAt(offset, lineNo)
			explicit = true
		case docEndMarker.Match(l):
			end := offset + len(l)
			if !closeAt(end, lineNo+1) {
				// A stray "..." closes nothing; drop what precedes it.
				chunkStart, chunkLine = end, lineNo+1
			}
		}
		offset += len(l)
	}
	if chunkStart < len(data) || explicit {
		closeAt(len(data), 0)
	}
	return chunks
}

// hasContent reports whether text holds anything but blank lines, comments,
// directives, document end markers and a byte order mark.
func hasContent(text []byte) bool {
	text = bytes.TrimPrefix(text, []byte("\xef\xbb\xbf"))
	for _, l := range bytes.Split(text, []byte("\n")) {
		l = bytes.TrimLeft(l, " \t\r")
		if len(l) == 0 || l[0] == '#' || l[0] == '%' || docEndMarker.Match(l) {
			continue
		}
		return true
	}
	return false
}
