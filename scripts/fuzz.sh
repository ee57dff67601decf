#!/usr/bin/env bash
# Fuzzes the scenario parser and runner, the QEMU trace importer and the dump reader.
#
#   bash scripts/fuzz.sh [--runs N] [--seed S] [--target scenario|trace|dump|all]
#   bash scripts/fuzz.sh --ci              # the fixed-seed slice CI runs (debug build, < 60 s)
#   bash scripts/fuzz.sh --libfuzzer [--runs N] [--target T]   # coverage-guided, libFuzzer
#
# The default engine is smmuscope-fuzz, a deterministic mutation fuzzer (same seed, same
# inputs) seeded from the built-in walkthroughs, the importer's test fixtures and, when present,
# ../shared/samples. A crash leaves the input in the findings directory (fuzz-findings/ unless
# --out is given) as crash-TARGET-seedS; an input slower than 1 s per KiB is saved as slow-*.
# Exit status: 0 nothing found, 1 slow inputs, a signal's status on a crash.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=1000000
seed=1
target=all
mode=release
out=
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --target) target=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --ci) mode=ci; shift ;;
    --libfuzzer) mode=libfuzzer; shift ;;
    *) echo "fuzz.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
if [ -z "$out" ]; then
  if [ "$mode" = ci ]; then out=$(mktemp -d); else out=fuzz-findings; fi
fi
seeds=(--seeds Tests/ImportTests/Fixtures)
[ -d ../shared/samples ] && seeds+=(--seeds ../shared/samples)

case "$mode" in
  ci)
    # A fixed slice: 3000 inputs from seed 1 over every target, on the test build (seeded from
    # the project's own fixtures only, so CI does not depend on ../shared). The goal of 1 s per
    # KiB is for a release build; this debug build ran the slice's slowest input 10x slower
    # (1.23 against 0.12 s per KiB, 2026-11-26), so the slice allows 5 s per KiB: still half
    # the goal in release terms.
    swift build --product smmuscope-fuzz >/dev/null
    exec .build/debug/smmuscope-fuzz --runs 3000 --seed 1 --target all --seeds Tests/ImportTests/Fixtures \
      --slow-per-kib 5 --out "$out"
    ;;
  release)
    swift build -c release --product smmuscope-fuzz >/dev/null
    exec .build/release/smmuscope-fuzz --runs "$runs" --seed "$seed" --target "$target" "${seeds[@]}" --out "$out"
    ;;
  libfuzzer)
    swift build -c release --product smmuscope-fuzz >/dev/null
    corpus=$out/corpus
    .build/release/smmuscope-fuzz --target "$target" "${seeds[@]}" --emit-seeds "$corpus"
    swift build -c release --product smmuscope-fuzz --scratch-path .build-fuzz \
      -Xswiftc -sanitize=fuzzer -Xswiftc -DFUZZING >/dev/null
    targets=(scenario trace dump)
    [ "$target" = all ] || targets=("$target")
    for t in "${targets[@]}"; do
      echo "libFuzzer: $t" >&2
      SMMUSCOPE_FUZZ_TARGET=$t SMMUSCOPE_FUZZ_SEEDS=Tests/ImportTests/Fixtures \
        .build-fuzz/release/smmuscope-fuzz -runs="$runs" -seed="$seed" -max_len=4096 -timeout=5 \
        -artifact_prefix="$out/" "$corpus/$t"
    done
    ;;
esac
