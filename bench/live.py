#!/usr/bin/env python3
"""Live-mode benchmark of `logwarden watch`: alert latency and sustained throughput.

A benchmark, not a test: it prints a Markdown section (`## Live mode (watch)`) on
stdout, progress and warnings on stderr, and exits non-zero only when it cannot
measure (watch does not start, exits with an error, or misses every trial).

Latency: a rules dir with one pattern (`probe`, capturing a unique `trial` label per
line) and one rule, `increase(logwarden_matches_total{pattern="probe"}[1s]) > 0` with
`for: 0m`, so each line fires its own alert. Lines are written open loop, 50-100 ms
apart (random, so their phase against the evaluation clock is uniform), to a followed
file (`watch FILE`, appended with write(2)) and to stdin (a pipe kept open). The
latency of a trial is the time from the write to the moment the `--output json` line
of its firing alert is read from watch's stdout. Group interval 100ms (--trials
trials), then 1s (--trials-1s trials): latency ~ processing + up to one interval.

Throughput: `cat MIX | watch --textfile F -` with the default rules (the repo's rules/),
exits at EOF; median wall time of --runs runs, peak RSS from `/usr/bin/time -v`;
`scan FILE` and `cat MIX | scan -` in the same run for comparison.

Usage: bench/live.py --bin BIN [--trials 200] [--trials-1s 50] [--runs 3] [--mix FILE]
Without --mix, the 1M-line mix is generated with ../shared/bench/gen_logs.py --seed 42.
"""

import argparse
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GEN = REPO.parent / "shared" / "bench" / "gen_logs.py"
WARMUP = 5           # trials per run written first and not counted
START_TIMEOUT = 15.0  # s to wait for msg="started"
STARTED = re.compile(r'msg="?started\b')

PATTERN_FILE = """\
classes: [probe]
patterns:
  - name: probe
    class: probe
    match: 'LWPROBE trial=(?<trial>[0-9]+)'
    severity: info
    max_series: 100000
    examples: ['LWPROBE trial=17']
"""

RULE_FILE = """\
groups:
  - name: probe
    interval: {interval}
    rules:
      - alert: Probe
        expr: increase(logwarden_matches_total{{pattern="probe"}}[1s]) > 0
        for: 0m
"""

warnings = []   # deviations from the contract seen while measuring; printed at the end


def log(msg):
    print(f"live.py: {msg}", file=sys.stderr, flush=True)


def warn(msg):
    warnings.append(msg)
    log("WARNING: " + msg)


def pct(sorted_vals, p):
    """Percentile with linear interpolation between closest ranks."""
    if not sorted_vals:
        return float("nan")
    k = (len(sorted_vals) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(sorted_vals) - 1)
    return sorted_vals[lo] + (sorted_vals[hi] - sorted_vals[lo]) * (k - lo)


