#!/usr/bin/env python3
"""Differential test: logwarden's alert state machine against `promtool test rules`.

For every scenario this script
  1. turns per-minute counter values into a log file (plus one unmatched
     heartbeat line per minute) and a pattern file,
  2. runs `logwarden scan --output json` with the scenario's alert rule file,
  3. rebuilds from logwarden's transitions the set of FIRING alerts at every
     minute k = 0..N,
  4. writes a promtool tests.yml whose input_series are the same counter values
     and whose alert_rule_test expectations are logwarden's firing alerts, for
     every minute and every alert name, and runs `promtool test rules` on it
     with the very same alert rule file.
promtool passing means the two engines agree at every evaluation.

Each scenario also carries a hand-computed expectation.  When the engines
disagree, the script checks the hand expectation against both sides so the
report says which side is the odd one out.

Modes:
  promtool_diff.py                  the differential test (needs logwarden)
  promtool_diff.py --promtool-only  validates the promtool half alone: every
                                    hand expectation must pass promtool, and
                                    mutated (wrong) expectations must fail it
Options: --bin PATH, -k SUBSTRING (select scenarios), --keep DIR, -v.
Exit status 0 only if every scenario passed.  Python 3 stdlib + PyYAML.
"""

import argparse
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

UTC = dt.timezone.utc
T0 = dt.datetime(2025, 10, 27, 10, 0, 0, tzinfo=UTC)   # logwarden T0 <-> promtool 0s
METRIC = "logwarden_matches_total"
DEFAULT_BIN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".build", "debug", "logwarden")
PROMTOOL = os.environ.get("PROMTOOL", "/usr/bin/promtool")

# One pattern set shared by every scenario.  `line` renders a matching message.
PATTERNS = [
    dict(name="job_failed", cls="other_error", severity="warning",
         match=r"job failed on host (?<host>\w+)", line="job failed on host {host}",
         captures=["host"]),
    dict(name="job_recovered", cls="other_error", severity="info",
         match=r"job recovered on host (?<host>\w+)", line="job recovered on host {host}",
         captures=["host"]),
    dict(name="disk_full", cls="other_error", severity="critical",
         match=r"disk full", line="disk full on /var", captures=[]),
    dict(name="login_failed", cls="auth_failure", severity="high",
         match=r"login failed for user (?<user>\w+)", line="login failed for user {user}",
         captures=["user"]),
    dict(name="timeout", cls="timeout", severity="warning",
         match=r"upstream timeout", line="upstream timeout after 30s", captures=[]),
    dict(name="queue_full", cls="rate_limited", severity="high",
         match=r"queue full", line="queue full, request dropped", captures=[]),
    # A JSON line: the pattern reads the message field, so `^` is the message's start.
    dict(name="shout", cls="other_error", severity="warning",
         match=r"^(?i)error job stuck on (?<host>\w+)", line="ERROR JOB STUCK ON {host}",
         captures=["host"], json=True),
]
PATTERN_BY_NAME = {p["name"]: p for p in PATTERNS}


# --------------------------------------------------------------------------- scenarios
#
# series: "pattern" or "pattern{label=value,...}" -> per-minute counter values
#         (minute 0..N; "_" = series does not exist yet; the last value is
#         repeated up to N).  Every pattern also has its capture-less series
#         at 0 from the start, as logwarden does (override it for patterns
#         without captures by naming the bare pattern).
# rules:  Prometheus alerting rules (group interval 1m).
# expect: hand-computed FIRING alerts: alertname -> [(labels, "a-b c-d ...")]
#         (labels without alertname; an optional third item gives annotations).

def R(alert, expr, for_="0m", keep=None, labels=None, annotations=None):
    r = {"alert": alert, "expr": expr, "for": for_}
    if keep:
        r["keep_firing_for"] = keep
    if labels:
        r["labels"] = labels
    if annotations:
        r["annotations"] = annotations
    return r


def L(pattern, **extra):
    """The labels of a pattern's series (as an alert keeps them), plus extra."""
    p = PATTERN_BY_NAME[pattern]
    d = {"class": p["cls"], "pattern": pattern, "severity": p["severity"]}
    d.update(extra)
    return d


