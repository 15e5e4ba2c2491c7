package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/tenantrole/externalid/externalidtest"
)

// cli runs the command against a kit, signing as the kit's SaaS principal
// through the standard AWS environment variables.
type cli struct {
	t   *testing.T
	srv *externalidtest.Server
}

func newCLI(t *testing.T) *cli {
	srv := externalidtest.New(t)
	saas := srv.SaaS()
	dir := t.TempDir()
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID":           saas.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY":       saas.SecretAccessKey,
		"AWS_SESSION_TOKEN":           "",
		"AWS_REGION":                  srv.Region(),
		"AWS_PROFILE":                 "",
		"AWS_CONFIG_FILE":             filepath.Join(dir, "config"),
		"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials"),
		"AWS_EC2_METADATA_DISABLED":   "true",
		"AWS_ENDPOINT_URL":            "",
	} {
		t.Setenv(k, v)
	}
	return &cli{t: t, srv: srv}
}

// run runs the command with --endpoint-url pointing at the kit (for
// commands that talk to AWS) and returns the exit code and outputs. Its
// stdout is not a terminal.
func (c *cli) run(args ...string) (int, string, string) {
	c.t.Helper()
	return c.runTerminal(false, args...)
}

// runTerminal is run with stdout a terminal or not, as terminal says.
func (c *cli) runTerminal(terminal bool, args ...string) (int, string, string) {
	c.t.Helper()
	if len(args) > 0 && args[0] != "demo" && !contains(args, "--help") {
		args = append(args, "--endpoint-url", c.srv.URL())
	}
	var stdout, stderr bytes.Buffer
	a := &app{stdout: &stdout, stderr: &stderr, isTerminal: func(io.Writer) bool { return terminal }}
	code := a.run(context.Background(), args)
	return code, stdout.String(), stderr.String()
}

// must runs the command and fails the test unless it exits with want.
func (c *cli) must(want int, args ...string) string {
	c.t.Helper()
	code, stdout, stderr := c.run(args...)
	if code != want {
		c.t.Fatalf("externalid %s: exit %d; want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, want, stdout, stderr)
	}
	return stdout
}

// secret returns a stage of the tenant's secret, read from the kit.
func (c *cli) secret(tenant, stage string) string {
	c.t.Helper()
	out, err := c.srv.SecretsManager(c.srv.SaaS()).GetSecretValue(context.Background(), &secretsmanager.GetSecretValueInput{
		SecretId: aws.String("externalid/" + tenant), VersionStage: aws.String(stage),
	})
	if err != nil {
		c.t.Fatal(err)
	}
	return aws.ToString(out.SecretString)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func noValue(t *testing.T, what, s, value string) {
	t.Helper()
	if strings.Contains(s, value) {
		t.Errorf("%s prints the ExternalId value:\n%s", what, s)
	}
}

func TestUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want int
		out  string // expected in stdout or stderr
	}{
		{name: "no command", args: nil, want: exitUsage, out: "Usage: externalid <command>"},
		{name: "help", args: []string{"help"}, want: exitOK, out: "Exit codes"},
		{name: "--help", args: []string{"--help"}, want: exitOK, out: "Commands:"},
		{name: "unknown", args: []string{"frobnicate"}, want: exitUsage, out: `unknown command "frobnicate"`},
		{name: "new --help", args: []string{"new", "--help"}, want: exitOK, out: "Usage: externalid new"},
		{name: "trust-policy --help", args: []string{"trust-policy", "--help"}, want: exitOK, out: "-principal"},
		{name: "cfn --help", args: []string{"cfn", "--help"}, want: exitOK, out: "-template-url"},
		{name: "verify --help", args: []string{"verify", "--help"}, want: exitOK, out: "-role-arn"},
		{name: "resolve --help", args: []string{"resolve", "--help"}, want: exitOK, out: "-reveal"},
		{name: "demo --help", args: []string{"demo", "--help"}, want: exitOK, out: "emulator"},
		{name: "rotate --help", args: []string{"rotate", "--help"}, want: exitOK, out: "rotate promote"},
		{name: "rotate promote --help", args: []string{"rotate", "promote", "--help"}, want: exitOK, out: "-force"},
		{name: "rotate without step", args: []string{"rotate"}, want: exitUsage, out: "needs a step"},
		{name: "rotate unknown step", args: []string{"rotate", "finish"}, want: exitUsage, out: "unknown rotate step"},
		{name: "missing tenant", args: []string{"new"}, want: exitUsage, out: "--tenant is required"},
		{name: "bad tenant", args: []string{"resolve", "--tenant", "a/b"}, want: exitUsage, out: "invalid tenant id"},
		{name: "unknown flag", args: []string{"verify", "--tenant", "acme", "--nope"}, want: exitUsage, out: "-nope"},
		{name: "bad role", args: []string{"verify", "--tenant", "acme", "--role-arn", "role"}, want: exitUsage, out: "--role-arn"},
		{name: "stray argument", args: []string{"new", "--tenant", "acme", "extra"}, want: exitUsage, out: "unexpected argument"},
		{name: "cfn tenant without URL", args: []string{"cfn", "--tenant", "acme"}, want: exitUsage, out: "--template-url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tt.args, &stdout, &stderr)
			if code != tt.want {
				t.Errorf("run(%q) = %d; want %d\nstderr: %s", tt.args, code, tt.want, stderr.String())
			}
			if !strings.Contains(stdout.String()+stderr.String(), tt.out) {
				t.Errorf("run(%q) output lacks %q:\nstdout: %s\nstderr: %s", tt.args, tt.out, stdout.String(), stderr.String())
			}
		})
	}
}

