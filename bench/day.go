package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/tenantrole/externalid"
	"github.com/tenantrole/externalid/externalidtest"
)

// credentialLifetime is the lifetime of the credentials in the simulated
// day: the Provider's default.
const credentialLifetime = externalid.DefaultDuration

// maxRefreshWindow is the longest time before expiry at which a refresh of
// credentials may start with the pool's default options: two credential
// sets of one pair that overlap longer than that come from a duplicate
// refresh.
const maxRefreshWindow = externalid.DefaultRefreshWindow + externalid.DefaultRefreshJitter

// dayConfig describes a simulated day.
type dayConfig struct {
	tenants int
	callers int           // goroutines that each call Retrieve for every tenant at every step
	step    time.Duration // simulated time between two passes over the tenants
	// settle returns when the goroutines of the day have nothing left to
	// do but wait for the driver: every caller or refresh that running
	// counts has returned, or all that remain are blocked. done counts
	// their progress. Tests pass synctest.Wait (exact); the bench program
	// passes settleByStall.
	settle func(running, done func() int64)
	// newPool makes the pool to drive; nil means externalid.NewPool with
	// the default refresh window. Tests pass broken stand-ins, to prove
	// that the day's checks catch what they look for.
	newPool func(client externalid.AssumeRoleAPIClient, now func() time.Time, onEvent func(externalid.PoolEvent)) dayPool
}

// dayPool is what the simulated day drives. Its OnEvent reports every
// refresh's start and outcome.
type dayPool interface {
	Retrieve(ctx context.Context, tenantID, roleARN string) (aws.Credentials, error)
	Close() error
}

// dayResult describes a simulated day of traffic.
type dayResult struct {
	tenants, callers int
	step, simulated  time.Duration // simulated is less than 24 h if the day stopped early
	retrieves        int64
	assumeRole       int64 // AssumeRole calls, the first (cold) ones included
	credentialSets   int64 // distinct credentials served to callers
	waited           int64 // Retrieve calls, after their tenant's first success, that returned only once a held AssumeRole was let through
	duplicates       int   // credential sets of a pair that overlap another by more than maxRefreshWindow
	errors           int64
	wrongTenant      int64         // credential sets served to a tenant they were not made for
	expiredServed    int64         // Retrieve calls that returned expired credentials
	minGap, maxGap   time.Duration // between a pair's consecutive AssumeRole calls
	maxOverlap       time.Duration // between a pair's consecutive credential sets
	wall             time.Duration // of the run; 0 in a synctest bubble, whose clock stands still
}

// tenantDay is what the simulated day tracks per tenant.
type tenantDay struct {
	name   string
	pair   string                 // pairKey of the tenant's role and ExternalId
	served atomic.Bool            // a Retrieve has returned credentials
	last   atomic.Pointer[string] // access key id last served
}

// callerCount is one caller's progress, on its own cache line.
type callerCount struct {
	done atomic.Int64
	_    [56]byte
}

