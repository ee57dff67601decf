#!/usr/bin/env bash
# Installs what is missing, builds everything (no warnings allowed), checks formatting, and
# runs every test: unit, scenario, snapshot, and the tmux end-to-end tests of the real binary.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
log=$(mktemp)
if ! swift build --build-tests >"$log" 2>&1; then
  cat "$log"
  echo "build failed" >&2
  exit 1
fi
if grep -E "(warning|error):" "$log"; then
  echo "the build produced warnings" >&2
  exit 1
fi
swift format lint --strict -r Sources Tests Package.swift --configuration .swift-format
# A fixed-seed slice of the fuzzer (scripts/fuzz.sh --ci, well under a minute) before the tests.
bash scripts/fuzz.sh --ci
swift test --skip-build
