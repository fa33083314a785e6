package secrets_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/platform-team/platform/internal/lint"
	"github.com/platform-team/platform/internal/lint/linttest"
	"github.com/platform-team/platform/internal/lint/secrets"
)

// Fake secrets, assembled so that this file does not contain them literally.
var (
	begin   = "-----" + "BEGIN"
	end     = "-----" + "END"
	body    = "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\nVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\n"
	rsaKey  = begin + " RSA PRIVATE KEY-----\n" + body + end + " RSA PRIVATE KEY-----\n"
	glpat   = "glpat-" + "x9Kq2vLm8NwP4rTz7YbH"
	glpatRt = "glpat-" + "x9Kq2vLm8NwP4rTz7YbHa1B2c3D4e5F" + ".01" + "abc1234"
	ghp     = "ghp_" + "Xy7kQ2mN9pL4rT8vW3zB6cD1fG5hJ0sA9eR2"
	ghpat   = "github_pat_" + "11ABCDEFG0" + strings.Repeat("aB3dE5gH7j", 7) + "kL9mN2"
	slack   = "xoxb-" + "1234567890123-1234567890123-" + "AbCdEfGhIjKlMnOpQrStUvWx"
	stripe  = "sk_live_" + "51HxQ2pLk9Zt3xWm7Kp2Rv9LbN4c"
	npm     = "npm_" + "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6q7r8"
	pypi    = "pypi-" + "AgEIcHlwaS5vcmc" + "CJGQ4ZjE1ZTIxLWRkYzctNDBhZi05ZTg0LTEyMzQ1Njc4OWFiYwACKlszLCJh"
	akia    = "AKIA" + "QX4T2LMZ7RKD5WPN"
	awsSK   = "wJalrXUtnFEMI" + "/K7MDENG/bPxRfiCYzQ8mN2pL4r"
	aiza    = "AIza" + "SyD4kQ2mN9pL4rT8vW3zB6cD1fG5hJ0sA9e"
	azure   = "q8Zt3xWm7Kp2Rv9LbN4cX1yZ" + "/aB3dE5gH7jK9mN2pQ4sT6vW8yZ0bD2fH4jL6nP8rT0vX2zB4dF6hJ8lN0pR2tV4xZ6bD8fH==" // 88
	entropy = "q8Zt3xWm" + "7Kp2Rv9LbN4c"
	jwt     = "eyJhbGciOiJIUzI1NiJ9" + ".eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
)

type secretCase struct {
	name   string
	files  map[string]string
	want   []string // "path:line:col: part of the message"
	secret string   // must not appear in any message or hint
}

func runCases(t *testing.T, id string, cases []secretCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			all := linttest.Run(secrets.Rules(), tc.files)
			got := linttest.Of(all, id)
			if len(got) != len(tc.want) {
				t.Fatalf("got %d findings, want %d:\n%s", len(got), len(tc.want), dump(got))
			}
			for i, f := range got {
				pos, part, _ := strings.Cut(tc.want[i], ": ")
				if fmt.Sprintf("%s:%d:%d", f.Path, f.Line, f.Column) != pos || !strings.Contains(f.Message, part) {
					t.Errorf("finding %d:\n got %s\nwant %s", i, dump(got[i:i+1]), tc.want[i])
				}
			}
			for _, f := range all {
				if tc.secret != "" && (strings.Contains(f.Message, tc.secret) || strings.Contains(f.Hint, tc.secret)) {
					t.Errorf("finding prints the secret: %s", dump([]lint.Finding{f}))
				}
			}
		})
	}
}

func dump(fs []lint.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "  %s:%d:%d: %s: %s | %s\n", f.Path, f.Line, f.Column, f.Rule, f.Message, f.Hint)
	}
	return b.String()
}

