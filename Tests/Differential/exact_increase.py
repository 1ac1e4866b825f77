#!/usr/bin/env python3
"""Exactness check of logwarden's increase(x[w]) (no extrapolation).

Prometheus extrapolates increase(), so promtool cannot be the reference here.
Instead this script generates job_failed records at irregular times (seeded,
plus records exactly on and a millisecond either side of window boundaries,
and bursts at one instant), runs logwarden, and compares the `value` (and the
`{{ $value }}` annotation) of alert transitions with its own count of records
whose time is in (t - w, t].

Rules (group interval 1m, for: 0m):
  IncOnset5m        increase(job_failed[5m]) > 0
                    -> a firing transition exactly where the count turns > 0
  IncEven5m/IncOdd5m, IncEven90s/IncOdd90s
                    increase(job_failed[w]) * (time() % 120 == bool 0|60) > 0
                    -> every host with a count > 0 fires afresh on every
                       even (odd) minute and resolves on the next, so the
                       value is observed at every evaluation.
T0 = 2025-10-27T10:00:00Z is a multiple of 120 s.

Options: --bin PATH (default $LOGWARDEN_BIN or .build/debug/logwarden),
--seed N, --minutes N, --keep DIR.  Prints one line per rule and a final
`N passed, M failed`; exits 0 only if all passed.
"""

import argparse
import datetime as dt
import os
import random
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import promtool_diff as pd  # noqa: E402

T0 = pd.T0
M = pd.METRIC
SEL = f'{M}{{pattern="job_failed"}}'
HOSTS = ["a", "b", "c"]


def rules():
    ann = {"value": "{{ $value }}"}
    rs = [pd.R("IncOnset5m", f"increase({SEL}[5m]) > 0", annotations=ann)]
    for w, tag in (("5m", "5m"), ("90s", "90s")):
        for parity, off in (("Even", 0), ("Odd", 60)):
            rs.append(pd.R(f"Inc{parity}{tag}",
                           f"increase({SEL}[{w}]) * (time() % 120 == bool {off}) > 0",
                           annotations=ann))
    return rs


WINDOWS = {"IncOnset5m": 300_000, "IncEven5m": 300_000, "IncOdd5m": 300_000,
           "IncEven90s": 90_000, "IncOdd90s": 90_000}


def gen_records(seed, minutes):
    """-> sorted list of (ms offset from T0, host)."""
    rnd = random.Random(seed)
    end = minutes * 60_000
    recs = []
    # irregular traffic with quiet stretches, so counts drop to 0 and come back
    for h in HOSTS:
        t = rnd.randint(1, 120_000)
        while t <= end:
            burst = rnd.choice([1, 1, 1, 2, 3])
            recs.extend((t, h) for _ in range(burst))
            gap = rnd.choice([5_000, 20_000, 45_000, 61_000, 180_000, 400_000])
            t += rnd.randint(1, gap)
    # boundary records: on a minute, and 1 ms either side of a window edge
    for m in range(3, minutes, 7):
        recs.append((m * 60_000, "a"))               # t == eval time: counts at m, not at m+5
        recs.append((m * 60_000 + 30_000, "b"))      # edge of the 90s window at m+2
        recs.append(((m + 1) * 60_000 - 1, "c"))
        recs.append(((m + 1) * 60_000 + 1, "c"))
    recs = [(t, h) for t, h in recs if 0 < t <= end]
    recs.sort()
    return recs


def ts(ms):
    t = T0 + dt.timedelta(milliseconds=ms)
    if ms % 1000:
        return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def make_log(recs, minutes):
    events = [(k * 60_000, 1, "INFO heartbeat") for k in range(minutes + 1)]
    events += [(t, 0, f"ERROR job failed on host {h}") for t, h in recs]
    events.sort(key=lambda e: (e[0], e[1]))
    return "".join(f"{ts(t)} {text}\n" for t, _, text in events)


def count(recs, host, k, window_ms):
    t = k * 60_000
    return sum(1 for r, h in recs if h == host and t - window_ms < r <= t)


def go_value(c):
    return str(int(c)) if float(c).is_integer() else repr(float(c))


