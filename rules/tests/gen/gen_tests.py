#!/usr/bin/env python3
"""Generates rules/tests/*_test.yaml (static files, committed) and checks every
expectation against a small Python model of the alert rules.

    python3 rules/tests/gen/gen_tests.py [--logwarden PATH]

The model classifies each input with `logwarden classify` (an existing build;
it does not build anything), then evaluates hand-written Python copies of the
rules in rules/alerts/ with logwarden's semantics: exact windows (t-r, t],
epoch-aligned evaluations from the first record, Prometheus for /
keep_firing_for. It only checks that the tests say what the rules mean; the
real check is `logwarden test rules/tests/`. Keep the copies in RULES in step
with rules/alerts/*.yaml.
"""
import datetime as dt, json, os, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)
ROOT = os.path.dirname(os.path.dirname(TESTS))
LW = sys.argv[sys.argv.index("--logwarden") + 1] if "--logwarden" in sys.argv else \
    os.path.join(ROOT, ".build/x86_64-unknown-linux-gnu/release/logwarden")

T0 = dt.datetime(2025, 10, 27, 10, 0, 0)

def py(sec, level, logger, msg):
    """A Python logging line `sec` seconds after 10:00:00."""
    t = T0 + dt.timedelta(seconds=sec)
    return f"{t:%Y-%m-%d %H:%M:%S},{t.microsecond // 1000:03d} {level} [{logger}] {msg}"

def sshd(sec, msg, host="edge-01", pid=3117, prog="sshd"):
    t = T0 + dt.timedelta(seconds=sec)
    return f"{t:%Y-%m-%dT%H:%M:%S}.{t.microsecond:06d}+00:00 {host} {prog}[{pid}]: {msg}"

def nginx(sec, status, path="/api/v1/availability", ip="10.0.4.9", size=169):
    t = T0 + dt.timedelta(seconds=sec)
    return f'{ip} - - [{t:%d/%b/%Y:%H:%M:%S} +0000] "GET {path} HTTP/1.1" {status} {size} "-" "python-requests/2.31.0"'

HEALTHZ = '127.0.0.1 - "GET /healthz HTTP/1.1" 200 2 "kube-probe/1.29"'
def healthz(sec): return py(sec, "INFO", "calsync.http", HEALTHZ)
def start(): return py(0, "INFO", "calsync.app", "calendar-sync v2.14.0 starting (git 3f9c2ab, deploy #812) workers=4")
def synced(sec, user=1057): return py(sec, "INFO", "calsync.sync", f"synced user={user} calendar=primary events_upserted=12 events_deleted=1 duration_ms=412")
def fillers(a, b, step=30, off=3): return [healthz(s) for s in range(a + off, b, step)]

SCOPE_TB = """ERROR [calsync.tokens] failed to load oauth token scopes for user {u}
Traceback (most recent call last):
  File "/srv/calsync/calsync/worker.py", line 74, in <module>
    load_scopes(conn, uid)
  File "/srv/calsync/calsync/worker.py", line 55, in load_scopes
    cur.execute(
psycopg2.errors.UndefinedColumn: column user_oauth_tokens.scope does not exist
LINE 1: SELECT user_oauth_tokens.scope FROM user_oauth_tokens WHERE ...
               ^"""
def scope_error(sec, u=1087):
    t = T0 + dt.timedelta(seconds=sec)
    return f"{t:%Y-%m-%d %H:%M:%S},{t.microsecond // 1000:03d} " + SCOPE_TB.format(u=u)

def timeout_line(sec, u=1052): return py(sec, "ERROR", "calsync.google", f"events fetch timed out for user {u}")
def refused_line(sec): return py(sec, "ERROR", "calsync.db", 'psycopg2.OperationalError: connection to server at "db-primary.internal" (10.0.3.7), port 5432 failed: Connection refused')
def error_line(sec, u=1044): return py(sec, "ERROR", "calsync.google", f"could not create event for user={u}: upstream rejected payload")
def info_line(sec, u=1081): return py(sec, "INFO", "calsync.google", f"freebusy.query user={u} calendars=3 status=200 rate_limit_remaining=945")

# ---------------------------------------------------------------- the model
def inc(recs, t, r, sel, by=None):
    out = {}
    for x in recs:
        if t - r < x["t"] <= t and sel(x):
            full = {"pattern": x["pattern"], "class": x["class"], "severity": x["severity"], **x["L"]}
            k = tuple((l, full[l]) for l in by if full.get(l)) if by is not None else ()
            out[k] = out.get(k, 0) + 1
    if by is None: out.setdefault((), 0)
    return out

