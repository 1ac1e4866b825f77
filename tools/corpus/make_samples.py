#!/usr/bin/env python3
"""Build samples/ (README demo + end-to-end test input) from the real captures.

samples/calendar-sync-incident.log : a 40-minute calendar-sync incident. Traceback
    and error texts are taken verbatim from Tests/Fixtures/real/*.log (captured
    from the real libraries) and re-timestamped; local addresses are rewritten to
    the Google endpoints the service would really call and source paths to the
    service's own. The surrounding INFO traffic is synthetic.
samples/healthy.log : the same service working normally (INFO/DEBUG only) with
    benign near-misses (timeout=30, errors=0, status=200, 429 in a retry policy...).
samples/nginx-access.log, samples/sshd-auth.log : copies of the real nginx
    access log and the real sshd/PAM auth.log, with their labels.
Labels are written by construction (every record this script emits knows its
class) and were then reviewed against draft_labels.py.
Deterministic: fixed random seed. Usage: make_samples.py
"""
import datetime as dt
import os
import random
import re
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import draft_labels as D  # noqa: E402

ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
REAL = os.path.join(ROOT, "Tests", "Fixtures", "real")
OUT = os.path.join(ROOT, "samples")
rnd = random.Random(20251027)
TS_RE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (\w+) \[([^\]]+)\] ")


def real_records(name):
    lines = open(os.path.join(REAL, name), encoding="utf-8").readlines()
    return [rec for _, rec in D.records(lines, "pylog")]


def find(name, *needles):
    """First real record (list of lines) containing all needles."""
    for rec in real_records(name):
        text = "".join(rec)
        if all(n in text for n in needles):
            return rec
    raise SystemExit(f"{name}: no record with {needles}")


def localize(text):
    text = re.sub(r"HTTPConnectionPool\(host='127\.0\.0\.1', port=\d+\)",
                  "HTTPSConnectionPool(host='www.googleapis.com', port=443)", text)
    text = re.sub(r"HTTPConnection\(host='127\.0\.0\.1', port=\d+\)",
                  "HTTPSConnection(host='www.googleapis.com', port=443)", text)
    text = re.sub(r"http://127\.0\.0\.1:\d+/token", "https://oauth2.googleapis.com/token", text)
    text = re.sub(r"http://127\.0\.0\.1:\d+", "https://www.googleapis.com", text)
    text = text.replace("/slow?s=2", "/calendar/v3/calendars/primary/events?syncToken=CKi7")
    text = re.sub(r"/work/main/tools/corpus/python_\w+\.py", "/srv/calsync/calsync/worker.py", text)
    text = text.replace("/root/.pyenv/versions/3.11.7/lib/python3.11/site-packages", "/srv/calsync/venv/lib/python3.11/site-packages")
    return text


def body(rec):
    """(level, logger, message-first-line-rest, continuation lines) of a real record."""
    m = TS_RE.match(rec[0])
    return m.group(1), m.group(2), rec[0][m.end():].rstrip("\n"), [localize(l) for l in rec[1:]]


class Log:
    def __init__(self):
        self.recs = []  # (time, level, logger, msg, extra_lines, cls, note)

    def add(self, t, level, logger, msg, extra=(), cls=None, note=""):
        self.recs.append((t, level, logger, msg, list(extra), cls, note))

    def write(self, path, labels_path, header):
        self.recs.sort(key=lambda r: r[0])
        lines, labels = [], list(header)
        for t, level, logger, msg, extra, cls, note in self.recs:
            ts = t.strftime("%Y-%m-%d %H:%M:%S,") + f"{t.microsecond // 1000:03d}"
            if cls:
                labels.append(f"{len(lines) + 1}\t{cls}\t{note or msg[:100]}")
            lines.append(f"{ts} {level} [{logger}] {msg}\n")
            lines.extend(e if e.endswith("\n") else e + "\n" for e in extra)
        open(path, "w").writelines(lines)
        open(labels_path, "w").write("\n".join(labels) + "\n")
        return len(lines), len(labels) - len(header)


T0 = dt.datetime(2025, 10, 27, 10, 0, 0)


def at(sec):
    return T0 + dt.timedelta(seconds=sec, microseconds=rnd.randrange(0, 999) * 1000)


