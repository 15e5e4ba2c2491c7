package externalidtest

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// Config returns an aws.Config that points every client at the kit: its
// Region, BaseEndpoint and HTTP client are set, and creds sign the
// requests. Nothing is read from the environment or from shared config
// files. A [Principal] fits creds; so does any provider (wrap one that calls
// STS in aws.NewCredentialsCache, as a real program would).
//
// The retryer is the SDK's standard one (three attempts) with a backoff of
// a few milliseconds and no retry quota, so fault-injection tests stay fast
// and deterministic.
func (s *Server) Config(creds aws.CredentialsProvider) aws.Config {
	return aws.Config{
		Region:       s.region,
		Credentials:  creds,
		BaseEndpoint: aws.String(s.ts.URL),
		HTTPClient:   s.ts.Client(),
		Retryer: func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.RateLimiter = ratelimit.None
				o.Backoff = retry.BackoffDelayerFunc(func(attempt int, _ error) (time.Duration, error) {
					return time.Duration(attempt) * time.Millisecond, nil
				})
			})
		},
	}
}

// STS returns an STS client that talks to the kit as creds.
func (s *Server) STS(creds aws.CredentialsProvider, optFns ...func(*sts.Options)) *sts.Client {
	return sts.NewFromConfig(s.Config(creds), optFns...)
}

// SecretsManager returns a Secrets Manager client that talks to the kit as
// creds. Secrets live in the account of the principal behind creds.
func (s *Server) SecretsManager(creds aws.CredentialsProvider, optFns ...func(*secretsmanager.Options)) *secretsmanager.Client {
	return secretsmanager.NewFromConfig(s.Config(creds), optFns...)
}
