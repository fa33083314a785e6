// Package bytesize formats and parses sizes the way platform's limits are
// written and shown: 4194304, 512KiB, 16 MiB.
package bytesize

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Units.
const (
	KiB int64 = 1 << 10
	MiB int64 = 1 << 20
	GiB int64 = 1 << 30
)

// maxSize is the largest size Parse accepts: 1 TiB, far above any limit.
const maxSize = 1 << 40

// Format shows n in the largest binary unit it reaches, exact when it can be:
// 16 MiB, 7.9 KiB, 100 bytes.
func Format(n int64) string {
	for _, u := range []struct {
		size int64
		name string
	}{{GiB, "GiB"}, {MiB, "MiB"}, {KiB, "KiB"}} {
		switch {
		case n >= u.size && n%u.size == 0:
			return fmt.Sprintf("%d %s", n/u.size, u.name)
		case n >= u.size:
			return fmt.Sprintf("%.1f %s", float64(n)/float64(u.size), u.name)
		}
	}
	return fmt.Sprintf("%d bytes", n)
}

// ErrSyntax is a size Parse cannot read.
var ErrSyntax = errors.New("want a positive size in bytes, e.g. 4194304, 512KiB or 16MiB")

// Parse reads a positive size: a number of bytes, optionally followed by a
// unit, K/KB/KiB, M/MB/MiB or G/GB/GiB (all binary, any case, a space allowed).
func Parse(s string) (int64, error) {
	s = strings.TrimSpace(s)
	num := strings.TrimRight(s, "KMGiBkmgb")
	unit := strings.ToUpper(strings.TrimSpace(s[len(num):]))
	shift, ok := map[string]uint{"": 0, "B": 0, "K": 10, "KB": 10, "KIB": 10, "M": 20, "MB": 20, "MIB": 20, "G": 30, "GB": 30, "GIB": 30}[unit]
	n, err := strconv.ParseInt(strings.TrimSpace(num), 10, 64)
	if !ok || err != nil || n <= 0 || n > maxSize>>shift {
		return 0, ErrSyntax
	}
	return n << shift, nil
}
