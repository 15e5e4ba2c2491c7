package externalid_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestMisuseDoesNotCompile builds testdata/mustnotcompile, a program that
// tries to assume a role without a resolver, with a string ExternalId, or with
// an ExternalId option, and checks that the compiler rejects each line.
func TestMisuseDoesNotCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping: builds a program with the go command")
	}
	root, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(filepath.Join("testdata", "mustnotcompile", "main.go.txt"))
	if err != nil {
		t.Fatal(err)
	}
	gomod, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	gosum, err := os.ReadFile("go.sum")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	mod := strings.Replace(string(gomod), "module github.com/tenantrole/externalid", "module example.com/misuse", 1) +
		"\nrequire github.com/tenantrole/externalid v0.0.0\nreplace github.com/tenantrole/externalid => " + root + "\n"
	for name, data := range map[string][]byte{"go.mod": []byte(mod), "go.sum": gosum, "main.go": src} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("skipping: no go command on PATH: %v", err)
	}
	cmd := exec.Command(goCmd, "build", "-o", os.DevNull, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("misuse compiled; want errors:\n%s", out)
	}
	for _, line := range []string{"main.go:13:", "main.go:14:", "main.go:16:", "main.go:18:"} {
		if !strings.Contains(string(out), line) {
			t.Errorf("no compile error at %s; output:\n%s", line, out)
		}
	}
}
