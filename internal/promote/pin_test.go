package promote

import (
	"bytes"
	"strings"
	"testing"
)

var (
	digestA = "sha256:" + strings.Repeat("a", 64)
	digestB = "sha256:" + strings.Repeat("b", 64)
)

// golden is the overlay the go-service template writes.
const golden = `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: payments-api-staging
resources:
  - ../../base
# The version running in staging. ` + "`platform promote staging`" + ` edits newTag in a merge request.
images:
  - name: registry.example.com/payments/payments-api
    newTag: 0.1.0
`

const img = "registry.example.com/payments/payments-api"

func TestReadPin(t *testing.T) {
	cases := []struct {
		name, data, image string
		want              Pin
		wantErr           string
	}{
		{"golden", golden, img, Pin{Image: img, Tag: "0.1.0", Line: 9}, ""},
		{"only entry", golden, "", Pin{Image: img, Tag: "0.1.0", Line: 9}, ""},
		{"quoted", "images:\n- name: x\n  newTag: \"1.2.3\"\n", "x", Pin{Image: "x", Tag: "1.2.3", Line: 3}, ""},
		{"digest wins", "images:\n- name: x\n  newTag: '1'\n  digest: " + digestA + "\n", "x", Pin{Image: "x", Tag: "1", Digest: digestA, Line: 4}, ""},
		{"neither", "images:\n- name: x\n  newName: y\n", "x", Pin{Image: "x", Line: 2}, ""},
		{"empty tag", "images:\n- name: x\n  newTag:\n", "x", Pin{Image: "x", Line: 2}, ""},
		{"flow", `images: [{name: x, newTag: "1"}, {name: y, digest: ` + digestB + `}]`, "y", Pin{Image: "y", Digest: digestB, Line: 1}, ""},
		{"number", "images:\n- name: x\n  newTag: 1.10\n", "x", Pin{Image: "x", Tag: "1.10", Line: 3}, ""},
		{"unknown image", golden, "registry.example.com/other", Pin{}, "image registry.example.com/other is not in the kustomization's images (it lists " + img + ")"},
		{"several", "images:\n- {name: a, newTag: '1'}\n- {name: b, newTag: '2'}\n", "", Pin{}, "the kustomization pins several images (a, b): set promotion.image in platform.yaml to the one to promote"},
		{"twice", "images:\n- {name: a, newTag: '1'}\n- {name: a, newTag: '2'}\n", "a", Pin{}, "line 3: image a is listed twice in images"},
		{"no images", "resources: [../../base]\n", "", Pin{}, "the kustomization has no images[] entries: add one for the service image"},
		{"empty images", "images: []\n", "", Pin{}, "the kustomization has no images[] entries: add one for the service image"},
		{"empty file", "", "", Pin{}, "the kustomization is empty: it has no images[] entries"},
		{"images not a list", "images: {name: x}\n", "", Pin{}, "line 1: images is not a list"},
		{"entry not a mapping", "images: [x]\n", "", Pin{}, "line 1: images[0] is not a mapping"},
		{"no name", "images: [{newTag: '1'}]\n", "", Pin{}, "line 1: images[0] has no name"},
		{"not a mapping", "- a\n", "", Pin{}, "line 1: not a kustomization: the top level is not a mapping"},
		{"duplicate key", "images:\n- name: x\n  newTag: '1'\n  newTag: '2'\n", "x", Pin{}, "line 4: key newTag is set twice"},
		{"tag not a string", "images:\n- name: x\n  newTag: [1]\n", "x", Pin{}, "line 3: images[0].newTag is not a string"},
		{"invalid yaml", "images: [\n", "", Pin{}, "invalid YAML: "},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ReadPin([]byte(c.data), c.image)
			if c.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), c.wantErr) {
					t.Fatalf("error = %v, want %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Fatalf("pin = %+v, want %+v", got, c.want)
			}
		})
	}
}

func TestVersion(t *testing.T) {
	if v := (Pin{Tag: "1", Digest: digestA}).Version(); v != digestA {
		t.Errorf("digest and tag: %q", v)
	}
	if v := (Pin{Tag: "1"}).Version(); v != "1" {
		t.Errorf("tag: %q", v)
	}
}