func TestPrivateKey(t *testing.T) {
	oneLine := strings.ReplaceAll(strings.TrimSuffix(rsaKey, "\n"), "\n", `\n`)
	goSource := "const key = \"" + begin + " EC PRIVATE KEY-----\\n\" +\n" +
		"\t\"MHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5oFxU8E1ZMXxWoAoGCCqGSM49\\n\" +\n" +
		"\t\"AwEHoUQDQgAEwS4UaMjv4RsxTW9qQhW3mY4cT5fQ1oHk3Xj0yQp8F2wNcVdZs7Lr\\n\" +\n" +
		"\t\"" + end + " EC PRIVATE KEY-----\\n\"\n"
	runCases(t, "secrets/private-key", []secretCase{
		{name: "RSA", files: map[string]string{"tls.key": "\n" + rsaKey}, want: []string{"tls.key:2:1: RSA private key committed"}},
		{name: "kinds", files: map[string]string{
			"a": strings.ReplaceAll(rsaKey, "RSA PRIVATE KEY", "OPENSSH PRIVATE KEY"),
			"b": strings.ReplaceAll(rsaKey, "RSA PRIVATE KEY", "PRIVATE KEY"),
			"c": strings.ReplaceAll(rsaKey, "RSA PRIVATE KEY", "PGP PRIVATE KEY BLOCK") + "",
			"d": strings.Replace(strings.ReplaceAll(rsaKey, "RSA PRIVATE KEY", "ENCRYPTED PRIVATE KEY"), "\n", "\nProc-Type: 4,ENCRYPTED\n\n", 1),
		}, want: []string{"a:1:1: OPENSSH private key", "b:1:1: private key committed", "c:1:1: PGP private key", "d:1:1: ENCRYPTED private key"}},
		{name: "YAML block", files: map[string]string{"values.yaml": "tls:\n  key: |\n    " + strings.ReplaceAll(strings.TrimSuffix(rsaKey, "\n"), "\n", "\n    ") + "\n"}, want: []string{"values.yaml:3:5: RSA private key"}},
		{name: "escaped in a string", files: map[string]string{"config.json": `{"key": "` + oneLine + `"}`}, want: []string{"config.json:1:10: RSA private key"}},
		{name: "concatenated in source code", files: map[string]string{"key.go": goSource}, want: []string{"key.go:1:14: EC private key"}},
		{name: "armor only", files: map[string]string{"README.md": begin + " RSA PRIVATE KEY-----\n...\n" + end + " RSA PRIVATE KEY-----\n"}},
		{name: "mentioned in prose", files: map[string]string{"README.md": "It starts with " + begin + " RSA PRIVATE KEY----- and ends\nwith many words that are not base64 at all, written across several lines of prose\n" + end + " RSA PRIVATE KEY-----.\n"}},
		{name: "public key and certificate", files: map[string]string{"pub.pem": strings.ReplaceAll(rsaKey, "RSA PRIVATE KEY", "PUBLIC KEY") + strings.ReplaceAll(rsaKey, "RSA PRIVATE KEY", "CERTIFICATE")}},
		{name: "allowed", files: map[string]string{"testdata/key.pem": strings.Replace(rsaKey, "-----\n", "----- platform:allow-secret\n", 1)}},
		{name: "binary", files: map[string]string{"key.der": "\x00" + rsaKey}},
		{name: "PuTTY", files: map[string]string{"id.ppk": "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nPrivate-Lines: 1\nAAAA\n"}, want: []string{"id.ppk:1:1: PuTTY private key"}},
	})
}

func TestCloudKey(t *testing.T) {
	sa := `{
  "type": "service_account",
  "project_id": "payments",
  "private_key_id": "0123456789abcdef",
  "private_key": "` + strings.ReplaceAll(rsaKey, "\n", `\n`) + `",
  "client_email": "ci@payments.iam.gserviceaccount.com"
}
`
	runCases(t, "secrets/cloud-key", []secretCase{
		{name: "AWS access key ID", files: map[string]string{"env": "export AWS_ACCESS_KEY_ID=" + akia + "\n"}, want: []string{"env:1:26: AWS access key ID committed: AKIA…"}, secret: akia},
		{name: "AWS documentation example", files: map[string]string{"README.md": "AKIAIOSFODNN7EXAMPLE and wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"}},
		{name: "AWS secret key", files: map[string]string{"credentials": "[default]\naws_secret_access_key = " + awsSK + "\n", "s.json": `{"SecretAccessKey": "` + awsSK + `"}`},
			want: []string{"credentials:2:25: AWS secret access key committed: …", "s.json:1:22: AWS secret access key"}, secret: awsSK},
		{name: "GCP API key", files: map[string]string{"app.js": "const key = '" + aiza + "';\n"}, want: []string{"app.js:1:14: Google Cloud API key committed: AIza…"}, secret: aiza},
		{name: "GCP service account", files: map[string]string{"sa.json": sa}, want: []string{"sa.json:5:3: Google Cloud service account key"}},
		{name: "GCP service account allowed", files: map[string]string{"sa.json": strings.Replace(sa, `",`+"\n  \"client_email", `", "_": "platform:allow-secret",`+"\n  \"client_email", 1)}},
		{name: "Azure connection string", files: map[string]string{"appsettings.json": `{"Storage": "DefaultEndpointsProtocol=https;AccountName=payments;AccountKey=` + azure + `;EndpointSuffix=core.windows.net"}`},
			want: []string{"appsettings.json:1:77: Azure storage account key committed: …"}, secret: azure},
		{name: "Azurite", files: map[string]string{"docker-compose.yml": "AZURE: DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;\n"}},
	})
	t.Run("service account key is not also a private key", func(t *testing.T) {
		if got := linttest.Of(linttest.Run(secrets.Rules(), map[string]string{"sa.json": sa}), "secrets/private-key"); len(got) > 0 {
			t.Errorf("reported twice: %s", dump(got))
		}
	})
}

