#!/usr/bin/env python3
"""Input-drain measurements of the explorer in tmux (issue #10).

Usage: scripts/input-bench.py [BINARY]   (default: .build/release/smmuscope)

For each case the binary starts in a private tmux server (120x40); the input is sent at
once, then the script polls the process's CPU time (/proc/PID/stat utime+stime) until it has
not changed for 0.5 s. Reported: wall time from sending to the last CPU tick ("drain"), and
the CPU seconds used. Cases:
  paste-bracketed  10 KB into the `:` line with tmux `paste-buffer -p` (bracketed paste)
  paste-plain      10 KB into the `:` line with `send-keys -l` (no bracketing)
  j-2000           2 000 presses of `j` (`send-keys -N 2000 j`)
"""
import os
import subprocess
import sys
import tempfile
import time

BIN = sys.argv[1] if len(sys.argv) > 1 else ".build/release/smmuscope"
SOCK = f"smmuscope-bench-{os.getpid()}"
TICK = os.sysconf("SC_CLK_TCK")


def tmux(*args, check=True):
    return subprocess.run(["tmux", "-u", "-L", SOCK, "-f", "/dev/null", *args], capture_output=True,
                          text=True, check=check).stdout


def capture():
    return tmux("capture-pane", "-p", "-t", "s")


def wait_for(text, timeout=20):
    end = time.time() + timeout
    while time.time() < end:
        if text in capture():
            return True
        time.sleep(0.05)
    return False


def cpu(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def drain(pid, start, quiet=0.5, timeout=120):
    last, last_change = cpu(pid), time.time()
    while time.time() - start < timeout:
        time.sleep(0.02)
        now = cpu(pid)
        if now != last:
            last, last_change = now, time.time()
        elif time.time() - last_change >= quiet:
            break
    return last_change - start, last


def run_case(name, send):
    tmux("start-server", ";", "set-option", "-g", "default-terminal", "tmux-256color", ";",
         "new-session", "-d", "-s", "s", "-x", "120", "-y", "40", "-e", "LANG=C.UTF-8",
         f"exec '{BIN}' --walkthrough shared-domain")
    try:
        if not wait_for("smmuscope  design:"):
            print(f"{name}: no title bar")
            return
        pid = int(tmux("display-message", "-p", "-t", "s", "#{pane_pid}").strip())
        drain(pid, time.time(), quiet=0.3)
        before = cpu(pid)
        start = time.time()
        send()
        wall, after = drain(pid, start)
        print(f"{name:18s} drain {wall:7.2f} s   cpu {(after - before) / TICK:7.2f} s")
    finally:
        tmux("kill-server", check=False)


TEXT = "say " + ("0123456789abcdef" * 640)[: 10 * 1024 - 4]


def paste(bracketed):
    def send():
        tmux("send-keys", "-t", "s", ":")
        wait_for("Enter run")
        if bracketed:
            with tempfile.NamedTemporaryFile("w", delete=False) as f:
                f.write(TEXT)
            tmux("load-buffer", "-b", "bench", f.name)
            os.unlink(f.name)
            tmux("paste-buffer", "-p", "-d", "-b", "bench", "-t", "s")
        else:
            tmux("send-keys", "-t", "s", "-l", TEXT)
    return send


run_case("paste-bracketed", paste(True))
run_case("paste-plain", paste(False))
run_case("j-2000", lambda: tmux("send-keys", "-t", "s", "-N", "2000", "j"))
