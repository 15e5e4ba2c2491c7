package externalid_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/tenantrole/externalid"
)

// With jitter off, 1-hour credentials enter the refresh window 45 minutes
// after they were obtained.
const poolIntoWindow = 45*time.Minute + time.Second

func TestPoolRefreshAhead(t *testing.T) {
	events := &poolEvents{}
	p, client, clock, _ := newTestPool(t, func(o *externalid.PoolOptions) { o.OnEvent = events.record })
	first := poolMustRetrieve(t, p, "acme", poolRole)

	clock.Advance(poolIntoWindow - 2*time.Second)
	if c := poolMustRetrieve(t, p, "acme", poolRole); c.AccessKeyID != first.AccessKeyID || client.calls.Load() != 1 {
		t.Fatalf("before the window: Retrieve() = %q after %d calls; want the first credentials, 1 call", c.AccessKeyID, client.calls.Load())
	}

	clock.Advance(2 * time.Second)
	release := client.hold() // the refresh blocks until released
	const callers = 100
	var wg sync.WaitGroup
	for range callers {
		wg.Go(func() {
			// Returns while STS is held: callers do not wait for the refresh.
			c, err := p.Retrieve(context.Background(), "acme", poolRole)
			if err != nil || c.AccessKeyID != first.AccessKeyID {
				t.Errorf("in the window: Retrieve() = %q, %v; want the current credentials", c.AccessKeyID, err)
			}
		})
	}
	wg.Wait()
	poolEventually(t, "the background refresh calls STS", func() bool { return client.calls.Load() == 2 })
	release()
	poolEventually(t, "the refresh succeeds", func() bool { return events.count(externalid.EventRefreshSucceeded) == 2 })

	next := poolMustRetrieve(t, p, "acme", poolRole)
	if next.AccessKeyID == first.AccessKeyID || !next.Expires.After(first.Expires) {
		t.Errorf("after the refresh: Retrieve() = %q expiring %v; want new credentials", next.AccessKeyID, next.Expires)
	}
	if n := client.calls.Load(); n != 2 {
		t.Errorf("AssumeRole calls = %d; want 2: one cold, exactly one background refresh", n)
	}
	var started []bool
	for _, ev := range events.all() {
		if ev.Kind == externalid.EventRefreshStarted {
			started = append(started, ev.Blocking)
		}
	}
	if fmt.Sprint(started) != "[true false]" {
		t.Errorf("refresh started events, Blocking = %v; want [true false]", started)
	}
	if n := events.count(externalid.EventServedWhileRefreshing); n < 1 || n > callers {
		t.Errorf("served while refreshing events = %d; want 1 to %d", n, callers)
	}
}

func TestPoolServesValidCredentialsWhileRefreshFails(t *testing.T) {
	events := &poolEvents{}
	p, client, clock, _ := newTestPool(t, func(o *externalid.PoolOptions) { o.OnEvent = events.record })
	first := poolMustRetrieve(t, p, "acme", poolRole)
	throttled := poolAPIError("Throttling")
	client.setFail(func(*sts.AssumeRoleInput) error { return throttled })

	clock.Advance(poolIntoWindow)
	steps := []struct {
		advance   time.Duration
		wantCalls int64
	}{
		{0, 2},                       // the first caller in the window starts a refresh, which fails
		{500 * time.Millisecond, 2},  // within the 1 s backoff: no call
		{600 * time.Millisecond, 3},  // past it: one retry, which fails; backoff 2 s
		{1500 * time.Millisecond, 3}, //
		{600 * time.Millisecond, 4},  // backoff now 4 s
		{3 * time.Second, 4},         //
		{1100 * time.Millisecond, 5}, //
	}
	for i, st := range steps {
		clock.Advance(st.advance)
		c := poolMustRetrieve(t, p, "acme", poolRole)
		if c.AccessKeyID != first.AccessKeyID {
			t.Fatalf("step %d: Retrieve() = %q; want the still-valid %q", i, c.AccessKeyID, first.AccessKeyID)
		}
		poolEventually(t, fmt.Sprintf("step %d: %d calls, each finished", i, st.wantCalls), func() bool {
			return client.calls.Load() == st.wantCalls && events.count(externalid.EventRefreshFailed) == int(st.wantCalls-1)
		})
	}
	for _, ev := range events.all() {
		if ev.Kind == externalid.EventRefreshFailed && (ev.Class != externalid.ErrorClassTransient || ev.Blocking) {
			t.Errorf("refresh failed event = %+v; want class transient, not blocking", ev)
		}
	}

	// Once the credentials expire, callers get the error.
	clock.Advance(time.Hour)
	calls := client.calls.Load()
	_, err := p.Retrieve(context.Background(), "acme", poolRole)
	if !errors.Is(err, throttled) {
		t.Fatalf("after expiry: Retrieve() = %v; want %v", err, throttled)
	}
	// A transient error is remembered like any other until its backoff
	// (now 32 s) has passed: without valid credentials, callers get it,
	// the same value, and STS is not called.
	client.setFail(nil)
	for range 20 {
		if _, again := p.Retrieve(context.Background(), "acme", poolRole); again != err {
			t.Fatalf("within the backoff: Retrieve() = %v; want the remembered %v", again, err)
		}
	}
	if n := client.calls.Load() - calls; n != 1 {
		t.Fatalf("AssumeRole calls after expiry, within the backoff = %d; want 1", n)
	}
	clock.Advance(32 * time.Second)
	if c := poolMustRetrieve(t, p, "acme", poolRole); c.AccessKeyID == first.AccessKeyID {
		t.Errorf("after recovery: Retrieve() = %q; want new credentials", c.AccessKeyID)
	}
}

