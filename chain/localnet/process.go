package localnet

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// proc is a node started by this process.
type proc struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited and been reaped
	err  error         // its exit status, once done is closed
}

// StopTimeout is how long Stop waits after SIGTERM before it sends SIGKILL.
var StopTimeout = 10 * time.Second

// pid returns the pid recorded for node i (0 if none).
func (n *Net) pid(i int) int {
	b, err := os.ReadFile(n.Nodes[i].PIDFile())
	if err != nil {
		return 0
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	return pid
}

// PID returns the pid of node i's meritd if it is running (started by this process or by
// another invocation).
func (n *Net) PID(i int) (int, bool) {
	n.mu.Lock()
	p := n.procs[i]
	n.mu.Unlock()
	if p != nil {
		select {
		case <-p.done:
		default:
			return p.cmd.Process.Pid, true
		}
	}
	pid := n.pid(i)
	if pid <= 0 || !n.isNode(pid, i) {
		return 0, false
	}
	return pid, true
}

// isNode reports whether pid is a live (not zombie) `meritd start` of node i's home: a
// stale pid file whose pid now belongs to another process is not mistaken for the node.
func (n *Net) isNode(pid, i int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	if j := strings.LastIndexByte(string(stat), ')'); j < 0 || j+2 >= len(stat) || stat[j+2] == 'Z' {
		return false
	}
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		return false
	}
	args := strings.Split(strings.TrimRight(string(cmdline), "\x00"), "\x00")
	home := false
	for k, a := range args {
		if a == "--home" && k+1 < len(args) && args[k+1] == n.Nodes[i].Home {
			home = true
		}
	}
	return home && len(args) > 1 && args[1] == "start"
}

// Running returns the indices of the nodes that are running.
func (n *Net) Running() []int {
	var out []int
	for i := range n.Nodes {
		if _, ok := n.PID(i); ok {
			out = append(out, i)
		}
	}
	return out
}

