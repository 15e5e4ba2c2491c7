package externalid_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/tenantrole/externalid"
)

// poolCanary is an ExternalId that must never appear in events or logs.
const poolCanary = "CANARY-ExternalId-7f3b9c2e"

// poolLockedBuffer is a bytes.Buffer for a slog handler written from many
// goroutines.
type poolLockedBuffer struct {
	mu  sync.Mutex // guards buf
	buf bytes.Buffer
}

func (b *poolLockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *poolLockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestPoolEventsAndLogsNeverCarrySecrets(t *testing.T) {
	canary, err := externalid.New(poolCanary)
	if err != nil {
		t.Fatal(err)
	}
	resolver := externalid.ResolverFunc(func(context.Context, string) (externalid.ExternalID, error) { return canary, nil })
	clock := newPoolClock()
	client := newPoolSTS(clock)
	events := &poolEvents{}
	logs := &poolLockedBuffer{}
	p := externalid.NewPool(client, resolver, func(o *externalid.PoolOptions) {
		o.Now = clock.Now
		o.MaxTenants = 1
		o.OnEvent = events.record
		o.Logger = slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	defer p.Close()

	// refresh started and succeeded, then served while refreshing and a
	// failed refresh whose STS error echoes the ExternalId.
	poolMustRetrieve(t, p, "acme", poolRole)
	client.setFail(func(in *sts.AssumeRoleInput) error {
		return &smithy.GenericAPIError{Code: "AccessDenied", Message: "not authorized with ExternalId " + aws.ToString(in.ExternalId)}
	})
	clock.Advance(poolIntoWindow)
	poolMustRetrieve(t, p, "acme", poolRole)
	poolEventually(t, "the refresh fails", func() bool { return events.count(externalid.EventRefreshFailed) == 1 })
	// denied: the credentials expire and the remembered error is served.
	clock.Advance(time.Hour)
	if _, err := p.Retrieve(context.Background(), "acme", poolRole); err == nil {
		t.Fatal("Retrieve() after expiry = nil error; want the denial")
	}
	if _, err := p.Retrieve(context.Background(), "acme", poolRole); err == nil {
		t.Fatal("Retrieve() = nil error; want the remembered denial")
	}
	// evicted: a second tenant takes the only slot.
	client.setFail(nil)
	poolMustRetrieve(t, p, "globex", poolRole)

	seen := map[externalid.PoolEventKind]bool{}
	for _, ev := range events.all() {
		seen[ev.Kind] = true
		if ev.TenantID == "" || ev.RoleARN != poolRole {
			t.Errorf("event %v has tenant %q, role %q; want both", ev.Kind, ev.TenantID, ev.RoleARN)
		}
		for _, s := range []string{fmt.Sprintf("%v", ev), fmt.Sprintf("%+v", ev), fmt.Sprintf("%#v", ev)} {
			for _, secret := range []string{poolCanary, "poolSecretAccessKey", "poolSessionToken", "AK|"} {
				if strings.Contains(s, secret) {
					t.Errorf("event %v holds %q: %s", ev.Kind, secret, s)
				}
			}
		}
		if ev.Kind == externalid.EventRefreshFailed && (ev.Class != externalid.ErrorClassDenied || ev.Latency < 0) {
			t.Errorf("refresh failed event = %+v; want class denied", ev)
		}
	}
	for _, k := range []externalid.PoolEventKind{
		externalid.EventRefreshStarted, externalid.EventRefreshSucceeded, externalid.EventRefreshFailed,
		externalid.EventServedWhileRefreshing, externalid.EventEvicted, externalid.EventDenied,
	} {
		if !seen[k] {
			t.Errorf("no %v event", k)
		}
	}
	// Per tenant, each refresh_started is followed by its outcome before the
	// next one starts.
	open := map[string]bool{}
	for _, ev := range events.all() {
		switch ev.Kind {
		case externalid.EventRefreshStarted:
			if open[ev.TenantID] {
				t.Errorf("tenant %s: refresh started twice without an outcome", ev.TenantID)
			}
			open[ev.TenantID] = true
		case externalid.EventRefreshSucceeded, externalid.EventRefreshFailed:
			if !open[ev.TenantID] {
				t.Errorf("tenant %s: %v before refresh_started", ev.TenantID, ev.Kind)
			}
			open[ev.TenantID] = false
		}
	}
	out := logs.String()
	for _, secret := range []string{poolCanary, "poolSecretAccessKey", "poolSessionToken", "AK|"} {
		if strings.Contains(out, secret) {
			t.Errorf("logs hold %q:\n%s", secret, out)
		}
	}
	for _, want := range []string{`"level":"WARN"`, `"event":"refresh_failed"`, `"class":"denied"`, `"event":"evicted"`, `"tenant":"acme"`} {
		if !strings.Contains(out, want) {
			t.Errorf("logs lack %s:\n%s", want, out)
		}
	}
}

func TestPoolHooksRunOutsideLocks(t *testing.T) {
	// A hook that calls back into the pool would deadlock if it ran under
	// one of the pool's locks.
	var p *externalid.Pool
	var calls atomic.Int64
	p, _, clock, _ := newTestPool(t, func(o *externalid.PoolOptions) {
		o.MaxTenants = 1
		o.OnEvent = func(ev externalid.PoolEvent) {
			calls.Add(1)
			if ev.Kind != externalid.EventEvicted { // re-adding an evicted pair would evict again, forever
				_, _ = p.Credentials(ev.TenantID, ev.RoleARN)
			}
			_ = p.Len()
		}
	})
	poolMustRetrieve(t, p, "acme", poolRole)
	clock.Advance(poolIntoWindow)
	poolMustRetrieve(t, p, "acme", poolRole)
	poolMustRetrieve(t, p, "globex", poolRole)
	if calls.Load() == 0 {
		t.Fatal("OnEvent was never called")
	}
}

func TestPoolEventKindString(t *testing.T) {
	tests := []struct {
		kind externalid.PoolEventKind
		want string
	}{
		{externalid.EventRefreshStarted, "refresh_started"},
		{externalid.EventDenied, "denied"},
		{0, "unknown"},
		{99, "unknown"},
	}
	for _, tt := range tests {
		if got := tt.kind.String(); got != tt.want {
			t.Errorf("PoolEventKind(%d).String() = %q; want %q", int(tt.kind), got, tt.want)
		}
	}
}
