#!/usr/bin/env python3
"""`logwarden scan --state` run as a cron job over one hour of event time, with two
rotations by rename (the second one gzips), compared with one single pass over the
same records (see README.md in this directory).

    cron_test.py --bin BIN [--rotate both|mid|boundary] [--seed 1] [--keep DIR] [-v]

Python 3 standard library only. Exit 0 when every scenario passed, 1 on a mismatch or a
failed run, 2 on a harness error (rules invalid, generator and rule pack out of step,
an alert rule that never fires in the single pass).
"""

import argparse
import datetime
import difflib
import gzip
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from prom import parse_textfile  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_BIN = os.environ.get("LOGWARDEN_BIN", os.path.join(REPO, ".build/debug/logwarden"))

T0 = datetime.datetime(2026, 1, 1, 10, 0, 0, tzinfo=datetime.timezone.utc)
STEPS = 12
STEP = 300                    # seconds of event time per step
ROTATE_AT = (5, 9)            # rotation 1 during/before step 5, rotation 2 during/before step 9 (1-based)
LATENESS = 60                 # logwarden's default --allowed-lateness
UNMATCHED = "(unmatched)"


class HarnessError(Exception):
    pass


# --------------------------------------------------------------------------- records

def rate(kind, minute):
    """Records per minute of `kind` during event minute `minute` (0..59)."""
    m = minute
    if kind == UNMATCHED:
        return 120
    if kind == "calendar_sync_succeeded":
        return 0 if 34 <= m < 50 else 4
    if kind == "http_client_5xx/503":
        return 20 if 6 <= m < 24 else 0.3
    if kind == "http_client_5xx/502":
        return 20 if 41 <= m < 47 else 0.2        # long enough to go pending, too short to fire
    if kind == "http_client_429":
        return 12 if m in (14, 15, 17, 29, 30, 52, 53) else 0.5
    if kind == "python_traceback":
        return 6 if 24 <= m < 29 else 0.5          # across the step boundary at 25m
    if kind == "error_level":
        return 2 if m < 44 else (14 if m < 50 else 2)
    raise KeyError(kind)


KINDS = [UNMATCHED, "calendar_sync_succeeded", "http_client_5xx/503", "http_client_5xx/502",
         "http_client_429", "python_traceback", "error_level"]


