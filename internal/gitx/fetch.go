package gitx

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/capability"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/sideband"
	"github.com/go-git/go-git/v5/plumbing/transport"
)

// fetchPlan is what to ask the remote for and what to make of it.
type fetchPlan struct {
	wants []plumbing.Hash
	refs  []*plumbing.Reference // written to the clone after the fetch
	// target is the object ref names; zero means ref is an abbreviated hash
	// to look up among the fetched objects.
	target plumbing.Hash
}

// fetchRef runs one upload-pack session against src, fetches what ref needs
// into repo and returns the commit ref resolves to. This is the part of
// go-git's Remote.Fetch a fresh clone needs (no haves, no shallow), driven
// directly so that the transport can be chosen per call.
func fetchRef(ctx context.Context, src *source, repo *git.Repository, ref string, auth transport.AuthMethod) (plumbing.Hash, error) {
	sess, err := src.tr.NewUploadPackSession(src.ep, auth)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	defer sess.Close()

	adv, err := sess.AdvertisedReferencesContext(ctx)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	plan, err := planFetch(adv, ref)
	if err != nil {
		return plumbing.ZeroHash, err
	}

	req := packp.NewUploadPackRequestFromCapabilities(adv.Capabilities)
	if adv.Capabilities.Supports(capability.NoProgress) {
		if err := req.Capabilities.Set(capability.NoProgress); err != nil {
			return plumbing.ZeroHash, err
		}
	}
	req.Wants = plan.wants
	resp, err := sess.UploadPack(ctx, req)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("fetch: %w", err)
	}
	defer resp.Close()
	if err := packfile.UpdateObjectStorage(repo.Storer, demux(req.Capabilities, resp)); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("fetch: %w", err)
	}

	for _, r := range plan.refs {
		if err := repo.Storer.SetReference(r); err != nil {
			return plumbing.ZeroHash, fmt.Errorf("write ref %s: %w", r.Name(), err)
		}
	}
	if plan.target.IsZero() {
		return resolveAbbrev(repo, ref)
	}
	return peelToCommit(repo, plan.target)
}

// demux strips the side-band framing when the request negotiated it.
func demux(caps *capability.List, r io.Reader) io.Reader {
	switch {
	case caps.Supports(capability.Sideband64k):
		return sideband.NewDemuxer(sideband.Sideband64k, r)
	case caps.Supports(capability.Sideband):
		return sideband.NewDemuxer(sideband.Sideband, r)
	}
	return r
}

// planFetch matches ref against the remote's advertised references.
func planFetch(adv *packp.AdvRefs, ref string) (fetchPlan, error) {
	if ref == "" {
		if adv.Head == nil {
			return fetchPlan{}, errors.New("remote HEAD does not point at a commit; name a branch or tag")
		}
		return fetchPlan{wants: []plumbing.Hash{*adv.Head}, target: *adv.Head}, nil
	}

	names := []string{"refs/heads/" + ref, "refs/tags/" + ref}
	if strings.HasPrefix(ref, "refs/") {
		names = []string{ref}
	}
	for _, name := range names {
		if h, ok := adv.References[name]; ok {
			plan := fetchPlan{wants: []plumbing.Hash{h}, target: h}
			if local, ok := localRefName(name); ok {
				plan.refs = append(plan.refs, plumbing.NewHashReference(local, h))
			}
			return plan, nil
		}
	}

	if !isHashLike(ref) {
		return fetchPlan{}, unknownRef(adv, "no branch or tag of that name")
	}
	if len(ref) == hex.EncodedLen(len(plumbing.ZeroHash)) {
		h := plumbing.NewHash(ref)
		if advertises(adv, h) || adv.Capabilities.Supports(capability.AllowReachableSHA1InWant) {
			return fetchPlan{wants: []plumbing.Hash{h}, target: h}, nil
		}
	}
	// The hash can only be looked for among objects we have, so fetch
	// everything the branches and tags reach.
	var plan fetchPlan
	seen := map[plumbing.Hash]bool{}
	for _, name := range sortedKeys(adv.References) {
		local, ok := localRefName(name)
		if !ok {
			continue
		}
		h := adv.References[name]
		plan.refs = append(plan.refs, plumbing.NewHashReference(local, h))
		if !seen[h] {
			seen[h] = true
			plan.wants = append(plan.wants, h)
		}
	}
	if len(plan.wants) == 0 {
		return fetchPlan{}, unknownRef(adv, "the remote has no branches or tags to search for that commit")
	}
	return plan, nil
}

