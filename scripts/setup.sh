#!/usr/bin/env bash
# Installs what smmuscope needs on a Debian machine, only what is missing:
# libncurses-dev (ncursesw headers) to build; with --test also tmux for the end-to-end tests.
set -euo pipefail
need=()
[ -e /usr/include/ncursesw/curses.h ] || need+=(libncurses-dev)
if [ "${1:-}" = "--test" ]; then
  command -v tmux >/dev/null 2>&1 || need+=(tmux)
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "smmuscope setup: installing ${need[*]}" >&2
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
fi
command -v swift >/dev/null 2>&1 || { echo "smmuscope setup: the Swift toolchain (6.x) is required on PATH" >&2; exit 1; }
