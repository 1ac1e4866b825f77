"""Test cases for gen_tests.py: one list per test file. Times are seconds after
2025-10-27 10:00:00; every input starts with an unclassified record at exactly
10:00:00, so eval_time offsets are minutes past 10:00 and fall on evaluations.
Records avoid evaluation instants, and expectations are asked at least one
evaluation away from a state change, so they hold whatever side of a boundary
an implementation picks."""

def files(g):
    return [calendar_sync(g), log_errors(g), auth(g)]

ALL = ["CalendarSyncOAuthTokenScopeError", "DatabaseUndefinedColumn", "DatabaseSchemaError",
       "CalendarSyncNoSuccessfulSync", "LogErrorRatioHigh", "LogErrorRatioCritical",
       "LogFailuresIncreasing", "TimeoutSpike", "ConnectionRefusedPersistent", "RateLimited",
       "AuthFailureBurstBySource"]

def calendar_sync(g):
    SCOPE = "CalendarSyncOAuthTokenScopeError"; UND = "DatabaseUndefinedColumn"
    SCH = "DatabaseSchemaError"; NOS = "CalendarSyncNoSuccessfulSync"
    scope_labels = {"severity": "critical", "pattern": "oauth_token_scope", "category": "oauth",
                    "table": "user_oauth_tokens", "column": "scope"}
    scope_alert = [{"labels": scope_labels,
                    "annotations": {"summary": "OAuth token scope column missing (user_oauth_tokens.scope)"}}]
    tests = []
    tests.append(dict(
        name="oauth token scope error fires at once and keeps firing for 5m",
        comment=["one UndefinedColumn traceback at 10:00:07.5; condition true until 10:01:07.5,",
                 "then keep_firing_for 5m: firing at 4m, resolved by 8m"],
        input=[g.start(), g.synced(5.2), g.scope_error(7.5)] + g.fillers(0, 560),
        exp_classes=[{"find": "failed to load oauth token scopes", "pattern": "oauth_token_scope", "labels": {"table": "user_oauth_tokens", "column": "scope"}}],
        alerts=[("0s", SCOPE, []), ("15s", SCOPE, scope_alert), ("4m", SCOPE, scope_alert), ("8m", SCOPE, []),
                ("15s", UND, [{"labels": {"severity": "critical", "pattern": "oauth_token_scope", "column": "scope"}}])]))
    tests.append(dict(
        name="another missing column fires DatabaseUndefinedColumn, not the scope alert",
        input=[g.start(),
               g.py(20.5, "ERROR", "calsync.tokens", "psycopg2.errors.UndefinedColumn: column user_oauth_tokens.provider does not exist"),
               g.py(40.5, "INFO", "calsync.migrate", "ALTER TABLE user_oauth_tokens ADD COLUMN scope text -- ok (1.4s)")] + g.fillers(0, 200),
        exp_classes=[{"find": "UndefinedColumn", "pattern": "undefined_column", "labels": {"column": "user_oauth_tokens.provider"}}],
        alerts=[("30s", SCOPE, []), ("2m", SCOPE, []),
                ("30s", UND, [{"labels": {"severity": "critical", "pattern": "undefined_column", "column": "user_oauth_tokens.provider"},
                               "annotations": {"summary": "Query of a column that does not exist: user_oauth_tokens.provider"}}])]))
    tests.append(dict(
        name="migration and token lines that mention the scope column fire nothing",
        input=[g.start(),
               g.py(10.5, "INFO", "calsync.migrate", "running migration 0042_add_scope_to_user_oauth_tokens (manual trigger by oncall)"),
               g.py(12.5, "INFO", "calsync.migrate", "ALTER TABLE user_oauth_tokens ADD COLUMN scope text -- ok (1.4s)"),
               g.py(13.5, "INFO", "calsync.migrate", "schema up to date (head=0042_add_scope_to_user_oauth_tokens), 0 pending"),
               g.py(19.2, "INFO", "calsync.oauth", "refreshed access token for user=1076 expires_in=3599 scope=calendar.readonly granted"),
               g.synced(22.6)] + g.fillers(0, 200),
        alerts=[("30s", SCOPE, []), ("30s", UND, []), ("2m", SCOPE, []), ("2m", UND, []), ("2m", SCH, [])]))
    schema_alert = [{"labels": {"severity": "critical", "pattern": "undefined_table", "relation": "calendar_channels"},
                     "annotations": {"summary": "Database schema error (undefined_table calendar_channels)"}}]
    tests.append(dict(
        name="missing table fires DatabaseSchemaError at the next evaluation",
        input=[g.start(),
               g.py(65.5, "ERROR", "calsync.db", 'psycopg2.errors.UndefinedTable: relation "calendar_channels" does not exist')] + g.fillers(0, 740),
        exp_classes=[{"find": "UndefinedTable", "pattern": "undefined_table", "labels": {"relation": "calendar_channels"}}],
        alerts=[("1m", SCH, []), ("1m15s", SCH, schema_alert), ("5m", SCH, schema_alert), ("12m", SCH, [])]))
    tests.append(dict(
        name="IF EXISTS notices about missing relations fire nothing",
        input=[g.start(),
               g.py(10.5, "INFO", "calsync.migrate", 'postgres NOTICE:  relation "legacy_channels" does not exist, skipping'),
               g.py(11.5, "INFO", "calsync.migrate", 'postgres NOTICE:  schema "archive" does not exist, skipping'),
               g.py(12.5, "INFO", "calsync.migrate", "CREATE TABLE IF NOT EXISTS calendar_channels -- ok")] + g.fillers(0, 200),
        alerts=[("30s", SCH, []), ("2m", SCH, [])]))
    failing = [g.py(s, "INFO", "calsync.sync", "incremental sync user=1075 nextSyncToken stored, 3 failed, timeout=30 retries=2")
               for s in range(307, 1500, 60)]
    tests.append(dict(
        name="no successful sync for 15m fires CalendarSyncNoSuccessfulSync",
        comment=["last success 10:04:07.5; failing syncs and health checks keep coming"],
        input=[g.start()] + sorted([g.synced(7.5 + 60 * i, 1000 + i) for i in range(5)] + failing + g.fillers(0, 1500),
                                   key=lambda l: l[:23]),
        exp_classes=[{"find": "synced user=", "pattern": "calendar_sync_succeeded"}],
        alerts=[("15m", NOS, []), ("19m", NOS, []),
                ("19m30s", NOS, [{"labels": {"severity": "high"},
                                  "annotations": {"summary": "No successful calendar sync for 15 minutes"}}]),
                ("24m", NOS, [{"labels": {"severity": "high"}}])]))
    tests.append(dict(
        name="a host that never logs a successful sync does not fire the absence alert",
        input=[g.start()] + g.fillers(0, 1500) + [],
        alerts=[("16m", NOS, []), ("24m", NOS, [])]))
    tests.append(dict(
        name="a successful sync every 14m keeps the absence alert quiet",
        input=[g.start()] + sorted([g.synced(7.5), g.synced(847.5), g.synced(1687.5)] + g.fillers(0, 1850), key=lambda l: l[:23]),
        alerts=[("14m30s", NOS, []), ("20m", NOS, []), ("28m30s", NOS, []), ("30m", NOS, [])]))
    inc_scope = [{"labels": {"severity": "critical", "column": "scope", "table": "user_oauth_tokens", "category": "oauth"},
                  "annotations": {"summary": "OAuth token scope column missing (user_oauth_tokens.scope)"}}]
    tests.append(dict(
        name="calendar-sync incident: the critical scope alert fires at the first UndefinedColumn and resolves after the migration",
        comment=["first record 10:00:00.432, first UndefinedColumn 10:12:16.830, last 10:25:xx, migration applied 10:31:03;",
                 "the generic error-ratio and failures alerts fire during the incident too"],
        input_file="../../samples/calendar-sync-incident.log",
        exp_classes=[{"line": 96, "pattern": "oauth_token_scope", "labels": {"column": "scope"}}],
        alerts=[("12m", SCOPE, []), ("12m30s", SCOPE, inc_scope), ("20m", SCOPE, inc_scope), ("39m", SCOPE, []),
                ("12m30s", UND, [{"labels": {"severity": "critical", "pattern": "oauth_token_scope", "column": "scope"}}]),
                ("39m", UND, []), ("39m", SCH, []), ("20m", NOS, []), ("39m", NOS, []),
                ("25m", "LogErrorRatioHigh", [{"labels": {"severity": "warning"}}]), ("39m", "LogErrorRatioHigh", []),
                ("26m", "LogFailuresIncreasing", [{"labels": {"severity": "warning", "class": "undefined_column"}},
                                                  {"labels": {"severity": "warning", "class": "oauth_scope"}}]),
                ("39m", "LogErrorRatioCritical", []), ("39m", "TimeoutSpike", []),
                ("39m", "ConnectionRefusedPersistent", []), ("39m", "RateLimited", []), ("39m", "AuthFailureBurstBySource", [])],
        exp_metrics=['logwarden_matches_total{category="oauth",class="undefined_column",column="scope",pattern="oauth_token_scope",severity="critical",table="user_oauth_tokens"} 11',
                     'logwarden_matches_total{class="success",pattern="calendar_sync_succeeded",severity="info"} 113']))
    tests.append(dict(
        name="healthy calendar-sync log: nothing fires",
        input_file="../../samples/healthy.log",
        alerts=[(t, a, []) for t in ("5m", "10m", "19m") for a in ALL]))
    header = """
# Rule unit tests of rules/alerts/calendar-sync.yaml (group calendar-sync,
# interval 15s). GENERATED by rules/tests/gen/gen_tests.py from
# rules/tests/gen/cases.py: edit those and run it (it also checks every
# expectation against a model of the rules); do not edit by hand.
"""
    return "calendar-sync_test.yaml", header, tests

