#!/usr/bin/env python3
"""Writes BENCHMARKS.md (on stdout) from what bench/run.sh left in its work folder.

usage: report.py --work W --n N --slice S --runs R --slow-runs R2 --shared ../shared/bench --lw BIN

Reads W/rows.tsv (name, data, score mode, command), W/hyperfine-{full,slice}.json, W/<name>.time
(/usr/bin/time -v), W/<name>.out, W/mix-N.truth, W/lw8.tsv and W/lwd.tsv (logwarden classify),
W/mem.tsv, W/callgrind.txt, W/profile.txt, and bench/micro-results.md (make bench-micro).
Agreement % is score.py's: 100 * (1 - sum_c |x_c - ref_c| / sum_c ref_c) over the 8 shared classes.
"""
import argparse
import collections
import json
import os
import re
import subprocess
import sys

CLASSES = ["undefined_column", "oauth_scope", "timeout", "auth_failure",
           "http_5xx", "rate_limit", "conn_refused", "generic_error"]
# logwarden's default pack classes -> the shared 8 (success is good news: no class; db_schema,
# e.g. "relation ... does not exist", is an error line none of the 7 named classes describes).
LW_TO_SHARED = {"undefined_column": "undefined_column", "oauth_scope": "oauth_scope", "timeout": "timeout",
                "auth_failure": "auth_failure", "http_5xx": "http_5xx", "rate_limited": "rate_limit",
                "connection_refused": "conn_refused", "other_error": "generic_error", "db_schema": "generic_error"}
SAMPLE = re.compile(r'^log_errors_total\{([^}]*)\}\s+([0-9.eE+-]+)', re.M)
CLS = re.compile(r'class="([^"]+)"')

a = argparse.ArgumentParser()
for k in ["work", "shared", "lw"]:
    a.add_argument("--" + k, required=True)
for k in ["n", "slice", "runs", "slow-runs"]:
    a.add_argument("--" + k, type=int, required=True)
args = a.parse_args()
W, N, SL = args.work, args.n, args.slice
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()
    except Exception:
        return ""


def first(s):
    return s.splitlines()[0] if s else "?"


def time_v(name):
    """Peak RSS (MB) and elapsed s from /usr/bin/time -v."""
    rss, el = None, None
    try:
        for line in open(f"{W}/{name}.time"):
            line = line.strip()
            if line.startswith("Maximum resident set size"):
                rss = int(line.split(":")[1]) / 1024
            if line.startswith("Elapsed (wall clock) time"):
                t = line.split("):", 1)[1].strip().split(":")
                el = sum(float(x) * 60 ** i for i, x in enumerate(reversed(t)))
    except FileNotFoundError:
        pass
    return rss, el


def agreement(ref, x):
    tot = sum(ref.get(c, 0) for c in CLASSES)
    diff = sum(abs(x.get(c, 0) - ref.get(c, 0)) for c in CLASSES)
    return max(0.0, 100.0 * (1 - diff / tot)) if tot else 100.0


def fmt_agree(ref, x):
    p = agreement(ref, x)
    diffs = {c: x.get(c, 0) - ref.get(c, 0) for c in CLASSES if x.get(c, 0) != ref.get(c, 0)}
    if not diffs:
        return "**100%** exact"
    d = ", ".join(f"{c} {v:+,}" for c, v in diffs.items())
    return f"{p:.2f}% ({d})"


def lw_summary(path):
    summ = None
    for line in open(path):
        line = line.strip()
        if line.startswith("{"):
            o = json.loads(line)
            if o.get("type") == "summary":
                summ = o
    return summ


def lw_counts(path, mapped):
    s = lw_summary(path)
    c = collections.Counter()
    for p in s["patterns"]:
        k = LW_TO_SHARED.get(p["class"]) if mapped else p["class"]
        if k:
            c[k] += p["count"]
    return c, s


def prom_counts(path):
    c = collections.Counter()
    for labels, val in SAMPLE.findall(open(path, encoding="utf-8", errors="replace").read()):
        m = CLS.search(labels)
        if m:
            c[m.group(1)] += int(float(val))
    return c


def truth(path):
    excl, lines, labs = collections.Counter(), 0, []
    for line in open(path):
        lines += 1
        lab = line.rstrip("\n").split(",")
        labs.append(lab)
        if lab[0] != "none":
            excl[lab[0]] += 1
    return excl, lines, labs


truth_full, n_lines, truth_labels = truth(f"{W}/mix-{N}.truth")
truth_slice = collections.Counter(l[0] for l in truth_labels[:SL] if l[0] != "none")
size = os.path.getsize(f"{W}/mix-{N}.log")
slice_size = os.path.getsize(f"{W}/mix-{N}-head{SL}.log")
gen = json.load(open(f"{W}/gen-{N}.json"))

hf = {}
for g in ["full", "slice"]:
    for r in json.load(open(f"{W}/hyperfine-{g}.json"))["results"]:
        hf[r["command"]] = r

rows = [l.rstrip("\n").split("\t", 3) for l in open(f"{W}/rows.tsv") if l.strip()]
counts = {}
for name, data, mode, cmd in rows:
    out = f"{W}/{name}.out"
    if mode == "lw":
        counts[name] = lw_counts(out, True)[0]
    elif mode == "lw8":
        counts[name] = lw_counts(out, False)[0]
    elif mode == "exclusive":
        counts[name] = prom_counts(out)
    elif mode == "combined":
        counts[name] = prom_counts(out).get("any", 0)
    elif mode == "wc":
        counts[name] = int(open(out).read().split()[0])

WHAT = {
    "logwarden-scan": "`scan`, the default rules/: 66 patterns, 11 alert rules, multi-line records; every core reads and classifies (the default)",
    "logwarden-scan-1-thread": "the same with `--threads 1`: read, classified and counted on one thread",
    "logwarden-patterns-only": "`scan --rules rules/patterns`: classification and counts, no alert rules",
    "logwarden-20-rules": "`scan --rules rules/patterns --rules bench/alerts-20.yaml`: 20 alert rules",
    "logwarden-state": "`scan --state` (a new SQLite state file per run), default rules",
    "logwarden-two-files": "`scan a.log b.log`: two 1M-line files (the mix and a copy), default rules; merged on event time, so records of the same instant alternate between the files",
    "logwarden-shared8": "`scan --no-multiline --rules shared8`: the peers' 8 regexes, one record per line",
    "c-pcre2-jit": "C + libpcre2-8 JIT, the 8 regexes in order per line (peers/pcre2classify.c)",
    "python-re": "Python `re`, the 8 regexes in order per line (peers/pyclassify.py)",
    "rg-combined": "`rg -c -e P1 ... -e P8`: lines matching any class, one pass (peers/rg_classes.sh)",
    "wc-l": "`wc -l`: the I/O floor",
    "logwarden-scan-slice": "`scan`, default rules, on the slice the slow peers read",
    "logwarden-shared8-slice": "`scan --no-multiline --rules shared8` on the slice",
    "mtail": "mtail `--one_shot`, the 8 regexes as nested if/else (peers/classes.mtail, RE2)",
    "sec": "SEC, 8 Single rules, first match wins (peers/classes.sec, Perl regexes)",
}


def lines_of(data):
    return {"full": N, "two": 2 * N, "slice": SL}[data]


def bytes_of(data):
    return {"full": size, "two": 2 * size, "slice": slice_size}[data]


def rate(name, data):
    return lines_of(data) / hf[name]["median"]


lw_rate_full = rate("logwarden-scan", "full")
lw_rate_slice = rate("logwarden-scan-slice", "slice") if "logwarden-scan-slice" in hf else None

# ---- per-line check of logwarden-shared8 against the truth ---------------------------------------
# logwarden matches a JSON line's message field (MESSAGE/message/msg), not the whole line; the
# peers match the whole line. Every line where the two differ must be a JSON line on which the
# shared regexes, applied to the message field alone, give logwarden's answer.
shared_rx = []
for line in open(os.path.join(args.shared, "patterns.tsv")):
    if line.strip() and not line.startswith("#"):
        c, rx = line.rstrip("\n").split("\t", 1)
        shared_rx.append((c, re.compile(rx)))


def classify_py(text):
    for c, rx in shared_rx:
        if rx.search(text):
            return c
    return "none"


def read_tsv(path):
    """classify --output tsv: {first line: (end line, class)}"""
    out = {}
    with open(path) as f:
        next(f)
        for line in f:
            p = line.rstrip("\n").split("\t")
            out[int(p[0])] = (int(p[1]), p[3])
    return out


check8 = None
if os.path.exists(f"{W}/lw8.tsv"):
    lw8 = read_tsv(f"{W}/lw8.tsv")
    data_lines = open(f"{W}/mix-{N}.log", encoding="utf-8", errors="replace").read().split("\n")
    mism = collections.Counter()
    unexplained = []
    json_lines = 0
    for i, lab in enumerate(truth_labels, 1):
        t = lab[0]
        got = lw8.get(i, (i, "-"))[1]
        got = "none" if got == "-" else got
        if got == t:
            continue
        mism[(t, got)] += 1
        text = data_lines[i - 1]
        ok = False
        if text.startswith("{"):
            try:
                o = json.loads(text)
                msg = next((o[k] for k in ("MESSAGE", "message", "msg") if k in o), None)
                ok = isinstance(msg, str) and classify_py(msg) == got
            except ValueError:
                pass
        if ok:
            json_lines += 1
        else:
            unexplained.append((i, t, got, text[:160]))
    check8 = (mism, json_lines, unexplained)

# ---- record-level truth for the default pack ------------------------------------------------------
# logwarden frames a traceback (and any line without a timestamp after one with) into one record.
# A record's truth: the first class, in the shared order, among its lines' primary labels.
rec_check = None
if os.path.exists(f"{W}/lwd.tsv"):
    lwd = read_tsv(f"{W}/lwd.tsv")
    order = {c: i for i, c in enumerate(CLASSES)}
    rec_truth, rec_lw = collections.Counter(), collections.Counter()
    conf = collections.Counter()
    examples = {}
    for first_line, (end, cls) in lwd.items():
        labs = [truth_labels[j - 1][0] for j in range(first_line, end + 1) if truth_labels[j - 1][0] != "none"]
        t = min(labs, key=order.__getitem__) if labs else "none"
        g = LW_TO_SHARED.get(cls, "none") if cls != "-" else "none"
        if t != "none":
            rec_truth[t] += 1
        if g != "none":
            rec_lw[g] += 1
        if t != g:
            conf[(t, g)] += 1
            examples.setdefault((t, g), (first_line, end))
    rec_check = (rec_truth, rec_lw, conf, examples, len(lwd))

# ---- output ---------------------------------------------------------------------------------------
P = print
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")


def dpkg(p):
    v = sh(f"dpkg-query -W -f '${{Version}}' {p} 2>/dev/null")
    return f"{p} {v}" if v else None


vers = [first(sh("swift --version 2>&1")), "logwarden " + first(sh(f"{args.lw} --version"))]
vers += [v for v in (dpkg(p) for p in ["libpcre2-8-0", "mtail", "sec", "ripgrep", "hyperfine", "python3", "coreutils",
                                         "time", "valgrind"]) if v]
P("# Benchmarks\n")
P("Generated by `make bench` (bench/run.sh, bench/report.py): every tool in the same run, on the same data.")
P(f"Data: the {N:,}-line mix of `../shared/bench/gen_logs.py --seed 42` ({size / 1e6:.0f} MB, {gen['error_pct']}% error")
P(f"lines, per-line ground truth from `--truth`). Times: hyperfine medians of {args.runs} runs (after 1 warm-up) on the")
P(f"full mix; Python `re`, mtail and SEC (10-30k lines/s here) read only the first {SL:,} lines ({slice_size / 1e6:.1f} MB), {args.slow_runs} runs,")
P("and logwarden is timed on that slice too. Lines/s and MB/s are of what each tool read. Peak RSS: \"Maximum")
P("resident set size\" of `/usr/bin/time -v`, one run. The machine is shared and noisy: compare within one table.\n")
P(f"Machine: {cpu}, {sh('nproc')} cores, Linux {sh('uname -r')}. Versions: {'; '.join(vers)}.\n")
P("Run it: `make bench` (installs hyperfine, time, mtail, sec, ripgrep and valgrind when missing; ~15 min on 2 cores).")
P("Knobs (env): `RUNS` (3), `SLICE` (100000), `SLOW_RUNS` (2), `BIG` (10000000; 0 skips), `CALLGRIND` (1), `LIVE` (1),")
P("`WORK` (/tmp/logwarden-bench). A peer that is not installed is left out of the table.\n")