func TestToken(t *testing.T) {
	runCases(t, "secrets/token", []secretCase{
		{name: "GitLab", files: map[string]string{"ci.sh": "curl -H \"PRIVATE-TOKEN: " + glpat + "\" $API\n"}, want: []string{"ci.sh:1:25: GitLab personal access token committed: glpat-…7YbH"}, secret: glpat},
		{name: "GitLab routable", files: map[string]string{"x": glpatRt + "\n"}, want: []string{"x:1:1: GitLab personal access token committed: glpat-…"}, secret: glpatRt},
		{name: "placeholder", files: map[string]string{"README.md": "GITLAB_TOKEN=glpat-xxxxxxxxxxxxxxxxxxxx\n`ghp_" + strings.Repeat("0", 36) + "`\n"}},
		{name: "two on a line", files: map[string]string{"x.env": "A=" + ghp + " B=" + slack + "\n"}, want: []string{"x.env:1:3: GitHub personal access token", "x.env:1:46: Slack bot token"}, secret: ghp},
		{name: "more services", files: map[string]string{
			"a": ghpat + "\n", "b": stripe + "\n", "c": "//registry.npmjs.org/:_authToken=" + npm + "\n", "d": "password = " + pypi + "\n",
		}, want: []string{"a:1:1: GitHub fine-grained personal access token", "b:1:1: Stripe API key committed: sk_live_…", "c:1:34: npm access token committed: npm_…", "d:1:12: PyPI upload token"}, secret: stripe},
		{name: "npm token must end", files: map[string]string{"c": npm + "abc\n"}},
		{name: "allowed", files: map[string]string{"fixture_test.go": "token := \"" + glpat + "\" // platform:allow-secret\n"}},
	})
}

func TestHighEntropy(t *testing.T) {
	runCases(t, "secrets/high-entropy", []secretCase{
		{name: "YAML", files: map[string]string{"app.yaml": "db:\n  password: \"" + entropy + "\"\n"}, want: []string{"app.yaml:2:14: password is assigned a random-looking value (20 characters"}, secret: entropy},
		{name: "env, JSON, Go, TOML", files: map[string]string{
			".env": "DB_PASSWORD=" + entropy + "\n", "c.json": `{"apiKey": "` + entropy + `"}`, "m.go": "\tclientSecret := `" + entropy + "`\n", "c.toml": "auth_token = '" + entropy + "'\n",
		}, want: []string{".env:1:13: DB_PASSWORD", "c.json:1:13: apiKey", "c.toml:1:15: auth_token", "m.go:1:19: clientSecret"}, secret: entropy},
		{name: "CRLF", files: map[string]string{"a.env": "A=1\r\nDB_PASSWORD=" + entropy + "\r\n"}, want: []string{"a.env:2:13: DB_PASSWORD is assigned a random-looking value (20 characters"}, secret: entropy},
		{name: "hex", files: map[string]string{"s.py": "SECRET_KEY = \"9f86d081884c7d659a2feaa0c55ad015\"\n"}, want: []string{"s.py:1:15: SECRET_KEY"}},
		{name: "placeholders and references", files: map[string]string{"a.yaml": `password: ${DB_PASSWORD}
token: "{{ .Values.token }}"
api_key: <your-api-key-goes-here>
secret: changeme-changeme-123
password: xxxxxxxxxxxxxxxxxxxxxxxx
password: "****************"
token: $(cat /run/secrets/token1)
secret: vault:secret/data/payments#db1
token: https://example.com/oauth2/token1
password: /run/secrets/db-password-2
`}},
		{name: "low entropy and identifiers", files: map[string]string{"a.yaml": "password: passwordpassword1\nsecret: payments-db-credentials\ntoken: 1234567890123456789\n"}},
		{name: "names", files: map[string]string{"a_test.go": "outToken: \"client-valid-token-1\",\nsecret: payments-v2-db-password\napi_key: MyServiceAccountKey2\nSECRET=DEPLOY_KEY_PRODUCTION_2024\n"}},
		{name: "keys that only contain the word", files: map[string]string{"a.yaml": "secretName: " + entropy + "\ntoken_url: " + entropy + "\npassword_file: " + entropy + "\ncsrf_token: " + entropy + "\n"}},
		{name: "dotted names and type names", files: map[string]string{"schema.json": `{"secret":"core/v1.SecretVolumeSource","serviceAccountToken":"core/v1.ServiceAccountTokenProjection"}`, "a.js": "const token = process.env.GITLAB_TOKEN_2;\npassword: config.database.password2\n"}},
		{name: "JWT", files: map[string]string{"a.env": "SESSION_TOKEN=" + jwt + "\n"}, want: []string{"a.env:1:15: SESSION_TOKEN"}, secret: jwt},
		{name: "comparisons and calls", files: map[string]string{"a.go": "if token == \"" + entropy + "\" {}\npassword := os.Getenv(\"DB_PASSWORD_1234567\")\n"}},
		{name: "short", files: map[string]string{"a.env": "PASSWORD=Zt3xWm7Kp2\n"}},
		{name: "lockfile", files: map[string]string{"yarn.lock": "token: " + entropy + "\n", "go.sum": "secret: " + entropy + "\n"}},
		{name: "token already reported", files: map[string]string{".env": "GITLAB_TOKEN=" + glpat + "\n"}},
		{name: "allowed", files: map[string]string{"a.env": "PASSWORD=" + entropy + " # platform:allow-secret\n"}},
	})
}

