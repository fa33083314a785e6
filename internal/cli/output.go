package cli

import (
	"encoding/json"
	"io"
)

// writeJSON writes v as indented JSON: the one machine format of every --json flag.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
