#!/usr/bin/env bash
# Regenerates every PNG in screenshots/ from the real binary in tmux (see scripts/screenshot.sh):
# builds the release binary if needed, installs pyte and Pillow with pip if they are missing,
# and captures each screen at 160x48.
#
#   bash scripts/screenshots.sh            # all of them
#   SMMUSCOPE_BIN=path bash scripts/screenshots.sh   # use an already built binary
set -euo pipefail
cd "$(dirname "$0")/.."
command -v tmux >/dev/null || { echo "$0: tmux is not installed (apt-get install tmux)" >&2; exit 1; }

if ! python3 -c 'import pyte, PIL' 2>/dev/null; then
  pip=(python3 -m pip install --quiet --disable-pip-version-check pyte==0.8.2 pillow)
  "${pip[@]}" 2>/dev/null || "${pip[@]}" --user --break-system-packages
fi

bin=${SMMUSCOPE_BIN:-}
if [[ -z $bin ]]; then
  swift build -c release --product smmuscope >/dev/null
  bin=$(swift build -c release --show-bin-path)/smmuscope
fi
[[ -x $bin ]] || { echo "$0: no binary at $bin" >&2; exit 1; }

W=160 H=48
shot() { bash scripts/screenshot.sh "$@"; }

# shared-domain at "Attach the second device": both devices on dma0, per-master then legacy.
shot main-per-master $W $H Space Space -- "$bin" --walkthrough shared-domain
shot main-legacy $W $H Space Space p -- "$bin" --walkthrough shared-domain

# sva-leak under legacy at the bind step, with a third device attached to the shared domain:
# three STEs merge into the domain's one table, whose SSID 5 holds the process's CD.
shot sharing-graph $W $H Space \
  : "master dev sid 0x30 ssid-bits 20" Enter : "attach shared dev" Enter \
  Tab Tab z -- "$bin" --walkthrough sva-leak --design legacy

# s1dss step 2: narration and its checked expectations.
shot walkthrough-step $W $H Space -- "$bin" --walkthrough s1dss

# The memory walkthrough (64 devices on one domain) under every design.
shot compare $W $H c -- "$bin" --walkthrough memory

# anatomy-of-a-dma after the CD change + CFGI_CD: the last DMA's walk (e): the STE from the
# configuration cache, the CD fetched again, the TLB still serving the translation.
shot walk-view $W $H Space Space e -- "$bin" --walkthrough anatomy-of-a-dma

# The checker on sva-leak under legacy, at its last step: `!` lists the findings (Linux's
# L1 descriptor, then the PASID acc reaches without binding it); Enter on the second walks it.
shot findings $W $H Space Space Space "!" j -- "$bin" --walkthrough sva-leak --design legacy
shot finding-walk $W $H Space Space Space "!" j Enter -- "$bin" --walkthrough sva-leak --design legacy

# A driver idea tried in a minute: on l2-visibility, drop the barriers (inject no-barrier),
# probe a device into a new stream-table span, and list what the checker finds.
shot try-mutation $W $H : "inject no-barrier" Enter : "master dev sid 0x500" Enter "!" -- \
  "$bin" --walkthrough l2-visibility

# nesting at "A DMA walks both stages": the vSID column, the guest's CD table read from guest
# memory, the graph's guest side (nested STE -> guest table -> guest domain; -> vSMMU -> S2
# parent) and the guest's TLB entry apart in the caches; then that DMA's walk (e), at its end (G):
# the 2-D grid.
shot nested $W $H Space Space -- "$bin" --walkthrough nesting
shot nested-walk $W $H Space Space e G -- "$bin" --walkthrough nesting

# The Linux 6.1 run on QEMU (../shared/samples), imported and stepped into the DMA read phase.
sample=../shared/samples/qemu-linux-6.1
if [[ -f $sample/trace.log.gz ]]; then
  shot import-timeline $W $H "}" "}" "}" "}" "}" "}" "}" "]" Space Space Space -- \
    "$bin" --import "$sample/trace.log.gz" --mem "$sample/mem"
fi

# `smmuscope sweep` as a chart: each design's cost over 1-64 masters, without PASIDs and with 4
# each (the same chart the explorer's S key opens), rendered by the same PNG renderer.
"$bin" sweep --width 160 --png screenshots/sweep.png >/dev/null
