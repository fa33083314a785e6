// Package promote holds what `platform promote` decides without touching a
// remote: the environment chain of platform.yaml, the image pin in an
// overlay and its surgical edit, the gates and their evaluation, and the
// pictures and tables that report them.
package promote

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/platform-team/platform/internal/config"
)

// Stage is one environment of the promotion chain.
type Stage struct {
	Name  string
	From  string // the stage promoted from; "" for the first stage
	Gates config.Gates
}

// Chain returns the stages in the order platform.yaml declares them.
func Chain(svc *config.Service) ([]Stage, error) {
	if svc == nil || len(svc.Environments) == 0 {
		return nil, errors.New("platform.yaml declares no environments")
	}
	stages := make([]Stage, 0, len(svc.Environments))
	for _, env := range svc.Environments {
		// The name becomes a directory under deploy/overlays; keep it inside.
		if !fs.ValidPath(env.Name) || env.Name == "." || strings.Contains(env.Name, `\`) {
			return nil, fmt.Errorf("environment %q: the name must be a relative path without . or .. (it names deploy/overlays/<name>)", env.Name)
		}
		stages = append(stages, Stage{Name: env.Name, From: env.From, Gates: env.Gates})
	}
	return stages, nil
}

// Target returns the stage named name, which must be one a promotion can go into.
func Target(chain []Stage, name string) (Stage, error) {
	if len(chain) == 0 {
		return Stage{}, errors.New("platform.yaml declares no environments")
	}
	names := make([]string, len(chain))
	for i, s := range chain {
		names[i] = s.Name
	}
	for i, s := range chain {
		if s.Name != name {
			continue
		}
		if i == 0 || s.From == "" {
			return Stage{}, fmt.Errorf("%s is the first stage: deploy to it from CI, nothing promotes into it", name)
		}
		return s, nil
	}
	return Stage{}, fmt.Errorf("unknown stage %q: the stages are %s", name, strings.Join(names, ", "))
}

// OverlayPath is the kustomization of a stage's overlay, slash-separated
// relative to the repository root: deploy/overlays/<stage>/kustomization.yaml.
func OverlayPath(stage string) string {
	return path.Join("deploy", "overlays", stage, "kustomization.yaml")
}
