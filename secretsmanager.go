package externalid

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"golang.org/x/sync/singleflight"

	"github.com/tenantrole/externalid/internal/lru"
)

// Defaults of [SecretsManagerOptions].
const (
	// DefaultSecretPrefix starts the default secret name of every tenant.
	DefaultSecretPrefix = "externalid/"
	// DefaultVersionStage is the staging label that is read.
	DefaultVersionStage = "AWSCURRENT"
	// DefaultTTL is how long a value is served from memory before it is read
	// again. See [SecretsManagerOptions.TTL].
	DefaultTTL = 15 * time.Minute
	// DefaultMaxStale is how old a value may be and still be served while
	// Secrets Manager is failing transiently.
	DefaultMaxStale = 24 * time.Hour
	// DefaultMaxEntries bounds the number of cached tenants.
	DefaultMaxEntries = 10_000
	// DefaultLookupTimeout bounds one shared GetSecretValue call.
	DefaultLookupTimeout = 30 * time.Second
	// StaleRetryInterval is how long a stale value is served after a
	// transient failure before Secrets Manager is asked again, so that an
	// outage is not met with a request per caller.
	StaleRetryInterval = 30 * time.Second
)

// DefaultSecretID returns the default secret name of a tenant:
// "externalid/" + tenantID.
func DefaultSecretID(tenantID string) string { return DefaultSecretPrefix + tenantID }

