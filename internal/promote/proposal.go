package promote

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/platform-team/platform/internal/gitlab"
)

// Proposal is a gitops promotion: the new pin of a stage's overlay, proposed
// in a merge request.
type Proposal struct {
	Stage     Stage
	Candidate string
	// Image is the image whose pin changes (platform.yaml promotion.image).
	Image string
	// Overlay is the stage's overlay with the candidate pinned.
	Overlay []byte
	// Diff is the overlay's change, shown in the merge request.
	Diff    string
	Results []GateResult
	// Overridden are the failed gates --force overrode, for Reason.
	Overridden []string
	Reason     string
	// Deployment is the source stage's latest deployment, nil if none.
	Deployment *gitlab.Deployment
	// AuthorName and AuthorEmail are who asked for the promotion.
	AuthorName, AuthorEmail string
}

var unsafeBranchChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// Branch is promote/<stage>-<version>, with a digest shortened.
func (p Proposal) Branch() string {
	v := strings.TrimPrefix(p.Candidate, "sha256:")
	if len(v) == 64 {
		v = "sha256-" + v[:12]
	}
	return "promote/" + p.Stage.Name + "-" + strings.Trim(unsafeBranchChars.ReplaceAllString(v, "-"), "-")
}

// Title is the merge request's title.
func (p Proposal) Title() string {
	return fmt.Sprintf("Promote %s to %s", p.Candidate, p.Stage.Name)
}

// Labels are the merge request's labels.
func (p Proposal) Labels() []string { return []string{"promotion", "stage::" + p.Stage.Name} }

// Message is the commit message.
func (p Proposal) Message() string {
	return fmt.Sprintf("Promote %s to %s\n\nPinned by platform promote for %s <%s>.", p.Candidate, p.Stage.Name, p.AuthorName, p.AuthorEmail)
}

// Edit writes the new pin into a checkout. A checkout whose overlay already
// pins the candidate (a rerun on the promotion branch) is left alone.
func (p Proposal) Edit(dir string) ([]string, error) {
	path := OverlayPath(p.Stage.Name)
	file := filepath.Join(dir, filepath.FromSlash(path))
	if data, err := os.ReadFile(file); err == nil {
		if pin, err := ReadPin(data, p.Image); err == nil && pin.Version() == p.Candidate {
			return nil, nil
		}
	}
	if err := os.WriteFile(file, p.Overlay, 0o644); err != nil {
		return nil, err
	}
	return []string{path}, nil
}

// Description is the merge request's description: gates, overrides,
// approvals, the source deployment and the change.
func (p Proposal) Description() string {
	var b strings.Builder
	stage := p.Stage
	fmt.Fprintf(&b, "Promotes **%s** from **%s** to **%s**, requested by %s <%s> with `platform promote`.\n\n", p.Candidate, stage.From, stage.Name, p.AuthorName, p.AuthorEmail)
	b.WriteString("## Gates\n\n" + Markdown(p.Results) + "\n")
	if len(p.Overridden) > 0 {
		fmt.Fprintf(&b, "\n**Gates overridden with --force:** %s\n\n**Reason:** %s\n", strings.Join(p.Overridden, ", "), p.Reason)
	}
	if stage.Gates.Approvals > 0 {
		fmt.Fprintf(&b, "\nThis promotion needs %d approvals before it is merged.\n", stage.Gates.Approvals)
	}
	if d := p.Deployment; d != nil {
		finished := "not finished"
		if d.FinishedAt != nil {
			finished = "finished " + d.FinishedAt.UTC().Format(time.RFC3339)
		}
		fmt.Fprintf(&b, "\n## Source deployment\n\n%s deployment !%d (#%d) of `%s` at %s: %s, %s\n", stage.From, d.IID, d.ID, d.Ref, shortSHA(d.SHA), d.Status, finished)
	}
	fmt.Fprintf(&b, "\n## Change\n\n```diff\n%s```\n", p.Diff)
	return b.String()
}