// TestOnboardingEndToEnd onboards a tenant through the CLI: new, resolve,
// trust-policy, cfn, and verify, against the kit over HTTP.
func TestOnboardingEndToEnd(t *testing.T) {
	c := newCLI(t)

	out := c.must(exitOK, "new", "--tenant", "acme", "--tag", "team=billing")
	if !strings.Contains(out, "created secret externalid/acme") {
		t.Fatalf("new: %s", out)
	}
	value := c.secret("acme", "AWSCURRENT")
	noValue(t, "new", out, value)
	if out := c.must(exitOK, "new", "--tenant", "acme"); !strings.Contains(out, "kept existing secret") {
		t.Errorf("second new: %s", out)
	}
	if c.secret("acme", "AWSCURRENT") != value {
		t.Fatalf("a second new changed the value")
	}
	var created struct{ Created bool }
	if err := json.Unmarshal([]byte(c.must(exitOK, "new", "--tenant", "acme", "--json")), &created); err != nil || created.Created {
		t.Errorf("new --json = %+v, %v; want created false", created, err)
	}

	// resolve prints the fingerprint, and the value only with --reveal.
	out = c.must(exitOK, "resolve", "--tenant", "acme")
	noValue(t, "resolve", out, value)
	if !strings.HasPrefix(out, "sha256:") {
		t.Errorf("resolve = %q; want a fingerprint", out)
	}
	out = c.must(exitOK, "resolve", "--tenant", "acme", "--json")
	noValue(t, "resolve --json", out, value)
	if out := c.must(exitOK, "resolve", "--tenant", "acme", "--reveal"); !strings.Contains(out, value) {
		t.Errorf("resolve --reveal = %q; want the value", out)
	}
	if code, _, _ := c.run("resolve", "--tenant", "acme", "--stage", "AWSPENDING"); code != exitFailure {
		t.Errorf("resolve --stage AWSPENDING without a rotation: exit %d; want %d", code, exitFailure)
	}
	if code, _, stderr := c.run("resolve", "--tenant", "nobody"); code != exitFailure || !strings.Contains(stderr, "not found") {
		t.Errorf("resolve of an unknown tenant: exit %d, %s; want %d and not found", code, stderr, exitFailure)
	}

	// trust-policy, for the caller by default; the customer attaches it.
	policy := c.must(exitOK, "trust-policy", "--tenant", "acme", "--reveal")
	if !strings.Contains(policy, value) || !strings.Contains(policy, c.srv.SaaS().ARN) {
		t.Fatalf("trust-policy lacks the value or the SaaS principal:\n%s", policy)
	}
	role, err := c.srv.CreateRole("444455556666", "SaaSIntegrationRole", policy)
	if err != nil {
		t.Fatalf("the kit rejects the trust policy: %v", err)
	}
	var tp struct{ Policy json.RawMessage }
	if err := json.Unmarshal([]byte(c.must(exitOK, "trust-policy", "--tenant", "acme", "--principal", "111122223333", "--json")), &tp); err != nil || len(tp.Policy) == 0 {
		t.Errorf("trust-policy --json: %v", err)
	}

	// verify passes.
	out = c.must(exitOK, "verify", "--tenant", "acme", "--role-arn", role.ARN)
	noValue(t, "verify", out, value)
	if !strings.Contains(out, "OK: the role requires") {
		t.Errorf("verify:\n%s", out)
	}
	var report struct {
		Probes []struct{ Name, Want, Got string }
	}
	out = c.must(exitOK, "verify", "--tenant", "acme", "--role-arn", role.ARN, "--json")
	if err := json.Unmarshal([]byte(out), &report); err != nil || len(report.Probes) != 3 {
		t.Errorf("verify --json = %s, %v; want three probes", out, err)
	}

	// cfn: the template holds no value; the link does.
	out = c.must(exitOK, "cfn", "--principal", "111122223333", "--managed-policy-arn", "arn:aws:iam::aws:policy/ReadOnlyAccess")
	if !strings.Contains(out, "AWS::IAM::Role") || !strings.Contains(out, "ReadOnlyAccess") {
		t.Errorf("cfn:\n%s", out)
	}
	noValue(t, "cfn", out, value)
	out = c.must(exitOK, "cfn", "--tenant", "acme", "--template-url", "https://bucket.s3.amazonaws.com/role.yaml", "--principal", "111122223333", "--reveal")
	if !strings.Contains(out, "region=us-east-1#/stacks/quickcreate?templateURL=https%3A%2F%2Fbucket.s3.amazonaws.com%2Frole.yaml") ||
		!strings.Contains(out, "param_ExternalId="+value) || !strings.Contains(out, "param_SaaSPrincipal=111122223333") {
		t.Errorf("cfn --template-url = %s", out)
	}
}