func TestPoolRemembersNonRetryableErrors(t *testing.T) {
	notFound := fmt.Errorf("%w: no secret", externalid.ErrExternalIDNotFound)
	tests := []struct {
		name     string
		setup    func(*poolSTS, *poolResolver)
		want     error
		class    externalid.ErrorClass
		stsCalls int64 // per attempt
	}{
		{"access denied", func(c *poolSTS, _ *poolResolver) {
			c.setFail(func(*sts.AssumeRoleInput) error { return poolAPIError("AccessDenied") })
		}, externalid.ErrAccessDenied, externalid.ErrorClassDenied, 1},
		{"ExternalId not found", func(_ *poolSTS, r *poolResolver) { r.err.Store(&notFound) },
			externalid.ErrExternalIDNotFound, externalid.ErrorClassNotFound, 0},
		{"invalid configuration", func(c *poolSTS, _ *poolResolver) {
			c.setFail(func(*sts.AssumeRoleInput) error { return poolAPIError("MalformedPolicyDocument") })
		}, nil, externalid.ErrorClassInvalid, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			events := &poolEvents{}
			p, client, clock, resolver := newTestPool(t, func(o *externalid.PoolOptions) { o.OnEvent = events.record })
			tt.setup(client, resolver)
			_, first := p.Retrieve(context.Background(), "acme", poolRole)
			if first == nil || (tt.want != nil && !errors.Is(first, tt.want)) {
				t.Fatalf("Retrieve() = %v; want %v", first, tt.want)
			}
			attempts := int64(1)
			check := func(step string) {
				t.Helper()
				if n := resolver.calls.Load(); n != attempts {
					t.Fatalf("%s: resolver calls = %d; want %d", step, n, attempts)
				}
				if n := client.calls.Load(); n != attempts*tt.stsCalls {
					t.Fatalf("%s: AssumeRole calls = %d; want %d", step, n, attempts*tt.stsCalls)
				}
			}
			// Backoff: 1 s, 2 s, 4 s, ... 256 s, then capped at 5 min.
			for i, backoff := range []time.Duration{1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300} {
				backoff *= time.Second
				for range 3 {
					_, err := p.Retrieve(context.Background(), "acme", poolRole)
					if err != first {
						t.Fatalf("attempt %d: Retrieve() = %v; want the remembered error, same value", i, err)
					}
				}
				check(fmt.Sprintf("attempt %d, within the backoff", i))
				clock.Advance(backoff - time.Millisecond)
				if _, err := p.Retrieve(context.Background(), "acme", poolRole); err != first {
					t.Fatalf("attempt %d: Retrieve() just before the backoff ends = %v; want the remembered error", i, err)
				}
				check(fmt.Sprintf("attempt %d, just before the backoff ends", i))
				clock.Advance(time.Millisecond)
				_, err := p.Retrieve(context.Background(), "acme", poolRole)
				if err == nil || err == first || (tt.want != nil && !errors.Is(err, tt.want)) {
					t.Fatalf("attempt %d: Retrieve() after the backoff = %v; want a new failure", i, err)
				}
				first = err
				attempts++
				check(fmt.Sprintf("attempt %d, after the backoff", i))
			}
			// Outcomes reach the hook from the refresh's goroutine, maybe
			// after its callers have returned.
			poolEventually(t, "every failure is reported", func() bool { return events.count(externalid.EventRefreshFailed) == 12 })
			var retryIn []time.Duration
			for _, ev := range events.all() {
				if ev.Kind == externalid.EventRefreshFailed {
					retryIn = append(retryIn, ev.RetryIn)
					if ev.Class != tt.class {
						t.Errorf("refresh failed class = %q; want %q", ev.Class, tt.class)
					}
				}
			}
			if got, want := fmt.Sprint(retryIn), "[1s 2s 4s 8s 16s 32s 1m4s 2m8s 4m16s 5m0s 5m0s 5m0s]"; got != want {
				t.Errorf("RetryIn of the failures = %s; want %s", got, want)
			}
			if n := events.count(externalid.EventDenied); n != 11*4 {
				t.Errorf("denied events = %d; want %d", n, 11*4)
			}

			// Once the cause is fixed, the next attempt after the backoff succeeds
			// and the failure count resets.
			client.setFail(nil)
			resolver.err.Store(nil)
			clock.Advance(5 * time.Minute)
			poolMustRetrieve(t, p, "acme", poolRole)
		})
	}
}

