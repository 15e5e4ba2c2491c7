package externalidtest

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"strings"
	"time"
)

const (
	stsEventSource = "sts.amazonaws.com"
	stsXMLNS       = "https://sts.amazonaws.com/doc/2011-06-15/"
)

// apiError is an AWS error answer, before protocol encoding.
type apiError struct {
	status  int
	code    string
	message string
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

// stsCall carries one STS request through its handler.
type stsCall struct {
	w      http.ResponseWriter
	r      *http.Request
	event  Event
	caller *principal // a copy; nil when the access key is unknown
}

// serveSTS handles the STS query protocol.
func (s *Server) serveSTS(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "externalidtest: bad form body", http.StatusBadRequest)
		return
	}
	action := r.Form.Get("Action")
	c := &stsCall{w: w, r: r, event: Event{
		EventTime:   s.now(),
		EventSource: stsEventSource,
		EventName:   action,
		AWSRegion:   s.region,
		RequestID:   newRequestID(),
		EventID:     newRequestID(),
	}}
	c.caller = s.lookupCaller(r)
	if c.caller != nil {
		c.event.UserIdentity = identityOf(c.caller)
		c.event.RecipientAccountID = c.caller.AccountID
	}
	if action == "AssumeRole" {
		c.event.RequestParameters = assumeRoleParameters(r)
		if arn := r.Form.Get("RoleArn"); roleARNPattern.MatchString(arn) {
			c.event.RecipientAccountID = strings.Split(arn, ":")[4]
		}
	}
	switch s.applyFaults(w, r, action) {
	case FaultConnectionReset:
		return
	case FaultThrottling:
		s.stsFail(c, &apiError{http.StatusBadRequest, "Throttling", "Rate exceeded"})
		return
	case FaultInternalError:
		s.stsFail(c, &apiError{http.StatusInternalServerError, "InternalFailure", "An internal error occurred. Try again."})
		return
	}
	if err := s.authenticate(r, c.caller, true); err != nil {
		s.stsFail(c, err)
		return
	}
	var (
		out any
		err *apiError
	)
	switch action {
	case "AssumeRole":
		out, err = s.assumeRole(c)
	case "GetCallerIdentity":
		out = getCallerIdentityResponse{
			Xmlns: stsXMLNS,
			Result: callerIdentity{
				UserID:  c.caller.userID,
				Account: c.caller.AccountID,
				ARN:     c.caller.ARN,
			},
			Metadata: responseMetadata{RequestID: c.event.RequestID},
		}
	default:
		err = &apiError{http.StatusBadRequest, "InvalidAction", fmt.Sprintf("Could not find operation %s for version 2011-06-15", action)}
	}
	if err != nil {
		s.stsFail(c, err)
		return
	}
	s.events.add(c.event)
	writeXML(w, http.StatusOK, c.event.RequestID, out)
}

// lookupCaller returns a copy of the principal whose access key signed r.
func (s *Server) lookupCaller(r *http.Request) *principal {
	akid := accessKeyID(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.principals[akid]
	if !ok {
		return nil
	}
	cp := *p
	return &cp
}

// authenticate checks that r carries known, unexpired credentials, with
// the session token a role session needs. The SigV4 signature itself is
// not verified. forSTS picks STS's error codes over Secrets Manager's.
func (s *Server) authenticate(r *http.Request, caller *principal, forSTS bool) *apiError {
	invalid := &apiError{http.StatusBadRequest, "UnrecognizedClientException", "The security token included in the request is invalid."}
	if forSTS {
		invalid = &apiError{http.StatusForbidden, "InvalidClientTokenId", "The security token included in the request is invalid."}
	}
	switch {
	case accessKeyID(r) == "":
		if forSTS {
			return &apiError{http.StatusForbidden, "MissingAuthenticationToken", "Request is missing Authentication Token"}
		}
		return &apiError{http.StatusBadRequest, "MissingAuthenticationTokenException", "Missing Authentication Token"}
	case caller == nil:
		return invalid
	case caller.SessionToken != r.Header.Get("X-Amz-Security-Token"):
		return invalid
	case caller.kind == kindSession && !s.now().Before(caller.Expires):
		code := "ExpiredTokenException"
		if forSTS {
			code = "ExpiredToken"
		}
		return &apiError{http.StatusBadRequest, code, "The security token included in the request is expired"}
	}
	return nil
}

// stsFail records the failed call and writes the STS error document.
func (s *Server) stsFail(c *stsCall, err *apiError) {
	c.event.ErrorCode = err.code
	c.event.ErrorMessage = err.message
	s.events.add(c.event)
	kind := "Sender"
	if err.status >= 500 {
		kind = "Receiver"
	}
	writeXML(c.w, err.status, c.event.RequestID, stsErrorResponse{
		Xmlns:     stsXMLNS,
		Error:     stsErrorBody{Type: kind, Code: err.code, Message: err.message},
		RequestID: c.event.RequestID,
	})
}

func identityOf(p *principal) UserIdentity {
	return UserIdentity{
		Type:        p.cloudTrailType(),
		PrincipalID: p.userID,
		ARN:         p.ARN,
		AccountID:   p.AccountID,
		AccessKeyID: p.AccessKeyID,
	}
}

func writeXML(w http.ResponseWriter, status int, requestID string, v any) {
	b, err := xml.Marshal(v)
	if err != nil {
		http.Error(w, "externalidtest: cannot encode response", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("x-amzn-RequestId", requestID)
	w.WriteHeader(status)
	_, _ = w.Write([]byte(xml.Header))
	_, _ = w.Write(b)
}

type responseMetadata struct {
	RequestID string `xml:"RequestId"`
}

type stsErrorResponse struct {
	XMLName   xml.Name     `xml:"ErrorResponse"`
	Xmlns     string       `xml:"xmlns,attr"`
	Error     stsErrorBody `xml:"Error"`
	RequestID string       `xml:"RequestId"`
}

type stsErrorBody struct {
	Type    string `xml:"Type"`
	Code    string `xml:"Code"`
	Message string `xml:"Message"`
}

type getCallerIdentityResponse struct {
	XMLName  xml.Name         `xml:"GetCallerIdentityResponse"`
	Xmlns    string           `xml:"xmlns,attr"`
	Result   callerIdentity   `xml:"GetCallerIdentityResult"`
	Metadata responseMetadata `xml:"ResponseMetadata"`
}

type callerIdentity struct {
	ARN     string `xml:"Arn"`
	UserID  string `xml:"UserId"`
	Account string `xml:"Account"`
}

type assumeRoleResponse struct {
	XMLName  xml.Name         `xml:"AssumeRoleResponse"`
	Xmlns    string           `xml:"xmlns,attr"`
	Result   assumeRoleResult `xml:"AssumeRoleResult"`
	Metadata responseMetadata `xml:"ResponseMetadata"`
}

type assumeRoleResult struct {
	SourceIdentity  string `xml:"SourceIdentity,omitempty"`
	AssumedRoleUser struct {
		AssumedRoleID string `xml:"AssumedRoleId"`
		ARN           string `xml:"Arn"`
	} `xml:"AssumedRoleUser"`
	Credentials struct {
		AccessKeyID     string `xml:"AccessKeyId"`
		SecretAccessKey string `xml:"SecretAccessKey"`
		SessionToken    string `xml:"SessionToken"`
		Expiration      string `xml:"Expiration"`
	} `xml:"Credentials"`
	PackedPolicySize *int `xml:"PackedPolicySize,omitempty"`
}

func formatTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }
