#!/usr/bin/env python3
"""Delivery of logwarden's alerts to a real Prometheus Alertmanager and to webhooks (Python 3 stdlib).

    python3 Tests/Delivery/alertmanager_test.py --bin .build/debug/logwarden              # every scenario
    python3 Tests/Delivery/alertmanager_test.py --bin BIN --scenario outage -v            # one (repeatable)
    python3 Tests/Delivery/alertmanager_test.py --scenario harness                        # no logwarden needed

Scenarios (see README.md): harness, firing-resolved, webhook-routing, resend, webhook-direct,
fake-am, auth-tls, outage, outage-freeze, outbox-watch, outbox-scan.  `all` (default) is every
scenario but `harness`.  When `BIN scan --help` has no --alertmanager yet, every logwarden
scenario is reported as SKIP and the run exits 0 ("skipped").

Prints one line per scenario and `N passed, M failed, K skipped`; exit 0 if nothing failed, 1 on a
failure, 2 on a harness error (Alertmanager missing or not starting, openssl, ...).
"""

import argparse
import collections
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.dont_write_bytecode = True  # no __pycache__ in the work tree
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "support"))
from child import Child  # noqa: E402
import harness  # noqa: E402
from harness import Fail, Skip, check, log  # noqa: E402
from am import (GO_ZERO_TIME, Alertmanager, HarnessError, Recorder, WaitTimeout, am_alert,  # noqa: E402
                basic_auth_header, find_alertmanager, fingerprint, http_request, make_tls, metric_sum,
                parse_metrics, parse_time, rfc3339, wait_until, webhook_alerts)

VERBOSE = False
KEEP = None
BIN = None

ALERT = "DeliveryTest"
EXT_LABELS = {"env": "delivery-test", "cluster": "ci"}
RULE_LABELS = {"severity": "critical", "team": "delivery"}
RUNBOOK = "https://runbooks.example.org/logwarden/delivery"
SUCCESS_OUTCOMES = {"success", "sent", "delivered", "ok"}
DROP_RE = re.compile(r"drop|expire|discard")
WEBHOOK_KEYS = {"version", "status", "receiver", "groupKey", "groupLabels", "commonLabels",
                "commonAnnotations", "externalURL", "alerts"}
WEBHOOK_ALERT_KEYS = {"status", "labels", "annotations", "startsAt", "endsAt", "generatorURL", "fingerprint"}
POSTABLE_KEYS = {"labels", "annotations", "startsAt", "endsAt", "generatorURL"}

# flags of the contract, and which scenario needs which
FLAGS_ALL = ["--alertmanager", "--resend-delay", "--external-label", "--webhook", "--send-timeout",
             "--alertmanager-bearer-token-file", "--alertmanager-basic-auth-file", "--alertmanager-ca-file"]


def near(a, b, tol):
    return a is not None and b is not None and abs(a - b) <= tol


def fmt_t(t):
    return rfc3339(t) if t is not None else "None"


# ---------------------------------------------------------------- logwarden process

class LW(Child):
    """logwarden as a child process; stdout (JSON Lines alert transitions) and stderr collected."""

    def __init__(self, argv, cwd, name="logwarden", env=None):
        super().__init__(argv, cwd, name=name, env=env)
        self._port = None

    def text(self):
        with self.cv:
            return "\n".join(self.out) + "\n" + "\n".join(self.err)

    def wait_started(self, timeout=20):
        rx = re.compile(r'\bmsg="?started\b')
        self.wait_line("stderr", lambda l: rx.search(l) is not None, timeout, 'the msg="started" log line')

    @property
    def port(self):
        if self._port is None:
            _, line = self.wait_line("stderr", lambda l: "listening on http://" in l, 20, "listening on http://")
            m = re.search(r"listening on http://(\[[^\]]+\]|[^\s:\"/]+):(\d+)", line)
            check(m, f"cannot parse HOST:PORT from {line!r}")
            self._port = int(m.group(2))
        return self._port

    def events(self):
        with self.cv:
            lines = list(self.out)
        evs = []
        for l in lines:
            try:
                e = json.loads(l)
            except ValueError:
                continue
            if isinstance(e, dict) and e.get("type") == "alert":
                evs.append(e)
        return evs

    def wait_alert(self, state, cls, timeout, start=0):
        """-> the JSON event of the first `state` transition of DeliveryTest{class=cls}."""
        def pred(l):
            try:
                e = json.loads(l)
            except ValueError:
                return False
            return (isinstance(e, dict) and e.get("alertname") == ALERT and e.get("state") == state
                    and (e.get("labels") or {}).get("class") == cls)
        _, line = self.wait_line("stdout", pred, timeout, f"a {state} {ALERT}{{class={cls}}} on stdout", start)
        return json.loads(line)

    def metrics(self):
        st, body, _ = http_request(f"http://127.0.0.1:{self.port}/metrics", timeout=5)
        check(st == 200, f"{self.name} /metrics: HTTP {st}")
        return parse_metrics(body.decode())

    def get(self, path):
        st, body, _ = http_request(f"http://127.0.0.1:{self.port}{path}", timeout=5)
        return st, body.decode("utf-8", "replace")

    def kill(self, sig=signal.SIGKILL):
        if self.p.poll() is None:
            log(f"send {signal.Signals(sig).name} to {self.name} pid {self.p.pid}")
            self.p.send_signal(sig)
            try:
                self.p.wait(10)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait(5)
        for t in self.threads:
            t.join(2)
        return self.p.returncode


# ---------------------------------------------------------------- logwarden metrics

class Notif:
    """logwarden_notifications_total{sink,outcome}, logwarden_notifications_queue_length,
    logwarden_notification_latency_seconds, summed over sinks."""

    def __init__(self, samples):
        self.outcomes = collections.defaultdict(float)
        self.sinks = set()
        self.present = set()
        buckets = collections.defaultdict(float)
        for n, l, v in samples:
            if n.startswith("logwarden_notification"):
                self.present.add(n)
            if n == "logwarden_notifications_total":
                self.outcomes[l.get("outcome", "")] += v
                self.sinks.add(l.get("sink", ""))
            elif n == "logwarden_notification_latency_seconds_bucket":
                try:
                    buckets[float(l.get("le", "nan"))] += v
                except ValueError:
                    pass
        self.success = sum(v for o, v in self.outcomes.items() if o in SUCCESS_OUTCOMES)
        self.dropped = sum(v for o, v in self.outcomes.items() if o not in SUCCESS_OUTCOMES and DROP_RE.search(o))
        self.failed = sum(self.outcomes.values()) - self.success - self.dropped
        self.queue = metric_sum(samples, "logwarden_notifications_queue_length")
        self.lat_count = metric_sum(samples, "logwarden_notification_latency_seconds_count")
        self.lat_sum = metric_sum(samples, "logwarden_notification_latency_seconds_sum")
        self.buckets = sorted(buckets.items())

    def slower_than(self, seconds):
        """(bound, count of observations above bound) with bound = the largest bucket <= seconds."""
        below = [(le, c) for le, c in self.buckets if le <= seconds]
        if not below:
            return None, None
        le, c = below[-1]
        return le, self.lat_count - c

    def require_metrics(self):
        for n in ("logwarden_notifications_total", "logwarden_notifications_queue_length",
                  "logwarden_notification_latency_seconds_count", "logwarden_notification_latency_seconds_bucket"):
            check(n in self.present, f"/metrics has no {n} (present: {sorted(self.present) or 'none'})")

    def __str__(self):
        return (f"outcomes={dict(self.outcomes)} sinks={sorted(self.sinks)} queue={self.queue:g} "
                f"latency count={self.lat_count:g} sum={self.lat_sum:.1f}s")


