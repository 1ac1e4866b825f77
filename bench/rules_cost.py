#!/usr/bin/env python3
"""Issue 7's rules-cost goal: 100 alert rules over 1,000 series, evaluated every 15 s of
event time over a day of logs, must add under 15% to the scan.

Writes a day of logs (LINES lines, evenly spread over 24 h) in which sshd failures come
from 1,000 sources (the pack's `sshd_failed_password` captures `source`, so 1,000 series)
between ordinary traffic, timeouts and 5xx lines; and 100 rules in one 15 s group: by
source, by class, ratios, top-k and absent-style rules. Then it measures `scan` with the
pattern pack alone and with the 100 rules, as CPU and wall time (medians of RUNS; the
ratio is what the goal is about), optionally also as instructions (--callgrind: slow, since
valgrind runs the whole day of evaluations), and prints a markdown section.

usage: bench/rules_cost.py --bin BIN [--lines N] [--runs R] [--work DIR] [--callgrind]
"""
import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import time

DAY_MS = 86_400_000


def write_logs(path, lines, seed=7):
    rnd = random.Random(seed)
    sources = [f"198.51.{i // 250}.{i % 250 + 1}" for i in range(1000)]
    start = 1_795_305_600_000  # 2026-11-22T00:00:00Z
    step = DAY_MS / lines
    with open(path, "w") as f:
        for i in range(lines):
            t = start + int(i * step)
            ts = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t / 1000)) + ".%03dZ" % (t % 1000)
            r = rnd.random()
            if r < 0.10:
                src = sources[rnd.randrange(1000)]
                f.write(f"{ts} edge-01 sshd[{3000 + i % 5000}]: Failed password for root from {src} port {40000 + i % 20000} ssh2\n")
            elif r < 0.13:
                f.write(f"{ts} WARNING [calsync.google] events.list timed out for user={i % 900} after 30.0s\n")
            elif r < 0.15:
                f.write(f'{ts} 10.0.4.{i % 200} - - "GET /api/v1/items/{i % 5000} HTTP/1.1" 50{i % 4} 157 "-" "curl/8"\n')
            else:
                f.write(f"{ts} INFO [api] GET /api/v1/items/{i % 5000} served in {i % 97} ms user={i % 900}\n")


def write_rules(path, quiet=False):
    """The 100 rules. As written they fire often: thresholds of 1 or 2 failures per source
    flap all day (about 100,000 alert transitions, each printed with its evidence). `quiet`
    keeps every expression and raises only the thresholds, so that alerts are rare and the
    cost measured is the evaluation's."""
    q = 4 if quiet else 1
    rules = []
    for k in range(40):  # by source: every evaluation walks the 1,000 series
        thr = (1 + k % 5) * q
        rng = ["1m", "5m", "10m", "15m"][k % 4]
        rules.append(f"      - {{alert: BySource{k}, expr: 'sum by (source) (increase(logwarden_matches_total{{pattern=\"sshd_failed_password\"}}[{rng}])) > {thr}', labels: {{severity: warning}}}}")
    for k in range(20):  # per series, no aggregation
        rng = ["5m", "10m"][k % 2]
        rules.append(f"      - {{alert: PerSeries{k}, expr: 'increase(logwarden_matches_total{{class=\"auth_failure\"}}[{rng}]) > {(3 + k % 4) * q}', for: 1m, labels: {{severity: low}}}}")
    for k in range(20):  # by class
        cls = ["auth_failure", "timeout", "http_5xx", "other_error"][k % 4]
        rules.append(f"      - {{alert: ByClass{k}, expr: 'sum by (class) (increase(logwarden_matches_total{{class=\"{cls}\"}}[5m])) > {(10 + k) * q * q}', labels: {{severity: warning}}}}")
    for k in range(10):  # ratios
        ratio = f"0.{k + 1}" if not quiet else f"0.9{k}"
        rules.append(f"      - {{alert: Ratio{k}, expr: 'sum(increase(logwarden_matches_total{{severity!=\"info\"}}[5m])) / sum(increase(logwarden_records_total[5m])) > {ratio}', labels: {{severity: warning}}}}")
    for k in range(5):
        rules.append(f"      - {{alert: Top{k}, expr: 'topk({k + 1}, sum by (source) (increase(logwarden_matches_total{{pattern=\"sshd_failed_password\"}}[15m]))) > {8 * q}', labels: {{severity: info}}}}")
    for k in range(5):
        rules.append(f"      - {{alert: Count{k}, expr: 'count(increase(logwarden_matches_total{{pattern=\"sshd_failed_password\"}}[5m]) > {k}) > {100 * q}', labels: {{severity: info}}}}")
    assert len(rules) == 100
    with open(path, "w") as f:
        f.write("# 100 rules over 1,000 series, written by bench/rules_cost.py.\ngroups:\n  - name: cost\n    interval: 15s\n    rules:\n")
        f.write("\n".join(rules) + "\n")


def instructions(binary, args, profile=None):
    """Instructions of one run; with `profile`, the callgrind file is kept there."""
    out = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={profile or '/dev/null'}", binary] + args,
                         capture_output=True, text=True)
    m = re.search(r"Collected : (\d+)", out.stderr)
    return int(m.group(1)) if m else None


# Where a rules run spends its instructions: inclusive costs of the stages, by symbol.
STAGES = [
    ("rule evaluation, all of it", "RuleEngineC8evaluate"),
    ("expressions (Evaluator)", "EvaluatorV4evalyAA10QueryValueOAA4ExprOAA0G5ErrorVYKF "),
    ("comparisons kept between instants (ThresholdFilter)", "ThresholdFilterC6result"),
    ("window vectors brought up to date (TrackedVector)", "TrackedVectorC6update"),
    ("evidence of transitions", "RuleEngineC8evidence"),
    ("printing transitions (console)", "ConsoleSinkC4emit"),
    ("counting records into windows (SeriesStore.count)", "SeriesStoreC5count"),
]


