#!/usr/bin/env python3
"""A stand-in for the delivery feature, used only to test alertmanager_test.py before the Swift code exists.

    LOGWARDEN_REAL=/tmp/logwarden python3 Tests/Delivery/alertmanager_test.py --bin Tests/Delivery/contract_shim.py

It runs the real logwarden (without the new flags, with --output json) as a child, reads its alert
transitions from stdout and does what the issue specifies for delivery: --alertmanager (POST
URL/api/v2/alerts), --webhook (Alertmanager's webhook body), --resend-delay, --external-label,
instance = host name, bearer/basic auth and CA files, 10 s timeout, retries after 1, 2, 4, 8, 16 s
then every 16 s, a durable outbox next to --state, --send-timeout for scan, and the metrics
logwarden_notifications_total{sink,outcome}, logwarden_notifications_queue_length and
logwarden_notification_latency_seconds, served on --listen in front of the real /metrics.
It is a test double, not a reference: logwarden's own implementation decides the details.
"""
import base64
import ctypes
import http.server
import json
import os
import signal
import socket
import socketserver
import ssl
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from am import fingerprint, rfc3339, parse_time  # noqa: E402

REAL = os.environ.get("LOGWARDEN_REAL", "/tmp/dlv/logwarden")
BREAK = os.environ.get("SHIM_BREAK", "")  # deliberately wrong behaviour, to see the test fail
GROUP_INTERVAL = 1.0  # the test rules' group interval
BACKOFF = [1, 2, 4, 8, 16]
BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300]
HELP_EXTRA = """
DELIVERY (contract shim):
  --alertmanager <url>    (repeatable)
  --alertmanager-bearer-token-file <file>
  --alertmanager-basic-auth-file <file>
  --alertmanager-ca-file <file>
  --webhook <url>         (repeatable)
  --resend-delay <duration> (default: 1m)
  --external-label <k=v>  (repeatable)
  --send-timeout <duration> (default: 30s)
"""


def dur(s):
    mult = {"ms": 0.001, "s": 1, "m": 60, "h": 3600}
    for suf in ("ms", "s", "m", "h"):
        if s.endswith(suf):
            return float(s[:-len(suf)]) * mult[suf]
    return float(s)


def log(msg, **kv):
    extra = "".join(f" {k}={v}" for k, v in kv.items())
    sys.stderr.write(f"ts={rfc3339()} level=info component=delivery msg=\"{msg}\"{extra}\n")
    sys.stderr.flush()


class Metrics:
    def __init__(self):
        self.lock = threading.Lock()
        self.total = {}
        self.lat = [0] * len(BUCKETS)
        self.lat_count = 0
        self.lat_sum = 0.0

    def count(self, sink, outcome, n=1):
        with self.lock:
            self.total[(sink, outcome)] = self.total.get((sink, outcome), 0) + n

    def latency(self, s):
        with self.lock:
            for i, b in enumerate(BUCKETS):
                if s <= b:
                    self.lat[i] += 1
            self.lat_count += 1
            self.lat_sum += s

    def text(self, sinks):
        with self.lock:
            out = ["# TYPE logwarden_notifications_total counter"]
            for (s, o), v in sorted(self.total.items()):
                out.append(f'logwarden_notifications_total{{sink="{s}",outcome="{o}"}} {v}')
            out.append("# TYPE logwarden_notifications_queue_length gauge")
            out.append(f"logwarden_notifications_queue_length {sum(len(s.pending) for s in sinks)}")
            out.append("# TYPE logwarden_notification_latency_seconds histogram")
            for b, c in zip(BUCKETS, self.lat):
                out.append(f'logwarden_notification_latency_seconds_bucket{{le="{b}"}} {c}')
            out.append(f'logwarden_notification_latency_seconds_bucket{{le="+Inf"}} {self.lat_count}')
            out.append(f"logwarden_notification_latency_seconds_sum {self.lat_sum}")
            out.append(f"logwarden_notification_latency_seconds_count {self.lat_count}")
            return "\n".join(out) + "\n"


class Sink(threading.Thread):
    """One URL: pending notifications per fingerprint (latest wins), delivered in order of arrival."""

    def __init__(self, kind, url, opts, metrics, outbox):
        super().__init__(daemon=True)
        self.kind, self.url, self.opts, self.m, self.outbox = kind, url, opts, metrics, outbox
        self.name_ = kind
        self.pending = {}  # fp -> (enqueued time, alert dict)
        self.cv = threading.Condition()
        self.ctx = ssl.create_default_context(cafile=opts.get("ca")) if url.startswith("https") else None

    def put(self, fp, item, t=None):
        with self.outbox.lock:  # durable before the sink thread can see (and count) it
            with self.cv:
                self.pending[fp] = (t or time.time(), item)
            self.outbox.save_locked()
        with self.cv:
            self.cv.notify_all()

    def body(self, alerts):
        if self.kind == "alertmanager":
            return [dict((k, a[k]) for k in ("labels", "annotations", "startsAt", "endsAt", "generatorURL"))
                    for a in alerts]
        a = alerts[0]
        firing = parse_time(a["endsAt"]) > time.time()
        wa = dict(a, status="firing" if firing else "resolved", fingerprint=fingerprint(a["labels"]))
        if BREAK == "wrong-fp":
            wa["fingerprint"] = "%016x" % (hash(wa["fingerprint"]) & (2**64 - 1))
        if firing:
            wa["endsAt"] = "0001-01-01T00:00:00Z"
        key = "{}:{" + ", ".join(f'{k}="{v}"' for k, v in sorted(a["labels"].items())) + "}"
        return {"version": "4", "status": wa["status"], "receiver": "logwarden", "groupKey": key,
                "groupLabels": a["labels"], "commonLabels": a["labels"], "commonAnnotations": a["annotations"],
                "externalURL": self.opts.get("external_url", ""), "alerts": [wa], "truncatedAlerts": 0}

    def post(self, alerts):
        url = self.url.rstrip("/") + "/api/v2/alerts" if self.kind == "alertmanager" else self.url
        h = {"Content-Type": "application/json", "User-Agent": "logwarden-shim"}
        if self.kind == "alertmanager":
            if self.opts.get("bearer"):
                h["Authorization"] = "Bearer " + self.opts["bearer"]
            elif self.opts.get("basic"):
                h["Authorization"] = "Basic " + base64.b64encode(self.opts["basic"].encode()).decode()
        req = urllib.request.Request(url, json.dumps(self.body(alerts)).encode(), h, method="POST")
        with urllib.request.urlopen(req, timeout=10, context=self.ctx) as r:
            r.read()

    def run(self):
        attempt = 0
        while True:
            with self.cv:
                while not self.pending:
                    self.cv.wait()
                now = time.time()
                for fp, (t, a) in list(self.pending.items()):
                    if a.get("_firing") and parse_time(a["endsAt"]) <= now:
                        del self.pending[fp]
                        self.m.count(self.name_, "dropped")
                items = sorted(self.pending.items(), key=lambda kv: kv[1][0])
            if not items:
                self.outbox.save()
                continue
            batch = items if self.kind == "alertmanager" else items[:1]
            alerts = [dict((k, v) for k, v in a.items() if not k.startswith("_")) for _, (_, a) in batch]
            try:
                self.post(alerts)
            except (urllib.error.URLError, OSError, ValueError) as e:
                self.m.count(self.name_, "failure")
                if BREAK == "no-retry":
                    with self.cv:
                        for fp, _ in batch:
                            self.pending.pop(fp, None)
                    continue
                delay = BACKOFF[min(attempt, len(BACKOFF) - 1)]
                attempt += 1
                log("delivery failed", sink=self.kind, error=json.dumps(str(getattr(e, "reason", e))), retry_in=delay)
                with self.cv:
                    self.cv.wait(delay)
                continue
            attempt = 0
            done = time.time()
            with self.cv:
                for fp, (t, a) in batch:
                    if self.pending.get(fp, (None,))[0] == t:
                        del self.pending[fp]
                    self.m.count(self.name_, "success")
                    self.m.latency(done - t)
            self.outbox.save()


class Outbox:
    def __init__(self, path):
        self.path, self.sinks, self.lock = path, [], threading.RLock()

    def save(self):
        with self.lock:
            self.save_locked()

    def save_locked(self):
        if not self.path:
            return
        data = {}
        for s in self.sinks:
            with s.cv:
                data[f"{s.kind} {s.url}"] = {fp: [t, a] for fp, (t, a) in s.pending.items()}
        tmp = self.path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(data, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)

    def load(self):
        if not self.path or not os.path.exists(self.path) or BREAK == "no-outbox":
            return
        data = json.load(open(self.path))
        for s in self.sinks:
            for fp, (t, a) in data.get(f"{s.kind} {s.url}", {}).items():
                s.pending[fp] = (t, a)


