#!/usr/bin/env bash
# Builds smmuscope (release) and opens the explorer on its default walkthrough.
# Extra arguments go to smmuscope, e.g. `bash scripts/explore.sh --walkthrough sva-leak`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release --product smmuscope >&2
exec "$(swift build -c release --show-bin-path)/smmuscope" "$@"