def total(recs, t, sel): return sum(1 for x in recs if x["t"] <= t and sel(x))
def cmp(d, f): return {k: v for k, v in d.items() if f(v)}
def err(x): return x["pattern"] is not None and x["severity"] != "info"
def cls(c): return lambda x: x["class"] == c
M = 60

def r_scope(R, t):
    out = {}
    for x in R:
        if t - M < x["t"] <= t and x["pattern"] == "oauth_token_scope":
            k = tuple(sorted({"pattern": "oauth_token_scope", "class": x["class"], **x["L"]}.items()))
            out[k] = out.get(k, 0) + 1
    return out
def r_undef(R, t): return cmp(inc(R, t, 5*M, cls("undefined_column"), ["pattern", "table", "column"]), lambda v: v > 0)
def r_schema(R, t): return cmp(inc(R, t, 5*M, cls("db_schema"), ["pattern", "relation", "schema", "database"]), lambda v: v > 0)
def r_nosync(R, t):
    s = lambda x: x["pattern"] == "calendar_sync_succeeded"
    return {(): 0} if inc(R, t, 15*M, s)[()] == 0 and total(R, t, s) > 0 else {}
def ratio(R, t):
    n = inc(R, t, 5*M, lambda x: True)[()]
    return None if n < 20 else 100.0 * inc(R, t, 5*M, err)[()] / n
def r_ratio(th): return lambda R, t: {(): ratio(R, t)} if ratio(R, t) is not None and ratio(R, t) > th else {}
def r_failinc(R, t): return cmp(inc(R, t, 10*M, err, ["class"]), lambda v: v > 5)
def r_timeout(R, t):
    a = inc(R, t, 5*M, cls("timeout"))[()]; h = inc(R, t, 3600, cls("timeout"))[()]
    cover = total(R, t, lambda x: True) > inc(R, t, 3600, lambda x: True)[()]
    return {(): a} if a > 3 * h / 12 and a >= 5 and cover else {}
def r_refused(R, t): return cmp(inc(R, t, 10*M, cls("connection_refused"), ["component"]), lambda v: v > 0)
def r_ratelim(R, t): return cmp(inc(R, t, 5*M, cls("rate_limited"), ["pattern"]), lambda v: v > 10)
def r_auth(R, t):
    return cmp(inc(R, t, 5*M, lambda x: x["class"] == "auth_failure" and x["L"].get("source", "") != "", ["source"]), lambda v: v > 10)

# name: (interval, for, keep_firing_for, severity, fn)
RULES = {
    "CalendarSyncOAuthTokenScopeError": (15, 0, 300, "critical", r_scope),
    "DatabaseUndefinedColumn": (15, 0, 300, "critical", r_undef),
    "DatabaseSchemaError": (15, 0, 300, "critical", r_schema),
    "CalendarSyncNoSuccessfulSync": (15, 0, 0, "high", r_nosync),
    "LogErrorRatioHigh": (60, 300, 0, "warning", r_ratio(10)),
    "LogErrorRatioCritical": (60, 120, 0, "critical", r_ratio(50)),
    "LogFailuresIncreasing": (60, 300, 0, "warning", r_failinc),
    "TimeoutSpike": (60, 60, 0, "warning", r_timeout),
    "ConnectionRefusedPersistent": (60, 600, 0, "high", r_refused),
    "RateLimited": (60, 300, 0, "warning", r_ratelim),
    "AuthFailureBurstBySource": (60, 60, 300, "high", r_auth),
}

def classify(text):
    with tempfile.NamedTemporaryFile("w", suffix=".log", delete=False) as f:
        f.write(text); name = f.name
    try:
        out = subprocess.run([LW, "classify", "--rules", os.path.join(ROOT, "rules/patterns"), "--output", "jsonl", name],
                             check=True, capture_output=True, text=True).stdout
    finally:
        os.unlink(name)
    recs = []
    for line in out.splitlines():
        x = json.loads(line)
        x["t"] = dt.datetime.fromisoformat(x["time"].replace("Z", "+00:00")).timestamp()
        x["L"] = {k: v for k, v in x["labels"].items() if v != ""}
        recs.append(x)
    return recs

