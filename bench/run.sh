#!/usr/bin/env bash
# make bench: logwarden timed side by side with every installed peer, on the same data, in the
# same run (hyperfine medians), each tool's per-class counts checked against the generator's
# ground truth and against logwarden, peak RSS from `/usr/bin/time -v`, the memory goals (10M
# lines, 1M distinct capture values, one 50 MB line), callgrind instruction counts with a
# per-function profile, and bench/live.py's live-mode section. Writes BENCHMARKS.md.
#
# env (defaults in brackets):
#   N [1000000]      lines of the shared mix (../shared/bench/gen_logs.py --seed 42)
#   RUNS [3]         hyperfine runs per command on the full mix (plus 1 warm-up)
#   SLICE [100000]   lines the slow peers (Python re, mtail, SEC: 10-30k lines/s here) read;
#                    logwarden is timed on the same slice
#   SLOW_RUNS [2]    hyperfine runs on the slice (no warm-up: the correctness run warmed the cache)
#   BIG [10000000]   lines of the peak-RSS-at-scale file (generated, deleted after); 0 skips it
#   CALLGRIND [1]    0 skips the instruction counts and the profile (valgrind: a few minutes)
#   LIVE [1]         0 skips bench/live.py
#   RULES_COST [1]   0 skips bench/rules_cost.py (100 rules, 1,000 series, a day, two rule sets; a few minutes)
#   WORK [/tmp/logwarden-bench]  scratch folder (data is cached there between runs)
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
N=${N:-1000000}; RUNS=${RUNS:-3}; SLICE=${SLICE:-100000}; SLOW_RUNS=${SLOW_RUNS:-2}
BIG=${BIG:-10000000}; CALLGRIND=${CALLGRIND:-1}; LIVE=${LIVE:-1}
W=${WORK:-/tmp/logwarden-bench}
SHARED=$REPO/../shared/bench
LW=$REPO/.build/release/logwarden
PY=$(python3 -c 'import sys; print(sys.executable)')   # not a pyenv shim, in timings
mkdir -p "$W"
log() { echo "bench: $*" >&2; }

[ -f "$SHARED/gen_logs.py" ] || { log "$SHARED/gen_logs.py not found (the shared bench harness must sit beside this repo)"; exit 2; }
[ -x "$LW" ] || { log "$LW not built: run make bench (it builds in release mode)"; exit 2; }

# ---- data -----------------------------------------------------------------------------------
DATA="$W/mix-$N.log"; TRUTH="$W/mix-$N.truth"
if [ ! -s "$DATA" ] || [ ! -s "$TRUTH" ] || [ ! -s "$W/gen-$N.json" ]; then
  log "generating $N lines (seed 42) with ground truth"
  "$PY" "$SHARED/gen_logs.py" "$N" --seed 42 -o "$DATA" --truth "$TRUTH" 2> "$W/gen-$N.json"
fi
(( SLICE > N )) && SLICE=$N
SDATA="$W/mix-$N-head$SLICE.log"; STRUTH="$W/mix-$N-head$SLICE.truth"
head -n "$SLICE" "$DATA" > "$SDATA"; head -n "$SLICE" "$TRUTH" > "$STRUTH"
# The second input of the two-file run: the same lines under another name (another inode).
DATA_B="$W/mix-$N-b.log"
[ -s "$DATA_B" ] && cmp -s "$DATA" "$DATA_B" || cp "$DATA" "$DATA_B"
# The peers' 8 classes as a logwarden pattern file (same regexes, same order).
mkdir -p "$W/shared8" "$W/mtail_progs"
"$PY" bench/shared_pack.py "$SHARED/patterns.tsv" > "$W/shared8/shared8.yaml"
"$LW" check "$W/shared8" >&2
cp "$SHARED/peers/classes.mtail" "$W/mtail_progs/"

# ---- what runs ----------------------------------------------------------------------------------
# rows.tsv: name, data (full|two|slice), score mode, command. Score modes: lw (logwarden JSON
# summary, default pack classes), lw8 (logwarden, the shared 8 classes), exclusive (a peer's
# first-match-wins counts), combined (rg: lines in any class), wc.
ROWS="$W/rows.tsv"; : > "$ROWS"
row() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >> "$ROWS"; }
J="--output json"
row logwarden-scan full lw "$LW scan $J $DATA"
row logwarden-scan-1-thread full lw "$LW scan $J --threads 1 $DATA"
row logwarden-patterns-only full lw "$LW scan $J --rules rules/patterns $DATA"
row logwarden-20-rules full lw "$LW scan $J --rules rules/patterns --rules bench/alerts-20.yaml $DATA"
row logwarden-state full lw "$LW scan $J --state $W/bench-state.db $DATA"
row logwarden-two-files two lw "$LW scan $J $DATA $DATA_B"
row logwarden-shared8 full lw8 "$LW scan $J --no-multiline --rules $W/shared8 $DATA"
PEER_C=""
if command -v cc >/dev/null && pkg-config --exists libpcre2-8 2>/dev/null; then
  cc -O2 -o "$W/pcre2classify" "$SHARED/peers/pcre2classify.c" $(pkg-config --libs libpcre2-8) && PEER_C="$W/pcre2classify"