P("| tool | data | what it does | median s | lines/s | MB/s | peak RSS MB | lines/s ÷ logwarden's | agreement with truth | agreement with logwarden |")
P("|---|---|---|---|---|---|---|---|---|---|")
ref_excl = {"full": truth_full, "slice": truth_slice}
for name, data, mode, cmd in rows:
    r = hf[name]
    m = r["median"]
    rss, _ = time_v(name)
    lr = lines_of(data) / m
    base = lw_rate_slice if data == "slice" else lw_rate_full
    ratio = lr / base
    dl = {"full": "1M mix", "two": "2 × 1M", "slice": f"first {SL // 1000}k"}[data]
    if data == "full":
        dl = f"{N // 1000}k mix" if N < 1_000_000 else f"{N / 1e6:g}M mix"
    tref = ref_excl.get(data, truth_full)
    if mode == "lw":
        x = counts[name]
        if data == "two":
            x = collections.Counter({c: v / 2 for c, v in x.items()})
        vt = f"{agreement(tref, x):.2f}% (records, not lines: see below)"
        same = counts["logwarden-scan-slice" if data == "slice" else "logwarden-scan"]
        xs = counts[name]
        if data == "two":
            same = collections.Counter({c: 2 * v for c, v in same.items()})
        vl = "reference" if name in ("logwarden-scan", "logwarden-scan-slice") else \
            ("same counts as logwarden-scan" + (" ×2" if data == "two" else "") if xs == same else fmt_agree(same, xs))
    elif mode == "lw8":
        vt = fmt_agree(tref, counts[name]) + " (JSON lines: see below)"
        vl = "reference (shared 8)"
    elif mode == "exclusive":
        vt = fmt_agree(tref, counts[name])
        lw8n = "logwarden-shared8-slice" if data == "slice" else "logwarden-shared8"
        vl = fmt_agree(counts[lw8n], counts[name]) if lw8n in counts else "?"
    elif mode == "combined":
        tot = sum(tref.values())
        ok = "exact" if counts[name] == tot else f"{counts[name] - tot:+,}"
        vt = f"n/a per class: counts lines in any class ({counts[name]:,}, truth {tot:,}: {ok})"
        vl = "n/a"
    else:
        vt = f"n/a: counts lines ({counts[name]:,}: {'ok' if counts[name] == n_lines else 'MISMATCH'})"
        vl = "n/a"
    P(f"| {name} | {dl} | {WHAT.get(name, '')} | {m:.3f} | {lr:,.0f} | {bytes_of(data) / 1e6 / m:.0f} | "
      f"{rss:.0f} | {ratio:.2f}× | {vt} | {vl} |")

P("\nlines/s ÷ logwarden's: the tool's lines/s over `logwarden-scan`'s on the same data (over `logwarden-scan-slice`'s")
P("for the slice rows); above 1 the tool is faster. `logwarden-scan` is the reference for logwarden's own rows.")

# ---- how counts are compared ------------------------------------------------------------------------
P("\n### How the counts are compared\n")
P("The peers classify each physical line into the first of the 8 shared classes whose regex matches")
P("(`../shared/bench/patterns.tsv`); the generator's `--truth` says, per line, which class that is, so it is the")
P("referee: \"agreement with truth\" is score.py's `100·(1 − Σ|tool−truth| / Σ truth)` over the 8 classes, on the")
P("lines the tool read. logwarden's counts come from `scan --output json` (the summary's `patterns`, summed per")
P("class). Two logwarden configurations are compared:\n")
P("- **Same work as the peers** (`logwarden-shared8`): the 8 regexes as a pattern file (`bench/shared_pack.py`, same")
P("  order), `--no-multiline` so each line is a record. \"Agreement with logwarden\" of each peer is against this")
P("  run's counts on the same data.")
if check8:
    mism, js, unexp = check8
    total = sum(mism.values())
    P(f"  Per line (`classify --output tsv`), it differs from the truth on {total:,} of {n_lines:,} lines;")
    if not unexp:
        P(f"  **every one** ({js:,}) is a JSON line: logwarden matches a JSON line's message field (`message`, `msg`,")
        P("  `MESSAGE`), not the whole line, and on each of them the same regexes applied to the message alone (Python")
        P("  `re`, checked by report.py) give logwarden's answer. Whole-line regexes see `\"status\":503` or")
        P("  `\"level\":\"ERROR\"` outside the message; logwarden's default pack reads those as fields (`fields:`).")
    else:
        P(f"  {js:,} of them are JSON lines explained by the message field, and **{len(unexp):,} are not explained**:")
        for i, t, g, text in unexp[:5]:
            P(f"  - line {i}: truth {t}, logwarden {g}: `{text}`")
    top = ", ".join(f"{t}→{g} {n:,}" for (t, g), n in mism.most_common(6))
    P(f"  Differences by (truth → logwarden): {top}.")
