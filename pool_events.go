package externalid

import (
	"context"
	"errors"
	"log/slog"
	"time"
)

// PoolEventKind says what happened in a [PoolEvent].
type PoolEventKind int

// The kinds of [PoolEvent].
const (
	// EventRefreshStarted: a shared resolve-and-AssumeRole began. Blocking
	// tells whether callers wait for it (the entry had no valid
	// credentials) or it runs in the background.
	EventRefreshStarted PoolEventKind = iota + 1

	// EventRefreshSucceeded: a refresh returned new credentials, which
	// expire at Expires. Latency is its duration.
	EventRefreshSucceeded

	// EventRefreshFailed: a refresh failed. Class and Err describe the
	// failure, RetryIn the backoff before the entry's next attempt.
	EventRefreshFailed

	// EventServedWhileRefreshing: a caller got the current credentials,
	// which are in their refresh window, while a refresh is in flight,
	// without waiting for it. (A caller served while the refresh is backing
	// off after a failure gets no event.)
	EventServedWhileRefreshing

	// EventEvicted: the entry left the pool, for the Reason given.
	EventEvicted

	// EventDenied: a caller without valid credentials got the error of the
	// entry's last refresh without a call to STS, because the backoff has
	// not yet passed. Class tells whether the error is transient or, say,
	// a denial.
	EventDenied
)

var eventKindNames = [...]string{
	EventRefreshStarted:        "refresh_started",
	EventRefreshSucceeded:      "refresh_succeeded",
	EventRefreshFailed:         "refresh_failed",
	EventServedWhileRefreshing: "served_while_refreshing",
	EventEvicted:               "evicted",
	EventDenied:                "denied",
}

// String returns the kind's name, such as "refresh_failed".
func (k PoolEventKind) String() string {
	if k > 0 && int(k) < len(eventKindNames) {
		return eventKindNames[k]
	}
	return "unknown"
}

// Reasons of [EventEvicted].
const (
	// EvictedCapacity: the least recently used entry made room for a new one.
	EvictedCapacity = "capacity"
	// EvictedIdle: the entry was unused for longer than IdleTimeout.
	EvictedIdle = "idle"
)

// ErrorClass is the coarse kind of a failure, for metrics and alerts.
type ErrorClass string

// The classes of errors in [PoolEvent].
const (
	// ErrorClassTransient: throttling, a 5xx, a network error or a timeout;
	// an error about the platform's own credentials or clock rather than
	// the tenant (ExpiredToken, ExpiredTokenException, InvalidClientTokenId,
	// SignatureDoesNotMatch, RequestExpired); or new credentials that
	// expire within [MinCredentialLifetime]. Like every failure, it is
	// retried after a backoff and returned meanwhile to callers without
	// valid credentials.
	ErrorClassTransient ErrorClass = "transient"
	// ErrorClassDenied: STS denied AssumeRole ([ErrAccessDenied]).
	ErrorClassDenied ErrorClass = "denied"
	// ErrorClassNotFound: the tenant has no ExternalId ([ErrExternalIDNotFound]).
	ErrorClassNotFound ErrorClass = "not_found"
	// ErrorClassInvalid: an invalid or missing ExternalId, tenant id, role
	// ARN or options.
	ErrorClassInvalid ErrorClass = "invalid"
	// ErrorClassClosed: the pool was closed ([ErrPoolClosed]).
	ErrorClassClosed ErrorClass = "closed"
	// ErrorClassOther: any other error, such as an unknown STS error code.
	ErrorClassOther ErrorClass = "other"
)

// invalidRequestCodes are STS error codes that blame the request: the
// session policy, tags or duration, or a region where STS is disabled.
var invalidRequestCodes = map[string]bool{
	"MalformedPolicyDocument":     true,
	"PackedPolicyTooLarge":        true,
	"ValidationError":             true,
	"RegionDisabledException":     true,
	"InvalidParameterValue":       true,
	"InvalidParameterCombination": true,
}

// platformCodes are STS error codes that blame the calling platform's own
// credentials or clock, not the tenant's role or ExternalId: they pass once
// the platform's credentials are renewed or its clock is fixed.
var platformCodes = map[string]bool{
	"ExpiredToken":          true,
	"ExpiredTokenException": true,
	"InvalidClientTokenId":  true,
	"SignatureDoesNotMatch": true,
	"RequestExpired":        true,
}