def ts(t_ms):
    t = T0 + datetime.timedelta(milliseconds=t_ms)
    return t.strftime("%Y-%m-%d %H:%M:%S") + ",%03d" % (t.microsecond // 1000)


def text(kind, t_ms, rnd):
    s = ts(t_ms)
    if kind == "python_traceback":
        return ("%s [ERROR] [worker] Unhandled exception in job reconcile_invoices\n"
                "Traceback (most recent call last):\n"
                '  File "/app/app/billing/reconcile.py", line 133, in reconcile_invoices\n'
                "    total = sum(line['amount'] for line in invoice.lines)\n"
                "KeyError: 'amount'\n") % s
    if kind.startswith("http_client_5xx/"):
        code = kind.split("/")[1]
        reason = {"502": "Bad Gateway", "503": "Service Unavailable"}[code]
        return "%s [ERROR] [calendar-sync] Upstream returned HTTP %s %s for GET https://graph.microsoft.com/v1/events\n" % (
            s, code, reason)
    if kind == "http_client_429":
        return "%s [WARNING] [calendar-sync] Google Calendar API rate limit exceeded (429 Too Many Requests), backing off %ds\n" % (
            s, rnd.randint(1, 60))
    if kind == "calendar_sync_succeeded":
        return "%s INFO [calsync.sync] synced user=%d calendar=primary events_upserted=%d events_deleted=%d duration_ms=%d\n" % (
            s, rnd.randint(1000, 1100), rnd.randint(0, 40), rnd.randint(0, 5), rnd.randint(100, 999))
    if kind == "error_level":
        return "%s [ERROR] [notifier] Failed to render template 'reminder_email': missing field first_name\n" % s
    if rnd.random() < 0.5:
        return "%s [INFO] [api] request handled path=/api/v1/items/%d status=200 duration_ms=%d\n" % (
            s, rnd.randrange(10000), rnd.randint(1, 300))
    return "%s [INFO] [worker] job finished items=%d\n" % (s, rnd.randrange(50))


def generate(seed, late_share, late_max):
    """[(write_ms, kind, text, event_ms)] over 60 minutes of event time, in write order. A share
    `late_share` of the records is written up to `late_max` seconds after its own
    timestamp (a buffered writer among others), so the file is not in time order; every
    record is written within the hour."""
    rnd = random.Random(seed)
    recs = []
    for minute in range(60):
        for kind in KINDS:
            r = rate(kind, minute)
            n = int(r) + (1 if rnd.random() < r - int(r) else 0)
            for _ in range(n):
                t = minute * 60000 + rnd.randrange(60000)
                delay = rnd.randrange(int(late_max * 1000)) if late_max > 0 and rnd.random() < late_share else 0
                recs.append((min(t + delay, STEPS * STEP * 1000 - 1), t, kind))
    recs.sort()
    return [(w, k, text(k, t, rnd), t) for w, t, k in recs]


def pattern_of(kind):
    return None if kind == UNMATCHED else kind.split("/")[0]


RULES_YAML = """\
# Written by Tests/State/cron_test.py.
groups:
  - name: cron-30s
    interval: 30s
    rules:
      # for: 10m -- fires for the 503 burst, stays pending then goes away for the 502 one.
      - alert: Upstream5xxSustained
        expr: sum by (status) (increase(logwarden_matches_total{pattern="http_client_5xx"}[2m])) > 10
        for: 10m
        labels:
          severity: warning
      # for: 0m with keep_firing_for: bursts 2 minutes apart stay one alert.
      - alert: RateLimitedNow
        expr: sum(increase(logwarden_matches_total{pattern="http_client_429"}[1m])) > 5
        for: 0m
        keep_firing_for: 3m
        labels:
          severity: medium
  - name: cron-1m
    interval: 1m
    rules:
      - alert: TracebackBurst
        expr: sum(increase(logwarden_matches_total{pattern="python_traceback"}[5m])) > 8
        for: 2m
        keep_firing_for: 2m
        labels:
          severity: medium
      # A ratio over records of every input (the input label differs between the
      # rotated files and the single pass; sum() drops it).
      - alert: ErrorRatio
        expr: |
          100 * sum(increase(logwarden_matches_total{severity!="info"}[5m]))
            / sum(increase(logwarden_records_total[5m])) > 10
        for: 3m
        labels:
          severity: warning
      # No successful sync for 10m, among hosts that had one before.
      - alert: NoSuccessfulSync
        expr: |
          sum(increase(logwarden_matches_total{pattern="calendar_sync_succeeded"}[10m])) == 0
          and on ()
          sum(logwarden_matches_total{pattern="calendar_sync_succeeded"}) > 0
        for: 0m
        labels:
          severity: high
"""
ALERTNAMES = ["Upstream5xxSustained", "RateLimitedNow", "TracebackBurst", "ErrorRatio", "NoSuccessfulSync"]


# --------------------------------------------------------------------------- textfile


def counters(path):
    """({series: value} of matches_total and unmatched_records_total, {input: records})."""
    c, inputs = {}, {}
    with open(path) as f:
        samples = parse_textfile(f.read())
    for name, labels, v in samples:
        if name in ("logwarden_matches_total", "logwarden_unmatched_records_total"):
            k = name + "{" + ",".join('%s="%s"' % kv for kv in sorted(labels.items())) + "}"
            c[k] = v
        elif name == "logwarden_records_total":
            inputs[labels.get("input", "")] = inputs.get(labels.get("input", ""), 0) + v
    return c, inputs


def per_pattern(c):
    out = {}
    for k, v in c.items():
        if k.startswith("logwarden_unmatched_records_total"):
            out[UNMATCHED] = out.get(UNMATCHED, 0) + v
        else:
            p = re.search(r'pattern="([^"]*)"', k).group(1)
            out[p] = out.get(p, 0) + v
    return {p: int(v) for p, v in out.items() if v}


def fmt(v):
    return "%d" % v if v == int(v) else repr(v)


# --------------------------------------------------------------------------- transitions

def parse_time(s):
    if s.endswith("Z"):
        s = s[:-1] + "+00:00"
    return datetime.datetime.fromisoformat(s)


def transitions(stdout, where):
    out = []
    for i, line in enumerate(stdout.splitlines()):
        if not line.strip():
            continue
        try:
            o = json.loads(line)
        except ValueError:
            raise HarnessError("%s: stdout line %d is not JSON: %r" % (where, i + 1, line[:200]))
        if o.get("type") != "alert":
            continue
        out.append(o)
    return out


def tkey(o):
    """(evalTime, alertname, labels, state, value): what must be equal."""
    return (parse_time(o["evalTime"]), o["alertname"], json.dumps(o.get("labels", {}), sort_keys=True),
            o["state"], repr(o.get("value")))


def tline(k):
    return "%s %-20s %-9s value=%s %s" % (k[0].strftime("%H:%M:%S"), k[1], k[3], k[4], k[2])


# --------------------------------------------------------------------------- logwarden

def run(binary, args, cwd, where):
    """On the real wall clock: the hour of 2026-01-01 is an archive, so each run evaluates up
    to its newest record, as one pass over all of it would."""
    env = {k: v for k, v in os.environ.items() if k != "LOGWARDEN_NOW"}
    r = subprocess.run([binary] + args, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600)
    out, err = r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")
    return r.returncode, out, err


def indent(s, n=20):
    lines = s.splitlines()
    if len(lines) > n:
        lines = lines[:n] + ["... (%d more lines)" % (len(lines) - n)]
    return "\n".join("    | " + l for l in lines) or "    | (empty)"


def epoch(t_ms):
    return T0.timestamp() + t_ms / 1000.0


def append(path, recs):
    """Appends the records and sets the file's mtime to the last one's event time, as a
    writer working in real time would leave it (logwarden keeps back the last record of
    a file changed within the lateness before now)."""
    with open(path, "a") as f:
        f.write("".join(r[2] for r in recs))
    if recs:
        os.utime(path, (epoch(recs[-1][0]), epoch(recs[-1][0])))


def rotate(logdir, n, log):
    """Rotation 1: app.log -> app.log.1. Rotation 2: app.log.1 -> app.log.2, gzip it to
    app.log.2.gz, app.log -> app.log.1. The next append creates a new app.log."""
    p = lambda name: os.path.join(logdir, name)
    if n == 1:
        os.rename(p("app.log"), p("app.log.1"))
        log("    rotate: mv app.log app.log.1")
    else:
        os.rename(p("app.log.1"), p("app.log.2"))
        with open(p("app.log.2"), "rb") as src, gzip.open(p("app.log.2.gz"), "wb") as dst:
            shutil.copyfileobj(src, dst)
        shutil.copystat(p("app.log.2"), p("app.log.2.gz"))     # gzip keeps the mtime
        os.unlink(p("app.log.2"))
        os.rename(p("app.log"), p("app.log.1"))
        log("    rotate: mv app.log.1 app.log.2; gzip app.log.2; mv app.log app.log.1")


def scenario(binary, rules, work, recs, mode, verbose, single):
    """Runs the 12 cron steps; returns a list of failure messages."""
    single_counters, single_inputs, single_trans = single
    logdir = os.path.join(work, "logs-" + mode)
    os.makedirs(logdir)
    state = os.path.join(work, "s-%s.db" % mode)
    prom = os.path.join(work, "t-%s.prom" % mode)
    app = os.path.join(logdir, "app.log")
    glob = os.path.join(logdir, "app.log*")
    failures = []
    flush = []
    lines = []
    log = lines.append
    cron = []                         # (step, key) in announcement order
    written = 0
    aborted = False
    i = 0
    for step in range(1, STEPS + 2):
        if step > STEPS:
            # The next cron run, with no new records: nothing to count, nothing to evaluate.
            rc, out, err = run(binary, ["scan", "--state", state, "--output", "json", "--textfile", prom,
                                        "--rules", rules, glob], work, "run 13")
            if rc != 0:
                failures.append("run 13: scan exited %d\n%s" % (rc, indent(err)))
                aborted = True
                break
            flush = [tkey(o) for o in transitions(out, "run 13")]
            c, inputs = counters(prom)
            log("  run 13  no new records; records counted %d of %d; %d transition(s)" % (
                int(sum(inputs.values())), written, len(flush)))
            break
        start_ms, end_ms = (step - 1) * STEP * 1000, step * STEP * 1000
        j = i
        while j < len(recs) and recs[j][0] < end_ms:
            j += 1
        batch = recs[i:j]
        i = j
        if step in ROTATE_AT:
            n = ROTATE_AT.index(step) + 1
            if mode == "boundary":
                rotate(logdir, n, log)
                append(app, batch)
            else:
                mid = start_ms + STEP * 500
                first = [r for r in batch if r[0] < mid]
                append(app, first)
                log("    wrote %d records up to %s" % (len(first), ts(mid)))
                rotate(logdir, n, log)
                append(app, batch[len(first):])
        else:
            append(app, batch)
        written += len(batch)
        rc, out, err = run(binary, ["scan", "--state", state, "--output", "json", "--textfile", prom,
                                    "--rules", rules, glob], work, "step %d" % step)
        if rc != 0:
            failures.append("step %d: scan exited %d\n%s" % (step, rc, indent(err)))
            aborted = True
            break
        ts_ = transitions(out, "step %d" % step)
        for o in ts_:
            cron.append((step, tkey(o)))
        c, inputs = counters(prom)
        counted = int(sum(inputs.values()))
        # Every file was last written long ago (its mtime is its last record's time): no
        # record waits for more lines.
        log("  step %2d  files=%s  records counted %d of %d written; %d transition(s)" % (
            step, ",".join(sorted(os.listdir(logdir))), counted, written, len(ts_)))
        if counted != written:
            failures.append("step %d: %d records counted, expected %d" % (step, counted, written))
        if verbose:
            for o in ts_:
                log("      " + tline(tkey(o)))

    if not aborted:
        # (a) cumulative counters.
        c, inputs = counters(prom)
        if c != single_counters:
            d = []
            for k in sorted(set(c) | set(single_counters)):
                e, g = single_counters.get(k), c.get(k)
                if e != g:
                    d.append("    %s: single pass %s, cron %s" % (k, "missing" if e is None else fmt(e),
                                                                   "missing" if g is None else fmt(g)))
            failures.append("(a) cumulative counters differ from the single pass:\n" + "\n".join(d[:40]))
        if sum(inputs.values()) != sum(single_inputs.values()):
            failures.append("(a) logwarden_records_total: single pass %s, cron %s (by input: %s)" % (
                fmt(sum(single_inputs.values())), fmt(sum(inputs.values())),
                ", ".join("%s=%s" % (os.path.basename(k), fmt(v)) for k, v in sorted(inputs.items()))))
        # (b) transitions.
        # Run 12 has evaluated every instant before the newest record; one pass also the next.
        cutoff = newest(recs) - datetime.timedelta(milliseconds=1)
        want = sorted(k for k in single_trans if k[0] <= cutoff)
        got_keys = [k for _, k in cron]
        seen, dup = {}, []
        for step, k in cron:
            if k in seen:
                dup.append("    %s (steps %d and %d)" % (tline(k), seen[k], step))
            seen.setdefault(k, step)
        if flush:
            failures.append("run 13, with no new records, announced transitions:\n%s" % (
                "\n".join("    " + tline(k) for k in flush)))
        if dup:
            failures.append("(b) %d transition(s) announced more than once:\n" % len(dup) + "\n".join(
                dup[:30] + (["    ..."] if len(dup) > 30 else [])))
        got = sorted(got_keys)
        if got != want:
            d = list(difflib.unified_diff([tline(k) for k in want], [tline(k) for k in got],
                                          "single pass (evalTime <= %s)" % cutoff.strftime("%H:%M:%S"),
                                          "12 cron runs", lineterm="", n=1))
            failures.append("(b) alert transitions differ (- single pass only, + cron only):\n" +
                            "\n".join("    " + l for l in d[:80]))
        elif not failures:
            log("  %d transitions, equal to the single pass up to %s; counters equal" % (
                len(got), cutoff.strftime("%H:%M:%S")))
    return lines, failures


def newest(recs):
    return T0 + datetime.timedelta(milliseconds=max(r[3] for r in recs))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=DEFAULT_BIN)
    ap.add_argument("--rotate", choices=["both", "mid", "boundary"], default="both",
                    help="mid: each rotation happens halfway through writing a step, so the renamed "
                         "file has unread records; boundary: right after a scan (default both)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--late", type=float, default=40, metavar="SECONDS",
                    help="5%% of the records are written up to this much after their timestamp "
                         "(below the 1m lateness; 0: the file is in time order; default 40)")
    ap.add_argument("--keep", metavar="DIR", help="work in DIR and keep it")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every transition")
    a = ap.parse_args()
    binary = os.path.abspath(a.bin)
    if not os.access(binary, os.X_OK):
        print("error: no executable logwarden at %s" % binary)
        return 2
    if a.keep:
        work = os.path.abspath(a.keep)
        shutil.rmtree(work, ignore_errors=True)
        os.makedirs(work)
    else:
        work = tempfile.mkdtemp(prefix="logwarden-cron-")
    try:
        return main2(a, binary, work)
    except HarnessError as e:
        print("harness error: %s" % e)
        return 2
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)


