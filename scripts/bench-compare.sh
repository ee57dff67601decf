#!/usr/bin/env bash
# Builds an old commit (default b0a80de) and the current tree in release, checks that both
# binaries print identical `run` output (text and --json) for the generated benchmark scenario
# and for every walkthrough under both designs (and --compact, and under each --mutate when
# the old binary has it), then times both on the generated scenario, alternating old and new:
# first the model as `smmuscope bench` measures it (issue #10's commands/s: Session.run,
# parsing excluded), then `smmuscope run FILE` (whole process), and prints the medians of the
# pairwise old/new ratios (and, for the model, the ratio of each binary's fastest round). Finally it times the new binary's `run` on each linearity shape at
# SMALL and LARGE lines (whole process).
#
#   bash scripts/bench-compare.sh [OLD_COMMIT]     (env: RUNS=5 OPS=100000 SMALL=10000 LARGE=100000)
#   OLD_BIN=path/to/old/smmuscope bash scripts/bench-compare.sh   (an old release binary already built)
#
# The output check fails the script unless DIFFERENT_OK=1, for an old commit whose model
# behaves differently on purpose (before issue #12's fidelity changes: no sync at a master's
# probe, the kernel's MAIR, block mappings); the timing then compares unequal work.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
old_commit=${1:-b0a80de}
runs=${RUNS:-5}
ops=${OPS:-100000}
small=${SMALL:-10000}
large=${LARGE:-100000}
work=$(mktemp -d)
tree="$work/old-tree"
cleanup() {
  git -C "$root" worktree remove --force "$tree" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

if [ -n "${OLD_BIN:-}" ]; then
  echo "== old: $OLD_BIN; building the current tree, release"
  old=$OLD_BIN
else
  echo "== building $old_commit (scratch .build-old) and the current tree, release"
  git worktree add --detach "$tree" "$old_commit" >/dev/null
  swift build -c release --package-path "$tree" --scratch-path "$root/.build-old" >"$work/old-build.log" 2>&1 ||
    { cat "$work/old-build.log"; exit 1; }
  old="$root/.build-old/release/smmuscope"
fi
swift build -c release >"$work/new-build.log" 2>&1 || { cat "$work/new-build.log"; exit 1; }
new="$root/.build/release/smmuscope"

scenario="$work/generated.scn"
"$new" bench --emit-scenario "$scenario" --ops "$ops"

echo "== identical output"
fail=0
same() { # label, then the arguments of `run`
  local label=$1
  shift
  "$old" run "$@" >"$work/a" 2>&1 || true
  "$new" run "$@" >"$work/b" 2>&1 || true
  if ! cmp -s "$work/a" "$work/b"; then
    echo "DIFFERENT: $label"
    fail=1
  fi
}
for design in legacy per-master; do
  same "generated $design json" "$scenario" --design "$design" --json
  same "generated $design text" "$scenario" --design "$design"
done
count=0
for w in $("$old" walkthroughs | awk '{print $1}'); do
  for design in legacy per-master; do
    for compact in "" --compact; do
      same "$w $design $compact json" --walkthrough "$w" --design "$design" $compact --json
      same "$w $design $compact text" --walkthrough "$w" --design "$design" $compact
      count=$((count + 1))
    done
  done
done
mutated=0
if "$old" run --help | grep -q -- '--mutate'; then
  # Every injected driver bug on every walkthrough: hazards and events must match too.
  mutations=$("$new" run --help | sed -n '/--mutate/,/^  --/p' | grep -o '[a-z0-9]*-[a-z0-9-]*' | grep -v '^--' | sort -u)
  for m in $mutations; do
    for w in $("$old" walkthroughs | awk '{print $1}'); do
      for design in legacy per-master; do
        same "$w $design --mutate $m json" --walkthrough "$w" --design "$design" --mutate "$m" --json
        mutated=$((mutated + 1))
      done
    done
  done
fi
echo "generated scenario ($ops lines) x 2 designs, $count walkthrough runs and $mutated mutated runs: $([ $fail = 0 ] && echo identical || echo DIFFERENT)"
[ $fail = 0 ] || [ "${DIFFERENT_OK:-0}" = 1 ] || exit 1

now() { date +%s.%N; }
elapsed() { # prints the seconds one run of the arguments takes (output discarded)
  local t0 t1
  t0=$(now)
  "$@" >/dev/null 2>&1
  t1=$(now)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f\n", b - a }'
}
median() { sort -g | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.3f\n", m}'; }

echo "== model speed as bench measures it (Session.run of the $ops-line scenario, parsing excluded), $runs rounds alternating"
model_seconds() { # prints the seconds of bench's model line (b0a80de's bench has no --only: its first line)
  local bin=$1
  if "$bin" bench --help | grep -q -- '--only'; then
    "$bin" bench --only model --ops "$ops"
  else
    "$bin" bench --frames 1 --streams 1 --ops "$ops" | head -1
  fi | sed -n 's/^model: .* in \([0-9.]*\) s = .*/\1/p'
}
: >"$work/model-ratio.t"
: >"$work/model-old.t"
: >"$work/model-new.t"
for _ in $(seq "$runs"); do
  a=$(model_seconds "$old")
  b=$(model_seconds "$new")
  echo "  old $a s   new $b s"
  echo "$a" >>"$work/model-old.t"
  echo "$b" >>"$work/model-new.t"
  awk -v a="$a" -v b="$b" 'BEGIN { printf "%.4f\n", a / b }' >>"$work/model-ratio.t"
done
echo "model: old/new commands/s ratio, median of $runs rounds: $(median <"$work/model-ratio.t")x"
# A shared machine only ever adds time: the fastest round of each binary is the least
# disturbed estimate of its speed.
mo=$(sort -g "$work/model-old.t" | head -1)
mn=$(sort -g "$work/model-new.t" | head -1)
echo "model: fastest rounds old $mo s, new $mn s, ratio $(awk -v a="$mo" -v b="$mn" 'BEGIN { printf "%.2f", a / b }')x; medians old $(median <"$work/model-old.t") s, new $(median <"$work/model-new.t") s"

echo "== timing: run $ops-line scenario, $runs pairs (old, new alternating, after one warm-up each)"
elapsed "$old" run "$scenario" >/dev/null
elapsed "$new" run "$scenario" >/dev/null
: >"$work/old.t"
: >"$work/new.t"
: >"$work/ratio.t"
for _ in $(seq "$runs"); do
  a=$(elapsed "$old" run "$scenario")
  b=$(elapsed "$new" run "$scenario")
  echo "$a" >>"$work/old.t"
  echo "$b" >>"$work/new.t"
  awk -v a="$a" -v b="$b" 'BEGIN { printf "%.4f\n", a / b }' >>"$work/ratio.t"
done
echo "old: median $(median <"$work/old.t") s   new: median $(median <"$work/new.t") s   old/new: median $(median <"$work/ratio.t")x"
if command -v /usr/bin/time >/dev/null; then
  for b in old new; do
    bin=$old
    [ $b = new ] && bin=$new
    /usr/bin/time -f "$b peak RSS %M KiB" "$bin" run "$scenario" 2>&1 >/dev/null | tail -1
  done
fi

echo "== linearity of the new binary's Session.run, in process (fastest of five; the ratio in thread CPU time, then wall)"
"$new" bench --only linearity --linearity-lines "$small" --linearity-lines "$large"
echo "== linearity of the new binary's run (whole process, wall), $small vs $large lines"
for shape in expects attaches masters churn; do
  "$new" bench --emit-scenario "$work/$shape-s.scn" --shape "$shape" --ops "$small"
  "$new" bench --emit-scenario "$work/$shape-l.scn" --shape "$shape" --ops "$large"
  ts=$(for _ in 1 2 3; do elapsed "$new" run "$work/$shape-s.scn"; done | median)
  tl=$(for _ in 1 2 3; do elapsed "$new" run "$work/$shape-l.scn"; done | median)
  printf '%-9s %s s  %s s  ratio %.2f\n' "$shape" "$ts" "$tl" "$(awk -v a="$tl" -v b="$ts" 'BEGIN { print a / b }')"
done
