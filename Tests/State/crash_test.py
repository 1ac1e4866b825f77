#!/usr/bin/env python3
"""Crash test of `logwarden scan --state`: kill -9 at random instants, rerun, and
require exactly-once counting (see README.md in this directory).

    crash_test.py --bin BIN [--trials 20] [--kills 1] [--lines 1000000] [--seed 1]
                  [--generator auto|mix|builtin] [--rules DIR] [--keep DIR]

Python 3 standard library only. Exit 0 when every trial ended with cumulative counters
equal to those of an uninterrupted run, 1 on any mismatch or failed run, 2 on a
harness error.
"""

import argparse
import datetime
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from prom import parse_textfile  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_BIN = os.environ.get("LOGWARDEN_BIN", os.path.join(REPO, ".build/debug/logwarden"))
MIX_GEN = os.path.join(REPO, "bench", "gen_logs.py")
COUNTERS = ("logwarden_matches_total", "logwarden_records_total", "logwarden_unmatched_records_total")


class HarnessError(Exception):
    pass


# --------------------------------------------------------------------------- input

_EXC = [
    ("billing/reconcile.py", 133, "reconcile_invoices", "total = sum(line['amount'] for line in invoice.lines)",
     "KeyError: 'amount'"),
    ("sync.py", 12, "run", 'raise ValueError("bad payload")', "ValueError: bad payload"),
    ("billing/ledger.py", 41, "post_entry", 'sock = socket.create_connection(("ledger", 7000))',
     "ConnectionRefusedError: [Errno 111] Connection refused"),
]
_5XX = [("502", "Bad Gateway"), ("503", "Service Unavailable"), ("504", "Gateway Timeout")]


