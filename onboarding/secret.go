package onboarding

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"

	"github.com/tenantrole/externalid"
	"github.com/tenantrole/externalid/internal/awserr"
)

// DefaultTenantTagKey is the tag that names the tenant on its secret.
const DefaultTenantTagKey = "externalid:tenant"

// CreateSecretAPIClient is the Secrets Manager operations [StoreExternalID]
// calls, with the SDK's exact signatures: *secretsmanager.Client satisfies
// it. GetSecretValue reads an existing secret, to check that the resolver
// can use it.
type CreateSecretAPIClient interface {
	CreateSecret(ctx context.Context, params *secretsmanager.CreateSecretInput, optFns ...func(*secretsmanager.Options)) (*secretsmanager.CreateSecretOutput, error)
	DescribeSecret(ctx context.Context, params *secretsmanager.DescribeSecretInput, optFns ...func(*secretsmanager.Options)) (*secretsmanager.DescribeSecretOutput, error)
	GetSecretValue(ctx context.Context, params *secretsmanager.GetSecretValueInput, optFns ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
}

// SecretOptions configures [StoreExternalID].
type SecretOptions struct {
	// SecretID maps a tenant id to its secret's name. Defaults to
	// [externalid.DefaultSecretID]; use the same function as the resolver's
	// SecretsManagerOptions.SecretID.
	SecretID func(tenantID string) string

	// JSONKey, when set, stores the secret as a JSON object holding the
	// ExternalId under this key, as the resolver's
	// SecretsManagerOptions.JSONKey reads it. Defaults to "": the secret is
	// the ExternalId itself.
	JSONKey string

	// KMSKeyID is the KMS key (id, ARN or alias) that encrypts the secret.
	// Defaults to "": Secrets Manager's aws/secretsmanager key.
	KMSKeyID string

	// Description of the secret. Defaults to a sentence naming the tenant.
	Description string

	// TenantTagKey is the tag key that names the tenant. Defaults to
	// [DefaultTenantTagKey].
	TenantTagKey string

	// Tags are added to the secret. Defaults to none. A tag whose key is
	// TenantTagKey is refused: the tenant tag is set from the tenant id.
	Tags map[string]string
}

// StoreResult is what [StoreExternalID] did. It holds no ExternalId value.
// It is plain data, like [Report].
type StoreResult struct {
	TenantID string `json:"tenantId"`
	SecretID string `json:"secretId"` // the secret's name
	ARN      string `json:"arn"`
	// Created is true when the secret was created now, false when it
	// existed and was kept.
	Created bool `json:"created"`
	// Fingerprint identifies the stored value: the new one, or the existing
	// secret's AWSCURRENT one when Created is false.
	Fingerprint string `json:"fingerprint,omitempty"`
	// Untagged is true when the existing secret was kept although it has
	// no tenant tag, so nothing marks it as this tenant's: check that it is,
	// then tag it (TenantTagKey=tenant id) with TagResource.
	Untagged bool `json:"untagged,omitempty"`
}

// StoreExternalID creates tenantID's ExternalId secret with a value from
// [externalid.Generate], tagged with the tenant. It is idempotent: when the
// secret exists it is kept as it is, never overwritten, and the result says
// Created false.
//
// An existing secret is kept only if it can be this tenant's: one tagged
// with another tenant is a [*TenantMismatchError]; one without the tenant
// tag is kept, and the result says Untagged. Its AWSCURRENT value must be
// an ExternalId the resolver accepts (read with SecretOptions.JSONKey):
// otherwise the error wraps [externalid.ErrInvalidExternalID] (and never
// holds the content). A secret scheduled for deletion is an error too.
func StoreExternalID(ctx context.Context, client CreateSecretAPIClient, tenantID string, optFns ...func(*SecretOptions)) (*StoreResult, error) {
	if awserr.IsNil(client) {
		return nil, fmt.Errorf("%w: StoreExternalID needs a Secrets Manager client, got nil", ErrInvalidArgument)
	}
	if err := externalid.ValidateTenantID(tenantID); err != nil {
		return nil, fmt.Errorf("onboarding: %w", err)
	}
	opts := SecretOptions{SecretID: externalid.DefaultSecretID, TenantTagKey: DefaultTenantTagKey}
	for _, fn := range optFns {
		fn(&opts)
	}
	if opts.SecretID == nil {
		opts.SecretID = externalid.DefaultSecretID
	}
	if opts.TenantTagKey == "" {
		opts.TenantTagKey = DefaultTenantTagKey
	}
	if opts.Description == "" {
		opts.Description = fmt.Sprintf("sts:ExternalId of tenant %s (github.com/tenantrole/externalid)", tenantID)
	}
	if _, ok := opts.Tags[opts.TenantTagKey]; ok {
		return nil, fmt.Errorf("%w: SecretOptions.Tags has the tenant tag %q; leave it out, StoreExternalID sets it to the tenant id", ErrInvalidArgument, opts.TenantTagKey)
	}
	name := opts.SecretID(tenantID)

	id, err := externalid.Generate()
	if err != nil {
		return nil, fmt.Errorf("onboarding: generate an ExternalId for tenant %q: %w", tenantID, err)
	}
	content, err := secretContent(id, opts.JSONKey, nil)
	if err != nil {
		return nil, err
	}
	in := &secretsmanager.CreateSecretInput{
		Name:         aws.String(name),
		Description:  aws.String(opts.Description),
		SecretString: aws.String(content),
		Tags:         []types.Tag{{Key: aws.String(opts.TenantTagKey), Value: aws.String(tenantID)}},
	}
	if opts.KMSKeyID != "" {
		in.KmsKeyId = aws.String(opts.KMSKeyID)
	}
	for k, v := range opts.Tags {
		in.Tags = append(in.Tags, types.Tag{Key: aws.String(k), Value: aws.String(v)})
	}
	out, err := client.CreateSecret(ctx, in)
	if err == nil {
		return &StoreResult{TenantID: tenantID, SecretID: name, ARN: aws.ToString(out.ARN), Created: true, Fingerprint: id.Fingerprint()}, nil
	}
	switch code := apiErrorCode(err); {
	case code == "ResourceExistsException":
		return existingSecret(ctx, client, tenantID, name, opts)
	case code == "InvalidRequestException" && strings.Contains(strings.ToLower(err.Error()), "deletion"):
		return nil, fmt.Errorf("onboarding: secret %q of tenant %q is scheduled for deletion; restore it with RestoreSecret, or wait until it is deleted: %w", name, tenantID, err)
	default:
		return nil, fmt.Errorf("onboarding: create secret %q for tenant %q: %w", name, tenantID, err)
	}
}

// existingSecret describes a secret that CreateSecret found taken, checks
// that it is this tenant's, and reads its value as the resolver would.
func existingSecret(ctx context.Context, client CreateSecretAPIClient, tenantID, name string, opts SecretOptions) (*StoreResult, error) {
	out, err := client.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String(name)})
	if err != nil {
		return nil, fmt.Errorf("onboarding: secret %q of tenant %q exists but cannot be described: %w", name, tenantID, err)
	}
	res := &StoreResult{TenantID: tenantID, SecretID: name, ARN: aws.ToString(out.ARN), Untagged: true}
	for _, tag := range out.Tags {
		if aws.ToString(tag.Key) != opts.TenantTagKey {
			continue
		}
		if owner := aws.ToString(tag.Value); owner != tenantID {
			return nil, &TenantMismatchError{SecretID: name, TagKey: opts.TenantTagKey, Owner: owner, TenantID: tenantID}
		}
		res.Untagged = false
	}
	value, err := client.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(name)})
	if err != nil {
		return nil, fmt.Errorf("onboarding: secret %q of tenant %q exists but its AWSCURRENT value cannot be read: %w", name, tenantID, err)
	}
	id, err := externalid.ParseSecret(value.SecretString, opts.JSONKey)
	if err != nil {
		return nil, fmt.Errorf("onboarding: secret %q of tenant %q exists, but the resolver cannot use its value, and StoreExternalID never overwrites it; fix the secret (PutSecretValue) or delete it and onboard again: %w", name, tenantID, err)
	}
	res.Fingerprint = id.Fingerprint()
	return res, nil
}

// secretContent renders a SecretString: the value itself or, with jsonKey,
// base with the value set under jsonKey (base may be nil).
func secretContent(id externalid.ExternalID, jsonKey string, base map[string]json.RawMessage) (string, error) {
	if jsonKey == "" {
		return id.Value(), nil
	}
	fields := make(map[string]json.RawMessage, len(base)+1)
	for k, v := range base {
		fields[k] = v
	}
	raw, err := json.Marshal(id.Value())
	if err != nil {
		return "", fmt.Errorf("onboarding: encode the secret: %w", err)
	}
	fields[jsonKey] = raw
	b, err := json.Marshal(fields)
	if err != nil {
		return "", fmt.Errorf("onboarding: encode the secret: %w", err)
	}
	return string(b), nil
}
