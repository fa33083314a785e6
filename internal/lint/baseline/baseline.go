// Package baseline records the findings of a `platform lint` run so that a
// repository can adopt lint where it stands: later runs report only the
// findings not in the baseline, and entries that no longer match a finding
// are reported stale (the rule lint/baseline-stale), so the baseline only
// shrinks.
//
// An entry is identified by a fingerprint that survives line moves: the
// SHA-256 of the rule, the path, the identity of the object the finding is
// in, and the finding's line with surrounding whitespace trimmed (or, for a
// finding about the whole file, its message). The object is the YAML
// document (or v1 List item) around the line when it has a kind: its API
// group, kind, namespace and name, so that two identical lines in two objects
// of one multi-document file are told apart, and a finding follows its object
// when the documents are reordered. Two identical findings on two identical
// lines of one object share a fingerprint; the baseline keeps one entry each,
// and each entry absorbs one finding.
//
// Version 1 files (written before objects counted) are still read, and
// matched as they were written: without the object.
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
	"path"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/platform-team/platform/internal/atomicfile"
	"github.com/platform-team/platform/internal/lint"
)

// Version is the format version written in every baseline file. Version 2
// adds the object to the fingerprint; version 1 files are read and matched
// without it.
const Version = 2

// minVersion is the oldest version Load reads.
const minVersion = 1

// File is a baseline file: {"version": 2, "entries": [...]}, entries sorted.
type File struct {
	Version int     `json:"version"`
	Entries []Entry `json:"entries"`
}

