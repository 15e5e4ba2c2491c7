package externalid

import "context"

// A Resolver looks up a tenant's ExternalId at run time.
//
// ResolveExternalID returns the ExternalId of tenantID, or an error. It must
// not return the zero ExternalID with a nil error; [Provider] treats that as
// [ErrMissingExternalID]. Implementations must be safe for concurrent use by
// multiple goroutines, and should return errors that wrap
// [ErrExternalIDNotFound] or [ErrInvalidExternalID] where those apply.
type Resolver interface {
	ResolveExternalID(ctx context.Context, tenantID string) (ExternalID, error)
}

// ResolverFunc adapts an ordinary function to a [Resolver].
type ResolverFunc func(ctx context.Context, tenantID string) (ExternalID, error)

// ResolveExternalID calls f(ctx, tenantID).
func (f ResolverFunc) ResolveExternalID(ctx context.Context, tenantID string) (ExternalID, error) {
	return f(ctx, tenantID)
}

// An Invalidator is a Resolver with a cache that can drop one tenant's value.
// When STS denies AssumeRole, [Provider] invalidates the tenant, resolves
// again and, if the value changed (it was rotated), retries once.
type Invalidator interface {
	Invalidate(tenantID string)
}