M = METRIC
FAILED_MINUS_RECOVERED = (f'{M}{{pattern="job_failed"}} - ignoring(pattern, severity) '
                          f'{M}{{pattern="job_recovered"}} > 0')

SCENARIOS = [
    dict(
        name="threshold_for0",
        doc="instant counter >= 3, for: 0m; a rule label overrides the series' severity",
        n=12,
        series={"disk_full": "0 0 1 1 2 3 3 3 5"},
        rules=[R("DiskFullRepeated", f'{M}{{pattern="disk_full"}} >= 3',
                 labels={"severity": "high"})],
        expect={"DiskFullRepeated": [({**L("disk_full"), "severity": "high"}, "5-12")]},
    ),
    dict(
        name="for_5m",
        doc="counter > 0 with for: 5m: pending at 3, firing from 8",
        n=12,
        series={"timeout": "0 0 0 1 1 2 2 3 4"},
        rules=[R("UpstreamTimeouts", f'{M}{{pattern="timeout"}} > 0', for_="5m",
                 labels={"team": "infra"})],
        expect={"UpstreamTimeouts": [(L("timeout", team="infra"), "8-12")]},
    ),
    dict(
        name="keep_firing_resolve_refire",
        doc="sum() - sum() > 0 with keep_firing_for: 3m; resolves in the gap, fires again",
        n=16,
        series={"job_failed{host=a}": "_ _ 1 1 1 1 1 1 2",
                "job_recovered{host=a}": "_ _ _ 1 1 1 1 1 1 1 2"},
        rules=[R("JobsOutstanding",
                 f'sum({M}{{pattern="job_failed"}}) - sum({M}{{pattern="job_recovered"}}) > 0',
                 keep="3m", labels={"severity": "warning"})],
        expect={"JobsOutstanding": [({"severity": "warning"}, "2-5 8-12")]},
    ),
    dict(
        name="flapping_ignoring",
        doc="one-to-one '-' with ignoring(); true/false/true; a host without a partner never matches",
        n=14,
        series={"job_failed{host=a}": "_ 1 1 1 2 2 3 3 3 4",
                "job_recovered{host=a}": "_ _ 1 1 1 2 2 3 3 3 4",
                "job_failed{host=b}": "_ _ _ _ _ 1"},
        rules=[R("JobFlapping", FAILED_MINUS_RECOVERED, labels={"team": "jobs"})],
        expect={"JobFlapping": [({"class": "other_error", "host": "a", "team": "jobs"}, "4 6 9")]},
    ),
    dict(
        name="pending_dropped_and_for_too_long",
        doc="on(host); for: 3m; a 1-minute and a 2-minute condition never fire, a 5-minute one does",
        n=15,
        series={"job_failed{host=a}": "_ 1 2 2 2 3 4 4 4 4 4 4 5",
                "job_recovered{host=a}": "_ 1 1 2 2 2 2 2 2 3 4 4 4 4 5"},
        rules=[R("JobBacklog",
                 f'{M}{{pattern="job_failed"}} - on(host) {M}{{pattern="job_recovered"}} > 0',
                 for_="3m")],
        expect={"JobBacklog": [({"host": "a"}, "8-9")]},
    ),
    dict(
        name="sum_by_host",
        doc="sum by (host) over several series, for: 2m; the capture-less group has no host label; "
            "annotation with a missing label",
        n=12,
        series={"job_failed{host=a}": "_ 1 2 2 3",
                "job_recovered{host=a}": "_ _ _ _ _ 1",
                "job_failed{host=b}": "_ _ 1 1 1 1 2 2 2 3",
                "job_recovered{host=b}": "_ _ _ _ _ _ _ _ 1",
                "disk_full": "0 0 0 0 0 0 0 0 0 2 4"},
        rules=[R("BusyHost", f'sum by (host) ({M}{{class="other_error"}}) >= 4', for_="2m",
                 annotations={"summary": "host [{{ $labels.host }}] is busy"})],
        expect={"BusyHost": [({"host": "a"}, "7-12", {"summary": "host [a] is busy"}),
                             ({"host": "b"}, "11-12", {"summary": "host [b] is busy"}),
                             ({}, "12", {"summary": "host [] is busy"})]},
    ),
    dict(
        name="max_by_class",
        doc="max by (class) over every pattern, for: 1m; a group that is only pending at the end",
        n=10,
        series={"login_failed{user=alice}": "_ 1 1 2 3",
                "login_failed{user=bob}": "_ _ _ _ _ 1 2 3 4",
                "timeout": "0 0 0 0 0 0 0 0 0 0 5"},
        rules=[R("ManyOfAClass", f'max by (class) ({M}) > 2', for_="1m")],
        expect={"ManyOfAClass": [({"class": "auth_failure"}, "5-10")]},
    ),
    dict(
        name="and_unless_or",
        doc="and on(), unless on(), plain or",
        n=12,
        series={"login_failed{user=alice}": "_ 1 2 2 2 3",
                "login_failed{user=bob}": "_ _ _ _ 1 1 2",
                "disk_full": "0 0 0 1",
                "timeout": "0 0 0 0 0 0 0 0 1"},
        rules=[R("LoginsWhileDiskFull",
                 f'{M}{{pattern="login_failed"}} > 1 and on() {M}{{pattern="disk_full"}} > 0'),
               R("LoginsNoTimeout",
                 f'{M}{{pattern="login_failed"}} > 1 unless on() {M}{{pattern="timeout"}} > 0'),
               R("DiskOrTimeout",
                 f'{M}{{pattern="disk_full"}} > 0 or {M}{{pattern="timeout"}} > 0',
                 labels={"team": "ops"})],
        expect={"LoginsWhileDiskFull": [(L("login_failed", user="alice"), "3-12"),
                                        (L("login_failed", user="bob"), "6-12")],
                "LoginsNoTimeout": [(L("login_failed", user="alice"), "2-7"),
                                    (L("login_failed", user="bob"), "6-7")],
                "DiskOrTimeout": [(L("disk_full", team="ops"), "3-12"),
                                  (L("timeout", team="ops"), "8-12")]},
    ),
    dict(
        name="or_ignoring",
        doc="or ignoring(): right-hand elements only where no left element has the same class+host",
        n=10,
        series={"job_failed{host=a}": "_ 1 2",
                "job_recovered{host=a}": "_ _ _ 1 2",
                "job_failed{host=b}": "_ _ _ _ _ 1",
                "job_recovered{host=b}": "_ _ _ _ _ _ 2",
                "job_failed{host=c}": "_ _ _ _ _ _ _ _ 2"},
        rules=[R("JobEvents",
                 f'({M}{{pattern="job_failed"}} > 1) or ignoring(pattern, severity) '
                 f'({M}{{pattern="job_recovered"}} > 1)', labels={"team": "jobs"})],
        expect={"JobEvents": [(L("job_failed", host="a", team="jobs"), "2-10"),
                              (L("job_recovered", host="b", team="jobs"), "6-10"),
                              (L("job_failed", host="c", team="jobs"), "8-10")]},
    ),
    dict(
        name="bool_comparison",
        doc="'> bool' always returns a sample (so it always fires); '(x >= bool 3) == 0' with for: 2m",
        n=8,
        series={"timeout": "0 0 1 1 2 3 3 4"},
        rules=[R("TimeoutBool", f'sum({M}{{pattern="timeout"}}) > bool 2'),
               R("FewTimeouts", f'({M}{{pattern="timeout"}} >= bool 3) == 0', for_="2m")],
        expect={"TimeoutBool": [({}, "0-8")],
                "FewTimeouts": [(L("timeout"), "2-4")]},
    ),
    dict(
        name="for_reset_then_keep_firing",
        doc="for: 5m is reset by a 1-minute gap; after firing, keep_firing_for: 2m",
        n=16,
        series={"job_failed{host=a}": "_ 1 1 1 1 1 2",
                "job_recovered{host=a}": "_ _ _ _ _ 1 1 1 1 1 1 1 1 2"},
        rules=[R("JobStuck",
                 f'sum({M}{{pattern="job_failed"}}) - sum({M}{{pattern="job_recovered"}}) >= 1',
                 for_="5m", keep="2m")],
        expect={"JobStuck": [({}, "11-14")]},
    ),
    dict(
        name="keep_firing_bridges_gap",
        doc="keep_firing_for: 3m bridges a 1-minute gap and restarts at the next one",
        n=12,
        series={"job_failed{host=a}": "_ 1 2 2 3",
                "job_recovered{host=a}": "_ 1 1 2 2 3"},
        rules=[R("JobFlapKeep", FAILED_MINUS_RECOVERED, keep="3m")],
        expect={"JobFlapKeep": [({"class": "other_error", "host": "a"}, "2-7")]},
    ),
    dict(
        name="arithmetic_scalar",
        doc="vector*scalar+scalar, vector/scalar, and time() modulo an hour (T0 is hour-aligned)",
        n=8,
        series={"disk_full": "0 0 1 1 2 3 3 4",
                "job_failed{host=a}": "_ _ _ 1"},
        rules=[R("OtherErrorsScaled", f'sum({M}{{class="other_error"}}) * 2 + 1 > 7'),
               R("DiskHalf", f'{M}{{pattern="disk_full"}} / 2 >= 1.5'),
               R("LateInTheHour", f'{M}{{pattern="timeout"}} * 0 + (time() % 3600) >= 300')],
        expect={"OtherErrorsScaled": [({}, "5-8")],
                "DiskHalf": [(L("disk_full"), "5-8")],
                "LateInTheHour": [(L("timeout"), "5-8")]},
    ),
    dict(
        name="count_by_regex",
        doc="count by (severity) over a filtered vector, with != and =~ matchers",
        n=8,
        series={"job_failed{host=a}": "_ 1",
                "job_failed{host=b}": "_ _ _ 1",
                "job_recovered{host=a}": "_ _ 1",
                "job_recovered{host=b}": "_ _ _ _ _ 1"},
        rules=[R("SpreadOut",
                 f'count by (severity) ({M}{{class!="timeout", severity=~"warning|info"}} > 0) >= 2',
                 labels={"team": "jobs"})],
        expect={"SpreadOut": [({"severity": "warning", "team": "jobs"}, "3-8"),
                              ({"severity": "info", "team": "jobs"}, "5-8")]},
    ),
    dict(
        name="absent",
        doc="absent() takes its labels from the equality matchers; with and without keep_firing_for",
        n=6,
        series={"login_failed{user=mallory}": "_ _ _ 1"},
        rules=[R("NoMalloryLogin", f'absent({M}{{pattern="login_failed", user="mallory"}})'),
               R("NoMalloryLoginKeep", f'absent({M}{{pattern="login_failed", user="mallory"}})',
                 keep="1m")],
        expect={"NoMalloryLogin": [({"pattern": "login_failed", "user": "mallory"}, "0-2")],
                "NoMalloryLoginKeep": [({"pattern": "login_failed", "user": "mallory"}, "0-3")]},
    ),
]


