#!/usr/bin/env python3
"""Live integration tests of `logwarden watch` (the daemon), Python 3 stdlib only.

    python3 Tests/Live/daemon_test.py --bin PATH [--case NAME|all] [-v] [--keep]

Cases (each independent, in its own temporary directory):
  metrics           --listen 127.0.0.1:0: /metrics (checked by `promtool check metrics`),
                    /-/healthy, /-/ready, /api/v1/alerts, /api/v1/rules, 404
  node_exporter     --textfile read by prometheus-node-exporter's textfile collector
                    (skipped when /usr/bin/prometheus-node-exporter is missing)
  sighup-broken     SIGHUP / POST /-/reload with a broken rule file keeps the old rules,
                    logs FILE:LINE:COL, sets logwarden_config_last_reload_successful 0
  sigterm-textfile  SIGTERM (and SIGINT): exit 0 within 2 s, final textfile written
  stdin-alert       `watch -`: firing alert JSON while stdin is open; EOF -> exit 0 + textfile
  journald          stdin samples of journalctl -o json / short-iso / short-precise / cat

Prints one line per case and `N passed, M failed`; exits 0 only if every case passed
(a skipped case counts as passed), 1 otherwise.  The binary comes from --bin, else
$LOGWARDEN_BIN, else .build/debug/logwarden.  promtool: $PROMTOOL or /usr/bin/promtool;
node_exporter: $NODE_EXPORTER or /usr/bin/prometheus-node-exporter.
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from prom import parse_textfile  # noqa: E402
from child import Child  # noqa: E402
import harness  # noqa: E402
from harness import Fail, Skip, check, log  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PROMTOOL = os.environ.get("PROMTOOL", "/usr/bin/promtool")
NODE_EXPORTER = os.environ.get("NODE_EXPORTER", "/usr/bin/prometheus-node-exporter")
VERBOSE = False
KEEP = False

ALERT = "LiveSshFailure"
PATTERN = "sshd_failed_password"
LIVE_RULES = f"""\
# Written by Tests/Live/daemon_test.py: fires as soon as one sshd failure is read.
groups:
  - name: live
    interval: 1s
    rules:
      - alert: {ALERT}
        expr: sum by (pattern) (increase(logwarden_matches_total{{pattern="{PATTERN}"}}[1m])) > 0
        for: 0m
        labels:
          severity: warning
        annotations:
          summary: 'sshd failures in the last minute: {{{{ $value }}}}'