# ---------------------------------------------------------------- fixtures

def rules_yaml(window):
    return f"""\
# Written by Tests/Delivery/alertmanager_test.py: one alert per class, firing on the first record.
groups:
  - name: delivery
    interval: 1s
    rules:
      - alert: {ALERT}
        expr: sum by (class) (increase(logwarden_matches_total{{class=~"timeout|auth_failure"}}[{window}])) > 0
        for: 0s
        labels:
          severity: {RULE_LABELS['severity']}
          team: {RULE_LABELS['team']}
        annotations:
          summary: '{{{{ $labels.class }}}} records in the last {window}'
          runbook_url: '{RUNBOOK}'
"""


def timeout_line(i=1, t=None):
    ts = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(t)) + ",%03d" % (i % 1000)
    return f"{ts} WARNING [calsync.google] events.list timed out for user={i} after 30.0s (read timeout=30), retrying in 2s"


def ssh_line(i=1, t=None):
    ts = time.strftime("%Y-%m-%dT%H:%M:%S+0000", time.gmtime(t))
    return f"{ts} edge-01 sshd[{3000 + i}]: Failed password for root from 198.51.100.{i % 250 + 1} port {40000 + i} ssh2"


class Env:
    def __init__(self, name, window="5s"):
        self.name = name
        self.dir = tempfile.mkdtemp(prefix=f"lw-delivery-{name}-")
        self.rules = os.path.join(self.dir, "rules")
        shutil.copytree(os.path.join(ROOT, "rules", "patterns"), self.rules)
        with open(os.path.join(self.rules, "delivery.yaml"), "w") as f:
            f.write(rules_yaml(window))
        self.log = os.path.join(self.dir, "app.log")
        open(self.log, "w").close()
        self.hook = Recorder()
        self.ams, self.procs = [], []
        self.seq = 0
        self.secrets = []
        self.stoppers = []

    def path(self, *p):
        return os.path.join(self.dir, *p)

    def am(self, name="am", start=True, **kw):
        a = Alertmanager(route_to=f"{self.hook.url}/{name}", workdir=self.path(name), name=name, **kw)
        self.ams.append(a)
        if start:
            a.start()
            log(f"{name}: {a.url} ready after {a.ready_after:.2f}s (pid {a.pid})")
        return a

    def lw(self, cmd, *args, name="logwarden", listen=True, inputs=None, env=None):
        argv = [BIN, cmd, "--rules", self.rules, "--output", "json"]
        if listen:
            argv += ["--listen", "127.0.0.1:0"]
        argv += list(args) + (inputs if inputs is not None else [self.log])
        p = LW(argv, self.dir, name, env)
        self.procs.append(p)
        return p

    def append(self, *lines):
        with open(self.log, "a") as f:
            f.write("".join(l + "\n" for l in lines))

    def fire(self, cls):
        self.seq += 1
        self.append(timeout_line(self.seq) if cls == "timeout" else ssh_line(self.seq))

    def close(self, failed):
        for stop in self.stoppers:
            stop()
        for p in self.procs:
            p.kill()
        if failed:
            for p in self.procs:
                print(p.tail(15))
            for a in self.ams:
                print(f"  --- {a.name} log ---\n" + a.log_tail(10))
        for a in self.ams:
            try:
                a.stop()
            except Exception:  # noqa: BLE001
                pass
        self.hook.close()
        for p in self.procs:  # no secret in anything logwarden wrote
            for s in self.secrets:
                if s in p.text():
                    raise Fail(f"a secret ({s[:3]}...) appears in {p.name}'s stdout/stderr")
        if KEEP:
            for i, p in enumerate(self.procs):
                with open(self.path(f"{p.name}.{i}.out"), "w") as f:
                    f.write("\n".join(p.out) + "\n")
                with open(self.path(f"{p.name}.{i}.err"), "w") as f:
                    f.write("\n".join(p.err) + "\n")
            dst = os.path.join(KEEP, self.name)
            shutil.rmtree(dst, ignore_errors=True)
            shutil.copytree(self.dir, dst, symlinks=True, ignore_dangling_symlinks=True)
        shutil.rmtree(self.dir, ignore_errors=True)


def expected_labels(cls, external=True):
    lab = {"alertname": ALERT, "class": cls, **RULE_LABELS}
    if external:
        lab.update(EXT_LABELS)
    return lab


def hostnames():
    names = {socket.gethostname()}
    try:
        names.add(socket.getfqdn())
    except OSError:
        pass
    return names


def check_labels(got, cls, where, external=True, instance=True):
    want = expected_labels(cls, external)
    inst = got.get("instance")
    if instance:
        check(inst in hostnames(), f"{where}: instance={inst!r}, want the host name {sorted(hostnames())}")
    rest = {k: v for k, v in got.items() if k != "instance"}
    check(rest == want, f"{where}: labels {got}, want {want} + instance")


def check_annotations(got, cls, where):
    want = {"summary": f"{cls} records in the last", "runbook_url": RUNBOOK}
    check(isinstance(got, dict) and got.get("runbook_url") == RUNBOOK
          and str(got.get("summary", "")).startswith(want["summary"]),
          f"{where}: annotations {got}, want summary '{cls} records in the last ...' and runbook_url")


def lw_notif(lw):
    return Notif(lw.metrics())


def webhook_per_fp(requests):
    """{fingerprint: [(status, startsAt, endsAt), ...]} in arrival order."""
    out = collections.defaultdict(list)
    for _, _, a in webhook_alerts(requests):
        out[a.get("fingerprint")].append((a.get("status"), a.get("startsAt"), a.get("endsAt")))
    return out


def check_no_duplicates(requests, where):
    """Every alert (fingerprint) is notified firing at most once, and never firing after resolved."""
    for fp, seq in webhook_per_fp(requests).items():
        statuses = [s for s, _, _ in seq]
        check(statuses.count("firing") <= 1 and statuses.count("resolved") <= 1
              and statuses != ["resolved", "firing"],
              f"{where}: alert {fp} notified {statuses} (a duplicate beyond Alertmanager's dedup)")


# ---------------------------------------------------------------- scenario: harness (no logwarden)