// advertises reports whether h is the tip of an advertised ref.
func advertises(adv *packp.AdvRefs, h plumbing.Hash) bool {
	for _, v := range adv.References {
		if v == h {
			return true
		}
	}
	return false
}

// localRefName maps a remote branch or tag to where a clone keeps it.
func localRefName(remote string) (plumbing.ReferenceName, bool) {
	if b, ok := strings.CutPrefix(remote, "refs/heads/"); ok {
		return plumbing.NewRemoteReferenceName(git.DefaultRemoteName, b), true
	}
	if strings.HasPrefix(remote, "refs/tags/") {
		return plumbing.ReferenceName(remote), true
	}
	return "", false
}

// minAbbrev is git's shortest accepted abbreviated hash.
const minAbbrev = 4

func isHashLike(s string) bool {
	if len(s) < minAbbrev || len(s) > hex.EncodedLen(len(plumbing.ZeroHash)) {
		return false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// resolveAbbrev finds the one commit whose hash starts with prefix. Unlike
// go-git's Repository.ResolveRevision, which silently takes the first match,
// it refuses an ambiguous prefix as git does.
func resolveAbbrev(repo *git.Repository, prefix string) (plumbing.Hash, error) {
	prefix = strings.ToLower(prefix)
	found := map[plumbing.Hash]bool{}
	for _, h := range hashesWithPrefix(repo, prefix) {
		if c, err := peelToCommit(repo, h); err == nil {
			found[c] = true
		}
	}
	switch len(found) {
	case 0:
		return plumbing.ZeroHash, fmt.Errorf("%w: no commit with that hash is reachable from the remote's branches and tags", ErrUnknownRef)
	case 1:
		for h := range found {
			return h, nil
		}
	}
	var hs []string
	for h := range found {
		hs = append(hs, h.String())
	}
	sort.Strings(hs)
	return plumbing.ZeroHash, fmt.Errorf("ambiguous commit hash: matches %s", strings.Join(hs, ", "))
}

// hashesWithPrefix lists stored objects whose hash starts with the hex
// prefix, using the filesystem storage's index lookup where available.
func hashesWithPrefix(repo *git.Repository, prefix string) []plumbing.Hash {
	even, err := hex.DecodeString(prefix[:len(prefix)&^1])
	if err != nil {
		return nil
	}
	var candidates []plumbing.Hash
	if fast, ok := repo.Storer.(interface {
		HashesWithPrefix([]byte) ([]plumbing.Hash, error)
	}); ok {
		candidates, _ = fast.HashesWithPrefix(even)
	} else if iter, err := repo.Storer.IterEncodedObjects(plumbing.AnyObject); err == nil {
		_ = iter.ForEach(func(o plumbing.EncodedObject) error {
			candidates = append(candidates, o.Hash())
			return nil
		})
	}
	var out []plumbing.Hash
	for _, h := range candidates {
		if strings.HasPrefix(h.String(), prefix) {
			out = append(out, h)
		}
	}
	return out
}

// unknownRef builds the error for a ref the remote does not have, listing
// what it does have so the user can pick.
func unknownRef(adv *packp.AdvRefs, why string) error {
	var branches, tags []string
	for _, name := range sortedKeys(adv.References) {
		if b, ok := strings.CutPrefix(name, "refs/heads/"); ok {
			branches = append(branches, b)
		} else if t, ok := strings.CutPrefix(name, "refs/tags/"); ok {
			tags = append(tags, t)
		}
	}
	return fmt.Errorf("%w: %s (branches: %s; tags: %s)", ErrUnknownRef, why, listSome(branches), listSome(tags))
}

// maxListed caps how many names an error message lists.
const maxListed = 10

func listSome(names []string) string {
	switch {
	case len(names) == 0:
		return "none"
	case len(names) > maxListed:
		return strings.Join(names[:maxListed], ", ") + fmt.Sprintf(" and %d more", len(names)-maxListed)
	}
	return strings.Join(names, ", ")
}

func sortedKeys(m map[string]plumbing.Hash) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
