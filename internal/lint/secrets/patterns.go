package secrets

import (
	"regexp"
	"sync"
)

// pattern is a secret with a recognisable shape. The regular expressions
// follow gitleaks' default configuration (config/gitleaks.toml), keyword
// prefilter and minimum entropy included, so that the same strings are
// reported.
type pattern struct {
	kind kind
	name string
	// keywords are lower-case literals one of which a line must contain
	// before the expression runs.
	keywords []string
	re       *lazyRegexp
	// prefix is how many leading characters of a match the message shows:
	// the public, type-identifying part (glpat-, AKIA).
	prefix int
	// entropy is the minimum Shannon entropy (bits per character) of the match.
	entropy float64
	// bounded requires a non-alphanumeric character (or the end of the line)
	// right after the match.
	bounded bool
	// allow are substrings that mark a documented example (AWS' EXAMPLE keys).
	allow []string

	kw    [][]byte // keywords as bytes
	kwIDs []int    // their indexes in the keyword table
}

func tok(name string, keywords []string, prefix int, entropy float64, re string) pattern {
	return pattern{kind: kindToken, name: name, keywords: keywords, re: lazy(re), prefix: prefix, entropy: entropy}
}

// tokens are the API tokens of well-known services, by prefix.
var tokens = []pattern{
	// GitLab
	tok("GitLab personal access token", []string{"glpat-"}, 6, 3, `glpat-(?:[0-9a-zA-Z_-]{27,300}\.[0-9a-z]{9}\b|[\w-]{20})`),
	tok("GitLab deploy token", []string{"gldt-"}, 5, 3, `gldt-[0-9a-zA-Z_-]{20}`),
	tok("GitLab runner authentication token", []string{"glrt-"}, 5, 3, `glrt-(?:t\d_[0-9a-zA-Z_-]{27,300}\.[0-9a-z]{9}\b|[0-9a-zA-Z_-]{20})`),
	tok("GitLab pipeline trigger token", []string{"glptt-"}, 6, 3, `glptt-[0-9a-f]{40}`),
	tok("GitLab runner registration token", []string{"gr1348941"}, 9, 3, `GR1348941[\w-]{20}`),
	tok("GitLab CI/CD job token", []string{"glcbt-"}, 6, 3, `glcbt-[0-9a-zA-Z]{1,5}_[0-9a-zA-Z_-]{20}`),
	tok("GitLab feed token", []string{"glft-"}, 5, 3, `glft-[0-9a-zA-Z_-]{20}`),
	tok("GitLab incoming mail token", []string{"glimt-"}, 6, 3, `glimt-[0-9a-zA-Z_-]{25}`),
	tok("GitLab agent token", []string{"glagent-"}, 8, 3, `glagent-[0-9a-zA-Z_-]{50}`),
	tok("GitLab OAuth application secret", []string{"gloas-"}, 6, 3, `gloas-[0-9a-zA-Z_-]{64}`),
	tok("GitLab SCIM token", []string{"glsoat-"}, 7, 3, `glsoat-[0-9a-zA-Z_-]{20}`),
	tok("GitLab feature flag client token", []string{"glffct-"}, 7, 3, `glffct-[0-9a-zA-Z_-]{20}`),
	// GitHub
	tok("GitHub personal access token", []string{"ghp_"}, 4, 3, `ghp_[0-9a-zA-Z]{36}`),
	tok("GitHub OAuth token", []string{"gho_"}, 4, 3, `gho_[0-9a-zA-Z]{36}`),
	tok("GitHub app token", []string{"ghu_", "ghs_"}, 4, 3, `gh[us]_[0-9a-zA-Z]{36}`),
	tok("GitHub refresh token", []string{"ghr_"}, 4, 3, `ghr_[0-9a-zA-Z]{36}`),
	tok("GitHub fine-grained personal access token", []string{"github_pat_"}, 11, 3, `github_pat_\w{82}`),
	// Slack
	tok("Slack bot token", []string{"xoxb-"}, 5, 2, `xoxb-(?:[0-9]{10,13}-[0-9]{10,13}[a-zA-Z0-9-]*|[0-9]{8,14}-[a-zA-Z0-9]{18,26})`),
	tok("Slack user token", []string{"xoxp-", "xoxe-"}, 5, 2, `xox[pe](?:-[0-9]{10,13}){3}-[a-zA-Z0-9-]{28,34}`),
	tok("Slack workspace token", []string{"xoxa-", "xoxr-"}, 5, 2, `xox[ar]-(?:\d-)?[0-9a-zA-Z]{8,48}`),
	tok("Slack legacy token", []string{"xoxo-", "xoxs-"}, 5, 2, `xox[os]-\d+-\d+-\d+-[a-fA-F\d]+`),
	tok("Slack app token", []string{"xapp-"}, 5, 2, `(?i)xapp-\d-[A-Z0-9]+-\d+-[a-z0-9]+`),
	tok("Slack webhook URL", []string{"hooks.slack.com"}, 0, 0, `hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9+/]{43,56}`),
	// Payments, packages, clouds and SaaS
	tok("Stripe API key", []string{"k_live_", "k_test_", "k_prod_"}, 8, 2, `\b(?:sk|rk)_(?:test|live|prod)_[a-zA-Z0-9]{10,99}`),
	tok("npm access token", []string{"npm_"}, 4, 2, `(?i)\bnpm_[a-z0-9]{36}`),
	tok("PyPI upload token", []string{"pypi-ageichlwas5vcmc"}, 5, 3, `pypi-AgEIcHlwaS5vcmc[\w-]{50,1000}`),
	tok("RubyGems API token", []string{"rubygems_"}, 9, 2, `\brubygems_[a-f0-9]{48}`),
	tok("Docker Hub personal access token", []string{"dckr_pat_"}, 9, 3, `\bdckr_pat_[a-zA-Z0-9_-]{27}`),
	tok("OpenAI API key", []string{"t3blbkfj"}, 3, 3, `\bsk-(?:(?:proj|svcacct|admin)-(?:[A-Za-z0-9_-]{74}|[A-Za-z0-9_-]{58})T3BlbkFJ(?:[A-Za-z0-9_-]{74}|[A-Za-z0-9_-]{58})|[a-zA-Z0-9]{20}T3BlbkFJ[a-zA-Z0-9]{20})`),
	tok("Anthropic API key", []string{"sk-ant-"}, 7, 3, `\bsk-ant-(?:api03|admin01)-[a-zA-Z0-9_-]{93}AA`),
	tok("SendGrid API key", []string{"sg."}, 3, 2, `\bSG\.[a-zA-Z0-9=_.-]{66}`),
	tok("HashiCorp Vault token", []string{"hvs.", "hvb."}, 4, 3.5, `\b(?:hvs\.[\w-]{90,120}|hvb\.[\w-]{138,300})`),
	tok("DigitalOcean token", []string{"_v1_"}, 7, 3, `\bdo[opr]_v1_[a-f0-9]{64}`),
	tok("Shopify access token", []string{"shpat_", "shpca_", "shppa_", "shpss_"}, 6, 2, `shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}`),
	tok("Hugging Face access token", []string{"hf_"}, 3, 2, `\bhf_[a-zA-Z]{34}`),
	tok("Databricks API token", []string{"dapi"}, 4, 3, `\bdapi[a-f0-9]{32}(?:-\d)?`),
	tok("Grafana service account token", []string{"glsa_"}, 5, 3, `\bglsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}`),
	tok("Grafana Cloud API token", []string{"glc_"}, 4, 3, `\bglc_[A-Za-z0-9+/]{32,400}={0,3}`),
	tok("age secret key", []string{"age-secret-key-1"}, 15, 0, `AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}`),
	tok("Doppler API token", []string{"dp.pt."}, 6, 2, `dp\.pt\.[a-zA-Z0-9]{43}`),
	tok("Postman API key", []string{"pmak-"}, 5, 3, `PMAK-[a-fA-F0-9]{24}-[a-fA-F0-9]{34}`),
	tok("Pulumi access token", []string{"pul-"}, 4, 2, `\bpul-[a-f0-9]{40}`),
	tok("Atlassian API token", []string{"atatt3"}, 6, 3.5, `\bATATT3[A-Za-z0-9_=-]{186}`),
	tok("Sentry user token", []string{"sntryu_"}, 7, 3.5, `\bsntryu_[a-f0-9]{64}`),
	tok("Linear API key", []string{"lin_api_"}, 8, 2, `lin_api_[a-zA-Z0-9]{40}`),
}

