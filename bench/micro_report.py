#!/usr/bin/env python3
"""Summarises package-benchmark's JMH export of Benchmarks/ as Markdown (bench/micro-results.md).

usage: micro_report.py JMH_DIR MIX_SLICE [--update BENCHMARKS.md]

Prints the Markdown; with --update, also puts it between BENCHMARKS.md's micro-results markers
(so a micro run does not need a full make bench to show up there).

The JMH export gives per-iteration values, unscaled: per-record benchmarks run 1,000 records an
iteration, so ns and mallocs per record are the iteration's divided by 1,000 (mallocs after
subtracting the empty loop's, which is the framework's own). split and frame are per 1 MiB chunk.
"""
import glob
import json
import os
import platform
import subprocess
import sys

jmh_dir, mix = sys.argv[1], sys.argv[2]
update = sys.argv[sys.argv.index("--update") + 1] if "--update" in sys.argv else None
out_lines = []


def print(*a):  # noqa: A001 - collect, then print and optionally splice into BENCHMARKS.md
    out_lines.append(" ".join(str(x) for x in a))
path = sorted(glob.glob(os.path.join(jmh_dir, "*.jmh.json")), key=os.path.getmtime)[-1]
data = json.load(open(path))
raw = open(mix, "rb").read()
lines = raw.count(b"\n")


def p50(e, metric):
    m = e.get("secondaryMetrics", {}).get(metric)
    return (m["scorePercentiles"]["50.0"], m["scoreUnit"]) if m else (None, None)


def ns(v, unit):
    return v * {"ns": 1, "μs": 1e3, "us": 1e3, "ms": 1e6, "s": 1e9}[unit]


rows = {}
for e in data:
    name = e["benchmark"].split(".")[-1].replace("_", " ")
    rows[name] = e
base_m = p50(rows["baseline (empty loop)"], "Malloc (total)")[0] if "baseline (empty loop)" in rows else 0
has_instr = any("Instructions" in e.get("secondaryMetrics", {}) for e in data)
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
print(f"Sample (`make bench-micro`, {cpu}, {os.cpu_count()} cores, {platform.release()}): {len(raw):,}-byte slice,")
print(f"{lines:,} lines; medians (p50) of each benchmark's iterations. "
      + ("" if has_instr else "No instructions column: this VM has no hardware performance counters "
                              "(perf_event_open fails), so package-benchmark cannot count them; callgrind above does.")
      + "\n")
print("| stage | per | ns | MB/s | mallocs | iterations |")
print("|---|---|---|---|---|---|")
order = ["split (1 MiB chunk)", "frame (1 MiB chunk)", "timestamp (per line)", "prefilter (per record)",
         "match (per record)", "count (per record)", "tally (per record)", "baseline (empty loop)"]
for name in order + [n for n in rows if n not in order]:
    e = rows.get(name)
    if not e:
        continue
    w, wu = p50(e, "Time (wall clock)")
    m, _ = p50(e, "Malloc (total)")
    it = e["measurementIterations"]
    if "chunk" in name:
        t = ns(w, wu)
        print(f"| {name.split(' (')[0]} | 1 MiB chunk ({lines:,} lines): {t / lines:.1f} ns a line | {t:,.0f} | "
              f"{len(raw) / (t / 1e9) / 1e6:,.0f} | {m:g} (framework: {base_m:g}) | {it} |")
    else:
        t = ns(w, wu) / 1000
        per = name.split("(")[1].rstrip(")").replace("per ", "")
        extra = "" if name.startswith("baseline") else f"{max(0, m - base_m) / 1000:.3f}"
        print(f"| {name.split(' (')[0]} | {per} | {t:,.1f} | | {extra if extra else f'{m:g} an iteration (framework)'} | {it} |")
print("\nmallocs: per record (or line) for the per-record stages, after subtracting the empty loop's per-iteration")
print("count (the framework's own); per chunk for split and frame. Wall times are noisy on this shared machine;")
print("mallocs are exact and are the regression signal (`swift package benchmark baseline update` / `check`).")

text = "\n".join(out_lines)
sys.stdout.write(text + "\n")
if update and os.path.exists(update):
    import re
    md = open(update).read()
    new, n = re.subn(r"(<!-- micro-results[^\n]*-->\n).*?(\n<!-- /micro-results -->)",
                     lambda m: m.group(1) + text + m.group(2), md, flags=re.S)
    if n:
        open(update, "w").write(new)
    else:
        sys.stderr.write(f"micro_report.py: no micro-results markers in {update}; run make bench to add them\n")
