// Package baseline records the findings of a `platform lint` run so that a
// repository can adopt lint where it stands: later runs report only the
// findings not in the baseline, and entries that no longer match a finding
// are reported stale, so the baseline only shrinks.
//
// An entry is identified by a fingerprint that survives line moves: the
// SHA-256 of the rule, the path and the finding's line with surrounding
// whitespace trimmed (or, for a finding about the whole file, its message).
// Two identical findings on two identical lines share a fingerprint; the
// baseline keeps one entry each, and each entry absorbs one finding.
package baseline

import (
	"bufio"
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/platform-team/platform/internal/atomicfile"
	"github.com/platform-team/platform/internal/lint"
)

// Version is the format version written in every baseline file.
const Version = 1

// StaleRule is the rule of a baseline entry no finding matches any more.
const StaleRule = "lint/baseline-stale"

// File is a baseline file: {"version": 1, "entries": [...]}, entries sorted.
type File struct {
	Version int     `json:"version"`
	Entries []Entry `json:"entries"`
}

// Entry is one recorded finding.
type Entry struct {
	Rule string `json:"rule"`
	Path string `json:"path"`
	// Fingerprint is the hex SHA-256 prefix of rule, path and the normalised line.
	Fingerprint string `json:"fingerprint"`
	// Line and Message are where and what the finding was when recorded: for
	// people reading the file and the stale finding, never matched on.
	Line    int    `json:"line,omitempty"`
	Message string `json:"message,omitempty"`
}

// Error is a baseline file that cannot be read or is not a valid baseline.
type Error struct {
	Path string
	Err  error
}

func (e *Error) Error() string { return fmt.Sprintf("baseline %s: %v", e.Path, e.Err) }
func (e *Error) Unwrap() error { return e.Err }

// Fingerprint returns the fingerprint of f, whose line's text is line ("" for
// a finding without a line: its message stands in).
func Fingerprint(f lint.Finding, line string) string {
	key := strings.TrimSpace(line)
	if f.Line == 0 || key == "" {
		key = "message:" + f.Message
	}
	sum := sha256.Sum256([]byte(f.Rule + "\x00" + f.Path + "\x00" + key))
	return hex.EncodeToString(sum[:8])
}

// Lines returns the text of a finding's line, reading each file under root
// once; a file that cannot be read has no lines.
type Lines struct {
	Root  string
	files map[string][]string
}

// Line returns line n (1-based) of path, "" when there is none.
func (l *Lines) Line(path string, n int) string {
	if n <= 0 {
		return ""
	}
	if l.files == nil {
		l.files = map[string][]string{}
	}
	lines, ok := l.files[path]
	if !ok {
		data, err := os.ReadFile(filepath.Join(l.Root, filepath.FromSlash(path)))
		if err == nil {
			sc := bufio.NewScanner(bytes.NewReader(data))
			sc.Buffer(nil, len(data)+1)
			for sc.Scan() {
				lines = append(lines, sc.Text())
			}
		}
		l.files[path] = lines
	}
	if n > len(lines) {
		return ""
	}
	return lines[n-1]
}

// New records findings as a baseline, read their lines from lines.
func New(findings []lint.Finding, lines *Lines) *File {
	b := &File{Version: Version, Entries: []Entry{}}
	for _, f := range findings {
		if f.Rule == StaleRule {
			continue
		}
		b.Entries = append(b.Entries, Entry{
			Rule: f.Rule, Path: f.Path, Line: f.Line, Message: f.Message,
			Fingerprint: Fingerprint(f, lines.Line(f.Path, f.Line)),
		})
	}
	slices.SortFunc(b.Entries, compareEntries)
	return b
}

func compareEntries(a, b Entry) int {
	return cmp.Or(
		strings.Compare(a.Path, b.Path),
		strings.Compare(a.Rule, b.Rule),
		strings.Compare(a.Fingerprint, b.Fingerprint),
		cmp.Compare(a.Line, b.Line),
		strings.Compare(a.Message, b.Message),
	)
}

// Write writes b to path atomically, as indented JSON (YAML readers read it too).
func Write(path string, b *File) error {
	data, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(path, append(data, '\n'), 0o644)
}

// Load reads the baseline at path. A missing, unreadable or invalid file is an *Error.
func Load(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &Error{Path: path, Err: errors.New("no such file: write one with --write-baseline")}
	}
	if err != nil {
		return nil, &Error{Path: path, Err: err}
	}
	var b File
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return nil, &Error{Path: path, Err: fmt.Errorf("not a baseline file: %w", err)}
	}
	if b.Version != Version {
		return nil, &Error{Path: path, Err: fmt.Errorf("version %d: want %d (write it again with --write-baseline)", b.Version, Version)}
	}
	for i, e := range b.Entries {
		if e.Rule == "" || e.Path == "" || e.Fingerprint == "" {
			return nil, &Error{Path: path, Err: fmt.Errorf("entry %d: rule, path and fingerprint are required", i+1)}
		}
	}
	return &b, nil
}

// Apply drops the findings b records, each entry absorbing one finding with
// its fingerprint, and returns the others, how many were dropped, and a
// warning finding (StaleRule, at file, the baseline's own path) for each
// entry that matched nothing. An entry covered reports false for (its rule
// did not run, its file was not linted) is never stale; nil covers all.
func Apply(b *File, file string, findings []lint.Finding, lines *Lines, covered func(Entry) bool) (kept []lint.Finding, baselined int, stale []lint.Finding) {
	left := map[string]int{}
	for _, e := range b.Entries {
		left[e.Fingerprint]++
	}
	kept = findings[:0:0]
	for _, f := range findings {
		fp := Fingerprint(f, lines.Line(f.Path, f.Line))
		if left[fp] > 0 {
			left[fp]--
			baselined++
			continue
		}
		kept = append(kept, f)
	}
	for _, e := range b.Entries {
		if left[e.Fingerprint] == 0 || (covered != nil && !covered(e)) {
			continue
		}
		left[e.Fingerprint]--
		where := e.Path
		if e.Line > 0 {
			where = fmt.Sprintf("%s:%d", e.Path, e.Line)
		}
		stale = append(stale, lint.Finding{
			Rule: StaleRule, Severity: lint.SeverityWarning, Path: file,
			Message: fmt.Sprintf("baseline entry %s %s (%s) matches no finding any more", e.Rule, where, e.Fingerprint),
			Hint:    "the problem was fixed: write the baseline again with --write-baseline so it only shrinks",
		})
	}
	return kept, baselined, stale
}
