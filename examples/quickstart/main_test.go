package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tenantrole/externalid"
	"github.com/tenantrole/externalid/externalidtest"
)

// canary replaces the generated ExternalId so the test can prove it is
// never printed.
const canary = "CANARY-quickstart-external-id-0123456789"

func useCanary(t *testing.T) externalid.ExternalID {
	t.Helper()
	id, err := externalid.New(canary)
	if err != nil {
		t.Fatal(err)
	}
	saved := generateExternalID
	generateExternalID = func() (externalid.ExternalID, error) { return id, nil }
	t.Cleanup(func() { generateExternalID = saved })
	return id
}

func runQuickstart(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out bytes.Buffer
	if err := run(ctx, &out, args); err != nil {
		t.Fatalf("run(%q) = %v; output:\n%s", args, err, out.String())
	}
	return out.String()
}

// clearAWSEnv keeps the test's own AWS configuration out of reach.
func clearAWSEnv(t *testing.T) {
	for _, k := range []string{"EXTERNALID_ROLE_ARN", "EXTERNALID_TENANT", "EXTERNALID_SECRET_PREFIX", "EXTERNALID_JSON_KEY", "AWS_REGION", "AWS_PROFILE"} {
		t.Setenv(k, "")
	}
}

func TestEmbeddedStory(t *testing.T) {
	clearAWSEnv(t)
	id := useCanary(t)
	out := runQuickstart(t)
	want := []string{
		"no AWS account needed",
		`Onboarded tenant "acme"`,
		"role        arn:aws:iam::444455550001:role/SaaSIntegrationRole",
		"secret      externalid/acme",
		"fingerprint " + id.Fingerprint(),
		"1. Raw SDK AssumeRole, ExternalId forgotten:",
		"AccessDenied: User: arn:aws:iam::111122223333:user/saas-backend is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::444455550001:role/SaaSIntegrationRole",
		`"externalId": null`,
		`"errorCode": "AccessDenied"`,
		"2. externalid.NewProvider",
		"AssumeRole succeeded with the ExternalId of fingerprint " + id.Fingerprint(),
		"GetCallerIdentity: arn:aws:sts::444455550001:assumed-role/SaaSIntegrationRole/externalid-acme",
	}
	last := -1
	for _, w := range want {
		i := strings.Index(out, w)
		if i < 0 {
			t.Errorf("output lacks %q:\n%s", w, out)
			continue
		}
		if i < last {
			t.Errorf("%q is out of order:\n%s", w, out)
		}
		last = i
	}
	if strings.Contains(out, canary) {
		t.Errorf("output contains the ExternalId value:\n%s", out)
	}
	if n := strings.Count(out, "\n"); n > 40 {
		t.Errorf("output has %d lines; want a short story (at most 40)", n)
	}
}

func TestEmbeddedOptions(t *testing.T) {
	clearAWSEnv(t)
	useCanary(t)
	out := runQuickstart(t, "-tenant", "globex", "-secret-prefix", "saas/tenants/", "-json-key", "externalId")
	for _, w := range []string{`tenant "globex"`, "secret      saas/tenants/globex", "assumed-role/SaaSIntegrationRole/externalid-globex"} {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
	if strings.Contains(out, canary) {
		t.Errorf("output contains the ExternalId value:\n%s", out)
	}
}

// TestAWSMode runs the real-AWS path with the default AWS configuration
// pointed at a kit through -endpoint-url and environment credentials.
func TestAWSMode(t *testing.T) {
	clearAWSEnv(t)
	srv := externalidtest.New(t)
	cust, err := srv.SeedCustomer("acme", func(o *externalidtest.CustomerOptions) { o.ExternalID = canary })
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_ACCESS_KEY_ID", srv.SaaS().AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", srv.SaaS().SecretAccessKey)
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("EXTERNALID_TENANT", "acme")

	args := []string{"-role-arn", cust.Role.ARN, "-region", "us-east-1", "-endpoint-url", srv.URL()}
	out := runQuickstart(t, args...)
	if strings.Contains(out, "1. Raw SDK") || !strings.Contains(out, "assumed-role/SaaSIntegrationRole/externalid-acme") {
		t.Errorf("output without -show-denial:\n%s", out)
	}
	out = runQuickstart(t, append(args, "-show-denial")...)
	for _, w := range []string{"Against AWS in us-east-1", "AccessDenied: User: " + srv.SaaS().ARN, "externalId: null", "GetCallerIdentity: arn:aws:sts::" + cust.AccountID} {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
	if strings.Contains(out, canary) {
		t.Errorf("output contains the ExternalId value:\n%s", out)
	}

	// A role that does not enforce the ExternalId is called out.
	if err := srv.UpdateAssumeRolePolicy(cust.Role.ARN, externalidtest.TrustPolicy(srv.SaaS().ARN)); err != nil {
		t.Fatal(err)
	}
	if out := runQuickstart(t, append(args, "-show-denial")...); !strings.Contains(out, "WARNING: STS allowed it") {
		t.Errorf("output for a role that does not require the ExternalId lacks the warning:\n%s", out)
	}

	// A wrong ExternalId in the secret fails through the provider, without the value.
	if err := srv.UpdateAssumeRolePolicy(cust.Role.ARN, externalidtest.TrustPolicy(srv.SaaS().ARN, "some-other-value")); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	err = run(context.Background(), &buf, args)
	if !errors.Is(err, externalid.ErrAccessDenied) || strings.Contains(err.Error(), canary) {
		t.Errorf("run() with a mismatched ExternalId = %v; want ErrAccessDenied without the value", err)
	}
}

func TestFlags(t *testing.T) {
	clearAWSEnv(t)
	var out bytes.Buffer
	if err := run(context.Background(), &out, []string{"-h"}); !errors.Is(err, flag.ErrHelp) || !strings.Contains(out.String(), "-role-arn") {
		t.Errorf("run(-h) = %v, output %q; want ErrHelp and the usage", err, out.String())
	}
	if err := run(context.Background(), &out, []string{"extra"}); err == nil {
		t.Error("run(extra) = nil; want an error")
	}
}
