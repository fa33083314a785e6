package catalog

import (
	"reflect"
	"testing"
)

func TestSplitDocuments(t *testing.T) {
	type doc struct {
		Line int
		Text string
	}
	tests := []struct {
		name string
		in   string
		want []doc
	}{
		{"empty", "", nil},
		{"comments only", "# nothing\n\n", nil},
		{"bare document", "a: 1\n", []doc{{0, "a: 1\n"}}},
		{"leading marker", "---\na: 1\n", []doc{{0, "---\na: 1\n"}}},
		{"comment before marker stays with the document", "# c\n---\na: 1\n", []doc{{0, "# c\n---\na: 1\n"}}},
		{"two documents", "a: 1\n---\nb: 2\n", []doc{{0, "a: 1\n"}, {1, "---\nb: 2\n"}}},
		{"trailing marker is an empty document", "a: 1\n---\n", []doc{{0, "a: 1\n"}, {1, "---\n"}}},
		{"empty documents between markers", "---\n---\n", []doc{{0, "---\n"}, {1, "---\n"}}},
		{"end marker then bare document", "a: 1\n...\nb: 2\n", []doc{{0, "a: 1\n...\n"}, {2, "b: 2\n"}}},
		{"marker with content on its line", "--- {a: 1}\n", []doc{{0, "--- {a: 1}\n"}}},
		{"indented dashes are content", "a: |\n  ---\n", []doc{{0, "a: |\n  ---\n"}}},
		{"dashes followed by text are content", "----\n", []doc{{0, "----\n"}}},
		{"directive before marker", "%YAML 1.2\n---\na: 1\n", []doc{{0, "%YAML 1.2\n---\na: 1\n"}}},
		{"crlf", "---\r\na: 1\r\n---\r\nb: 2\r\n", []doc{{0, "---\r\na: 1\r\n"}, {2, "---\r\nb: 2\r\n"}}},
		{"byte order mark", "\ufeff---\na: 1\n", []doc{{0, "\ufeff---\na: 1\n"}}},
		{"no final newline", "a: 1\n---\nb: 2", []doc{{0, "a: 1\n"}, {1, "---\nb: 2"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []doc
			for _, c := range splitDocuments([]byte(tt.in)) {
				got = append(got, doc{c.lineOffset, string(c.text)})
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("splitDocuments(%q)\n got %+v\nwant %+v", tt.in, got, tt.want)
			}
		})
	}
}