def firing(recs, name, eval_at):
    """Label sets FIRING for `name` after the last evaluation at or before eval_at."""
    interval, for_, kff, _, fn = RULES[name]
    first = min(x["t"] for x in recs)
    t = -(-first // interval) * interval
    active = {}
    while t <= eval_at + 1e-9:
        res = fn(recs, t)
        for k in res:
            a = active.get(k)
            if a is None: active[k] = {"at": t, "firing": False, "keep": None}
            else: a["keep"] = None
        for k in list(active):
            a = active[k]
            if k not in res:
                if not a["firing"]: del active[k]; continue
                if a["keep"] is None: a["keep"] = t
                if not (kff and t - a["keep"] < kff): del active[k]; continue
            elif t - a["at"] >= for_: a["firing"] = True
        t += interval
    return [dict(k) for k, a in active.items() if a["firing"]]

def parse_dur(s):
    n, out = "", 0
    for ch in s:
        if ch.isdigit(): n += ch
        else: out += int(n) * {"h": 3600, "m": 60, "s": 1}[ch]; n = ""
    return out

# --------------------------------------------------------------- YAML output
import re
def time_key(rec):
    """Event time of a generated record (python logging, RFC 3339 syslog or nginx access), for sorting."""
    m = re.match(r"(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)[,.](\d+)", rec)
    if m: return m.group(1) + m.group(2) + m.group(3)[:3]
    m = re.search(r"\[(\d\d)/(\w{3})/(\d{4}):(\d\d:\d\d:\d\d) ", rec)
    return dt.datetime.strptime(m.group(0)[1:-1], "%d/%b/%Y:%H:%M:%S").strftime("%Y-%m-%d%H:%M:%S") + "000"

def q(s): return "'" + str(s).replace("'", "''") + "'"
def flow(d): return "{" + ", ".join(f"{k}: {q(v)}" for k, v in d.items()) + "}"

def emit(path, header, tests):
    out = [l.rstrip() for l in header.strip("\n").splitlines()] + ["rules: [../patterns, ../alerts]", "tests:"]
    failures = 0
    for t in tests:
        if "input" in t: text = "\n".join(sorted(t["input"], key=time_key)) + "\n"
        else: text = open(os.path.join(TESTS, t["input_file"]), encoding="utf-8").read()
        recs = classify(text)
        first = min(x["t"] for x in recs)
        out.append(f"  - name: {q(t['name'])}")
        for c in t.get("comment", []): out.append(f"    # {c}")
        if "input" in t:
            out.append("    input: |")
            out += ["      " + l for l in text.splitlines()]
        else:
            out.append(f"    input_file: {t['input_file']}")
        if t.get("exp_classes"):
            out.append("    exp_classes:")
            for c in t["exp_classes"]:
                if "find" in c:
                    c["line"] = next(i + 1 for i, l in enumerate(text.splitlines()) if c["find"] in l); del c["find"]
                rec = next((x for x in recs if x["line"] == c["line"]), None)
                ok = rec is not None and rec["pattern"] == c["pattern"] and all(rec["labels"].get(k) == v for k, v in c.get("labels", {}).items())
                if not ok: failures += 1; print(f"FAIL {path} {t['name']}: class of line {c['line']}: {rec}")
                lab = f", labels: {flow(c['labels'])}" if c.get("labels") else ""
                out.append(f"      - {{line: {c['line']}, pattern: {c['pattern']}{lab}}}")
        out.append("    alert_rule_test:")
        for a in t["alerts"]:
            ev, name, exp = a[0], a[1], a[2]
            got = firing(recs, name, first + parse_dur(ev))
            sev = RULES[name][3]
            got_labels = [dict(g, severity=sev) for g in got]
            match = len(got_labels) == len(exp) and all(any(all(g.get(k) == v for k, v in e.get("labels", {}).items()) for g in got_labels) for e in exp)
            if not match:
                failures += 1; print(f"FAIL {path} {t['name']} @{ev} {name}: model fires {got_labels}, test expects {exp}")
            out.append(f"      - eval_time: {ev}")
            out.append(f"        alertname: {name}")
            if not exp: out.append("        exp_alerts: []")
            else:
                out.append("        exp_alerts:")
                for e in exp:
                    out.append(f"          - exp_labels: {flow(e['labels'])}")
                    if e.get("annotations"):
                        out.append("            exp_annotations:")
                        for k, v in e["annotations"].items(): out.append(f"              {k}: {q(v)}")
        if t.get("exp_metrics"):
            out.append("    exp_metrics: |")
            out += ["      " + l for l in t["exp_metrics"]]
    with open(os.path.join(TESTS, path), "w") as f: f.write("\n".join(out) + "\n")
    return failures

sys.dont_write_bytecode = True
sys.path.insert(0, HERE)
import cases  # noqa: E402  (the test cases, in cases.py)
fails = sum(emit(p, h, ts) for p, h, ts in cases.files(sys.modules[__name__]))
print("model disagrees with %d expectation(s)" % fails if fails else "all expectations agree with the model")
sys.exit(1 if fails else 0)