P("- **The product** (`logwarden-scan` and the other default-pack rows): 66 patterns in 10 classes, mapped to the")
P("  shared 8 (`rate_limited`→rate_limit, `connection_refused`→conn_refused, `other_error` and `db_schema`→")
P("  generic_error, `success` not counted). It counts **records**, not lines: a traceback with its header line is")
P("  one record, classified by its exception line, where the truth counts up to five lines in three classes. So")
P("  its per-line agreement is low by design. The fair referee is a record-level truth: for each record")
P("  (`classify --output tsv` gives its first and last line), the first shared class among its lines' labels.")
if rec_check:
    rt, rl, conf, ex, nrec = rec_check
    P(f"  On that, over {nrec:,} records: agreement **{agreement(rt, rl):.2f}%**; records classified differently:")
    P(f"  {sum(conf.values()):,}. The largest differences (truth → logwarden, records, first example's lines):")
    for (t, g), n in conf.most_common(8):
        f_, e_ = ex[(t, g)]
        P(f"  - {t} → {g}: {n:,} (lines {f_}–{e_})" if e_ != f_ else f"  - {t} → {g}: {n:,} (line {f_})")
    P("  These are records where the default pack's wording and the shared regexes disagree on what an error is,")
    P("  not records logwarden failed to count: e.g. the shared `oauth.*scope` matches postgres's")
    P("  `STATEMENT:  SELECT user_oauth_tokens.id, user_oauth_tokens.scope ...`, the statement logged after the")
    P("  error (which both count), and the pack does not call a statement an error.")

P("\nPer class (lines for the truth and the peers; records for the product row):\n")
hdr = ["class", "truth (lines)", "c-pcre2-jit", "logwarden-shared8", "truth (records)", "logwarden-scan"]
P("| " + " | ".join(hdr) + " |")
P("|" + "---|" * len(hdr))
for c in CLASSES:
    cells = [c, f"{truth_full[c]:,}"]
    for nme in ["c-pcre2-jit", "logwarden-shared8"]:
        cells.append(f"{counts[nme][c]:,}" if nme in counts else "–")
    cells.append(f"{rec_check[0][c]:,}" if rec_check else "–")
    cells.append(f"{counts['logwarden-scan'][c]:,}")
    P("| " + " | ".join(cells) + " |")
if {"mtail", "sec", "python-re"} & set(counts):
    P(f"\nOn the first {SL:,} lines:\n")
    hdr = ["class", "truth (lines)", "python-re", "mtail", "sec", "logwarden-shared8-slice"]
    P("| " + " | ".join(hdr) + " |")
    P("|" + "---|" * len(hdr))
    for c in CLASSES:
        cells = [c, f"{truth_slice[c]:,}"] + [f"{counts[x][c]:,}" if x in counts else "–"
                                              for x in ["python-re", "mtail", "sec", "logwarden-shared8-slice"]]
        P("| " + " | ".join(cells) + " |")
bad = [n for n, d, m, _ in rows if m == "exclusive" and agreement(ref_excl[d], counts[n]) < 100.0]
P("\nCheck: " + ("every peer's per-class counts equal the truth exactly." if not bad else
                 f"**{', '.join(bad)} disagree with the truth: their times compare different work.**"))

# ---- one file vs two ------------------------------------------------------------------------------
if "logwarden-two-files" in hf:
    one, two = rate("logwarden-scan", "full"), rate("logwarden-two-files", "two")
    P("\n## One file vs two\n")
    P(f"`scan a.log b.log` (two {N:,}-line files, {2 * N:,} lines): {hf['logwarden-two-files']['median']:.3f} s, {two:,.0f} lines/s,")
    P(f"against {one:,.0f} lines/s for one file: **{two / one:.2f}×** the one-file rate on {sh('nproc')} cores "
      "(1.00×: the second file adds no parallelism beyond the one file's).")
    if "logwarden-scan-1-thread" in hf:
        t1 = rate("logwarden-scan-1-thread", "full")
        P(f"One file with `--threads 1`: {t1:,.0f} lines/s; the default (every core reads and classifies) is "
          f"**{one / t1:.2f}×** that.")