# --------------------------------------------------------------------------- helpers

def parse_series_key(key):
    m = re.fullmatch(r"(\w+)(?:\{(.*)\})?", key)
    if not m:
        raise ValueError(f"bad series key {key!r}")
    pattern, body = m.group(1), m.group(2)
    caps = {}
    if body:
        for part in body.split(","):
            k, v = part.split("=", 1)
            caps[k.strip()] = v.strip()
    p = PATTERN_BY_NAME[pattern]
    if sorted(caps) != sorted(p["captures"]):
        raise ValueError(f"{key}: pattern {pattern} captures {p['captures']}")
    return pattern, caps


def parse_values(text, n):
    vals = [None if t == "_" else int(t) for t in text.split()]
    if len(vals) > n + 1:
        raise ValueError(f"more than {n + 1} values: {text}")
    while len(vals) < n + 1:
        vals.append(vals[-1])
    return vals


def series_labels(pattern, caps):
    p = PATTERN_BY_NAME[pattern]
    d = {"class": p["cls"], "pattern": pattern, "severity": p["severity"]}
    d.update(caps)
    return d


def build_series(scn):
    """-> list of (pattern, caps, values[0..n]) including the zero series."""
    n = scn["n"]
    out = []
    given = set()
    for key, text in scn["series"].items():
        pattern, caps = parse_series_key(key)
        vals = parse_values(text, n)
        seen = False
        prev = 0
        for v in vals:
            if v is None:
                if seen or not caps:
                    raise ValueError(f"{scn['name']}/{key}: '_' only before a capture series appears")
                continue
            if caps and not seen and v == 0:
                raise ValueError(f"{scn['name']}/{key}: a capture series appears with a value >= 1")
            seen = True
            if v < prev:
                raise ValueError(f"{scn['name']}/{key}: counters never decrease")
            prev = v
        out.append((pattern, caps, vals))
        if not caps:
            given.add(pattern)
    for p in PATTERNS:                      # capture-less series exist at 0 from the start
        if p["name"] not in given:
            out.append((p["name"], {}, [0] * (n + 1)))
    return out


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(s):
    s = s.strip()
    if s.endswith("Z"):
        s = s[:-1] + "+00:00"
    t = dt.datetime.fromisoformat(s)
    if t.tzinfo is None:
        t = t.replace(tzinfo=UTC)
    return t


