// Package motoserver starts a local moto_server, the Python AWS emulator, for
// integration tests, and reads its request recorder.
//
// Tests share one server per package through [Lazy]:
//
//	var moto motoserver.Lazy
//
//	func TestMain(m *testing.M) { os.Exit(moto.Run(m)) }
//
//	func TestSomething(t *testing.T) {
//		srv := moto.Get(t) // skips, or fails under EXTERNALID_REQUIRE_MOTO=1
//		...
//	}
package motoserver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"time"
)

// RequireEnv is the environment variable that turns a missing moto_server
// from a skipped test into a failed one. CI sets it to 1.
const RequireEnv = "EXTERNALID_REQUIRE_MOTO"

// BinaryEnv names an explicit moto_server executable, overriding the search.
const BinaryEnv = "MOTO_SERVER"

// startTimeout bounds how long Start waits for moto to answer.
const startTimeout = 30 * time.Second

// ErrNotInstalled reports that no moto_server executable was found.
var ErrNotInstalled = errors.New("motoserver: moto_server not found on PATH, in $" + BinaryEnv +
	" or under ~/.pyenv/versions/*/bin; install moto (pip install 'moto[server]') to run integration tests")

// Server is a running moto_server on a loopback port. Its methods are safe for
// concurrent use.
type Server struct {
	// URL is the base endpoint, such as http://127.0.0.1:41234.
	URL string

	cmd    *exec.Cmd
	dir    string // working directory, holding moto's recorder file
	output *lockedBuffer
	done   chan struct{} // closed when the process has exited
}

// Required reports whether the environment demands that moto be present.
func Required() bool { return os.Getenv(RequireEnv) == "1" }

// Binary returns the path of the moto_server executable, or ErrNotInstalled.
func Binary() (string, error) {
	if p := os.Getenv(BinaryEnv); p != "" {
		return p, nil
	}
	if p, err := exec.LookPath("moto_server"); err == nil {
		return p, nil
	}
	home, _ := os.UserHomeDir()
	for _, root := range []string{home, "/root"} {
		if root == "" {
			continue
		}
		matches, _ := filepath.Glob(filepath.Join(root, ".pyenv/versions/*/bin/moto_server"))
		if len(matches) > 0 {
			return matches[len(matches)-1], nil
		}
	}
	return "", ErrNotInstalled
}

// Start launches moto_server on a free loopback port and waits until it
// answers. The caller must Close it.
func Start(ctx context.Context) (*Server, error) {
	bin, err := Binary()
	if err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	// moto writes its recorder file into its working directory: keep it
	// out of the source tree.
	dir, err := os.MkdirTemp("", "motoserver-")
	if err != nil {
		return nil, fmt.Errorf("motoserver: %w", err)
	}
	s := &Server{
		URL:    "http://127.0.0.1:" + strconv.Itoa(port),
		dir:    dir,
		output: &lockedBuffer{},
		done:   make(chan struct{}),
	}
	s.cmd = exec.Command(bin, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	s.cmd.Dir = dir
	s.cmd.Env = append(os.Environ(), "MOTO_RECORDER_FILEPATH="+filepath.Join(dir, "moto_recording"))
	s.cmd.Stdout = s.output
	s.cmd.Stderr = s.output
	if err := s.cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("motoserver: start %s: %w", bin, err)
	}
	go func() {
		_ = s.cmd.Wait()
		close(s.done)
	}()
	if err := s.waitReady(ctx); err != nil {
		_ = s.Close()
		return nil, err
	}
	return s, nil
}

func (s *Server) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/moto-api/data.json", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-s.done:
			return fmt.Errorf("motoserver: moto_server exited before answering; output:\n%s", s.output.String())
		case <-ctx.Done():
			return fmt.Errorf("motoserver: moto_server did not answer at %s: %w; output:\n%s", s.URL, ctx.Err(), s.output.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Close stops the server, waits for it to exit and removes its files.
func (s *Server) Close() error {
	if s.cmd.Process != nil {
		_ = s.cmd.Process.Kill()
		<-s.done
	}
	return os.RemoveAll(s.dir)
}

// Reset drops every resource moto holds.
func (s *Server) Reset(ctx context.Context) error {
	return s.post(ctx, "/moto-api/reset")
}

func (s *Server) post(ctx context.Context, path string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+path, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("motoserver: POST %s: %w", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("motoserver: POST %s: %s", path, resp.Status)
	}
	return nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("motoserver: find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// lockedBuffer collects the process output; exec writes from its own goroutines.
type lockedBuffer struct {
	mu  sync.Mutex // guards buf
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