// TestVerifyExitCodes checks exit 3 for a role that does not enforce the
// ExternalId and 4 for one that refuses the tenant's value.
func TestVerifyExitCodes(t *testing.T) {
	c := newCLI(t)
	cust, err := c.srv.SeedCustomer("acme", func(o *externalidtest.CustomerOptions) {
		o.TrustPolicy = externalidtest.TrustPolicy(c.srv.SaaS().ARN)
	})
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := c.run("verify", "--tenant", "acme", "--role-arn", cust.Role.ARN)
	if code != exitNotEnforced || !strings.Contains(stdout, "remedy") || !strings.Contains(stderr, "does not enforce") {
		t.Errorf("verify of a role without the condition: exit %d; want %d with a remedy\nstdout:\n%s\nstderr:\n%s", code, exitNotEnforced, stdout, stderr)
	}
	noValue(t, "verify", stdout+stderr, cust.ExternalID)

	if err := c.srv.UpdateAssumeRolePolicy(cust.Role.ARN, externalidtest.TrustPolicy(c.srv.SaaS().ARN, "another-value")); err != nil {
		t.Fatal(err)
	}
	if code, stdout, stderr := c.run("verify", "--tenant", "acme", "--role-arn", cust.Role.ARN, "--json"); code != exitNotAccepted {
		t.Errorf("verify of a role that wants another value: exit %d; want %d\n%s\n%s", code, exitNotAccepted, stdout, stderr)
	}
}

// TestRotateEndToEnd rotates through the CLI.
func TestRotateEndToEnd(t *testing.T) {
	c := newCLI(t)
	cust, err := c.srv.SeedCustomer("acme")
	if err != nil {
		t.Fatal(err)
	}
	old := cust.ExternalID
	out := c.must(exitOK, "rotate", "start", "--tenant", "acme")
	if !strings.Contains(out, "stored a new pending ExternalId") {
		t.Fatalf("rotate start:\n%s", out)
	}
	pending := c.secret("acme", "AWSPENDING")
	noValue(t, "rotate start", out, pending)
	if out := c.must(exitOK, "rotate", "start", "--tenant", "acme"); !strings.Contains(out, "already in progress") {
		t.Errorf("second rotate start:\n%s", out)
	}

	// Promote is refused until the customer accepts the new value.
	c.must(exitNotAccepted, "rotate", "promote", "--tenant", "acme", "--role-arn", cust.Role.ARN)

	both := c.must(exitOK, "trust-policy", "--tenant", "acme", "--reveal")
	if !strings.Contains(both, old) || !strings.Contains(both, pending) {
		t.Fatalf("trust-policy during a rotation lacks a value:\n%s", both)
	}
	if err := c.srv.UpdateAssumeRolePolicy(cust.Role.ARN, both); err != nil {
		t.Fatal(err)
	}
	out = c.must(exitOK, "rotate", "promote", "--tenant", "acme", "--role-arn", cust.Role.ARN, "--json")
	var rot struct {
		Promoted bool
		Current  struct{ Fingerprint string }
		Pending  *struct{}
	}
	if err := json.Unmarshal([]byte(out), &rot); err != nil || !rot.Promoted || rot.Pending != nil {
		t.Fatalf("rotate promote --json = %s, %v", out, err)
	}
	if c.secret("acme", "AWSCURRENT") != pending || c.secret("acme", "AWSPREVIOUS") != old {
		t.Fatalf("after promote the stages did not move")
	}
	only := c.must(exitOK, "trust-policy", "--tenant", "acme", "--reveal")
	if strings.Contains(only, old) || !strings.Contains(only, pending) {
		t.Fatalf("trust-policy after the rotation:\n%s", only)
	}
	out = c.must(exitOK, "rotate", "status", "--tenant", "acme")
	if !strings.Contains(out, "AWSPREVIOUS") || strings.Contains(out, "AWSPENDING") {
		t.Errorf("rotate status:\n%s", out)
	}
	c.must(exitFailure, "rotate", "promote", "--tenant", "acme", "--role-arn", cust.Role.ARN)
}

