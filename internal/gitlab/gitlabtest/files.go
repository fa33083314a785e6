package gitlabtest

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// repoFile is a file read from a project's repository at a ref.
type repoFile struct {
	name, path   string
	content      []byte
	ref          string
	blobID       string
	commitID     string
	lastCommitID string
	executable   bool
}

// readFile reads the route's {file} at the ?ref= (the default branch when
// absent and !refRequired) of the route's project, answering GitLab's
// error when it cannot: 400 {"error":"ref is missing"}, 404 {"message":
// "404 Commit Not Found"} for an unknown ref, 404 {"message":"404 File
// Not Found"} for a path that is no file there.
func (c *call) readFile(refRequired bool) *repoFile {
	p := c.project()
	if p == nil {
		return nil
	}
	filePath := c.r.PathValue("file")
	ref, ok := c.params.str("ref")
	if !ok || ref == "" {
		if refRequired {
			writeError(c.w, http.StatusBadRequest, "ref is missing, ref is empty")
			return nil
		}
		ref = p.DefaultBranch
	}
	if p.RepoPath == "" {
		writeMessage(c.w, http.StatusNotFound, "404 File Not Found")
		return nil
	}
	repo, err := git.PlainOpen(p.RepoPath)
	if err != nil {
		writeMessage(c.w, http.StatusNotFound, "404 File Not Found")
		return nil
	}
	defer closeRepo(repo)
	commit := commitAt(repo, ref)
	if commit == nil {
		writeMessage(c.w, http.StatusNotFound, "404 Commit Not Found")
		return nil
	}
	clean := path.Clean(strings.TrimPrefix(filePath, "/"))
	tree, err := commit.Tree()
	if err != nil || clean == "." || strings.HasPrefix(clean, "../") || clean == ".." {
		writeMessage(c.w, http.StatusNotFound, "404 File Not Found")
		return nil
	}
	f, err := tree.File(clean)
	if err != nil || f.Mode == filemode.Submodule {
		writeMessage(c.w, http.StatusNotFound, "404 File Not Found")
		return nil
	}
	content, err := f.Contents()
	if err != nil {
		writeMessage(c.w, http.StatusInternalServerError, "500 Internal Server Error")
		return nil
	}
	out := &repoFile{
		name:         path.Base(clean),
		path:         clean,
		content:      []byte(content),
		ref:          ref,
		blobID:       f.Hash.String(),
		commitID:     commit.Hash.String(),
		lastCommitID: commit.Hash.String(),
		executable:   f.Mode == filemode.Executable,
	}
	if log, err := repo.Log(&git.LogOptions{From: commit.Hash, FileName: &clean}); err == nil {
		if last, err := log.Next(); err == nil {
			out.lastCommitID = last.Hash.String()
		}
		log.Close()
	}
	return out
}

// commitAt is the commit a branch, a tag or a full commit SHA names, or nil.
func commitAt(repo *git.Repository, ref string) *object.Commit {
	for _, name := range []plumbing.ReferenceName{plumbing.NewBranchReferenceName(ref), plumbing.NewTagReferenceName(ref)} {
		r, err := repo.Reference(name, true)
		if err != nil {
			continue
		}
		h := r.Hash()
		if tag, err := repo.TagObject(h); err == nil {
			if c, err := tag.Commit(); err == nil {
				return c
			}
			continue
		}
		if c, err := repo.CommitObject(h); err == nil {
			return c
		}
	}
	if len(ref) == 40 {
		if _, err := hex.DecodeString(ref); err == nil {
			if c, err := repo.CommitObject(plumbing.NewHash(ref)); err == nil {
				return c
			}
		}
	}
	return nil
}

// setFileHeaders sets the X-Gitlab-* headers GitLab sends with a file.
func setFileHeaders(w http.ResponseWriter, f *repoFile) {
	sum := sha256.Sum256(f.content)
	h := w.Header()
	h.Set("X-Gitlab-Blob-Id", f.blobID)
	h.Set("X-Gitlab-Commit-Id", f.commitID)
	h.Set("X-Gitlab-Content-Sha256", hex.EncodeToString(sum[:]))
	h.Set("X-Gitlab-Encoding", "base64")
	h.Set("X-Gitlab-Execute-Filemode", strconv.FormatBool(f.executable))
	h.Set("X-Gitlab-File-Name", f.name)
	h.Set("X-Gitlab-File-Path", f.path)
	h.Set("X-Gitlab-Last-Commit-Id", f.lastCommitID)
	h.Set("X-Gitlab-Ref", f.ref)
	h.Set("X-Gitlab-Size", strconv.Itoa(len(f.content)))
}

// getRawFile is GET /projects/:id/repository/files/:file_path/raw?ref=
// (ref defaults to the default branch): the bytes as they are, with the
// X-Gitlab-* headers.
func (c *call) getRawFile() {
	f := c.readFile(false)
	if f == nil {
		return
	}
	setFileHeaders(c.w, f)
	c.w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	c.w.Header().Set("Content-Length", strconv.Itoa(len(f.content)))
	c.w.WriteHeader(http.StatusOK)
	if c.r.Method != http.MethodHead {
		_, _ = c.w.Write(f.content)
	}
}

type fileJSON struct {
	FileName        string `json:"file_name"`
	FilePath        string `json:"file_path"`
	Size            int    `json:"size"`
	Encoding        string `json:"encoding"`
	ContentSHA256   string `json:"content_sha256"`
	Ref             string `json:"ref"`
	BlobID          string `json:"blob_id"`
	CommitID        string `json:"commit_id"`
	LastCommitID    string `json:"last_commit_id"`
	ExecuteFilemode bool   `json:"execute_filemode"`
	Content         string `json:"content"`
}