def sc_harness(notes):
    """The harness against the real Alertmanager: what logwarden will do, done with urllib."""
    d = tempfile.mkdtemp(prefix="lw-delivery-harness-")
    hook = Recorder()
    am = Alertmanager(route_to=hook.url + "/am", workdir=os.path.join(d, "am"), name="am")
    ams = [am]
    try:
        notes.append(am.version())
        am.start()
        notes.append(f"ready in {am.ready_after:.2f}s")
        st = am.status()
        check(st and st.get("cluster", {}).get("status") == "disabled",
              f"cluster not disabled: {st and st.get('cluster')}")
        check(st["config"]["original"].count("group_wait: 1s") == 1, "config not loaded")

        labels = {"alertname": "HarnessAlert", "class": "timeout", "severity": "critical", "instance": "h1"}
        ann = {"summary": "harness alert", "description": "line 1\nline 2 \"quoted\" é"}
        t0 = time.time()
        fired = am_alert(labels, ann, starts_at=t0 - 1, ends_in=240, generator_url="http://h1:9433/api/v1/alerts")
        code, body = am.post_alerts([fired])
        check(code == 200, f"POST firing: {code} {body}")
        a = am.wait_alert(3, alertname="HarnessAlert")
        check(a["labels"] == labels, f"labels {a['labels']}")
        check(a["annotations"] == ann, f"annotations {a['annotations']}")
        check(a["status"]["state"] == "active", f"state {a['status']}")
        check(near(parse_time(a["startsAt"]), t0 - 1, 0.002), f"startsAt {a['startsAt']} vs {fmt_t(t0 - 1)}")
        check(near(parse_time(a["endsAt"]), parse_time(fired["endsAt"]), 0.002), f"endsAt {a['endsAt']}")
        check(a["fingerprint"] == fingerprint(labels), f"fingerprint {a['fingerprint']} != {fingerprint(labels)}")
        check(a["generatorURL"] == fired["generatorURL"], "generatorURL")
        check([r["name"] for r in a["receivers"]] == ["hook"], f"receivers {a['receivers']}")

        # routed to the webhook after group_wait (1s)
        rs = hook.wait(lambda rs: rs, 5, "the firing webhook", prefix="/am")
        lag = rs[0].time - t0
        b = rs[0].json
        check(set(b) == WEBHOOK_KEYS | {"truncatedAlerts"}, f"webhook keys {sorted(b)}")
        check(b["version"] == "4" and b["status"] == "firing" and b["receiver"] == "hook", f"webhook {b}")
        check(b["externalURL"] == am.url, f"externalURL {b['externalURL']} != {am.url}")
        check(b["groupKey"] == '{}:{alertname="HarnessAlert", class="timeout", instance="h1", severity="critical"}',
              f"groupKey {b['groupKey']}")
        check(b["groupLabels"] == labels and b["commonLabels"] == labels and b["commonAnnotations"] == ann,
              "group/common labels")
        wa = b["alerts"][0]
        check(set(wa) == WEBHOOK_ALERT_KEYS, f"webhook alert keys {sorted(wa)}")
        check(wa["endsAt"] == GO_ZERO_TIME, f"a firing alert's endsAt in a webhook is {wa['endsAt']}")
        check(wa["fingerprint"] == fingerprint(labels) and wa["status"] == "firing", f"{wa}")
        check(rs[0].headers.get("User-Agent", "").startswith("Alertmanager/"), "User-Agent")
        notes.append(f"webhook {lag:.1f}s after POST")

        # a resend (later endsAt) is deduplicated by Alertmanager: no second notification
        code, _ = am.post_alerts([am_alert(labels, ann, starts_at=t0 - 1, ends_in=300,
                                           generator_url=fired["generatorURL"])])
        check(code == 200, "resend")
        time.sleep(2.5)
        check(len(hook.get("/am")) == 1, f"resend caused a notification: {hook.get('/am')}")
        check(am.received("firing") == 2, f"received firing {am.received('firing')}")

        # resolution: endsAt = resolve time (now) -> gone from GET, webhook 'resolved' with that endsAt
        t_res = time.time() - 0.5
        code, body = am.post_alerts([am_alert(labels, ann, starts_at=t0 - 1, ends_at=t_res,
                                              generator_url=fired["generatorURL"])])
        check(code == 200, f"POST resolved: {code} {body}")
        check(not am.alerts(alertname="HarnessAlert"), "a resolved alert is still listed by GET /api/v2/alerts")
        rs = hook.wait(lambda rs: len(rs) >= 2 and rs, 5, "the resolved webhook", prefix="/am")
        b = rs[1].json
        wa = b["alerts"][0]
        check(b["status"] == "resolved" and wa["status"] == "resolved", f"{b}")
        check(near(parse_time(wa["endsAt"]), t_res, 0.002), f"resolved endsAt {wa['endsAt']} vs {fmt_t(t_res)}")
        check(near(parse_time(wa["startsAt"]), t0 - 1, 0.002), f"resolved startsAt {wa['startsAt']}")
        check(am.received("resolved") == 1, "received resolved")

        # quirk: a 'resolution' whose endsAt is still in Alertmanager's future does not shorten an
        # earlier, later endsAt: the alert stays active until the old endsAt
        l2 = dict(labels, alertname="HarnessQuirk")
        t1 = time.time()
        am.post_alerts([am_alert(l2, starts_at=t1, ends_in=240)])
        am.post_alerts([am_alert(l2, starts_at=t1, ends_in=2)])
        time.sleep(3)
        q = am.alerts(alertname="HarnessQuirk")
        check(len(q) == 1 and parse_time(q[0]["endsAt"]) > time.time() + 200,
              f"quirk not reproduced: {q}")
        notes.append("endsAt in the future never shortens an earlier endsAt (checked)")
        # quirk: endsAt without startsAt -> startsAt := endsAt
        l3 = dict(labels, alertname="HarnessNoStart")
        end3 = time.time() + 120
        am.post_alerts([am_alert(l3, ends_at=end3)])
        q = am.alerts(alertname="HarnessNoStart")
        check(q and near(parse_time(q[0]["startsAt"]), end3, 0.002), f"startsAt without startsAt: {q}")
        notes.append("endsAt without startsAt makes startsAt = endsAt (checked)")

        # a firing alert without endsAt: Alertmanager sets now + resolve_timeout (5m)
        am.post_alerts([am_alert({"alertname": "HarnessNoEnd"})])
        q = am.alerts(alertname="HarnessNoEnd")[0]
        check(near(parse_time(q["endsAt"]) - parse_time(q["updatedAt"]), 300, 0.01), f"no endsAt: {q}")

        # what Alertmanager 0.25 refuses
        st, body, _ = am.request("/api/v2/alerts", "POST", json.dumps([{"labels": {"alertname": "X"}}]).encode(),
                                 {"Content-Type": "text/plain"})
        check(st == 415, f"text/plain: {st}")
        code, body = am.post_alerts([{"labels": {"alertname": "Bad", "a-b": "1"}}, {"labels": {"alertname": "Good"}}])
        check(code == 400 and am.alerts(alertname="Good"), f"partial batch: {code} {body}")
        code, _ = am.post_alerts([{"annotations": {}}])
        check(code == 422, f"no labels: {code}")
        code, _ = am.post_alerts([{"labels": {"alertname": "B", "n": 1}}])
        check(code == 400, f"non-string label value: {code}")
        code, _ = am.post_alerts([am_alert({"alertname": "B"}, starts_at=time.time(), ends_at=time.time() - 60)])
        check(code == 400, f"endsAt before startsAt: {code}")
        code, _ = am.post_alerts([{"labels": {"alertname": "Empty", "x": ""}}])
        check(code == 200 and am.alerts(alertname="Empty")[0]["labels"] == {"alertname": "Empty"},
              "an empty label value is dropped")
        code, _ = am.post_alerts([])
        check(code == 200, "empty array")
        notes.append("400 for a partly invalid batch stores the valid alerts")

        # restart on the same port: memory (alerts) lost, storage kept
        t = time.monotonic()
        am.stop()
        check(not am.running(), "still running")
        try:
            http_request(am.url + "/-/ready", timeout=1)
            raise Fail("port still answers after stop")
        except OSError:
            pass
        am.start()
        check(am.alerts() == [], "alerts survived a restart")
        check(os.path.exists(os.path.join(am.storage, "nflog")), "no nflog snapshot in --storage.path")
        notes.append(f"stop+start {time.monotonic() - t:.1f}s")

        # freeze: connections hang (a receiver that times out), thaw: answers again
        am.freeze()
        t = time.monotonic()
        try:
            http_request(am.url + "/-/ready", timeout=1.5)
            raise Fail("a frozen Alertmanager answered")
        except OSError:
            pass
        check(time.monotonic() - t >= 1.4, "a frozen Alertmanager refused instead of hanging")
        am.thaw()
        check(http_request(am.url + "/-/ready", timeout=3)[0] == 200, "not ready after thaw")

        # Recorder as a fake Alertmanager: status per path, limited times
        hook.respond("/fake", 503, times=2)
        sts = [http_request(hook.url + "/fake/api/v2/alerts", "POST", [])[0] for _ in range(3)]
        check(sts == [503, 503, 200], f"recorder statuses {sts}")

        # https + basic auth Alertmanager (web.config.file) as --alertmanager-ca-file / -basic-auth-file need
        tls = make_tls(os.path.join(d, "tls"))
        am2 = Alertmanager(route_to=hook.url + "/tls", workdir=os.path.join(d, "am-tls"), name="am-tls", tls=tls,
                           basic_auth=("logwarden", "s3cret-pw"))
        ams.append(am2)
        am2.start()
        code, _ = am2.post_alerts([am_alert({"alertname": "TlsAlert"}, ends_in=60)])
        check(code == 200 and am2.alerts(alertname="TlsAlert"), f"https+auth POST: {code}")
        st, _, _ = am2.request("/api/v2/alerts", auth=False)
        check(st == 401, f"no credentials: {st}")
        st, _, _ = am2.request("/api/v2/alerts", headers={"Authorization": basic_auth_header("logwarden", "wrong")},
                               auth=False)
        check(st == 401, f"wrong password: {st}")
        try:
            http_request(am2.url + "/-/ready", timeout=3)  # default trust store: must fail
            raise Fail("https accepted without the CA file")
        except OSError:
            pass
        notes.append("https+basic auth ok")
    finally:
        for a in ams:
            a.stop()
        hook.close()
        if KEEP:
            shutil.copytree(d, os.path.join(KEEP, "harness"), dirs_exist_ok=True)
        shutil.rmtree(d, ignore_errors=True)