class Watch:
    """A running `logwarden watch`; threads read its stdout (alert JSON) and stderr (logs)."""

    def __init__(self, cmd, stdin_pipe):
        self.cmd = cmd
        self.fired = {}              # trial id -> time.monotonic() when its firing line was read
        self.cv = threading.Condition()
        self.started = threading.Event()
        self.stderr_lines = []
        self.bad_json = 0
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE if stdin_pipe else subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0)
        self.t_out = threading.Thread(target=self._read_stdout, daemon=True)
        self.t_err = threading.Thread(target=self._read_stderr, daemon=True)
        self.t_out.start()
        self.t_err.start()

    def _read_stdout(self):
        fd = self.proc.stdout.fileno()
        buf = b""
        while True:
            chunk = os.read(fd, 65536)
            now = time.monotonic()
            if not chunk:
                break
            buf += chunk
            *lines, buf = buf.split(b"\n")
            for line in lines:
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except ValueError:
                    self.bad_json += 1
                    continue
                if obj.get("type") != "alert" or obj.get("state") != "firing":
                    continue
                trial = (obj.get("labels") or {}).get("trial")
                if trial is None:
                    continue
                with self.cv:
                    self.fired.setdefault(int(trial), now)
                    self.cv.notify_all()

    def _read_stderr(self):
        for line in self.proc.stderr:
            text = line.decode("utf-8", "replace").rstrip("\n")
            self.stderr_lines.append(text)
            if STARTED.search(text):
                self.started.set()

    def wait_started(self):
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.started.wait(0.05):
                return
            if self.proc.poll() is not None:
                break
        self.kill()
        tail = "\n".join(self.stderr_lines[-15:])
        sys.exit(f"live.py: `{' '.join(self.cmd)}` did not log msg=\"started\" within "
                 f"{START_TIMEOUT:.0f}s (exit status {self.proc.returncode}); stderr:\n{tail}")

    def wait_fired(self, ids, deadline):
        with self.cv:
            while not all(i in self.fired for i in ids):
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self.cv.wait(left)

    def stop(self, how):
        """Close stdin ("eof") or send SIGTERM ("term"); return (exit status, seconds to exit)."""
        t0 = time.monotonic()
        if how == "eof":
            self.proc.stdin.close()
        else:
            self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()
            rc = None
        took = time.monotonic() - t0
        self.t_out.join(2)
        self.t_err.join(2)
        return rc, took

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def latency_run(binary, rules, mode, interval, trials, work, extra, fmt="text"):
    """One watch process, WARMUP + trials lines; returns (latencies in ms, missed)."""
    if mode == "file":
        path = work / f"probe-{interval}.log"
        path.write_bytes(b"")
        cmd = [binary, "watch", "--rules", str(rules), "--output", "json", *extra, str(path)]
        w = Watch(cmd, stdin_pipe=False)
        w.wait_started()
        fd = os.open(path, os.O_WRONLY | os.O_APPEND)
    else:
        cmd = [binary, "watch", "--rules", str(rules), "--output", "json", *extra, "-"]
        w = Watch(cmd, stdin_pipe=True)
        w.wait_started()
        fd = w.proc.stdin.fileno()
    written = {}
    try:
        for i in range(WARMUP + trials):
            if fmt == "json":   # as `journalctl -o json` writes an entry
                line = (json.dumps({"__REALTIME_TIMESTAMP": str(time.time_ns() // 1000),
                                    "_SYSTEMD_UNIT": "probe.service", "PRIORITY": "6",
                                    "MESSAGE": f"LWPROBE trial={i}"}) + "\n").encode()
            else:
                line = f"LWPROBE trial={i}\n".encode()
            written[i] = time.monotonic()
            os.write(fd, line)
            time.sleep(random.uniform(0.05, 0.10))
        deadline = time.monotonic() + 5.0 + interval_seconds(interval)
        w.wait_fired(list(written), deadline)
    finally:
        if mode == "file":
            os.close(fd)
    rc, took = w.stop("term" if mode == "file" else "eof")
    what = "SIGTERM" if mode == "file" else "stdin EOF"
    if rc != 0:
        warn(f"`{' '.join(cmd)}`: after {what}, exit status {rc} (expected 0); "
             f"stderr tail: {' | '.join(w.stderr_lines[-3:])}")
    elif mode == "file" and took > 2.0:
        warn(f"`{' '.join(cmd)}`: exited {took:.1f}s after SIGTERM (contract: within 2 s)")
    if w.bad_json:
        warn(f"`{' '.join(cmd)}`: {w.bad_json} stdout lines were not JSON")
    lat, missed = [], 0
    for i, t in written.items():
        if i < WARMUP:
            continue
        if i in w.fired:
            lat.append((w.fired[i] - t) * 1000)
        else:
            missed += 1
    warm_missed = sum(1 for i in range(WARMUP) if i not in w.fired)
    if warm_missed:
        warn(f"`{' '.join(cmd)}` ({fmt} lines): {warm_missed} of the {WARMUP} warm-up lines never fired")
    if missed:
        warn(f"`{' '.join(cmd)}` ({fmt} lines): {missed} of {trials} trials never fired "
             f"(waited {5 + interval_seconds(interval):.1f}s after the last write)")
    return lat, missed


def interval_seconds(d):
    m = re.fullmatch(r"(\d+)(ms|s|m)", d)
    return int(m.group(1)) * {"ms": 0.001, "s": 1, "m": 60}[m.group(2)]


def make_rules(work, interval):
    d = work / f"rules-{interval}"
    (d / "patterns").mkdir(parents=True, exist_ok=True)
    (d / "alerts").mkdir(parents=True, exist_ok=True)
    (d / "patterns" / "probe.yaml").write_text(PATTERN_FILE)
    (d / "alerts" / "probe.yaml").write_text(RULE_FILE.format(interval=interval))
    return d


def timed(cmd, stdin_file, work, name):
    """Run cmd under /usr/bin/time -v (stdin from `cat stdin_file` if given);
    return (wall seconds, peak RSS in MB, exit status)."""
    rss_file = work / f"{name}.time"
    out = open(work / f"{name}.out", "wb")
    err = open(work / f"{name}.err", "wb")
    cat = None
    if stdin_file is not None:
        cat = subprocess.Popen(["cat", str(stdin_file)], stdout=subprocess.PIPE)
        stdin = cat.stdout
    else:
        stdin = subprocess.DEVNULL
    use_time = os.access("/usr/bin/time", os.X_OK)
    full = (["/usr/bin/time", "-v", "-o", str(rss_file)] if use_time else []) + cmd
    t0 = time.monotonic()
    p = subprocess.Popen(full, stdin=stdin, stdout=out, stderr=err)
    if cat:
        cat.stdout.close()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.monotonic() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    if cat:
        cat.wait()
    out.close()
    err.close()
    rss_kb = ru.ru_maxrss
    if use_time:
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", rss_file.read_text())
        rss_kb = int(m.group(1)) if m else rss_kb
        # /usr/bin/time -v reports "Command exited with non-zero status N" and exits N itself
    return wall, rss_kb / 1024, p.returncode


def records_in(prom):
    """Sum of logwarden_records_total in a textfile (None if absent)."""
    total, seen = 0.0, False
    try:
        for line in open(prom):
            if line.startswith("logwarden_records_total"):
                total += float(line.rsplit(None, 1)[1])
                seen = True
    except OSError:
        return None
    return int(total) if seen else None


def throughput(binary, rules, mix, runs, work):
    lines = sum(1 for _ in open(mix, "rb"))
    size = os.path.getsize(mix)
    configs = [
        ("watch-pipe", f"`cat MIX \\| logwarden watch --textfile F -`",
         lambda prom: [binary, "watch", "--rules", str(rules), "--textfile", prom, "-"], True),
        ("scan-file", "`logwarden scan --textfile F MIX`",
         lambda prom: [binary, "scan", "--rules", str(rules), "--textfile", prom, str(mix)], False),
        ("scan-pipe", "`cat MIX \\| logwarden scan --textfile F -`",
         lambda prom: [binary, "scan", "--rules", str(rules), "--textfile", prom, "-"], True),
    ]
    rows = []
    for name, label, mk, pipe in configs:
        walls, rsss, recs = [], [], None
        for r in range(runs):
            prom = str(work / f"{name}.prom")
            if os.path.exists(prom):
                os.unlink(prom)
            wall, rss, rc = timed(mk(prom), mix if pipe else None, work, f"{name}-{r}")
            log(f"throughput {name} run {r + 1}/{runs}: {wall:.3f}s, {lines / wall:,.0f} lines/s, "
                f"RSS {rss:.0f} MB, exit {rc}")
            if rc != 0:
                err = (work / f"{name}-{r}.err").read_text(errors="replace").strip().splitlines()[-3:]
                if name.startswith("watch"):
                    warn(f"`{' '.join(mk(prom))} < pipe`: exit status {rc} at EOF (expected 0): {' | '.join(err)}")
                elif rc != 1:   # scan exits 1 only for --fail-on findings; not used here
                    warn(f"`{' '.join(mk(prom))}`: exit status {rc}: {' | '.join(err)}")
            walls.append(wall)
            rsss.append(rss)
            recs = records_in(prom)
            if name.startswith("watch") and recs is None:
                warn(f"watch wrote no logwarden_records_total to --textfile {prom} at EOF")
        rows.append((name, label, statistics.median(walls), max(rsss), recs))
    return lines, size, rows


def machine():
    cpu = "?"
    try:
        cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    except OSError:
        pass
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip() or str(os.cpu_count())
    return cpu, nproc, os.uname().release


def rules_summary(binary, rules):
    """'66 patterns, 11 rules' from `logwarden check RULES`."""
    out = subprocess.run([binary, "check", rules], capture_output=True, text=True).stdout
    pats = re.search(r"(\d+) patterns", out)
    nrules = re.search(r"(\d+) rules", out)
    if not pats:
        return "?"
    return f"{pats.group(1)} patterns, {nrules.group(1) if nrules else 0} alert rules"


def version(binary):
    try:
        return subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=10).stdout.strip()
    except Exception:
        return "?"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", required=True, help="the logwarden binary")
    ap.add_argument("--trials", type=int, default=200, help="latency trials per input with a 100ms group interval")
    ap.add_argument("--trials-1s", type=int, default=50, help="latency trials per input with a 1s group interval")
    ap.add_argument("--runs", type=int, default=3, help="throughput runs per command (median)")
    ap.add_argument("--mix", help="the bench mix (default: generate --lines lines with gen_logs.py --seed 42)")
    ap.add_argument("--lines", type=int, default=1_000_000, help="lines to generate without --mix")
    ap.add_argument("--rules", default=str(REPO / "rules"), help="rules for the throughput runs (default: the repo's rules/)")
    ap.add_argument("--skip-latency", action="store_true")
    ap.add_argument("--skip-throughput", action="store_true")
    ap.add_argument("--seed", type=int, default=1, help="seed of the random spacing of trials")
    ap.add_argument("--keep", help="keep the work files in this directory")
    args = ap.parse_args()

    binary = shutil.which(args.bin) or args.bin
    binary = str(Path(binary).resolve())
    if not os.access(binary, os.X_OK):
        sys.exit(f"live.py: --bin {args.bin}: not an executable")
    h = subprocess.run([binary, "watch", "--help"], capture_output=True, text=True)
    if h.returncode != 0:
        sys.exit(f"live.py: `{binary} watch --help` failed (exit {h.returncode}): this binary has no watch command")
    random.seed(args.seed)

    if args.keep:
        work = Path(args.keep)
        work.mkdir(parents=True, exist_ok=True)
    else:
        work = Path(tempfile.mkdtemp(prefix="logwarden-live-"))
    try:
        lat_rows = []
        if not args.skip_latency:
            fast_wait = ["--max-wait", "10ms"]
            configs = [  # (input, line format, group interval, extra watch options, trials)
                ("file", "text", "100ms", [], args.trials),
                ("stdin", "text", "100ms", [], args.trials),
                ("stdin", "json", "100ms", [], args.trials),
                ("file", "text", "100ms", fast_wait, args.trials),
                ("stdin", "text", "100ms", fast_wait, args.trials),
                ("file", "text", "1s", [], args.trials_1s),
                ("stdin", "text", "1s", [], args.trials_1s),
            ]
            for mode, fmt, interval, extra, n in configs:
                rules = make_rules(work, interval)
                log(f"latency: {mode} ({fmt} lines), group interval {interval}, {' '.join(extra) or 'defaults'}, {n} trials")
                lat, missed = latency_run(binary, rules, mode, interval, n, work, extra, fmt)
                lat.sort()
                if lat:
                    log(f"  p50 {pct(lat, 50):.1f} ms, p99 {pct(lat, 99):.1f} ms, max {lat[-1]:.1f} ms, missed {missed}")
                lat_rows.append((mode, fmt, interval, " ".join(extra), n, lat, missed))
            if all(not r[5] for r in lat_rows):
                sys.exit("live.py: no trial fired in any latency run; see the warnings above")

        tp = None
        if not args.skip_throughput:
            mix = args.mix
            if not mix:
                if not GEN.exists():
                    sys.exit(f"live.py: {GEN} not found; pass --mix FILE")
                mix = str(work / f"mix-{args.lines}.log")
                log(f"generating {args.lines:,} lines with {GEN}")
                with open(work / "gen.json", "wb") as gj:
                    subprocess.run([sys.executable, str(GEN), str(args.lines), "--seed", "42", "-o", mix],
                                   check=True, stderr=gj)
            tp = throughput(binary, args.rules, mix, args.runs, work)

        report(binary, lat_rows, tp, args)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    if warnings:
        log(f"{len(warnings)} warning(s):")
        for w in warnings:
            print("  - " + w, file=sys.stderr)


