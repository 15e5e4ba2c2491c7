package externalid

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/aws/aws-sdk-go-v2/service/sts/types"
)

// Limits of STS AssumeRole, and the default duration.
const (
	// DefaultDuration is the lifetime of the credentials a Provider asks for.
	DefaultDuration = time.Hour
	// MinDuration is the shortest lifetime STS grants.
	MinDuration = 15 * time.Minute
	// MaxDuration is the longest lifetime STS grants; the role's
	// MaxSessionDuration must allow it too.
	MaxDuration = 12 * time.Hour

	maxPolicyLen    = 2048
	maxPolicyARNs   = 10
	minPolicyARNLen = 20
	maxPolicyARNLen = 2048
	maxSessionTags  = 50
	maxTagKeyLen    = 128
	maxTagValueLen  = 256
)

// ProviderOptions configures a [Provider]. They mirror stscreds'
// AssumeRoleOptions, less ExternalID, which always comes from the
// [Resolver], and the MFA fields, which a service cannot answer.
//
// There is deliberately no option that sets an ExternalId.
type ProviderOptions struct {
	// RoleSessionName names the session in the customer's CloudTrail.
	// Defaults to [DefaultRoleSessionName] of the tenant id. Must match
	// STS's [\w+=,.@-]{2,64}.
	RoleSessionName string

	// Duration is the lifetime of the credentials. Defaults to
	// [DefaultDuration]; must be a whole number of seconds from [MinDuration]
	// to [MaxDuration].
	Duration time.Duration

	// Policy is an inline session policy (JSON, at most 2048 characters).
	// Defaults to none.
	Policy string

	// PolicyARNs are managed session policies (at most 10). Defaults to none.
	PolicyARNs []types.PolicyDescriptorType

	// Tags are session tags (at most 50). Defaults to none.
	Tags []types.Tag

	// TransitiveTagKeys are keys of Tags that pass to chained sessions.
	// Defaults to none.
	TransitiveTagKeys []string

	// SourceIdentity is the source identity to set on the session
	// ([\w+=,.@-]{2,64}). Defaults to none.
	SourceIdentity string

	// DisableStageFallback turns off the rotation fallback: by default, when
	// the resolver is a [StagedResolver], a Retrieve that STS denied with the
	// current value tries the other staged value once (see
	// [Provider.Retrieve]), so that requests keep working while the secret's
	// AWSCURRENT and the customer's trust policy disagree during a rotation.
	// The fallback costs up to two more secret reads on a denied Retrieve
	// only; a [Pool] remembers denials with backoff, which bounds that cost
	// for a role denied for another reason. Defaults to false.
	DisableStageFallback bool

	// OnStage, when set, is called after a Retrieve succeeded only with a
	// staged value other than the current one (see [Provider.Retrieve]),
	// with the tenant id and the stage that worked ([StagePending] or
	// [StagePrevious]): a sign that a rotation is half done, which an
	// operator should finish. It runs on the goroutine that called Retrieve,
	// holding no lock, and must be safe for concurrent use. Defaults to nil.
	OnStage func(tenantID, stage string)

	// Now is the clock, used to space re-reads after a denial (see
	// [DenialRecheckInterval]). Defaults to [time.Now].
	Now func() time.Time
}