def make_log(series, n):
    """Records so that the count with time <= T0+k min equals values[k]."""
    events = []   # (time, order, text)
    for k in range(n + 1):
        t = T0 + dt.timedelta(minutes=k)
        events.append((t, 1, f"{iso(t)} INFO heartbeat"))
    for pattern, caps, vals in series:
        p = PATTERN_BY_NAME[pattern]
        prev = 0
        for k, v in enumerate(vals):
            if v is None:
                continue
            at = T0 + dt.timedelta(minutes=k - 1, seconds=30)
            for _ in range(v - prev):
                text = p["line"].format(**caps)
                if p.get("json"):
                    events.append((at, 0, json.dumps({"time": iso(at), "message": text})))
                else:
                    events.append((at, 0, f"{iso(at)} ERROR {text}"))
            prev = v
    events.sort(key=lambda e: (e[0], e[1]))
    return "".join(line + "\n" for _, _, line in events)


def pattern_yaml():
    return yaml.safe_dump({"patterns": [
        {"name": p["name"], "class": p["cls"], "severity": p["severity"], "match": p["match"]}
        for p in PATTERNS]}, sort_keys=False)


def rule_groups(scn):
    """(name, rules) per group: one group unless the scenario names several."""
    return scn.get("groups") or [("differential", scn["rules"])]


