package gitlabtest

import (
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
)

// initBareRepo makes (or reuses) the bare repository of a project, with
// HEAD on its default branch, and returns its absolute path.
func (s *Server) initBareRepo(pathWithNamespace, branch string) (string, error) {
	dir, err := filepath.Abs(filepath.Join(s.repoDir, filepath.FromSlash(pathWithNamespace)+".git"))
	if err != nil {
		return "", err
	}
	repo, err := git.PlainInit(dir, true)
	if errors.Is(err, git.ErrRepositoryAlreadyExists) {
		return dir, nil
	}
	if err != nil {
		return "", fmt.Errorf("init bare repository %s: %w", dir, err)
	}
	defer closeRepo(repo)
	head := plumbing.NewSymbolicReference(plumbing.HEAD, plumbing.NewBranchReferenceName(branch))
	if err := repo.Storer.SetReference(head); err != nil {
		return "", fmt.Errorf("set HEAD of %s: %w", dir, err)
	}
	return dir, nil
}

func closeRepo(repo *git.Repository) {
	if c, ok := repo.Storer.(io.Closer); ok {
		_ = c.Close()
	}
}

// resolveRef returns the commit a branch or tag of the project's
// repository points at. checked is false when the project has no
// repository, so nothing can be said about its refs.
func (s *Server) resolveRef(p *project, ref string) (hash string, checked bool) {
	if p.RepoPath == "" {
		return "", false
	}
	repo, err := git.PlainOpen(p.RepoPath)
	if err != nil {
		return "", true
	}
	defer closeRepo(repo)
	for _, name := range []plumbing.ReferenceName{plumbing.NewBranchReferenceName(ref), plumbing.NewTagReferenceName(ref)} {
		r, err := repo.Reference(name, true)
		if err != nil {
			continue
		}
		h := r.Hash()
		if tag, err := repo.TagObject(h); err == nil {
			if c, err := tag.Commit(); err == nil {
				h = c.Hash
			}
		}
		return h.String(), true
	}
	return "", true
}

// branchHead returns the commit a branch (not a tag) points at; checked
// is false when the project has no repository.
func (s *Server) branchHead(p *project, branch string) (hash string, checked bool) {
	if p.RepoPath == "" {
		return "", false
	}
	repo, err := git.PlainOpen(p.RepoPath)
	if err != nil {
		return "", true
	}
	defer closeRepo(repo)
	r, err := repo.Reference(plumbing.NewBranchReferenceName(branch), true)
	if err != nil {
		return "", true
	}
	return r.Hash().String(), true
}

// hasBranches reports whether the project's repository has any branch.
func (s *Server) hasBranches(p *project) bool {
	if p.RepoPath == "" {
		return true
	}
	repo, err := git.PlainOpen(p.RepoPath)
	if err != nil {
		return false
	}
	defer closeRepo(repo)
	refs, err := repo.Branches()
	if err != nil {
		return false
	}
	defer refs.Close()
	_, err = refs.Next()
	return err == nil
}

// shaOf is the head of ref, or a made-up SHA stable for project and ref.
func (s *Server) shaOf(p *project, ref string) string {
	if h, _ := s.resolveRef(p, ref); h != "" {
		return h
	}
	sum := sha1.Sum([]byte(p.PathWithNamespace + "\x00" + ref))
	return hex.EncodeToString(sum[:])
}
