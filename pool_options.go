package externalid

import (
	"fmt"
	"log/slog"
	"time"
)

// Defaults of [PoolOptions].
const (
	// DefaultMaxTenants bounds the number of (tenant, role ARN) entries a
	// [Pool] holds; the least recently used is evicted to make room.
	DefaultMaxTenants = 10_000

	// DefaultIdleTimeout is how long an entry may go unused before it is
	// evicted. It equals [DefaultDuration]: an entry unused for as long as
	// its credentials live holds nothing worth keeping, and a pool never
	// calls STS for an idle entry (refreshes are started by callers).
	DefaultIdleTimeout = time.Hour

	// DefaultRefreshWindow is how long before expiry a background refresh
	// starts, before the per-entry jitter is added.
	DefaultRefreshWindow = 15 * time.Minute

	// DefaultRefreshJitter is the upper bound of the extra, per-entry part of
	// the refresh window, so that tenants onboarded together do not refresh
	// together.
	DefaultRefreshJitter = 5 * time.Minute

	// DefaultBackoffInitial is the wait after the first failed AssumeRole of
	// an entry. It doubles with each further failure.
	DefaultBackoffInitial = time.Second

	// DefaultBackoffMax caps the wait between failed AssumeRole calls of an
	// entry.
	DefaultBackoffMax = 5 * time.Minute

	// DefaultRefreshTimeout bounds one shared resolve-and-AssumeRole, which
	// runs detached from any single caller's context.
	DefaultRefreshTimeout = time.Minute
)

// PoolOptions configures a [Pool]. [NewPool] validates and copies them; a
// Pool never changes them afterwards.
type PoolOptions struct {
	// MaxTenants bounds the number of entries, one per (tenant, role ARN)
	// pair. The least recently used entry is evicted to make room (within
	// a shard, with a recency resolution of IdleTimeout/60 from 1 s to
	// 1 min; see [Pool]). While new entries are being inserted
	// concurrently, the pool may briefly hold more, by at most the number
	// of inserts in progress; once they have returned it holds at most
	// MaxTenants. Defaults to [DefaultMaxTenants]. Must not be negative.
	MaxTenants int

	// IdleTimeout is how long an entry may go unused before a background
	// sweep evicts it. Defaults to [DefaultIdleTimeout]; a negative value
	// disables idle eviction (MaxTenants still bounds memory).
	IdleTimeout time.Duration

	// RefreshWindow is how long before the credentials expire a background
	// refresh starts. Defaults to [DefaultRefreshWindow]. Must not be
	// negative. When RefreshWindow plus RefreshJitter exceeds half of the
	// credentials' lifetime, the window is scaled down to fit in that half.
	RefreshWindow time.Duration

	// RefreshJitter is the upper bound of a per-entry amount added to
	// RefreshWindow. Each entry draws its share once, from a hash of its
	// tenant and role, so a refresh lands at a stable point of every
	// lifetime and entries created together spread over the jitter.
	// Defaults to [DefaultRefreshJitter]; a negative value disables jitter.
	RefreshJitter time.Duration

	// BackoffInitial is the wait after an entry's first failed refresh;
	// each further consecutive failure doubles it, up to BackoffMax.
	// Defaults to [DefaultBackoffInitial]. Must not be negative.
	BackoffInitial time.Duration

	// BackoffMax caps the wait between an entry's failed refreshes.
	// Defaults to [DefaultBackoffMax]. Must not be negative; a value below
	// BackoffInitial is raised to it.
	BackoffMax time.Duration

	// RefreshTimeout bounds one shared refresh (resolver and AssumeRole).
	// Defaults to [DefaultRefreshTimeout]. Must not be negative.
	//
	// A shared refresh runs on a context that keeps the values (trace
	// spans, loggers, SDK middleware values) of the caller that started it,
	// but neither its deadline nor its cancellation: RefreshTimeout and
	// Close bound it instead. The values of the other callers that share
	// it, and of the callers of later refreshes, are not seen.
	RefreshTimeout time.Duration

	// ClientPartition is the AWS partition that the client passed to
	// [NewPool] serves, such as "aws" or "aws-cn".
	//
	// Set it whenever the client is not a bare *sts.Client. The default is
	// guessed: for an *sts.Client, the partition of its Options().Region
	// (also when it has a BaseEndpoint, such as a VPC endpoint: the
	// endpoint is assumed to be in the region's partition); for any other
	// client (a wrapper, a middleware-decorated or instrumented client, a
	// fake) it is "aws", and a role ARN of partition aws is then sent to
	// that client whatever endpoint it really calls. An *sts.Client
	// without a region also defaults to "aws".
	ClientPartition string

	// PartitionClients maps further partitions (such as "aws-cn" or
	// "aws-us-gov") to an STS client of that partition. A role ARN in a
	// partition that no client serves is refused with an error wrapping
	// [ErrUnsupportedPartition]; it is never sent to another partition's
	// endpoint. Defaults to none. An *sts.Client whose region lies in
	// another partition is refused.
	PartitionClients map[string]AssumeRoleAPIClient

	// ProviderOptions returns the [ProviderOptions] functions (session name,
	// tags, duration, session policy, ...) of one entry. It is called
	// outside the pool's locks when the entry is created (concurrent first
	// callers of a pair may each call it; one result is kept), and the
	// result is validated then: invalid options fail that call of
	// [Pool.Credentials], [Pool.Config] or [Pool.Retrieve] with an error
	// wrapping [ErrInvalidOptions]. Defaults to none, that is the
	// [Provider] defaults. It must be safe for concurrent use.
	ProviderOptions func(tenantID, roleARN string) []func(*ProviderOptions)

	// Logger, when set, receives refresh failures at Warn and the other
	// state changes (refresh started and succeeded, evictions) at Debug.
	// Records name the tenant and role, never an ExternalId or credentials.
	// Defaults to nil: no logging.
	Logger *slog.Logger

	// OnEvent, when set, is called for every [PoolEvent], outside the
	// pool's locks. It must be safe for concurrent use and may call the
	// pool, Close included.
	//
	// Per-call events (served while refreshing, denied) and capacity
	// evictions are delivered on the caller's goroutine, whose Retrieve
	// waits for the hook. The events of an entry's refreshes are delivered
	// in order (each refresh's start, then its outcome), by the caller
	// that started the refresh or by the refresh's goroutine; the shared
	// refresh and the callers waiting for it never wait for a hook, so an
	// outcome may reach the hook after those callers have returned. Idle
	// evictions are delivered by the janitor. Should return quickly.
	// Defaults to nil.
	OnEvent func(PoolEvent)

	// Now is the clock. Defaults to [time.Now].
	Now func() time.Time

	// janitorTicks, when set (by tests), wakes the janitor instead of its
	// real-time ticker.
	janitorTicks <-chan time.Time
}