def groups_yaml(groups):
    return yaml.safe_dump({"groups": [{"name": name, "interval": "1m", "rules": rules} for name, rules in groups]},
                          sort_keys=False)


def rules_yaml(rules, group="differential"):
    return groups_yaml([(group, rules)])


def promql_series(labels):
    body = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    return f"{METRIC}{{{body}}}"


def alerting(rules):
    """The alerting rules of a scenario (recording rules only feed them)."""
    return [r for r in rules if "alert" in r]


def lkey(labels):
    return tuple(sorted(labels.items()))


def minutes_spec(spec):
    out = set()
    for part in spec.split():
        a, _, b = part.partition("-")
        out.update(range(int(a), int(b or a) + 1))
    return out


def hand_firing(scn):
    """alertname -> [ {labelkey: annotations} for k in 0..n ]"""
    n = scn["n"]
    res = {r["alert"]: [dict() for _ in range(n + 1)] for r in alerting(scn["rules"])}
    for name, items in scn["expect"].items():
        for item in items:
            labels, spec = item[0], item[1]
            ann = item[2] if len(item) > 2 else {}
            for k in minutes_spec(spec):
                if k <= n:
                    res[name][k][lkey(labels)] = dict(ann)
    return res


def tests_yaml(scn, series, firing):
    n = scn["n"]
    input_series = []
    for pattern, caps, vals in series:
        input_series.append({
            "series": promql_series(series_labels(pattern, caps)),
            "values": " ".join("_" if v is None else str(v) for v in vals)})
    cases = []
    for k in range(n + 1):
        for r in alerting(scn["rules"]):
            name = r["alert"]
            exp = []
            for key, ann in sorted(firing[name][k].items()):
                e = {"exp_labels": dict(key)}
                if ann:
                    e["exp_annotations"] = dict(ann)
                exp.append(e)
            cases.append({"eval_time": f"{k}m", "alertname": name, "exp_alerts": exp})
    doc = {"rule_files": ["alerts.yaml"], "evaluation_interval": "1m",
           # Groups run in file order, as in logwarden (promtool's own order is random).
           "group_eval_order": [name for name, _ in rule_groups(scn)],
           "tests": [{"interval": "1m", "input_series": input_series, "alert_rule_test": cases}]}
    return yaml.safe_dump(doc, sort_keys=False, width=1000)


