#!/usr/bin/env bash
# Counts the instructions Touchmark's scanner executes over a subset of a
# synthetic set (valgrind callgrind: deterministic, unlike wall time on a
# shared machine). Used for "what each step bought" in RESULTS.md.
#
# usage: scan-bench/instructions.sh SYNTH_DIR [certificates|hallmarks|frames] [ENGINE]
#   SYNTH_DIR  a folder made by `scan-bench gen --count 40 --seed 7`
#   subset     certificates: the 20 clean certificates (all read in the first pass)
#              hallmarks:    the 20 hallmarks read fastest
#              frames:       the first 10 1080p frames
#   ENGINE     touchmark (default) or touchmark-luma (no partner hunt)
# Needs valgrind (apt-get install valgrind). Prints the total, then the top
# functions.
set -euo pipefail
dir=$(cd "${1:?synthetic folder}" && pwd)
subset=${2:-certificates}
engine=${3:-touchmark}
root=$(cd "$(dirname "$0")/.." && pwd)
case "$subset" in
  certificates) group=certificate
    ids="001 002 006 008 009 010 019 022 023 025 027 029 030 031 032 034 035 036 037 038" ;;
  hallmarks) group=hallmark
    ids="000 002 003 006 007 008 009 010 011 013 016 017 019 022 025 026 030 032 033 036" ;;
  frames) group=frame
    ids="000 001 002 003 004 005 006 007 008 009" ;;
  *) echo "unknown subset $subset" >&2; exit 2 ;;
esac
manifest="$dir/instructions-$subset.json"
python3 - "$dir/manifest.json" "$manifest" "$group" $ids <<'PY'
import json, sys
source, target, group, ids = sys.argv[1], sys.argv[2], sys.argv[3], set(sys.argv[4:])
m = json.load(open(source))
m["images"] = [i for i in m["images"]
               if i["group"] == group and i["file"].split(".")[0].split("-")[-1] in ids]
json.dump(m, open(target, "w"))
PY
(cd "$root" && cargo build -q --release -p scan-bench)
target=${CARGO_TARGET_DIR:-$root/target}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
(cd "$dir" && valgrind --tool=callgrind --callgrind-out-file="$out" \
  "$target/release/scan-bench" run --engine "$engine" --synthetic "s=$manifest" >/dev/null 2>"$out.log")
grep -E "Collected" "$out.log" | awk '{printf "instructions: %.1f M\n", $4 / 1e6}'
rm -f "$out.log"
callgrind_annotate "$out" 2>/dev/null | grep -E "^ *[0-9,]+ \(" | sed -n 2,12p