def minute_pattern(g, minutes, kinds):
    """kinds: per slot of the minute (seconds 2, 8, ... 56) 'e' error, 'i' info, 's' sync, 'h' healthz, '.' nothing."""
    out = []
    for m in range(minutes):
        for i, k in enumerate(kinds):
            s = m * 60 + 2 + 6 * i
            if k == "e": out.append(g.error_line(s, 1000 + m))
            elif k == "i": out.append(g.info_line(s, 1000 + m))
            elif k == "s": out.append(g.synced(s, 1000 + m))
            elif k == "h": out.append(g.healthz(s))
    return out

def log_errors(g):
    HI = "LogErrorRatioHigh"; CR = "LogErrorRatioCritical"; FI = "LogFailuresIncreasing"
    TS = "TimeoutSpike"; CRF = "ConnectionRefusedPersistent"; RL = "RateLimited"
    tests = []
    tests.append(dict(
        name="20% error records for 5m fire LogErrorRatioHigh, not the critical one",
        comment=["10 records a minute, 2 of them errors; >= 20 records from 10:02, so active at 10:02, firing at 10:07"],
        input=[g.start()] + minute_pattern(g, 12, "sieshisies"),
        alerts=[("6m", HI, []),
                ("8m", HI, [{"labels": {"severity": "warning"},
                             "annotations": {"summary": "Error records are 20% of all log records"}}]),
                ("10m", CR, [])]))
    tests.append(dict(
        name="60% error records fire LogErrorRatioCritical after 2m",
        input=[g.start()] + minute_pattern(g, 8, "eieeseiese"),
        alerts=[("1m", CR, []), ("3m", CR, []),
                ("5m", CR, [{"labels": {"severity": "critical"},
                             "annotations": {"summary": "Most log records are errors (60%)"}}]),
                ("8m", HI, [{"labels": {"severity": "warning"}}])]))
    tests.append(dict(
        name="error ratio: exactly 10% does not fire",
        input=[g.start()] + minute_pattern(g, 14, "sihsieshis"),
        alerts=[("8m", HI, []), ("13m", HI, [])]))
    tests.append(dict(
        name="error ratio: 2 errors out of 3 records a minute is below the 20-record minimum",
        input=[g.start()] + minute_pattern(g, 12, "..e..s..e."),
        alerts=[("8m", HI, []), ("8m", CR, []), ("11m", CR, [])]))
    tests.append(dict(
        name="a timeout every minute fires LogFailuresIncreasing for class timeout",
        comment=["more than 5 in 10m from 10:06 (active), firing from 10:11"],
        input=[g.start()] + sorted([g.timeout_line(60 * m + 20.5, 1000 + m) for m in range(15)] + g.fillers(0, 900),
                                   key=lambda l: l[:23]),
        exp_classes=[{"find": "timed out", "pattern": "timed_out"}],
        alerts=[("10m", FI, []), ("12m", FI, [{"labels": {"severity": "warning", "class": "timeout"}}])]))
    tests.append(dict(
        name="a timeout every 2 minutes (5 in 10m) does not fire LogFailuresIncreasing",
        input=[g.start()] + sorted([g.timeout_line(120 * m + 20.5, 1000 + m) for m in range(11)] + g.fillers(0, 1330),
                                   key=lambda l: l[:23]),
        alerts=[("12m", FI, []), ("21m", FI, [])]))
    base = [g.timeout_line(140.5 + 300 * k, 1000 + k) for k in range(12)]          # 10:02:20.5, 10:07:20.5, ... 10:57:20.5
    burst = [g.timeout_line(3610.5 + 10 * i, 1100 + i) for i in range(5)] + \
            [g.timeout_line(3670.5 + 10 * i, 1200 + i) for i in range(3)]           # 11:00:10.5 .. 11:01:30.5
    tests.append(dict(
        name="8 timeouts in 2 minutes after an hour of 1 per 5m fire TimeoutSpike",
        comment=["at 11:01: 6 in 5m > 3 x 17/12 and >= 5, with more than an hour of history; for 1m"],
        input=[g.start()] + sorted(base + burst + g.fillers(0, 3960, step=60), key=lambda l: l[:23]),
        alerts=[("60m", TS, []), ("63m", TS, [{"labels": {"severity": "warning"}}])]))
    steady = [g.timeout_line(s, 1000 + s % 97) for m in range(72) for s in (60 * m + 20.5, 60 * m + 50.5)]
    tests.append(dict(
        name="a steady 2 timeouts a minute is no spike, also in the first hour",
        input=[g.start()] + sorted(steady + g.fillers(0, 4320, step=60), key=lambda l: l[:23]),
        alerts=[("10m", TS, []), ("30m", TS, []), ("62m", TS, []), ("71m", TS, [])]))
    tests.append(dict(
        name="4 timeouts after a quiet hour stay below the minimum of 5",
        input=[g.start()] + sorted([g.timeout_line(3670.5 + 10 * i, 1300 + i) for i in range(4)] + g.fillers(0, 3960, step=60),
                                   key=lambda l: l[:23]),
        alerts=[("62m", TS, []), ("64m", TS, [])]))
    tests.append(dict(
        name="connection refused every 3 minutes for 20m fires ConnectionRefusedPersistent after 10m",
        input=[g.start()] + sorted([g.refused_line(40.5 + 180 * k) for k in range(7)] + g.fillers(0, 1400), key=lambda l: l[:23]),
        exp_classes=[{"find": "Connection refused", "pattern": "pg_connection_refused", "labels": {"component": "postgresql"}}],
        alerts=[("10m", CRF, []),
                ("12m", CRF, [{"labels": {"severity": "high", "component": "postgresql"},
                               "annotations": {"summary": 'Connections refused for 10m (component="postgresql")'}}])]))
    tests.append(dict(
        name="a short burst of connection refused (a restart) never fires ConnectionRefusedPersistent",
        input=[g.start()] + sorted([g.refused_line(310.5 + 10 * i) for i in range(3)] + g.fillers(0, 1330), key=lambda l: l[:23]),
        alerts=[("10m", CRF, []), ("15m", CRF, []), ("22m", CRF, [])]))
    rl = [g.nginx(0, 200, "/healthz", "127.0.0.1", 2)]
    for s in range(5, 960, 15): rl.append(g.nginx(s, 429))
    for s in range(10, 960, 30): rl.append(g.nginx(s, 200, "/api/v1/events", size=5120))
    tests.append(dict(
        name="429 responses every 15s (20 in 5m) fire RateLimited after 5m",
        input=sorted(rl, key=lambda l: l.split("[")[1][:20]),
        exp_classes=[{"find": "429", "pattern": "access_log_429", "labels": {"status": "429"}}],
        alerts=[("7m", RL, []), ("9m", RL, [{"labels": {"severity": "warning", "pattern": "access_log_429"}}])]))
    rl2 = [g.nginx(0, 200, "/healthz", "127.0.0.1", 2)]
    for s in range(5, 960, 30): rl2.append(g.nginx(s, 429))
    for s in range(10, 960, 30): rl2.append(g.nginx(s, 200, "/api/v1/events", size=5120))
    tests.append(dict(
        name="429 responses every 30s (10 in 5m) do not fire RateLimited",
        input=sorted(rl2, key=lambda l: l.split("[")[1][:20]),
        alerts=[("9m", RL, []), ("15m", RL, [])]))
    header = """
# Rule unit tests of rules/alerts/log-errors.yaml, group log-errors
# (interval 1m). GENERATED by rules/tests/gen/gen_tests.py from
# rules/tests/gen/cases.py: edit those and run it (it also checks every
# expectation against a model of the rules); do not edit by hand.
"""
    return "log-errors_test.yaml", header, tests