def run_promtool(workdir, tests_text, fname="tests.yml"):
    path = os.path.join(workdir, fname)
    with open(path, "w") as f:
        f.write(tests_text)
    p = subprocess.run([PROMTOOL, "test", "rules", fname], cwd=workdir,
                       capture_output=True, text=True, timeout=120)
    return p.returncode == 0, (p.stdout + p.stderr).strip()


class LogwardenError(Exception):
    pass


def run_logwarden(binary, workdir, n, rules):
    """Run a scan; return (transitions, summary, raw stdout)."""
    cmd = [binary, "scan", "--rules", "patterns.yaml", "--rules", "alerts.yaml",
           "--output", "json", "input.log"]
    p = subprocess.run(cmd, cwd=workdir, capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        raise LogwardenError(f"exit {p.returncode}: {p.stderr.strip()[:2000]}")
    transitions, summary = [], None
    for i, line in enumerate(p.stdout.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError as e:
            raise LogwardenError(f"stdout line {i} is not JSON ({e}): {line[:200]}")
        if obj.get("type") == "alert":
            transitions.append(obj)
        elif obj.get("type") == "summary":
            summary = obj
    if summary is None:
        raise LogwardenError("no summary object in the output")
    return transitions, summary, p.stdout


def minute_of(t, n, what):
    d = (t - T0).total_seconds()
    k = int(d // 60)
    if d % 60 != 0 or not 0 <= k <= n:
        raise LogwardenError(f"{what} {iso(t)} is not a whole minute in T0..T0+{n}m")
    return k


def logwarden_firing(transitions, rules, n):
    """Rebuild the firing set at every minute from the transitions."""
    names = [r["alert"] for r in alerting(rules)]
    res = {name: [dict() for _ in range(n + 1)] for name in names}
    state = {}      # (alertname, labelkey) -> (state, annotations)
    by_k = [[] for _ in range(n + 1)]
    last_k = 0
    for tr in transitions:
        k = minute_of(parse_time(tr["evalTime"]), n, "evalTime")
        if k < last_k:
            raise LogwardenError(f"transitions out of evaluation order at {tr['evalTime']}")
        last_k = k
        name = tr.get("alertname")
        if name not in res:
            raise LogwardenError(f"transition for an unknown alert {name!r}")
        labels = dict(tr.get("labels") or {})
        if labels.pop("alertname", name) != name:
            raise LogwardenError(f"labels.alertname differs from alertname in {tr}")
        by_k[k].append((name, lkey(labels), tr.get("state"), dict(tr.get("annotations") or {})))
    for k in range(n + 1):
        for name, key, st, ann in by_k[k]:
            if st in ("pending", "firing"):
                state[(name, key)] = (st, ann)
            elif st == "resolved":
                state.pop((name, key), None)
            else:
                raise LogwardenError(f"unknown transition state {st!r}")
        for (name, key), (st, ann) in state.items():
            if st == "firing":
                res[name][k][key] = ann
    return res


def fmt_labels(key):
    return "{" + ", ".join(f"{k}={v}" for k, v in key) + "}"


def firing_diff(a, b, a_name, b_name, n):
    lines = []
    for name in a:
        for k in range(n + 1):
            fa, fb = a[name][k], b[name][k]
            for key in sorted(set(fa) | set(fb)):
                if key not in fb:
                    lines.append(f"t={k}m {name}{fmt_labels(key)}: firing per {a_name}, not per {b_name}")
                elif key not in fa:
                    lines.append(f"t={k}m {name}{fmt_labels(key)}: firing per {b_name}, not per {a_name}")
                elif fa[key] != fb[key]:
                    lines.append(f"t={k}m {name}{fmt_labels(key)}: annotations {a_name}={fa[key]} "
                                 f"{b_name}={fb[key]}")
    return lines


def mutations(firing, n):
    """Wrong expectations that promtool must reject: fires a minute late / early."""
    for name, per_k in firing.items():
        for k in range(n + 1):
            if per_k[k]:
                key = sorted(per_k[k])[0]
                late = {nm: [dict(x) for x in v] for nm, v in firing.items()}
                del late[name][k][key]
                yield f"{name}{fmt_labels(key)} fires 1m late (t={k}m dropped)", late
                if k > 0 and key not in per_k[k - 1]:
                    early = {nm: [dict(x) for x in v] for nm, v in firing.items()}
                    early[name][k - 1][key] = dict(per_k[k][key])
                    yield f"{name}{fmt_labels(key)} fires 1m early (t={k - 1}m added)", early
                return
    fake = {nm: [dict(x) for x in v] for nm, v in firing.items()}
    name = next(iter(fake))
    fake[name][0][(("bogus", "x"),)] = {}
    yield f"{name}{{bogus=x}} fires at t=0m", fake


def indent(text, prefix="      ", limit=60):
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if len(lines) > limit:
        lines = lines[:limit] + [f"... ({len(lines) - limit} more lines)"]
    return "\n".join(prefix + ln for ln in lines)


def prepare(scn, workdir):
    series = build_series(scn)
    with open(os.path.join(workdir, "patterns.yaml"), "w") as f:
        f.write(pattern_yaml())
    with open(os.path.join(workdir, "alerts.yaml"), "w") as f:
        f.write(groups_yaml(rule_groups(scn)))
    with open(os.path.join(workdir, "input.log"), "w") as f:
        f.write(make_log(series, scn["n"]))
    return series


# --------------------------------------------------------------------------- modes

def check_promtool_only(scn, workdir, verbose):
    """Hand expectation must pass promtool; every mutation of it must fail."""
    series = prepare(scn, workdir)
    hand = hand_firing(scn)
    ok, out = run_promtool(workdir, tests_yaml(scn, series, hand), "tests_hand.yml")
    if not ok:
        return False, "promtool REJECTS the hand-computed expectation:\n" + indent(out)
    problems = []
    for i, (what, wrong) in enumerate(mutations(hand, scn["n"])):
        ok, out = run_promtool(workdir, tests_yaml(scn, series, wrong), f"tests_wrong{i}.yml")
        if ok:
            problems.append(f"promtool ACCEPTS a wrong expectation ({what})")
        elif verbose:
            print(f"    ok: promtool rejects: {what}")
    if problems:
        return False, "\n".join("    " + p for p in problems)
    return True, "hand expectation passes promtool, mutations fail"


def check_differential(scn, workdir, binary, verbose):
    n = scn["n"]
    series = prepare(scn, workdir)
    try:
        transitions, _summary, raw = run_logwarden(binary, workdir, n, scn["rules"])
        with open(os.path.join(workdir, "logwarden.jsonl"), "w") as f:
            f.write(raw)
        lw = logwarden_firing(transitions, scn["rules"], n)
    except (LogwardenError, subprocess.TimeoutExpired, OSError) as e:
        return False, f"logwarden failed: {e}"
    ok_lp, out_lp = run_promtool(workdir, tests_yaml(scn, series, lw), "tests.yml")
    hand = hand_firing(scn) if scn.get("expect") is not None else None
    if ok_lp:
        if hand is not None and firing_diff(lw, hand, "logwarden", "hand", n):
            return True, ("logwarden and promtool agree (the hand expectation is stale: "
                          "fix the scenario)")
        return True, f"{len(transitions)} transitions, agree at t=0..{n}m"
    msg = ["logwarden and promtool DISAGREE"]
    if hand is not None:
        ok_hp, out_hp = run_promtool(workdir, tests_yaml(scn, series, hand), "tests_hand.yml")
        diff_lh = firing_diff(lw, hand, "logwarden", "promtool+hand", n)
        if ok_hp:
            msg[0] += " -> logwarden is wrong (promtool matches the hand-computed expectation)"
            msg.append("    logwarden vs expected (promtool):")
            msg.extend("      " + d for d in diff_lh[:40])
        elif not diff_lh:
            msg[0] += (" -> promtool differs from both logwarden and the hand expectation "
                       "(check the scenario / promtool semantics)")
            msg.append(indent(out_hp))
        else:
            msg[0] += " -> all three differ (logwarden, promtool, hand expectation)"
            msg.extend("      " + d for d in diff_lh[:40])
    msg.append("    promtool (expected = logwarden's firing alerts, got = Prometheus):")
    msg.append(indent(out_lp))
    msg.append(f"    files: {workdir}")
    return False, "\n".join(msg)


def negative_control(workdir, binary, scn):
    """promtool must reject a deliberately wrong copy of logwarden's expectation."""
    series = prepare(scn, workdir)
    transitions, _, _ = run_logwarden(binary, workdir, scn["n"], scn["rules"])
    lw = logwarden_firing(transitions, scn["rules"], scn["n"])
    for i, (what, wrong) in enumerate(mutations(lw, scn["n"])):
        ok, _ = run_promtool(workdir, tests_yaml(scn, series, wrong), f"tests_control{i}.yml")
        if ok:
            return f"promtool accepted a wrong expectation ({what}); the harness cannot detect anything"
    return None


def main(argv=None, scenarios=None, doc=None):
    """Runs `scenarios` (default: this file's); a sibling script passes its own."""
    all_scenarios = SCENARIOS if scenarios is None else scenarios
    for scn in all_scenarios:   # a scenario with several groups: its rules are all of theirs
        scn.setdefault("rules", [r for _, rules in scn.get("groups", []) for r in rules])
    ap = argparse.ArgumentParser(description=(doc or __doc__).split("\n")[0])
    ap.add_argument("--bin", default=os.environ.get("LOGWARDEN_BIN", DEFAULT_BIN))
    ap.add_argument("--promtool-only", action="store_true",
                    help="validate hand expectations with promtool alone (no logwarden)")
    ap.add_argument("-k", dest="select", help="only scenarios whose name contains this")
    ap.add_argument("--keep", metavar="DIR", help="keep the generated files under DIR")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)

    if not os.path.exists(PROMTOOL):
        print(f"promtool not found at {PROMTOOL}", file=sys.stderr)
        return 2
    scenarios = [s for s in all_scenarios if not args.select or args.select in s["name"]]
    if not scenarios:
        print("no scenario selected", file=sys.stderr)
        return 2
    root = args.keep or tempfile.mkdtemp(prefix="lw-promtool-diff-")
    os.makedirs(root, exist_ok=True)

    if not args.promtool_only:
        if not os.access(args.bin, os.X_OK):
            print(f"logwarden binary not found: {args.bin} (set LOGWARDEN_BIN or --bin)", file=sys.stderr)
            return 2
        try:
            h = subprocess.run([args.bin, "scan", "--help"], capture_output=True, text=True, timeout=30)
            if "--fail-on" not in h.stdout + h.stderr:
                print("note: `scan --help` shows no --fail-on; the alert engine may not be built yet")
        except (OSError, subprocess.TimeoutExpired):
            pass
        d = os.path.join(root, "_control")
        os.makedirs(d, exist_ok=True)
        try:
            err = negative_control(d, args.bin, all_scenarios[0])
        except (LogwardenError, subprocess.TimeoutExpired, OSError) as e:
            err = None
            print(f"note: negative control skipped (logwarden failed: {e})")
        if err:
            print("HARNESS BROKEN: " + err)
            print("0 passed, 1 failed")
            return 1

    passed = failed = 0
    for scn in scenarios:
        d = os.path.join(root, scn["name"])
        os.makedirs(d, exist_ok=True)
        try:
            if args.promtool_only:
                ok, detail = check_promtool_only(scn, d, args.verbose)
            else:
                ok, detail = check_differential(scn, d, args.bin, args.verbose)
        except Exception as e:        # a harness bug must not look like a pass
            ok, detail = False, f"harness error: {type(e).__name__}: {e}"
        first, _, rest = detail.partition("\n")
        print(f"{'PASS' if ok else 'FAIL'} {scn['name']}: {first}", flush=True)
        if rest:
            print(rest, flush=True)
        passed += ok
        failed += not ok
    if not args.keep and failed == 0:
        shutil.rmtree(root, ignore_errors=True)
    elif failed:
        print(f"(generated files kept in {root})")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
