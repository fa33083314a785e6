package gitx

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp"
	"github.com/go-git/go-git/v5/plumbing/revlist"
	"github.com/go-git/go-git/v5/plumbing/transport"

	"github.com/platform-team/platform/internal/origin"
	"github.com/platform-team/platform/internal/redact"
)

// ErrNonFastForward is a push the remote branch has moved past: nothing is forced.
var ErrNonFastForward = errors.New("the remote branch has commits that are not in the local branch")

// PushOptions say what to push where.
type PushOptions struct {
	// URL is the remote: https://, ssh, file:// or a local path (served in-process).
	URL string
	// Branch is the local branch pushed to the branch of the same name.
	Branch string
	// Token authenticates over HTTPS (as oauth2, or as gitlab-ci-token with JobToken).
	// It is used for this call only: never written to .git/config.
	Token    string
	JobToken bool
	// GitLabURL is the GitLab the token belongs to. The token is sent only
	// when URL is on that host (TokenMayGo); otherwise, or when GitLabURL is
	// empty, the push goes without it (ssh keys, local paths and credentials
	// written in URL still work), so a remote elsewhere never sees it.
	GitLabURL string
}

// PushResult says what the push did.
type PushResult struct {
	// Hash is the commit the remote branch now points at.
	Hash string
	// UpToDate is true when the remote already had it.
	UpToDate bool
}

// Push sends a local branch to the remote's branch of the same name, creating
// it or fast-forwarding it. A remote branch that has moved on is
// ErrNonFastForward: nothing is ever forced. Errors are a *RemoteError and
// never show credentials.
func Push(ctx context.Context, dir string, opts PushOptions) (res PushResult, err error) {
	shown := redact.URL(opts.URL)
	auth := pushAuth(opts)
	defer func() {
		if err != nil && !errors.Is(err, ErrNonFastForward) {
			err = fmt.Errorf("push %s to %s: %w%s", opts.Branch, shown, redact.Error(err, opts.URL), withheldHint(opts, auth, err))
		}
		if err != nil {
			err = &RemoteError{Err: err}
		}
	}()
	repo, err := git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{DetectDotGit: true})
	if err != nil {
		return res, fmt.Errorf("open repository: %w", err)
	}
	defer closeStorer(repo)
	refName := plumbing.NewBranchReferenceName(opts.Branch)
	local, err := repo.Reference(refName, true)
	if err != nil {
		return res, fmt.Errorf("no local branch %q: %w", opts.Branch, err)
	}
	res.Hash = local.Hash().String()

	src, err := openSource(opts.URL)
	if err != nil {
		return res, err
	}
	defer src.close()
	sess, err := src.tr.NewReceivePackSession(src.ep, auth)
	if err != nil {
		return res, err
	}
	defer sess.Close()
	adv, err := sess.AdvertisedReferencesContext(ctx)
	if err != nil {
		return res, err
	}
	remoteRefs, err := adv.AllReferences()
	if err != nil {
		return res, err
	}
	old := plumbing.ZeroHash
	if r, ok := remoteRefs[refName]; ok {
		old = r.Hash()
	}
	if old == local.Hash() {
		res.UpToDate = true
		return res, nil
	}
	if !old.IsZero() {
		ok, err := isAncestor(repo, old, local.Hash())
		if err != nil {
			return res, err
		}
		if !ok {
			return res, fmt.Errorf("push %s to %s rejected: %w (pull or rebase, then push again)", opts.Branch, shown, ErrNonFastForward)
		}
	}

	var haves []plumbing.Hash
	for _, r := range remoteRefs {
		if r.Type() == plumbing.HashReference {
			if _, err := repo.Storer.EncodedObject(plumbing.AnyObject, r.Hash()); err == nil {
				haves = append(haves, r.Hash())
			}
		}
	}
	objects, err := revlist.Objects(repo.Storer, []plumbing.Hash{local.Hash()}, haves)
	if err != nil {
		return res, fmt.Errorf("list objects to push: %w", err)
	}
	req := packp.NewReferenceUpdateRequestFromCapabilities(adv.Capabilities)
	req.Commands = []*packp.Command{{Name: refName, Old: old, New: local.Hash()}}
	report, err := sendPack(ctx, sess, repo, req, objects)
	if err != nil {
		return res, err
	}
	if report != nil {
		if err := report.Error(); err != nil {
			return res, err
		}
	}
	return res, nil
}

// pushAuth is the token as basic auth, or nil when there is none or the
// remote is not on the token's GitLab.
func pushAuth(opts PushOptions) transport.AuthMethod {
	return Token{Value: opts.Token, Job: opts.JobToken, GitLabURL: opts.GitLabURL}.auth(opts.URL)
}

// withheldHint explains an authentication failure when the token was kept
// back because the remote is not on the GitLab host.
func withheldHint(opts PushOptions, auth transport.AuthMethod, err error) string {
	if opts.Token == "" || auth != nil ||
		!(errors.Is(err, transport.ErrAuthenticationRequired) || errors.Is(err, transport.ErrAuthorizationFailed)) {
		return ""
	}
	gitlab := "the GitLab host"
	if u, perr := url.Parse(opts.GitLabURL); perr == nil && u.Host != "" {
		gitlab = origin.Of(u)
	}
	return fmt.Sprintf(" (the GitLab token is only sent to %s over https; give this remote its own credentials, e.g. an ssh URL)", gitlab)
}

// isAncestor reports whether ancestor is reachable from head. An ancestor we
// do not have cannot be one of ours: the remote has commits we lack.
func isAncestor(repo *git.Repository, ancestor, head plumbing.Hash) (bool, error) {
	a, err := repo.CommitObject(ancestor)
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	h, err := repo.CommitObject(head)
	if err != nil {
		return false, err
	}
	return a.IsAncestor(h)
}

// sendPack streams a pack of objects with the update request, as go-git's own
// push does, over the session given (in-process for local remotes).
func sendPack(ctx context.Context, sess transport.ReceivePackSession, repo *git.Repository, req *packp.ReferenceUpdateRequest, objects []plumbing.Hash) (*packp.ReportStatus, error) {
	rd, wr := io.Pipe()
	req.Packfile = rd
	done := make(chan error, 1)
	go func() {
		_, err := packfile.NewEncoder(wr, repo.Storer, false).Encode(objects, 10)
		if err != nil {
			done <- wr.CloseWithError(err)
			return
		}
		done <- wr.Close()
	}()
	report, err := sess.ReceivePack(ctx, req)
	if err != nil {
		_ = rd.Close()
		return nil, err
	}
	if err := <-done; err != nil {
		return nil, err
	}
	return report, nil
}

// SetRemote records url as the named remote of the repository at dir,
// replacing an existing one. Only the URL is stored, never credentials.
func SetRemote(dir, name, url string) error {
	repo, err := git.PlainOpen(dir)
	if err != nil {
		return fmt.Errorf("open repository: %w", err)
	}
	defer closeStorer(repo)
	clean := redact.Clean(url)
	if err := repo.DeleteRemote(name); err != nil && !errors.Is(err, git.ErrRemoteNotFound) {
		return err
	}
	if _, err := repo.CreateRemote(&config.RemoteConfig{Name: name, URLs: []string{clean}}); err != nil {
		return fmt.Errorf("add remote %s: %w", name, err)
	}
	return nil
}
