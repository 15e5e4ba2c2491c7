package main

import (
	"errors"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"
)

// errNoMoto reports that moto_server is not installed.
var errNoMoto = errors.New("moto not installed")

// moto is a moto_server child process on a free loopback port.
type moto struct {
	url string
	cmd *exec.Cmd
}

// startMoto starts moto_server (from PATH or /root/.pyenv/versions/*/bin)
// and waits until it answers.
func startMoto() (*moto, error) {
	bin, err := exec.LookPath("moto_server")
	if err != nil {
		matches, _ := filepath.Glob("/root/.pyenv/versions/*/bin/moto_server")
		if len(matches) == 0 {
			return nil, errNoMoto
		}
		bin = matches[len(matches)-1]
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	l.Close()
	m := &moto{url: "http://127.0.0.1:" + port, cmd: exec.Command(bin, "-H", "127.0.0.1", "-p", port)}
	if err := m.cmd.Start(); err != nil {
		return nil, err
	}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if resp, err := http.Get(m.url + "/moto-api/data.json"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return m, nil
			}
		}
	}
	m.close()
	return nil, errors.New("moto_server did not answer within 30 s")
}

func (m *moto) close() {
	_ = m.cmd.Process.Kill()
	_ = m.cmd.Wait()
}