// Start starts node i: `meritd start --home <home> --inv-check-period 1` in its own
// process group, with the node's extra environment (and extraEnv after it), logging to
// its node.log (appended to), its pid in its pid file. It fails with ErrRunning when the
// node runs already, and when one of its ports is taken. It does not wait for the node:
// see WaitReady.
func (n *Net) Start(i int, extraEnv ...string) error {
	nd := n.Nodes[i]
	if pid, ok := n.PID(i); ok {
		return fmt.Errorf("localnet: %s %w (pid %d)", nd.Name, ErrRunning, pid)
	}
	for _, port := range []int{nd.P2P, nd.RPC, nd.GRPC} {
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err != nil {
			return fmt.Errorf("localnet: %s: port %d is taken (another localnet, or another program?): %w", nd.Name, port, err)
		}
		l.Close()
	}
	logf, err := os.OpenFile(nd.LogFile(), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	defer logf.Close() // the child has its own descriptor
	env := append(append([]string{}, nd.Env...), extraEnv...)
	fmt.Fprintf(logf, "=== localnet: starting %s at %s with %s\n", nd.Name, time.Now().UTC().Format(time.RFC3339), strings.Join(env, " "))
	cmd := exec.Command(n.Bin, "start", "--home", nd.Home, "--inv-check-period", "1", "--log_no_color")
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if n.Attached {
		// Killed if this process dies without stopping it (a test binary's timeout panic).
		cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	p := &proc{cmd: cmd, done: make(chan struct{})}
	go func() { p.err = cmd.Wait(); close(p.done) }()
	n.mu.Lock()
	if n.procs == nil {
		n.procs = map[int]*proc{}
	}
	n.procs[i] = p
	n.mu.Unlock()
	if err := os.WriteFile(nd.PIDFile(), []byte(fmt.Sprintln(cmd.Process.Pid)), 0o644); err != nil {
		_ = n.Kill(i)
		return err
	}
	n.logf("started %s (pid %d%s)", nd.Name, cmd.Process.Pid, envNote(env))
	return nil
}

func envNote(env []string) string {
	if len(env) == 0 {
		return ""
	}
	return ", " + strings.Join(env, " ")
}

// StartAll starts every node and waits until each has committed a block. It refuses
// (ErrRunning) when any node of the network runs already.
func (n *Net) StartAll(ctx context.Context) error {
	if running := n.Running(); len(running) > 0 {
		pid, _ := n.PID(running[0])
		return fmt.Errorf("localnet in %s: %s %w (pid %d); stop it first (make localnet-stop)",
			n.Dir, n.Nodes[running[0]].Name, ErrRunning, pid)
	}
	for i := range n.Nodes {
		if err := n.Start(i); err != nil {
			n.StopAll()
			return err
		}
	}
	for i := range n.Nodes {
		if err := n.WaitReady(ctx, i); err != nil {
			return err
		}
	}
	return nil
}

// WaitReady waits until node i answers on its RPC with a height of at least 1; it fails
// early, with the tail of the node's log, if the node's process exits.
func (n *Net) WaitReady(ctx context.Context, i int) error {
	for {
		if h, err := n.Height(ctx, i); err == nil && h >= 1 {
			return nil
		}
		if _, ok := n.PID(i); !ok {
			return fmt.Errorf("localnet: %s exited; the end of %s:\n%s", n.Nodes[i].Name, n.Nodes[i].LogFile(), n.LogTail(i, 3000))
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("localnet: waiting for %s to start: %w", n.Nodes[i].Name, ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// Stop stops node i: SIGTERM to its process group, SIGKILL after StopTimeout. It removes
// the pid file. A node that is not running is not an error.
func (n *Net) Stop(i int) error { return n.signal(i, syscall.SIGTERM) }

// Kill ends node i at once (SIGKILL to its process group): a crash.
func (n *Net) Kill(i int) error { return n.signal(i, syscall.SIGKILL) }

func (n *Net) signal(i int, sig syscall.Signal) error {
	defer os.Remove(n.Nodes[i].PIDFile())
	pid, ok := n.PID(i)
	if !ok {
		return nil
	}
	n.mu.Lock()
	p := n.procs[i]
	n.mu.Unlock()
	// The node is its process group's leader: -pid is the group.
	if err := syscall.Kill(-pid, sig); err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("localnet: signalling %s (pid %d): %w", n.Nodes[i].Name, pid, err)
	}
	exited := func() bool {
		if p != nil {
			select {
			case <-p.done:
				return true
			default:
				return false
			}
		}
		return !n.isNode(pid, i)
	}
	deadline := time.Now().Add(StopTimeout)
	for !exited() {
		if time.Now().After(deadline) {
			if sig == syscall.SIGKILL {
				return fmt.Errorf("localnet: %s (pid %d) survives SIGKILL", n.Nodes[i].Name, pid)
			}
			n.logf("%s (pid %d) did not stop within %s: SIGKILL", n.Nodes[i].Name, pid, StopTimeout)
			sig, deadline = syscall.SIGKILL, time.Now().Add(StopTimeout)
			_ = syscall.Kill(-pid, syscall.SIGKILL)
		}
		time.Sleep(50 * time.Millisecond)
	}
	n.mu.Lock()
	if n.procs[i] == p {
		delete(n.procs, i)
	}
	n.mu.Unlock()
	n.logf("stopped %s (pid %d)", n.Nodes[i].Name, pid)
	return nil
}

// StopAll stops every node (all at once: SIGTERM to each, then waits for each).
func (n *Net) StopAll() error {
	errs := make([]error, len(n.Nodes))
	done := make(chan struct{})
	for i := range n.Nodes {
		go func() { errs[i] = n.Stop(i); done <- struct{}{} }()
	}
	for range n.Nodes {
		<-done
	}
	return errors.Join(errs...)
}

// Exited reports whether node i, started by this process, has exited (and how); false
// for a node this process did not start, or stopped with Stop or Kill.
func (n *Net) Exited(i int) (bool, error) {
	n.mu.Lock()
	p := n.procs[i]
	n.mu.Unlock()
	if p == nil {
		return false, nil
	}
	select {
	case <-p.done:
		return true, p.err
	default:
		return false, nil
	}
}

// LogTail returns the last max bytes of node i's log.
func (n *Net) LogTail(i, max int) string {
	b, err := os.ReadFile(n.Nodes[i].LogFile())
	if err != nil {
		return err.Error()
	}
	if len(b) > max {
		b = b[len(b)-max:]
	}
	return string(b)
}
