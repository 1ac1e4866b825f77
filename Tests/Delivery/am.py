"""A real Prometheus Alertmanager and a webhook recorder for the delivery tests (Python 3 stdlib).

    from am import Alertmanager, Recorder, wait_until

    hook = Recorder()                                   # 127.0.0.1:<free port>, records every request
    am = Alertmanager(route_to=hook.url + "/am")        # Debian's prometheus-alertmanager, own dir and port
    am.start()                                          # returns when GET /-/ready answers 200
    am.post_alerts([am_alert({"alertname": "X"}, ends_in=240)])
    wait_until(lambda: am.alerts(alertname="X"), 5, "X in Alertmanager")
    am.stop(); am.start()                               # same port, same --storage.path, empty memory
    am.close(); hook.close()

Flags used with Alertmanager 0.25 (`prometheus-alertmanager --help`): --config.file,
--storage.path, --web.listen-address=127.0.0.1:PORT, --web.external-url,
--cluster.listen-address= (empty: no HA gossip, so no port 9094 and no settle wait),
--web.config.file (TLS and basic auth), --log.level.
The binary is $ALERTMANAGER, else /usr/bin/prometheus-alertmanager, else `alertmanager` on $PATH.
"""

import base64
import datetime as _dt
import http.server
import json
import os
import shutil
import signal
import socket
import socketserver
import ssl
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request


class HarnessError(Exception):
    """The harness itself failed (Alertmanager would not start, a port, openssl...)."""


class WaitTimeout(AssertionError):
    pass


# ---------------------------------------------------------------- small helpers

def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port, host="127.0.0.1", timeout=0.3):
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def wait_until(fn, timeout, what, interval=0.2):
    """Call fn until it returns something truthy (returned) or timeout seconds pass (WaitTimeout).
    Exceptions other than AssertionError raised by fn count as 'not yet' and are reported at the end."""
    deadline = time.monotonic() + timeout
    last_exc = None
    while True:
        try:
            v = fn()
            if v:
                return v
        except AssertionError:
            raise
        except Exception as e:  # noqa: BLE001 - e.g. connection refused while a server restarts
            last_exc = e
        if time.monotonic() >= deadline:
            break
        time.sleep(interval)
    raise WaitTimeout(f"timed out after {timeout:g}s waiting for {what}"
                      + (f" (last error: {last_exc})" if last_exc else ""))