fi
[ -n "$PEER_C" ] && row c-pcre2-jit full exclusive "$PEER_C $SHARED/patterns.tsv $DATA"
command -v rg >/dev/null && row rg-combined full combined "sh $SHARED/peers/rg_classes.sh combined $DATA"
row wc-l full wc "wc -l $DATA"
row logwarden-scan-slice slice lw "$LW scan $J $SDATA"
row logwarden-shared8-slice slice lw8 "$LW scan $J --no-multiline --rules $W/shared8 $SDATA"
row python-re slice exclusive "$PY $SHARED/peers/pyclassify.py $SDATA"
command -v mtail >/dev/null && row mtail slice exclusive \
  "mtail --one_shot --one_shot_format prometheus --address 127.0.0.1 --port 0 --logtostderr --progs $W/mtail_progs --logs $SDATA"
command -v sec >/dev/null && row sec slice exclusive \
  "sec --conf=$SHARED/peers/classes.sec --input=$SDATA --notail --intevents --nochildterm"
# Each --state run starts from an empty state file (a second run would find nothing new).
STATE_PREP="rm -f $W/bench-state.db $W/bench-state.db-wal $W/bench-state.db-shm $W/bench-state.db.lock"

# ---- 1) one run each: output (counts) and peak RSS; this also warms the page cache --------------
hf_full=(); hf_slice=()
while IFS=$'\t' read -r name data mode cmd; do
  log "$name: counts and peak RSS"
  prep=true; [ "$name" = logwarden-state ] && prep=$STATE_PREP
  sh -c "$prep"
  /usr/bin/time -v -o "$W/$name.time" sh -c "$cmd" > "$W/$name.out" 2> "$W/$name.err" || {
    rc=$?; [ $rc -eq 1 ] && [ "${name%%-*}" = logwarden ] || { log "$name failed ($rc): $(tail -3 "$W/$name.err")"; exit 1; }
  }  # logwarden exits 1 only for --fail-on, which no row uses; anything else is a failure
  if [ "$data" = slice ]; then hf_slice+=(-n "$name" --prepare "$prep" "$cmd")
  else hf_full+=(-n "$name" --prepare "$prep" "$cmd"); fi
done < "$ROWS"

# Per line and per record, for the agreement notes (report.py): the shared 8 one line a record,
# and the default pack's records with their first and last lines.
log "classify: per-line and per-record classes"
"$LW" classify --output tsv --no-multiline --rules "$W/shared8" "$DATA" > "$W/lw8.tsv"
"$LW" classify --output tsv "$DATA" > "$W/lwd.tsv"

# ---- 2) timing --------------------------------------------------------------------------------
log "hyperfine: full mix, $RUNS runs"
hyperfine --runs "$RUNS" --warmup 1 --export-json "$W/hyperfine-full.json" --style basic "${hf_full[@]}" >&2
log "hyperfine: $SLICE-line slice, $SLOW_RUNS runs"
hyperfine --runs "$SLOW_RUNS" --export-json "$W/hyperfine-slice.json" --style basic "${hf_slice[@]}" >&2

# ---- 3) memory goals: one run each under /usr/bin/time -v -------------------------------------
MEM="$W/mem.tsv"; : > "$MEM"   # name, lines, bytes, file of /usr/bin/time -v, textfile
memrun() {  # name lines bytes -- command...
  local name=$1 lines=$2 bytes=$3; shift 4
  log "$name: peak RSS"
  /usr/bin/time -v -o "$W/$name.time" "$@" --textfile "$W/$name.prom" > "$W/$name.out" 2> "$W/$name.err" \
    || { log "$name failed: $(tail -3 "$W/$name.err")"; exit 1; }
  printf '%s\t%s\t%s\n' "$name" "$lines" "$bytes" >> "$MEM"
}
UNIQ="$W/unique-1M.log"
[ -s "$UNIQ" ] || "$PY" bench/gen_special.py unique 1000000 "$UNIQ"
memrun unique-capture 1000000 "$(stat -c %s "$UNIQ")" -- "$LW" scan $J --rules bench/unique-capture "$UNIQ"
LONG="$W/longline-50MB.log"
[ -s "$LONG" ] || "$PY" bench/gen_special.py longline 50 "$LONG"
memrun long-line 7 "$(stat -c %s "$LONG")" -- "$LW" scan $J "$LONG"
memrun scan-1M "$N" "$(stat -c %s "$DATA")" -- "$LW" scan $J "$DATA"
if (( BIG > 0 )); then
  BIGF="$W/mix-$BIG.log"
  log "generating $BIG lines for the peak-RSS-at-scale run (deleted after)"
  "$PY" "$SHARED/gen_logs.py" "$BIG" --seed 42 -o "$BIGF" 2> "$W/gen-$BIG.json"
  memrun "scan-$((BIG / 1000000))M" "$BIG" "$(stat -c %s "$BIGF")" -- "$LW" scan $J "$BIGF"
  rm -f "$BIGF"