USERS = list(range(1001, 1090))
CALS = ["primary", "team-standups", "holidays", "oncall", "1:1s", "release-train"]


def normal_traffic(log, start, end, density, healthy=False):
    """Benign INFO/DEBUG records spread over [start, end) seconds."""
    t = start
    while t < end:
        t += rnd.uniform(0.4, density)
        u = rnd.choice(USERS)
        k = rnd.random()
        if k < 0.30:
            n = rnd.randint(0, 40)
            log.add(at(t), "INFO", "calsync.sync", f"synced user={u} calendar={rnd.choice(CALS)} events_upserted={n} events_deleted={rnd.randint(0, 3)} duration_ms={rnd.randint(80, 900)}")
        elif k < 0.42:
            log.add(at(t), "INFO", "calsync.oauth", f"refreshed access token for user={u} expires_in=3599 scope=calendar.readonly granted")
        elif k < 0.52:
            log.add(at(t), "DEBUG", "urllib3.connectionpool", f'https://www.googleapis.com:443 "GET /calendar/v3/calendars/{rnd.choice(CALS)}/events?syncToken=CKi7{rnd.randint(100, 999)} HTTP/1.1" 200 {rnd.randint(400, 90000)}')
        elif k < 0.60:
            log.add(at(t), "INFO", "calsync.webhook", f"push notification channel=ch-{rnd.randint(1000, 9999)} resource_state=exists user={u} status=200")
        elif k < 0.68:
            log.add(at(t), "INFO", "calsync.google", f"GET calendarList user={u} status=200 items={rnd.randint(1, 12)} elapsed_ms={rnd.randint(40, 400)} timeout=30")
        elif k < 0.74:
            log.add(at(t), "INFO", "calsync.scheduler", f"sync pass finished users={rnd.randint(40, 90)} retries=0 errors=0 duration_ms={rnd.randint(2000, 9000)}")
        elif k < 0.80:
            log.add(at(t), "DEBUG", "calsync.db", f"pool checkout conn_id={rnd.randint(1, 10)} in_use={rnd.randint(1, 6)}/10 wait_ms=0")
        elif k < 0.85:
            log.add(at(t), "INFO", "calsync.http", f'127.0.0.1 - "GET /healthz HTTP/1.1" 200 2 "kube-probe/1.29"')
        elif k < 0.90:
            log.add(at(t), "INFO", "calsync.google", f"freebusy.query user={u} calendars={rnd.randint(1, 4)} status=200 rate_limit_remaining={rnd.randint(900, 1000)}")
        elif k < 0.95:
            log.add(at(t), "DEBUG", "calsync.oauth", f"token for user={u} still valid (expires_in={rnd.randint(300, 3500)}s), no refresh needed")
        else:
            log.add(at(t), "INFO", "calsync.sync", f"incremental sync user={u} nextSyncToken stored, 0 failed, timeout=30 retries=0")