def rfc3339(t=None, ms=True):
    """Unix seconds (default now) -> '2026-11-23T04:26:53.123Z'."""
    t = time.time() if t is None else t
    d = _dt.datetime.fromtimestamp(t, _dt.timezone.utc)
    return d.strftime("%Y-%m-%dT%H:%M:%S") + (".%03dZ" % (d.microsecond // 1000) if ms else "Z")


GO_ZERO_TIME = "0001-01-01T00:00:00Z"


def parse_time(s):
    """RFC 3339 as Alertmanager writes it (ms in the API, ns in webhooks, Z or +hh:mm) -> Unix seconds.
    Go's zero time '0001-01-01T00:00:00Z' -> None."""
    if s is None or s == GO_ZERO_TIME:
        return None
    s = s.strip()
    if s.endswith("Z") or s.endswith("z"):
        s = s[:-1] + "+00:00"
    if "." in s:  # Python takes at most 6 fraction digits
        head, rest = s.split(".", 1)
        i = 0
        while i < len(rest) and rest[i].isdigit():
            i += 1
        frac, zone = rest[:i], rest[i:]
        s = head + "." + (frac + "000000")[:6] + zone
    return _dt.datetime.fromisoformat(s).timestamp()


def fingerprint(labels):
    """Alertmanager's (Prometheus model's) label-set fingerprint, as 16 hex digits: FNV-1a 64 over
    the names in sorted order, each name and value followed by a 0xff byte. Labels with an empty
    value are not part of the set (Alertmanager drops them on receipt)."""
    h = 0xcbf29ce484222325
    for k in sorted(k for k, v in labels.items() if v != ""):
        for part in (k.encode(), b"\xff", labels[k].encode(), b"\xff"):
            for b in part:
                h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return "%016x" % h


def am_alert(labels, annotations=None, starts_at=None, ends_at=None, ends_in=None, generator_url=None):
    """One element of the JSON array of POST /api/v2/alerts (Alertmanager's PostableAlert)."""
    a = {"labels": dict(labels), "annotations": dict(annotations or {})}
    if starts_at is not None:
        a["startsAt"] = starts_at if isinstance(starts_at, str) else rfc3339(starts_at)
    if ends_in is not None:
        ends_at = time.time() + ends_in
    if ends_at is not None:
        a["endsAt"] = ends_at if isinstance(ends_at, str) else rfc3339(ends_at)
    if generator_url is not None:
        a["generatorURL"] = generator_url
    return a


def http_request(url, method="GET", body=None, headers=None, timeout=5, context=None):
    """-> (status, body bytes, headers). HTTP error statuses are returned; connection errors raise OSError."""
    data = None
    hdrs = dict(headers or {})
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        hdrs.setdefault("Content-Type", "application/json")
    req = urllib.request.Request(url, data=data, method=method, headers=hdrs)
    try:
        with urllib.request.urlopen(req, timeout=timeout, context=context) as r:
            return r.status, r.read(), r.headers
    except urllib.error.HTTPError as e:
        return e.code, e.read(), e.headers
    except urllib.error.URLError as e:
        raise OSError(f"{method} {url}: {e.reason}") from e


def basic_auth_header(user, password):
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def parse_metrics(text):
    """Prometheus text exposition -> [(name, {label: value}, float)] (enough for counters and gauges)."""
    import re
    sample = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?\s*$')
    label = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?')
    out = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        m = sample.match(line)
        if not m:
            continue
        labels, body, pos = {}, m.group(2) or "", 0
        while pos < len(body):
            lm = label.match(body, pos)
            if not lm:
                break
            labels[lm.group(1)] = lm.group(2).replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")
            pos = lm.end()
        try:
            out.append((m.group(1), labels, float(m.group(3))))
        except ValueError:
            pass
    return out


def metric_sum(samples, name, **match):
    return sum(v for n, l, v in samples if n == name and all(l.get(k) == w for k, w in match.items()))


# ---------------------------------------------------------------- TLS material

def make_tls(directory, host_ip="127.0.0.1"):
    """A throw-away CA and a server certificate for host_ip (SAN IP), made with openssl.
    -> dict(ca=, cert=, key=) paths."""
    openssl = shutil.which("openssl")
    if not openssl:
        raise HarnessError("openssl not found (Debian package openssl)")
    os.makedirs(directory, exist_ok=True)
    p = lambda n: os.path.join(directory, n)  # noqa: E731

    def run(*args):
        r = subprocess.run([openssl, *args], capture_output=True, text=True, timeout=60)
        if r.returncode:
            raise HarnessError("openssl " + " ".join(args) + " failed:\n" + r.stderr)

    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=logwarden test CA",
        "-keyout", p("ca.key"), "-out", p("ca.pem"))
    run("req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={host_ip}", "-keyout", p("server.key"),
        "-out", p("server.csr"))
    with open(p("ext.cnf"), "w") as f:
        f.write(f"subjectAltName=IP:{host_ip},DNS:localhost\nextendedKeyUsage=serverAuth\n")
    run("x509", "-req", "-in", p("server.csr"), "-CA", p("ca.pem"), "-CAkey", p("ca.key"), "-CAcreateserial",
        "-days", "2", "-extfile", p("ext.cnf"), "-out", p("server.pem"))
    return {"ca": p("ca.pem"), "cert": p("server.pem"), "key": p("server.key")}


def bcrypt_hash(password):
    """bcrypt hash for Alertmanager's web config basic_auth_users (libxcrypt via the crypt module)."""
    try:
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            import crypt  # removed in Python 3.13
        h = crypt.crypt(password, crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=1 << 4))
    except (ImportError, AttributeError, ValueError, OSError) as e:
        raise HarnessError(f"cannot make a bcrypt hash here ({e})")
    if not h or not h.startswith("$2"):
        raise HarnessError("crypt() gave no bcrypt hash")
    return h


# ---------------------------------------------------------------- Alertmanager