# ---- memory and throughput goals --------------------------------------------------------------------
P("\n## Goals\n")
P("| goal | measured | met |")
P("|---|---|---|")


def met(b):
    return "yes" if b else "**no**"


P(f"| `scan` with the default pack ≥ 2,000,000 lines/s (issue 7), every core (the default) | {lw_rate_full:,.0f} lines/s | {met(lw_rate_full >= 2e6)} |")
if "logwarden-scan-1-thread" in hf:
    t1 = rate("logwarden-scan-1-thread", "full")
    P(f"| the same single-threaded (`--threads 1`), as issue 7 states it | {t1:,.0f} lines/s | {met(t1 >= 2e6)} |")
    if "logwarden-two-files" in hf:
        two = rate("logwarden-two-files", "two")
        P(f"| two {N:,}-line files on {sh('nproc')} cores ≥ 1.7× one thread (issue 7; one thread's rate measured on one "
          f"file, the same per-line work) | {two:,.0f} against {t1:,.0f} lines/s: {two / t1:.2f}× | {met(two / t1 >= 1.7)} |")
P(f"| the floor of issue 2, ≥ 500,000 lines/s | {lw_rate_full:,.0f} lines/s | {met(lw_rate_full >= 5e5)} |")
mem = [l.rstrip("\n").split("\t") for l in open(f"{W}/mem.tsv") if l.strip()]
memd = {m[0]: m for m in mem}


def prom(name, metric):
    tot = 0.0
    try:
        for line in open(f"{W}/{name}.prom"):
            if line.startswith(metric):
                tot += float(line.rsplit(None, 1)[1])
    except FileNotFoundError:
        return None
    return tot


r1 = time_v("scan-1M")[0] if "scan-1M" in memd else None
if r1 is not None:
    P(f"| peak RSS of `scan` (default rules) on {N:,} lines ≤ 40 MB | {r1:.1f} MB | {met(r1 <= 40)} |")
big = [m for m in mem if m[0].startswith("scan-") and m[0] != "scan-1M"]
for m in big:
    rb = time_v(m[0])[0]
    P(f"| peak RSS on {int(m[1]):,} lines ({int(m[2]) / 1e9:.2f} GB, generated, deleted after) within ±10% of the "
      f"{N // 1_000_000}M run's | {rb:.1f} MB ({(rb / r1 - 1) * 100:+.0f}%) | {met(abs(rb / r1 - 1) <= 0.10)} |")
if "unique-capture" in memd:
    ru = time_v("unique-capture")[0]
    s = lw_summary(f"{W}/unique-capture.out")
    series = len([p for p in s["patterns"] if p["name"] == "unique_request"])
    over = prom("unique-capture", "logwarden_series_overflow_total")
    P(f"| unique capture: 1,000,000 distinct `request_id` values against `max_series: 1000` (bench/unique-capture, "
      f"with a rule selecting them), peak RSS < 64 MB | {ru:.1f} MB; {series:,} series in the summary, "
      f"{over or 0:,.0f} values counted as `__other__` | {met(ru < 64)} |")
if "long-line" in memd:
    rl_, el = time_v("long-line")
    tr = prom("long-line", "logwarden_truncated_records_total")
    s = lw_summary(f"{W}/long-line.out")
    P(f"| one 50 MB line (plus 6 short ones) is cut at `max_bytes` (64 KiB) without being read whole: peak RSS "
      f"well under the line's 50 MB | {rl_:.1f} MB, {el:.2f} s; {s['records']} records, {tr or 0:.0f} truncated | "
      f"{met(rl_ < 50 and (tr or 0) >= 1)} |")
P("\nPeak RSS of a run includes the binary, the Swift runtime and the compiled pack (PCRE2 JIT): the unique-capture")
P("and long-line runs show how much on top of that a bad input adds.")

