package policy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/platform-team/platform/internal/scaffold"
	"go.yaml.in/yaml/v3"
)

// maxSourceSize bounds one policy or data file.
const maxSourceSize = 4 << 20

// ReadModules reads every *.rego file under dir in fsys, tests (*_test.rego)
// aside, naming each display + its path below dir.
func ReadModules(fsys fs.FS, dir, display string) ([]Module, error) {
	var out []Module
	err := walk(fsys, dir, display, func(name string) bool {
		return strings.HasSuffix(name, ".rego") && !strings.HasSuffix(name, "_test.rego")
	}, func(shown string, data []byte) error {
		out = append(out, Module{Name: shown, Src: data})
		return nil
	})
	return out, err
}

// ReadData reads every YAML and JSON document under dir in fsys and merges
// them into data, as conftest --data does: each document is an object whose
// keys land at the root of data (services.yaml with services: {ports: [22]}
// is data.services.ports). Two documents giving different values to one key
// are an error.
func ReadData(fsys fs.FS, dir, display string, data map[string]any) error {
	return walk(fsys, dir, display, func(name string) bool {
		ext := strings.ToLower(path.Ext(name))
		return ext == ".yaml" || ext == ".yml" || ext == ".json"
	}, func(shown string, src []byte) error {
		dec := yaml.NewDecoder(bytes.NewReader(src))
		for {
			var doc yaml.Node
			err := dec.Decode(&doc)
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return loadErrorf("%s:1: %s", shown, strings.TrimPrefix(err.Error(), "yaml: "))
			}
			v, err := newConverter().value(&doc, 0)
			if err != nil {
				return loadErrorf("%s:%d: %v", shown, doc.Line, err)
			}
			if _, ok := v.(ast.Null); ok {
				continue
			}
			obj, ok := v.(ast.Object)
			if !ok {
				return loadErrorf("%s:%d: a data document must be a mapping: its keys are merged under data", shown, doc.Line)
			}
			goValue, err := ast.JSON(obj)
			if err != nil {
				return loadErrorf("%s:%d: %v", shown, doc.Line, err)
			}
			if err := merge(data, goValue.(map[string]any), ""); err != nil {
				return loadErrorf("%s:%d: %v", shown, doc.Line, err)
			}
		}
	})
}

// merge adds src into dst; objects merge key by key, and any other value
// must not differ from one already there.
func merge(dst, src map[string]any, at string) error {
	for k, v := range src {
		key := strings.TrimPrefix(at+"."+k, ".")
		old, ok := dst[k]
		if !ok {
			dst[k] = v
			continue
		}
		om, oldIsMap := old.(map[string]any)
		nm, newIsMap := v.(map[string]any)
		if oldIsMap && newIsMap {
			if err := merge(om, nm, key); err != nil {
				return err
			}
			continue
		}
		if fmt.Sprint(old) != fmt.Sprint(v) {
			return fmt.Errorf("data.%s is already set by another data document", key)
		}
	}
	return nil
}

func walk(fsys fs.FS, dir, display string, want func(string) bool, read func(shown string, data []byte) error) error {
	dir = path.Clean(strings.TrimPrefix(dir, "/"))
	if dir == "" {
		dir = "."
	}
	info, err := fs.Stat(fsys, dir)
	if err != nil {
		return loadErrorf("%s: %v", display, unwrapPath(err))
	}
	if !info.IsDir() {
		if !want(info.Name()) {
			return loadErrorf("%s: not a directory", display)
		}
		data, err := readLimited(fsys, dir)
		if err != nil {
			return loadErrorf("%s: %v", display, err)
		}
		return read(display, data)
	}
	return fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return loadErrorf("%s: %v", join(display, rel(dir, p)), unwrapPath(err))
		}
		if d.IsDir() {
			if p != dir && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || !want(d.Name()) {
			return nil
		}
		data, err := readLimited(fsys, p)
		if err != nil {
			return loadErrorf("%s: %v", join(display, rel(dir, p)), err)
		}
		return read(join(display, rel(dir, p)), data)
	})
}

func readLimited(fsys fs.FS, name string) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, unwrapPath(err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxSourceSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxSourceSize {
		return nil, fmt.Errorf("larger than %d MiB", maxSourceSize>>20)
	}
	return data, nil
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func rel(dir, p string) string {
	if dir == "." {
		return p
	}
	return strings.TrimPrefix(p, dir+"/")
}

func join(display, p string) string {
	if display == "" || display == "." {
		return p
	}
	return strings.TrimSuffix(display, "/") + "/" + p
}

// FetchError is a policy bundle that could not be fetched from git: a
// *scaffold.CloneError underneath (a remote failure), named as policies.
type FetchError struct{ Err *scaffold.CloneError }

func (e *FetchError) Error() string {
	return fmt.Sprintf("fetch policies from %s: %v", e.Err.URL, e.Err.Err)
}

func (e *FetchError) Unwrap() error { return e.Err }

// ReadSource calls read with the files of a policy source: a local
// directory (or file), or a git reference GIT_URL//SUBDIR@REF checked out in
// resolver's cache and read under the cache entry's lock. display names the
// source in messages. A git reference needs resolver (nil: a *LoadError
// saying so); one that cannot be fetched is a *FetchError.
func ReadSource(ctx context.Context, src string, resolver func() (*scaffold.Resolver, error), read func(fsys fs.FS, dir, display string) error) error {
	if g, ok := scaffold.ParseGitRef(src); ok {
		r, err := resolver()
		if err != nil {
			return err
		}
		if r == nil {
			return &LoadError{Problems: []string{fmt.Sprintf("policies %s: git references are not available here", src)}}
		}
		err = r.Checkout(ctx, g, func(repo *os.Root, _ scaffold.Source) error {
			return read(repo.FS(), g.Subdir, g.String())
		})
		var le *LoadError
		var ce *scaffold.CloneError
		switch {
		case errors.As(err, &le):
			return le
		case errors.As(err, &ce):
			return &FetchError{Err: ce}
		}
		return err
	}
	abs, err := filepath.Abs(src)
	if err != nil {
		return &LoadError{Problems: []string{fmt.Sprintf("policies %s: %v", src, err)}}
	}
	dir, base := abs, "."
	if info, err := os.Stat(abs); err == nil && !info.IsDir() {
		dir, base = filepath.Dir(abs), filepath.Base(abs)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return &LoadError{Problems: []string{fmt.Sprintf("%s: %v", src, errors.Unwrap(err))}}
	}
	defer root.Close()
	return read(root.FS(), base, filepath.ToSlash(src))
}
