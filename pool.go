package externalid

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"sync"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// ErrPoolClosed is returned by every method of a [Pool] after
// [Pool.Close], and by the providers it handed out.
var ErrPoolClosed = errors.New("externalid: pool is closed")

// Pool caches AWS credentials for many tenants: one entry per (tenant, role
// ARN) pair, each assuming its role with the tenant's ExternalId from the
// [Resolver]. A tenant never receives credentials made for another tenant,
// or for another role.
//
// Each entry calls STS once per credential lifetime:
//
//   - Cold: concurrent callers of an entry without credentials share one
//     resolver call and one AssumeRole, each waiting with its own context.
//   - Refresh ahead: once the credentials enter the refresh window
//     ([PoolOptions.RefreshWindow] plus a per-entry jitter), the first
//     caller starts one background refresh, and every caller keeps getting
//     the current credentials without waiting. Only a caller that holds no
//     unexpired credentials waits for STS.
//   - Failures: a failed refresh keeps the still-valid credentials in
//     service (without an event or a lock while it backs off) and is
//     retried, by the next caller, after a backoff of
//     [PoolOptions.BackoffInitial] doubling to [PoolOptions.BackoffMax].
//   - Without valid credentials (cold, or expired), a failed attempt's
//     error, whatever its class, is returned at once, as the same error
//     value, until the backoff has passed; then one caller tries again, and
//     the callers meanwhile share that attempt. So neither a denied tenant
//     (AccessDenied, a missing or invalid ExternalId, invalid
//     configuration) nor an STS that throttles gets more than one call per
//     backoff from an entry.
//   - Credentials that STS returns with less than [MinCredentialLifetime]
//     left on the pool's clock (a skewed clock) count as a transient
//     failure.
//
// [PoolEvent.Class] tells the failures apart (transient, denied, ...).
//
// Memory is bounded by [PoolOptions.MaxTenants] (exceeded, briefly, only
// by inserts in progress) and [PoolOptions.IdleTimeout]. An evicted entry
// whose refresh is in flight stays until the refresh ends; if its pair is
// asked for meanwhile, it is put back with its credentials and its refresh,
// so a pair never has two refreshes. A pool of more than 512 entries is split into
// up to 64 shards of at least 256 entries, each with its own lock and LRU
// list; when the pool is full, a new entry evicts the least recently used
// entry of its own shard, so eviction is LRU within a shard. Recency has a
// resolution of IdleTimeout/60, from 1 s to 1 min (1 min by default), so
// that a hit takes the shard's write lock at most that often. An entry
// costs about 750 bytes plus its credential strings (a session token is
// about 1 KB): 192 for the entry, 224 for its [Provider], 128 for its
// credentials snapshot, and the key, session name, account id and map
// slot; see docs/pool.md and BENCHMARKS.md.
//
// The warm path, [Pool.Retrieve] and the Retrieve of a provider from
// [Pool.Credentials] for an entry with fresh credentials, takes a shard's
// read lock and loads an atomic pointer; it does not allocate.
//
// A Pool is safe for concurrent use. Call [Pool.Close] to stop its
// background work.
type Pool struct {
	resolver Resolver
	clients  map[string]AssumeRoleAPIClient // by partition; never written after construction
	opts     PoolOptions                    // validated and defaulted; never written after construction
	err      error                          // construction error, returned by every call
	seed     maphash.Seed
	shards   []poolShard
	mask     uint64       // len(shards)-1; len(shards) is a power of two
	count    atomic.Int64 // entries in all shards; at most MaxTenants once inserts return
	touchNs  int64        // recency resolution in nanoseconds (see touchResolution)
	hasSink  bool         // opts.OnEvent or opts.Logger is set: events are worth building and queueing

	ctx    context.Context    // canceled by Close; parent of all background work
	cancel context.CancelFunc // cancels ctx

	closed atomic.Bool    // set by Close, under lifeMu; read lock-free on every call
	lifeMu sync.Mutex     // guards the transition to closed against wg.Add
	wg     sync.WaitGroup // counts background work (refreshes, the janitor) while it is not delivering events
}

