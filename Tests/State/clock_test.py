#!/usr/bin/env python3
"""Which clock a cron `scan --state` evaluates on, against the real wall clock (no
LOGWARDEN_NOW): see README.md in this directory.

    clock_test.py --bin BIN [-k CASE] [--keep DIR] [-v]

Cases:
  issue-repro  the shipped incident sample, scanned in two runs as it grows, fires what
               one pass fires (issue 23's reproduction: the second run fired nothing)
  nightly      two days of archives, rotated at midnight, scanned by two nightly runs,
               give the transitions of one pass over both files
  live         a log written now, with current timestamps, scanned by twelve runs a few
               seconds apart, gives the transitions of one pass over the final file at
               every instant both evaluated; when the writer stops, the absence rule
               fires in the first run after its `for` has passed

Python 3 standard library only. Exit 0 when every case passed, 1 on a failure, 2 on a
harness error.
"""

import argparse
import datetime as dt
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
import harness  # noqa: E402
from harness import Fail, check, log  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_BIN = os.environ.get("LOGWARDEN_BIN", os.path.join(REPO, ".build/debug/logwarden"))
UTC = dt.timezone.utc

PATTERNS = """\
classes: [success]
patterns:
  - name: heartbeat
    class: success
    severity: info
    match: 'heartbeat ok'
    examples: ['2026-01-01T00:00:00.000Z INFO [svc] heartbeat ok']
  - name: upstream_timeout
    class: timeout
    severity: warning
    match: 'upstream timed out'
    examples: ['2026-01-01T00:00:00.000Z ERROR [svc] upstream timed out after 30s']
"""

NIGHTLY_RULES = """\
groups:
  - name: nightly
    interval: 1m
    rules:
      - alert: TimeoutsSustained
        expr: increase(logwarden_matches_total{pattern="upstream_timeout"}[5m]) > 10
        for: 5m
        labels: {severity: warning}
      - alert: AnyTimeout
        expr: increase(logwarden_matches_total{pattern="upstream_timeout"}[1m]) > 0
        keep_firing_for: 2m
        labels: {severity: info}
      - alert: NoHeartbeat
        expr: increase(logwarden_matches_total{pattern="heartbeat"}[10m]) == 0
        for: 5m
        labels: {severity: critical}
"""

# Seconds, so that a live test stays short. Lateness is 1s.
LIVE_RULES = """\
groups:
  - name: live
    interval: 1s
    rules:
      - alert: TimeoutBurst
        expr: increase(logwarden_matches_total{pattern="upstream_timeout"}[2s]) > 3
        for: 2s
        keep_firing_for: 1s
        labels: {severity: warning}
      - alert: NoHeartbeat
        expr: increase(logwarden_matches_total{pattern="heartbeat"}[3s]) == 0
        for: 2s
        labels: {severity: critical}
"""
LIVE_RANGE, LIVE_FOR, LATENESS = 3.0, 2.0, 1.0


# --------------------------------------------------------------------------- helpers

def parse_time(s):
    return dt.datetime.fromisoformat(s[:-1] + "+00:00" if s.endswith("Z") else s)


def scan(binary, args, cwd, where):
    """Runs `logwarden scan --output json ARGS`; returns (stdout transitions, stderr)."""
    r = subprocess.run([binary, "scan", "--output", "json"] + args, cwd=cwd, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300,
                       env={k: v for k, v in os.environ.items() if k != "LOGWARDEN_NOW"})
    out, err = r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")
    if r.returncode != 0:
        raise Fail("%s: scan %s exited %d\n%s" % (where, " ".join(args), r.returncode, err))
    found = []
    for line in out.splitlines():
        o = json.loads(line)
        if o.get("type") == "alert":
            found.append(o)
    return found, err


def key(o):
    """What two runs must agree on for one transition."""
    return (parse_time(o["evalTime"]), o["alertname"], json.dumps(o.get("labels", {}), sort_keys=True),
            o["state"], repr(o.get("value")))


def show(k):
    return "%s %-18s %-9s value=%s %s" % (k[0].strftime("%Y-%m-%d %H:%M:%S"), k[1], k[3], k[4], k[2])


def same(expected, got, what):
    """Equal as sorted lists: a transition announced twice, or missing, fails."""
    a, b = sorted(map(key, expected)), sorted(map(key, got))
    if a == b:
        return
    lines = ["- " + show(k) for k in a if k not in b] + ["+ " + show(k) for k in b if k not in a]
    dup = [k for k in set(b) if k in a and b.count(k) > a.count(k)]
    lines += ["twice: " + show(k) for k in dup]
    raise Fail("%s: %d transitions expected, %d got (- one pass only, + runs only)\n    %s"
               % (what, len(a), len(b), "\n    ".join(lines)))