# ---------------------------------------------------------------- logwarden scenarios

def ext_args():
    a = []
    for k, v in EXT_LABELS.items():
        a += ["--external-label", f"{k}={v}"]
    return a


def sc_firing_resolved(env, notes):
    """(a) firing then resolved, read back with GET /api/v2/alerts."""
    am = env.am("am")
    lw = env.lw("watch", "--alertmanager", am.url, *ext_args())
    lw.wait_started()
    env.fire("timeout")
    fired = lw.wait_alert("firing", "timeout", 15)
    t_fired_seen = time.time()
    a = am.wait_alert(10, alertname=ALERT, **{"class": "timeout"})
    notes.append(f"in Alertmanager {time.time() - t_fired_seen:.2f}s after the FIRING line")
    check_labels(a["labels"], "timeout", "GET /api/v2/alerts")
    check(a["annotations"] == fired["annotations"],
          f"annotations {a['annotations']} != logwarden's {fired['annotations']}")
    check_annotations(a["annotations"], "timeout", "GET /api/v2/alerts")
    check(a["status"]["state"] == "active", f"state {a['status']}")
    check(near(parse_time(a["startsAt"]), parse_time(fired["firedAt"]), 1.0),
          f"startsAt {a['startsAt']}, want firedAt {fired['firedAt']}")
    ev = parse_time(fired["evalTime"])
    ends = parse_time(a["endsAt"])
    # endsAt = evalTime + 4 x max(group interval 1s, resend delay 1m) = evalTime + 240s
    check(near(ends, ev + 240, 2.5), f"endsAt {a['endsAt']}, want evalTime {fired['evalTime']} + 4m")
    check(a["fingerprint"] == fingerprint(a["labels"]), "fingerprint")
    notes.append(f"generatorURL={a.get('generatorURL', '(none)')}")
    n = lw_notif(lw)
    n.require_metrics()

    resolved = lw.wait_alert("resolved", "timeout", 30)
    t_res = parse_time(resolved["resolvedAt"])
    am.wait_gone(8, f"{ALERT} gone from GET /api/v2/alerts after the RESOLVED line", alertname=ALERT)
    check(time.time() < ends - 60, "resolution not sent: the alert only went away at its endsAt")
    check(am.received("resolved") >= 1, "Alertmanager counted no resolved alert")
    rs = env.hook.wait(lambda rs: [x for x in webhook_alerts(rs) if x[2]["status"] == "resolved"], 10,
                       "the resolved notification from Alertmanager", prefix="/am")
    wa = rs[0][2]
    check(near(parse_time(wa["endsAt"]), t_res, 1.0), f"resolved endsAt {wa['endsAt']}, want resolvedAt "
          f"{resolved['resolvedAt']}")
    check(parse_time(wa["endsAt"]) <= rs[0][0], "resolved endsAt is in the future of its arrival")
    n = wait_until(lambda: (lambda n: n.success >= 2 and n.queue == 0 and n)(lw_notif(lw)), 10,
                   "2 successful notifications and an empty queue")
    check(n.failed == 0 and n.dropped == 0, f"failures without an outage: {n}")
    check(n.lat_count >= 2, f"latency histogram: {n}")
    notes.append(str(n))


def sc_webhook_routing(env, notes):
    """(b) the notification routed through Alertmanager to its webhook receiver."""
    am = env.am("am")
    lw = env.lw("watch", "--alertmanager", am.url, *ext_args())
    lw.wait_started()
    env.fire("auth_failure")
    fired = lw.wait_alert("firing", "auth_failure", 15)
    t = time.time()
    reqs = env.hook.wait(lambda rs: rs, 10, "Alertmanager's webhook", prefix="/am")
    notes.append(f"webhook {reqs[0].time - t:.2f}s after FIRING (group_wait 1s)")
    b = reqs[0].json
    check(b["version"] == "4" and b["status"] == "firing" and b["receiver"] == "hook", f"{b}")
    check(len(b["alerts"]) == 1, f"{len(b['alerts'])} alerts")
    wa = b["alerts"][0]
    check_labels(wa["labels"], "auth_failure", "webhook alert")
    check(b["groupLabels"] == wa["labels"] == b["commonLabels"], "group/common labels")
    check_annotations(wa["annotations"], "auth_failure", "webhook alert")
    check(b["commonAnnotations"] == wa["annotations"], "commonAnnotations")
    check(b["externalURL"] == am.url, f"externalURL {b['externalURL']}")
    check(wa["status"] == "firing" and wa["endsAt"] == GO_ZERO_TIME, f"{wa}")
    check(near(parse_time(wa["startsAt"]), parse_time(fired["firedAt"]), 1.0), f"startsAt {wa['startsAt']}")
    check(wa["fingerprint"] == fingerprint(wa["labels"]), "fingerprint")
    check(wa["fingerprint"] == am.alerts(alertname=ALERT)[0]["fingerprint"], "fingerprint vs GET")
    resolved = lw.wait_alert("resolved", "auth_failure", 30)
    reqs = env.hook.wait(lambda rs: len(rs) >= 2 and rs, 10, "the resolved webhook", prefix="/am")
    b = reqs[1].json
    wa = b["alerts"][0]
    check(b["status"] == "resolved" and wa["status"] == "resolved", f"{b}")
    check(near(parse_time(wa["endsAt"]), parse_time(resolved["resolvedAt"]), 1.0),
          f"resolved endsAt {wa['endsAt']} vs resolvedAt {resolved['resolvedAt']}")
    time.sleep(3)
    check(len(env.hook.get("/am")) == 2, f"{len(env.hook.get('/am'))} webhook notifications, want 2")
    check_no_duplicates(env.hook.get("/am"), "webhook")


def sc_resend(env, notes):
    """--resend-delay 2s: the firing alert is re-sent, endsAt = evalTime + 4 x 2s moves on, and
    Alertmanager's dedup keeps it to one notification."""
    am = env.am("am")
    lw = env.lw("watch", "--alertmanager", am.url, "--resend-delay", "2s")
    lw.wait_started()
    env.fire("timeout")
    lw.wait_alert("firing", "timeout", 15)
    seen = []
    t_end = time.time() + 7
    while time.time() < t_end:
        for a in am.alerts(alertname=ALERT):
            seen.append((time.time(), parse_time(a["endsAt"])))
        time.sleep(0.5)
    check(seen, "the alert never reached Alertmanager")
    for now, ends in seen:
        check(now - 0.5 < ends <= now + 8 + 2, f"endsAt {fmt_t(ends)} at {fmt_t(now)}: want within "
              "4 x 2s of the last evaluation")
    check(seen[-1][1] - seen[0][1] >= 4, f"endsAt did not move on: {fmt_t(seen[0][1])} .. {fmt_t(seen[-1][1])}")
    fired_posts = am.received("firing")
    check(fired_posts >= 3, f"Alertmanager received the firing alert {fired_posts:g} times in 7s, want >= 3")
    notes.append(f"{fired_posts:g} firing posts in ~7s")
    lw.wait_alert("resolved", "timeout", 30)
    am.wait_gone(8, alertname=ALERT)
    env.hook.wait(lambda rs: len(rs) >= 2, 10, "the resolved webhook", prefix="/am")
    time.sleep(2)
    check([r.json["status"] for r in env.hook.get("/am")] == ["firing", "resolved"],
          f"webhook statuses {[r.json['status'] for r in env.hook.get('/am')]}, want firing, resolved")


def check_webhook_body(r, where):
    b = r.json
    check(r.method == "POST", f"{where}: {r.method}")
    check("application/json" in r.headers.get("Content-Type", ""), f"{where}: Content-Type "
          f"{r.headers.get('Content-Type')}")
    check(isinstance(b, dict), f"{where}: body is not a JSON object: {r.body[:200]!r}")
    missing = WEBHOOK_KEYS - set(b)
    check(not missing, f"{where}: body lacks {sorted(missing)}")
    check(b["version"] == "4", f"{where}: version {b['version']!r}")
    check(isinstance(b["receiver"], str) and b["receiver"], f"{where}: receiver {b['receiver']!r}")
    check(isinstance(b["groupKey"], str) and b["groupKey"], f"{where}: groupKey {b['groupKey']!r}")
    check(isinstance(b["externalURL"], str), f"{where}: externalURL")
    check(isinstance(b["alerts"], list) and b["alerts"], f"{where}: no alerts")
    statuses = set()
    for a in b["alerts"]:
        missing = WEBHOOK_ALERT_KEYS - set(a)
        check(not missing, f"{where}: alert lacks {sorted(missing)}")
        check(a["status"] in ("firing", "resolved"), f"{where}: alert status {a['status']!r}")
        statuses.add(a["status"])
        check(parse_time(a["startsAt"]), f"{where}: startsAt {a['startsAt']!r}")
        if a["status"] == "resolved":
            check(parse_time(a["endsAt"]) is not None, f"{where}: resolved endsAt {a['endsAt']!r}")
        check(a["fingerprint"] == fingerprint(a["labels"]),
              f"{where}: fingerprint {a['fingerprint']!r}, Alertmanager's is {fingerprint(a['labels'])}")
        for k, v in b["commonLabels"].items():
            check(a["labels"].get(k) == v, f"{where}: commonLabels {k}={v} not in {a['labels']}")
        for k, v in b["groupLabels"].items():
            check(a["labels"].get(k) == v, f"{where}: groupLabels {k}={v} not in {a['labels']}")
    check(b["status"] == ("firing" if "firing" in statuses else "resolved"), f"{where}: status {b['status']}")
    return b


def sc_webhook_direct(env, notes):
    """logwarden's own --webhook (twice): Alertmanager's webhook body, to every URL."""
    lw = env.lw("watch", "--webhook", env.hook.url + "/direct1", "--webhook", env.hook.url + "/direct2",
                *ext_args())
    lw.wait_started()
    env.fire("timeout")
    fired = lw.wait_alert("firing", "timeout", 15)
    for path in ("/direct1", "/direct2"):
        rs = env.hook.wait(lambda rs: rs, 10, f"a webhook POST to {path}", prefix=path)
        b = check_webhook_body(rs[0], path)
        a = b["alerts"][0]
        check_labels(a["labels"], "timeout", path)
        check(a["annotations"] == fired["annotations"], f"{path}: annotations")
        check(b["status"] == "firing" and a["status"] == "firing", f"{path}: {b['status']}")
        check(near(parse_time(a["startsAt"]), parse_time(fired["firedAt"]), 1.0), f"{path}: startsAt")
        notes.append(f"{path}: receiver={b['receiver']!r} groupKey={b['groupKey']!r} firing endsAt={a['endsAt']}")
    resolved = lw.wait_alert("resolved", "timeout", 30)
    for path in ("/direct1", "/direct2"):
        rs = env.hook.wait(lambda rs: [r for r in rs if (r.json or {}).get("status") == "resolved"], 10,
                           f"a resolved webhook POST to {path}", prefix=path)
        b = check_webhook_body(rs[0], path + " resolved")
        a = b["alerts"][0]
        check(near(parse_time(a["endsAt"]), parse_time(resolved["resolvedAt"]), 1.0),
              f"{path}: resolved endsAt {a['endsAt']} vs resolvedAt {resolved['resolvedAt']}")
    # the receiver sees a request before logwarden has read the answer and counted it
    n = wait_until(lambda: (lambda n: n.success >= 4 and n)(lw_notif(lw)), 5, "4 successes in the metrics")
    check(n.failed == 0, f"metrics: {n}")