func TestK8sSecretData(t *testing.T) {
	secret := "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\ndata:\n  password: aHVudGVyMg==\nstringData:\n  user: payments\n"
	runCases(t, "secrets/k8s-secret-data", []secretCase{
		{name: "data and stringData", files: map[string]string{"s.yaml": secret}, want: []string{"s.yaml:6:1: Secret db commits 1 value in data", "s.yaml:8:1: Secret db commits 1 value in stringData"}, secret: "aHVudGVyMg=="},
		{name: "second document", files: map[string]string{"all.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n---\n" + secret}, want: []string{"all.yaml:11:1: in data", "all.yaml:13:1: in stringData"}},
		{name: "list", files: map[string]string{"list.yml": "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Secret\n    metadata: {name: a}\n    data:\n      k: dg==\n      j: dg==\n"}, want: []string{"list.yml:7:5: Secret a commits 2 values in data"}},
		{name: "empty and placeholders", files: map[string]string{"s.yaml": "apiVersion: v1\nkind: Secret\nmetadata: {name: db}\ndata: {}\nstringData:\n  a: \"\"\n  b: ${DB_PASSWORD}\n  c: '{{ .Values.password }}'\n  d: <set-me>\n"}},
		{name: "no data", files: map[string]string{"s.yaml": "apiVersion: v1\nkind: Secret\nmetadata:\n  name: filled-by-a-controller\ntype: kubernetes.io/service-account-token\n"}},
		{name: "other kinds", files: map[string]string{"s.yaml": "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata: {name: db}\nspec:\n  encryptedData:\n    password: AgBy3i4OJSWK+PiTySYZZA==\n", "t.yaml": "apiVersion: example.com/v1\nkind: Secret\ndata: {a: b}\n"}},
		{name: "allowed", files: map[string]string{"s.yaml": strings.Replace(secret, "data:\n  password", "data: # platform:allow-secret\n  password", 1)}, want: []string{"s.yaml:8:1: in stringData"}},
		{name: "not YAML", files: map[string]string{"s.json": `{"kind": "Secret", "data": {"a": "b"}}`}},
		{name: "invalid YAML", files: map[string]string{"s.yaml": "kind: Secret\ndata:\n  a: [\n"}},
	})
}

func TestRedaction(t *testing.T) {
	f := linttest.Of(linttest.Run(secrets.Rules(), map[string]string{"x": glpat + "\n"}), "secrets/token")
	if len(f) != 1 || !strings.HasSuffix(f[0].Message, "glpat-…"+glpat[len(glpat)-4:]) {
		t.Fatalf("want the prefix and last four characters: %s", dump(f))
	}
}

func FuzzSecrets(f *testing.F) {
	f.Add([]byte(rsaKey))
	f.Add([]byte("password: " + entropy + "\n" + glpat + "\nkind: Secret\ndata: {a: b}\n"))
	f.Add([]byte("{\"type\": \"service_account\", \"private_key\": \"" + strings.Repeat("A", 70) + "\"}"))
	f.Add([]byte("PuTTY-User-Key-File-2: x\nPrivate-Lines: 1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, p := range []string{"a.yaml", "b.txt", "yarn.lock"} {
			for _, finding := range linttest.Run(secrets.Rules(), map[string]string{p: string(data)}) {
				if finding.Line < 1 || finding.Column < 1 || finding.Message == "" {
					t.Fatalf("malformed finding %+v", finding)
				}
			}
		}
	})
}