fi

# ---- 4) instruction counts and profile (callgrind) ------------------------------------------------
# Unlike times they do not depend on what else the machine is doing. valgrind cannot read Swift's
# DWARF, so the binary is stripped of debug info only (--strip-debug keeps the symbol table, so
# the profile still names functions). Under valgrind a second of wall time is ~50 times fewer
# records, so the state run commits every 250k records only, as it does at full speed.
CG="$W/callgrind.txt"; : > "$CG"; : > "$W/profile.txt"
if [ "$CALLGRIND" != 0 ] && command -v valgrind >/dev/null; then
  head -n 200000 "$DATA" > "$W/mix-200k.log"
  strip --strip-debug -o "$W/logwarden-cg" "$LW"
  cgnames=(logwarden-scan logwarden-patterns-only logwarden-20-rules)
  cgargs=("" "--rules rules/patterns" "--rules rules/patterns --rules bench/alerts-20.yaml")
  for i in 0 1 2; do
    log "callgrind: ${cgnames[$i]} (200k lines)"
    out=/dev/null; [ $i = 0 ] && out="$W/callgrind.out.scan"
    n=$(valgrind --tool=callgrind --callgrind-out-file="$out" "$W/logwarden-cg" scan ${cgargs[$i]} "$W/mix-200k.log" 2>&1 >/dev/null \
        | sed -n 's/.*Collected : //p')
    echo "${cgnames[$i]} $n" >> "$CG"
  done
  # The profile: exclusive instructions per function of the default scan, demangled.
  callgrind_annotate --threshold=100 "$W/callgrind.out.scan" 2>/dev/null > "$W/profile.raw" || true
  swift demangle --simplified < "$W/profile.raw" > "$W/profile.txt" 2>/dev/null || cp "$W/profile.raw" "$W/profile.txt"
  # The state file's goal is for the whole file: with and without --state, on all of it.
  for run in scan-full state-full; do
    log "callgrind: $run ($N lines)"
    rm -f "$W"/cg-state.db*
    extra=""; [ $run = state-full ] && extra="--state $W/cg-state.db --commit-interval 1h"
    n=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$W/logwarden-cg" scan $extra "$DATA" 2>&1 >/dev/null \
        | sed -n 's/.*Collected : //p')
    echo "logwarden-$run $n" >> "$CG"
  done
fi

# ---- 5) the report ----------------------------------------------------------------------------
# Sections other targets write by hand or by their own runs (make bench-discover) are kept.
KEEP="$W/kept-sections.md"
"$PY" - BENCHMARKS.md > "$KEEP" <<'PY'
import re, sys
try:
    text = open(sys.argv[1]).read()
except FileNotFoundError:
    sys.exit(0)
keep = ("## Template discovery",)
parts = re.split(r"(?m)^(?=## )", text)
print("".join(p for p in parts if p.startswith(keep)).rstrip())
PY
"$PY" bench/report.py --work "$W" --n "$N" --slice "$SLICE" --runs "$RUNS" --slow-runs "$SLOW_RUNS" \
  --shared "$SHARED" --lw "$LW" > "$W/BENCHMARKS.md"
cp "$W/BENCHMARKS.md" BENCHMARKS.md

# Live mode: watch's alert latency (file and stdin) and sustained throughput on the same mix.
if [ "$LIVE" != 0 ]; then
  "$PY" bench/live.py --bin "$LW" --mix "$DATA" > "$W/live.md"
  { echo; cat "$W/live.md"; } >> BENCHMARKS.md
fi
# Rules cost: 100 rules on 1,000 series over a day of event time (issue 7's goal).
if [ "${RULES_COST:-1}" != 0 ]; then
  "$PY" bench/rules_cost.py --bin "$LW" --lines "${RULES_COST_LINES:-300000}" --runs 3 --work "$W/rules-cost" $( [ "$CALLGRIND" != 0 ] && echo --callgrind ) > "$W/rules-cost.md"
  { echo; cat "$W/rules-cost.md"; } >> BENCHMARKS.md
fi
[ -s "$KEEP" ] && { echo; cat "$KEEP"; } >> BENCHMARKS.md
cat BENCHMARKS.md