def sc_fake_am(env, notes):
    """A recording fake Alertmanager: raw request (path prefix, bearer token, JSON array shape) and the
    retry backoff 1s, 2s, 4s after 503s."""
    token = "tok-" + os.urandom(9).hex()
    env.secrets.append(token)
    tf = env.path("token")
    with open(tf, "w") as f:
        f.write(token + "\n")
    os.chmod(tf, 0o600)
    env.hook.respond("/prefix", 503, times=3)
    lw = env.lw("watch", "--alertmanager", env.hook.url + "/prefix", "--alertmanager-bearer-token-file", tf,
                *ext_args())
    lw.wait_started()
    env.fire("timeout")
    lw.wait_alert("firing", "timeout", 15)
    rs = env.hook.wait(lambda rs: len(rs) >= 4 and rs, 30, "3 refused attempts and a 4th", prefix="/prefix")
    for r in rs:
        check(r.path == "/prefix/api/v2/alerts", f"path {r.path}, want /prefix/api/v2/alerts")
        check(r.headers.get("Authorization") == "Bearer " + token, "no or wrong Authorization: Bearer header")
        check("application/json" in r.headers.get("Content-Type", ""), f"Content-Type {r.headers.get('Content-Type')}")
        check(isinstance(r.json, list) and r.json, f"body is not a non-empty JSON array: {r.body[:200]!r}")
        for a in r.json:
            check(set(a) <= POSTABLE_KEYS and "labels" in a, f"alert keys {sorted(a)}, allowed {sorted(POSTABLE_KEYS)}")
            check(all(isinstance(v, str) and v and re.fullmatch(r"[a-zA-Z_][a-zA-Z0-9_]*", k)
                      for k, v in a["labels"].items()), f"labels {a['labels']}")
            check(all(isinstance(v, str) for v in a.get("annotations", {}).values()), "annotations")
            s, e = parse_time(a.get("startsAt")), parse_time(a.get("endsAt"))
            check(s and e and s < e, f"startsAt {a.get('startsAt')} endsAt {a.get('endsAt')}")
            check(isinstance(a.get("generatorURL", ""), str), "generatorURL")
    gaps = [round(rs[i + 1].time - rs[i].time, 2) for i in range(3)]
    notes.append(f"retry gaps {gaps}s")
    for g, want in zip(gaps, (1, 2, 4)):
        check(abs(g - want) <= max(0.6, 0.3 * want), f"retry gaps {gaps}, want about 1, 2, 4 s")
    check(rs[3].status == 200, "4th attempt not answered 200")
    n = wait_until(lambda: (lambda n: n.success >= 1 and n.queue == 0 and n)(lw_notif(lw)), 10, "delivered")
    check(n.failed >= 3, f"3 refused attempts not counted: {n}")
    notes.append(str(n))
    st, body = lw.get("/metrics")
    check(token not in body, "the bearer token is in /metrics")


def sc_auth_tls(env, notes):
    """https with --alertmanager-ca-file and --alertmanager-basic-auth-file against Alertmanager's own
    web.config.file (TLS + bcrypt basic auth)."""
    user, pw = "logwarden", "pw-" + os.urandom(9).hex()
    env.secrets.append(pw)
    tls = make_tls(env.path("tls"))
    am = env.am("am", tls=tls, basic_auth=(user, pw))
    af = env.path("am-auth")
    with open(af, "w") as f:
        f.write(f"{user}:{pw}\n")
    os.chmod(af, 0o600)
    lw = env.lw("watch", "--alertmanager", am.url, "--alertmanager-ca-file", tls["ca"],
                "--alertmanager-basic-auth-file", af)
    lw.wait_started()
    env.fire("timeout")
    lw.wait_alert("firing", "timeout", 15)
    a = am.wait_alert(10, alertname=ALERT)
    check(a["labels"]["class"] == "timeout", f"{a['labels']}")
    for path in ("/metrics", "/api/v1/alerts", "/api/v1/rules"):
        st, body = lw.get(path)
        check(pw not in body, f"the password is in {path}")
    # without the CA the same https URL must fail (and be counted), never be delivered
    lw2 = env.lw("watch", "--alertmanager", am.url, "--alertmanager-basic-auth-file", af, name="no-ca",
                 inputs=[env.path("other.log")])
    lw2.wait_started()
    with open(env.path("other.log"), "a") as f:
        f.write(ssh_line(1) + "\n")
    lw2.wait_alert("firing", "auth_failure", 15)
    n = wait_until(lambda: (lambda n: n.failed >= 1 and n)(lw_notif(lw2)), 10, "a failed https attempt without CA")
    check(not am.alerts(**{"class": "auth_failure"}), "delivered over https without the CA file")
    notes.append(f"without CA: {n}")