def incident():
    log = Log()
    # real texts
    uc = find("python_psycopg2.log", "failed to load oauth token scopes", "psycopg2.errors.UndefinedColumn", "Traceback")
    sqla = find("python_psycopg2.log", "sqlalchemy.exc.ProgrammingError: (psycopg2.errors.UndefinedColumn)")
    rto = find("python_requests.log", "events fetch timed out", "requests.exceptions.ReadTimeout")
    retry_rto = find("python_requests.log", "Retrying (Retry(total=1", "ReadTimeoutError")
    retry_rto0 = find("python_requests.log", "Retrying (Retry(total=0", "ReadTimeoutError")
    ig = find("python_oauth.log", "token refresh failed", "InvalidGrantError")
    scope_changed = find("python_oauth.log", "WARNING [calsync.oauth] token refresh for user", "Scope has changed")
    gapi_warn = find("python_oauth.log", "Encountered 403 Forbidden")
    gapi_err = find("python_oauth.log", "googleapiclient.errors.HttpError")
    insuff = find("python_oauth.log", "www-authenticate=Bearer", "insufficient_scope")
    unauth = find("python_oauth.log", "401 Client Error: Unauthorized")
    missing = find("python_oauth.log", "Not all requested scopes were granted")
    g_invalid_grant = find("python_oauth.log", "google.auth.exceptions.RefreshError: ('invalid_grant")

    def replay(t, rec, cls, note, user=None):
        level, logger, msg, extra = body(rec)
        msg = localize(msg)
        if user is not None:
            msg = re.sub(r"user[ =]\d+", f"user {user}" if "user " in msg else f"user={user}", msg)
        log.add(at(t), level, logger, msg, extra, cls, note)

    # phase 1: healthy 10:00 - 10:12
    log.add(at(0.1), "INFO", "calsync.app", "calendar-sync v2.13.4 running, workers=4 pool_size=10 google_timeout=30")
    normal_traffic(log, 0, 712, 15.0)
    # deploy at ~10:12
    log.add(at(721), "INFO", "calsync.app", "received SIGTERM, draining 4 workers")
    log.add(at(723), "INFO", "calsync.app", "calendar-sync v2.13.4 stopped")
    log.add(at(731), "INFO", "calsync.app", "calendar-sync v2.14.0 starting (git 3f9c2ab, deploy #812) workers=4")
    log.add(at(731.4), "INFO", "calsync.migrate", "RUN_MIGRATIONS=false, skipping schema migrations (pending: 0042_add_scope_to_user_oauth_tokens)")
    log.add(at(732), "INFO", "calsync.db", "connected to postgresql at db-primary.internal:5432 db=calsync pool_size=10")
    # phase 2: incident 10:12 - 10:31
    normal_traffic(log, 736, 1860, 30.0)
    t = 736
    uc_users = rnd.sample(USERS, 10)
    for i, u in enumerate(uc_users):
        replay(t, uc, "undefined_column", "header mentions oauth token scopes; final exception UndefinedColumn", user=u)
        if i == 2:
            replay(t + 3, sqla, "undefined_column", "SQLAlchemy ProgrammingError wrapping UndefinedColumn", user=u)
        t += rnd.uniform(60, 115)
    # scope problems
    for tt, u in ((802, 1033), (1105, 1061), (1490, 1008)):
        replay(tt, scope_changed, "oauth_scope", "oauthlib Scope has changed", user=u)
    for tt in (845, 1270):
        replay(tt, insuff, "oauth_scope", "403 with WWW-Authenticate error=insufficient_scope", user=1044)
        log.add(at(tt + 0.2), "ERROR", "calsync.google", "could not create event for user=1044: status=403 Request had insufficient authentication scopes.", cls="oauth_scope", note="insufficient authentication scopes")
    replay(990, gapi_warn, "oauth_scope", "googleapiclient 403 reason insufficientPermissions")
    replay(990.01, gapi_err, "oauth_scope", "googleapiclient HttpError 403 insufficient authentication scopes")
    replay(1180, missing, "oauth_scope", "google-auth: missing scopes")
    # Google API timeouts
    for tt in (905, 1340, 1620):
        replay(tt, retry_rto, "timeout", "urllib3 Retrying after ReadTimeoutError")
        replay(tt + 0.7, retry_rto0, "timeout", "urllib3 Retrying after ReadTimeoutError")
    replay(1342, rto, "timeout", "requests ReadTimeout traceback", user=1052)
    for tt, u in ((1630, 1071), (1700, 1019)):
        log.add(at(tt), "WARNING", "calsync.google", f"events.list timed out for user={u} after 30.0s (read timeout=30), retrying in 2s", cls="timeout", note="WARNING retry after timeout")
    # auth failures
    replay(1010, ig, "auth_failure", "oauthlib InvalidGrantError (invalid_grant)", user=1088)
    replay(1420, g_invalid_grant, "auth_failure", "google-auth RefreshError invalid_grant", user=1040)
    for tt in (1150, 1555):
        replay(tt, unauth, "auth_failure", "401 Unauthorized", user=rnd.choice(USERS))
    log.add(at(1016), "INFO", "calsync.oauth", "marked user=1088 as needing re-consent; notification email queued")
    log.add(at(1500), "ERROR", "calsync.sync", "sync pass finished users=83 failed=31 errors=31 duration_ms=48211", cls="other_error", note="ERROR summary line, no specific class")
    log.add(at(1260), "WARNING", "calsync.scheduler", "sync pass lagging: backlog=412 users oldest=9m12s")
    # phase 3: hotfix 10:31 and recovery to 10:40
    log.add(at(1861), "INFO", "calsync.migrate", "running migration 0042_add_scope_to_user_oauth_tokens (manual trigger by oncall)")
    log.add(at(1862.5), "INFO", "calsync.migrate", "ALTER TABLE user_oauth_tokens ADD COLUMN scope text -- ok (1.4s)")
    log.add(at(1863), "INFO", "calsync.migrate", "migration 0042_add_scope_to_user_oauth_tokens applied")
    log.add(at(1866), "INFO", "calsync.oauth", "token scope cache invalidated, reloading scopes for 89 users")
    replay(1885, retry_rto, "timeout", "urllib3 Retrying after ReadTimeoutError (last one)")
    normal_traffic(log, 1866, 2395, 14.0)
    log.add(at(2100), "INFO", "calsync.scheduler", "sync backlog drained: backlog=0 retries=0 errors=0")
    log.add(at(2398), "INFO", "calsync.scheduler", "sync pass finished users=89 retries=0 errors=0 duration_ms=6120")
    hdr = ["# calendar-sync-incident.log labels: LINE<TAB>CLASS<TAB>NOTE (LINE = 1-based first line of the record; unlisted records expect no class)",
           "# Built by tools/corpus/make_samples.py: traceback/error texts are real captures (Tests/Fixtures/real) re-timestamped, addresses/paths rewritten."]
    return log.write(os.path.join(OUT, "calendar-sync-incident.log"), os.path.join(OUT, "calendar-sync-incident.labels.tsv"), hdr)


