package main

import (
	"context"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/tenantrole/externalid"
)

// brokenPool is a deliberately wrong credential pool for the simulated
// day: in the refresh window, each caller either waits for the refresh
// (wait), as a cache that refreshes on the caller's path does, or starts a
// refresh of its own in the background, as a pool without a flight guard
// would. It is safe for concurrent use.
type brokenPool struct {
	client  externalid.AssumeRoleAPIClient
	now     func() time.Time
	onEvent func(externalid.PoolEvent)
	wait    bool

	mu     sync.Mutex               // guards byPair
	byPair map[string]*brokenFlight // latest refresh by tenant
}

// brokenFlight is one refresh; creds is written before done is closed.
type brokenFlight struct {
	done  chan struct{}
	creds aws.Credentials
	prev  *brokenFlight // the refresh before, whose credentials are served meanwhile
}

func (p *brokenPool) Retrieve(ctx context.Context, tenantID, roleARN string) (aws.Credentials, error) {
	p.mu.Lock()
	latest := p.byPair[tenantID]
	cur := latest // the newest finished refresh
	for cur != nil && !isDone(cur) {
		cur = cur.prev
	}
	if cur != nil && p.now().Before(cur.creds.Expires.Add(-externalid.DefaultRefreshWindow)) {
		p.mu.Unlock()
		return cur.creds, nil
	}
	// Cold, or in the refresh window.
	f, start := latest, false
	if f == nil || isDone(f) || (!p.wait && cur != nil) { // the second case is the duplicate bug
		f, start = &brokenFlight{done: make(chan struct{}), prev: cur}, true
		p.byPair[tenantID] = f
	}
	p.mu.Unlock()
	if start {
		p.onEvent(externalid.PoolEvent{Kind: externalid.EventRefreshStarted, TenantID: tenantID})
		go p.refresh(tenantID, roleARN, f)
	}
	if cur != nil && !p.wait {
		return cur.creds, nil
	}
	select { // the wait bug, in the refresh window
	case <-f.done:
		return f.creds, nil
	case <-ctx.Done():
		return aws.Credentials{}, ctx.Err()
	}
}

func isDone(f *brokenFlight) bool {
	select {
	case <-f.done:
		return true
	default:
		return false
	}
}

func (p *brokenPool) refresh(tenantID, roleARN string, f *brokenFlight) {
	out, err := p.client.AssumeRole(context.Background(), &sts.AssumeRoleInput{
		RoleArn: aws.String(roleARN), ExternalId: aws.String("ext-" + tenantID),
		RoleSessionName: aws.String(tenantID), DurationSeconds: aws.Int32(3600),
	})
	if err == nil {
		c := out.Credentials
		f.creds = aws.Credentials{AccessKeyID: *c.AccessKeyId, SecretAccessKey: *c.SecretAccessKey, SessionToken: *c.SessionToken, CanExpire: true, Expires: *c.Expiration}
	}
	close(f.done)
	p.onEvent(externalid.PoolEvent{Kind: externalid.EventRefreshSucceeded, TenantID: tenantID})
}

func (p *brokenPool) Close() error { return nil }

// TestSimulatedDayCatchesBrokenPools runs the day's checks against the two
// faults they exist to catch.
func TestSimulatedDayCatchesBrokenPools(t *testing.T) {
	for _, tt := range []struct {
		name string
		wait bool
	}{
		{name: "callers wait in the refresh window", wait: true},
		{name: "each caller in the refresh window refreshes", wait: false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				r, err := simulateDay(dayConfig{tenants: 50, callers: 4, step: 5 * time.Minute, settle: wait,
					newPool: func(client externalid.AssumeRoleAPIClient, now func() time.Time, onEvent func(externalid.PoolEvent)) dayPool {
						return &brokenPool{client: client, now: now, onEvent: onEvent, wait: tt.wait, byPair: map[string]*brokenFlight{}}
					}})
				if err != nil {
					t.Fatal(err)
				}
				switch {
				case r.ok():
					t.Errorf("simulateDay(broken pool) = %+v; want a failed day", r)
				case tt.wait && (r.waited == 0 || r.simulated >= 24*time.Hour):
					t.Errorf("simulateDay(waiting pool): %d callers waited, %v simulated; want waits, and the day stopped", r.waited, r.simulated)
				case !tt.wait && (r.duplicates == 0 || r.perServed() <= 1):
					t.Errorf("simulateDay(duplicating pool): %d duplicates, %.2f calls per credential set served; want duplicates and wasted calls", r.duplicates, r.perServed())
				}
			})
		})
	}
}