def outage(env, notes, mode):
    """(c) Alertmanager am2 down (stop) or hanging (freeze) for 30 s while am1 stays up."""
    am1, am2 = env.am("am1"), env.am("am2")
    lw = env.lw("watch", "--alertmanager", am1.url, "--alertmanager", am2.url)
    lw.wait_started()
    env.fire("timeout")                                       # alert A
    lw.wait_alert("firing", "timeout", 15)
    for am in (am1, am2):
        am.wait_alert(10, alertname=ALERT, **{"class": "timeout"})
    env.hook.wait(lambda rs: rs, 10, "am2's firing notification of A", prefix="/am2")
    a_ends = parse_time(am2.alerts(**{"class": "timeout"})[0]["endsAt"])

    t_down = time.time()
    if mode == "stop":
        am2.stop()
    else:
        am2.freeze()
    log(f"am2 {mode} at {fmt_t(t_down)}")
    env.fire("auth_failure")                                  # alert B, kept firing by more records
    stop_feeding = threading.Event()

    def feed():  # B stays firing until am2 has it
        while not stop_feeding.wait(2):
            env.fire("auth_failure")
    feeder = threading.Thread(target=feed, daemon=True)
    env.stoppers.append(stop_feeding.set)
    feeder.start()
    fb = lw.wait_alert("firing", "auth_failure", 15)
    b_fired = parse_time(fb["firedAt"])
    am1.wait_alert(5, what="B in am1 while am2 is down", **{"class": "auth_failure"})
    ra = lw.wait_alert("resolved", "timeout", 25)             # A resolves during the outage
    am1.wait_gone(5, "A resolved in am1 during the outage", **{"class": "timeout"})
    max_queue = 0
    reads = []  # (time, logwarden_records_total): reading must not stall while a receiver is down
    while time.time() < t_down + 30:
        try:
            samples = lw.metrics()
            max_queue = max(max_queue, Notif(samples).queue)
            reads.append((time.time(), metric_sum(samples, "logwarden_records_total")))
        except OSError:
            pass
        time.sleep(1)
    grew = [b[1] > a[1] for a, b in zip(reads, reads[3:])]  # the feeder writes every 2 s
    check(len(reads) >= 10 and all(grew), f"records read stalled during the outage: {reads}")
    n_down = lw_notif(lw)
    check(max_queue >= 1, f"logwarden_notifications_queue_length stayed 0 during the outage: {n_down}")
    check(n_down.failed >= (3 if mode == "stop" else 2), f"retries not counted during the outage: {n_down}")
    notes.append(f"during outage: max queue {max_queue:g}, {n_down}")

    t_up = time.time()
    if mode == "stop":
        am2.start()
    else:
        am2.thaw()
    try:
        b = am2.wait_alert(16 + 10 + 5, what="B in am2 after it came back", **{"class": "auth_failure"})
    finally:
        stop_feeding.set()
        feeder.join()
    notes.append(f"B in am2 {time.time() - t_up:.1f}s after it came back ({t_up - t_down:.0f}s down)")
    check(near(parse_time(b["startsAt"]), b_fired, 1.0), f"B startsAt {b['startsAt']} vs firedAt {fb['firedAt']}")
    check_labels(b["labels"], "auth_failure", "am2", external=False)
    if mode == "freeze":
        # am2 kept A firing in memory: its resolution (endsAt in the past by now) must still arrive
        am2.wait_gone(16 + 10 + 5, "A's resolution in am2 after the outage", **{"class": "timeout"})
        check(time.time() < a_ends - 30, "A left am2 only at its old endsAt: the resolution was not delivered")
        rs = env.hook.wait(lambda rs: [x for x in webhook_alerts(rs) if x[1] == "resolved"
                                       and x[2]["labels"].get("class") == "timeout"], 10,
                           "am2's resolved notification of A", prefix="/am2")
        check(near(parse_time(rs[0][2]["endsAt"]), parse_time(ra["resolvedAt"]), 1.0), "A resolved endsAt")
    else:
        notes.append(f"am2 (restarted) received resolved={am2.received('resolved'):g}")
    # stop feeding B: it resolves, both Alertmanagers learn it
    lw.wait_alert("resolved", "auth_failure", 40)
    for am in (am1, am2):
        am.wait_gone(10, f"B resolved in {am.name}", **{"class": "auth_failure"})
    n = wait_until(lambda: (lambda n: n.queue == 0 and n)(lw_notif(lw)), 10, "an empty queue at the end")
    check(n.dropped == 0, f"notifications dropped: {n}")
    le, slow = n.slower_than(10)
    if le is not None:
        check(slow >= 1, f"no notification latency above {le:g}s although am2 was down 30s: {n.buckets}")
    notes.append(f"end: {n}")
    time.sleep(2)
    for path in ("/am1", "/am2"):
        check_no_duplicates(env.hook.get(path), path)
    check(len([1 for e in lw.events() if e["state"] == "firing" and e["labels"]["class"] == "auth_failure"]) == 1,
          "B fired more than once (the test's records did not keep it firing)")


def sc_outage(env, notes):
    outage(env, notes, "stop")


def sc_outage_freeze(env, notes):
    outage(env, notes, "freeze")


def sc_outbox_watch(env, notes):
    """(d) kill -9 logwarden watch --state while Alertmanager is down; restart; delivery after restart."""
    am = env.am("am", start=False)
    state = env.path("state.db")
    args = ["--alertmanager", am.url, "--state", state]
    lw = env.lw("watch", *args, name="watch-1")
    lw.wait_started()
    env.fire("timeout")
    fired = lw.wait_alert("firing", "timeout", 15)
    n = wait_until(lambda: (lambda n: n.failed >= 1 and n.queue >= 1 and n)(lw_notif(lw)), 15,
                   "a failed attempt and a queued notification")
    notes.append(f"before kill: {n}")
    time.sleep(1.5)  # > --commit-interval (1s): the outbox may be committed with the state
    lw.kill(signal.SIGKILL)
    # restarted while Alertmanager is still down: the outbox's notification is retried
    lw2 = env.lw("watch", *args, name="watch-2")
    lw2.wait_started()
    wait_until(lambda: (lambda n: n.failed >= 1 and n.queue >= 1 and n)(lw_notif(lw2)), 15,
               "the restarted logwarden retrying the outbox")
    am.start()
    t = time.time()
    a = am.wait_alert(20, what="the alert once Alertmanager is up", alertname=ALERT)
    notes.append(f"delivered {time.time() - t:.1f}s after Alertmanager came up")
    check(near(parse_time(a["startsAt"]), parse_time(fired["firedAt"]), 1.0),
          f"startsAt {a['startsAt']}, want the first run's firedAt {fired['firedAt']}")
    check(parse_time(a["endsAt"]) > time.time() + 60, f"endsAt {a['endsAt']}")
    n2 = wait_until(lambda: (lambda n: n.success >= 1 and n.queue == 0 and n)(lw_notif(lw2)), 10, "queue empty")
    notes.append(f"after restart: {n2}")