// NewPool returns a pool whose entries call AssumeRole through client (the
// STS client of partition aws, unless [PoolOptions.ClientPartition] says
// otherwise) with the ExternalIds that resolver returns.
//
// Options are validated here. A nil client or resolver, or invalid options,
// make every call of the pool fail with an error wrapping
// [ErrInvalidOptions]. Unless IdleTimeout is negative, NewPool starts a
// janitor goroutine that [Pool.Close] stops.
func NewPool(client AssumeRoleAPIClient, resolver Resolver, optFns ...func(*PoolOptions)) *Pool {
	var opts PoolOptions
	for _, fn := range optFns {
		fn(&opts)
	}
	p := &Pool{resolver: resolver, seed: maphash.MakeSeed()}
	p.ctx, p.cancel = context.WithCancel(context.Background())
	p.opts, p.err = opts.withDefaults()
	if p.err == nil {
		p.clients, p.err = partitionClients(client, p.opts.ClientPartition, p.opts.PartitionClients)
	}
	if p.err == nil && isNil(resolver) {
		p.err = fmt.Errorf("%w: NewPool needs a Resolver, got nil; the ExternalId must come from a resolver such as NewSecretsManagerResolver", ErrInvalidOptions)
	}
	p.touchNs = int64(touchResolution(p.opts.IdleTimeout))
	p.hasSink = p.opts.OnEvent != nil || p.opts.Logger != nil
	p.initShards()
	if p.err == nil && p.opts.IdleTimeout > 0 {
		p.wg.Add(1)
		go p.janitor()
	}
	return p
}

// Credentials returns the cached credentials provider of the (tenantID,
// roleARN) pair, creating its entry if needed. It validates the tenant id,
// the role ARN, its partition and the entry's [ProviderOptions], and calls
// neither the resolver nor STS: the provider's Retrieve does.
//
// The provider is safe for concurrent use and already caches; do not wrap
// it in [aws.NewCredentialsCache]. If the pool evicts the entry, the
// provider goes on working: its next Retrieve puts the entry back into the
// pool (evicting another if the pool is full), or, if the pair has a new
// entry by then, uses that one, handing it the still-valid credentials.
// Its Retrieve has [Pool.Retrieve]'s behaviour, context values included.
func (p *Pool) Credentials(tenantID, roleARN string) (aws.CredentialsProvider, error) {
	e, err := p.entry(tenantID, roleARN)
	if err != nil {
		return nil, err
	}
	return e, nil
}

// Config returns a copy of base whose Credentials are the pool's provider
// for the (tenantID, roleARN) pair (see [Pool.Credentials]). The copy keeps
// base's region, which must be empty or a region of the role's partition:
// a region of another partition (such as cn-north-1 for an arn:aws: role)
// is refused with an error wrapping [ErrUnsupportedPartition], since the
// credentials would be sent to that partition's endpoints.
func (p *Pool) Config(base aws.Config, tenantID, roleARN string) (aws.Config, error) {
	e, err := p.entry(tenantID, roleARN)
	if err != nil {
		return aws.Config{}, err
	}
	if err := checkRegionPartition(base.Region, e.key.roleARN); err != nil {
		return aws.Config{}, err
	}
	cfg := base.Copy()
	cfg.Credentials = e
	return cfg, nil
}

// Retrieve returns credentials of roleARN for tenantID: the cached ones
// while they are fresh, or, for a new or expired entry, the result of a
// shared AssumeRole, waited for until ctx is done. While the entry has no
// valid credentials and its last attempt failed, Retrieve returns that
// attempt's error, the same value, until the backoff has passed.
//
// The shared AssumeRole runs on a context that keeps the values of the
// context of the caller that started it (for tracing, logging or the
// SDK's middleware), but not its deadline or cancellation; the other
// callers' context values are not seen by it.
func (p *Pool) Retrieve(ctx context.Context, tenantID, roleARN string) (aws.Credentials, error) {
	e, err := p.entry(tenantID, roleARN)
	if err != nil {
		return aws.Credentials{}, err
	}
	return e.retrieve(ctx)
}