def write_rules(work, rules):
    d = os.path.join(work, "rules")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "patterns.yaml"), "w") as f:
        f.write(PATTERNS)
    with open(os.path.join(d, "alerts.yaml"), "w") as f:
        f.write(rules)
    return d


def set_mtime(path, t):
    os.utime(path, (t.timestamp(), t.timestamp()))


# --------------------------------------------------------------------------- cases

def case_issue_repro(binary, work):
    """Issue 23's reproduction, with the shipped sample and pack."""
    sample = open(os.path.join(REPO, "samples/calendar-sync-incident.log")).read().splitlines(True)
    rules = os.path.join(REPO, "rules")
    app = os.path.join(work, "app.log")
    with open(app, "w") as f:
        f.writelines(sample[:150])
    first, _ = scan(binary, ["--rules", rules, "--state", "s.db", "app.log"], work, "run 1")
    last_record = parse_time("2025-10-27T10:40:01Z")
    late = [o for o in first if parse_time(o["evalTime"]) > parse_time("2025-10-27T10:16:00Z")]
    check(not late, "run 1 evaluated after its records ended (at %s)" % ", ".join(o["evalTime"] for o in late))
    with open(app, "a") as f:
        f.writelines(sample[150:])
    second, _ = scan(binary, ["--rules", rules, "--state", "s.db", "app.log"], work, "run 2")
    check(second, "run 2 printed no transitions")
    one, _ = scan(binary, ["--rules", rules, "--state", "one.db", "app.log"], work, "one pass")
    same(one, first + second, "two runs vs one pass")
    check(any(o["state"] == "firing" for o in second), "run 2 fired nothing")
    log("%d + %d transitions, as one pass; last record %s" % (len(first), len(second), last_record))