def sc_outbox_scan(env, notes):
    """(d) scan --state with Alertmanager down leaves the alert in the outbox after --send-timeout;
    the next scan (no new input) delivers it. A notification whose endsAt passed is dropped."""
    am = env.am("am", start=False)
    now = time.time()
    env.append(*(timeout_line(i, now - 3 + i) for i in range(3)))
    state = env.path("state.db")
    t = time.monotonic()
    s1 = env.lw("scan", "--alertmanager", am.url, "--state", state, "--send-timeout", "3s",
                "--textfile", env.path("s1.prom"), listen=False, name="scan-1")
    rc = s1.wait_exit(60)
    dt = time.monotonic() - t
    notes.append(f"scan 1 (Alertmanager down): exit {rc} after {dt:.1f}s")
    check(rc in (0, 1), f"scan 1 exited {rc}" + s1.tail())
    check(dt <= 3 + 12, f"scan 1 took {dt:.1f}s with --send-timeout 3s")
    fired = [e for e in s1.events() if e["state"] == "firing"]
    check(fired, "scan 1 printed no firing alert" + s1.tail())
    am.start()
    t = time.monotonic()
    s2 = env.lw("scan", "--alertmanager", am.url, "--state", state, "--send-timeout", "20s",
                "--textfile", env.path("s2.prom"), listen=False, name="scan-2")
    rc = s2.wait_exit(60)
    dt = time.monotonic() - t
    notes.append(f"scan 2: exit {rc} after {dt:.1f}s")
    check(rc in (0, 1), f"scan 2 exited {rc}" + s2.tail())
    check(not [e for e in s2.events() if e["state"] == "firing"], "scan 2 fired again (nothing new was read)")
    a = am.wait_alert(3, what="the outbox's alert after scan 2", alertname=ALERT)
    check(near(parse_time(a["startsAt"]), parse_time(fired[0]["firedAt"]), 1.0), f"startsAt {a['startsAt']}")
    check_labels(a["labels"], "timeout", "GET /api/v2/alerts", external=False)

    # expiry: --resend-delay 1s -> endsAt = evalTime + 4s; after 6s the queued notification is dropped
    am.stop()
    env2 = env.path("x.log")
    with open(env2, "w") as f:  # as above: 3 records, the last one held back
        f.write("".join(ssh_line(i, time.time() - 3 + i) + "\n" for i in range(3)))
    st2 = env.path("state2.db")
    s3 = env.lw("scan", "--alertmanager", am.url, "--state", st2, "--send-timeout", "2s", "--resend-delay", "1s",
                "--textfile", env.path("s3.prom"), listen=False, inputs=[env2], name="scan-3")
    s3.wait_exit(60)
    time.sleep(6)
    am.start()
    s4 = env.lw("scan", "--alertmanager", am.url, "--state", st2, "--send-timeout", "5s", "--resend-delay", "1s",
                "--textfile", env.path("s4.prom"), listen=False, inputs=[env2], name="scan-4")
    s4.wait_exit(60)
    check(am.received("firing") == 0, "an expired firing notification was delivered as firing")
    check(not am.alerts(**{"class": "auth_failure"}), "an expired notification shows as active")
    samples = []  # the drop may be counted by scan 3 (endsAt passed during its retries) or scan 4
    for f in ("s3.prom", "s4.prom"):
        if os.path.exists(env.path(f)):
            samples += parse_metrics(open(env.path(f)).read())
    n = Notif(samples)
    if "logwarden_notifications_total" in n.present:
        check(n.dropped >= 1, f"the expired notification is not counted as dropped: {n}")
        notes.append(f"expiry: {n}")
    else:
        notes.append("expiry: scan's --textfile has no logwarden_notifications_total (drop count not checked)")
    check(not [r for r in env.hook.get("/am") if (r.json or {}).get("status") == "firing"
               and any(a["labels"].get("class") == "auth_failure" for a in r.json["alerts"])],
          "Alertmanager notified the expired alert as firing")


SCENARIOS = collections.OrderedDict([
    ("harness", (sc_harness, False, None)),
    ("firing-resolved", (sc_firing_resolved, True, "5s")),
    ("webhook-routing", (sc_webhook_routing, True, "4s")),
    ("resend", (sc_resend, True, "10s")),
    ("webhook-direct", (sc_webhook_direct, True, "4s")),
    ("fake-am", (sc_fake_am, True, "1m")),
    ("auth-tls", (sc_auth_tls, True, "1m")),
    ("outage", (sc_outage, True, "10s")),
    ("outage-freeze", (sc_outage_freeze, True, "10s")),
    ("outbox-watch", (sc_outbox_watch, True, "10m")),
    ("outbox-scan", (sc_outbox_scan, True, "10m")),
])


def feature_missing(bin_path):
    """None if BIN scan --help shows --alertmanager, else the reason to skip."""
    if not bin_path or not os.access(bin_path, os.X_OK):
        return f"no executable logwarden at {bin_path!r}"
    try:
        h = subprocess.run([bin_path, "scan", "--help"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"{bin_path} scan --help: {e}"
    if "--alertmanager" not in h.stdout + h.stderr:
        return f"`{bin_path} scan --help` has no --alertmanager (delivery not implemented yet)"
    return None


def missing_flags(bin_path):
    text = ""
    for cmd in ("scan", "watch"):
        r = subprocess.run([bin_path, cmd, "--help"], capture_output=True, text=True, timeout=30)
        text += r.stdout + r.stderr
    return [f for f in FLAGS_ALL if not re.search(re.escape(f) + r"(?![\w-])", text)]


def main():
    global VERBOSE, KEEP, BIN
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=os.environ.get("LOGWARDEN_BIN", os.path.join(ROOT, ".build/debug/logwarden")))
    ap.add_argument("--scenario", action="append", choices=["all"] + list(SCENARIOS),
                    help="repeatable; default all (every scenario but harness)")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--keep", metavar="DIR", help="copy each scenario's directory here")
    args = ap.parse_args()
    VERBOSE, KEEP = args.verbose, args.keep
    harness.VERBOSE = VERBOSE
    BIN = os.path.abspath(args.bin) if args.bin else None
    chosen = []
    for s in args.scenario or ["all"]:
        for n in ([k for k in SCENARIOS if k != "harness"] if s == "all" else [s]):
            if n not in chosen:
                chosen.append(n)
    if KEEP:
        os.makedirs(KEEP, exist_ok=True)
    if not find_alertmanager():
        print("HARNESS ERROR: prometheus-alertmanager not installed (apt-get install -y prometheus-alertmanager)")
        return 2

    skip_reason = feature_missing(BIN) if any(SCENARIOS[n][1] for n in chosen) else None
    if skip_reason:
        print(f"SKIP: {skip_reason}; logwarden scenarios skipped")
    flags_missing = missing_flags(BIN) if not skip_reason and any(SCENARIOS[n][1] for n in chosen) else []

    passed = failed = skipped = 0
    harness_error = False
    for name in chosen:
        fn, needs_lw, window = SCENARIOS[name]
        notes = []
        t0 = time.monotonic()
        if needs_lw and skip_reason:
            print(f"SKIP {name}: skipped ({skip_reason})", flush=True)
            skipped += 1
            continue
        env = None
        ok = False
        try:
            if needs_lw and flags_missing:
                raise Fail(f"{BIN} lacks {', '.join(flags_missing)} (scan/watch --help)")
            if needs_lw:
                env = Env(name, window)
                fn(env, notes)
            else:
                fn(notes)
            ok = True
            print(f"PASS {name} ({time.monotonic() - t0:.1f}s)" + ("".join("\n    " + n for n in notes)
                                                                   if VERBOSE or not needs_lw else ""), flush=True)
            passed += 1
        except Skip as e:
            ok = True
            print(f"SKIP {name}: skipped ({e})", flush=True)
            skipped += 1
        except (Fail, WaitTimeout, AssertionError) as e:
            print(f"FAIL {name} ({time.monotonic() - t0:.1f}s): {e}" + "".join("\n    " + n for n in notes), flush=True)
            failed += 1
        except HarnessError as e:
            print(f"HARNESS ERROR {name}: {e}", flush=True)
            failed += 1
            harness_error = True
        except Exception:  # noqa: BLE001
            print(f"FAIL {name}: unexpected error\n{traceback.format_exc()}", flush=True)
            failed += 1
        finally:
            if env is not None:
                try:
                    env.close(failed=not ok)
                except Fail as e:
                    if ok:
                        print(f"FAIL {name}: {e}", flush=True)
                        passed -= 1
                        failed += 1
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    if failed:
        return 2 if harness_error else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