def find_alertmanager():
    for c in (os.environ.get("ALERTMANAGER"), "/usr/bin/prometheus-alertmanager",
              shutil.which("prometheus-alertmanager"), shutil.which("alertmanager")):
        if c and os.access(c, os.X_OK):
            return c
    return None


def default_config(webhook_url, group_by=("...",), group_wait="1s", group_interval="1s",
                   repeat_interval="1h", resolve_timeout="5m"):
    """One route to one webhook receiver named 'hook', send_resolved on. group_by ['...'] makes
    every alert its own group, so each notification is about exactly one alert."""
    gb = ", ".join("'%s'" % g for g in group_by)
    return f"""\
global:
  resolve_timeout: {resolve_timeout}
route:
  receiver: hook
  group_by: [{gb}]
  group_wait: {group_wait}
  group_interval: {group_interval}
  repeat_interval: {repeat_interval}
receivers:
  - name: hook
    webhook_configs:
      - url: '{webhook_url}'
        send_resolved: true
"""


class Alertmanager:
    """Debian's prometheus-alertmanager on 127.0.0.1:<port> with its own config and storage in a temp dir.

    config: the alertmanager.yml text (default: default_config(route_to) when route_to is given,
    else a route to a blackhole receiver). tls/basic_auth: see start(). The port is picked once
    and kept across stop()/start(), so a restart is the same URL with the same --storage.path."""

    def __init__(self, config=None, route_to=None, port=None, workdir=None, binary=None, tls=None,
                 basic_auth=None, log_level="info", name="alertmanager"):
        self.binary = binary or find_alertmanager()
        if not self.binary:
            raise HarnessError("prometheus-alertmanager not found: apt-get install -y prometheus-alertmanager")
        self.name = name
        self._own_dir = workdir is None
        self.dir = workdir or tempfile.mkdtemp(prefix="lw-am-")
        os.makedirs(self.dir, exist_ok=True)
        self.storage = os.path.join(self.dir, "data")
        self.config_path = os.path.join(self.dir, "alertmanager.yml")
        self.log_path = os.path.join(self.dir, "alertmanager.log")
        if config is None:
            config = default_config(route_to) if route_to else \
                "route:\n  receiver: blackhole\nreceivers:\n  - name: blackhole\n"
        with open(self.config_path, "w") as f:
            f.write(config)
        self.port = port or free_port()
        self.tls = tls                # dict(ca=, cert=, key=) from make_tls, or None
        self.basic_auth = basic_auth  # (user, password) or None
        self.log_level = log_level
        self.proc = None
        self.frozen = False
        self.starts = 0
        self._log = None
        self._ssl = None
        if tls:
            self._ssl = ssl.create_default_context(cafile=tls["ca"])
        self.web_config = None
        if tls or basic_auth:
            self.web_config = os.path.join(self.dir, "web.yml")
            lines = []
            if tls:
                lines += ["tls_server_config:", f"  cert_file: {tls['cert']}", f"  key_file: {tls['key']}"]
            if basic_auth:
                lines += ["basic_auth_users:", f"  {basic_auth[0]}: '{bcrypt_hash(basic_auth[1])}'"]
            with open(self.web_config, "w") as f:
                f.write("\n".join(lines) + "\n")

    # -- URLs and raw HTTP
    @property
    def url(self):
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def argv(self):
        a = [self.binary, f"--config.file={self.config_path}", f"--storage.path={self.storage}",
             f"--web.listen-address=127.0.0.1:{self.port}", f"--web.external-url={self.url}/",
             "--cluster.listen-address=", f"--log.level={self.log_level}"]
        if self.web_config:
            a.append(f"--web.config.file={self.web_config}")
        return a

    def request(self, path, method="GET", body=None, headers=None, timeout=5, auth=True):
        h = dict(headers or {})
        if auth and self.basic_auth:
            h["Authorization"] = basic_auth_header(*self.basic_auth)
        return http_request(self.url + path, method, body, h, timeout, self._ssl)

    # -- life cycle
    def start(self, timeout=20):
        if self.running():
            raise HarnessError(f"{self.name} already running (pid {self.proc.pid})")
        if port_open(self.port):
            raise HarnessError(f"port {self.port} is taken by another process")
        self._log = open(self.log_path, "ab")
        self._log.write(f"\n===== start {self.starts + 1}: {' '.join(self.argv())}\n".encode())
        self._log.flush()
        self.proc = subprocess.Popen(self.argv(), cwd=self.dir, stdin=subprocess.DEVNULL, stdout=self._log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        self.starts += 1
        self.frozen = False
        t0 = time.monotonic()

        def ready():
            if self.proc.poll() is not None:
                raise HarnessError(f"{self.name} exited with {self.proc.returncode}:\n{self.log_tail()}")
            st, _, _ = self.request("/-/ready", timeout=1)
            return st == 200
        try:
            wait_until(ready, timeout, f"{self.name} /-/ready", interval=0.1)
        except WaitTimeout:
            self.stop()
            raise HarnessError(f"{self.name} not ready after {timeout}s:\n{self.log_tail()}")
        self.ready_after = time.monotonic() - t0
        return self

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def stop(self, sig=signal.SIGTERM, timeout=10):
        """Stop this process (by its PID only); SIGKILL if it outlives timeout. -> exit status."""
        if not self.proc:
            return None
        if self.proc.poll() is None:
            if self.frozen:
                self.proc.send_signal(signal.SIGCONT)
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.frozen = False
        if self._log:
            self._log.close()
            self._log = None
        # the port must be free again before a restart on it
        wait_until(lambda: not port_open(self.port), 5, f"port {self.port} closed")
        return self.proc.returncode

    def freeze(self):
        """SIGSTOP: the port still accepts connections (kernel backlog) but nothing answers."""
        self.proc.send_signal(signal.SIGSTOP)
        self.frozen = True

        def all_stopped():  # SIGSTOP takes effect asynchronously, thread by thread
            task = f"/proc/{self.proc.pid}/task"
            try:
                states = []
                for t in os.listdir(task):
                    with open(f"{task}/{t}/stat") as f:
                        states.append(f.read().rsplit(")", 1)[1].split()[0])
            except OSError:
                return False
            return states and all(s in ("T", "t") for s in states)
        wait_until(all_stopped, 5, f"{self.name} stopped by SIGSTOP", interval=0.02)

    def thaw(self):
        self.proc.send_signal(signal.SIGCONT)
        self.frozen = False

    def close(self, keep=False):
        self.stop()
        if self._own_dir and not keep:
            shutil.rmtree(self.dir, ignore_errors=True)

    def log_tail(self, n=30):
        try:
            with open(self.log_path, "rb") as f:
                lines = f.read().decode("utf-8", "replace").splitlines()
        except OSError:
            return "(no log)"
        return "\n".join("  | " + l for l in lines[-n:])

    def version(self):
        r = subprocess.run([self.binary, "--version"], capture_output=True, text=True, timeout=10)
        return (r.stdout + r.stderr).splitlines()[0].strip()

    # -- API
    def post_alerts(self, alerts, headers=None):
        """POST /api/v2/alerts as Prometheus (and logwarden) do. -> (status, body text)."""
        st, body, _ = self.request("/api/v2/alerts", "POST", alerts, headers)
        return st, body.decode("utf-8", "replace")

    def alerts(self, **labels):
        """GET /api/v2/alerts (active, silenced, inhibited and unprocessed; never resolved ones),
        filtered by exact label values."""
        q = ""
        if labels:
            q = "?" + urllib.parse.urlencode([("filter", f'{k}="{v}"') for k, v in labels.items()])
        st, body, _ = self.request("/api/v2/alerts" + q)
        if st != 200:
            raise OSError(f"GET /api/v2/alerts: HTTP {st}: {body[:200]!r}")
        return json.loads(body)

    def groups(self):
        st, body, _ = self.request("/api/v2/alerts/groups")
        if st != 200:
            raise OSError(f"GET /api/v2/alerts/groups: HTTP {st}")
        return json.loads(body)

    def status(self):
        st, body, _ = self.request("/api/v2/status")
        return json.loads(body) if st == 200 else None

    def metrics(self):
        st, body, _ = self.request("/metrics")
        if st != 200:
            raise OSError(f"GET /metrics: HTTP {st}")
        return parse_metrics(body.decode())

    def received(self, status=None):
        """alertmanager_alerts_received_total (API v2), for 'firing', 'resolved' or both."""
        m = self.metrics()
        if status:
            return metric_sum(m, "alertmanager_alerts_received_total", status=status, version="v2")
        return metric_sum(m, "alertmanager_alerts_received_total", version="v2")

    def wait_alert(self, timeout, pred=None, what=None, **labels):
        """Wait until GET /api/v2/alerts has an alert with these labels (and pred(alert)); -> the alert."""
        def find():
            for a in self.alerts(**labels):
                if pred is None or pred(a):
                    return a
            return None
        return wait_until(find, timeout, what or f"an alert {labels} in {self.name}", interval=0.1)

    def wait_gone(self, timeout, what=None, **labels):
        wait_until(lambda: not self.alerts(**labels), timeout, what or f"no alert {labels} in {self.name}",
                   interval=0.1)


# ---------------------------------------------------------------- webhook recorder

class Request:
    __slots__ = ("time", "method", "path", "headers", "body", "json", "status")

    def __init__(self, t, method, path, headers, body, status):
        self.time, self.method, self.path, self.headers, self.body, self.status = \
            t, method, path, headers, body, status
        try:
            self.json = json.loads(body) if body else None
        except ValueError:
            self.json = None

    def __repr__(self):
        return f"<{self.method} {self.path} {len(self.body)}B -> {self.status}>"


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class Recorder:
    """A threaded HTTP listener on 127.0.0.1 that records every request and answers 200 (or what
    respond() sets, per path prefix). Use it as a webhook receiver (Alertmanager's or logwarden's
    --webhook) or as a fake Alertmanager (POST /api/v2/alerts) to see headers and retries."""

    def __init__(self, port=0, tls=None):
        self.requests = []
        self.cv = threading.Condition()
        self.rules = []  # [path prefix, status, delay seconds, times left or None]
        rec = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else b""
                status, delay = 200, 0
                with rec.cv:
                    for rule in rec.rules:
                        if self.path.startswith(rule[0]) and rule[3] != 0:
                            status, delay = rule[1], rule[2]
                            if rule[3] is not None:
                                rule[3] -= 1
                            break
                if delay:
                    time.sleep(delay)
                r = Request(time.time(), self.command, self.path, dict(self.headers.items()), body, status)
                with rec.cv:
                    rec.requests.append(r)
                    rec.cv.notify_all()
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_POST = do_PUT = do_GET = _handle

            def log_message(self, *a):
                pass

        self.server = _Server(("127.0.0.1", port), Handler)
        if tls:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(tls["cert"], tls["key"])
            self.server.socket = ctx.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.scheme = "https" if tls else "http"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return f"{self.scheme}://127.0.0.1:{self.port}"

    def respond(self, prefix, status, delay=0, times=None):
        """Answer requests whose path starts with prefix with this status (after delay s), for the
        next `times` such requests (None: until changed); 200 otherwise."""
        with self.cv:
            self.rules = [r for r in self.rules if r[0] != prefix] + [[prefix, status, delay, times]]
            self.rules.sort(key=lambda r: -len(r[0]))

    def get(self, prefix="", method="POST"):
        with self.cv:
            return [r for r in self.requests if r.path.startswith(prefix) and (method is None or r.method == method)]

    def wait(self, pred, timeout, what, prefix="", method="POST"):
        """Wait until pred(list of matching requests) is truthy; -> its value."""
        deadline = time.monotonic() + timeout
        with self.cv:
            while True:
                rs = [r for r in self.requests if r.path.startswith(prefix) and (method is None or r.method == method)]
                v = pred(rs)
                if v:
                    return v
                left = deadline - time.monotonic()
                if left <= 0:
                    raise WaitTimeout(f"timed out after {timeout:g}s waiting for {what}; "
                                      f"{len(rs)} requests under {prefix or '/'}: {rs[-5:]}")
                self.cv.wait(min(left, 0.2))

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def webhook_alerts(requests):
    """Flatten Alertmanager webhook bodies -> [(request time, body status, alert dict)]."""
    out = []
    for r in requests:
        b = r.json
        if isinstance(b, dict):
            for a in b.get("alerts") or []:
                out.append((r.time, b.get("status"), a))
    return out
