#!/usr/bin/env python3
"""requests / urllib3 failures against local servers on 127.0.0.1 only:
slow server (ReadTimeout), full-backlog listener (ConnectTimeout), closed port
(connection refused), urllib3 Retry warnings, 5xx and 429 responses.
Usage: python_requests.py OUTPUT.log
"""
import logging
import socket
import sys
import threading
import time

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

sys.path.insert(0, __import__("os").path.dirname(__file__))
from backend import H, Server  # noqa: E402

out = sys.argv[1]
logging.basicConfig(filename=out, filemode="w", level=logging.INFO,
                    format="%(asctime)s %(levelname)s [%(name)s] %(message)s")
log = logging.getLogger("calsync.google")
app = logging.getLogger("calsync.app")
H.log_message = lambda *a: None
srv = Server(("127.0.0.1", 0), H)
threading.Thread(target=srv.serve_forever, daemon=True).start()
BASE = f"http://127.0.0.1:{srv.server_address[1]}"


def closed_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


CLOSED = closed_port()
app.info("http client starting (requests %s, urllib3 %s)", requests.__version__, urllib3.__version__)

# normal traffic
sess = requests.Session()
for i in range(6):
    r = sess.get(f"{BASE}/calendar/v3/calendars/primary/events", params={"page": i}, timeout=5)
    log.info("GET /calendar/v3/calendars/primary/events page=%d status=%d elapsed_ms=%d", i, r.status_code, r.elapsed.total_seconds() * 1000)

# 1. ReadTimeout
for uid in (31, 32):
    try:
        requests.get(f"{BASE}/slow?s=2", timeout=(3, 0.5))
    except requests.exceptions.ReadTimeout:
        log.exception("events fetch timed out for user %s", uid)
try:
    requests.get(f"{BASE}/slow?s=2", timeout=0.5)
except requests.exceptions.RequestException as e:
    log.warning("events fetch for user %s failed, will retry: %s", 33, e)

# 2. ConnectTimeout: a listener that never accepts, with its backlog full
lst = socket.socket()
lst.bind(("127.0.0.1", 0))
lst.listen(0)
lport = lst.getsockname()[1]
fillers = []
for _ in range(3):
    f = socket.socket()
    f.setblocking(False)
    f.connect_ex(("127.0.0.1", lport))
    fillers.append(f)
time.sleep(0.2)
try:
    requests.get(f"http://127.0.0.1:{lport}/calendar/v3/users/me/calendarList", timeout=(1, 5))
except requests.exceptions.ConnectTimeout:
    log.exception("calendar list for user %s: connect timeout", 34)
except requests.exceptions.RequestException:
    log.exception("calendar list for user %s failed (expected a connect timeout)", 34)

# 3. connection refused
try:
    requests.get(f"http://127.0.0.1:{CLOSED}/healthz", timeout=2)
except requests.exceptions.ConnectionError:
    app.exception("push-notification relay unreachable")
try:
    requests.post(f"http://127.0.0.1:{CLOSED}/webhooks/calendar", json={"id": 1}, timeout=2)
except requests.exceptions.ConnectionError as e:
    app.error("webhook delivery failed: %s", e)

# 4. urllib3 Retry warnings (connect refused, read timeout, status retries)
retry = Retry(total=2, backoff_factor=0.1, status_forcelist=[429, 500, 502, 503], allowed_methods=None,
              raise_on_status=True)
rs = requests.Session()
rs.mount("http://", HTTPAdapter(max_retries=retry))
for url, kw, what in (
    (f"http://127.0.0.1:{CLOSED}/webhooks/calendar", {}, "webhook relay"),
    (f"{BASE}/slow?s=2", {"timeout": (2, 0.5)}, "events feed"),
    (f"{BASE}/status/503", {}, "freebusy"),
    (f"{BASE}/status/429", {}, "calendar quota"),
    (f"{BASE}/status/500", {}, "acl sync"),
):
    try:
        rs.get(url, **kw)
    except requests.exceptions.RequestException:
        log.exception("%s request failed after retries", what)

# 5. raise_for_status on 5xx / 429 without retries
for code, what in ((500, "events.list"), (502, "calendarList.list"), (503, "freebusy.query"), (429, "events.watch"), (504, "events.insert")):
    r = sess.get(f"{BASE}/status/{code}", timeout=5)
    try:
        r.raise_for_status()
    except requests.HTTPError as e:
        if code == 429:
            log.warning("%s throttled: %s retry_after=%s", what, e, r.headers.get("Retry-After"))
        else:
            log.error("%s failed: %s", what, e)
r = sess.get(f"{BASE}/status/502", timeout=5)
try:
    r.raise_for_status()
except requests.HTTPError:
    log.exception("calendar push channel renewal failed")

# near-misses and normal traffic
for i in range(8):
    r = sess.get(f"{BASE}/calendar/v3/calendars/primary/events", params={"syncToken": f"tok{i}"}, timeout=30)
    log.info("incremental sync user=%d status=%d timeout=30 retries=0", 40 + i, r.status_code)
app.info("http client finished")
for f in fillers:
    f.close()
lst.close()
srv.shutdown()
