package onboarding

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/tenantrole/externalid"
)

// maxPendingTokens is how many deterministic version ids [Rotator.Start]
// tries for one AWSCURRENT version before it lets Secrets Manager pick a
// random one. Each abandoned rotation of that version (AWSPENDING removed
// without a promotion) uses one up.
const maxPendingTokens = 8

// Start stores a new ExternalId from [externalid.Generate] as a new version
// of tenantID's secret, staged AWSPENDING. Nothing changes for providers
// until [Rotator.Promote].
//
// Start is idempotent: when a pending value exists it is kept, and the
// result says Started false. Concurrent or retried Starts of the same
// rotation store one version between them: each sends PutSecretValue with
// the same ClientRequestToken, derived from the secret's ARN and its
// AWSCURRENT version id, so Secrets Manager creates the version once and
// refuses the others' (random, different) values with
// ResourceExistsException; those Starts then report the version that was
// stored. Exactly one of them says Started true, and every result is read
// back from Secrets Manager after the write, so all callers report the same,
// actual AWSPENDING version.
//
// If a rotation of the same AWSCURRENT version was abandoned (its
// AWSPENDING label removed without a promotion), its version keeps the
// token; Start then moves on to the next deterministic token, and after
// 8 such abandoned rotations to a random one.
func (r *Rotator) Start(ctx context.Context, tenantID string) (*Rotation, error) {
	vs, err := r.describe(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	started := false
	for gen := 0; !vs.rotating(); gen++ {
		token := "" // past maxPendingTokens: a random version id
		if gen < maxPendingTokens {
			token = pendingToken(vs, gen)
		}
		if started, err = r.putPending(ctx, tenantID, vs, token); err != nil {
			return nil, err
		}
		before := vs.current
		if vs, err = r.describe(ctx, tenantID); err != nil {
			return nil, err
		}
		if started || vs.current != before {
			break // ours; or the concurrent rotation that took the token is promoted already
		}
		// Not rotating: the token's version is an abandoned pending value; try the next.
		// Rotating: a concurrent Start stored the pending value; the loop ends.
	}
	rot, err := r.status(ctx, tenantID, vs)
	if err != nil {
		return nil, err
	}
	rot.Started = started
	return rot, nil
}

// putPending stores a new value as version token (a random version id when
// token is ""), staged AWSPENDING. It returns false, and no error, when
// another value holds the token.
func (r *Rotator) putPending(ctx context.Context, tenantID string, vs versions, token string) (bool, error) {
	_, content, err := r.readContent(ctx, vs.secretID, vs.current)
	if err != nil {
		return false, err
	}
	id, err := externalid.Generate()
	if err != nil {
		return false, fmt.Errorf("onboarding: generate an ExternalId for tenant %q: %w", tenantID, err)
	}
	var fields map[string]json.RawMessage
	if r.opts.JSONKey != "" {
		// ParseSecret accepted content as a JSON object: keep its other keys.
		if err := json.Unmarshal([]byte(content), &fields); err != nil {
			return false, fmt.Errorf("onboarding: version %s of secret %q: %w: SecretString is not a JSON object", vs.current, vs.secretID, externalid.ErrInvalidExternalID)
		}
	}
	newContent, err := secretContent(id, r.opts.JSONKey, fields)
	if err != nil {
		return false, err
	}
	in := &secretsmanager.PutSecretValueInput{
		SecretId:      aws.String(vs.secretID),
		SecretString:  aws.String(newContent),
		VersionStages: []string{externalid.StagePending},
	}
	if token != "" {
		in.ClientRequestToken = aws.String(token)
	}
	_, err = r.client.PutSecretValue(ctx, in)
	switch {
	case err == nil:
		return true, nil
	case token != "" && apiErrorCode(err) == "ResourceExistsException":
		return false, nil
	default:
		return false, fmt.Errorf("onboarding: store the pending ExternalId of tenant %q in secret %q: %w", tenantID, vs.secretID, err)
	}
}

// pendingToken is the ClientRequestToken, and so the version id, of the
// gen'th pending value that rotates vs.current: a UUID (version 8, RFC 9562)
// hashed from the secret's ARN and the AWSCURRENT version id, the same for
// every Start of that rotation.
func pendingToken(vs versions, gen int) string {
	secret := vs.arn
	if secret == "" {
		secret = vs.secretID
	}
	h := sha256.New()
	for _, part := range []string{"github.com/tenantrole/externalid/onboarding.Rotator.Start", secret, vs.current, strconv.Itoa(gen)} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x80 // version 8
	u[8] = u[8]&0x3f | 0x80 // RFC 9562 variant
	x := hex.EncodeToString(u[:])
	return x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
}
