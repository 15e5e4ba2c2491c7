package motoserver

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// Request is one request that moto's recorder saw, decoded.
type Request struct {
	Method  string
	URL     string
	Headers map[string]string
	Body    []byte
}

// Form parses a query-protocol body (STS, IAM) into its parameters.
func (r Request) Form() url.Values {
	v, _ := url.ParseQuery(string(r.Body))
	return v
}

// Action returns the STS or IAM query action ("AssumeRole"), or for JSON
// protocols the operation named by X-Amz-Target ("GetSecretValue").
func (r Request) Action() string {
	if target := r.Headers["X-Amz-Target"]; target != "" {
		return target[strings.LastIndex(target, ".")+1:]
	}
	return r.Form().Get("Action")
}

// StartRecording clears the recorder and starts recording requests.
func (s *Server) StartRecording(ctx context.Context) error {
	if err := s.post(ctx, "/moto-api/recorder/reset-recording"); err != nil {
		return err
	}
	return s.post(ctx, "/moto-api/recorder/start-recording")
}

// Requests returns every request recorded since StartRecording.
func (s *Server) Requests(ctx context.Context) ([]Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/moto-api/recorder/download-recording", nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("motoserver: download recording: %w", err)
	}
	defer resp.Body.Close()
	var out []Request
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 0, 64*1024), 16<<20)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var raw struct {
			Method      string            `json:"method"`
			URL         string            `json:"url"`
			Headers     map[string]string `json:"headers"`
			Body        string            `json:"body"`
			BodyEncoded bool              `json:"body_encoded"`
		}
		if err := json.Unmarshal(line, &raw); err != nil {
			return nil, fmt.Errorf("motoserver: decode recording: %w", err)
		}
		body := []byte(raw.Body)
		if raw.BodyEncoded {
			if body, err = base64.StdEncoding.DecodeString(raw.Body); err != nil {
				return nil, fmt.Errorf("motoserver: decode recorded body: %w", err)
			}
		}
		out = append(out, Request{Method: raw.Method, URL: raw.URL, Headers: raw.Headers, Body: body})
	}
	return out, sc.Err()
}
