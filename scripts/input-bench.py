#!/usr/bin/env python3
"""Input-drain measurements of the explorer in tmux (issue #10).

Usage: scripts/input-bench.py [BINARY]   (default: .build/release/smmuscope)

For each case the binary starts in a private tmux server (120x40); the input is sent at
once, then the script polls the process's CPU time (/proc/PID/stat utime+stime) until it has
not changed for 0.5 s. Reported: wall time from sending to the last CPU tick ("drain", 0 when
it all took less than one 10 ms tick), the CPU seconds used, and whether the screen then shows
the expected end state. Cases:
  paste-bracketed  10 KB into the `:` line with tmux `paste-buffer -p` (bracketed paste)
  paste-plain      10 KB into the `:` line with `send-keys -l` (no bracketing)
  j-2000           2 000 presses of `j` (`send-keys -N 2000 j`) in the default walkthrough
  j-2000-big       the same in a scenario of 2 100 masters (the selection really moves)
"""
import os
import subprocess
import sys
import tempfile
import time

BIN = sys.argv[1] if len(sys.argv) > 1 else ".build/release/smmuscope"
SOCK = f"smmuscope-bench-{os.getpid()}-0"
TICK = os.sysconf("SC_CLK_TCK")


def next_socket():
    global SOCK
    base, n = SOCK.rsplit("-", 1)
    SOCK = f"{base}-{int(n) + 1}"


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


def run_case(name, send, expect, args="--walkthrough shared-domain"):
    next_socket()
    tmux("start-server", ";", "set-option", "-g", "default-terminal", "tmux-256color", ";",
         "new-session", "-d", "-s", "s", "-x", "120", "-y", "40", "-e", "LANG=C.UTF-8",
         f"exec '{BIN}' {args}")
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
        shown = expect in capture()
        print(f"{name:18s} drain {wall:7.2f} s   cpu {(after - before) / TICK:7.2f} s   "
              f"{'shows' if shown else 'MISSING'} {expect!r}")
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


END = ":" + TEXT[:100]
run_case("paste-bracketed", paste(True), END)
run_case("paste-plain", paste(False), END)
run_case("j-2000", lambda: tmux("send-keys", "-t", "s", "-N", "2000", "j"), "smmuscope  design")
with tempfile.NamedTemporaryFile("w", suffix=".scn", delete=False) as big:
    big.write("".join(f"master m{i} sid {0x100 + i}\n" for i in range(2100)))
run_case("j-2000-big", lambda: tmux("send-keys", "-t", "s", "-N", "2000", "j"), "2001/2100",
         f"--file '{big.name}'")
os.unlink(big.name)