func TestSetPin(t *testing.T) {
	cases := []struct {
		name, data, image, version, want string
	}{
		{"golden", golden, img, "0.2.0", strings.Replace(golden, "newTag: 0.1.0", "newTag: 0.2.0", 1)},
		{"double quotes kept", "images:\n- name: x\n  newTag: \"1.2.3\"\n", "x", "1.3.0", "images:\n- name: x\n  newTag: \"1.3.0\"\n"},
		{"single quotes kept", "images:\n- name: x\n  newTag: '1.2.3' # pinned\n", "x", "1.3.0", "images:\n- name: x\n  newTag: '1.3.0' # pinned\n"},
		{"longer and shorter values", "images:\n- name: x\n  newTag: v1\n  newName: y\n", "x", "v1.0.0-rc.1", "images:\n- name: x\n  newTag: v1.0.0-rc.1\n  newName: y\n"},
		{
			"comments and odd indentation",
			"# head\nimages:   # the images\n\n-     name: reg/app   # the app\n      newTag:    1.0.0     # pinned\n\n\n-     name: other\n      newTag: 2.0.0\nnamespace: x  # ns\n",
			"reg/app", "1.1.0",
			"# head\nimages:   # the images\n\n-     name: reg/app   # the app\n      newTag:    1.1.0     # pinned\n\n\n-     name: other\n      newTag: 2.0.0\nnamespace: x  # ns\n",
		},
		{"second image", "images:\n  - name: a\n    newTag: '1'\n  - name: b\n    newTag: '1'\n", "b", "2", "images:\n  - name: a\n    newTag: '1'\n  - name: b\n    newTag: '2'\n"},
		{"tag to digest", "images:\n  - name: x\n    newTag: 1.2.3 # old\n    newName: y\n", "x", digestA, "images:\n  - name: x\n    digest: " + digestA + "\n    newName: y\n"},
		{"tag to digest apart", "images:\n  - name: x\n    newName: y\n    newTag: 1.2.3\n", "x", digestA, "images:\n  - name: x\n    digest: " + digestA + "\n    newName: y\n"},
		{"digest to tag", "images:\n  - name: x\n    digest: " + digestA + "\n", "x", "1.2.3", "images:\n  - name: x\n    newTag: 1.2.3\n"},
		{"digest to digest", "images:\n  - name: x\n    digest: \"" + digestA + "\"\n", "x", digestB, "images:\n  - name: x\n    digest: \"" + digestB + "\"\n"},
		{"both to digest", "images:\n  - name: x\n    newTag: '1'\n    digest: " + digestA + "\n", "x", digestB, "images:\n  - name: x\n    digest: " + digestB + "\n"},
		{"both to tag", "images:\n  - name: x\n    newTag: '1'\n    digest: " + digestA + "\n", "x", "1", "images:\n  - name: x\n    newTag: '1'\n"},
		{"flow", `images: [{name: x, newTag: "1"}]` + "\n", "x", "2.0.0", `images: [{name: x, newTag: "2.0.0"}]` + "\n"},
		{"flow missing", "images: [{name: x}]\n", "x", "1.2.3", "images: [{name: x, newTag: 1.2.3}]\n"},
		{"flow tag to digest", `images: [{name: x, newTag: "1", newName: y}]`, "x", digestA, `images: [{name: x, digest: ` + digestA + `, newName: y}]`},
		{"flow digest first", `images: [{digest: ` + digestA + `, name: x}]`, "x", "1.0", `images: [{name: x, newTag: "1.0"}]`},
		{"flow several lines", "images: [\n  {name: x,\n   newTag: '1'},\n]\n", "x", "2", "images: [\n  {name: x,\n   newTag: '2'},\n]\n"},
		{"missing field", "images:\n  - name: x # the app\n    newName: y\n", "x", "1.2.3", "images:\n  - name: x # the app\n    newTag: 1.2.3\n    newName: y\n"},
		{"missing field, name not first", "images:\n  - newName: y\n    name: x\n", "x", "1.2.3", "images:\n  - newName: y\n    name: x\n    newTag: 1.2.3\n"},
		{"missing field at the end", "images:\n- name: x", "x", "1.2.3", "images:\n- name: x\n  newTag: 1.2.3"},
		{"empty field", "images:\n- name: x\n  newTag:\n  newName: y\n", "x", "1.2.3", "images:\n- name: x\n  newTag: 1.2.3\n  newName: y\n"},
		{"empty digest left alone", "images:\n- name: x\n  newTag: '1'\n  digest:\n", "x", "2", "images:\n- name: x\n  newTag: '2'\n  digest:\n"},
		{"number needs quotes", "images:\n- name: x\n  newTag: 1.9\n", "x", "1.10", "images:\n- name: x\n  newTag: \"1.10\"\n"},
		{"yaml 1.1 bool needs quotes", "images:\n- name: x\n  newTag: v1\n", "x", "yes", "images:\n- name: x\n  newTag: \"yes\"\n"},
		{"crlf", "images:\r\n  - name: x\r\n    newTag: '1'\r\n", "x", "2", "images:\r\n  - name: x\r\n    newTag: '2'\r\n"},
		{"crlf insertion", "images:\r\n  - name: x\r\n", "x", "2", "images:\r\n  - name: x\r\n    newTag: \"2\"\r\n"},
		{"anchor and tag", "images:\n- name: x\n  newTag: !!str &v 1.0.0 # c\n", "x", "1.0.1", "images:\n- name: x\n  newTag: !!str &v 1.0.1 # c\n"},
		{"byte order mark", "\ufeffimages:\n- name: x\n  newTag: 1.0.0\n", "x", "1.0.1", "\ufeffimages:\n- name: x\n  newTag: 1.0.1\n"},
		{"unicode before", "images:\n- name: x # ümlaut ✓\n  newTag: 1.0.0 # ✓\n", "x", "1.0.1", "images:\n- name: x # ümlaut ✓\n  newTag: 1.0.1 # ✓\n"},
		{"second document untouched", "images:\n- name: x\n  newTag: '1'\n---\nimages:\n- name: x\n  newTag: '1'\n", "x", "2", "images:\n- name: x\n  newTag: '2'\n---\nimages:\n- name: x\n  newTag: '1'\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := SetPin([]byte(c.data), c.image, c.version)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != c.want {
				t.Fatalf("got\n%s\nwant\n%s\ndiff:\n%s", got, c.want, Diff("k.yaml", []byte(c.want), got))
			}
			pin, err := ReadPin(got, c.image)
			if err != nil || pin.Version() != c.version {
				t.Fatalf("read back %+v, %v; want %s", pin, err, c.version)
			}
		})
	}
}

