package gitx

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/transport"

	"github.com/platform-team/platform/internal/redact"
)

// Tag is a tag of a remote repository.
type Tag struct {
	// Name is the tag's short name (v1.2.0, not refs/tags/v1.2.0).
	Name string
	// Object is the hash the tag ref points at: the commit of a lightweight
	// tag, the tag object of an annotated one.
	Object string
	// Commit is the commit the tag names, annotated tags peeled. A remote
	// is trusted to advertise the peeled commit of each annotated tag, as
	// git does; a local repository is peeled here.
	Commit string
}

// RemoteTags lists the tags of the repository at url without cloning it:
// one ref advertisement (what `git ls-remote --tags` reads), no objects
// fetched. Sources are as for Clone: https://, ssh://, scp-like, file:// or
// a local path, local repositories served in-process with no git binary, and
// redirects to another host refused. The tags come sorted by name; an empty
// repository has none. Errors are a *RemoteError naming the URL with any
// credentials in it replaced by "***".
func RemoteTags(ctx context.Context, url string) (tags []Tag, err error) {
	defer func() {
		if err != nil {
			err = &RemoteError{Err: fmt.Errorf("list tags of %s: %w", redact.URL(url), redact.Error(err, url))}
		}
	}()
	src, err := openSource(url)
	if err != nil {
		return nil, err
	}
	defer src.close()
	sess, err := src.tr.NewUploadPackSession(src.ep, nil)
	if err != nil {
		return nil, err
	}
	defer sess.Close()
	adv, err := sess.AdvertisedReferencesContext(ctx)
	if errors.Is(err, transport.ErrEmptyRemoteRepository) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	for _, name := range sortedKeys(adv.References) {
		short, ok := strings.CutPrefix(name, "refs/tags/")
		if !ok || short == "" {
			continue
		}
		h := adv.References[name]
		t := Tag{Name: short, Object: h.String()}
		switch peeled, ok := adv.Peeled[name]; {
		case ok:
			t.Commit = peeled.String()
		case src.local != nil:
			// go-git's in-process server does not advertise peeled tags;
			// the repository is right here, so peel it.
			c, err := peelToCommit(src.local, h)
			if err != nil {
				return nil, fmt.Errorf("tag %s: %w", short, err)
			}
			t.Commit = c.String()
		default:
			// git advertises the peeled commit of every annotated tag
			// (the ^{} lines), so a tag without one is lightweight.
			t.Commit = h.String()
		}
		tags = append(tags, t)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	sort.Slice(tags, func(i, j int) bool { return tags[i].Name < tags[j].Name })
	return tags, nil
}

// TagNames returns the names of tags, in order.
func TagNames(tags []Tag) []string {
	names := make([]string, len(tags))
	for i, t := range tags {
		names[i] = t.Name
	}
	return names
}