def healthy():
    global T0
    T0 = dt.datetime(2025, 10, 28, 9, 0, 0)
    log = Log()
    log.add(at(0), "INFO", "calsync.app", "calendar-sync v2.14.1 starting (git 9b1d0e4) workers=4 google_timeout=30 db_statement_timeout=5000ms")
    log.add(at(0.5), "INFO", "calsync.migrate", "schema up to date (head=0042_add_scope_to_user_oauth_tokens), 0 pending")
    log.add(at(1), "INFO", "calsync.http", "retry policy: max_retries=3 backoff=0.5 status_forcelist=[429, 500, 502, 503, 504]")
    log.add(at(1.2), "DEBUG", "calsync.oauth", "required scopes: calendar.readonly calendar.events; insufficient_scope handling=re-consent")
    log.add(at(1.5), "INFO", "calsync.db", "connected to postgresql at db-primary.internal:5432 db=calsync pool_size=10 connect_timeout=10")
    normal_traffic(log, 2, 1190, 12.0, healthy=True)
    log.add(at(300), "INFO", "calsync.oauth", "user=1017 consent ok: scope=calendar.readonly granted, scope=calendar.events granted")
    log.add(at(600), "INFO", "calsync.stats", "last 10m: requests=5120 status_2xx=5120 status_4xx=0 status_5xx=0 timeouts=0 refused=0 rate_limited=0")
    log.add(at(900), "DEBUG", "calsync.db", "slow query log threshold=500ms, 0 slow queries; statement_timeout=5000ms")
    log.add(at(1195), "INFO", "calsync.stats", "last 10m: requests=5088 status_2xx=5088 errors=0 error_rate=0.000")
    hdr = ["# healthy.log labels: no record in this file should get a class (INFO/DEBUG only, with benign near-misses)."]
    return log.write(os.path.join(OUT, "healthy.log"), os.path.join(OUT, "healthy.labels.tsv"), hdr)


def copy_real(src, dst, note):
    shutil.copyfile(os.path.join(REAL, src + ".log"), os.path.join(OUT, dst + ".log"))
    lab = open(os.path.join(REAL, src + ".labels.tsv")).read().splitlines()
    out = [f"# {dst}.log is a verbatim copy of Tests/Fixtures/real/{src}.log ({note}); labels copied from {src}.labels.tsv"]
    out += [l for l in lab if not l.startswith("# " + src)]
    open(os.path.join(OUT, dst + ".labels.tsv"), "w").write("\n".join(out) + "\n")


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    print("calendar-sync-incident.log: %d lines, %d labelled records" % incident())
    print("healthy.log: %d lines, %d labelled records" % healthy())
    copy_real("nginx_access", "nginx-access", "real nginx 1.22.1 on 127.0.0.1")
    copy_real("auth", "sshd-auth", "real OpenSSH 9.2 sshd + pam_unix via rsyslog")
