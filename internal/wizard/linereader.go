package wizard

import (
	"bufio"
	"errors"
	"io"
	"sync"
)

// lineReader hands out at most one line per Read. huh's accessible mode makes a
// new bufio.Scanner for every question; on a pipe, the first scanner would
// swallow every answer after the first. It also remembers whether a question
// met the end of the input, which the wizard treats as a cancel.
type lineReader struct {
	mu  sync.Mutex
	r   *bufio.Reader
	eof bool
}

func newLineReader(r io.Reader) *lineReader {
	return &lineReader{r: bufio.NewReader(r)}
}

// Read returns the next line, with its newline. A last line without a newline
// gets one, so it counts as an answer and not as the end of the input.
func (l *lineReader) Read(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(p) == 0 {
		return 0, nil
	}
	n := 0
	for n < len(p) {
		b, err := l.r.ReadByte()
		if err != nil {
			if n > 0 && errors.Is(err, io.EOF) {
				p[n] = '\n'
				return n + 1, nil
			}
			if errors.Is(err, io.EOF) {
				l.eof = true
			}
			return n, err
		}
		p[n] = b
		n++
		if b == '\n' {
			break
		}
	}
	return n, nil
}

// atEOF reports whether a question asked for input after the input had ended.
func (l *lineReader) atEOF() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.eof
}
