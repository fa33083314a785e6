package report

import (
	"encoding/json"
	"io"

	"github.com/platform-team/platform/internal/lint"
)

// The subset of SARIF 2.1.0 that code scanning tools read.
type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool     `json:"tool"`
	Results []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri,omitempty"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string       `json:"id"`
	Name                 string       `json:"name"`
	ShortDescription     sarifText    `json:"shortDescription"`
	FullDescription      sarifText    `json:"fullDescription"`
	HelpURI              string       `json:"helpUri,omitempty"`
	DefaultConfiguration sarifDefault `json:"defaultConfiguration"`
}

type sarifDefault struct {
	Level string `json:"level"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID    string          `json:"ruleId"`
	RuleIndex int             `json:"ruleIndex"`
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations"`
	// Suppressions is absent without a baseline; with one, every result
	// has it (SARIF: all or none), empty for a result that is not suppressed.
	Suppressions *[]sarifSuppression `json:"suppressions,omitempty"`
}

// sarifSuppression says a result is suppressed: by a baseline, kind
// "external" (an external, persistent store), status "accepted".
type sarifSuppression struct {
	Kind          string `json:"kind"`
	Status        string `json:"status"`
	Justification string `json:"justification,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

func sarifLevel(s lint.Severity) string {
	switch s {
	case lint.SeverityError:
		return "error"
	case lint.SeverityWarning:
		return "warning"
	default:
		return "note"
	}
}

// SARIF writes a SARIF 2.1.0 log: the rules that ran in tool.driver.rules and
// one result per finding. With a baseline, the findings it recorded are
// results too, suppressed (kind "external", status "accepted"), and every
// other result has an empty suppressions array, as SARIF asks of a run whose
// results were examined for suppression.
func SARIF(w io.Writer, res *lint.Result, tool Tool) error {
	driver := sarifDriver{Name: tool.Name, Version: tool.Version, InformationURI: tool.RulesURI, Rules: []sarifRule{}}
	index := map[string]int{}
	for _, m := range res.Rules {
		index[m.ID] = len(driver.Rules)
		rule := sarifRule{
			ID: m.ID, Name: m.ID,
			ShortDescription:     sarifText{Text: m.Summary},
			FullDescription:      sarifText{Text: m.Summary},
			DefaultConfiguration: sarifDefault{Level: sarifLevel(m.Severity)},
		}
		if tool.RulesURI != "" && !m.External {
			rule.HelpURI = tool.RulesURI + m.ID + ".md"
		}
		driver.Rules = append(driver.Rules, rule)
	}
	baselined := res.Baseline != "" || len(res.Baselined) > 0
	var open, suppressed *[]sarifSuppression
	if baselined {
		justification := "recorded in the lint baseline"
		if res.Baseline != "" {
			justification += " " + res.Baseline
		}
		open = &[]sarifSuppression{}
		suppressed = &[]sarifSuppression{{Kind: "external", Status: "accepted", Justification: justification}}
	}
	results := []sarifResult{}
	add := func(f lint.Finding, suppressions *[]sarifSuppression) {
		msg := f.Message
		if f.Hint != "" {
			msg += " (" + f.Hint + ")"
		}
		loc := sarifPhysical{ArtifactLocation: sarifArtifact{URI: f.Path, URIBaseID: "%SRCROOT%"}}
		if f.Line > 0 {
			loc.Region = &sarifRegion{StartLine: f.Line, StartColumn: f.Column}
		}
		idx, ok := index[f.Rule]
		if !ok {
			idx = -1
		}
		results = append(results, sarifResult{
			RuleID: f.Rule, RuleIndex: idx, Level: sarifLevel(f.Severity),
			Message: sarifText{Text: msg}, Locations: []sarifLocation{{PhysicalLocation: loc}},
			Suppressions: suppressions,
		})
	}
	// Both lists are sorted: merged, the results are in finding order.
	i, j := 0, 0
	for i < len(res.Findings) || j < len(res.Baselined) {
		if j == len(res.Baselined) || i < len(res.Findings) && lint.Compare(res.Findings[i], res.Baselined[j]) <= 0 {
			add(res.Findings[i], open)
			i++
		} else {
			add(res.Baselined[j], suppressed)
			j++
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{
		Schema:  "https://json.schemastore.org/sarif-2.1.0.json",
		Version: "2.1.0",
		Runs:    []sarifRun{{Tool: sarifTool{Driver: driver}, Results: results}},
	})
}