def main():
    argv = sys.argv[1:]
    if not argv or argv[0] not in ("scan", "watch"):
        os.execv(REAL, [REAL] + argv)
    cmd, rest = argv[0], argv[1:]
    if "--help" in rest or "-h" in rest:
        r = subprocess.run([REAL, cmd, "--help"], capture_output=True, text=True)
        print(r.stdout + HELP_EXTRA)
        return 0
    o = {"am": [], "hook": [], "ext": {}, "resend": 60.0, "send_timeout": 30.0}
    real_args, listen, state, textfile = [], None, None, None
    i = 0
    while i < len(rest):
        a = rest[i]
        v = rest[i + 1] if i + 1 < len(rest) else None
        if a == "--alertmanager":
            o["am"].append(v)
        elif a == "--webhook":
            o["hook"].append(v)
        elif a == "--external-label":
            k, _, val = v.partition("=")
            o["ext"][k] = val
        elif a == "--resend-delay":
            o["resend"] = dur(v)
        elif a == "--send-timeout":
            o["send_timeout"] = dur(v)
        elif a == "--alertmanager-bearer-token-file":
            o["bearer"] = open(v).read().strip()
        elif a == "--alertmanager-basic-auth-file":
            o["basic"] = open(v).read().strip()
        elif a == "--alertmanager-ca-file":
            o["ca"] = v
        elif a == "--listen":
            listen = v
        else:
            if a == "--state":
                state = v
            if a == "--textfile":
                textfile = v
            if a == "--output":
                i += 2
                continue
            real_args.append(a)
            i += 1
            continue
        i += 2
    m = Metrics()
    outbox = Outbox(state + ".outbox.json" if state else None)
    sinks = [Sink("alertmanager", u, o, m, outbox) for u in o["am"]] + [Sink("webhook", u, o, m, outbox) for u in o["hook"]]
    outbox.sinks = sinks
    outbox.load()
    for s in sinks:
        s.start()

    real_port = [None]
    sargv = [REAL, cmd, "--output", "json"] + real_args
    if cmd == "watch":
        sargv += ["--listen", "127.0.0.1:0"]
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    child = subprocess.Popen(sargv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             preexec_fn=lambda: libc.prctl(1, signal.SIGKILL))
    signal.signal(signal.SIGTERM, lambda *_: child.send_signal(signal.SIGTERM))
    signal.signal(signal.SIGINT, lambda *_: child.send_signal(signal.SIGINT))
    started = threading.Event()

    def errpump():
        for raw in iter(child.stderr.readline, b""):
            line = raw.decode("utf-8", "replace")
            if "listening on http://" in line and real_port[0] is None:
                real_port[0] = int(line.split("listening on http://", 1)[1].split(":")[1].split('"')[0].split()[0])
                started.set()
                continue
            if 'msg=started' in line and listen:
                pass
            sys.stderr.write(line)
            sys.stderr.flush()
    threading.Thread(target=errpump, daemon=True).start()

    host = socket.gethostname()
    gen = [""]

    if listen:
        class H(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = b""
                if real_port[0]:
                    try:
                        with urllib.request.urlopen(f"http://127.0.0.1:{real_port[0]}{self.path}", timeout=5) as r:
                            body = r.read()
                    except urllib.error.HTTPError as e:
                        body = e.read()
                if self.path.startswith("/metrics"):
                    body += m.text(sinks).encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *a):
                pass

        class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True
        hp = listen.rsplit(":", 1)
        srv = S((hp[0] or "127.0.0.1", int(hp[1])), H)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        started.wait(20)
        port = srv.server_address[1]
        gen[0] = f"http://{host}:{port}/api/v1/alerts"
        sys.stderr.write(f'ts={rfc3339()} level=info msg="listening on http://127.0.0.1:{port}"\n')
        sys.stderr.flush()

    firing = {}  # fp -> alert dict
    lock = threading.Lock()

    def enqueue(a, t=None):
        fp = fingerprint(a["labels"])
        for s in sinks:
            s.put(fp, dict(a), t)

    def to_alert(e, now_eval):
        labels = dict(o["ext"])
        labels.setdefault("instance", host)
        labels.update(e["labels"])
        a = {"labels": labels, "annotations": e.get("annotations") or {},
             "startsAt": e.get("firedAt") or e.get("activeAt"), "generatorURL": gen[0]}
        if e["state"] == "resolved":
            a["endsAt"] = e["resolvedAt"] if BREAK != "late-resolve" else rfc3339(parse_time(e["resolvedAt"]) + 30)
        else:
            a["endsAt"] = rfc3339(now_eval + 4 * max(GROUP_INTERVAL, o["resend"]))
            a["_firing"] = True
        return a

    if cmd == "watch":
        def resender():
            while BREAK != "no-resend":
                time.sleep(o["resend"])
                with lock:
                    for fp, a in firing.items():
                        a = dict(a, endsAt=rfc3339(time.time() + 4 * max(GROUP_INTERVAL, o["resend"])))
                        enqueue(a)
        threading.Thread(target=resender, daemon=True).start()
    events = []
    for raw in iter(child.stdout.readline, b""):
        sys.stdout.write(raw.decode())
        sys.stdout.flush()
        try:
            e = json.loads(raw)
        except ValueError:
            continue
        if not isinstance(e, dict) or e.get("type") != "alert" or e["state"] not in ("firing", "resolved"):
            continue
        if cmd == "watch":
            a = to_alert(e, parse_time(e["evalTime"]))
            fp = fingerprint(a["labels"])
            with lock:
                if e["state"] == "firing":
                    firing[fp] = a
                else:
                    firing.pop(fp, None)
            enqueue(a)
        else:
            events.append(e)
    rc = child.wait()
    if cmd == "scan":
        last = {}
        for e in events:
            last[json.dumps(e["labels"], sort_keys=True)] = e
        for e in last.values():
            enqueue(to_alert(e, parse_time(e["evalTime"])))
        deadline = time.time() + o["send_timeout"]
        while time.time() < deadline and any(s.pending for s in sinks):
            time.sleep(0.1)
        outbox.save()
        if textfile and os.path.exists(textfile):
            with open(textfile, "a") as f:
                f.write(m.text(sinks))
    else:
        deadline = time.time() + 2
        while time.time() < deadline and any(s.pending for s in sinks):
            time.sleep(0.1)
    return rc


if __name__ == "__main__":
    sys.exit(main())