// getFile is GET /projects/:id/repository/files/:file_path?ref= (ref
// required): the file's metadata and its content in base64.
func (c *call) getFile() {
	f := c.readFile(true)
	if f == nil {
		return
	}
	setFileHeaders(c.w, f)
	sum := sha256.Sum256(f.content)
	writeJSON(c.w, http.StatusOK, fileJSON{
		FileName:        f.name,
		FilePath:        f.path,
		Size:            len(f.content),
		Encoding:        "base64",
		ContentSHA256:   hex.EncodeToString(sum[:]),
		Ref:             f.ref,
		BlobID:          f.blobID,
		CommitID:        f.commitID,
		LastCommitID:    f.lastCommitID,
		ExecuteFilemode: f.executable,
		Content:         base64.StdEncoding.EncodeToString(f.content),
	})
}

// CommitFiles commits files (slash-separated path → content) on branch
// ("" is the default branch) of the project's bare repository, on top of
// what the branch holds, creating the branch when it has no commit yet,
// and returns the new commit's SHA. It writes the objects in-process, with
// the fake's clock as the commit time: no git binary, no clone. It needs
// Options.RepoDir.
func (s *Server) CommitFiles(projectPath, branch, message string, files map[string]string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.mustProject("CommitFiles", projectPath)
	if p.RepoPath == "" {
		panic("gitlabtest: CommitFiles: the project has no repository (set Options.RepoDir)")
	}
	if branch == "" {
		branch = p.DefaultBranch
	}
	if message == "" {
		message = "Update files"
	}
	sha, err := s.commitFilesLocked(p.RepoPath, branch, message, files)
	if err != nil {
		panic("gitlabtest: CommitFiles: " + err.Error())
	}
	return sha
}

// treeItem is a file in a flattened tree.
type treeItem struct {
	mode filemode.FileMode
	hash plumbing.Hash
}

func (s *Server) commitFilesLocked(repoPath, branch, message string, files map[string]string) (string, error) {
	repo, err := git.PlainOpen(repoPath)
	if err != nil {
		return "", err
	}
	defer closeRepo(repo)

	flat := map[string]treeItem{}
	var parents []plumbing.Hash
	refName := plumbing.NewBranchReferenceName(branch)
	if ref, err := repo.Reference(refName, true); err == nil {
		parent, err := repo.CommitObject(ref.Hash())
		if err != nil {
			return "", err
		}
		parents = append(parents, parent.Hash)
		tree, err := parent.Tree()
		if err != nil {
			return "", err
		}
		walker := object.NewTreeWalker(tree, true, nil)
		for {
			name, entry, err := walker.Next()
			if err != nil {
				break
			}
			if entry.Mode != filemode.Dir {
				flat[name] = treeItem{mode: entry.Mode, hash: entry.Hash}
			}
		}
		walker.Close()
	}
	for name, content := range files {
		clean := path.Clean(strings.TrimPrefix(name, "/"))
		if clean == "." || clean == ".." || strings.HasPrefix(clean, "../") {
			return "", fmt.Errorf("bad file path %q", name)
		}
		obj := repo.Storer.NewEncodedObject()
		obj.SetType(plumbing.BlobObject)
		w, err := obj.Writer()
		if err != nil {
			return "", err
		}
		_, _ = w.Write([]byte(content))
		_ = w.Close()
		h, err := repo.Storer.SetEncodedObject(obj)
		if err != nil {
			return "", err
		}
		// A file replaces a directory of that name, and the other way round.
		for k := range flat {
			if strings.HasPrefix(k, clean+"/") || strings.HasPrefix(clean, k+"/") {
				delete(flat, k)
			}
		}
		flat[clean] = treeItem{mode: filemode.Regular, hash: h}
	}
	root, err := writeTree(repo, flat)
	if err != nil {
		return "", err
	}
	when := s.now()
	sig := object.Signature{Name: "GitLab Fake", Email: "fake@gitlab.example.com", When: when}
	commit := &object.Commit{Author: sig, Committer: sig, Message: message, TreeHash: root, ParentHashes: parents}
	obj := repo.Storer.NewEncodedObject()
	if err := commit.Encode(obj); err != nil {
		return "", err
	}
	h, err := repo.Storer.SetEncodedObject(obj)
	if err != nil {
		return "", err
	}
	if err := repo.Storer.SetReference(plumbing.NewHashReference(refName, h)); err != nil {
		return "", err
	}
	return h.String(), nil
}

// writeTree stores the trees of flat (path → file) and returns the root's hash.
func writeTree(repo *git.Repository, flat map[string]treeItem) (plumbing.Hash, error) {
	files := map[string]treeItem{}
	dirs := map[string]map[string]treeItem{}
	for name, it := range flat {
		first, rest, nested := strings.Cut(name, "/")
		if !nested {
			files[first] = it
			continue
		}
		if dirs[first] == nil {
			dirs[first] = map[string]treeItem{}
		}
		dirs[first][rest] = it
	}
	var entries []object.TreeEntry
	for name, it := range files {
		entries = append(entries, object.TreeEntry{Name: name, Mode: it.mode, Hash: it.hash})
	}
	for name, sub := range dirs {
		h, err := writeTree(repo, sub)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		entries = append(entries, object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: h})
	}
	// Git orders entries by name, a directory's name as if it ended in "/".
	key := func(e object.TreeEntry) string {
		if e.Mode == filemode.Dir {
			return e.Name + "/"
		}
		return e.Name
	}
	slices.SortFunc(entries, func(a, b object.TreeEntry) int { return strings.Compare(key(a), key(b)) })
	tree := &object.Tree{Entries: entries}
	obj := repo.Storer.NewEncodedObject()
	if err := tree.Encode(obj); err != nil {
		return plumbing.ZeroHash, err
	}
	return repo.Storer.SetEncodedObject(obj)
}