def check_rule(name, transitions, recs, minutes):
    """-> list of problems for one rule."""
    w = WINDOWS[name]
    problems = []
    got = {}   # (k, host) -> list of transitions
    for tr in transitions:
        if tr.get("alertname") != name:
            continue
        k = pd.minute_of(pd.parse_time(tr["evalTime"]), minutes, "evalTime")
        host = (tr.get("labels") or {}).get("host")
        got.setdefault((k, host), []).append(tr)
    for k in range(minutes + 1):
        for h in HOSTS + [None]:
            c = count(recs, h, k, w) if h else 0
            if name == "IncOnset5m":
                prev = count(recs, h, k - 1, w) if (h and k > 0) else 0
                want = c > 0 and prev == 0
            else:
                parity = 0 if "Even" in name else 1
                want = c > 0 and k % 2 == parity
            trs = got.get((k, h), [])
            starts = [t for t in trs if t.get("state") in ("pending", "firing")]
            firing = [t for t in trs if t.get("state") == "firing"]
            where = f"t={k}m host={h}"
            if not want:
                if starts:
                    problems.append(f"{where}: unexpected {starts[0]['state']} "
                                    f"(value {starts[0].get('value')}; own count {c})")
                continue
            if not firing:
                problems.append(f"{where}: no firing transition (own count {c})")
                continue
            for t in starts:
                v = t.get("value")
                if v is None or float(v) != c:
                    problems.append(f"{where}: {t['state']} value {v}, own count {c}")
                a = (t.get("annotations") or {}).get("value")
                if a != go_value(c):
                    problems.append(f"{where}: {t['state']} annotation value {a!r}, "
                                    f"expected {go_value(c)!r}")
    return problems


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", default=os.environ.get("LOGWARDEN_BIN", pd.DEFAULT_BIN))
    ap.add_argument("--seed", type=int, default=20251027)
    ap.add_argument("--minutes", type=int, default=40)
    ap.add_argument("--keep", metavar="DIR")
    args = ap.parse_args(argv)

    work = args.keep or tempfile.mkdtemp(prefix="lw-exact-increase-")
    os.makedirs(work, exist_ok=True)
    recs = gen_records(args.seed, args.minutes)
    rs = rules()
    with open(os.path.join(work, "patterns.yaml"), "w") as f:
        f.write(pd.pattern_yaml())
    with open(os.path.join(work, "alerts.yaml"), "w") as f:
        f.write(pd.rules_yaml(rs, group="exact-increase"))
    with open(os.path.join(work, "input.log"), "w") as f:
        f.write(make_log(recs, args.minutes))

    # the rule file must be valid Prometheus too
    chk = subprocess.run([pd.PROMTOOL, "check", "rules", "alerts.yaml"], cwd=work,
                         capture_output=True, text=True)
    if chk.returncode != 0:
        print("FAIL promtool check rules:\n" + pd.indent(chk.stdout + chk.stderr))
        print("0 passed, 1 failed")
        return 1

    try:
        transitions, _, raw = pd.run_logwarden(args.bin, work, args.minutes, rs)
        with open(os.path.join(work, "logwarden.jsonl"), "w") as f:
            f.write(raw)
    except (pd.LogwardenError, subprocess.TimeoutExpired, OSError) as e:
        print(f"FAIL logwarden: {e}")
        print(f"0 passed, 1 failed")
        return 1

    passed = failed = 0
    for r in rs:
        name = r["alert"]
        try:
            problems = check_rule(name, transitions, recs, args.minutes)
        except pd.LogwardenError as e:
            problems = [str(e)]
        n_tr = sum(1 for t in transitions if t.get("alertname") == name)
        if problems:
            failed += 1
            print(f"FAIL {name}: {len(problems)} mismatches ({n_tr} transitions)")
            for p in problems[:25]:
                print("    " + p)
            if len(problems) > 25:
                print(f"    ... {len(problems) - 25} more")
        else:
            passed += 1
            print(f"PASS {name}: {n_tr} transitions, values = own counts over t=0..{args.minutes}m")
    if failed:
        print(f"(files kept in {work})")
    elif not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
