package fserr

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCause(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "staging", "x")
	_, openErr := os.Open(missing)
	linkErr := os.Rename(missing, missing+".new")
	plain := errors.New("plain")
	for _, tc := range []struct {
		err  error
		want string
	}{
		{openErr, "no such file or directory"},
		{fmt.Errorf("context: %w", openErr), "no such file or directory"},
		{linkErr, "no such file or directory"},
		{plain, "plain"},
	} {
		got := Cause(tc.err)
		if got.Error() != tc.want || strings.Contains(got.Error(), "staging") {
			t.Errorf("Cause(%v) = %v, want %q", tc.err, got, tc.want)
		}
		if tc.err != plain && !errors.Is(got, fs.ErrNotExist) {
			t.Errorf("Cause(%v) lost fs.ErrNotExist", tc.err)
		}
	}
}