// simulateDay drives cfg.tenants tenants through 24 hours of an injected
// clock, with 1-hour credentials and the pool's default refresh window (15
// minutes plus up to 5 of jitter). At every step, cfg.callers goroutines
// call Retrieve concurrently for every tenant, in the same order, so that
// they meet on the same tenants.
//
// From the second pass on (the first finds every tenant cold), the fake
// STS holds every AssumeRole at a gate while the callers run, as a slow
// STS would: a refresh cannot finish during the callers' pass, so
// every caller of a tenant in its refresh window finds the refresh in
// flight, and a pool that started a second one would call STS twice. When
// the callers have settled, any that have not returned are blocked; the
// driver counts those whose tenant had been served before as callers that
// waited on STS, lets the held calls through, and settles again. After
// the pass it lets the refreshes finish, as they would within the step's
// minute, and moves the clock. The day stops after the first step in which
// a caller waited.
//
// simulateDay must run where cfg.settle works: in a synctest bubble for
// synctest.Wait, anywhere for settleByStall.
func simulateDay(cfg dayConfig) (dayResult, error) {
	start := time.Now()
	clk := externalidtest.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	held := newGate()
	held.open() // for the first pass, where every caller finds its tenant cold
	client := &fakeSTS{now: clk.Now, gate: held, record: true}
	var started, finished atomic.Int64
	onEvent := func(ev externalid.PoolEvent) {
		switch ev.Kind {
		case externalid.EventRefreshStarted:
			started.Add(1)
		case externalid.EventRefreshSucceeded, externalid.EventRefreshFailed:
			finished.Add(1)
		}
	}
	var pool dayPool
	if cfg.newPool != nil {
		pool = cfg.newPool(client, clk.Now, onEvent)
	} else {
		pool = externalid.NewPool(client, staticResolver(), func(o *externalid.PoolOptions) {
			o.Now = clk.Now
			o.MaxTenants = cfg.tenants
			o.OnEvent = onEvent
		})
	}
	defer pool.Close()
	defer held.open() // before Close, which waits for the refreshes

	names := tenantNames(cfg.tenants)
	tenants := make([]tenantDay, len(names))
	for i, name := range names {
		tenants[i].name = name
		tenants[i].pair = pairKey(roleARN, "ext-"+name)
	}
	res := dayResult{tenants: cfg.tenants, callers: cfg.callers, step: cfg.step}
	var (
		seenMu                       sync.Mutex // guards seen
		seen                         = map[string]bool{}
		waited, errs, wrong, expired atomic.Int64
	)
	// serve records one Retrieve's outcome.
	serve := func(t *tenantDay, creds aws.Credentials, err error, now time.Time) {
		if err != nil {
			errs.Add(1)
			return
		}
		if !creds.Expires.After(now) {
			expired.Add(1)
		}
		if last := t.last.Load(); last == nil || *last != creds.AccessKeyID {
			seenMu.Lock()
			if !seen[creds.AccessKeyID] {
				seen[creds.AccessKeyID] = true
				if client.ownerOf(creds.AccessKeyID) != t.pair {
					wrong.Add(1)
				}
			}
			seenMu.Unlock()
			t.last.Store(&creds.AccessKeyID)
		}
		t.served.Store(true)
	}

	ctx := context.Background()
	counts := make([]callerCount, cfg.callers)
	var running, warmIn atomic.Int64 // callers running; Retrieve calls in progress for served tenants
	callersDone := func() int64 {
		var n int64
		for i := range counts {
			n += counts[i].done.Load()
		}
		return n
	}
	refreshing := func() int64 { return started.Load() - finished.Load() }
	steps := int(24 * time.Hour / cfg.step)
	for s := 0; s <= steps; s++ {
		now := clk.Now()
		if s > 0 {
			held.hold()
		}
		var wg sync.WaitGroup
		running.Store(int64(cfg.callers))
		for g := range cfg.callers {
			wg.Go(func() {
				defer running.Add(-1)
				for i := range tenants {
					t := &tenants[i]
					warm := t.served.Load()
					if warm {
						warmIn.Add(1)
					}
					releases := held.releases.Load()
					creds, err := pool.Retrieve(ctx, t.name, roleARN)
					if warm {
						warmIn.Add(-1)
						if held.releases.Load() != releases {
							waited.Add(1)
						}
					}
					serve(t, creds, err, now)
					counts[g].done.Add(1)
				}
			})
		}
		for {
			cfg.settle(running.Load, callersDone)
			if running.Load() == 0 {
				break
			}
			if held.waiting.Load() == 0 {
				return res, fmt.Errorf("bench: at %v, callers blocked with no AssumeRole in flight", time.Duration(s)*cfg.step)
			}
			if warmIn.Load() > 0 {
				// A caller of a served tenant waits on STS: finish the
				// step without holding STS, and stop the day after it.
				held.open()
			} else {
				held.release() // a tenant left cold by an error: its callers wait, by design
			}
		}
		wg.Wait()
		held.open() // the refreshes started in the pass, some perhaps not at the gate yet
		cfg.settle(refreshing, finished.Load)
		if refreshing() != 0 {
			return res, fmt.Errorf("bench: at %v, refreshes did not finish", time.Duration(s)*cfg.step)
		}
		if waited.Load() > 0 {
			break // res.simulated tells where
		}
		if s < steps {
			clk.Advance(cfg.step)
		}
	}
	res.simulated = clk.Now().Sub(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	// The last pass serves what the last step's refreshes brought, so that
	// every credential set made counts as served.
	held.open()
	now := clk.Now()
	for i := range tenants {
		creds, err := pool.Retrieve(ctx, tenants[i].name, roleARN)
		serve(&tenants[i], creds, err, now)
	}
	if err := pool.Close(); err != nil {
		return res, err
	}

	res.retrieves = callersDone() + int64(len(tenants))
	res.assumeRole = client.calls.Load()
	res.credentialSets = int64(len(seen))
	res.waited, res.errors, res.wrongTenant, res.expiredServed = waited.Load(), errs.Load(), wrong.Load(), expired.Load()
	res.minGap = 24 * time.Hour
	for _, made := range client.issued {
		for j, l := range made {
			if got := l.expires.Sub(l.issued); got != credentialLifetime {
				return res, fmt.Errorf("bench: credentials of %v; want %v", got, credentialLifetime)
			}
			if j == 0 {
				continue
			}
			prev := made[j-1]
			gap := l.issued.Sub(prev.issued)
			overlap := earliest(prev.expires, l.expires).Sub(latest(prev.issued, l.issued))
			res.minGap, res.maxGap = min(res.minGap, gap), max(res.maxGap, gap)
			res.maxOverlap = max(res.maxOverlap, overlap)
			if overlap > maxRefreshWindow {
				res.duplicates++
			}
		}
	}
	res.wall = time.Since(start)
	return res, nil
}

// earliest returns the earlier of a and b.
func earliest(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// latest returns the later of a and b.
func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// perLifetime is AssumeRole calls per tenant per credential lifetime, as
// the issue defines it: calls / (tenants × simulated hours / credential
// hours). A pool that refreshes ahead of expiry makes more than 1.
func (r dayResult) perLifetime() float64 {
	lifetimes := float64(r.tenants) * float64(r.simulated) / float64(credentialLifetime)
	return float64(r.assumeRole) / lifetimes
}

// perServed is AssumeRole calls per distinct credential set served: 1.00
// means no call was wasted, every credential set made reached callers.
func (r dayResult) perServed() float64 {
	return float64(r.assumeRole) / float64(r.credentialSets)
}

// ok reports the day's correctness: no error, no duplicate refresh, no
// caller waiting on STS after its tenant's first call, no wasted call,
// only unexpired credentials of the right tenant, and a full day.
func (r dayResult) ok() bool {
	return r.errors == 0 && r.duplicates == 0 && r.waited == 0 && r.wrongTenant == 0 && r.expiredServed == 0 &&
		r.assumeRole == r.credentialSets && r.simulated == 24*time.Hour
}

// stallBound is how long, in wall time, settleByStall waits for blocked
// callers to move: far longer than any caller of a correct pool takes
// between two Retrieves, because such a caller never blocks while STS is
// held.
const stallBound = 2 * time.Second

// settleByStall is dayConfig.settle outside a synctest bubble: it returns
// once running is 0, or once done has not moved for stallBound.
func settleByStall(running, done func() int64) {
	last, since := int64(-1), time.Now()
	for running() != 0 {
		if d := done(); d != last {
			last, since = d, time.Now()
		} else if time.Since(since) > stallBound {
			return
		}
		time.Sleep(50 * time.Microsecond)
	}
}