// SecretsManagerAPIClient is the one AWS Secrets Manager operation the
// resolver calls. *secretsmanager.Client satisfies it.
type SecretsManagerAPIClient interface {
	GetSecretValue(ctx context.Context, params *secretsmanager.GetSecretValueInput, optFns ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
}

// SecretsManagerOptions configures a [SecretsManagerResolver].
type SecretsManagerOptions struct {
	// SecretID maps a validated tenant id to its secret's name or ARN.
	// Defaults to [DefaultSecretID]. It must map distinct tenants to distinct
	// secrets.
	SecretID func(tenantID string) string

	// JSONKey, when set, says that SecretString is a JSON object and the
	// ExternalId is the string under this key. Defaults to "": SecretString
	// is the ExternalId itself.
	JSONKey string

	// VersionStage is the staging label to read. Defaults to
	// [DefaultVersionStage] (AWSCURRENT).
	VersionStage string

	// TTL is how long a value is served from memory before it is read again.
	// Defaults to [DefaultTTL], 15 minutes: an ExternalId changes only when
	// it is rotated, so a short TTL buys nothing but GetSecretValue calls
	// (which are billed and throttled), while 15 minutes still bounds how long
	// a rotated value takes to reach every process. A provider that meets
	// AccessDenied invalidates the tenant at once, so rotation does not wait
	// for the TTL. Must not be negative.
	TTL time.Duration

	// MaxStale is how old the last good value may be and still be served
	// when Secrets Manager fails with throttling, a 5xx or a network error.
	// Past it, the error is returned. Not-found and access-denied errors are
	// never masked. Defaults to [DefaultMaxStale], 24 hours; a negative value
	// disables serving stale values.
	MaxStale time.Duration

	// MaxEntries bounds the number of cached tenants; the least recently
	// used is evicted. Defaults to [DefaultMaxEntries]. Must not be negative.
	MaxEntries int

	// LookupTimeout bounds one shared GetSecretValue call, which runs
	// detached from any single caller's context. Defaults to
	// [DefaultLookupTimeout]. Must not be negative.
	LookupTimeout time.Duration

	// Now is the clock. Defaults to [time.Now].
	Now func() time.Time
}

// SecretsManagerResolver is a [Resolver] that reads each tenant's ExternalId
// from AWS Secrets Manager and caches it.
//
// Concurrent lookups of one tenant share a single GetSecretValue call, which
// runs on a context that no single caller's cancellation can cancel, while
// each caller still returns when its own context is done. At most one call
// per tenant is made per TTL.
//
// A SecretsManagerResolver is safe for concurrent use.
type SecretsManagerResolver struct {
	client SecretsManagerAPIClient
	opts   SecretsManagerOptions // validated and defaulted; never written after construction
	err    error                 // construction error, returned by every lookup

	group singleflight.Group

	mu     sync.Mutex                         // guards cache, writes and epoch
	writes uint64                             // number of cache writes so far: the next entry version
	epoch  uint64                             // number of Invalidate calls so far
	cache  *lru.Cache[string, resolvedSecret] // by cacheKey: tenant id, or tenant id/stage
}

// resolvedSecret is one cache entry: a value, a remembered not-found of a
// staged label, or a tombstone that Invalidate left.
type resolvedSecret struct {
	id          ExternalID
	err         error     // a not-found of a label other than VersionStage, served until freshUntil
	fetchedAt   time.Time // when Secrets Manager last answered
	freshUntil  time.Time // served without a lookup until then
	version     uint64    // changes on every write of the key; see refresh
	invalidated bool      // a tombstone: never served, not even stale
}

var (
	_ Resolver    = (*SecretsManagerResolver)(nil)
	_ Invalidator = (*SecretsManagerResolver)(nil)
)

// NewSecretsManagerResolver returns a resolver that reads ExternalIds through
// client. Options are validated here; invalid options or a nil client make
// every lookup fail with an error wrapping [ErrInvalidOptions].
func NewSecretsManagerResolver(client SecretsManagerAPIClient, optFns ...func(*SecretsManagerOptions)) *SecretsManagerResolver {
	var opts SecretsManagerOptions
	for _, fn := range optFns {
		fn(&opts)
	}
	r := &SecretsManagerResolver{client: client}
	r.opts, r.err = opts.withDefaults()
	if r.err == nil && client == nil {
		r.err = fmt.Errorf("%w: NewSecretsManagerResolver needs a Secrets Manager client, got nil", ErrInvalidOptions)
	}
	r.cache = lru.New[string, resolvedSecret](r.opts.MaxEntries)
	return r
}

func (o SecretsManagerOptions) withDefaults() (SecretsManagerOptions, error) {
	switch {
	case o.TTL < 0:
		return o, fmt.Errorf("%w: SecretsManagerOptions.TTL is negative (%v)", ErrInvalidOptions, o.TTL)
	case o.MaxEntries < 0:
		return o, fmt.Errorf("%w: SecretsManagerOptions.MaxEntries is negative (%d)", ErrInvalidOptions, o.MaxEntries)
	case o.LookupTimeout < 0:
		return o, fmt.Errorf("%w: SecretsManagerOptions.LookupTimeout is negative (%v)", ErrInvalidOptions, o.LookupTimeout)
	}
	if o.SecretID == nil {
		o.SecretID = DefaultSecretID
	}
	if o.VersionStage == "" {
		o.VersionStage = DefaultVersionStage
	}
	if o.TTL == 0 {
		o.TTL = DefaultTTL
	}
	if o.MaxStale == 0 {
		o.MaxStale = DefaultMaxStale
	}
	if o.MaxEntries == 0 {
		o.MaxEntries = DefaultMaxEntries
	}
	if o.LookupTimeout == 0 {
		o.LookupTimeout = DefaultLookupTimeout
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o, nil
}

// store writes e under key with a new version. The caller holds r.mu.
func (r *SecretsManagerResolver) store(key string, e resolvedSecret) {
	r.writes++
	e.version = r.writes
	r.cache.Add(key, e)
}

// Invalidate drops tenantID's cached value, and its cached AWSCURRENT,
// AWSPENDING and AWSPREVIOUS values read through
// [SecretsManagerResolver.ResolveExternalIDStage], so that the next lookup
// reads Secrets Manager.
//
// A lookup that was already in flight still answers the callers that were
// waiting for it, but its result is not cached: the value it read may be the
// one that was just found wrong.
func (r *SecretsManagerResolver) Invalidate(tenantID string) {
	keys := []string{tenantID}
	for _, stage := range rotationStages {
		if stage != r.opts.VersionStage {
			keys = append(keys, r.cacheKey(tenantID, stage))
		}
	}
	r.mu.Lock()
	r.epoch++
	for _, k := range keys {
		if _, ok := r.cache.Peek(k); ok {
			r.store(k, resolvedSecret{invalidated: true})
		}
	}
	r.mu.Unlock()
	for _, k := range keys {
		r.group.Forget(k)
	}
}
