#!/usr/bin/env python3
"""Print a DRAFT labels TSV for a captured log, to start a manual review from.

    draft_labels.py FORMAT LOGFILE > draft.tsv

FORMAT: pylog | pg | nginx_access | nginx_error | syslog | rfc3339syslog | golog
The draft is deliberately simple (record start = a timestamped line, class from
the decisive text: the last exception line of a traceback or the root 'Caused by:'
of a Java trace, else the first line). It is NOT the ground truth: every row must
be reviewed by a human before it goes into a .labels.tsv file.
"""
import re
import sys

START = {
    "pylog": r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} ",
    "pg": r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \w+ \[",
    "nginx_access": r"^",
    "nginx_error": r"^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d \[",
    "syslog": r"^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d ",
    "rfc3339syslog": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d",
    "golog": r"^(\d{4}/\d\d/\d\d \d\d:\d\d:\d\d|panic: )",
}

RULES = [
    ("undefined_column", r"column \S+ (of relation \S+ )?does not exist|UndefinedColumn"),
    ("db_schema", r"(relation|schema|database) \"?[\w.]+\"? does not exist|UndefinedTable|InvalidSchemaName"),
    ("oauth_scope", r"insufficient_scope|invalid_scope|Scope has changed|missing scopes|insufficient authentication scopes|insufficientPermissions"),
    ("auth_failure", r"password authentication failed|Failed password|authentication failure|Invalid user|invalid_grant|\b401\b|Unauthorized|password mismatch|was not found in \"|not allowed because|maximum authentication attempts|Too many authentication failures|more authentication failures|user unknown|invalid_client|token_expired|UNAUTHENTICATED"),
    ("rate_limited", r"\b429\b|limiting requests|Too Many Requests"),
    ("http_5xx", r"\b50[0-4]\b.*(Error|Gateway|Unavailable|status)|status=5\d\d|too many 5\d\d|response code: 5\d\d"),
    ("timeout", r"timed out|[Tt]imeout(Error|Exception)?[:)]|deadline exceeded|statement timeout|lock timeout|idle-in-transaction timeout|request timed out|TimeoutError"),
    ("connection_refused", r"[Cc]onnection refused|ConnectException"),
]
ERRLEVEL = re.compile(r"\b(ERROR|SEVERE|FATAL|PANIC|CRITICAL)\b|\[(error|crit|alert|emerg)\]|sshd\[\d+\]: error:|^panic: ")
WARNLEVEL = re.compile(r"\b(WARNING|WARN)\b|\[warn\]")


def records(lines, fmt):
    start = re.compile(START[fmt])
    cur = None
    for i, line in enumerate(lines, 1):
        if cur is None or start.match(line):
            if cur:
                yield cur
            cur = (i, [line])
        else:
            cur[1].append(line)
    if cur:
        yield cur


def decisive(rec):
    text = "".join(rec)
    if "Traceback (most recent call last)" in text or re.search(r"^\w[\w.]*(Error|Exception|Warning|Timeout)\b", text, re.M):
        excs = [l for l in rec[1:] if re.match(r"^[A-Za-z_][\w.]*(: |$)", l) and not l.startswith(("Traceback", "During", "The above", "LINE ", "DETAIL", "HINT", "[SQL", "[param"))]
        if excs:
            last = excs[-1]
            idx = max(i for i, l in enumerate(rec) if l == last)
            return "".join(rec[idx:idx + 3])
    causes = [l for l in rec if l.startswith("Caused by:")]
    if causes:
        return causes[-1]
    if len(rec) > 1 and re.match(r"^[\w.$]+(Exception|Error)", rec[1]):
        return rec[1]
    return rec[0] + "".join(l for l in rec[1:3] if l.startswith("\t"))


def classify(rec, fmt):
    first = rec[0]
    if fmt == "nginx_access":
        m = re.search(r'" (\d{3}) ', first)
        s = int(m.group(1)) if m else 0
        return "http_5xx" if s >= 500 else "auth_failure" if s == 401 else "rate_limited" if s == 429 else None
    text = decisive(rec)
    err = ERRLEVEL.search(first) or (fmt == "golog" and first.startswith("panic: "))
    warn = WARNLEVEL.search(first)
    syslogish = fmt in ("syslog", "rfc3339syslog")
    for cls, rx in RULES:
        if re.search(rx, text):
            if err or warn or syslogish:
                return cls
    return "other_error" if err else None


def main():
    fmt, path = sys.argv[1], sys.argv[2]
    lines = open(path, encoding="utf-8", errors="replace").readlines()
    print("# DRAFT from draft_labels.py: review every row")
    for n, rec in records(lines, fmt):
        c = classify(rec, fmt)
        if c:
            print(f"{n}\t{c}\t{rec[0].strip()[:110]}")


if __name__ == "__main__":
    main()