// Close stops the pool: it cancels refreshes in flight, stops the janitor,
// and waits for their work to return. Afterwards every call of the pool and
// of its providers fails with [ErrPoolClosed]. Close is idempotent and
// always returns nil.
//
// Close does not wait for [PoolOptions.OnEvent] hooks (or the Logger): a
// hook may call Close. A background goroutine that is delivering events
// when Close returns delivers the events it holds (the outcome of a
// canceled refresh, say), then ends; it starts no new work.
func (p *Pool) Close() error {
	p.lifeMu.Lock()
	p.closed.Store(true)
	p.lifeMu.Unlock()
	p.cancel()
	p.wg.Wait()
	return nil
}

// Len returns the number of entries in the pool: (tenant, role ARN) pairs
// with their credentials or remembered error.
func (p *Pool) Len() int { return int(p.count.Load()) }

// goBackground runs fn on a new goroutine counted by wg, unless the pool is
// closed. fn must call p.wg.Done once its work has ended, before it
// delivers events, so that Close, which may be called by a hook, does not
// wait for a hook.
func (p *Pool) goBackground(fn func()) bool {
	if !p.enter() {
		return false
	}
	go fn()
	return true
}

// enter adds one to wg, unless the pool is closed.
func (p *Pool) enter() bool {
	p.lifeMu.Lock()
	defer p.lifeMu.Unlock()
	if p.closed.Load() {
		return false
	}
	p.wg.Add(1)
	return true
}

// entry returns the entry of the pair, creating it if needed.
func (p *Pool) entry(tenantID, roleARN string) (*poolEntry, error) {
	if p.err != nil {
		return nil, p.err
	}
	if p.closed.Load() {
		return nil, ErrPoolClosed
	}
	k := poolKey{tenantID: tenantID, roleARN: roleARN}
	h := p.keyHash(k)
	s := &p.shards[h&p.mask]
	if e, ok := s.get(k, h); ok {
		return e, nil
	}
	return p.create(s, k, h)
}

// create validates the pair, builds its entry outside any lock and inserts
// it, unless another caller inserted one first.
func (p *Pool) create(s *poolShard, k poolKey, h uint64) (*poolEntry, error) {
	k = ownedKey(k)
	if err := ValidateTenantID(k.tenantID); err != nil {
		return nil, err
	}
	client, err := p.clientFor(k.roleARN)
	if err != nil {
		return nil, err
	}
	var optFns []func(*ProviderOptions)
	if p.opts.ProviderOptions != nil {
		optFns = p.opts.ProviderOptions(k.tenantID, k.roleARN)
	}
	// The pool's clock spaces the provider's denial rechecks too, unless
	// the caller's options set another.
	optFns = append([]func(*ProviderOptions){func(o *ProviderOptions) { o.Now = p.opts.Now }}, optFns...)
	prov, err := NewProvider(client, k.roleARN, k.tenantID, p.resolver, optFns...)
	if err != nil {
		return nil, err
	}
	e := &poolEntry{pool: p, shard: s, key: k, hash: h, provider: prov, jitter: float64(h>>11) / (1 << 53)}
	e.lastUsed.Store(p.opts.Now().UnixNano())
	return p.insert(e), nil
}

// insert puts e into its shard (see poolShard.insert), keeps the pool
// within MaxTenants, and returns the pair's entry.
func (p *Pool) insert(e *poolEntry) *poolEntry {
	got, added := e.shard.insert(e)
	if added && p.count.Add(1) > int64(p.opts.MaxTenants) {
		p.evictFor(got)
	}
	return got
}

// revive returns the entry to use instead of old, an entry that left the
// pool: the pair's entry in the pool, if there is one (given old's
// unexpired credentials if it has none), or else old itself, put back.
// Either way the pair keeps a single entry, and so a single refresh.
func (p *Pool) revive(old *poolEntry) *poolEntry {
	n := p.opts.Now().UnixNano()
	old.lastUsed.Store(n)
	e := p.insert(old)
	if e != old {
		e.seedFrom(old, n)
	}
	return e
}