// classifyError returns the class of a refresh error. A denial comes
// first: a denial joined with a failed, throttled re-read of the secret
// (see [Provider.Retrieve]) is a denial.
func classifyError(err error) ErrorClass {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrPoolClosed):
		return ErrorClassClosed
	case errors.Is(err, ErrAccessDenied):
		return ErrorClassDenied
	case isTransient(err), platformCodes[apiErrorCode(err)], errors.Is(err, errShortLived):
		return ErrorClassTransient
	case errors.Is(err, ErrExternalIDNotFound):
		return ErrorClassNotFound
	case invalidRequestCodes[apiErrorCode(err)],
		errors.Is(err, ErrInvalidExternalID), errors.Is(err, ErrMissingExternalID),
		errors.Is(err, ErrInvalidTenantID), errors.Is(err, ErrInvalidRoleARN),
		errors.Is(err, ErrInvalidOptions), errors.Is(err, ErrUnsupportedPartition):
		return ErrorClassInvalid
	}
	return ErrorClassOther
}

// PoolEvent reports something that happened to one entry of a [Pool], for
// [PoolOptions.OnEvent]. It names the tenant and role, and never holds an
// ExternalId or credentials: Err is an error of this package, whose message
// carries at most an ExternalId's fingerprint.
type PoolEvent struct {
	// Kind says what happened, and so which of the other fields are set.
	Kind PoolEventKind

	// TenantID is the tenant of the entry.
	TenantID string

	// RoleARN is the role of the entry: with TenantID, the pair the entry
	// caches.
	RoleARN string

	// Blocking, for refresh events, reports that callers without valid
	// credentials waited for the refresh.
	Blocking bool

	// Latency is the duration of the resolver and AssumeRole calls, for
	// EventRefreshSucceeded and EventRefreshFailed.
	Latency time.Duration

	// Expires is when the new credentials expire, for EventRefreshSucceeded.
	Expires time.Time

	// Class and Err describe the failure, for EventRefreshFailed and
	// EventDenied.
	Class ErrorClass
	Err   error

	// RetryIn is the backoff before the next attempt, for EventRefreshFailed.
	RetryIn time.Duration

	// Reason is EvictedCapacity or EvictedIdle, for EventEvicted.
	Reason string
}

// emit delivers ev to the hook and the logger. Callers hold no lock.
func (p *Pool) emit(ev PoolEvent) {
	if !p.hasSink {
		return
	}
	if p.opts.OnEvent != nil {
		p.opts.OnEvent(ev)
	}
	if l := p.opts.Logger; l != nil {
		p.log(l, ev)
	}
}

// log writes the state changes among the events; the per-call events
// (served while refreshing, denied) are left to the hook.
func (p *Pool) log(l *slog.Logger, ev PoolEvent) {
	level := slog.LevelDebug
	switch ev.Kind {
	case EventServedWhileRefreshing, EventDenied:
		return
	case EventRefreshFailed:
		level = slog.LevelWarn
	}
	ctx := context.Background()
	if !l.Enabled(ctx, level) {
		return
	}
	attrs := []slog.Attr{
		slog.String("event", ev.Kind.String()),
		slog.String("tenant", ev.TenantID),
		slog.String("role_arn", ev.RoleARN),
	}
	switch ev.Kind {
	case EventRefreshStarted:
		attrs = append(attrs, slog.Bool("blocking", ev.Blocking))
	case EventRefreshSucceeded:
		attrs = append(attrs, slog.Bool("blocking", ev.Blocking), slog.Duration("latency", ev.Latency), slog.Time("expires", ev.Expires))
	case EventRefreshFailed:
		attrs = append(attrs, slog.Bool("blocking", ev.Blocking), slog.Duration("latency", ev.Latency),
			slog.String("class", string(ev.Class)), slog.Duration("retry_in", ev.RetryIn), slog.String("error", ev.Err.Error()))
	case EventEvicted:
		attrs = append(attrs, slog.String("reason", ev.Reason))
	}
	l.LogAttrs(ctx, level, "externalid: pool "+ev.Kind.String(), attrs...)
}
