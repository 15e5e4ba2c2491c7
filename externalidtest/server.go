package externalidtest

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// DefaultRegion is the region the kit claims to be in unless
// [Options.Region] says otherwise.
const DefaultRegion = "us-east-1"

// DefaultSaaSAccountID is the SaaS provider's account unless
// [Options.SaaSAccountID] says otherwise.
const DefaultSaaSAccountID = "111122223333"

// DefaultSaaSUserName is the name of the IAM user that [Server.SaaS]
// returns: arn:aws:iam::<SaaSAccountID>:user/saas-backend.
const DefaultSaaSUserName = "saas-backend"

// Options configure a [Server]. Each field documents its default. They are
// read once, by [NewServer]; Clock is then called from many goroutines and
// must be safe for concurrent use.
type Options struct {
	// Region is reported in ARNs and expected in clients built by the kit.
	// Defaults to DefaultRegion.
	Region string

	// SaaSAccountID is the SaaS provider's AWS account: the home of
	// [Server.SaaS] and of the tenants' secrets that [Server.SeedCustomer]
	// creates. Defaults to DefaultSaaSAccountID.
	SaaSAccountID string

	// Clock returns the kit's notion of now. It stamps events, decides
	// session expiry, secret deletion and fault windows. Defaults to
	// time.Now. [ManualClock.Now] fits.
	Clock func() time.Time
}

// Server is an in-process AWS endpoint for STS and Secrets Manager that
// enforces IAM role trust policies. Create one with [NewServer] or [New].
//
// A Server is safe for concurrent use: every method and every HTTP request
// may run from any goroutine.
type Server struct {
	region string
	saas   Principal
	now    func() time.Time
	ts     *httptest.Server

	events eventLog
	faults faultSet

	mu         sync.Mutex            // guards the fields below
	principals map[string]*principal // by access key id
	roles      map[string]*role      // by role ARN
	secrets    map[string]*account   // Secrets Manager state by account id
	accounts   int                   // counter for SeedCustomer's default account ids
}

// NewServer starts a Server on a loopback port. It works outside tests (the
// quickstart uses it); the caller must [Server.Close] it. It panics if
// Options.SaaSAccountID is set but is not 12 digits, a programming error.
func NewServer(optFns ...func(*Options)) *Server {
	o := Options{Region: DefaultRegion, SaaSAccountID: DefaultSaaSAccountID, Clock: time.Now}
	for _, fn := range optFns {
		fn(&o)
	}
	if o.Region == "" {
		o.Region = DefaultRegion
	}
	if o.SaaSAccountID == "" {
		o.SaaSAccountID = DefaultSaaSAccountID
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if !accountIDPattern.MatchString(o.SaaSAccountID) {
		panic("externalidtest: Options.SaaSAccountID must be 12 digits")
	}
	s := &Server{
		region:     o.Region,
		now:        o.Clock,
		principals: make(map[string]*principal),
		roles:      make(map[string]*role),
		secrets:    make(map[string]*account),
	}
	s.saas = s.mustCreateUser(o.SaaSAccountID, DefaultSaaSUserName)
	s.ts = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	return s
}

// New starts a Server for a test and closes it when the test ends.
func New(tb testing.TB, optFns ...func(*Options)) *Server {
	tb.Helper()
	s := NewServer(optFns...)
	tb.Cleanup(s.Close)
	return s
}

// Close stops the server and waits for requests in flight to finish.
func (s *Server) Close() { s.ts.Close() }

// URL returns the endpoint, such as http://127.0.0.1:41234, for
// BaseEndpoint.
func (s *Server) URL() string { return s.ts.URL }

// Region returns the region the kit claims to be in.
func (s *Server) Region() string { return s.region }

// SaaSAccountID returns the SaaS provider's account id.
func (s *Server) SaaSAccountID() string { return s.saas.AccountID }

// SaaS returns the SaaS backend's principal: an IAM user in the SaaS account
// whose credentials sign requests to the kit.
func (s *Server) SaaS() Principal { return s.saas }

// serveHTTP routes a request to Secrets Manager (JSON 1.1, X-Amz-Target) or
// STS (query protocol).
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	target := r.Header.Get("X-Amz-Target")
	switch {
	case strings.HasPrefix(target, smTargetPrefix):
		s.serveSecretsManager(w, r, strings.TrimPrefix(target, smTargetPrefix))
	case target == "":
		s.serveSTS(w, r)
	default:
		http.Error(w, "externalidtest: unsupported X-Amz-Target "+target, http.StatusBadRequest)
	}
}

// accessKeyID returns the access key id named in a SigV4 Authorization
// header, or "". The signature itself is not verified.
func accessKeyID(r *http.Request) string {
	auth := r.Header.Get("Authorization")
	_, after, ok := strings.Cut(auth, "Credential=")
	if !ok {
		return ""
	}
	akid, _, _ := strings.Cut(after, "/")
	return akid
}

var accountIDPattern = regexp.MustCompile(`^[0-9]{12}$`)

// newRequestID returns a random UUID like AWS's request ids.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return fmt.Sprintf("%s-%s-%s-%s-%s", h[:8], h[8:12], h[12:16], h[16:20], h[20:])
}

// randomString returns n characters drawn from alphabet with crypto/rand.
func randomString(alphabet string, n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

const (
	upperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	mixedAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
)
