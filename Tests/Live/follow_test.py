#!/usr/bin/env python3
"""Integration test of `logwarden watch` following a file that real writers append to
while it is rotated (see README.md in this directory).

    follow_test.py --bin BIN [--scenario all|manual|logrotate-create|logrotate-copytruncate]

Python 3 standard library only. Exit 0 when every scenario passed, 1 otherwise.
"""

import argparse
import datetime
import gzip
import multiprocessing
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from prom import parse_textfile  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_BIN = os.environ.get("LOGWARDEN_BIN", os.path.join(REPO, ".build/debug/logwarden"))
LOGROTATE = os.environ.get("LOGROTATE", "/usr/sbin/logrotate")

RATE = 2000            # records per second
UNMATCHED = "(unmatched)"
ALL = "(all records)"

# --------------------------------------------------------------------------- records

# Share of each kind in 1000 (deterministic per sequence number).
KINDS = [
    ("python_traceback", 30),           # multi-line record
    ("http_client_5xx", 120),
    ("http_client_429", 100),
    ("calendar_sync_succeeded", 150),
    ("error_level", 80),
    (UNMATCHED, 520),
]
PATTERNS = [k for k, _ in KINDS if k != UNMATCHED]
_BUCKETS = []
for _name, _share in KINDS:
    _BUCKETS += [_name] * _share
assert len(_BUCKETS) == 1000


def _mix(seq):
    return (seq * 2654435761 + 0x9E3779B9) % 4294967296


def kind(seq):
    return _BUCKETS[_mix(seq) % 1000]


