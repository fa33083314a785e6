package nunjucks

import (
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestFromYAMLKeepsOrder(t *testing.T) {
	var n yaml.Node
	src := "name: svc\nzeta: 1\nalpha: [a, {y: 2, x: 1}]\non: yes\nwhen: 2001-12-14\nport: 8080\nratio: 1.5\nnothing: null\n"
	if err := yaml.Unmarshal([]byte(src), &n); err != nil {
		t.Fatal(err)
	}
	v, err := FromYAML(&n)
	if err != nil {
		t.Fatal(err)
	}
	e := backstage()
	got, err := e.Render("t", "${{ values | dump }}|{% for k, v in values %}${{ k }},{% endfor %}", map[string]any{"values": v})
	if err != nil {
		t.Fatal(err)
	}
	// YAML 1.2: "yes" and dates are strings.
	want := `{"name":"svc","zeta":1,"alpha":["a",{"y":2,"x":1}],"on":"yes","when":"2001-12-14","port":8080,"ratio":1.5,"nothing":null}|name,zeta,alpha,on,when,port,ratio,nothing,`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestFromYAMLAliasBomb(t *testing.T) {
	src := "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
	prev := "a"
	for _, name := range []string{"b", "c", "d", "e", "f", "g", "h"} {
		src += name + ": &" + name + " [*" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + "]\n"
		prev = name
	}
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(src), &n); err != nil {
		t.Skipf("yaml refused the document itself: %v", err)
	}
	if _, err := FromYAML(&n); err == nil {
		t.Fatal("expanded an alias bomb")
	}
}

func TestKeepOrder(t *testing.T) {
	e := New(Options{VariableStart: "${{", VariableEnd: "}}", KeepOrder: true})
	v, err := e.RenderInput("input", "${{ {z: 1, a: {c: 2, b: nope} } }}", nil)
	if err != nil {
		t.Fatal(err)
	}
	o, ok := v.(*Object)
	if !ok {
		t.Fatalf("got %T, want *Object", v)
	}
	out, _ := fDump(nil, o, nil)
	if out != `{"z":1,"a":{"c":2}}` {
		t.Errorf("dump = %s", out)
	}
	v, _ = e.Eval("{b: 1, a: 2}", nil)
	if o, ok := v.(*Object); !ok || o.Keys()[0] != "b" {
		t.Errorf("Eval = %#v", v)
	}
	p, err := ParseJSON(`{"b": {"d": 1, "c": 2}, "a": []}`)
	if err != nil {
		t.Fatal(err)
	}
	out, _ = fDump(nil, p, nil)
	if out != `{"b":{"d":1,"c":2},"a":[]}` {
		t.Errorf("ParseJSON order lost: %s", out)
	}
}