// withDefaults validates o and fills in defaults. It returns a copy; the
// PartitionClients map is copied too.
func (o PoolOptions) withDefaults() (PoolOptions, error) {
	switch {
	case o.MaxTenants < 0:
		return o, poolOptionsError("MaxTenants is negative (%d)", o.MaxTenants)
	case o.RefreshWindow < 0:
		return o, poolOptionsError("RefreshWindow is negative (%v)", o.RefreshWindow)
	case o.BackoffInitial < 0:
		return o, poolOptionsError("BackoffInitial is negative (%v)", o.BackoffInitial)
	case o.BackoffMax < 0:
		return o, poolOptionsError("BackoffMax is negative (%v)", o.BackoffMax)
	case o.RefreshTimeout < 0:
		return o, poolOptionsError("RefreshTimeout is negative (%v)", o.RefreshTimeout)
	}
	if o.MaxTenants == 0 {
		o.MaxTenants = DefaultMaxTenants
	}
	if o.IdleTimeout == 0 {
		o.IdleTimeout = DefaultIdleTimeout
	}
	if o.RefreshWindow == 0 {
		o.RefreshWindow = DefaultRefreshWindow
	}
	switch {
	case o.RefreshJitter == 0:
		o.RefreshJitter = DefaultRefreshJitter
	case o.RefreshJitter < 0:
		o.RefreshJitter = 0
	}
	if o.BackoffInitial == 0 {
		o.BackoffInitial = DefaultBackoffInitial
	}
	if o.BackoffMax == 0 {
		o.BackoffMax = DefaultBackoffMax
	}
	o.BackoffMax = max(o.BackoffMax, o.BackoffInitial)
	if o.RefreshTimeout == 0 {
		o.RefreshTimeout = DefaultRefreshTimeout
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	clients := make(map[string]AssumeRoleAPIClient, len(o.PartitionClients))
	for part, c := range o.PartitionClients {
		if !isPartition(part) {
			return o, poolOptionsError("PartitionClients has the key %q, which is not an AWS partition such as aws-cn or aws-us-gov", part)
		}
		if isNil(c) {
			return o, poolOptionsError("PartitionClients[%q] is nil", part)
		}
		clients[part] = c
	}
	o.PartitionClients = clients
	return o, nil
}

func poolOptionsError(format string, args ...any) error {
	return fmt.Errorf("%w: PoolOptions."+format, append([]any{ErrInvalidOptions}, args...)...)
}