// validate checks o against STS's limits and fills in defaults. It returns a
// copy; the caller's slices are cloned so later changes to them have no effect.
func (o ProviderOptions) validate(tenantID string) (ProviderOptions, error) {
	if o.RoleSessionName == "" {
		o.RoleSessionName = DefaultRoleSessionName(tenantID)
	}
	if !isSessionName(o.RoleSessionName) {
		return o, optionsError("RoleSessionName %q must be 2 to 64 characters from [A-Za-z0-9_+=,.@-]", o.RoleSessionName)
	}
	if o.Duration == 0 {
		o.Duration = DefaultDuration
	}
	if o.Duration < MinDuration || o.Duration > MaxDuration || o.Duration%time.Second != 0 {
		return o, optionsError("Duration %v must be whole seconds from %v to %v", o.Duration, MinDuration, MaxDuration)
	}
	if o.Policy != "" && (len(o.Policy) > maxPolicyLen || !json.Valid([]byte(o.Policy))) {
		return o, optionsError("Policy must be a JSON document of at most %d characters", maxPolicyLen)
	}
	if err := validatePolicyARNs(o.PolicyARNs); err != nil {
		return o, err
	}
	if err := validateTags(o.Tags, o.TransitiveTagKeys); err != nil {
		return o, err
	}
	if o.SourceIdentity != "" && !isSessionName(o.SourceIdentity) {
		return o, optionsError("SourceIdentity %q must be 2 to 64 characters from [A-Za-z0-9_+=,.@-]", o.SourceIdentity)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	o.PolicyARNs = clonePolicyARNs(o.PolicyARNs)
	o.Tags = cloneTags(o.Tags)
	o.TransitiveTagKeys = append([]string(nil), o.TransitiveTagKeys...)
	return o, nil
}

// clonePolicyARNs copies arns and the strings they point to, so that the
// caller's later changes cannot reach a validated Provider.
func clonePolicyARNs(arns []types.PolicyDescriptorType) []types.PolicyDescriptorType {
	if arns == nil {
		return nil
	}
	out := make([]types.PolicyDescriptorType, len(arns))
	for i, p := range arns {
		out[i] = types.PolicyDescriptorType{Arn: cloneString(p.Arn)}
	}
	return out
}

// cloneTags copies tags and the strings they point to.
func cloneTags(tags []types.Tag) []types.Tag {
	if tags == nil {
		return nil
	}
	out := make([]types.Tag, len(tags))
	for i, t := range tags {
		out[i] = types.Tag{Key: cloneString(t.Key), Value: cloneString(t.Value)}
	}
	return out
}

func cloneString(s *string) *string {
	if s == nil {
		return nil
	}
	v := *s
	return &v
}

func optionsError(format string, args ...any) error {
	return fmt.Errorf("%w: ProviderOptions."+format, append([]any{ErrInvalidOptions}, args...)...)
}

func validatePolicyARNs(arns []types.PolicyDescriptorType) error {
	if len(arns) > maxPolicyARNs {
		return optionsError("PolicyARNs has %d entries; STS accepts at most %d", len(arns), maxPolicyARNs)
	}
	for i, p := range arns {
		if p.Arn == nil || len(*p.Arn) < minPolicyARNLen || len(*p.Arn) > maxPolicyARNLen {
			return optionsError("PolicyARNs[%d] must hold an ARN of %d to %d characters", i, minPolicyARNLen, maxPolicyARNLen)
		}
	}
	return nil
}

func validateTags(tags []types.Tag, transitive []string) error {
	if len(tags) > maxSessionTags {
		return optionsError("Tags has %d entries; STS accepts at most %d", len(tags), maxSessionTags)
	}
	keys := make(map[string]bool, len(tags))
	for i, t := range tags {
		if t.Key == nil || len(*t.Key) == 0 || len(*t.Key) > maxTagKeyLen || !isTagText(*t.Key) {
			return optionsError("Tags[%d].Key must be 1 to %d letters, digits, spaces or _.:/=+-@", i, maxTagKeyLen)
		}
		if t.Value == nil || len(*t.Value) > maxTagValueLen || !isTagText(*t.Value) {
			return optionsError("Tags[%d].Value must be 0 to %d letters, digits, spaces or _.:/=+-@", i, maxTagValueLen)
		}
		k := strings.ToLower(*t.Key)
		if keys[k] {
			return optionsError("Tags has the key %q twice (keys are case-insensitive)", *t.Key)
		}
		keys[k] = true
	}
	if len(transitive) > maxSessionTags {
		return optionsError("TransitiveTagKeys has %d entries; STS accepts at most %d", len(transitive), maxSessionTags)
	}
	for _, k := range transitive {
		if !keys[strings.ToLower(k)] {
			return optionsError("TransitiveTagKeys names %q, which is not a key of Tags", k)
		}
	}
	return nil
}

func isSessionName(s string) bool {
	return len(s) >= minSessionNameLen && len(s) <= maxSessionNameLen && isSessionChars(s)
}

// isSessionChars reports whether s is made of STS's [\w+=,.@-].
func isSessionChars(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isSessionChar(s[i]) {
			return false
		}
	}
	return true
}

func isSessionChar(c byte) bool {
	switch c {
	case '+', '=', ',', '.', '@', '-':
		return true
	}
	return isWordChar(c)
}

// isTagText reports whether s matches IAM's tag pattern [\p{L}\p{Z}\p{N}_.:/=+\-@]*.
func isTagText(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.Is(unicode.Z, r) && !unicode.IsNumber(r) && !strings.ContainsRune("_.:/=+-@", r) {
			return false
		}
	}
	return true
}