def nightly_day(start, end, bursts, gaps):
    """Lines from start to end: a heartbeat every 10s (except in gaps), and in each burst
    (from, to, per minute) that many timeouts a minute."""
    out = []
    t = start
    while t < end:
        if not any(a <= t < b for a, b in gaps):
            out.append((t, "INFO [svc] heartbeat ok"))
        for a, b, per_min in bursts:
            if a <= t < b and t.second % 10 == 0:
                for i in range(per_min // 6):
                    out.append((t + dt.timedelta(milliseconds=100 * (i + 1)), "ERROR [svc] upstream timed out after 30s"))
        t += dt.timedelta(seconds=10)
    out.sort()
    return "".join("%s.%03dZ %s\n" % (x.strftime("%Y-%m-%dT%H:%M:%S"), x.microsecond // 1000, msg) for x, msg in out)


def case_nightly(binary, work):
    rules = write_rules(work, NIGHTLY_RULES)
    d = lambda s: dt.datetime.fromisoformat(s).replace(tzinfo=UTC)
    midnight = d("2025-10-28T00:00:00")
    # A burst across midnight: pending before, firing after. A heartbeat gap on day 2.
    bursts = [(d("2025-10-27T22:30:00"), d("2025-10-27T22:34:00"), 6),
              (d("2025-10-27T23:57:00"), d("2025-10-28T00:09:00"), 12)]
    gaps = [(d("2025-10-28T00:30:00"), d("2025-10-28T01:00:00"))]
    day1 = nightly_day(d("2025-10-27T22:00:00"), midnight, bursts, gaps)
    day2 = nightly_day(midnight, d("2025-10-28T02:00:00"), bursts, gaps)
    logs = os.path.join(work, "logs")
    os.makedirs(logs)
    app = os.path.join(logs, "app.log")
    with open(app, "w") as f:
        f.write(day1)
    set_mtime(app, midnight)
    night1, _ = scan(binary, ["--rules", rules, "--state", "s.db", os.path.join(logs, "app.log*")], work, "night 1")
    # logrotate at midnight: app.log -> app.log.1, a new app.log.
    os.rename(app, app + ".1")
    with open(app, "w") as f:
        f.write(day2)
    set_mtime(app, d("2025-10-28T02:00:00"))
    night2, err = scan(binary, ["--rules", rules, "--state", "s.db", os.path.join(logs, "app.log*")], work, "night 2")
    check("came after rule evaluations" not in err, "night 2 reported late records:\n" + err)
    one, _ = scan(binary, ["--rules", rules, "--state", "one.db", os.path.join(logs, "app.log*")], work, "one pass")
    same(one, night1 + night2, "two nightly runs vs one pass with --state")
    # Without --state one pass ends at its last record: the same up to there.
    plain, _ = scan(binary, ["--rules", rules, os.path.join(logs, "app.log.1"), app], work, "one pass without state")
    end = max(parse_time(o["evalTime"]) for o in one)
    same([o for o in plain if parse_time(o["evalTime"]) <= end], night1 + night2, "nightly runs vs one pass without state")
    names = {(o["alertname"], o["state"]) for o in night2}
    for want in [("TimeoutsSustained", "firing"), ("NoHeartbeat", "firing"), ("NoHeartbeat", "resolved")]:
        check(want in names, "night 2 lacks %s %s: %s" % (want + (sorted(names),)))
    pending = [o for o in night1 if o["alertname"] == "TimeoutsSustained" and o["state"] == "pending"]
    check(pending, "the burst across midnight was not pending in night 1")
    log("night 1: %d transitions, night 2: %d, as one pass" % (len(night1), len(night2)))


def ticks(seconds):
    """(seconds since start, now, its RFC 3339 stamp) every 100 ms for `seconds`, on a fixed
    grid, so that a slow machine does not stretch the bursts."""
    start = time.time()
    n = 0
    while time.time() - start < seconds:
        n += 1
        due = start + n * 0.1
        if due > time.time():
            time.sleep(due - time.time())
        now = dt.datetime.now(UTC)
        yield time.time() - start, now, now.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (now.microsecond // 1000)


class Writer(threading.Thread):
    """Every 100 ms, stamped with the wall clock: a heartbeat line, and during bursts
    (seconds since start) a timeout line before it."""

    def __init__(self, path, seconds, bursts):
        super().__init__(daemon=True)
        self.path, self.seconds, self.bursts = path, seconds, bursts
        self.last_heartbeat = None
        self.error = None

    def run(self):
        try:
            with open(self.path, "a", buffering=1) as f:
                for elapsed, now, stamp in ticks(self.seconds):
                    if any(a <= elapsed < b for a, b in self.bursts):
                        f.write("%s ERROR [svc] upstream timed out after 30s\n" % stamp)
                    f.write("%s INFO [svc] heartbeat ok\n" % stamp)
                    self.last_heartbeat = now.replace(microsecond=now.microsecond // 1000 * 1000)
        except Exception as e:  # noqa: BLE001
            self.error = e


def case_live(binary, work):
    rules = write_rules(work, LIVE_RULES)
    app = os.path.join(work, "app.log")
    open(app, "w").close()
    common = ["--rules", rules, "--allowed-lateness", "1s"]
    # Bursts long enough to fire (above 3 in 2s for 2s), and one too short to.
    writer = Writer(app, 30.0, [(4.0, 9.0), (14.0, 15.0), (19.0, 25.0)])
    writer.start()
    runs = []
    for i in range(12):
        time.sleep(2.5)
        found, _ = scan(binary, common + ["--state", "s.db", "app.log"], work, "live run %d" % (i + 1))
        runs += found
        log("run %2d: %d transitions" % (i + 1, len(found)))
    writer.join()
    check(writer.error is None, "the writer failed: %s" % writer.error)
    check(any(o["alertname"] == "TimeoutBurst" and o["state"] == "firing" for o in runs), "TimeoutBurst never fired")

    # The writer has stopped: NoHeartbeat is pending from the first instant whose 3s window
    # holds no heartbeat, and fires `for` later. The first run whose now − lateness has
    # passed that instant must announce it; no earlier run may.
    h = writer.last_heartbeat
    pending_at = dt.datetime.fromtimestamp(math.ceil(round(h.timestamp() + LIVE_RANGE, 3)), UTC)
    fires_at = pending_at + dt.timedelta(seconds=LIVE_FOR)
    after = []
    while True:
        launched = time.time()
        found, _ = scan(binary, common + ["--state", "s.db", "app.log"], work, "run after the writer stopped")
        after.append((launched, found))
        if launched - LATENESS > fires_at.timestamp() + 2:
            break
        time.sleep(1.0)
    fired_in = [i for i, (_, found) in enumerate(after)
                if any(o["alertname"] == "NoHeartbeat" and o["state"] == "firing" and parse_time(o["evalTime"]) > h for o in found)]
    check(len(fired_in) == 1, "NoHeartbeat fired in %d runs after the writer stopped (want 1); fires at %s"
          % (len(fired_in), fires_at))
    k = fired_in[0]
    due = fires_at.timestamp() + LATENESS
    # Launch times are taken just before each run starts: allow 0.3 s for the run to read its clock.
    check(after[k][0] >= due - 0.3, "NoHeartbeat fired in a run launched %.2fs before its instant %s plus the lateness"
          % (due - after[k][0], fires_at))
    check(k == 0 or after[k - 1][0] < due + 0.3, "NoHeartbeat fired late: the run before, launched %.2fs after it was due, missed it"
          % (after[k - 1][0] - due))
    fired = next(o for o in after[k][1] if o["alertname"] == "NoHeartbeat" and o["state"] == "firing")
    check(parse_time(fired["evalTime"]) == fires_at, "NoHeartbeat fired at %s, not %s" % (fired["evalTime"], fires_at))
    runs += [o for _, found in after for o in found]

    # One pass over the final file, without state, evaluates up to its last record: every
    # transition up to there must be the runs' own.
    plain, _ = scan(binary, common + ["app.log"], work, "one pass")
    end = max(parse_time(o["evalTime"]) for o in plain) if plain else h
    same(plain, [o for o in runs if parse_time(o["evalTime"]) <= end], "twelve live runs vs one pass (up to %s)" % end)
    log("%d transitions up to %s as one pass; NoHeartbeat fired at %s in run %d after the stop"
        % (len([o for o in runs if parse_time(o["evalTime"]) <= end]), end, fires_at, k + 1))


class TwoWriters(threading.Thread):
    """api.log gets a heartbeat every 100 ms, flushed at once; worker.log a line every 100 ms
    (a timeout during bursts), flushed every `flush` seconds, as a block-buffered writer
    does: its lines are up to that much older than api.log's when they appear."""

    def __init__(self, work, seconds, bursts, flush):
        super().__init__(daemon=True)
        self.work, self.seconds, self.bursts, self.flush = work, seconds, bursts, flush
        self.error = None

    def run(self):
        try:
            pending = []
            last_flush = time.time()
            with open(os.path.join(self.work, "api.log"), "a", buffering=1) as api, \
                    open(os.path.join(self.work, "worker.log"), "a") as worker:
                for elapsed, _, stamp in ticks(self.seconds):
                    api.write("%s INFO [api] heartbeat ok\n" % stamp)
                    burst = any(a <= elapsed < b for a, b in self.bursts)
                    pending.append("%s %s\n" % (stamp, "ERROR [worker] upstream timed out after 30s" if burst
                                                 else "INFO [worker] job done"))
                    if time.time() - last_flush >= self.flush:
                        worker.write("".join(pending))
                        worker.flush()
                        pending, last_flush = [], time.time()
                worker.write("".join(pending))
        except Exception as e:  # noqa: BLE001
            self.error = e


def case_two_writers(binary, work):
    """Inputs written at different lags: a run must not evaluate past what the slower one
    may still add, or its records come too late for the next run."""
    rules = write_rules(work, LIVE_RULES)
    for name in ("api.log", "worker.log"):
        open(os.path.join(work, name), "w").close()
    common = ["--rules", rules, "--allowed-lateness", "5s"]
    writer = TwoWriters(work, 30.0, [(4.0, 9.0), (19.0, 25.0)], flush=3.0)
    writer.start()
    runs = []
    for i in range(12):
        time.sleep(2.5)
        found, err = scan(binary, common + ["--state", "s.db", "api.log", "worker.log"], work, "run %d" % (i + 1))
        check("came after rule evaluations" not in err, "run %d reported late records:\n%s" % (i + 1, err))
        runs += found
    writer.join()
    check(writer.error is None, "the writer failed: %s" % writer.error)
    time.sleep(6)  # both files settle: the last records are complete
    found, err = scan(binary, common + ["--state", "s.db", "api.log", "worker.log"], work, "last run")
    check("came after rule evaluations" not in err, "the last run reported late records:\n%s" % err)
    runs += found
    check(any(o["alertname"] == "TimeoutBurst" and o["state"] == "firing" for o in runs), "TimeoutBurst never fired")
    plain, _ = scan(binary, common + ["api.log", "worker.log"], work, "one pass")
    end = max(parse_time(o["evalTime"]) for o in plain)
    same(plain, [o for o in runs if parse_time(o["evalTime"]) <= end], "13 runs over two writers vs one pass (up to %s)" % end)
    log("%d transitions, as one pass over both files" % len(plain))


CASES = [("issue-repro", case_issue_repro), ("nightly", case_nightly), ("live", case_live),
         ("two-writers", case_two_writers)]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=DEFAULT_BIN)
    ap.add_argument("-k", dest="select", default="")
    ap.add_argument("--keep", help="keep the work directories here")
    ap.add_argument("-v", action="store_true")
    a = ap.parse_args()
    harness.VERBOSE = a.v
    if not os.access(a.bin, os.X_OK):
        print("no logwarden binary at %s" % a.bin)
        return 2
    passed = failed = 0
    for name, case in CASES:
        if a.select not in name:
            continue
        work = tempfile.mkdtemp(prefix="logwarden-clock-" + name + "-", dir=a.keep)
        try:
            case(a.bin, work)
            print("PASS %s" % name, flush=True)
            passed += 1
        except harness.Skip as e:
            print("SKIP %s: %s" % (name, e), flush=True)
        except Fail as e:
            print("FAIL %s: %s" % (name, e), flush=True)
            failed += 1
        finally:
            if not a.keep:
                shutil.rmtree(work, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