func TestDemo(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"demo"}, &stdout, &stderr); code != exitOK {
		t.Fatalf("demo: exit %d\n%s\n%s", code, stdout.String(), stderr.String())
	}
	for _, want := range []string{"OK: the role requires", "FLAGGED", "promote: refused", " 0 failed"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("demo output lacks %q:\n%s", want, stdout.String())
		}
	}
	stdout.Reset()
	if code := run(context.Background(), []string{"demo", "--json"}, &stdout, &stderr); code != exitOK {
		t.Fatalf("demo --json: exit %d\n%s", code, stderr.String())
	}
	var sum demoSummary
	if err := json.Unmarshal(stdout.Bytes(), &sum); err != nil || sum.Failed != 0 || sum.Retrieves == 0 || !sum.Enforced.OK() || sum.NotEnforced.TrustEnforced() {
		t.Errorf("demo --json = %s, %v", stdout.String(), err)
	}
}

// TestRoleARNFlag refuses an ARN that is not an IAM role's as a usage
// error, before calling AWS.
func TestRoleARNFlag(t *testing.T) {
	c := newCLI(t)
	if _, err := c.srv.SeedCustomer("acme"); err != nil {
		t.Fatal(err)
	}
	c.must(exitOK, "rotate", "start", "--tenant", "acme")
	tests := []struct {
		name string
		args []string
		out  string
	}{
		{"verify user ARN", []string{"verify", "--tenant", "acme", "--role-arn", "arn:aws:iam::444455556666:user/bob"}, `names "user/bob"`},
		{"verify S3 ARN", []string{"verify", "--tenant", "acme", "--role-arn", "arn:aws:s3:::bucket"}, `service "s3"`},
		{"verify missing", []string{"verify", "--tenant", "acme"}, "--role-arn is required"},
		{"promote user ARN", []string{"rotate", "promote", "--tenant", "acme", "--role-arn", "arn:aws:iam::444455556666:user/bob"}, `names "user/bob"`},
		{"promote regional ARN", []string{"rotate", "promote", "--tenant", "acme", "--role-arn", "arn:aws:iam:us-east-1:444455556666:role/R"}, "has a region"},
		{"promote forced, missing", []string{"rotate", "promote", "--tenant", "acme", "--force"}, "--role-arn is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := c.run(tt.args...)
			if code != exitUsage || !strings.Contains(stderr, "--role-arn must be an IAM role ARN") && !strings.Contains(stderr, "--role-arn is required") || !strings.Contains(stderr, tt.out) {
				t.Errorf("externalid %s: exit %d; want %d with %q\nstdout:\n%s\nstderr:\n%s", strings.Join(tt.args, " "), code, exitUsage, tt.out, stdout, stderr)
			}
		})
	}
	if v := c.secret("acme", "AWSPENDING"); v == c.secret("acme", "AWSCURRENT") {
		t.Errorf("a refused promote moved AWSCURRENT")
	}
}

