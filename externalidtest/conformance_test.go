package externalidtest_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/tenantrole/externalid/externalidtest"
)

// backend is one implementation of the AWS wire protocols under test: the
// kit, or moto as an independent reference.
type backend struct {
	name string
	// saas is a config for the SaaS principal: it owns secrets and assumes
	// roles.
	saas aws.Config
	// withCreds returns a config for other credentials on the same backend.
	withCreds func(aws.CredentialsProvider) aws.Config
	// newRole creates a role that the SaaS principal may assume when it
	// passes externalID, and returns its ARN.
	newRole func(t *testing.T, externalID string) string
}

// forEachBackend runs fn against the kit and against moto. Without moto the
// moto half skips, or fails under EXTERNALID_REQUIRE_MOTO=1.
func forEachBackend(t *testing.T, fn func(t *testing.T, b backend)) {
	t.Run("kit", func(t *testing.T) { fn(t, kitBackend(t)) })
	t.Run("moto", func(t *testing.T) { fn(t, motoBackend(t)) })
}

func kitBackend(t *testing.T) backend {
	srv := externalidtest.New(t)
	return backend{
		name:      "kit",
		saas:      srv.Config(srv.SaaS()),
		withCreds: srv.Config,
		newRole: func(t *testing.T, externalID string) string {
			t.Helper()
			c, err := srv.SeedCustomer(uniqueName("tenant"), func(o *externalidtest.CustomerOptions) {
				o.ExternalID = externalID
				o.SkipSecret = true
			})
			if err != nil {
				t.Fatal(err)
			}
			return c.Role.ARN
		},
	}
}

// Obviously fake credentials for moto, which does not check them.
const (
	motoAccessKey = "AKIAFAKEFORMOTOTESTS"
	motoSecretKey = "fake/secret/for/moto/tests/only/000000000"
)

func motoBackend(t *testing.T) backend {
	srv := moto.Get(t)
	withCreds := func(creds aws.CredentialsProvider) aws.Config {
		return aws.Config{
			Region:       "us-east-1",
			Credentials:  creds,
			BaseEndpoint: aws.String(srv.URL),
			HTTPClient:   &http.Client{Timeout: 30 * time.Second},
			Retryer: func() aws.Retryer {
				return retry.NewStandard(func(o *retry.StandardOptions) { o.RateLimiter = ratelimit.None })
			},
		}
	}
	return backend{
		name:      "moto",
		saas:      withCreds(credentials.NewStaticCredentialsProvider(motoAccessKey, motoSecretKey, "")),
		withCreds: withCreds,
		newRole: func(t *testing.T, externalID string) string {
			t.Helper()
			name := uniqueName("role")
			form := url.Values{
				"Action":                   {"CreateRole"},
				"Version":                  {"2010-05-08"},
				"RoleName":                 {name},
				"AssumeRolePolicyDocument": {externalidtest.TrustPolicy("arn:aws:iam::123456789012:root", externalID)},
			}
			req, _ := http.NewRequest(http.MethodPost, srv.URL+"/", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+motoAccessKey+"/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatalf("moto CreateRole: %v", err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("moto CreateRole: %s", resp.Status)
			}
			return "arn:aws:iam::123456789012:role/" + name
		},
	}
}

// uniqueName keeps names apart on the shared moto server.
func uniqueName(prefix string) string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return prefix + "-" + hex.EncodeToString(b[:])
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}