def builtin_generate(path, n_lines, seed):
    """A mix of records of built-in patterns (one or several lines), and unmatched
    lines; timestamps start at 2025-10-27 10:00:00 UTC and advance 5..15 ms a line."""
    rnd = random.Random(seed)
    t = datetime.datetime(2025, 10, 27, 10, 0, 0)
    lines = 0
    with open(path, "w") as f:
        buf = []
        while lines < n_lines:
            t += datetime.timedelta(milliseconds=rnd.randint(5, 15))
            ts = t.strftime("%Y-%m-%d %H:%M:%S") + ",%03d" % (t.microsecond // 1000)
            r = rnd.random()
            if r < 0.03 and n_lines - lines >= 5:
                fn, ln, func, src, exc = _EXC[rnd.randrange(len(_EXC))]
                buf.append("%s [ERROR] [worker] Unhandled exception in job %s\n"
                           "Traceback (most recent call last):\n"
                           '  File "/app/app/%s", line %d, in %s\n'
                           "    %s\n%s\n" % (ts, func, fn, ln, func, src, exc))
                lines += 5
                continue
            if r < 0.10:
                code, reason = _5XX[rnd.randrange(3)]
                s = "%s [ERROR] [calendar-sync] Upstream returned HTTP %s %s for GET https://graph.microsoft.com/v1/events" % (
                    ts, code, reason)
            elif r < 0.15:
                s = "%s [WARNING] [calendar-sync] Google Calendar API rate limit exceeded (429 Too Many Requests), backing off %ds" % (
                    ts, rnd.randint(1, 60))
            elif r < 0.25:
                s = "%s INFO [calsync.sync] synced user=%d calendar=primary events_upserted=%d events_deleted=%d duration_ms=%d" % (
                    ts, rnd.randint(1000, 1100), rnd.randint(0, 40), rnd.randint(0, 5), rnd.randint(100, 999))
            elif r < 0.30:
                s = "%s [ERROR] [notifier] Failed to render template 'reminder_email': missing field first_name" % ts
            elif r < 0.33:
                s = "%s [WARNING] [api] 401 Unauthorized: invalid bearer token for request_id=%016x" % (
                    ts, rnd.getrandbits(64))
            else:
                s = "%s [INFO] [api] request handled path=/api/v1/items/%d status=200 duration_ms=%d" % (
                    ts, rnd.randrange(10000), rnd.randint(1, 300))
            buf.append(s + "\n")
            lines += 1
            if len(buf) >= 10000:
                f.write("".join(buf))
                buf = []
        f.write("".join(buf))


_TS_RE = re.compile(rb"(\d{4})[-/](\d\d)[-/](\d\d)[ T](\d\d):(\d\d):(\d\d)")


def last_timestamp(path):
    """The latest timestamp (taken as UTC) in the last 256 KiB of the file."""
    with open(path, "rb") as f:
        f.seek(0, os.SEEK_END)
        size = f.tell()
        f.seek(max(0, size - 262144))
        tail = f.read()
    best = None
    for m in _TS_RE.finditer(tail):
        try:
            t = datetime.datetime(*[int(g) for g in m.groups()], tzinfo=datetime.timezone.utc)
        except ValueError:
            continue
        if best is None or t > best:
            best = t
    if best is None:
        raise HarnessError("no timestamp found at the end of %s" % path)
    return best


# --------------------------------------------------------------------------- textfile



def series_key(name, labels):
    return name + "{" + ",".join('%s="%s"' % kv for kv in sorted(labels.items())) + "}"


def read_counters(path):
    """{series: value} of the cumulative counters compared by this test."""
    with open(path) as f:
        text = f.read()
    c = {}
    for name, labels, v in parse_textfile(text):
        if name in COUNTERS:
            k = series_key(name, labels)
            if k in c:
                raise ValueError("series %s appears twice in %s" % (k, path))
            c[k] = v
    for name in COUNTERS:
        if not any(k.startswith(name + "{") for k in c):
            raise ValueError("no %s series in %s" % (name, path))
    return c


def fmt(v):
    return "%d" % v if v == int(v) else repr(v)


def diff_counters(expected, got, limit=25):
    """Lines describing every series that differs (missing, extra or other value)."""
    out = []
    for k in sorted(set(expected) | set(got)):
        e, g = expected.get(k), got.get(k)
        if e == g:
            continue
        if g is None:
            out.append("missing  %s (expected %s)" % (k, fmt(e)))
        elif e is None:
            out.append("extra    %s = %s" % (k, fmt(g)))
        else:
            out.append("%+9s  %s: expected %s, got %s" % (fmt(g - e), k, fmt(e), fmt(g)))
    if len(out) > limit:
        out = out[:limit] + ["... and %d more series" % (len(out) - limit)]
    return out


def totals(c):
    rec = sum(v for k, v in c.items() if k.startswith("logwarden_records_total{"))
    mat = sum(v for k, v in c.items() if k.startswith("logwarden_matches_total{"))
    unm = sum(v for k, v in c.items() if k.startswith("logwarden_unmatched_records_total{"))
    return "records=%s matched=%s unmatched=%s" % (fmt(rec), fmt(mat), fmt(unm))


# --------------------------------------------------------------------------- runs

class Runner:
    """Runs scan on the real wall clock: the input's records are an archive, so a run
    evaluates up to its newest record, whenever it runs."""

    def __init__(self, binary, rules, inp, workdir):
        self.binary, self.rules, self.inp, self.workdir = binary, rules, inp, workdir
        self.env = {k: v for k, v in os.environ.items() if k != "LOGWARDEN_NOW"}
        self.n = 0

    def cmd(self, state, textfile):
        c = [self.binary, "scan", "--output", "json"]
        if state:
            c += ["--state", state]
        return c + ["--textfile", textfile, "--rules", self.rules, self.inp]

    def start(self, state, textfile, tag, stdout):
        """stdout: a file the run appends its JSON lines to (the transitions printed)."""
        self.n += 1
        errpath = os.path.join(self.workdir, "run%04d-%s.stderr" % (self.n, tag))
        errf = open(errpath, "wb")
        outf = open(stdout, "ab")
        t0 = time.monotonic()
        p = subprocess.Popen(self.cmd(state, textfile), stdin=subprocess.DEVNULL,
                             stdout=outf, stderr=errf, cwd=self.workdir, env=self.env)
        errf.close()
        outf.close()
        return p, t0, errpath

    def complete(self, state, textfile, tag, stdout, timeout=1800):
        """Runs to the end; (seconds, exit status, stderr path)."""
        p, t0, errpath = self.start(state, textfile, tag, stdout)
        try:
            rc = p.wait(timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
            rc = "timeout"
        return time.monotonic() - t0, rc, errpath


def printed(path):
    """The alert transitions a file of JSON lines holds, as comparable keys, in order."""
    out = []
    with open(path, "rb") as f:
        for line in f.read().decode("utf-8", "replace").splitlines():
            try:
                o = json.loads(line)
            except ValueError:
                continue  # a line cut by the kill
            if o.get("type") == "alert":
                out.append("%s %s %s %s %s" % (o["evalTime"], o["alertname"], o["state"],
                                               json.dumps(o.get("labels", {}), sort_keys=True), o.get("value")))
    return out


def diff_printed(expected, got, limit=10):
    """Transitions missing from `got`, or printed more often than in `expected`."""
    out = []
    for k in sorted(set(expected) | set(got)):
        e, g = expected.count(k), got.count(k)
        if e != g:
            out.append("%s %dx, expected %dx: %s" % ("missing" if g < e else "twice  ", g, e, k))
    if len(out) > limit:
        out = out[:limit] + ["... and %d more" % (len(out) - limit)]
    return out


def tail(path, n=15):
    try:
        with open(path, "rb") as f:
            lines = f.read().decode("utf-8", "replace").splitlines()
    except OSError:
        return "    | (no stderr file)"
    return "\n".join("    | " + l for l in lines[-n:]) or "    | (empty)"


def fresh_dir(path):
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)


# --------------------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=DEFAULT_BIN, help="logwarden binary (default $LOGWARDEN_BIN or .build/debug)")
    ap.add_argument("--trials", type=int, default=20)
    ap.add_argument("--kills", type=int, default=1, help="kill this many times per trial before the final run")
    ap.add_argument("--signals", default="KILL,TERM", help="the signals that stop the runs, in turn (KILL, TERM)")
    ap.add_argument("--lines", type=int, default=1000000, help="physical lines of input")
    ap.add_argument("--seed", type=int, default=1, help="seeds the input and the kill instants")
    ap.add_argument("--generator", choices=["auto", "mix", "builtin"], default="auto",
                    help="auto: %s if present, else the built-in generator" % MIX_GEN)
    ap.add_argument("--rules", default=os.path.join(REPO, "rules"))
    ap.add_argument("--max-factor", type=float, default=1.1,
                    help="kill instants are uniform over 0..FACTOR x the clean run's duration")
    ap.add_argument("--keep", metavar="DIR", help="work in DIR and keep it (default: a temporary directory, removed)")
    a = ap.parse_args()

    binary = os.path.abspath(a.bin)
    if not os.access(binary, os.X_OK):
        print("error: no executable logwarden at %s" % binary)
        return 2
    rules = os.path.abspath(a.rules)
    if a.keep:
        work = os.path.abspath(a.keep)
        os.makedirs(work, exist_ok=True)
    else:
        work = tempfile.mkdtemp(prefix="logwarden-crash-")
    try:
        return run(a, binary, rules, work)
    except HarnessError as e:
        print("harness error: %s" % e)
        return 2
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)


