package externalid

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

// ResolveExternalID returns tenantID's ExternalId from the cache, or reads it
// from Secrets Manager when the cached value is older than the TTL.
func (r *SecretsManagerResolver) ResolveExternalID(ctx context.Context, tenantID string) (ExternalID, error) {
	return r.resolve(ctx, tenantID, r.opts.VersionStage)
}

// resolve serves one tenant's value under one staging label, from the cache
// or through one shared read per cache key.
func (r *SecretsManagerResolver) resolve(ctx context.Context, tenantID, stage string) (ExternalID, error) {
	if err := ValidateTenantID(tenantID); err != nil {
		return ExternalID{}, err
	}
	if r.err != nil {
		return ExternalID{}, r.err
	}
	key := r.cacheKey(tenantID, stage)
	if id, err, ok := r.fresh(key); ok {
		return id, err
	}
	detached := context.WithoutCancel(ctx)
	ch := r.group.DoChan(key, func() (v any, err error) {
		// A panic in a caller-supplied SecretID, clock or client would
		// otherwise be re-raised on a goroutine nobody can recover.
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("externalid: lookup of tenant %q panicked: %v", tenantID, p)
			}
		}()
		return r.refresh(detached, tenantID, stage, key)
	})
	select {
	case res := <-ch:
		if res.Err != nil {
			return ExternalID{}, res.Err
		}
		return res.Val.(ExternalID), nil
	case <-ctx.Done():
		return ExternalID{}, fmt.Errorf("externalid: resolve ExternalId for tenant %q: %w", tenantID, ctx.Err())
	}
}

// fresh returns the cached answer under key (a value, or a remembered
// not-found) if it is within its TTL.
func (r *SecretsManagerResolver) fresh(key string) (ExternalID, error, bool) {
	now := r.opts.Now()
	r.mu.Lock()
	e, ok := r.cache.Get(key)
	r.mu.Unlock()
	if ok && !e.invalidated && now.Before(e.freshUntil) {
		return e.id, e.err, true
	}
	return ExternalID{}, nil, false
}

// refresh runs once per cache key at a time, inside the singleflight group.
func (r *SecretsManagerResolver) refresh(ctx context.Context, tenantID, stage, key string) (ExternalID, error) {
	// A flight that finished just before this one began may have stored a
	// fresh answer: serve it rather than read the secret twice in one TTL.
	if id, err, ok := r.fresh(key); ok {
		return id, err
	}
	r.mu.Lock()
	start, startPresent := r.cache.Peek(key)
	startEpoch := r.epoch
	r.mu.Unlock()

	ctx, cancel := context.WithTimeout(ctx, r.opts.LookupTimeout)
	defer cancel()
	secretID := r.opts.SecretID(tenantID)
	id, err := r.fetch(ctx, secretID, stage)
	now := r.opts.Now()

	r.mu.Lock()
	defer r.mu.Unlock()
	last, present := r.cache.Peek(key)
	// Write only if nothing wrote the key since the flight began: not an
	// Invalidate (which leaves a tombstone, or, for a key with no entry,
	// moves the epoch), nor a newer flight that followed an Invalidate.
	current := present && startPresent && last.version == start.version ||
		!present && r.epoch == startEpoch
	if err == nil {
		if current {
			r.store(key, resolvedSecret{id: id, fetchedAt: now, freshUntil: now.Add(r.opts.TTL)})
		}
		return id, nil
	}
	usable := present && !last.invalidated && last.err == nil
	if usable && isTransient(err) && r.opts.MaxStale >= 0 && now.Sub(last.fetchedAt) <= r.opts.MaxStale {
		if current {
			last.freshUntil = now.Add(min(StaleRetryInterval, r.opts.TTL))
			r.store(key, last)
		}
		return last.id, nil
	}
	rerr := &ResolveError{TenantID: tenantID, SecretID: secretID, VersionStage: stage, Err: err}
	switch {
	case current && stage != r.opts.VersionStage && errors.Is(err, ErrExternalIDNotFound):
		// Most secrets carry no AWSPENDING most of the time: remember that
		// briefly, so a denied provider's fallback does not re-read it on
		// every attempt. Invalidate forgets it.
		r.store(key, resolvedSecret{err: rerr, fetchedAt: now, freshUntil: now.Add(min(StaleRetryInterval, r.opts.TTL))})
	case current && present && !isTransient(err):
		r.cache.Remove(key) // never mask not-found, denied or bad content
	}
	return ExternalID{}, rerr
}

// fetch reads and parses the version of one secret that carries stage.
func (r *SecretsManagerResolver) fetch(ctx context.Context, secretID, stage string) (ExternalID, error) {
	out, err := r.client.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{
		SecretId:     &secretID,
		VersionStage: &stage,
	})
	if err != nil {
		if isSecretNotFound(err) {
			return ExternalID{}, fmt.Errorf("%w (onboard the tenant, or check SecretsManagerOptions.SecretID): %w", ErrExternalIDNotFound, err)
		}
		return ExternalID{}, err
	}
	if out == nil {
		return ExternalID{}, errNoSecretOutput
	}
	// Secrets Manager treats a name ending in "-" and six characters as a
	// partial ARN, so tenant "acme-a1B2c3" could read the secret of tenant
	// "acme". Accept only the secret that was asked for.
	if !strings.HasPrefix(secretID, "arn:") && out.Name != nil && *out.Name != secretID {
		return ExternalID{}, fmt.Errorf("%w: Secrets Manager answered with secret %q, which is not %q (a partial ARN match); refusing another tenant's secret",
			ErrExternalIDNotFound, *out.Name, secretID)
	}
	return ParseSecret(out.SecretString, r.opts.JSONKey)
}

// isSecretNotFound reports a missing secret, or one scheduled for deletion.
func isSecretNotFound(err error) bool {
	switch apiErrorCode(err) {
	case "ResourceNotFoundException":
		return true
	case "InvalidRequestException":
		return strings.Contains(strings.ToLower(err.Error()), "deleted") ||
			strings.Contains(strings.ToLower(err.Error()), "deletion")
	}
	return false
}

// ResolveError reports a failed lookup of a tenant's ExternalId. It names the
// tenant, the secret and the staging label, never the value. Err wraps
// [ErrExternalIDNotFound], [ErrInvalidExternalID] or the Secrets Manager
// error, for [errors.Is] and [errors.As]. A ResolveError may be returned to
// several callers at once (a shared lookup, a remembered not-found) and is
// never modified: treat it as read-only.
type ResolveError struct {
	TenantID     string
	SecretID     string
	VersionStage string // the staging label that was read
	Err          error
}

// Error names the tenant, the secret and the cause.
func (e *ResolveError) Error() string {
	if e.VersionStage != "" && e.VersionStage != DefaultVersionStage {
		return fmt.Sprintf("externalid: resolve ExternalId of tenant %q from secret %q, stage %s: %v", e.TenantID, e.SecretID, e.VersionStage, e.Err)
	}
	return fmt.Sprintf("externalid: resolve ExternalId of tenant %q from secret %q: %v", e.TenantID, e.SecretID, e.Err)
}

// Unwrap returns the underlying error.
func (e *ResolveError) Unwrap() error { return e.Err }

// errNoSecretOutput reports a GetSecretValue that returned neither output nor error.
var errNoSecretOutput = errors.New("externalid: Secrets Manager GetSecretValue returned no output")

// errNoSecretString is returned for a secret that holds only SecretBinary.
var errNoSecretString = errors.New("the secret has no SecretString (binary secrets are not supported); store the ExternalId as a string")
