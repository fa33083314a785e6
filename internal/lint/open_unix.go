//go:build unix

package lint

import (
	"os"
	"syscall"
)

// openNonblocking opens a file for reading without blocking on a FIFO that
// replaced it since it was checked; the caller then refuses anything not regular.
func openNonblocking(name string) (openedFile, error) {
	return os.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}
