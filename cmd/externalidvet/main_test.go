package main_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// TestVetTool builds externalidvet and runs it as
// "go vet -vettool=externalidvet ./..." over testdata/samplemod, a module
// that uses the real AWS SDK: bad.go must be reported line by line and
// good.go not at all.
func TestVetTool(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping in short mode: builds externalidvet and runs go vet over testdata/samplemod, " +
			"which needs the AWS SDK modules from the module cache or proxy")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("skipping: no go command: %v", err)
	}

	bin := filepath.Join(t.TempDir(), "externalidvet")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	build := exec.Command(goTool, "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build = %v; want nil\n%s", err, out)
	}

	// Vet a copy, so that -mod=mod never rewrites the source tree.
	mod := t.TempDir()
	if err := os.CopyFS(mod, os.DirFS(filepath.Join("testdata", "samplemod"))); err != nil {
		t.Fatal(err)
	}
	vet := exec.Command(goTool, "vet", "-vettool="+bin, "./...")
	vet.Dir = mod
	vet.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	out, err := vet.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		t.Fatalf("go vet = %v; want an exit error for the findings in bad.go\n%s", err, out)
	}

	tests := []struct {
		name string
		want string // regexp of one output line
	}{
		{"MissingInput", `^bad\.go:16:\d+: externalidvet\(missing\): sts\.AssumeRoleInput without ExternalId: AssumeRole will be denied`},
		{"EmptyInput", `^bad\.go:22:\d+: externalidvet\(missing\): sts\.AssumeRoleInput with an empty ExternalId`},
		{"HardcodedInput", `^bad\.go:29:\d+: externalidvet\(hardcoded\): sts\.AssumeRoleInput\.ExternalId is a hard-coded constant`},
		{"InvalidInput", `^bad\.go:35:\d+: externalidvet\(invalid\): sts\.AssumeRoleInput\.ExternalId constant has a character STS does not allow`},
		{"MissingProvider", `^bad\.go:41:\d+: externalidvet\(missing\): stscreds\.NewAssumeRoleProvider without an option that sets ExternalID`},
		{"MissingOptions", `^bad\.go:49:\d+: externalidvet\(missing\): stscreds\.AssumeRoleOptions without ExternalID`},
		{"MissingConfig", `^bad\.go:55:\d+: externalidvet\(missing\): config\.WithAssumeRoleCredentialOptions with an option that does not set ExternalID`},
		{"BareSuppression", `^bad\.go:62:\d+: externalidvet\(suppression\): //externalid:ignore needs a reason`},
		{"BareSuppressionSuppressesNothing", `^bad\.go:63:\d+: externalidvet\(missing\): stscreds\.NewAssumeRoleProvider without`},
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	var findings []string
	for _, line := range lines {
		if strings.Contains(line, "externalidvet(") {
			findings = append(findings, line)
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			re := regexp.MustCompile(tt.want)
			for _, line := range findings {
				if re.MatchString(line) {
					return
				}
			}
			t.Errorf("go vet output has no line matching %q\n%s", tt.want, out)
		})
	}
	if len(findings) != len(tests) {
		t.Errorf("go vet reported %d findings; want %d\n%s", len(findings), len(tests), out)
	}
	if strings.Contains(string(out), "good.go") {
		t.Errorf("go vet reported correct code in good.go:\n%s", out)
	}
}