// Entry is one recorded finding.
type Entry struct {
	Rule string `json:"rule"`
	Path string `json:"path"`
	// Fingerprint is the hex SHA-256 prefix of rule, path, object and the normalised line.
	Fingerprint string `json:"fingerprint"`
	// Object, Line and Message are where and what the finding was when
	// recorded: for people reading the file and the stale finding, never
	// matched on (the fingerprint holds the object).
	Object  string `json:"object,omitempty"`
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

// Object is the identity of a Kubernetes-style object (a YAML document or a
// v1 List item with a kind): Kubernetes' own identity, which the API
// version is not part of.
type Object struct {
	Group, Kind, Namespace, Name string
}

// String names the object as kubectl does, with its namespace:
// "Deployment.apps/prod/web", "ConfigMap/web"; "" for no object.
func (o Object) String() string {
	if o.Kind == "" {
		return ""
	}
	s := o.Kind
	if o.Group != "" {
		s += "." + o.Group
	}
	for _, part := range []string{o.Namespace, o.Name} {
		if part != "" {
			s += "/" + part
		}
	}
	return s
}

// Fingerprint returns the fingerprint of f, whose line's text is line ("" for
// a finding without a line: its message stands in), in object (the zero
// Object for none).
func Fingerprint(f lint.Finding, line string, object Object) string {
	key := strings.TrimSpace(line)
	if f.Line == 0 || key == "" {
		key = "message:" + f.Message
	}
	in := f.Rule + "\x00" + f.Path + "\x00"
	if object.Kind != "" {
		// Without an object, the input is version 1's.
		in += "object:" + strings.Join([]string{object.Group, object.Kind, object.Namespace, object.Name}, "\x00") + "\x00"
	}
	sum := sha256.Sum256([]byte(in + key))
	return hex.EncodeToString(sum[:8])
}

// Lines returns the text of a finding's line and the object it is in,
// reading each file under root once; a file that cannot be read has no lines.
type Lines struct {
	Root  string
	files map[string]*fileLines
}

type fileLines struct {
	data  []byte // until the objects are parsed
	lines []string
	// objects are the file's objects with the first line of each, in order
	// (parsed when first asked for).
	objects []objectSpan
	parsed  bool
}

type objectSpan struct {
	from int
	obj  Object
}

func (l *Lines) file(p string) *fileLines {
	if l.files == nil {
		l.files = map[string]*fileLines{}
	}
	fl, ok := l.files[p]
	if !ok {
		fl = &fileLines{}
		data, err := os.ReadFile(filepath.Join(l.Root, filepath.FromSlash(p)))
		if err == nil {
			fl.data = data
			sc := bufio.NewScanner(bytes.NewReader(data))
			sc.Buffer(nil, len(data)+1)
			for sc.Scan() {
				fl.lines = append(fl.lines, sc.Text())
			}
		}
		l.files[p] = fl
	}
	return fl
}

// Line returns line n (1-based) of path, "" when there is none.
func (l *Lines) Line(path string, n int) string {
	if n <= 0 {
		return ""
	}
	lines := l.file(path).lines
	if n > len(lines) {
		return ""
	}
	return lines[n-1]
}

// Object returns the object line n of path is in: the YAML document around
// it (or the v1 List item) when that has a kind, else the zero Object. A
// document runs from its first key to the line before the next one's; lines
// before the first document belong to it.
func (l *Lines) Object(p string, n int) Object {
	if n <= 0 || !isYAML(p) {
		return Object{}
	}
	fl := l.file(p)
	if !fl.parsed {
		fl.parsed = true
		fl.objects = objectSpans(p, fl.data)
		fl.data = nil // the lines are all Line needs
	}
	var obj Object
	for _, s := range fl.objects {
		if s.from > n {
			break
		}
		obj = s.obj
	}
	return obj
}

func isYAML(p string) bool {
	switch strings.ToLower(path.Ext(p)) {
	case ".yaml", ".yml":
		return true
	}
	return path.Base(p) == "Kustomization"
}

// objectSpans parses data as the lint does and returns where each document,
// and each item of a v1 List, starts, with its object (zero for a document
// without a kind).
func objectSpans(p string, data []byte) []objectSpan {
	docs, _ := lint.NewFile(p, data).YAML()
	var out []objectSpan
	for i, doc := range docs {
		doc = lint.Deref(doc)
		from := 1
		if i > 0 {
			from = firstLine(doc)
		}
		out = append(out, objectSpan{from: from, obj: objectOf(doc)})
		if obj := out[len(out)-1].obj; obj.Kind != "List" || obj.Group != "" {
			continue
		}
		// A v1 List: each item is an object, up to the next item (keys
		// after the items count as the last one's: rare, and harmless).
		if items := lint.Lookup(doc, "items"); items != nil && items.Kind == yaml.SequenceNode {
			for _, item := range items.Content {
				item = lint.Deref(item)
				out = append(out, objectSpan{from: firstLine(item), obj: objectOf(item)})
			}
		}
	}
	return out
}

// firstLine is the line of a mapping's first key, else the node's line.
func firstLine(n *yaml.Node) int {
	if n.Kind == yaml.MappingNode && len(n.Content) > 0 {
		return n.Content[0].Line
	}
	return n.Line
}

func objectOf(doc *yaml.Node) Object {
	kind := scalar(lint.Lookup(doc, "kind"))
	if kind == "" {
		return Object{}
	}
	group, _, ok := strings.Cut(scalar(lint.Lookup(doc, "apiVersion")), "/")
	if !ok {
		group = "" // "v1": the core group
	}
	return Object{
		Group: group, Kind: kind,
		Namespace: scalar(lint.Lookup(doc, "metadata", "namespace")),
		Name:      scalar(lint.Lookup(doc, "metadata", "name")),
	}
}

func scalar(n *yaml.Node) string {
	s, _ := lint.Scalar(n)
	return s
}

// New records findings as a baseline, reading their lines and objects from
// lines. Findings of StaleRule are not recorded.
func New(findings []lint.Finding, lines *Lines) *File {
	b := &File{Version: Version, Entries: []Entry{}}
	for _, f := range findings {
		if f.Rule == StaleRule {
			continue
		}
		obj := lines.Object(f.Path, f.Line)
		b.Entries = append(b.Entries, Entry{
			Rule: f.Rule, Path: f.Path, Object: obj.String(), Line: f.Line, Message: f.Message,
			Fingerprint: Fingerprint(f, lines.Line(f.Path, f.Line), obj),
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

// Load reads the baseline at path. A missing, unreadable or invalid file is
// an *Error; so is a version this program does not read.
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
	switch {
	case b.Version > Version:
		return nil, &Error{Path: path, Err: fmt.Errorf("version %d is newer than this platform reads (%d to %d): upgrade platform", b.Version, minVersion, Version)}
	case b.Version < minVersion:
		return nil, &Error{Path: path, Err: fmt.Errorf("version %d: want %d (write it again with --write-baseline)", b.Version, Version)}
	}
	for i, e := range b.Entries {
		if e.Rule == "" || e.Path == "" || e.Fingerprint == "" {
			return nil, &Error{Path: path, Err: fmt.Errorf("entry %d: rule, path and fingerprint are required", i+1)}
		}
	}
	return &b, nil
}

// fingerprint is f's fingerprint as b's version computes it.
func (b *File) fingerprint(f lint.Finding, lines *Lines) string {
	var obj Object
	if b.Version >= 2 {
		obj = lines.Object(f.Path, f.Line)
	}
	return Fingerprint(f, lines.Line(f.Path, f.Line), obj)
}

// Apply drops the findings b records, each entry absorbing one finding with
// its fingerprint, and returns the others (kept), the dropped ones
// (baselined), and the entries that matched nothing and that covered
// reports true for (nil covers all): an entry whose rule did not run, or
// whose file was not linted, is not stale.
func Apply(b *File, findings []lint.Finding, lines *Lines, covered func(Entry) bool) (kept, baselined []lint.Finding, unmatched []Entry) {
	left := map[string]int{}
	for _, e := range b.Entries {
		left[e.Fingerprint]++
	}
	kept = findings[:0:0]
	for _, f := range findings {
		fp := b.fingerprint(f, lines)
		if left[fp] > 0 {
			left[fp]--
			baselined = append(baselined, f)
			continue
		}
		kept = append(kept, f)
	}
	for _, e := range b.Entries {
		if left[e.Fingerprint] == 0 || (covered != nil && !covered(e)) {
			continue
		}
		left[e.Fingerprint]--
		unmatched = append(unmatched, e)
	}
	return kept, baselined, unmatched
}

// Stale returns a finding of rule (StaleRule, with its effective severity)
// at file, the baseline's own path, for each entry that matches no finding.
func Stale(rule lint.Meta, file string, unmatched []Entry) []lint.Finding {
	out := make([]lint.Finding, 0, len(unmatched))
	for _, e := range unmatched {
		where := e.Path
		if e.Line > 0 {
			where = fmt.Sprintf("%s:%d", e.Path, e.Line)
		}
		if e.Object != "" {
			where += " " + e.Object
		}
		out = append(out, lint.Finding{
			Rule: rule.ID, Severity: rule.Severity, Path: file,
			Message: fmt.Sprintf("baseline entry %s %s (%s) matches no finding any more", e.Rule, where, e.Fingerprint),
			Hint:    "the problem was fixed: write the baseline again with --write-baseline so it only shrinks",
		})
	}
	return out
}
