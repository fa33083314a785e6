package cli

import "testing"

func TestParseByteSize(t *testing.T) {
	for in, want := range map[string]int64{"": 0, "4194304": 4 << 20, "16MiB": 16 << 20, "16M": 16 << 20, "512 KiB": 512 << 10, "1gb": 1 << 30} {
		if got, err := parseByteSize(in); err != nil || got != want {
			t.Errorf("parseByteSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"lots", "-1", "0", "12XB", "99999999999GiB", "1.5MiB"} {
		if _, err := parseByteSize(bad); err == nil {
			t.Errorf("parseByteSize(%q) accepted", bad)
		}
	}
}
