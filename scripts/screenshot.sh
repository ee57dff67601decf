#!/usr/bin/env bash
# Runs a command in tmux at a fixed size, sends keys, and saves the screen as a PNG.
#
#   scripts/screenshot.sh NAME WIDTH HEIGHT [KEYS...] -- CMD [ARGS...]
#   scripts/screenshot.sh main 120 40 j j Enter -- .build/debug/smmuscope
#
# Each KEY is one `tmux send-keys` argument: a key name (Enter, Escape, Tab, Up, C-c, NPage)
# or text. After start-up and after each key the script polls the screen every 50 ms until it
# has changed and then settled (two consecutive captures equal); it never sleeps blindly.
# Writes screenshots/NAME.png (and the raw capture to screenshots/NAME.txt only with KEEP_TXT=1).
# Environment: SCREENSHOT_TERM (default tmux-256color), LANG (default C.UTF-8 in the pane).
set -euo pipefail

if [[ $# -lt 5 ]]; then
  echo "usage: $0 NAME WIDTH HEIGHT [KEYS...] -- CMD [ARGS...]" >&2
  exit 2
fi
name=$1 width=$2 height=$3
shift 3
keys=()
while [[ $# -gt 0 && $1 != "--" ]]; do keys+=("$1"); shift; done
if [[ $# -lt 2 ]]; then
  echo "$0: missing '-- CMD'" >&2
  exit 2
fi
shift
command -v tmux >/dev/null || { echo "$0: tmux is not installed (apt-get install tmux)" >&2; exit 1; }

root=$(cd "$(dirname "$0")/.." && pwd)
socket="smmuscope-shot-$$"
tmux_() { tmux -u -L "$socket" -f /dev/null "$@"; }
capture_file=$(mktemp)
cleanup() { tmux_ kill-server 2>/dev/null || true; rm -f "$capture_file"; }
trap cleanup EXIT

cmd=$(printf '%q ' "$@")
tmux_ start-server \; \
  set-option -g default-terminal "${SCREENSHOT_TERM:-tmux-256color}" \; \
  set-option -g remain-on-exit on \; \
  new-session -d -s s -x "$width" -y "$height" -e "LANG=${LANG:-C.UTF-8}" "$cmd"

snapshot() { tmux_ capture-pane -p -e -t s; }

# Polls until the screen differs from $1 (at most 2 s: a key may change nothing), then until
# two consecutive captures 50 ms apart are equal (at most 10 s).
settle() {
  local before=$1 current previous i
  for ((i = 0; i < 40; i++)); do
    current=$(snapshot)
    [[ $current != "$before" ]] && break
    sleep 0.05
  done
  previous=$current
  for ((i = 0; i < 200; i++)); do
    sleep 0.05
    current=$(snapshot)
    [[ $current == "$previous" ]] && return 0
    previous=$current
  done
  echo "$0: screen did not settle" >&2
}

# Start-up: wait for the first non-blank screen, then for it to settle.
for ((i = 0; i < 200; i++)); do
  [[ $(tmux_ capture-pane -p -t s) =~ [^[:space:]] ]] && break
  sleep 0.05
done
settle ""
for key in "${keys[@]}"; do
  before=$(snapshot)
  tmux_ send-keys -t s "$key"
  settle "$before"
done

snapshot >"$capture_file"
mkdir -p "$root/screenshots"
if [[ ${KEEP_TXT:-0} == 1 ]]; then cp "$capture_file" "$root/screenshots/$name.txt"; fi
python3 "$root/scripts/render_png.py" "$capture_file" --width "$width" --height "$height" \
  -o "$root/screenshots/$name.png"
echo "screenshots/$name.png"