def run(a, binary, rules, work):
    rnd = random.Random(a.seed)
    inp = os.path.join(work, "input.log")

    # Input.
    gen = a.generator
    if gen == "auto":
        gen = "mix" if os.path.exists(MIX_GEN) else "builtin"
    t0 = time.monotonic()
    if gen == "mix":
        r = subprocess.run([sys.executable, MIX_GEN, str(a.lines), "--seed", str(a.seed), "-o", inp],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if r.returncode != 0:
            raise HarnessError("%s failed: %s" % (MIX_GEN, r.stderr.decode(errors="replace")))
    else:
        builtin_generate(inp, a.lines, a.seed)
    last = last_timestamp(inp)
    # A log file's mtime is the time of its last write: logwarden --state keeps back the
    # last record of a file changed within the lateness (1m) before now.
    os.utime(inp, (last.timestamp(), last.timestamp()))
    print("input: %d lines, %.1f MB (%s generator, seed %d, %.1fs); last timestamp %s" % (
        a.lines, os.path.getsize(inp) / 1e6, gen, a.seed, time.monotonic() - t0, last.strftime("%Y-%m-%dT%H:%M:%SZ")))
    print("binary: %s" % binary)
    signals = [{"KILL": 9, "TERM": 15}[s] for s in a.signals.split(",")]

    runner = Runner(binary, rules, inp, work)

    # Reference without state, then one clean run with state.
    ref_prom = os.path.join(work, "ref.prom")
    d, rc, err = runner.complete(None, ref_prom, "ref", os.path.join(work, "ref.jsonl"))
    if rc != 0:
        print("FAIL: scan without --state exited %s\n%s" % (rc, tail(err)))
        return 1
    ref = read_counters(ref_prom)
    print("reference run without --state: %.2fs, %s" % (d, totals(ref)))

    clean_dir = os.path.join(work, "clean")
    fresh_dir(clean_dir)
    clean_prom = os.path.join(clean_dir, "clean.prom")
    duration, rc, err = runner.complete(os.path.join(clean_dir, "clean.db"), clean_prom, "clean",
                                        os.path.join(clean_dir, "clean.jsonl"))
    if rc != 0:
        print("FAIL: clean scan --state exited %s\n%s" % (rc, tail(err)))
        return 1
    clean = read_counters(clean_prom)
    clean_printed = printed(os.path.join(clean_dir, "clean.jsonl"))
    if not clean_printed:
        raise HarnessError("the clean run printed no alert transitions: nothing to check stdout with")
    diff = diff_counters(ref, clean)
    if diff:
        print("MISMATCH: the clean run with --state (%.2fs) and the run without it count differently:" % duration)
        print("\n".join("    " + l for l in diff))
        print("(the trials below are compared with the clean run with --state)")
    else:
        print("clean run with --state: %.2fs, counters equal to the run without --state" % duration)
    ref_failed = bool(diff)
    print("%d trials, %d kill(s) each (%s in turn), kill instants uniform over 0..%.2fs; %d transitions" % (
        a.trials, a.kills, a.signals, a.max_factor * duration, len(clean_printed)))

    failed = 0
    for trial in range(1, a.trials + 1):
        tdir = os.path.join(work, "trial%03d" % trial)
        fresh_dir(tdir)
        state = os.path.join(tdir, "t.db")
        prom = os.path.join(tdir, "t.prom")
        out = os.path.join(tdir, "stdout.jsonl")
        kills = []
        problems = []
        for k in range(a.kills):
            at = rnd.uniform(0, a.max_factor * duration)
            sig = signals[(trial - 1 + k) % len(signals)]
            p, t0, err = runner.start(state, prom, "t%03d-k%d" % (trial, k + 1), out)
            delay = t0 + at - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            if p.poll() is None:
                os.kill(p.pid, sig)
                p.wait()
            if p.returncode == -sig:
                kills.append("%.3fs: %s" % (at, "killed" if sig == 9 else "terminated"))
            else:  # it had ended (possibly between poll() and kill())
                kills.append("%.3fs: had ended (exit %s)" % (at, p.returncode))
                if p.returncode != 0:
                    problems.append("run %d (not killed) exited %s:\n%s" % (k + 1, p.returncode, tail(err)))
        d, rc, err = runner.complete(state, prom, "t%03d-final" % trial, out)
        line = "trial %3d: kill at %s; rerun %.2fs" % (trial, ", ".join(kills), d)
        if rc != 0:
            problems.append("rerun exited %s:\n%s" % (rc, tail(err)))
        else:
            try:
                got = read_counters(prom)
            except (OSError, ValueError) as e:
                problems.append("textfile: %s" % e)
            else:
                diff = diff_counters(clean, got)
                if diff:
                    problems.append("counters differ from the clean run (%s, clean %s):\n%s" % (
                        totals(got), totals(clean), "\n".join("    " + l for l in diff)))
            # Every transition reaches stdout exactly once over the stopped run and the rerun.
            diff = diff_printed(clean_printed, printed(out))
            if diff:
                problems.append("stdout differs from the clean run's transitions:\n%s" % "\n".join("    " + l for l in diff))
        if problems:
            failed += 1
            print(line + " -> MISMATCH")
            for pr in problems:
                print("  " + pr)
            sys.stdout.flush()
            # Keep the failing trial's files when --keep was given; else they go with the work dir.
        else:
            print(line + " -> equal")
            sys.stdout.flush()
            if not a.keep:
                shutil.rmtree(tdir, ignore_errors=True)

    print("%d passed, %d failed (of %d trials, %d kill(s) each, seed %d)%s" % (
        a.trials - failed, failed, a.trials, a.kills, a.seed,
        "; FAIL: the clean run with --state differs from the run without it" if ref_failed else ""))
    return 1 if failed or ref_failed else 0


if __name__ == "__main__":
    sys.exit(main())
