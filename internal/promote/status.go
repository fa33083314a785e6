package promote

import "time"

// StatusJSON is `platform promote status --json`.
type StatusJSON struct {
	Stages []StageJSON `json:"stages"`
}

// StageJSON is one stage of StatusJSON.
type StageJSON struct {
	Name       string          `json:"name"`
	From       string          `json:"from"`
	Version    string          `json:"version"`
	Deployment *DeploymentJSON `json:"deployment"`
	Gates      []GateResult    `json:"gates"`
}

// DeploymentJSON is the latest deployment of a stage.
type DeploymentJSON struct {
	ID         int64      `json:"id"`
	IID        int64      `json:"iid"`
	Status     string     `json:"status"`
	SHA        string     `json:"sha"`
	FinishedAt *time.Time `json:"finishedAt"`
}

// Status turns the stages' status into its JSON form; gates are [] rather
// than null, so consumers can iterate without a check.
func Status(stages []StageStatus) StatusJSON {
	out := StatusJSON{Stages: make([]StageJSON, 0, len(stages))}
	for _, s := range stages {
		j := StageJSON{Name: s.Stage.Name, From: s.Stage.From, Version: s.Version, Gates: s.Gates}
		if j.Gates == nil {
			j.Gates = []GateResult{}
		}
		if d := s.Deployment; d != nil {
			j.Deployment = &DeploymentJSON{ID: d.ID, IID: d.IID, Status: d.Status, SHA: d.SHA, FinishedAt: d.FinishedAt}
		}
		out.Stages = append(out.Stages, j)
	}
	return out
}