"""
# Valid YAML, invalid PromQL (line 7 of this file), and a new alert name: if it were
# (partly) applied, the old alert would be gone.
BROKEN_PROMQL = LIVE_RULES.replace(f"alert: {ALERT}", "alert: LiveBroken").replace(
    "> 0\n", "> > 0\n")
BROKEN_YAML = """\
groups:
  - name: live
    interval: 1s
    rules: [
      - alert: LiveBroken
"""

SSH_FAIL = "Nov 23 02:39:{s:02d} edge-01 sshd[{pid}]: Failed password for root from 198.51.100.{n} port {port} ssh2"
SSH_OK = "Nov 23 02:39:{s:02d} edge-01 sshd[{pid}]: Accepted publickey for deploy from 10.0.3.4 port {port} ssh2: ED25519 SHA256:Zb7mXx9QnJ2pY0mT3cQ7k9s1V4hGf8aLwE2rN5uK6dI"


def fail_lines(n_fail, n_ok=0, start=0):
    """n_fail sshd failures (distinct sources) and n_ok accepted logins."""
    out = []
    for i in range(n_fail):
        out.append(SSH_FAIL.format(s=(start + i) % 60, pid=3000 + start + i, n=(start + i) % 250 + 1,
                                   port=40000 + start + i))
    for i in range(n_ok):
        out.append(SSH_OK.format(s=(start + i) % 60, pid=4000 + start + i, port=50000 + start + i))
    return out


def append(path, lines):
    with open(path, "a") as f:
        f.write("".join(l + "\n" for l in lines))
        f.flush()


# ---------------------------------------------------------------- processes

class Daemon(Child):
    """logwarden as a daemon: stdin optionally piped, stdout and stderr collected."""

    def __init__(self, argv, cwd, stdin=False, name="logwarden"):
        super().__init__(argv, cwd, name=name, stdin=stdin)

    def wait_err(self, regex, timeout, what=None, start=0):
        rx = re.compile(regex)
        return self.wait_line("stderr", lambda l: rx.search(l) is not None, timeout, what or f"stderr /{regex}/",
                              start)

    def wait_started(self, timeout=15):
        self.wait_err(r'\bmsg="?started\b', timeout, 'the msg="started" log line')

    def port(self, timeout=15):
        _, line = self.wait_err(r"listening on http://", timeout, "`listening on http://HOST:PORT` on stderr")
        m = re.search(r"listening on http://(\[[^\]]+\]|[^\s:\"/]+):(\d+)", line)
        check(m, f"cannot parse HOST:PORT from {line!r}")
        return m.group(1).strip("[]"), int(m.group(2))

    def json_events(self, start=0):
        with self.cv:
            lines = self.out[start:]
        evs = []
        for l in lines:
            try:
                evs.append(json.loads(l))
            except ValueError:
                raise Fail(f"stdout line is not JSON (--output json): {l!r}")
        return evs

    def wait_alert(self, alertname, state, timeout, start=0):
        def pred(l):
            try:
                e = json.loads(l)
            except ValueError:
                return False
            return isinstance(e, dict) and e.get("alertname") == alertname and e.get("state") == state
        i, line = self.wait_line("stdout", pred, timeout, f"a {state} {alertname} alert JSON on stdout", start)
        return i, json.loads(line)

    def signal(self, sig):
        log(f"send {signal.Signals(sig).name} to {self.name} pid {self.pid}")
        self.p.send_signal(sig)

    def close_stdin(self):
        self.p.stdin.close()

    def write(self, lines):
        self.p.stdin.write("".join(l + "\n" for l in lines).encode())
        self.p.stdin.flush()

    def kill(self):
        if self.p.poll() is None:
            self.p.kill()
            try:
                self.p.wait(5)
            except subprocess.TimeoutExpired:
                pass
        for s in (self.p.stdin, self.p.stdout, self.p.stderr):
            try:
                if s:
                    s.close()
            except OSError:
                pass


# ---------------------------------------------------------------- HTTP and metrics

def http(url, method="GET", timeout=5):
    """-> (status, body str, headers). HTTP errors are returned, not raised."""
    req = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read().decode("utf-8", "replace"), r.headers
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace"), e.headers
    except (urllib.error.URLError, OSError) as e:
        raise Fail(f"{method} {url}: {e}")


def parse_prom(text):
    """Prometheus text exposition -> list of (name, {labels}, float)."""
    try:
        return parse_textfile(text)
    except ValueError as e:
        raise Fail(str(e))


def total(samples, name, **match):
    """Sum of the samples of `name` whose labels include `match`; None if there is none."""
    vals = [v for n, l, v in samples if n == name and all(l.get(k) == w for k, w in match.items())]
    return sum(vals) if vals else None


def scrape(host, port):
    st, body, hdr = http(f"http://{host}:{port}/metrics")
    check(st == 200, f"GET /metrics -> {st}: {body[:300]}")
    return body, hdr


def wait_until(fn, timeout, what, interval=0.2):
    """Calls fn() until it returns a truthy value; -> that value."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            v = fn()
            if v:
                return v
        except Fail as e:
            last = e
        if time.monotonic() >= deadline:
            raise Fail(f"timed out after {timeout:g}s waiting for {what}" + (f" (last error: {last})" if last else ""))
        time.sleep(interval)


def metric_equals(host, port, name, value, **match):
    def fn():
        body, _ = scrape(host, port)
        return total(parse_prom(body), name, **match) == value
    return fn


def read_textfile(path):
    try:
        with open(path) as f:
            return f.read()
    except FileNotFoundError:
        raise Fail(f"textfile {path} was not written")


def check_counts(text, where, records, matches, unmatched=None):
    s = parse_prom(text)
    got = total(s, "logwarden_records_total")
    check(got == records, f"{where}: logwarden_records_total (summed over inputs) = {got}, want {records}")
    for pat, want in matches.items():
        got = total(s, "logwarden_matches_total", pattern=pat)
        check(got == want, f"{where}: logwarden_matches_total{{pattern=\"{pat}\"}} (summed) = {got}, want {want}")
    if unmatched is not None:
        got = total(s, "logwarden_unmatched_records_total")
        check(got == unmatched, f"{where}: logwarden_unmatched_records_total = {got}, want {unmatched}")


def promtool_check(body, what):
    if not os.path.exists(PROMTOOL):
        raise Fail(f"{PROMTOOL} not found (Debian package `prometheus`, or set $PROMTOOL)")
    r = subprocess.run([PROMTOOL, "check", "metrics"], input=body.encode(), capture_output=True, timeout=60)
    complaints = (r.stdout + r.stderr).decode().strip()
    check(r.returncode == 0 and not complaints,
          f"`promtool check metrics` on {what}: exit {r.returncode}: {complaints[:2000]}")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


# ---------------------------------------------------------------- fixtures

class Env:
    """A temp dir with a rules dir R (copy of rules/patterns + rules/alerts [+ live.yaml])."""

    def __init__(self, bin_path, live_rules=True):
        self.bin = bin_path
        self.dir = tempfile.mkdtemp(prefix="logwarden-live-")
        self.rules = os.path.join(self.dir, "R")
        os.makedirs(self.rules)
        for sub in ("patterns", "alerts"):
            shutil.copytree(os.path.join(ROOT, "rules", sub), os.path.join(self.rules, sub))
        self.live = os.path.join(self.rules, "alerts", "live.yaml")
        if live_rules:
            with open(self.live, "w") as f:
                f.write(LIVE_RULES)
        self.procs = []

    def path(self, *p):
        return os.path.join(self.dir, *p)

    def watch(self, *args, stdin=False):
        d = Daemon([self.bin, "watch", "--rules", self.rules, *args], cwd=self.dir, stdin=stdin)
        self.procs.append(d)
        return d

    def spawn(self, argv, name):
        d = Daemon(argv, cwd=self.dir, name=name)
        self.procs.append(d)
        return d

    def close(self):
        for d in self.procs:
            d.kill()
        if KEEP:
            print(f"    kept {self.dir}")
        else:
            shutil.rmtree(self.dir, ignore_errors=True)


# ---------------------------------------------------------------- cases

def case_metrics(env):
    log_file = env.path("app.log")
    open(log_file, "w").close()
    d = env.watch("--listen", "127.0.0.1:0", log_file)
    host, port = d.port()
    d.wait_started()
    base = f"http://{host}:{port}"
    append(log_file, fail_lines(3, 2))
    wait_until(metric_equals(host, port, "logwarden_records_total", 5), 10, "logwarden_records_total 5 on /metrics")

    body, hdr = scrape(host, port)
    ctype = hdr.get("Content-Type", "")
    check(ctype.startswith("text/plain"), f"/metrics Content-Type {ctype!r}, want text/plain; version=0.0.4")
    promtool_check(body, "/metrics")
    check_counts(body, "/metrics", 5, {PATTERN: 3}, unmatched=2)
    s = parse_prom(body)
    check(total(s, "logwarden_config_last_reload_successful") == 1, "logwarden_config_last_reload_successful is not 1")
    check(total(s, "logwarden_build_info") == 1, "logwarden_build_info missing")
    for m in ("logwarden_input_bytes_total", "logwarden_input_lag_bytes", "logwarden_input_last_read_timestamp_seconds"):
        check(total(s, m, input=log_file) is not None or total(s, m) is not None, f"{m} missing on /metrics")
    check(total(s, "logwarden_records_total", input=log_file) == 5,
          f"logwarden_records_total{{input=\"{log_file}\"}} != 5: "
          + str([(l, v) for n, l, v in s if n == "logwarden_records_total"]))

    for path in ("/-/healthy", "/-/ready"):
        st, b, _ = http(base + path)
        check(st == 200, f"GET {path} -> {st}, want 200: {b[:200]}")

    # The live rule fires within about a second (group interval 1s, for: 0m).
    def firing():
        st, b, _ = http(base + "/api/v1/alerts")
        check(st == 200, f"GET /api/v1/alerts -> {st}: {b[:300]}")
        try:
            j = json.loads(b)
        except ValueError:
            raise Fail(f"/api/v1/alerts is not JSON: {b[:300]}")
        check(j.get("status") == "success" and isinstance(j.get("data"), dict)
              and isinstance(j["data"].get("alerts"), list),
              f"/api/v1/alerts: want {{\"status\":\"success\",\"data\":{{\"alerts\":[...]}}}}, got {b[:500]}")
        for a in j["data"]["alerts"]:
            for k in ("labels", "annotations", "state", "activeAt", "value"):
                check(k in a, f"/api/v1/alerts: alert without {k!r}: {a}")
            if a["labels"].get("alertname") == ALERT and a["state"] == "firing":
                return a
        return None
    wait_until(firing, 10, f"{ALERT} firing in /api/v1/alerts")
    s = parse_prom(scrape(host, port)[0])
    check(total(s, "ALERTS", alertname=ALERT, alertstate="firing") == 1,
          f"ALERTS{{alertname=\"{ALERT}\",alertstate=\"firing\"}} 1 missing on /metrics")

    st, b, _ = http(base + "/api/v1/rules")
    check(st == 200, f"GET /api/v1/rules -> {st}: {b[:300]}")
    try:
        j = json.loads(b)
    except ValueError:
        raise Fail(f"/api/v1/rules is not JSON: {b[:300]}")
    check(j.get("status") == "success" and isinstance(j.get("data"), dict)
          and isinstance(j["data"].get("groups"), list),
          f"/api/v1/rules: want {{\"status\":\"success\",\"data\":{{\"groups\":[...]}}}}, got {b[:500]}")
    groups = {g.get("name"): g for g in j["data"]["groups"]}
    for g in ("live", "log-errors", "auth", "calendar-sync"):
        check(g in groups, f"/api/v1/rules: group {g!r} missing; groups: {sorted(map(str, groups))}")
    for g in groups.values():
        for k in ("name", "file", "rules", "interval"):
            check(k in g, f"/api/v1/rules: group {g.get('name')!r} has no {k!r} (Prometheus has it)")
        for r in g["rules"]:
            for k in ("name", "query", "type", "health", "labels", "annotations"):
                check(k in r, f"/api/v1/rules: rule {r.get('name')!r} has no {k!r}")
            if r["type"] == "alerting":
                for k in ("state", "duration", "alerts"):
                    check(k in r, f"/api/v1/rules: alerting rule {r.get('name')!r} has no {k!r}")
    live = [r for r in groups["live"]["rules"] if r.get("name") == ALERT]
    check(live and live[0].get("type") == "alerting", f"/api/v1/rules: no alerting rule {ALERT}: {groups['live']}")
    check(live[0].get("state") == "firing", f"/api/v1/rules: {ALERT} state {live[0].get('state')!r}, want firing")

    st, b, _ = http(base + "/no/such/path")
    check(st == 404, f"GET /no/such/path -> {st}, want 404")
    check(d.p.poll() is None, "logwarden exited during the test" + d.tail())


def case_node_exporter(env):
    if not os.path.exists(NODE_EXPORTER):
        raise Skip(f"{NODE_EXPORTER} not installed")
    help_text = subprocess.run([NODE_EXPORTER, "--help"], capture_output=True, timeout=30)
    help_text = (help_text.stdout + help_text.stderr).decode()
    for flag in ("--web.listen-address", "--collector.disable-defaults", "--collector.textfile.directory"):
        check(flag in help_text, f"{NODE_EXPORTER} --help lacks {flag}")
    tdir = env.path("textfile")
    os.makedirs(tdir)
    prom = os.path.join(tdir, "logwarden.prom")
    log_file = env.path("app.log")
    open(log_file, "w").close()
    d = env.watch("--textfile", prom, "--textfile-interval", "1s", log_file)
    d.wait_started()
    append(log_file, fail_lines(4, 1))

    def textfile_has(n):
        def fn():
            if not os.path.exists(prom):
                return False
            return total(parse_prom(read_textfile(prom)), "logwarden_records_total") == n
        return fn
    wait_until(textfile_has(5), 10, "the textfile to show logwarden_records_total 5")

    port = free_port()
    ne = env.spawn([NODE_EXPORTER, f"--web.listen-address=127.0.0.1:{port}", "--collector.disable-defaults",
                    "--collector.textfile", f"--collector.textfile.directory={tdir}"], "node_exporter")

    def ne_scrape():
        try:
            st, body, _ = http(f"http://127.0.0.1:{port}/metrics")
        except Fail:
            if ne.p.poll() is not None:
                raise Fail("node_exporter exited" + ne.tail())
            return None
        return body if st == 200 else None
    body = wait_until(ne_scrape, 15, "node_exporter to answer /metrics")
    s = parse_prom(body)
    err = total(s, "node_textfile_scrape_error")
    check(err == 0, f"node_textfile_scrape_error = {err}, want 0; node_exporter log:" + ne.tail())
    check(total(s, "node_textfile_mtime_seconds", file=prom) is not None
          or total(s, "node_textfile_mtime_seconds") is not None, "node_textfile_mtime_seconds missing")
    check_counts(body, "node_exporter /metrics", 5, {PATTERN: 4}, unmatched=1)
    check(total(s, "logwarden_build_info") == 1, "logwarden_build_info missing from node_exporter")

    # The textfile keeps being rewritten: node_exporter sees new records.
    append(log_file, fail_lines(2, 0, start=10))

    def updated():
        b = ne_scrape()
        if not b:
            return False
        s2 = parse_prom(b)
        return (total(s2, "logwarden_records_total") == 7 and total(s2, "node_textfile_scrape_error") == 0
                and b)
    body = wait_until(updated, 10, "node_exporter to show logwarden_records_total 7 after more lines")
    check_counts(body, "node_exporter /metrics (after more lines)", 7, {PATTERN: 6})

    d.signal(signal.SIGTERM)
    rc = d.wait_exit(5)
    check(rc == 0, f"logwarden exited {rc} on SIGTERM" + d.tail())
    ne.signal(signal.SIGTERM)
    ne.wait_exit(10)
    left = sorted(os.listdir(tdir))
    check(left == ["logwarden.prom"], f"textfile dir holds {left}, want only logwarden.prom (temp files left?)")


def case_sighup_broken(env):
    log_file = env.path("app.log")
    open(log_file, "w").close()
    d = env.watch("--listen", "127.0.0.1:0", "--output", "json", log_file)
    host, port = d.port()
    d.wait_started()
    base = f"http://{host}:{port}"
    reload_metric = "logwarden_config_last_reload_successful"
    wait_until(metric_equals(host, port, reload_metric, 1), 5, f"{reload_metric} 1 at start")
    err_rx = r"live\.yaml:\d+:\d+"

    # 1. Invalid PromQL + SIGHUP: old config kept.
    with open(env.live, "w") as f:
        f.write(BROKEN_PROMQL)
    mark = len(d.err)
    d.signal(signal.SIGHUP)
    _, line = d.wait_err(err_rx, 10, "an error log naming live.yaml:LINE:COL after SIGHUP", start=mark)
    check(re.search(r"\blevel=\"?error\b", line) or '"level":"error"' in line,
          f"the reload error is not logged at level error: {line!r}")
    check(re.search(r"live\.yaml:7:\d+", line), f"the reload error does not point at line 7 (the expr): {line!r}")
    wait_until(metric_equals(host, port, reload_metric, 0), 5, f"{reload_metric} 0 after a broken SIGHUP")

    def rules_have_old():
        st, b, _ = http(base + "/api/v1/rules")
        names = [r.get("name") for g in json.loads(b)["data"]["groups"] for r in g.get("rules", [])]
        check(ALERT in names and "LiveBroken" not in names,
              f"/api/v1/rules after a failed reload: want the old rule {ALERT}, got {names}")
        return True
    rules_have_old()

    out_mark = len(d.out)
    append(log_file, fail_lines(1))
    _, ev = d.wait_alert(ALERT, "firing", 10, start=out_mark)
    for k in ("type", "state", "alertname", "labels", "annotations", "value", "activeAt", "firedAt",
              "resolvedAt", "evalTime", "group", "evidence"):
        check(k in ev, f"alert JSON lacks {k!r}: {ev}")
    check(ev["type"] == "alert" and ev["group"] == "live" and ev["firedAt"] and ev["resolvedAt"] is None,
          f"unexpected firing alert JSON: {ev}")
    d.json_events()  # every stdout line is JSON

    # 2. Fixed + SIGHUP: back to 1.
    with open(env.live, "w") as f:
        f.write(LIVE_RULES)
    d.signal(signal.SIGHUP)
    wait_until(metric_equals(host, port, reload_metric, 1), 10, f"{reload_metric} 1 after a good SIGHUP")

    # 3. Invalid YAML + POST /-/reload.
    with open(env.live, "w") as f:
        f.write(BROKEN_YAML)
    mark = len(d.err)
    st, b, _ = http(base + "/-/reload", method="POST")
    log(f"POST /-/reload (broken YAML) -> {st} {b.strip()[:200]!r}")
    check(st >= 400, f"POST /-/reload with a broken rule file -> {st}, want an error status (Prometheus: 500)")
    _, line = d.wait_err(err_rx, 10, "an error log naming live.yaml:LINE:COL after POST /-/reload", start=mark)
    check(re.search(r"\blevel=\"?error\b", line) or '"level":"error"' in line,
          f"the reload error is not logged at level error: {line!r}")
    wait_until(metric_equals(host, port, reload_metric, 0), 5, f"{reload_metric} 0 after a broken POST /-/reload")
    rules_have_old()

    with open(env.live, "w") as f:
        f.write(LIVE_RULES)
    st, b, _ = http(base + "/-/reload", method="POST")
    check(200 <= st < 300, f"POST /-/reload with a valid rule file -> {st}: {b[:300]}")
    wait_until(metric_equals(host, port, reload_metric, 1), 10, f"{reload_metric} 1 after a good POST /-/reload")

    # Counting went on through all of this.
    wait_until(metric_equals(host, port, "logwarden_matches_total", 1, pattern=PATTERN), 5,
               "logwarden_matches_total{pattern=sshd_failed_password} 1")
    check(d.p.poll() is None, "logwarden exited during the test" + d.tail())


def case_sigterm_textfile(env):
    for sig in (signal.SIGTERM, signal.SIGINT):
        name = signal.Signals(sig).name
        prom = env.path(f"out-{name}.prom")
        log_file = env.path(f"app-{name}.log")
        open(log_file, "w").close()
        d = env.watch("--textfile", prom, "--textfile-interval", "1h", log_file)
        d.wait_started()
        lines = fail_lines(3, 2)
        append(log_file, lines)
        time.sleep(1.0)
        t0 = time.monotonic()
        d.signal(sig)
        rc = d.wait_exit(10)
        dt = time.monotonic() - t0
        check(rc == 0, f"exit status {rc} after {name}, want 0" + d.tail())
        check(dt <= 2.0, f"exited {dt:.2f}s after {name}, want within 2 s")
        text = read_textfile(prom)
        check_counts(text, f"textfile after {name}", 5, {PATTERN: 3}, unmatched=2)
        check(total(parse_prom(text), "logwarden_records_total", input=log_file) == 5,
              f"textfile after {name}: no logwarden_records_total{{input=\"{log_file}\"}} 5")
        promtool_check(text, f"the textfile after {name}")
        log(f"{name}: exit 0 after {dt:.2f}s")


def case_stdin_alert(env):
    prom = env.path("out.prom")
    d = env.watch("--output", "json", "--textfile", prom, "-", stdin=True)
    d.wait_started()
    d.write(fail_lines(2, 1))
    _, ev = d.wait_alert(ALERT, "firing", 10)
    check(ev.get("type") == "alert" and ev.get("group") == "live" and ev.get("labels", {}).get("alertname") == ALERT,
          f"unexpected firing alert JSON: {ev}")
    check(d.p.poll() is None, "logwarden exited while stdin was open")
    d.write(fail_lines(1, 1, start=20))
    time.sleep(0.3)
    d.close_stdin()
    rc = d.wait_exit(10)
    check(rc == 0, f"exit status {rc} after stdin EOF, want 0" + d.tail())
    d.json_events()
    text = read_textfile(prom)
    check_counts(text, "textfile after EOF", 5, {PATTERN: 3}, unmatched=2)
    check(total(parse_prom(text), "logwarden_records_total", input="-") == 5,
          "textfile after EOF: no logwarden_records_total{input=\"-\"} 5")


# --- journald samples (systemd 252 style); no journal is needed.
J_MSGS = [  # (identifier, pid, PRIORITY, MESSAGE)
    ("sshd", 3117, "6", "Invalid user oracle from 203.0.113.7 port 51122"),
    ("sshd", 3117, "5", "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= "
                        "rhost=203.0.113.7"),
    ("sshd", 3117, "6", "Failed password for invalid user oracle from 203.0.113.7 port 51122 ssh2"),
    ("sshd", 3121, "6", "Failed password for root from 198.51.100.23 port 40022 ssh2"),
    ("sshd", 3125, "6", "Accepted publickey for deploy from 10.0.3.4 port 40022 ssh2: ED25519 "
                        "SHA256:Zb7mXx9QnJ2pY0mT3cQ7k9s1V4hGf8aLwE2rN5uK6dI"),
    ("systemd-logind", 402, "6", "New session 14 of user deploy."),
    ("worker", 812, "4", 'Traceback (most recent call last):\n  File "/srv/app/worker.py", line 41, in run\n'
                         '    job.execute()\nValueError: bad payload'),
    ("worker", 812, "3", "worker exited with status 1"),
    ("sshd", 3130, "6", "message repeated 2 times: [ Failed password for root from 198.51.100.23 port 40022 ssh2]"),
]
J_BASE_US = 1795401541000000  # 2026-11-23T02:39:01Z


def journal_sample(fmt):
    """-> (text, records, {pattern: count}, unmatched)."""
    lines = []
    for i, (ident, pid, prio, msg) in enumerate(J_MSGS):
        us = J_BASE_US + i * 1_000_123
        sec, frac = divmod(us, 1_000_000)
        tm = time.gmtime(sec)
        if fmt == "json":
            lines.append(json.dumps({
                "__CURSOR": f"s=6f1c2f6e0d9a4f7b8f3e1b2a5c4d3e2f;i={0x1a2b + i:x};"
                            f"b=0c9a5e3f1d2b4c6a8e7f9d1b3a5c7e9f;m={0x2f5e1c + i:x};t={us:x};x=9a8b7c6d5e4f3a2b",
                "__REALTIME_TIMESTAMP": str(us), "__MONOTONIC_TIMESTAMP": str(3104540 + i * 1000123),
                "_BOOT_ID": "0c9a5e3f1d2b4c6a8e7f9d1b3a5c7e9f", "_MACHINE_ID": "4b6c8d0e2f4a6b8c0d2e4f6a8b0c2d4e",
                "_HOSTNAME": "edge-01", "PRIORITY": prio, "SYSLOG_FACILITY": "4" if ident == "sshd" else "3",
                "_UID": "0", "_GID": "0", "_TRANSPORT": "syslog" if ident == "sshd" else "journal",
                "SYSLOG_IDENTIFIER": ident, "SYSLOG_PID": str(pid), "_PID": str(pid), "_COMM": ident,
                "_SYSTEMD_UNIT": "ssh.service" if ident == "sshd" else f"{ident}.service",
                "MESSAGE": msg, "_SOURCE_REALTIME_TIMESTAMP": str(us - 55)}, separators=(",", ":")))
            continue
        if fmt == "cat":
            if "\n" in msg:
                continue  # -o cat prints a multi-line message verbatim: no framing to rely on
            lines.append(msg)
            continue
        if fmt == "short-iso":
            stamp = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", tm)
        else:  # short-precise
            stamp = time.strftime("%b %d %H:%M:%S", tm) + f".{frac:06d}"
        prefix = f"{stamp} edge-01 {ident}[{pid}]: "
        # journalctl indents the continuation lines of a message by the prefix width.
        lines.append(prefix + msg.replace("\n", "\n" + " " * len(prefix)))
    text = "\n".join(lines) + "\n"
    matches = {"sshd_failed_password": 3, "sshd_invalid_user": 1, "pam_auth_failure": 1}
    if fmt == "cat":
        return text, 8, matches, 3  # no traceback; "worker exited" is unmatched without PRIORITY
    matches["python_traceback"] = 1
    if fmt == "json":
        matches["journald_priority_error"] = 1
        return text, 9, matches, 2
    return text, 9, matches, 3


def case_journald(env):
    for fmt in ("json", "short-iso", "short-precise", "cat"):
        text, records, matches, unmatched = journal_sample(fmt)
        with open(env.path(f"journal-{fmt}.txt"), "w") as f:
            f.write(text)
        prom = env.path(f"journal-{fmt}.prom")
        d = env.watch("--textfile", prom, "-", stdin=True)
        d.p.stdin.write(text.encode())
        d.close_stdin()
        rc = d.wait_exit(15)
        check(rc == 0, f"-o {fmt}: exit status {rc} after EOF" + d.tail())
        check_counts(read_textfile(prom), f"journalctl -o {fmt} sample", records, matches, unmatched)
        log(f"-o {fmt}: {records} records OK")


CASES = {
    "metrics": case_metrics,
    "node_exporter": case_node_exporter,
    "sighup-broken": case_sighup_broken,
    "sigterm-textfile": case_sigterm_textfile,
    "stdin-alert": case_stdin_alert,
    "journald": case_journald,
}
CASE_TIMEOUT = 120


class CaseTimeout(Exception):
    pass


def run_case(name, bin_path):
    env = Env(bin_path)

    def on_alarm(*_):
        raise CaseTimeout()
    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(CASE_TIMEOUT)
    t0 = time.monotonic()
    try:
        CASES[name](env)
        return "PASS", ""
    except Skip as e:
        return "SKIP", str(e)
    except Fail as e:
        return "FAIL", str(e)
    except CaseTimeout:
        return "FAIL", f"the case did not finish within {CASE_TIMEOUT}s" + "".join(d.tail() for d in env.procs)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
        env.close()
        log(f"{name}: {time.monotonic() - t0:.1f}s")


def main():
    global VERBOSE, KEEP
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", default=os.environ.get("LOGWARDEN_BIN", os.path.join(ROOT, ".build/debug/logwarden")))
    ap.add_argument("--case", default="all", help="one of: all, " + ", ".join(CASES))
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--keep", action="store_true", help="keep the temp dirs")
    a = ap.parse_args()
    VERBOSE, KEEP = a.verbose, a.keep
    harness.VERBOSE = VERBOSE
    names = list(CASES) if a.case == "all" else [a.case]
    for n in names:
        if n not in CASES:
            print(f"unknown case {n!r}; cases: {', '.join(CASES)}", file=sys.stderr)
            return 2
    bin_path = os.path.abspath(a.bin)
    if not os.access(bin_path, os.X_OK):
        print(f"FAIL: binary {bin_path} not found or not executable", flush=True)
        return 1
    passed = failed = 0
    for n in names:
        status, msg = run_case(n, bin_path)
        print(f"{status} {n}" + (f": {msg}" if msg else ""), flush=True)
        if status == "FAIL":
            failed += 1
        else:
            passed += 1
    print(f"{passed} passed, {failed} failed", flush=True)
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
