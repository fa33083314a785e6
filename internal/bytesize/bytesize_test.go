package bytesize

import (
	"errors"
	"testing"
)

func TestFormat(t *testing.T) {
	for n, want := range map[int64]string{
		0:           "0 bytes",
		100:         "100 bytes",
		1024:        "1 KiB",
		8100:        "7.9 KiB",
		10 * MiB:    "10 MiB",
		128*MiB + 1: "128.0 MiB",
		3 * GiB:     "3 GiB",
		GiB + GiB/2: "1.5 GiB",
	} {
		if got := Format(n); got != want {
			t.Errorf("Format(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestParse(t *testing.T) {
	for s, want := range map[string]int64{
		"4194304": 4194304, "512KiB": 512 * KiB, "16MiB": 16 * MiB, "16 mb": 16 * MiB,
		"2G": 2 * GiB, " 7b ": 7, "1024K": MiB,
	} {
		if got, err := Parse(s); err != nil || got != want {
			t.Errorf("Parse(%q) = %d, %v; want %d", s, got, err, want)
		}
	}
	for _, s := range []string{"", "0", "-1", "1.5MiB", "16 TiB", "MiB", "12 parsecs", "2000G", "99999999999999999999"} {
		if _, err := Parse(s); !errors.Is(err, ErrSyntax) {
			t.Errorf("Parse(%q): err = %v, want ErrSyntax", s, err)
		}
	}
}