def auth(g):
    AB = "AuthFailureBurstBySource"
    def attempt(s, src, user="root", port=40022):
        return [g.sshd(s, f"Failed password for {user} from {src} port {port} ssh2"),
                g.sshd(s + 0.01, f"pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost={src}  user={user}")]
    lines = [g.sshd(0, "Server listening on 0.0.0.0 port 22.", pid=812)]
    for s in range(2, 120, 4): lines += attempt(s, "203.0.113.7", port=40000 + s)
    for s in (31.5, 75.5, 101.5): lines += attempt(s, "10.0.4.9", "deploy", 51122)
    lines.append(g.sshd(45.5, "Accepted publickey for deploy from 10.0.3.4 port 40022 ssh2: ED25519 SHA256:abc123"))
    lines += [g.sshd(s, "Received disconnect from 10.0.3.4 port 40022:11: disconnected by user") for s in range(183, 960, 60)]
    burst = [{"labels": {"severity": "high", "source": "203.0.113.7"},
              "annotations": {"summary": "Authentication failures from 203.0.113.7: 60 in 5m"}}]
    tests = [dict(
        name="30 failed passwords from one address in 2 minutes fire AuthFailureBurstBySource for that source only",
        comment=["each attempt logs sshd 'Failed password' and pam_unix 'authentication failure': 2 records;",
                 "10.0.4.9 (3 attempts, 6 records) stays below 10"],
        input=sorted(lines, key=lambda l: l[:26]),
        exp_classes=[{"find": "Failed password", "pattern": "sshd_failed_password", "labels": {"source": "203.0.113.7"}},
                     {"find": "authentication failure;", "pattern": "pam_auth_failure", "labels": {"source": "203.0.113.7"}}],
        alerts=[("1m", AB, []), ("3m", AB, burst), ("9m", AB, [{"labels": {"severity": "high", "source": "203.0.113.7"}}]),
                ("15m", AB, [])])]
    lines = [g.sshd(0, "Server listening on 0.0.0.0 port 22.", pid=812)]
    for i in range(10):
        src = f"198.51.100.{10 + i}"
        for k in range(2): lines += attempt(7.5 + 23 * i + 60 * k, src, "admin", 41000 + i)
        lines.append(g.sshd(8.5 + 23 * i, f"Invalid user admin from {src} port {41000 + i}"))
    for m in range(12): lines += attempt(60 * m + 44.5, "192.0.2.200", "root", 50000 + m)
    for m in range(12):
        lines.append(g.sshd(60 * m + 50.5, "pam_unix(sudo:auth): authentication failure; logname=alice uid=1000 euid=0 tty=/dev/pts/0 ruser=alice rhost=  user=alice", host="app-01", pid=4411, prog="sudo"))
    lines += [g.sshd(s, "Received disconnect from 10.0.3.4 port 40022:11: disconnected by user") for s in range(183, 780, 60)]
    tests.append(dict(
        name="many sources with few failures each, a slow 1-a-minute guesser and sudo failures do not fire",
        comment=["10 sources x 5 records, 192.0.2.200 x 2 records a minute (10 in 5m), 12 sudo failures without a source"],
        input=sorted(lines, key=lambda l: l[:26]),
        alerts=[("3m", AB, []), ("6m", AB, []), ("12m", AB, [])]))
    tests.append(dict(
        name="real sshd + pam_unix session (samples/sshd-auth.log): no burst",
        input_file="../../samples/sshd-auth.log",
        alerts=[("30s", AB, [])]))
    header = """
# Rule unit tests of rules/alerts/log-errors.yaml, group auth (interval 1m).
# GENERATED by rules/tests/gen/gen_tests.py from rules/tests/gen/cases.py:
# edit those and run it (it also checks every expectation against a model of
# the rules); do not edit by hand.
"""
    return "auth_test.yaml", header, tests