func TestPoolRefreshFailureDoesNotMaskDenialAfterExpiry(t *testing.T) {
	p, client, clock, _ := newTestPool(t)
	first := poolMustRetrieve(t, p, "acme", poolRole)
	client.setFail(func(*sts.AssumeRoleInput) error { return poolAPIError("AccessDenied") })
	clock.Advance(poolIntoWindow)
	// Denied in the background: the valid credentials are still served.
	if c := poolMustRetrieve(t, p, "acme", poolRole); c.AccessKeyID != first.AccessKeyID {
		t.Fatalf("Retrieve() = %q; want the still-valid credentials", c.AccessKeyID)
	}
	poolEventually(t, "the background refresh is denied", func() bool { return client.calls.Load() == 2 })
	clock.Advance(time.Hour)
	_, err := p.Retrieve(context.Background(), "acme", poolRole)
	if !errors.Is(err, externalid.ErrAccessDenied) {
		t.Fatalf("after expiry: Retrieve() = %v; want %v", err, externalid.ErrAccessDenied)
	}
	var are *externalid.AssumeRoleError
	if !errors.As(err, &are) || are.TenantID != "acme" {
		t.Errorf("Retrieve() error = %#v; want an *AssumeRoleError of tenant acme", err)
	}
}

func TestPoolJitterSpreadsRefreshes(t *testing.T) {
	events := &poolEvents{}
	clock := newPoolClock()
	client := newPoolSTS(clock)
	p := externalid.NewPool(client, &poolResolver{}, func(o *externalid.PoolOptions) {
		o.Now = clock.Now
		o.OnEvent = events.record
	})
	defer p.Close()
	const tenants = 50
	for i := range tenants {
		poolMustRetrieve(t, p, fmt.Sprintf("tenant-%d", i), poolRole)
	}
	// Credentials of 1 hour enter their window 15 to 20 minutes before
	// expiry: from minute 40 to 45. Walk minute by minute.
	minutes := map[int]int{}
	for m := 1; m <= 50; m++ {
		clock.Advance(time.Minute)
		before := client.calls.Load()
		for i := range tenants {
			poolMustRetrieve(t, p, fmt.Sprintf("tenant-%d", i), poolRole)
		}
		poolEventually(t, "refreshes finish", func() bool {
			return events.count(externalid.EventRefreshSucceeded) == events.count(externalid.EventRefreshStarted)
		})
		if n := client.calls.Load() - before; n > 0 {
			minutes[m] = int(n)
			if m < 40 || m > 45 {
				t.Errorf("minute %d: %d refreshes; want refreshes only in minutes 40 to 45", m, n)
			}
		}
	}
	if len(minutes) < 3 {
		t.Errorf("refreshes by minute = %v; want them spread over at least 3 minutes", minutes)
	}
	if n := client.calls.Load(); n != 2*tenants {
		t.Errorf("AssumeRole calls = %d; want %d, one refresh per tenant", n, 2*tenants)
	}
}

func TestPoolShortCredentialsScaleTheWindow(t *testing.T) {
	// 15-minute credentials cannot have a 15-20 minute window: it is scaled
	// into the second half of their life.
	p, client, clock, _ := newTestPool(t, func(o *externalid.PoolOptions) {
		o.ProviderOptions = func(string, string) []func(*externalid.ProviderOptions) {
			return []func(*externalid.ProviderOptions){func(po *externalid.ProviderOptions) { po.Duration = externalid.MinDuration }}
		}
	})
	poolMustRetrieve(t, p, "acme", poolRole)
	for range 5 {
		clock.Advance(time.Minute)
		poolMustRetrieve(t, p, "acme", poolRole)
	}
	if n := client.calls.Load(); n != 1 {
		t.Fatalf("AssumeRole calls after 5 of 15 minutes = %d; want 1", n)
	}
	for range 4 {
		clock.Advance(time.Minute)
		poolMustRetrieve(t, p, "acme", poolRole)
	}
	poolEventually(t, "a refresh in the second half", func() bool { return client.calls.Load() == 2 })
}