def now_ts():
    t = datetime.datetime.now()
    return t.strftime("%Y-%m-%d %H:%M:%S") + ",%03d" % (t.microsecond // 1000)


_5XX = [("502", "Bad Gateway"), ("503", "Service Unavailable"), ("504", "Gateway Timeout")]
_EXC = [
    ("billing/reconcile.py", 133, "reconcile_invoices", "total = sum(line['amount'] for line in invoice.lines)",
     "KeyError: 'amount'"),
    ("sync.py", 12, "run", 'raise ValueError("bad payload")', "ValueError: bad payload"),
    ("report.py", 48, "ratio", "return done / total", "ZeroDivisionError: division by zero"),
]


def record(seq, ts=None):
    """The bytes of record `seq` (ends with a newline). Exactly one ' seq=N' per record, at
    the end of its first line."""
    ts = ts or now_ts()
    k = kind(seq)
    r = _mix(seq) >> 12
    if k == "python_traceback":
        f, line, fn, src, exc = _EXC[r % len(_EXC)]
        s = ("%s [ERROR] [worker] Unhandled exception in job %s seq=%d\n"
             "Traceback (most recent call last):\n"
             '  File "/app/app/%s", line %d, in %s\n'
             "    %s\n"
             "%s\n") % (ts, fn, seq, f, line, fn, src, exc)
    elif k == "http_client_5xx":
        code, reason = _5XX[r % 3]
        s = "%s [ERROR] [calendar-sync] Upstream returned HTTP %s %s for GET https://graph.microsoft.com/v1/events seq=%d\n" % (
            ts, code, reason, seq)
    elif k == "http_client_429":
        s = "%s [WARNING] [calendar-sync] Google Calendar API rate limit exceeded (429 Too Many Requests), backing off %ds seq=%d\n" % (
            ts, 1 + r % 30, seq)
    elif k == "calendar_sync_succeeded":
        s = "%s INFO [calsync.sync] synced user=%d calendar=primary events_upserted=%d events_deleted=%d duration_ms=%d seq=%d\n" % (
            ts, 1000 + r % 100, r % 40, r % 5, 100 + r % 900, seq)
    elif k == "error_level":
        s = "%s [ERROR] [notifier] Failed to render template 'reminder_email': missing field first_name seq=%d\n" % (ts, seq)
    else:
        if r % 2:
            s = "%s [INFO] [api] request handled path=/api/v1/items/%d status=200 duration_ms=%d seq=%d\n" % (
                ts, r % 10000, 1 + r % 300, seq)
        else:
            s = "%s [INFO] [worker] job finished items=%d seq=%d\n" % (ts, r % 50, seq)
    return s.encode()


SEQ_RE = re.compile(rb" seq=(\d+)$", re.M)


def expected_counts(n):
    c = {k: 0 for k, _ in KINDS}
    for s in range(n):
        c[kind(s)] += 1
    c[ALL] = n
    return c


# --------------------------------------------------------------------------- writer

def writer_main(path, rate, stop, done, create=True):
    """Appends record 0, 1, 2, ... to `path` at `rate` per second until `stop` is set.
    Like Python's WatchedFileHandler: stat the path before each write and reopen it
    (O_APPEND|O_CREAT) when it is missing or is another inode. One os.write per record.
    `done.value` = number of records whose write has returned."""
    fd, ident = -1, None
    seq = 0
    t0 = time.monotonic()
    try:
        while not stop.is_set():
            due = t0 + seq / rate
            now = time.monotonic()
            if due > now:
                time.sleep(due - now)
            try:
                st = os.stat(path)
                cur = (st.st_dev, st.st_ino)
            except FileNotFoundError:
                cur = None
            # With logrotate's `create`, the new file is logrotate's to make: until it exists the
            # writer goes on with the old one (creating it itself races logrotate).
            if fd < 0 or (cur != ident and (create or cur is not None)):
                if fd >= 0:
                    os.close(fd)
                fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
                fst = os.fstat(fd)
                ident = (fst.st_dev, fst.st_ino)
            data = record(seq)
            n = os.write(fd, data)
            if n != len(data):
                raise RuntimeError("short write: %d of %d bytes" % (n, len(data)))
            seq += 1
            done.value = seq
    finally:
        if fd >= 0:
            os.close(fd)


class Writer:
    def __init__(self, path, rate=RATE, create=True):
        ctx = multiprocessing.get_context("fork")
        self.stop_ev = ctx.Event()
        self.done = ctx.Value("q", 0, lock=False)
        self.proc = ctx.Process(target=writer_main, args=(path, rate, self.stop_ev, self.done, create), daemon=True)

    def start(self):
        self.proc.start()

    def count(self):
        return self.done.value

    def stop(self):
        self.stop_ev.set()
        self.proc.join(10)
        if self.proc.exitcode != 0:
            raise RuntimeError("writer process failed (exit code %s)" % self.proc.exitcode)
        return self.done.value


# --------------------------------------------------------------------------- textfile



def counts_from_textfile(path):
    """{pattern: n, UNMATCHED: n, ALL: n} or None when the file does not exist yet."""
    try:
        with open(path) as f:
            text = f.read()
    except FileNotFoundError:
        return None
    c = {}
    seen_unmatched = seen_records = False
    for name, labels, v in parse_textfile(text):
        if name == "logwarden_matches_total":
            p = labels.get("pattern", "?")
            c[p] = c.get(p, 0) + v
        elif name == "logwarden_unmatched_records_total":
            c[UNMATCHED] = c.get(UNMATCHED, 0) + v
            seen_unmatched = True
        elif name == "logwarden_records_total":
            c[ALL] = c.get(ALL, 0) + v
            seen_records = True
    c.setdefault(UNMATCHED, 0)
    c.setdefault(ALL, 0)
    c = {k: int(v) for k, v in c.items()}
    c["_complete"] = seen_unmatched and seen_records
    return c


# --------------------------------------------------------------------------- logwarden

# logfmt `msg=started` or `msg="started"`, or JSON `"msg":"started"`.
STARTED_RE = re.compile(r'(?:\bmsg="?started"?(?=\s|$)|"msg"\s*:\s*"started")', re.M)


class Logwarden:
    def __init__(self, binary, tmp, rules, path):
        self.textfile = os.path.join(tmp, "out.prom")
        self.stderr_path = os.path.join(tmp, "logwarden.stderr")
        self.stdout_path = os.path.join(tmp, "logwarden.stdout")
        self.cmd = [binary, "watch", "--rules", rules, "--textfile", self.textfile,
                    "--textfile-interval", "1s", path]
        self.errf = open(self.stderr_path, "wb")
        self.outf = open(self.stdout_path, "wb")
        self.proc = subprocess.Popen(self.cmd, stdin=subprocess.DEVNULL, stdout=self.outf,
                                     stderr=self.errf, cwd=tmp)

    def stderr(self):
        with open(self.stderr_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stderr_tail(self, n=25):
        lines = self.stderr().splitlines()
        return "\n".join("    | " + l for l in lines[-n:]) or "    | (empty)"

    def wait_started(self, timeout=15):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if STARTED_RE.search(self.stderr()):
                return True
            if self.proc.poll() is not None:
                return False
            time.sleep(0.05)
        return False

    def terminate(self):
        """SIGTERM; (exit code or None if still running after 2 s, seconds taken)."""
        t0 = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(2.0)
        except subprocess.TimeoutExpired:
            rc = None
        return rc, time.monotonic() - t0

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.errf.close()
        self.outf.close()


# --------------------------------------------------------------------------- disk

def seqs_in(data):
    return [int(m) for m in SEQ_RE.findall(data)]


def read_maybe_gzip(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data


def disk_seqs(logdir, extra_blobs):
    """Every sequence number in the files left in logdir plus extra_blobs (deleted
    files, read through an fd held open across the unlink). {seq: occurrences}, files."""
    occ = {}
    files = []
    blobs = []
    for name in sorted(os.listdir(logdir)):
        p = os.path.join(logdir, name)
        if os.path.isfile(p):
            blobs.append((name, read_maybe_gzip(p)))
    blobs += extra_blobs
    for name, data in blobs:
        ss = seqs_in(data)
        files.append((name, len(ss)))
        for s in ss:
            occ[s] = occ.get(s, 0) + 1
    return occ, files


# --------------------------------------------------------------------------- scenarios

class Ctx:
    def __init__(self, args, tmp):
        self.args = args
        self.tmp = tmp
        self.logdir = os.path.join(tmp, "logs")
        os.mkdir(self.logdir)
        self.path = os.path.join(self.logdir, "app.log")
        self.rules = os.path.join(tmp, "rules")
        shutil.copytree(os.path.join(REPO, "rules", "patterns"), os.path.join(self.rules, "patterns"))
        self.rng = random.Random(args.seed)
        self.deleted = []         # (name, fd) of files deleted while the writer ran
        self.windows = []         # (label, first seq, last seq) where copytruncate may destroy records
        self.notes = []

    def pause(self):
        time.sleep(self.rng.uniform(0.3, 0.5))

    def wait_for_file(self, timeout=5):
        end = time.monotonic() + timeout
        while not os.path.exists(self.path):
            if time.monotonic() > end:
                raise RuntimeError("the writer did not create %s" % self.path)
            time.sleep(0.01)


def rotate_manual(ctx, w):
    ops = list("RCRDRRCRRCRRCRRC")            # 10 rename, 5 copytruncate, 1 delete, interleaved
    assert ops.count("R") == 10 and ops.count("C") == 5 and ops.count("D") == 1
    nr = nc = 0
    for op in ops:
        ctx.pause()
        if op == "R":
            nr += 1
            os.rename(ctx.path, "%s.%d" % (ctx.path, nr))
        elif op == "C":
            nc += 1
            first = w.count()
            subprocess.run(["cp", ctx.path, "%s.c%d" % (ctx.path, nc)], check=True)   # cp app.log app.log.cN
            fd = os.open(ctx.path, os.O_WRONLY | os.O_TRUNC)        # : > app.log
            os.close(fd)
            ctx.windows.append(("copytruncate %d" % nc, first, w.count()))
        else:
            fd = os.open(ctx.path, os.O_RDONLY)                     # to measure what was in it
            os.unlink(ctx.path)
            ctx.deleted.append(("app.log (deleted)", fd))
    ctx.pause()


def make_rotate_logrotate(mode):
    def rotate(ctx, w):
        conf = os.path.join(ctx.tmp, "logrotate.conf")
        state = os.path.join(ctx.tmp, "logrotate.state")
        with open(conf, "w") as f:
            f.write("%s {\n    size 1\n    rotate 20\n    %s\n    missingok\n    compress\n    delaycompress\n}\n"
                    % (ctx.path, mode))
        for i in range(1, 9):
            ctx.pause()
            first = w.count()
            p = subprocess.run([LOGROTATE, "-s", state, "-f", conf], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
            last = w.count()
            if p.returncode != 0 or p.stdout.strip():
                ctx.notes.append("logrotate run %d: exit %d %s" % (i, p.returncode,
                                                                   p.stdout.decode(errors="replace").strip()))
            if mode == "copytruncate":
                ctx.windows.append(("logrotate %d" % i, first, last))
        ctx.pause()
    return rotate


SCENARIOS = {
    "manual": rotate_manual,
    "logrotate-create": make_rotate_logrotate("create"),
    "logrotate-copytruncate": make_rotate_logrotate("copytruncate"),
}


def settle(lw, expected, timeout=30.0, quiet=3.0):
    """Waits until the textfile's counts equal `expected` (then one more interval, to see
    nothing more arrives) or stop changing for `quiet` seconds."""
    end = time.monotonic() + timeout
    last, last_change, matched_at = None, time.monotonic(), None
    while time.monotonic() < end:
        if lw.proc.poll() is not None:
            return "logwarden exited early (code %s)" % lw.proc.returncode
        c = counts_from_textfile(lw.textfile)
        if c != last:
            last, last_change = c, time.monotonic()
            matched_at = None
        if c is not None:
            same = all(c.get(k, 0) == v for k, v in expected.items()) and \
                all(k in expected for k, v in c.items() if v and not k.startswith("_"))
            if same and matched_at is None:
                matched_at = time.monotonic()
            if matched_at is not None and time.monotonic() - matched_at >= 1.5:
                return None
            if time.monotonic() - last_change >= quiet:
                return None
        time.sleep(0.2)
    return "textfile still changing (or missing) after %.0f s" % timeout


def run_scenario(args, name):
    print("== %s" % name, flush=True)
    failures = []
    with tempfile.TemporaryDirectory(prefix="lw-follow-") as tmp:
        ctx = Ctx(args, tmp)
        lw = Logwarden(args.bin, tmp, ctx.rules, ctx.path)
        w = None
        try:
            if not lw.wait_started():
                if lw.proc.poll() is not None:
                    failures.append("logwarden exited at start-up with code %s" % lw.proc.returncode)
                    raise _Abort()
                ctx.notes.append('no msg=started line on stderr within 15 s; went on anyway')
            t0 = time.monotonic()
            w = Writer(ctx.path, args.rate, create=(name != "logrotate-create"))
            w.start()
            ctx.wait_for_file()
            SCENARIOS[name](ctx, w)
            n = w.stop()
            w = None
            duration = time.monotonic() - t0
            expected = expected_counts(n)

            # What is left on disk (plus the deleted file, read through the fd we held).
            extra = []
            for label, fd in ctx.deleted:
                os.lseek(fd, 0, os.SEEK_SET)
                chunks = []
                while True:
                    b = os.read(fd, 1 << 20)
                    if not b:
                        break
                    chunks.append(b)
                os.close(fd)
                extra.append((label, b"".join(chunks)))
            ctx.deleted = []
            occ, files = disk_seqs(ctx.logdir, extra)
            destroyed = [s for s in range(n) if s not in occ]
            dup = [s for s, k in occ.items() if k > 1]
            stray = [s for s in occ if s >= n]
            if dup or stray:
                failures.append("harness: records on disk twice %s or never written %s" % (dup[:10], stray[:10]))
            per_window = []
            unexplained = []
            for s in destroyed:
                for i, (_, a, b) in enumerate(ctx.windows):
                    if a <= s <= b:
                        break
                else:
                    unexplained.append(s)
            for label, a, b in ctx.windows:
                d = [s for s in destroyed if a <= s <= b]
                per_window.append((label, len(d), (d[0], d[-1]) if d else None))
            if unexplained:
                failures.append("harness: %d records are on no file left on disk outside any copytruncate "
                                "window (seq %s...)" % (len(unexplained), unexplained[:10]))
            lost_on_disk = {k: 0 for k in expected}
            for s in destroyed:
                lost_on_disk[kind(s)] += 1
                lost_on_disk[ALL] += 1

            why = settle(lw, expected)
            if why:
                failures.append(why)
            rc, took = lw.terminate()
            if rc is None:
                failures.append("logwarden did not exit within 2 s of SIGTERM")
            elif rc != 0:
                failures.append("logwarden exited %d after SIGTERM (%.2f s)" % (rc, took))
            got = counts_from_textfile(lw.textfile)
            if got is None:
                failures.append("no textfile %s" % lw.textfile)
                got = {}
            elif not got.pop("_complete", False):
                failures.append("textfile lacks logwarden_unmatched_records_total or logwarden_records_total")

            # Compare.
            rows = []
            keys = [k for k, _ in KINDS] + [ALL] + sorted(k for k in got if k not in expected and got[k])
            seen_destroyed = 0
            for k in keys:
                hi = expected.get(k, 0)
                lo = hi - lost_on_disk.get(k, 0)
                g = got.get(k, 0)
                ok = lo <= g <= hi
                if k != ALL and ok:
                    seen_destroyed += g - lo
                rows.append((k, hi, lo, g, ok))
                if not ok:
                    failures.append("%s: expected %s, got %d" % (k, hi if lo == hi else "%d..%d" % (lo, hi), g))

            print("  writer: %d records in %.1f s (%.0f/s); files on disk: %s" % (
                n, duration, n / max(duration, 1e-9), ", ".join("%s=%d" % f for f in files)))
            for note in ctx.notes:
                print("  note: " + note)
            if ctx.windows:
                print("  copytruncate windows (records in no file left on disk):")
                for label, k, rng in per_window:
                    print("    %-16s destroyed %3d%s" % (label, k, "  (seq %d..%d)" % rng if rng else ""))
                print("    total destroyed %d, of which logwarden still counted %d" % (len(destroyed), seen_destroyed))
            if failures or args.verbose:
                print("  %-26s %9s %9s %9s" % ("pattern", "written", "min", "logwarden"))
                for k, hi, lo, g, ok in rows:
                    print("  %-26s %9d %9d %9d %s" % (k, hi, lo, g, "" if ok else "  <-- MISMATCH"))
            print("  summary: %s written=%d destroyed=%d logwarden=%d (records_total) seen_destroyed=%d %s" % (
                name, n, len(destroyed), got.get(ALL, 0), seen_destroyed, "PASS" if not failures else "FAIL"),
                flush=True)
        except _Abort:
            pass
        finally:
            if w is not None:
                w.stop_ev.set()
                w.proc.join(5)
            for _, fd in ctx.deleted:
                os.close(fd)
            lw.kill()
            if failures:
                for f in failures:
                    print("  FAIL: " + f)
                print("  logwarden: %s" % " ".join(lw.cmd))
                print("  logwarden stderr (tail):\n" + lw.stderr_tail())
            if args.keep:
                dst = os.path.join(args.keep, name)
                shutil.rmtree(dst, ignore_errors=True)
                shutil.copytree(tmp, dst, ignore=shutil.ignore_patterns("rules"))
                print("  kept in %s" % dst)
    return not failures


class _Abort(Exception):
    pass


def self_check(args):
    """The record mix is classified as intended by this binary and rule pack (one
    `classify` row per record, with the expected pattern)."""
    with tempfile.TemporaryDirectory(prefix="lw-follow-check-") as tmp:
        rules = os.path.join(tmp, "rules")
        shutil.copytree(os.path.join(REPO, "rules", "patterns"), os.path.join(rules, "patterns"))
        sample = os.path.join(tmp, "sample.log")
        n = 3000
        with open(sample, "wb") as f:
            for s in range(n):
                f.write(record(s))
        p = subprocess.run([args.bin, "classify", "--output", "jsonl", "--rules", rules, sample],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp)
        if p.returncode != 0:
            return "classify exited %d: %s" % (p.returncode, p.stderr.decode(errors="replace")[-2000:])
        import json
        rows = [json.loads(l) for l in p.stdout.decode().splitlines() if l.strip()]
        if len(rows) != n:
            return "classify gave %d rows for %d records" % (len(rows), n)
        bad = []
        for s, row in enumerate(rows):
            want = kind(s)
            have = row.get("pattern") or UNMATCHED
            if have != want:
                bad.append("seq %d: want %s, classify says %s" % (s, want, have))
        if bad:
            return "record mix not classified as intended:\n    " + "\n    ".join(bad[:10])
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=DEFAULT_BIN)
    ap.add_argument("--scenario", default="all", choices=["all"] + list(SCENARIOS))
    ap.add_argument("--rate", type=float, default=RATE, help="records per second (default %(default)s)")
    ap.add_argument("--seed", type=int, default=1, help="seed of the pauses between rotations")
    ap.add_argument("--keep", metavar="DIR", help="copy each scenario's files to DIR/SCENARIO")
    ap.add_argument("-v", "--verbose", action="store_true", help="print the per-pattern table also on success")
    args = ap.parse_args()
    args.bin = os.path.abspath(args.bin)

    if not os.access(args.bin, os.X_OK):
        print("FAIL: no executable logwarden at %s (use --bin)" % args.bin)
        return 1
    names = list(SCENARIOS) if args.scenario == "all" else [args.scenario]
    if any(n.startswith("logrotate") for n in names) and not os.access(LOGROTATE, os.X_OK):
        print("FAIL: %s not found (apt-get install logrotate, or set $LOGROTATE)" % LOGROTATE)
        return 1
    err = self_check(args)
    if err:
        print("FAIL: self-check: " + err)
        return 1
    results = [(n, run_scenario(args, n)) for n in names]
    passed = sum(1 for _, ok in results if ok)
    print("%d passed, %d failed%s" % (passed, len(results) - passed,
                                      "" if passed == len(results) else
                                      " (" + ", ".join(n for n, ok in results if not ok) + ")"))
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