def stages(profile):
    out = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", profile], capture_output=True, text=True).stdout
    total = re.search(r"([\d,]+) \(100.0%\)\s+PROGRAM TOTALS", out)
    found = []
    for name, symbol in STAGES:
        best = 0
        for line in out.splitlines():
            if symbol in line:
                m = re.match(r"\s*([\d,]+)", line)
                if m:
                    best = max(best, int(m.group(1).replace(",", "")))
        found.append((name, best))
    return (int(total.group(1).replace(",", "")) if total else None), found


def wall(binary, args, runs):
    """Median wall and CPU (user + system of the child) seconds."""
    walls, cpus = [], []
    for _ in range(runs):
        before = os.times()
        t = time.monotonic()
        subprocess.run([binary] + args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        walls.append(time.monotonic() - t)
        after = os.times()
        cpus.append((after.children_user - before.children_user) + (after.children_system - before.children_system))
    return statistics.median(walls), statistics.median(cpus)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--work", default="/tmp/logwarden-rules-cost")
    ap.add_argument("--callgrind", action="store_true")
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    logs = os.path.join(a.work, f"day-{a.lines}.log")
    if not os.path.exists(logs):
        write_logs(logs, a.lines)
    rules = os.path.join(a.work, "alerts-100.yaml")
    quiet = os.path.join(a.work, "alerts-100-quiet.yaml")
    write_rules(rules)
    write_rules(quiet, quiet=True)
    patterns = os.path.join(root, "rules", "patterns")
    # The rule sets are valid and evaluate on this data.
    for r in (rules, quiet):
        check = subprocess.run([a.bin, "check", r], capture_output=True, text=True)
        if check.returncode != 0:
            raise SystemExit(f"the generated rules do not pass check:\n{check.stdout}{check.stderr}")
    base = ["scan", "--threads", "1", "--rules", patterns, logs]
    runs = {"as written": rules, "quiet thresholds": quiet}
    facts = {}
    for name, r in runs.items():
        out = subprocess.run([a.bin, "scan", "--threads", "1", "--rules", patterns, "--rules", r, "--output", "json",
                              "--textfile", os.path.join(a.work, "m.prom"), logs], capture_output=True, text=True).stdout
        prom = open(os.path.join(a.work, "m.prom")).read()
        series = len(re.findall(r'^logwarden_matches_total\{[^}]*pattern="sshd_failed_password"', prom, re.M))
        evals = re.search(r"^logwarden_rule_evaluations_total (\d+)", prom, re.M)
        facts[name] = (series, evals.group(1) if evals else "?", sum(1 for l in out.splitlines() if '"type":"alert"' in l))
    stripped = None
    if a.callgrind:
        stripped = os.path.join(a.work, "logwarden-stripped")
        shutil.copy(a.bin, stripped)
        subprocess.run(["strip", "--strip-debug", stripped])
    i0 = instructions(stripped, base) if stripped else None
    w0, c0 = wall(a.bin, base, a.runs)
    rows = []
    profiles = {}
    for name, r in runs.items():
        args = base[:-1] + ["--rules", r, logs]
        profiles[name] = os.path.join(a.work, f"callgrind-{name.split()[0]}.out") if stripped else None
        i1 = instructions(stripped, args, profiles[name]) if stripped else None
        w1, c1 = wall(a.bin, args, a.runs)
        rows.append((name, c1, w1, i1))
    series, evals, _ = facts["as written"]
    print("## Cost of 100 rules on 1,000 series (issue 7)\n")
    print(f"Generated by `bench/rules_cost.py`: {a.lines:,} lines spread over 24 h of event time, sshd failures from")
    print(f"1,000 sources ({series} `sshd_failed_password` series exported), 100 rules in one group evaluated every")
    print(f"15 s ({evals} rule-group evaluations, so {int(evals) * 100:,} rule evaluations), one thread, medians of {a.runs} runs.")
    print("As written, thresholds of one or two failures per source flap all day; the quiet variant keeps every")
    print("expression and raises only the thresholds (a few alerts a day), so what it measures is evaluation rather\nthan alert output.")
    print("Goal: under 15% over the pattern pack alone.\n")
    print("| run | alert transitions | CPU s | over patterns only | wall s | instructions | over patterns only |")
    print("|---|---|---|---|---|---|---|")
    print(f"| patterns only | | {c0:.2f} | | {w0:.2f} | {f'{i0 / 1e9:.2f} G' if i0 else 'n/a'} | |")
    for name, c1, w1, i1 in rows:
        over_i = f"**{100 * (i1 - i0) / i0:+,.0f}%**" if i0 and i1 else "n/a"
        print(f"| + 100 rules, {name} | {facts[name][2]:,} | {c1:.2f} | **{100 * (c1 - c0) / c0:+,.0f}%** | {w1:.2f} | "
              f"{f'{i1 / 1e9:.2f} G' if i1 else 'n/a'} | {over_i} |")
    print()
    if stripped and i0:
        print("Where the instructions over the patterns-only run go (callgrind, inclusive, so rows overlap:")
        print("the evaluation includes expressions, evidence and printing):\n")
        print("| stage | " + " | ".join(runs) + " |")
        print("|---|" + "---|" * len(runs))
        got = {name: stages(profiles[name])[1] for name in runs}
        for k, (stage, _) in enumerate(STAGES):
            print(f"| {stage} | " + " | ".join(f"{got[name][k][1] / 1e9:.2f} G ({100 * got[name][k][1] / i0:.0f}% of patterns only)"
                                                 for name in runs) + " |")
        print()


if __name__ == "__main__":
    main()
