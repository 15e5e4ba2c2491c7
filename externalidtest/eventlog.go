package externalidtest

import (
	"encoding/json"
	"sync"
	"time"
)

// Event is one API call as a CloudTrail-like log records it. Failed and
// fault-injected calls are recorded too, with ErrorCode and ErrorMessage.
// The Events a Server returns are deep copies, owned by the caller.
//
// Like CloudTrail, RequestParameters hold what the caller sent, and that
// includes an AssumeRole call's ExternalId in clear text: this is by design,
// so a test can assert on it. Secret values (SecretString, SecretBinary) are
// never recorded.
type Event struct {
	// EventTime is the kit's clock when the call arrived.
	EventTime time.Time
	// EventSource is sts.amazonaws.com or secretsmanager.amazonaws.com.
	EventSource string
	// EventName is the operation: AssumeRole, GetSecretValue, ...
	EventName string
	// AWSRegion is the kit's region.
	AWSRegion string
	// UserIdentity is the caller, when its access key was known.
	UserIdentity UserIdentity
	// RequestParameters are the call's parameters with CloudTrail's
	// lower-camel-case names. For AssumeRole the "externalId" key is always
	// present and holds nil when the caller sent no ExternalId, so the JSON
	// form shows "externalId": null.
	RequestParameters map[string]any
	// ErrorCode and ErrorMessage are empty when the call succeeded.
	ErrorCode    string
	ErrorMessage string
	// RequestID is the id returned to the caller in x-amzn-RequestId.
	RequestID string
	// EventID is unique per event.
	EventID string
	// RecipientAccountID is the account whose trail holds the event: the
	// role's account for AssumeRole, the caller's otherwise.
	RecipientAccountID string
	// Decision explains an AssumeRole authorization, for example
	// "statement 0: StringEquals on sts:ExternalId: key absent from request".
	// AWS never says this; the kit does, to help debug tests. It never
	// contains condition values. The JSON form carries it in
	// additionalEventData.
	Decision string
}

// UserIdentity is the caller of an [Event]. It is a plain value.
type UserIdentity struct {
	// Type is IAMUser, Root or AssumedRole.
	Type string
	// PrincipalID is GetCallerIdentity's UserId.
	PrincipalID string
	// ARN is the caller's ARN.
	ARN string
	// AccountID is the caller's account.
	AccountID string
	// AccessKeyID signed the request.
	AccessKeyID string
}

// cloudTrailEvent fixes the JSON field names and order CloudTrail uses.
type cloudTrailEvent struct {
	EventVersion string `json:"eventVersion"`
	UserIdentity struct {
		Type        string `json:"type,omitempty"`
		PrincipalID string `json:"principalId,omitempty"`
		ARN         string `json:"arn,omitempty"`
		AccountID   string `json:"accountId,omitempty"`
		AccessKeyID string `json:"accessKeyId,omitempty"`
	} `json:"userIdentity"`
	EventTime           string            `json:"eventTime"`
	EventSource         string            `json:"eventSource"`
	EventName           string            `json:"eventName"`
	AWSRegion           string            `json:"awsRegion"`
	SourceIPAddress     string            `json:"sourceIPAddress"`
	ErrorCode           string            `json:"errorCode,omitempty"`
	ErrorMessage        string            `json:"errorMessage,omitempty"`
	RequestParameters   map[string]any    `json:"requestParameters"`
	ResponseElements    any               `json:"responseElements"`
	AdditionalEventData map[string]string `json:"additionalEventData,omitempty"`
	RequestID           string            `json:"requestID"`
	EventID             string            `json:"eventID"`
	EventType           string            `json:"eventType"`
	RecipientAccountID  string            `json:"recipientAccountId"`
}

// MarshalJSON renders the event with CloudTrail's field names, so an absent
// ExternalId shows as "externalId": null.
func (e Event) MarshalJSON() ([]byte, error) {
	var c cloudTrailEvent
	c.EventVersion = "1.08"
	c.UserIdentity.Type = e.UserIdentity.Type
	c.UserIdentity.PrincipalID = e.UserIdentity.PrincipalID
	c.UserIdentity.ARN = e.UserIdentity.ARN
	c.UserIdentity.AccountID = e.UserIdentity.AccountID
	c.UserIdentity.AccessKeyID = e.UserIdentity.AccessKeyID
	c.EventTime = e.EventTime.UTC().Format(time.RFC3339)
	c.EventSource = e.EventSource
	c.EventName = e.EventName
	c.AWSRegion = e.AWSRegion
	c.SourceIPAddress = "127.0.0.1"
	c.ErrorCode = e.ErrorCode
	c.ErrorMessage = e.ErrorMessage
	c.RequestParameters = e.RequestParameters
	if e.Decision != "" {
		c.AdditionalEventData = map[string]string{"externalidtestDecision": e.Decision}
	}
	c.RequestID = e.RequestID
	c.EventID = e.EventID
	c.EventType = "AwsApiCall"
	c.RecipientAccountID = e.RecipientAccountID
	return json.Marshal(c)
}

// JSON returns the event as indented CloudTrail-style JSON.
func (e Event) JSON() string {
	b, err := json.MarshalIndent(e, "", "  ")
	if err != nil {
		return `{"error": "externalidtest: cannot render event"}`
	}
	return string(b)
}

// eventLog is the append-only event list. It is safe for concurrent use.
type eventLog struct {
	mu     sync.Mutex // guards events
	events []Event
}

func (l *eventLog) add(e Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, e)
}

// Events returns a copy of every recorded event, oldest first. Changing the
// copy does not change the log.
func (s *Server) Events() []Event {
	s.events.mu.Lock()
	defer s.events.mu.Unlock()
	out := make([]Event, len(s.events.events))
	for i, e := range s.events.events {
		out[i] = e.clone()
	}
	return out
}

// LastEvent returns a copy of the most recent event with this name, such as
// "AssumeRole".
func (s *Server) LastEvent(eventName string) (Event, bool) {
	s.events.mu.Lock()
	defer s.events.mu.Unlock()
	for i := len(s.events.events) - 1; i >= 0; i-- {
		if e := s.events.events[i]; e.EventName == eventName {
			return e.clone(), true
		}
	}
	return Event{}, false
}

// ResetEvents empties the event log.
func (s *Server) ResetEvents() {
	s.events.mu.Lock()
	defer s.events.mu.Unlock()
	s.events.events = nil
}

// clone deep-copies the event's parameters.
func (e Event) clone() Event {
	e.RequestParameters, _ = cloneValue(e.RequestParameters).(map[string]any)
	return e
}

func cloneValue(v any) any {
	switch v := v.(type) {
	case map[string]any:
		if v == nil {
			return map[string]any(nil)
		}
		m := make(map[string]any, len(v))
		for k, x := range v {
			m[k] = cloneValue(x)
		}
		return m
	case []any:
		s := make([]any, len(v))
		for i, x := range v {
			s[i] = cloneValue(x)
		}
		return s
	case []string:
		return append([]string(nil), v...)
	default:
		return v // nil, strings, numbers and booleans are immutable
	}
}