# ---- alert rules, state -------------------------------------------------------------------------------
cg = dict(l.split() for l in open(f"{W}/callgrind.txt") if len(l.split()) == 2)
only = hf["logwarden-patterns-only"]["median"]
lw = hf["logwarden-scan"]["median"]
r20 = hf["logwarden-20-rules"]["median"]
st = hf["logwarden-state"]["median"]
P("\n## Cost of alert rules and of the state file\n")
P("Over classification only (`logwarden-patterns-only`), in this run's medians: the default pack's 11 rules")
P(f"{(lw / only - 1) * 100:+.0f}%, 20 rules (`bench/alerts-20.yaml`) {(r20 / only - 1) * 100:+.0f}%; `--state` over the default scan")
P(f"{(st / lw - 1) * 100:+.0f}% (goal under 10%). Two runs of one command differ by more than that here: the instruction")
P("counts below are the stable measure.")
if cg:
    base = int(cg["logwarden-patterns-only"])
    P("\nInstruction counts (callgrind; first 200k lines unless said):\n")
    P("| run | instructions | over classification only |")
    P("|---|---|---|")
    for name in ["logwarden-patterns-only", "logwarden-scan", "logwarden-20-rules"]:
        v = int(cg[name])
        P(f"| {name} | {v / 1e9:.2f} G | {(v / base - 1) * 100:+.0f}% |")
    if "logwarden-state-full" in cg:
        v, b = int(cg["logwarden-state-full"]), int(cg["logwarden-scan-full"])
        P(f"| logwarden-scan, all {N:,} lines | {b / 1e9:.2f} G | |")
        P(f"| logwarden-scan `--state`, all {N:,} lines | {v / 1e9:.2f} G | **{(v / b - 1) * 100:+.1f}%** over the scan without (goal < 10%) |")

# ---- profile ---------------------------------------------------------------------------------------
prof = open(f"{W}/profile.txt").read() if os.path.exists(f"{W}/profile.txt") else ""
if prof.strip():
    tot = re.search(r"^\s*([\d,]+)\s+\(100\.0%\)\s+PROGRAM TOTALS", prof, re.M)
    rowsp = re.findall(r"^\s*([\d,]+)\s+\(\s*([\d.]+)%\)\s+(\S.*?)\s*$", prof, re.M)
    rowsp = [r for r in rowsp if "PROGRAM TOTALS" not in r[2]][:10]
    P("\n## Profile: where the default scan's instructions go\n")
    P("callgrind on `scan` with the default rules over the first 200k lines of the mix (binary `strip --strip-debug`")
    P("ed: valgrind cannot read Swift's DWARF, the symbol table stays), `callgrind_annotate`, exclusive instructions")
    P(f"per function, names through `swift demangle --simplified`. Total: {tot.group(1) if tot else '?'} instructions.\n")
    P("| % | instructions | function |")
    P("|---|---|---|")
    for ins, pct, fn in rowsp:
        fn = re.sub(r"^\?\?\?:", "", fn)
        if re.match(r"0x[0-9a-f]+", fn) and fn.endswith("[???]"):
            fn = fn[:-5] + "(no object: code in anonymous memory, i.e. PCRE2's JIT-compiled regexes)"
        fn = re.sub(r"\s*\[(?:[^\]]*/)?([^\]/]+)\]$", r"  (\1)", fn)
        fn = fn.replace("|", "\\|")
        if len(fn) > 140:
            fn = fn[:137] + "…"
        P(f"| {pct} | {ins} | `{fn}` |")

# ---- micro-benchmarks ----------------------------------------------------------------------------------
P("\n## Micro-benchmarks (per stage)\n")
P("`make bench-micro` runs the package-benchmark suite in `Benchmarks/` (ordo-one/package-benchmark 1.38.1, its")
P("malloc interposer counting allocations): `cd Benchmarks && swift package benchmark`. One benchmark per hot stage, on")
P("a 1 MiB slice of the same mix, through LogwardenKit's public API only: **split** (LineSplitter over the chunk),")
P("**frame** (RecordStream: split + timestamps + multi-line framing + JSON scan), **timestamp** (TimestampParser on")
P("line starts), **prefilter** (the pack's LiteralMatcher scan per record), **match** (Classifier.classify per")
P("record), **count** (MatchCounts.add per record) and **tally** (Tally.count without rules: classify + count).")
P("Per-record benchmarks handle 1,000 records an iteration (scaling factor kilo), so their time reads as ns and")
P("their mallocs as allocations **per record**; split and frame are per 1 MiB chunk. Metrics: wall clock,")
P("throughput, instructions (perf counters, where the kernel allows them) and mallocCountTotal.")
micro = os.path.join(REPO, "bench", "micro-results.md")
P("\n<!-- micro-results: make bench-micro rewrites what is between these markers -->")
if os.path.exists(micro):
    P(open(micro).read().rstrip())
else:
    P("(No sample yet: run `make bench-micro`, which writes bench/micro-results.md.)")
P("<!-- /micro-results -->")
