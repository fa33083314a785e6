package gitx

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/gcfg"
)

// maxIncludeDepth matches git's own limit on nested [include] files.
const maxIncludeDepth = 10

// gitIdentity is what the global git configuration says about the author.
type gitIdentity struct {
	user   Author // user.name, user.email
	author Author // author.name, author.email (git >= 2.21; override user.*)
}

// globalGitConfigPaths lists the global config files in the order git reads
// them, later files overriding earlier ones. It mirrors git rather than
// go-git's config.Paths, which reads os.Getenv directly and stops at the
// first file found (and so lets the XDG file win over ~/.gitconfig).
func globalGitConfigPaths(getenv func(string) string) []string {
	if p := getenv("GIT_CONFIG_GLOBAL"); p != "" {
		return []string{p}
	}
	home := getenv("HOME")
	var paths []string
	if xdg := getenv("XDG_CONFIG_HOME"); xdg != "" {
		paths = append(paths, filepath.Join(xdg, "git", "config"))
	} else if home != "" {
		paths = append(paths, filepath.Join(home, ".config", "git", "config"))
	}
	if home != "" {
		paths = append(paths, filepath.Join(home, ".gitconfig"))
	}
	return paths
}

// readGlobalGitConfig reads the identity keys from the user's global git
// config files, following plain [include] paths where they appear, as git
// does. Conditional [includeIf] sections are ignored: their conditions depend
// on a repository that does not exist yet. Missing files are skipped.
func readGlobalGitConfig(getenv func(string) string) (gitIdentity, error) {
	var id gitIdentity
	for _, p := range globalGitConfigPaths(getenv) {
		if err := readGitConfigFile(p, getenv("HOME"), 0, &id); err != nil {
			return gitIdentity{}, err
		}
	}
	return id, nil
}

func readGitConfigFile(path, home string, depth int, id *gitIdentity) error {
	if depth > maxIncludeDepth {
		return fmt.Errorf("read git config %s: includes nested deeper than %d", path, maxIncludeDepth)
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read git config: %w", err)
	}

	// gcfg reports options in file order, which lets an [include] override
	// what came before it and be overridden by what follows, as in git.
	var includeErr error // already names its file; not to be wrapped again
	err = gcfg.ReadWithCallback(bytes.NewReader(data), func(section, subsection, key, value string, _ bool) error {
		if subsection != "" || key == "" {
			return nil
		}
		section, key = strings.ToLower(section), strings.ToLower(key)
		switch {
		case section == "user" && key == "name":
			id.user.Name = value
		case section == "user" && key == "email":
			id.user.Email = value
		case section == "author" && key == "name":
			id.author.Name = value
		case section == "author" && key == "email":
			id.author.Email = value
		case section == "include" && key == "path" && value != "":
			includeErr = readGitConfigFile(includePath(value, path, home), home, depth+1, id)
			return includeErr
		}
		return nil
	})
	if includeErr != nil {
		return includeErr
	}
	if err != nil {
		return fmt.Errorf("parse git config %s: %w", path, err)
	}
	return nil
}

// includePath resolves an include.path value the way git does: "~/" is the
// home directory and relative paths are relative to the including file.
func includePath(value, from, home string) string {
	if rest, ok := strings.CutPrefix(value, "~/"); ok && home != "" {
		return filepath.Join(home, rest)
	}
	if filepath.IsAbs(value) {
		return value
	}
	return filepath.Join(filepath.Dir(from), value)
}
