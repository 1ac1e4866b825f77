#!/usr/bin/env python3
"""Write Tests/Fixtures/real/*.labels.tsv from draft_labels.py's draft plus the
decisions taken when the capture of this corpus was reviewed by hand (notes and
overrides keyed by line number). The line numbers belong to the committed logs:
after a re-capture the draft must be reviewed again and these tables updated.
Usage: write_labels.py   (run from anywhere)
"""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import draft_labels as D  # noqa: E402

REAL = os.path.join(HERE, "..", "..", "Tests", "Fixtures", "real")


def make(fmt, name, header, notes=None, overrides=None):
    notes, overrides = notes or {}, overrides or {}
    path = os.path.join(REAL, name)
    lines = open(path, encoding="utf-8").readlines()
    out = [f"# {name} labels: LINE<TAB>CLASS<TAB>NOTE. LINE = 1-based first line of the record. Records not listed expect no class."]
    out += ["# " + h for h in header]
    for n, rec in D.records(lines, fmt):
        c = overrides.get(n, D.classify(rec, fmt))
        if not c:
            continue
        raw = D.decisive(rec).strip().splitlines()[0]
        dec = re.sub(r"^\S+ \S+ (ERROR|WARNING|SEVERE|INFO|WARN) ", r"\1 ", raw)
        note = ("" if raw == rec[0].strip() else "final: ") + dec[:120]
        if fmt in ("nginx_access",):
            m = re.search(r'"(\w+ \S+)[^"]*" (\d{3})', rec[0])
            note = f"{m.group(2)} {m.group(1)}" if m else note
        if n in notes:
            note = notes[n] + " | " + note
        out.append(f"{n}\t{c}\t{note.replace(chr(9), ' ')}")
    with open(path.rsplit(".log", 1)[0] + ".labels.tsv", "w") as f:
        f.write("\n".join(out) + "\n")
    print(f"{name}: {len([o for o in out if not o.startswith('#')])} labelled records")


PY = ["In a Python traceback the final exception line decides the class, never the logger message above it."]

make("pg", "postgresql.log", [
    "PostgreSQL repeats log_line_prefix on DETAIL:/HINT:/CONTEXT:/STATEMENT: lines, so each is its own record and carries no class;",
    "only multi-line statement/DETAIL text continues without a prefix. LOG lines (connections, checkpoints, durations,",
    "the log_lock_waits 'detected deadlock while waiting' LOG line, 'background worker ... exited with exit code 1') are benign."],
    notes={69: "undefined FUNCTION is not table/relation/schema/database, so other_error",
           77: "the next (separate) DETAIL record says Role \"ghost\" does not exist: that must not become db_schema",
           29: "column ... of relation ... does not exist is undefined_column, not db_schema"})
make("pylog", "python_psycopg2.log", PY, notes={
    4: "header says oauth token scopes, exception is UndefinedColumn",
    14: "header says oauth token scopes, exception is UndefinedColumn",
    25: "chain: UndefinedColumn, During handling..., final UndefinedTable",
    45: "chain starts with UndefinedColumn; final exception is the app's TokenStoreError (raise ... from)",
    62: "SQLAlchemy ProgrammingError wrapping UndefinedColumn; header mentions oauth scopes",
    185: "WARNING: retrying after connection refused", 187: "WARNING: retrying after connection refused"})
make("pylog", "python_oauth.log", PY + [
    "TokenExpiredError (token_expired) is labelled auth_failure; InsecureTransportError is other_error.",
    "googleapiclient's 'Encountered 403 Forbidden with reason insufficientPermissions' WARNING is labelled oauth_scope",
    "(Google's reason for ACCESS_TOKEN_SCOPE_INSUFFICIENT); it is the least certain label in this file."], notes={
    2: "oauthlib refuses http:// before OAUTHLIB_INSECURE_TRANSPORT: not an auth/scope problem",
    64: "WARNING logged from the caught oauthlib Warning", 65: "final exception is the builtin Warning class",
    81: "WARNING with WWW-Authenticate error=insufficient_scope", 97: "token_expired",
    110: "invalid_client: OAuth client authentication failed",
    156: "google-auth only logs (no exception) when the server grants fewer scopes"})
make("pylog", "python_requests.log", PY + [
    "504 Gateway Timeout responses are labelled http_5xx (the status decides), not timeout."], notes={
    136: "WARNING: will retry after a read timeout",
    137: "ConnectTimeout from a listener whose accept backlog is full",
    274: "urllib3 Retrying ... after connection broken by NewConnectionError (refused)",
    275: "urllib3 Retrying ... after connection broken by NewConnectionError (refused)",
    347: "urllib3 Retrying ... after connection broken by ReadTimeoutError",
    348: "urllib3 Retrying ... after connection broken by ReadTimeoutError",
    349: "final exception is requests ConnectionError but its cause is a read timeout",
    419: "traceback starts with a bare 'urllib3.exceptions.ResponseError' line (no Traceback header)",
    459: "too many 429 error responses", 499: "too many 500 error responses"})
make("pylog", "java.log", [
    "Java stack traces: the record runs until the next timestamped line; the root cause (last 'Caused by:') decides,",
    "except 98: JDK HttpClient's bare java.net.ConnectException (no message) against a closed port, whose last cause is",
    "ClosedChannelException, is labelled connection_refused (that is what it is; the text never says 'refused')."], notes={
    6: "wrapper CalendarSyncException, Caused by: SocketTimeoutException: Read timed out",
    27: "plain printStackTrace() after a timestamped line",
    43: "WARNING: retrying after read timeout", 44: "WARNING: retrying after read timeout",
    67: "wrapper CalendarSyncException, Caused by: ConnectException: Connection refused",
    98: "bare ConnectException from java.net.http.HttpClient; see header"})
make("nginx_access", "nginx_access.log", [
    "Access lines: status 5xx -> http_5xx, 401 -> auth_failure, 429 -> rate_limited, everything else (200/304/404) no class.",
    "The 503s on POST /login come from limit_req with the default limit_req_status 503; the access line alone cannot tell, so http_5xx."])
make("nginx_error", "nginx_error.log", [
    "[notice] lines (startup, SIGQUIT shutdown) are benign. log_not_found was off, so 404s wrote no [error] lines.",
    "'upstream prematurely closed connection' is an [error] with no specific class: other_error."])
make("syslog", "sshd.log", [
    "'Connection closed by authenticating user ... [preauth]' / 'Connection closed by invalid user ...' are INFO-level",
    "disconnect notices and are deliberately NOT labelled (the Failed password / Invalid user lines carry auth_failure)."],
    notes={21: "AllowUsers rejection"})
make("rfc3339syslog", "auth.log", [
    "Same session as sshd.log plus pam_unix lines (rsyslog, Debian 12 default RFC3339 timestamps).",
    "'Connection closed by ... [preauth]' lines are not labelled (see sshd.labels.tsv). pam_systemd 'Failed to connect to",
    "system bus' and pam_limits 'Could not set limit' lines are container noise from successful logins: not labelled."])
make("golog", "go.log", [
    "Go's log package has no levels; the program writes INFO/WARN/ERROR/PANIC as the first word of the message.",
    "The final 'panic:' block is printed by the Go runtime without timestamps; it is its own record starting at the panic: line."],
    notes={27: "unrecovered runtime panic; line has no timestamp"})