// TestRevealOnlyToTerminal prints the ExternalId in the trust policy and
// the quick-create link only to a terminal or with --reveal; otherwise a
// placeholder, and a note on stderr.
func TestRevealOnlyToTerminal(t *testing.T) {
	c := newCLI(t)
	c.must(exitOK, "new", "--tenant", "acme")
	value := c.secret("acme", "AWSCURRENT")
	fingerprint := strings.TrimSpace(c.must(exitOK, "resolve", "--tenant", "acme"))
	placeholder := "<ExternalId of tenant acme, fingerprint " + fingerprint + ">"
	const url = "https://bucket.s3.amazonaws.com/role.yaml"
	commands := map[string][]string{
		"trust-policy":        {"trust-policy", "--tenant", "acme", "--principal", "111122223333"},
		"trust-policy --json": {"trust-policy", "--tenant", "acme", "--principal", "111122223333", "--json"},
		"cfn":                 {"cfn", "--tenant", "acme", "--template-url", url},
		"cfn --json":          {"cfn", "--tenant", "acme", "--template-url", url, "--json"},
	}
	for name, args := range commands {
		t.Run(name, func(t *testing.T) {
			for _, tt := range []struct {
				name     string
				terminal bool
				reveal   bool
			}{
				{"redirected", false, false},
				{"redirected with --reveal", false, true},
				{"terminal", true, false},
			} {
				args := args
				if tt.reveal {
					args = append(append([]string{}, args...), "--reveal")
				}
				code, stdout, stderr := c.runTerminal(tt.terminal, args...)
				if code != exitOK {
					t.Fatalf("%s: exit %d\n%s", tt.name, code, stderr)
				}
				shown := tt.terminal || tt.reveal
				if got := strings.Contains(stdout, value); got != shown {
					t.Errorf("%s: stdout holds the value = %v; want %v\n%s", tt.name, got, shown, stdout)
				}
				if got := strings.Contains(stdout, placeholder); got == shown {
					t.Errorf("%s: stdout holds the placeholder = %v; want %v\n%s", tt.name, got, !shown, stdout)
				}
				if got := strings.Contains(stderr, "pass --reveal"); got == shown {
					t.Errorf("%s: stderr note = %v; want %v\n%s", tt.name, got, !shown, stderr)
				}
				noValue(t, tt.name+" stderr", stderr, value)
			}
		})
	}

	// The redacted policy is still a valid policy document.
	_, policy, _ := c.run("trust-policy", "--tenant", "acme", "--principal", "111122223333")
	var doc struct {
		Statement []struct{ Condition map[string]map[string]string }
	}
	if err := json.Unmarshal([]byte(policy), &doc); err != nil || len(doc.Statement) != 1 ||
		doc.Statement[0].Condition["StringEquals"]["sts:ExternalId"] != placeholder {
		t.Errorf("redacted trust-policy = %s, %v; want the placeholder as the condition value", policy, err)
	}
}

func TestIsTerminal(t *testing.T) {
	devNull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer devNull.Close()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	file, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	for name, tt := range map[string]struct {
		w    io.Writer
		want bool
	}{
		"character device": {devNull, true},
		"pipe":             {w, false},
		"regular file":     {file, false},
		"buffer":           {&bytes.Buffer{}, false},
	} {
		if got := isTerminal(tt.w); got != tt.want {
			t.Errorf("isTerminal(%s) = %v; want %v", name, got, tt.want)
		}
	}
}

// TestNewExistingSecret keeps an untagged secret with a warning, and
// refuses one the resolver cannot read, without printing its content.
func TestNewExistingSecret(t *testing.T) {
	c := newCLI(t)
	const value = "existing-value-0001"
	if _, err := c.srv.CreateSecret(c.srv.SaaSAccountID(), "externalid/acme", value); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := c.run("new", "--tenant", "acme")
	if code != exitOK || !strings.Contains(stdout, "kept existing secret") || !strings.Contains(stderr, "has no externalid:tenant tag") {
		t.Errorf("new over an untagged secret: exit %d; want %d, kept, with a warning\nstdout:\n%s\nstderr:\n%s", code, exitOK, stdout, stderr)
	}
	noValue(t, "new", stdout+stderr, value)

	const bad = "not a valid ExternalId"
	if _, err := c.srv.CreateSecret(c.srv.SaaSAccountID(), "externalid/globex", bad); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = c.run("new", "--tenant", "globex")
	if code != exitFailure || strings.Contains(stdout, "kept existing secret") || !strings.Contains(stderr, "invalid ExternalId") {
		t.Errorf("new over an unusable secret: exit %d; want %d and an invalid ExternalId error\nstdout:\n%s\nstderr:\n%s", code, exitFailure, stdout, stderr)
	}
	noValue(t, "new", stdout+stderr, bad)
}
