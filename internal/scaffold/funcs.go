package scaffold

import (
	"text/template"

	"github.com/Masterminds/sprig/v3"
)

// forbiddenFuncs read the environment, the clock or randomness. Templates must not:
// a template cannot read the user's secrets, and the same inputs must always give
// the same bytes (a later `platform update` re-renders and merges three ways).
var forbiddenFuncs = []string{
	// Beyond sprig's own hermetic list: these read the clock or randomness too.
	"ago", "durationRound", "randInt", "shuffle",
	"genPrivateKey", "genCA", "genCAWithKey", "genSelfSignedCert", "genSelfSignedCertWithKey",
	"genSignedCert", "genSignedCertWithKey",
}

// funcMap is sprig's hermetic function map (no env, expandenv, now, date, uuid,
// rand*) without the rest of what is non-deterministic.
// It is built per render: text/template keeps the map it is given.
func funcMap() template.FuncMap {
	fm := sprig.HermeticTxtFuncMap()
	for _, name := range forbiddenFuncs {
		delete(fm, name)
	}
	return fm
}
