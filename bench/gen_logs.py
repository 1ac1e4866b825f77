#!/usr/bin/env python3
"""logwarden's own mixed-format log generator: deterministic, standard library only.

usage: gen_logs.py N [--seed S] [-o OUT] [--truth FILE]

Writes N physical lines (to stdout by default) of a calendar-sync service and its
neighbours: Python logging, JSON lines, syslog short-iso, nginx error log and PostgreSQL
server log, with multi-line Python tracebacks whose continuation lines carry no
timestamp. About 93% of events are INFO/DEBUG noise, including near misses that a naive
regex takes for errors (`timeout=30`, `ERROR_BUDGET`, `"duration_ms":503`,
`user_id=429`); the rest fall in eight error classes. Event time starts at
2025-10-27 10:00:00 UTC and advances 5..15 ms a line.

--truth FILE writes, per line, the class of the event the line belongs to ("none" for
noise and for a traceback's frames). A summary goes to stderr as JSON.

The tests (ParallelScanTests, PrefilterTests, Tests/State/crash_test.py) use this file,
so a clone needs nothing beside it. Changing what it writes for a seed changes what they
see: keep it deterministic.
"""
import argparse
import datetime
import json
import random
import sys

START = datetime.datetime(2025, 10, 27, 10, 0, 0, tzinfo=datetime.timezone.utc)
SERVICES = ("api", "calendar-sync", "scheduling-worker", "auth-service", "notifier", "billing")
HOSTS = ("app-01", "app-02", "worker-01", "db-01", "edge-01")
PATHS = ("/api/v1/events", "/api/v1/bookings", "/api/v1/users/me", "/api/v1/availability", "/healthz")
UPSTREAMS = ("www.googleapis.com", "graph.microsoft.com", "api.zoom.us")


class Stamp:
    """The current event time, in the formats of each log family."""

    def __init__(self, rnd):
        self.rnd = rnd
        self.t = START

    def advance(self):
        self.t += datetime.timedelta(milliseconds=self.rnd.randint(5, 15))

    def _ms(self):
        return self.t.microsecond // 1000

    def python(self):
        return self.t.strftime("%Y-%m-%d %H:%M:%S") + ",%03d" % self._ms()

    def iso(self):
        return self.t.strftime("%Y-%m-%dT%H:%M:%S") + ".%03dZ" % self._ms()

    def syslog(self):
        return self.t.strftime("%Y-%m-%dT%H:%M:%S+0000")

    def nginx(self):
        return self.t.strftime("%Y/%m/%d %H:%M:%S")

    def postgres(self):
        return self.t.strftime("%Y-%m-%d %H:%M:%S") + ".%03d UTC" % self._ms()