// boundedTokens need a delimiter after the match, as in gitleaks.
var boundedTokens = map[string]bool{
	"npm access token": true, "RubyGems API token": true, "SendGrid API key": true,
	"Pulumi access token": true, "Hugging Face access token": true, "Databricks API token": true,
	"Stripe API key": true, "Docker Hub personal access token": true,
}

func init() {
	for i := range tokens {
		tokens[i].bounded = boundedTokens[tokens[i].name]
	}
	for _, list := range [][]pattern{tokens, cloudKeys} {
		for i := range list {
			for _, k := range list[i].keywords {
				list[i].kw = append(list[i].kw, []byte(k))
			}
		}
	}
	indexKeywords()
}

// cloudKeys are cloud credentials with a recognisable shape; the service
// account JSON of Google Cloud is found separately (it spans lines).
var cloudKeys = []pattern{
	{
		kind: kindCloudKey, name: "AWS access key ID", keywords: []string{"akia", "asia", "abia", "acca", "a3t"},
		re:     lazy(`\b(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\b`),
		prefix: 4, entropy: 3, allow: []string{"EXAMPLE"},
	},
	{
		kind: kindCloudKey, name: "AWS secret access key", keywords: []string{"secret_access_key", "secretaccesskey", "secret-access-key", "aws_secret", "awssecret"},
		re:      lazy(`(?i)(?:aws_?secret_?(?:access_?)?key|secret_?access_?key)["']?\s*(?:=>|:=|=|:)\s*["']?([A-Za-z0-9/+=]{40})(?:[^A-Za-z0-9/+=]|$)`),
		entropy: 4, allow: []string{"EXAMPLE"},
	},
	{
		kind: kindCloudKey, name: "Google Cloud API key", keywords: []string{"aiza"},
		re:     lazy(`\bAIza[\w-]{35}`),
		prefix: 4, entropy: 4, bounded: true,
	},
	{
		kind: kindCloudKey, name: "Azure storage account key", keywords: []string{"accountkey", "sharedaccesskey"},
		re:      lazy(`(?i)(?:AccountKey|SharedAccessKey)\s*=\s*([A-Za-z0-9+/]{40,}={0,2})`),
		entropy: 4,
		// The well-known key of the Azurite and storage emulators is public.
		allow: []string{"Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="},
	},
}

// lazyRegexp compiles its expression on first use: compiling every pattern when
// the package loads cost the whole CLI 13 ms of start-up, lint or not.
type lazyRegexp struct {
	expr string
	once sync.Once
	re   *regexp.Regexp
}

func lazy(expr string) *lazyRegexp { return &lazyRegexp{expr: expr} }

func (l *lazyRegexp) get() *regexp.Regexp {
	l.once.Do(func() { l.re = regexp.MustCompile(l.expr) })
	return l.re
}