def report(binary, lat_rows, tp, args):
    cpu, nproc, kernel = machine()
    p = print
    p("## Live mode (watch)\n")
    p("Generated by `bench/live.py` (run by `make bench`, or alone: `bench/live.py --bin BIN`).")
    p(f"Machine: {cpu}, {nproc} cores (nproc), Linux {kernel}; logwarden {version(binary)}.\n")
    if lat_rows:
        p("### Alert latency\n")
        p("From write(2) of a log line to reading its firing alert on `watch --output json` stdout, with one")
        p("pattern capturing a new `trial` label per line and one rule,")
        p("`increase(logwarden_matches_total{pattern=\"probe\"}[1s]) > 0` with `for: 0m`, so every line fires")
        p("its own alert. Lines are written 50-100 ms apart at random, so they land anywhere between two")
        p(f"evaluations; the first {WARMUP} of each run are not counted. Inputs: a followed file (`watch FILE`,")
        p("appended) and stdin (`watch -`, a pipe kept open), with plain text lines or `journalctl -o json`")
        p("entries. Arrival time, other options at their defaults unless listed.\n")
        p("| input | lines | group interval | options | trials | min ms | p50 ms | p90 ms | p99 ms | max ms | missed |")
        p("|---|---|---|---|---|---|---|---|---|---|---|")
        for mode, fmt, interval, extra, n, lat, missed in lat_rows:
            name = "file" if mode == "file" else "stdin"
            lines = "journal JSON" if fmt == "json" else "text"
            opts = f"`{extra}`" if extra else ""
            if lat:
                p(f"| {name} | {lines} | {interval} | {opts} | {n} | {lat[0]:.0f} | {pct(lat, 50):.0f} | "
                  f"{pct(lat, 90):.0f} | {pct(lat, 99):.0f} | {lat[-1]:.0f} | {missed} |")
            else:
                p(f"| {name} | {lines} | {interval} | {opts} | {n} | - | - | - | - | - | {missed} |")
        p("")
        p("Latency = framing + processing + the wait for the group's next evaluation (up to one interval,")
        p("half of one on average). A text line may still get continuation lines (a traceback), so its record")
        p("is complete only when the next line arrives or the input has been quiet for `--max-wait` (100ms);")
        p("a JSON line is a record at once. With a 1s interval the same lines take about half a second more")
        p("than with 100ms.\n")
    if tp:
        lines, size, rows = tp
        p("### Sustained throughput\n")
        p(f"The {lines:,}-line bench mix ({size / 1e6:.0f} MB) through a pipe into `watch -` with the default rules")
        p(f"(`rules/`: {rules_summary(binary, args.rules)}; arrival time) and `--textfile`; watch exits at EOF.")
        p(f"Median wall time of {args.runs} run(s), peak RSS from `/usr/bin/time -v`; `scan` in the same run.\n")
        p("| command | median s | lines/s | MB/s | peak RSS MB | records counted |")
        p("|---|---|---|---|---|---|")
        for name, label, med, rss, recs in rows:
            counted = f"{recs:,}" if recs is not None else "-"
            p(f"| {label} | {med:.3f} | {lines / med:,.0f} | {size / 1e6 / med:.0f} | {rss:.0f} | {counted} |")
        rate = lines / rows[0][2]
        verdict = "met" if rate >= 500_000 else "NOT met"
        p("")
        p(f"Goal: `watch` keeps up with at least 500,000 lines/s of sustained input: {verdict} "
          f"({rate:,.0f} lines/s; `scan FILE` {lines / rows[1][2]:,.0f}).")
        recs = {r[0]: r[4] for r in rows}
        if recs.get("watch-pipe") is not None and recs.get("scan-file") is not None \
                and recs["watch-pipe"] != recs["scan-file"]:
            warn(f"watch counted {recs['watch-pipe']:,} records, scan {recs['scan-file']:,} on the same mix")
            p(f"\nNote: watch counted {recs['watch-pipe']:,} records and scan {recs['scan-file']:,} on the same input.")
    if warnings:
        p("\nWarnings from this run:\n")
        for w in warnings:
            p(f"- {w}")


if __name__ == "__main__":
    main()
