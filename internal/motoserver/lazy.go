package motoserver

import (
	"context"
	"errors"
	"sync"
	"testing"
)

// Lazy starts one Server on first use and shares it between the tests of a
// package. The zero value is ready to use; it is safe for concurrent use.
type Lazy struct {
	once sync.Once
	srv  *Server
	err  error
}

// Get returns the shared server, starting it on first call. When moto is not
// installed it skips the test with a clear message, or fails it when
// EXTERNALID_REQUIRE_MOTO=1. Any other start failure fails the test.
func (l *Lazy) Get(tb testing.TB) *Server {
	tb.Helper()
	l.once.Do(func() { l.srv, l.err = Start(context.Background()) })
	switch {
	case l.err == nil:
		return l.srv
	case errors.Is(l.err, ErrNotInstalled) && !Required():
		tb.Skipf("skipping moto integration test: %v (set %s=1 to make this a failure)", l.err, RequireEnv)
	default:
		tb.Fatalf("moto integration test: %v", l.err)
	}
	return nil
}

// Run runs the tests and then stops the server, for TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(moto.Run(m)) }
func (l *Lazy) Run(m *testing.M) int {
	defer l.Close()
	return m.Run()
}

// Close stops the server if Get started one. Call it from TestMain.
func (l *Lazy) Close() {
	l.once.Do(func() {}) // no later Get may start a server
	if l.srv != nil {
		_ = l.srv.Close()
	}
}