def main2(a, binary, work):
    rules = os.path.join(work, "rules")
    shutil.copytree(os.path.join(REPO, "rules", "patterns"), os.path.join(rules, "patterns"))
    os.makedirs(os.path.join(rules, "alerts"))
    with open(os.path.join(rules, "alerts", "cron.yaml"), "w") as f:
        f.write(RULES_YAML)
    r = subprocess.run([binary, "check", rules], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if r.returncode != 0:
        raise HarnessError("logwarden check %s exited %d:\n%s" % (rules, r.returncode,
                                                                  indent(r.stdout.decode(errors="replace"))))

    if not 0 <= a.late < LATENESS:
        raise HarnessError("--late must be below the lateness (%ds)" % LATENESS)
    recs = generate(a.seed, 0.05, a.late)
    end = T0 + datetime.timedelta(seconds=STEPS * STEP)
    print("%d records (seed %d, 5%% written up to %gs late) from %s to %s; binary %s" % (
        len(recs), a.seed, a.late, T0.strftime("%H:%M"), end.strftime("%H:%M"), binary))

    # The single pass over one file with everything, in order.
    sdir = os.path.join(work, "single")
    os.makedirs(sdir)
    allp = os.path.join(sdir, "all.log")
    append(allp, recs)
    sprom = os.path.join(sdir, "single.prom")
    rc, out, err = run(binary, ["scan", "--output", "json", "--textfile", sprom, "--rules", rules, allp],
                       work, "single pass")
    if rc != 0:
        print("FAIL: single pass exited %d\n%s" % (rc, indent(err)))
        return 1
    sc, sinputs = counters(sprom)
    strans = [tkey(o) for o in transitions(out, "single pass")]

    # Harness self-checks: the rule pack classifies the records as intended, and every
    # alert rule has transitions to compare.
    expected = {}
    for _, k, _, _ in recs:
        p = pattern_of(k) or UNMATCHED
        expected[p] = expected.get(p, 0) + 1
    got = per_pattern(sc)
    if got != expected or sum(sinputs.values()) != len(recs):
        raise HarnessError("the single pass does not classify the generated records as intended "
                           "(rule pack changed?): expected %s, got %s, records %s of %d" % (
                               sorted(expected.items()), sorted(got.items()), fmt(sum(sinputs.values())), len(recs)))
    cutoff = newest(recs) - datetime.timedelta(milliseconds=1)
    by_alert = {}
    for k in strans:
        if k[0] <= cutoff:
            by_alert.setdefault(k[1], set()).add(k[3])
    missing = [n for n in ALERTNAMES if not {"firing", "resolved"} <= by_alert.get(n, set())]
    if missing:
        raise HarnessError("in the single pass these alert rules do not both fire and resolve before %s: %s "
                           "(transitions: %s)" % (cutoff.strftime("%H:%M"), ", ".join(missing), by_alert))
    print("single pass: %d transitions up to %s (%s)" % (
        sum(1 for k in strans if k[0] <= cutoff), cutoff.strftime("%H:%M:%S"),
        ", ".join("%s %d" % (n, sum(1 for k in strans if k[1] == n and k[0] <= cutoff)) for n in ALERTNAMES)))
    if a.verbose:
        for k in sorted(strans):
            print("      " + tline(k) + ("" if k[0] <= cutoff else "   (after the cutoff)"))

    modes = ["mid", "boundary"] if a.rotate == "both" else [a.rotate]
    failed = 0
    for mode in modes:
        print("scenario %s (rotations %s step %s)" % (
            mode, "halfway through" if mode == "mid" else "before", " and ".join(map(str, ROTATE_AT))))
        lines, failures = scenario(binary, rules, work, recs, mode, a.verbose, (sc, sinputs, strans))
        print("\n".join(lines))
        if failures:
            failed += 1
            print("  FAIL")
            for f in failures:
                print("  " + f.replace("\n", "\n  "))
        else:
            print("  PASS")
    print("%d passed, %d failed" % (len(modes) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
