package promote

import (
	"strings"
	"testing"

	"github.com/platform-team/platform/internal/config"
)

func threeStages() *config.Service {
	return &config.Service{Environments: []config.Environment{
		{Name: "preview"},
		{Name: "staging", From: "preview", Gates: config.Gates{Deployed: true, Pipeline: "success", Soak: "30m"}},
		{Name: "production", From: "staging", Gates: config.Gates{Deployed: true, Approvals: 2}},
	}}
}

func TestChain(t *testing.T) {
	chain, err := Chain(threeStages())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range chain {
		got = append(got, s.Name+"<"+s.From)
	}
	if strings.Join(got, " ") != "preview< staging<preview production<staging" {
		t.Fatalf("chain = %v", got)
	}
	if chain[1].Gates.Soak != "30m" || chain[2].Gates.Approvals != 2 {
		t.Fatalf("gates not carried: %+v", chain)
	}

	for _, c := range []struct {
		name string
		svc  *config.Service
		want string
	}{
		{"nil", nil, "platform.yaml declares no environments"},
		{"none", &config.Service{}, "platform.yaml declares no environments"},
		{"escaping name", &config.Service{Environments: []config.Environment{{Name: "../base"}}}, `environment "../base": the name must be a relative path`},
		{"absolute name", &config.Service{Environments: []config.Environment{{Name: "/prod"}}}, `environment "/prod": the name must be a relative path`},
		{"backslash", &config.Service{Environments: []config.Environment{{Name: `a\b`}}}, `environment "a\\b": the name must be a relative path`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Chain(c.svc)
			if err == nil || !strings.HasPrefix(err.Error(), c.want) {
				t.Fatalf("error = %v, want %q", err, c.want)
			}
		})
	}
}

func TestTarget(t *testing.T) {
	chain, err := Chain(threeStages())
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ name, want, wantErr string }{
		{"staging", "staging", ""},
		{"production", "production", ""},
		{"qa", "", `unknown stage "qa": the stages are preview, staging, production`},
		{"Production", "", `unknown stage "Production": the stages are preview, staging, production`},
		{"preview", "", "preview is the first stage: deploy to it from CI, nothing promotes into it"},
	}
	for _, c := range cases {
		got, err := Target(chain, c.name)
		if c.wantErr != "" {
			if err == nil || err.Error() != c.wantErr {
				t.Errorf("Target(%q) error = %v, want %q", c.name, err, c.wantErr)
			}
			continue
		}
		if err != nil || got.Name != c.want {
			t.Errorf("Target(%q) = %+v, %v", c.name, got, err)
		}
	}
	if _, err := Target(nil, "staging"); err == nil || err.Error() != "platform.yaml declares no environments" {
		t.Errorf("empty chain: %v", err)
	}
}

func TestOverlayPath(t *testing.T) {
	if got := OverlayPath("staging"); got != "deploy/overlays/staging/kustomization.yaml" {
		t.Fatal(got)
	}
}