class Mix:
    """Events as lists of lines; each line is a function of the stamp, so that every
    physical line gets its own time."""

    def __init__(self, seed):
        self.rnd = random.Random(seed)
        self.stamp = Stamp(self.rnd)

    # -- one line per family --------------------------------------------------------
    def py(self, level, message, service=None):
        return lambda s: "%s [%s] [%s] %s" % (s.python(), level, service or self.rnd.choice(SERVICES), message)

    def js(self, level, message, **fields):
        record = {"timestamp": None, "level": level, "service": self.rnd.choice(SERVICES), "message": message}
        record.update(fields)
        record["request_id"] = "%016x" % self.rnd.getrandbits(64)

        def line(s):
            record["timestamp"] = s.iso()
            return json.dumps(record, separators=(",", ":"))
        return line

    def sys(self, program, message):
        host = self.rnd.choice(HOSTS)
        return lambda s: "%s %s %s: %s" % (s.syslog(), host, program, message)

    def ngx(self, level, message):
        pid, conn = self.rnd.randint(100, 999), self.rnd.randint(1, 999999)
        path = self.rnd.choice(PATHS)
        context = ', client: %s, server: api.example.com, request: "GET %s HTTP/1.1", host: "api.example.com"' % (self.ip(), path)
        return lambda s: "%s [%s] %d#%d: *%d %s%s" % (s.nginx(), level, pid, pid, conn, message, context)

    def pg(self, level, message, pid=None):
        pid = pid or self.rnd.randint(1000, 9999)
        return lambda s: "%s [%d] %s:  %s" % (s.postgres(), pid, level, message)

    def access(self, status):
        r = self.rnd
        return self.py("INFO", '%s - - "%s %s HTTP/1.1" %d %d "-" "python-requests/2.31.0" %dms' % (
            self.ip(), r.choice(("GET", "GET", "POST", "PUT")), r.choice(PATHS), status, r.randint(0, 9999), r.randint(1, 900)), "api")

    def ip(self):
        return "10.0.%d.%d" % (self.rnd.randint(0, 9), self.rnd.randint(2, 254))

    def traceback(self, head, frames, last):
        lines = [head, lambda s: "Traceback (most recent call last):"]
        for path, number, function, source in frames:
            lines.append(lambda s, p=path, n=number, f=function: '  File "%s", line %d, in %s' % (p, n, f))
            lines.append(lambda s, src=source: "    " + src)
        lines.append(lambda s: last)
        return lines

    # -- events -----------------------------------------------------------------------
    def noise(self):
        r = self.rnd
        user = r.randint(1, 99999)
        family = r.random()
        if family < 0.25:
            return [self.py(r.choice(("INFO", "INFO", "DEBUG")), r.choice((
                "Synced %d events for user %d in %dms" % (r.randint(0, 60), user, r.randint(5, 900)),
                "Retry policy configured: timeout=%ds max_retries=3" % r.choice((5, 10, 30)),
                "login succeeded for user_id=%d" % r.choice((429, 500, 503, user)),
                "ERROR_BUDGET remaining=%.1f%%" % (r.randint(900, 999) / 10),
                "Requested scopes for provider google: calendar.readonly calendar.events",
                "healthcheck ok db=up redis=up queue_depth=%d" % r.randint(0, 50),
            )))]
        if family < 0.40:
            return [self.access(r.choice((200, 200, 201, 204, 302, 304, 404)))]
        if family < 0.70:
            return [self.js(r.choice(("INFO", "INFO", "DEBUG")), "request completed",
                            status=r.choice((200, 201, 304)), duration_ms=r.choice((12, 429, 503, r.randint(1, 999))))]
        if family < 0.84:
            pid = r.randint(200, 32000)
            return [r.choice((
                self.sys("sshd[%d]" % pid, "Accepted publickey for deploy from %s port %d ssh2" % (self.ip(), r.randint(30000, 60000))),
                self.sys("CRON[%d]" % pid, "(root) CMD (run-parts /etc/cron.hourly)"),
                self.sys("systemd[1]", "Started Session %d of user deploy." % r.randint(1, 9999)),
            ))]
        if family < 0.93:
            return [self.ngx(r.choice(("notice", "info")), "client %s closed keepalive connection" % self.ip())]
        return [self.pg("LOG", "checkpoint complete: wrote %d buffers (%.1f%%); 0 WAL file(s) added" % (r.randint(1, 999), r.randint(0, 99) / 10))]

    def undefined_column(self):
        r = self.rnd
        column = r.choice(("user_oauth_tokens.scope", "user_oauth_tokens.scope", "events.recurrence_id"))
        k = r.random()
        if k < 0.3:
            return [self.py("ERROR", "psycopg2.errors.UndefinedColumn: column %s does not exist at character 366" % column)]
        if k < 0.5:
            pid = r.randint(1000, 9999)
            return [self.pg("ERROR", "column %s does not exist at character %d" % (column, r.randint(8, 900)), pid),
                    self.pg("STATEMENT", "SELECT id, scope FROM user_oauth_tokens WHERE user_id = $1", pid)]
        if k < 0.7:
            return [self.js("ERROR", "(psycopg2.errors.UndefinedColumn) column %s does not exist" % column, user_id=r.randint(1, 99999))]
        return self.traceback(
            self.py("ERROR", "Exception while refreshing calendar for user %d" % r.randint(1, 99999), "scheduling-worker"),
            [("/app/venv/lib/python3.11/site-packages/sqlalchemy/engine/base.py", 1965, "_exec_single_context", "self.dialect.do_execute("),
             ("/app/venv/lib/python3.11/site-packages/sqlalchemy/engine/default.py", 921, "do_execute", "cursor.execute(statement, parameters)")],
            "psycopg2.errors.UndefinedColumn: column %s does not exist" % column)

    def oauth_scope(self):
        r = self.rnd
        return [r.choice((
            self.py("WARNING", "OAuth token for user %d has insufficient_scope: required https://www.googleapis.com/auth/calendar.events" % r.randint(1, 99999), "calendar-sync"),
            self.py("ERROR", 'Failed to refresh token: oauthlib.oauth2.rfc6749.errors.Warning: Scope has changed from "calendar" to "calendar.readonly".', "auth-service"),
            self.js("ERROR", "Google API returned 403 insufficient_scope", user_id=r.randint(1, 99999)),
        ))]

    def timeout(self):
        r = self.rnd
        k = r.random()
        if k < 0.8:
            return [r.choice((
                self.py("ERROR", "requests.exceptions.ReadTimeout: HTTPSConnectionPool(host='%s', port=443): Read timed out. (read timeout=30)" % r.choice(UPSTREAMS)),
                self.js("ERROR", "rpc error: code = DeadlineExceeded desc = context deadline exceeded", rpc="Availability.Get"),
                self.js("ERROR", "connect ETIMEDOUT %s:5432" % self.ip()),
                self.ngx("error", "upstream timed out (110: Connection timed out) while reading response header from upstream"),
            ))]
        return self.traceback(
            self.py("WARNING", "Availability lookup for user %d failed, giving up" % r.randint(1, 99999), "scheduling-worker"),
            [("/app/app/availability.py", 77, "lookup", "resp = await asyncio.wait_for(fetch(url), timeout=10)")],
            "TimeoutError")

    def auth_failure(self):
        r = self.rnd
        return [r.choice((
            self.sys("sshd[%d]" % r.randint(200, 32000), "Failed password for invalid user admin from %s port %d ssh2" % (self.ip(), r.randint(1024, 65000))),
            self.pg("FATAL", 'password authentication failed for user "app"'),
            self.py("WARNING", "401 Unauthorized: invalid bearer token for request_id=%016x" % r.getrandbits(64), "api"),
            self.js("ERROR", "token refresh failed: invalid_grant (Token has been expired or revoked.)", provider="google"),
        ))]

    def http_5xx(self):
        r = self.rnd
        code, reason = r.choice(((500, "Internal Server Error"), (502, "Bad Gateway"), (503, "Service Unavailable"), (504, "Gateway Timeout")))
        return [r.choice((
            self.access(code),
            self.py("ERROR", "Upstream returned HTTP %d %s for GET https://%s/v1/events" % (code, reason, r.choice(UPSTREAMS)), "calendar-sync"),
            self.js("ERROR", "request failed", status=code, path=r.choice(PATHS)),
        ))]

    def rate_limit(self):
        r = self.rnd
        return [r.choice((
            self.py("WARNING", "Google Calendar API rate limit exceeded (429 Too Many Requests), backing off %ds" % r.randint(1, 64), "calendar-sync"),
            self.js("WARNING", "upstream throttled request", status=429),
            self.ngx("error", 'limiting requests, excess: %d.%03d by zone "api"' % (r.randint(1, 50), r.randint(0, 999))),
            self.access(429),
        ))]

    def conn_refused(self):
        r = self.rnd
        if r.random() < 0.8:
            return [r.choice((
                self.py("ERROR", "redis.exceptions.ConnectionError: Error 111 connecting to redis:6379. Connection refused.", "scheduling-worker"),
                self.ngx("error", "connect() failed (111: Connection refused) while connecting to upstream"),
                self.js("ERROR", "connect ECONNREFUSED 127.0.0.1:%d" % r.choice((5432, 6379, 5672))),
            ))]
        return self.traceback(
            self.py("WARNING", "Could not reach ledger service, will retry", "billing"),
            [("/app/app/billing/ledger.py", 41, "post_entry", 'sock = socket.create_connection(("ledger", 7000))')],
            "ConnectionRefusedError: [Errno 111] Connection refused")

    def generic_error(self):
        r = self.rnd
        if r.random() < 0.8:
            return [r.choice((
                self.py("ERROR", "Failed to render template 'reminder_email': KeyError 'first_name'", "notifier"),
                self.js("ERROR", "failed to publish event to queue: channel closed", topic="booking.created"),
                self.py("CRITICAL", "Worker process %d died unexpectedly" % r.randint(100, 9999), "api"),
                self.pg("ERROR", 'duplicate key value violates unique constraint "bookings_pkey"'),
            ))]
        return self.traceback(
            self.py("ERROR", "Unhandled exception in job reconcile_invoices", "billing"),
            [("/app/app/billing/reconcile.py", 133, "reconcile_invoices", "total = sum(line['amount'] for line in invoice.lines)")],
            "KeyError: 'amount'")

    CLASSES = (("undefined_column", 12), ("oauth_scope", 10), ("timeout", 15), ("auth_failure", 13),
               ("http_5xx", 12), ("rate_limit", 8), ("conn_refused", 9), ("generic_error", 21))

    def events(self):
        names = [name for name, _ in self.CLASSES]
        weights = [weight for _, weight in self.CLASSES]
        while True:
            if self.rnd.random() < 0.07:
                name = self.rnd.choices(names, weights)[0]
                lines = getattr(self, name)()
                yield [(line, name if i == 0 or i == len(lines) - 1 else "none") for i, line in enumerate(lines)]
            else:
                yield [(line, "none") for line in self.noise()]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("n", type=int, help="physical lines to write")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("-o", "--out", default="-", help="output file (default: stdout)")
    parser.add_argument("--truth", help="write each line's class here")
    args = parser.parse_args(argv)

    mix = Mix(args.seed)
    out = sys.stdout if args.out == "-" else open(args.out, "w", encoding="utf-8", newline="\n")
    truth = open(args.truth, "w", encoding="utf-8", newline="\n") if args.truth else None
    written, nbytes, by_class = 0, 0, {}
    lines, labels = [], []
    for event in mix.events():
        for line, label in event:
            if written == args.n:
                break
            mix.stamp.advance()
            lines.append(line(mix.stamp))
            labels.append(label)
            by_class[label] = by_class.get(label, 0) + 1
            written += 1
        if len(lines) >= 8192 or written == args.n:
            text = "\n".join(lines) + "\n" if lines else ""
            nbytes += len(text.encode("utf-8"))
            out.write(text)
            if truth:
                truth.write("\n".join(labels) + "\n" if labels else "")
            lines, labels = [], []
        if written == args.n:
            break
    if out is not sys.stdout:
        out.close()
    if truth:
        truth.close()
    print(json.dumps({"lines": written, "bytes": nbytes, "by_class": dict(sorted(by_class.items()))}), file=sys.stderr)


if __name__ == "__main__":
    main()
