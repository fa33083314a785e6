package promote

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/platform-team/platform/internal/config"
	"github.com/platform-team/platform/internal/gitlab"
	"github.com/platform-team/platform/internal/gitx"
)

// ErrNoServiceFile is a checkout without platform.yaml: promotion needs its environments.
var ErrNoServiceFile = errors.New("no " + config.ServiceFileName)

// Source is what a promotion reads: a fresh checkout of the service's default
// branch, its platform.yaml and promotion chain, and GitLab's deployments,
// pipelines and freeze periods, each asked once per run (status evaluates
// every stage's gates).
type Source struct {
	Client   *gitlab.Client
	Project  *gitlab.Project
	Checkout string
	Service  *config.Service
	Chain    []Stage

	deployments   map[string]*gitlab.Deployment
	freezePeriods []gitlab.FreezePeriod
	freezeLoaded  bool
}

// OpenSource reads platform.yaml and the promotion chain of the checkout.
// A missing file is ErrNoServiceFile.
func OpenSource(client *gitlab.Client, project *gitlab.Project, checkout string) (*Source, error) {
	data, err := os.ReadFile(filepath.Join(checkout, config.ServiceFileName))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNoServiceFile, err)
	}
	s := &Source{Client: client, Project: project, Checkout: checkout}
	if s.Service, err = config.ParseService(data); err != nil {
		return nil, err
	}
	if s.Chain, err = Chain(s.Service); err != nil {
		return nil, err
	}
	return s, nil
}

// Pin reads the version a stage's overlay pins in the checkout, and the
// overlay's bytes.
func (s *Source) Pin(stage string) (Pin, []byte, error) {
	data, err := os.ReadFile(filepath.Join(s.Checkout, filepath.FromSlash(OverlayPath(stage))))
	if err != nil {
		return Pin{}, nil, fmt.Errorf("%s: %w", OverlayPath(stage), err)
	}
	pin, err := ReadPin(data, s.Service.Promotion.Image)
	if err != nil {
		return Pin{}, nil, fmt.Errorf("%s: %w", OverlayPath(stage), err)
	}
	return pin, data, nil
}

// LatestDeployment is the environment's most recent deployment, nil if none.
func (s *Source) LatestDeployment(ctx context.Context, env string) (*gitlab.Deployment, error) {
	if d, ok := s.deployments[env]; ok {
		return d, nil
	}
	list, err := s.Client.Deployments(ctx, s.Project.PathWithNamespace, env, "")
	if err != nil {
		return nil, err
	}
	var d *gitlab.Deployment
	if len(list) > 0 {
		d = &list[0]
	}
	if s.deployments == nil {
		s.deployments = map[string]*gitlab.Deployment{}
	}
	s.deployments[env] = d
	return d, nil
}

// freeze returns GitLab's freeze periods for the project.
func (s *Source) freeze(ctx context.Context) ([]gitlab.FreezePeriod, error) {
	if !s.freezeLoaded {
		periods, err := s.Client.FreezePeriods(ctx, s.Project.PathWithNamespace)
		if err != nil {
			return nil, err
		}
		s.freezePeriods, s.freezeLoaded = periods, true
	}
	return s.freezePeriods, nil
}

// Evidence gathers what the stage's gates need from GitLab and git, at now.
func (s *Source) Evidence(ctx context.Context, stage Stage, candidate string, now time.Time) (Evidence, error) {
	ev := Evidence{Now: now, Candidate: candidate}
	d, err := s.LatestDeployment(ctx, stage.From)
	if err != nil {
		return ev, err
	}
	if d != nil {
		ev.Deployment = d
		if data, err := gitx.ReadFileAt(s.Checkout, d.SHA, OverlayPath(stage.From)); err == nil {
			if pin, err := ReadPin(data, s.Service.Promotion.Image); err == nil {
				ev.DeployedPin = pin.Version()
			}
		}
	}
	if stage.Gates.Pipeline != "" {
		// No pipeline yet is a failed gate, not an error: GitLab answers 403 then.
		if pl, err := s.Client.LatestPipeline(ctx, s.Project.PathWithNamespace, s.Project.DefaultBranch); err == nil {
			ev.Pipeline = pl
		}
	}
	// GitLab's freeze periods hold whether or not platform.yaml names windows.
	periods, err := s.freeze(ctx)
	if err != nil {
		return ev, err
	}
	ev.FreezePeriods = periods
	return ev, nil
}
