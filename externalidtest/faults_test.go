package externalidtest_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/tenantrole/externalid/externalidtest"
)

// countEvents counts the recorded calls of an operation by error code.
func countEvents(srv *externalidtest.Server, name string) map[string]int {
	n := map[string]int{}
	for _, e := range srv.Events() {
		if e.EventName == name {
			n[e.ErrorCode]++
		}
	}
	return n
}

func TestFaultsThenSuccess(t *testing.T) {
	tests := []struct {
		name     string
		kind     externalidtest.FaultKind
		op       string
		wantCode string
	}{
		{"sts throttling", externalidtest.FaultThrottling, "AssumeRole", "Throttling"},
		{"sts 5xx", externalidtest.FaultInternalError, "AssumeRole", "InternalFailure"},
		{"sm throttling", externalidtest.FaultThrottling, "GetSecretValue", "ThrottlingException"},
		{"sm 5xx", externalidtest.FaultInternalError, "GetSecretValue", "InternalServiceError"},
		{"connection reset", externalidtest.FaultConnectionReset, "GetSecretValue", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := externalidtest.New(t)
			c := seed(t, srv, "acme")
			srv.InjectFault(tt.op, externalidtest.Fault{Kind: tt.kind, Times: 2})
			call := func() error {
				if tt.op == "AssumeRole" {
					_, err := srv.STS(srv.SaaS()).AssumeRole(context.Background(), &sts.AssumeRoleInput{
						RoleArn: aws.String(c.Role.ARN), RoleSessionName: aws.String("faults"), ExternalId: aws.String(c.ExternalID),
					})
					return err
				}
				_, err := srv.SecretsManager(srv.SaaS()).GetSecretValue(context.Background(), &secretsmanager.GetSecretValueInput{SecretId: aws.String(c.SecretName)})
				return err
			}
			// The SDK makes three attempts: two fail, the third succeeds.
			if err := call(); err != nil {
				t.Fatalf("call with two injected failures = %v; want the SDK's retries to succeed", err)
			}
			events := countEvents(srv, tt.op)
			if tt.wantCode != "" && (events[tt.wantCode] != 2 || events[""] != 1) {
				t.Errorf("events = %v; want 2 × %s then 1 success", events, tt.wantCode)
			}
		})
	}
}

func TestFaultExhaustsRetries(t *testing.T) {
	srv := externalidtest.New(t)
	remove := srv.InjectFault(externalidtest.AllOperations, externalidtest.Fault{Kind: externalidtest.FaultThrottling})
	client := srv.STS(srv.SaaS())
	_, err := client.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	wantErrorCode(t, err, "Throttling")
	if n := countEvents(srv, "GetCallerIdentity")["Throttling"]; n != 3 {
		t.Errorf("throttled attempts = %d; want 3", n)
	}
	remove()
	if _, err := client.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{}); err != nil {
		t.Errorf("GetCallerIdentity() after remove = %v", err)
	}
	srv.InjectFault("GetCallerIdentity", externalidtest.Fault{Kind: externalidtest.FaultInternalError})
	srv.ClearFaults()
	if _, err := client.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{}); err != nil {
		t.Errorf("GetCallerIdentity() after ClearFaults = %v", err)
	}
}

func TestOutageWindow(t *testing.T) {
	start := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	clock := externalidtest.NewManualClock(start.Add(-time.Minute))
	srv := externalidtest.New(t, func(o *externalidtest.Options) { o.Clock = clock.Now })
	c := seed(t, srv, "acme")
	srv.InjectFault("GetSecretValue", externalidtest.Fault{Kind: externalidtest.FaultInternalError, From: start, Until: start.Add(time.Hour)})
	sm := srv.SecretsManager(srv.SaaS())
	get := func() error {
		_, err := sm.GetSecretValue(context.Background(), &secretsmanager.GetSecretValueInput{SecretId: aws.String(c.SecretName)})
		return err
	}
	steps := []struct {
		at       time.Time
		wantFail bool
	}{
		{start.Add(-time.Second), false},
		{start, true},
		{start.Add(59 * time.Minute), true},
		{start.Add(time.Hour), false},
	}
	for _, s := range steps {
		clock.Set(s.at)
		err := get()
		if (err != nil) != s.wantFail {
			t.Errorf("GetSecretValue() at %v = %v; want failure %v", s.at.Format(time.TimeOnly), err, s.wantFail)
		}
	}
}

func TestLatency(t *testing.T) {
	srv := externalidtest.New(t)
	srv.InjectFault("GetCallerIdentity", externalidtest.Fault{Latency: 50 * time.Millisecond, Times: 1})
	client := srv.STS(srv.SaaS())
	start := time.Now()
	if _, err := client.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Errorf("call took %v; want at least 50ms", d)
	}

	srv.InjectFault("GetCallerIdentity", externalidtest.Fault{Latency: time.Minute})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("GetCallerIdentity() with a 50ms deadline and a minute of latency = %v; want DeadlineExceeded", err)
	}
}