func TestSetPinUnchanged(t *testing.T) {
	for _, data := range []string{
		golden,
		"images: [{name: x, newTag: \"0.1.0\"}]",
		"images:\n- name: x\n  digest: " + digestA + "\n  newTag:\n",
		"images:\n- name: x\n  newTag: 1.0.0 # kept beside the digest\n  digest: " + digestA + "\n",
	} {
		pin, err := ReadPin([]byte(data), "")
		if err != nil {
			t.Fatal(err)
		}
		got, err := SetPin([]byte(data), "", pin.Version())
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, []byte(data)) {
			t.Errorf("unchanged version changed the file:\n%s", got)
		}
	}
}

func TestSetPinErrors(t *testing.T) {
	cases := []struct{ name, data, image, version, want string }{
		{"bad tag", golden, img, "1.0.0\nx: y", `invalid image tag "1.0.0\nx: y"`},
		{"tag starts with a dot", golden, img, ".1", `invalid image tag ".1"`},
		{"bad digest", golden, img, "sha256:abc", `invalid digest "sha256:abc"`},
		{"unknown image", golden, "nope", "1.0.0", "image nope is not in the kustomization's images"},
		{"several", "images:\n- {name: a, newTag: '1'}\n- {name: b, newTag: '2'}\n", "", "3", "the kustomization pins several images (a, b)"},
		{"block scalar", "images:\n- name: x\n  newTag: |\n    1.0.0\n", "x", "2", `cannot pin newTag of image x in place: line 3: "1.0.0\n" is a block scalar; edit it by hand`},
		{"multi-line plain", "images:\n- name: x\n  newTag: 1.0\n    .0\n", "x", "2", `cannot pin newTag of image x in place: line 3: "1.0 .0" does not stand on one line; edit it by hand`},
		{"alias", "v: &v '1'\nimages:\n- name: x\n  newTag: *v\n", "x", "2", "line 4: images[0].newTag is not a string"},
		{"remove first key", "images:\n- digest: " + digestA + "\n  name: x\n", "x", "2", "cannot pin newTag of image x in place: line 2: digest shares its line with the start of the entry; edit it by hand"},
		{"anchored entry", "images:\n- &e {name: x, newTag: '1'}\nother: *e\n", "x", "2", "cannot pin newTag of image x in place: the edit changes more than the pin; edit it by hand"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := SetPin([]byte(c.data), c.image, c.version)
			if err == nil || !strings.HasPrefix(err.Error(), c.want) {
				t.Fatalf("error = %v, want %q", err, c.want)
			}
		})
	}
}
