// Generated from rules/patterns and rules/alerts by `make pack`; do not edit.
enum BuiltinPack {
    /// (path under rules/, text), folder by folder, files in name order.
    static let files: [(String, String)] = [
        ("patterns/calendar_sync.yaml", #"""
# calendar-sync: records that say a sync SUCCEEDED. They are not errors, so
# they get their own class `success` (declared below) and severity `info`;
# alert rules that compute error ratios exclude `severity="info"`.
#
# The counter logwarden_matches_total{pattern="calendar_sync_succeeded"} feeds
# the absence alert CalendarSyncNoSuccessfulSync (rules/alerts/calendar-sync.yaml):
# a host that synced before and has logged no successful sync for 15m.
#
# Counted as success (wording of calsync v2.13/v2.14, see samples/healthy.log):
#   [calsync.sync] synced user=1057 calendar=release-train events_upserted=21 ...
#   [calsync.sync] incremental sync user=1075 nextSyncToken stored, 0 failed, ...
#   [calsync.scheduler] sync pass finished users=73 retries=0 errors=0 ...
# Not counted: a pass or incremental sync that reports failures
# ("failed=31 errors=31", "3 failed"), a lagging pass, and sync lines of
# other loggers.
#
# Priority 10: above the generic catch-alls (0), below every error class
# pattern (50 and up), so an error wording in the same record always wins.
classes: [success]
patterns:
  - name: calendar_sync_succeeded
    class: success
    match: '\[calsync\.(?:sync|scheduler)\] (?:synced user=\d+ calendar=\S+ events_upserted=\d+|incremental sync user=\d+ nextSyncToken stored, 0 failed\b|sync pass finished users=\d+ retries=\d+ errors=0\b)'
    severity: info
    priority: 10
    examples:
      - '2025-10-28 09:00:07,043 INFO [calsync.sync] synced user=1059 calendar=1:1s events_upserted=34 events_deleted=3 duration_ms=485'
      - '2025-10-27 10:05:53,030 INFO [calsync.sync] synced user=1034 calendar=release-train events_upserted=0 events_deleted=3 duration_ms=411'
      - '2025-10-28 09:00:38,330 INFO [calsync.sync] incremental sync user=1033 nextSyncToken stored, 0 failed, timeout=30 retries=0'
      - '2025-10-28 09:01:58,096 INFO [calsync.scheduler] sync pass finished users=77 retries=0 errors=0 duration_ms=7291'
    counterexamples:
      - '2025-10-27 10:25:00,419 ERROR [calsync.sync] sync pass finished users=83 failed=31 errors=31 duration_ms=48211'
      - '2025-10-27 10:21:00,009 WARNING [calsync.scheduler] sync pass lagging: backlog=412 users oldest=9m12s'
      - '2025-10-27 10:30:00,000 INFO [calsync.sync] incremental sync user=1075 nextSyncToken stored, 3 failed, timeout=30 retries=2'
      - '2025-10-27 10:30:00,000 INFO [calsync.sync] incremental sync user=1075 nextSyncToken stored, 10 failed, timeout=30 retries=2'
      - '2025-10-27 10:30:00,000 INFO [calsync.scheduler] sync pass finished users=80 retries=2 errors=12 duration_ms=9120'
      - '2025-10-27 10:22:22,740 ERROR [calsync.google] events fetch timed out for user 1052'
      - '2025-10-27 10:30:00,000 INFO [othersvc.sync] synced user=1059 calendar=primary events_upserted=3'

"""#),
        ("patterns/generic.yaml", #"""
# Catch-alls of class other_error, priority 0: tried after every class
# pattern, so they only count records that nothing more specific explains.
#
# Example from the Loghub Linux sample (logrotate's cron script logs
# "ALERT exited abnormally"): https://github.com/logpai/loghub --
# Jieming Zhu, Shilin He, Pinjia He, Jinyang Liu, Michael R. Lyu. "Loghub: A
# Large Collection of System Log Datasets for AI-driven Log Analytics". In
# ISSRE, 2023.
#
# Level words are looked for in the first 120 bytes of the record only (the
# log prefix: timestamp, level, logger), anchored at the start, so an INFO
# line that mentions "ERROR" in its text does not count and the scan is
# bounded. Near misses that must not match: ERROR_BUDGET, errors=0,
# error_count, "level":"info" with "error" in the message.
patterns:
  # Unhandled / logged Python exceptions and Java uncaught exceptions, Go panics.
  - name: python_traceback
    class: other_error
    match: 'Traceback \(most recent call last\):'
    severity: medium
    priority: 0
    examples:
      - |-
        2025-10-27 10:00:00,123 [ERROR] [billing] Unhandled exception in job reconcile_invoices
        Traceback (most recent call last):
          File "/app/app/billing/reconcile.py", line 133, in reconcile_invoices
            total = sum(line['amount'] for line in invoice.lines)
        KeyError: 'amount'
      - |-
        2025-10-27 10:00:00,123 [WARNING] [calendar-sync] retrying
        Traceback (most recent call last):
          File "/app/app/sync.py", line 12, in run
            raise ValueError("bad payload")
        ValueError: bad payload
    counterexamples:
      - '2025-10-27 10:00:00,123 [INFO] [api] traceback capture enabled (sentry)'

  - name: java_uncaught_exception
    class: other_error
    match: '\bException in thread "[^"\n]{0,200}" [\w$.]{1,200}'
    severity: medium
    priority: 0
    examples:
      - |-
        Exception in thread "main" java.lang.NullPointerException: Cannot invoke "String.length()" because "s" is null
        	at com.example.App.main(App.java:5)
    counterexamples:
      - '2025-10-27 10:00:00.123  INFO 1 --- [main] c.e.App : thread "main" started'

  - name: go_panic
    class: other_error
    match: '(?:^|\n)(?:panic: |fatal error: )'
    severity: medium
    priority: 0
    examples:
      - 'panic: runtime error: invalid memory address or nil pointer dereference'
      - 'fatal error: concurrent map writes'
    counterexamples:
      - '2025/10/27 10:00:00 recovered from panic: none'

  # FATAL / CRITICAL / PANIC / EMERG / ALERT / SEVERE as the level of the line.
  - name: fatal_level
    class: other_error
    match: '^[^\n]{0,120}?(?=[ACEFPS])\b(?:FATAL|CRIT(?:ICAL)?|PANIC|EMERG(?:ENCY)?|ALERT|SEVERE)\b(?![=_])'
    severity: medium
    priority: 0
    examples:
      - '2025-10-27 10:00:00,123 [CRITICAL] [api] Worker process 4411 died unexpectedly'
      - '2025-10-27 10:00:00.123 UTC [2211] FATAL:  terminating connection due to administrator command'
      - '2025-10-27 10:00:00.123 UTC [2211] PANIC:  could not write to file "pg_wal/xlogtemp.2211": No space left on device'
      - 'Jul  1 04:05:19 combo logrotate: ALERT exited abnormally with [1]'
      - '27-Oct-2025 10:00:00.123 SEVERE [main] org.apache.catalina.core.StandardContext.startInternal One or more listeners failed to start.'
    counterexamples:
      - '2025-10-27 10:00:00,123 [INFO] [api] alert rules reloaded: 12 rules, 0 ALERTS_FIRING'
      - '2025-10-27 10:00:00,123 [INFO] [api] config: log_level=INFO fatal_on_error=false'

  # ERROR as the level: Python logging ("ERROR:root:", "[ERROR]", "- ERROR -"),
  # Java (logback/log4j/Spring), PostgreSQL "ERROR:", Rust env_logger, Go zap.
  - name: error_level
    class: other_error
    match: '^[^\n]{0,120}?\bERROR\b(?![=_])'
    severity: low
    priority: 0
    examples:
      - "2025-10-27 10:00:00,123 [ERROR] [notifier] Failed to render template 'reminder_email': KeyError 'first_name'"
      - '2025-10-27 10:00:00.123 UTC [4411] ERROR:  duplicate key value violates unique constraint "bookings_pkey"'
      - 'ERROR:root:could not parse webhook payload'
      - '2025-10-27 10:00:00,123 - calendar.sync - ERROR - sync aborted for user 4242'
      - '10:00:00.123 [http-nio-8080-exec-1] ERROR c.e.calendar.WebhookController - webhook rejected'
      - '[2025-10-27T10:00:00Z ERROR calendar_sync] giving up after 3 attempts'
      - 'time=2025-10-27T10:00:00.123Z level=ERROR source=sync.go:88 msg="sync failed" user=4242'
    counterexamples:
      - '2025-10-27 10:00:00,123 [INFO] [api] ERROR_BUDGET remaining=99.5%'
      - '2025-10-27 10:00:00,123 [INFO] [api] healthcheck ok errors=0 error_count=0'
      - '2025-10-27 10:00:00,123 [INFO] [api] Synced 12 events for user 4242 in 88ms'
      - '2025-10-27 10:00:00,123 [INFO] [api] a long informational message that goes on and on about nothing in particular until well past the prefix, then says ERROR'

  # Lower-case bracketed levels: "[error]" (Apache 2.2 and nginx-like
  # formats), Apache 2.4 "[module:error]", "[crit]", "[alert]", "[emerg]", "[fatal]".
  - name: error_level_bracket
    class: other_error
    match: '^[^\n]{0,120}?\[(?:[\w-]{1,32}:)?(?:error|crit|alert|emerg|fatal)\]'
    severity: low
    priority: 0
    examples:
      - '[2025-10-27 10:00:00] [error] worker 3 exited with code 1'
      - '[2025-10-27 10:00:00.123] [php:error] [pid 4411] PHP Fatal error:  Uncaught TypeError in /var/www/html/index.php:12'
    counterexamples:
      - '[2025-10-27 10:00:00] [info] worker 3 handled 120 requests in the last reporting interval of sixty seconds; the upstream proxies reported 0 lines at [error] level'
      - '[2025-10-27 10:00:00] [notice] worker 3 started'

  # Lower-case level words: logfmt "level=error" (logrus, slog), log15
  # "lvl=eror", zap console "\terror\t", syslog program messages
  # "prog[pid]: error: ..." / "fatal: ...".
  - name: error_level_word
    class: other_error
    match: '^[^\n]{0,120}?(?=[lsv\t\]])(?:\b(?:level|lvl|severity)="?(?:error|eror|fatal|crit|critical|panic|emerg|alert)\b|\t(?:error|fatal|panic|dpanic)\t|\]: (?:error|fatal): )'
    severity: low
    priority: 0
    examples:
      - 'time="2025-10-27T10:00:00Z" level=error msg="failed to publish event to queue: channel closed" topic=booking.created'
      - 't=2025-10-27T10:00:00+0000 lvl=eror msg="Failed to send alert notification" logger=alerting'
      - "2025-10-27T10:00:00.123Z\terror\tcalendar/sync.go:88\tsync failed\t{\"user\": 4242}"
      - 'Dec 10 11:03:53 LabSZ sshd[25457]: fatal: Write failed: Connection reset by peer [preauth]'
    counterexamples:
      - 'time="2025-10-27T10:00:00Z" level=info msg="retry succeeded" errors=0 error_count=0'
      - 'Dec 10 06:55:46 LabSZ sshd[24200]: pam_unix(sshd:auth): check pass; user unknown'

  # Kubernetes klog / glog: "E1027 10:00:00.123456    1 file.go:12] msg" (F = fatal).
  - name: klog_error
    class: other_error
    match: '^[EF]\d{4} \d\d:\d\d:\d\d\.\d{6} '
    severity: low
    priority: 0
    examples:
      - 'E1027 10:00:00.123456       1 reflector.go:138] k8s.io/client-go/informers/factory.go:134: Failed to watch *v1.Pod: the server has asked for the client to provide credentials'
    counterexamples:
      - 'I1027 10:00:00.123456       1 leaderelection.go:258] successfully acquired lease kube-system/kube-scheduler'

  # Structured logs: level / severity fields (Python json loggers, logrus,
  # zap, pino/bunyan numeric 50 = error, 60 = fatal, GCP "severity", ECS
  # "log.level") and journald PRIORITY 0..3 (emerg, alert, crit, err).
  - name: json_level_error
    class: other_error
    fields: {level: '^(?i:error|err|eror|fatal|critical|crit|panic|dpanic|emerg|emergency|alert|50|60)$'}
    severity: low
    priority: 0
    examples:
      - '{"timestamp":"2025-10-27T10:00:00.123Z","level":"ERROR","service":"scheduling-worker","message":"failed to publish event to queue: channel closed","topic":"booking.created","request_id":"9f2c41d07ab3e551"}'
      - '{"level":50,"time":1761559200123,"pid":7,"hostname":"api-0","msg":"unhandled rejection"}'
      - '{"level":"fatal","ts":1761559200.123,"caller":"main.go:42","msg":"cannot load config"}'
    counterexamples:
      - '{"timestamp":"2025-10-27T10:00:00.123Z","level":"INFO","service":"api","message":"errors endpoint polled","path":"/api/v1/errors","status":200,"request_id":"9f2c41d07ab3e551"}'
      - '{"level":30,"time":1761559200123,"msg":"error budget ok"}'
  - name: json_severity_error
    class: other_error
    fields: {severity: '^(?i:error|err|fatal|critical|crit|panic|emerg|emergency|alert)$'}
    severity: low
    priority: 0
    examples:
      - '{"severity":"ERROR","time":"2025-10-27T10:00:00.123Z","message":"calendar push channel expired"}'
    counterexamples:
      - '{"severity":"INFO","time":"2025-10-27T10:00:00.123Z","message":"error rate 0.0%"}'
  - name: json_log_level_error
    class: other_error
    fields: {log.level: '^(?i:error|fatal|critical|panic|emergency|alert)$'}
    severity: low
    priority: 0
    examples:
      - '{"@timestamp":"2025-10-27T10:00:00.123Z","log.level":"error","message":"bulk index failed","ecs.version":"1.6.0"}'
  - name: journald_priority_error
    class: other_error
    fields: {PRIORITY: '^[0-3]$'}
    severity: low
    priority: 0
    examples:
      - '{"__REALTIME_TIMESTAMP":"1761559200123456","_HOSTNAME":"app-01","SYSLOG_IDENTIFIER":"api","PRIORITY":"3","MESSAGE":"worker exited with status 1"}'
    counterexamples:
      - '{"__REALTIME_TIMESTAMP":"1761559200123456","_HOSTNAME":"app-01","SYSLOG_IDENTIFIER":"api","PRIORITY":"6","MESSAGE":"worker started"}'

"""#),
        ("patterns/http_access.yaml", #"""
# HTTP server logs: nginx / Apache access logs (common and combined format),
# nginx and Apache error logs, and JSON access logs with a status field.
#
# Apache examples are copied from the Loghub Apache sample:
# https://github.com/logpai/loghub -- Jieming Zhu, Shilin He, Pinjia He,
# Jinyang Liu, Michael R. Lyu. "Loghub: A Large Collection of System Log
# Datasets for AI-driven Log Analytics". In ISSRE, 2023.
#
# Access log lines: the status is the field right after the quoted request
# ("GET /x HTTP/1.1" 503 157 ...), never a number inside the path or the byte
# count. The access patterns sit at priority 120 so that words inside a URL
# (`/api/timeout`, `?error=...`) cannot classify a 5xx/401/429 line as
# something else. Only 5xx, 401 and 429 get a class; any other status gets
# none from these patterns.
patterns:
  - name: access_log_5xx
    class: http_5xx
    match: '(?:HTTP/[0-9.]{1,3}|-)" (?<status>5\d\d) (?:\d+|-)'
    severity: high
    priority: 120
    examples:
      - '203.0.113.7 - - [27/Oct/2025:10:00:00 +0000] "GET /api/v1/events HTTP/1.1" 502 157 "-" "Mozilla/5.0 (X11; Linux x86_64)"'
      - '10.0.4.9 - alice [27/Oct/2025:10:00:00 +0000] "POST /api/v1/bookings HTTP/2.0" 504 0 "https://app.example.com/" "python-requests/2.31.0"'
      - '10.0.4.9 - - [27/Oct/2025:10:00:00 +0000] "GET /timeout-test?retries=0 HTTP/1.1" 500 2326'
      - '2025-10-27 10:00:00,123 [INFO] [api] 10.0.3.7 - - "GET /api/v1/calendars HTTP/1.1" 503 4321 "-" "python-requests/2.31.0" 812ms'
      - '10.0.4.9 - - [27/Oct/2025:10:00:00 +0000] "-" 500 0 "-" "-"'
    counterexamples:
      - '203.0.113.7 - - [27/Oct/2025:10:00:00 +0000] "GET /api/v1/users/503 HTTP/1.1" 200 503 "-" "curl/8.5.0"'
      - '203.0.113.7 - - [27/Oct/2025:10:00:00 +0000] "GET /api/v1/errors?code=500 HTTP/1.1" 404 502 "-" "curl/8.5.0"'
      - '2025-10-27 10:00:00,123 [INFO] [api] 10.0.3.7 - - "GET /api/v1/events HTTP/1.1" 304 0 "-" "python-requests/2.31.0" 503ms'

  - name: access_log_401
    class: auth_failure
    match: '(?:HTTP/[0-9.]{1,3}|-)" (?<status>401) (?:\d+|-)'
    severity: warning
    priority: 120
    labels: {component: http}
    examples:
      - '203.0.113.7 - - [27/Oct/2025:10:00:00 +0000] "GET /api/v1/users/me HTTP/1.1" 401 59 "-" "curl/8.5.0"'
    counterexamples:
      - '203.0.113.7 - - [27/Oct/2025:10:00:00 +0000] "GET /api/v1/users/401 HTTP/1.1" 200 401 "-" "curl/8.5.0"'
      - '203.0.113.7 - - [27/Oct/2025:10:00:00 +0000] "GET /private HTTP/1.1" 403 199 "-" "curl/8.5.0"'

  - name: access_log_429
    class: rate_limited
    match: '(?:HTTP/[0-9.]{1,3}|-)" (?<status>429) (?:\d+|-)'
    severity: medium
    priority: 120
    examples:
      - '203.0.113.7 - - [27/Oct/2025:10:00:00 +0000] "POST /api/v1/oauth/callback HTTP/1.1" 429 169 "-" "Go-http-client/1.1"'
      - '2025-10-27 10:00:00,123 [INFO] [api] 10.0.3.7 - - "GET /api/v1/availability HTTP/1.1" 429 169 "-" "python-requests/2.31.0" 3ms'
    counterexamples:
      - '2025-10-27 10:00:00,123 [INFO] [api] 10.0.3.7 - - "GET /api/v1/users/429 HTTP/1.1" 200 429 "-" "python-requests/2.31.0" 429ms'

  # JSON access logs / structured request logs with a numeric status.
  - name: json_status_5xx
    class: http_5xx
    fields: {status: '^5\d\d$'}
    severity: high
    priority: 100
    examples:
      - '{"timestamp":"2025-10-27T10:00:00.123Z","level":"ERROR","service":"api","message":"request failed","status":503,"path":"/api/v1/events","request_id":"9f2c41d07ab3e551"}'
      - '{"timestamp":"2025-10-27T10:00:00.123Z","level":"WARNING","service":"api","message":"504 Gateway Timeout from upstream","status":504,"request_id":"9f2c41d07ab3e551"}'
    counterexamples:
      - '{"timestamp":"2025-10-27T10:00:00.123Z","level":"INFO","service":"api","message":"request completed","status":200,"duration_ms":503,"request_id":"9f2c41d07ab3e551"}'
  - name: json_status_code_5xx
    class: http_5xx
    fields: {status_code: '^5\d\d$'}
    severity: high
    priority: 100
    examples:
      - '{"time":"2025-10-27T10:00:00.123Z","level":"info","msg":"request","method":"GET","path":"/api/v1/events","status_code":500,"latency_ms":12}'
    counterexamples:
      - '{"time":"2025-10-27T10:00:00.123Z","level":"info","msg":"request","method":"GET","path":"/api/v1/events","status_code":200,"latency_ms":500}'
  - name: json_status_429
    class: rate_limited
    fields: {status: '^429$'}
    severity: medium
    priority: 100
    examples:
      - '{"timestamp":"2025-10-27T10:00:00.123Z","level":"WARNING","service":"api","message":"upstream throttled request","status":429,"upstream":"graph.microsoft.com","request_id":"9f2c41d07ab3e551"}'
    counterexamples:
      - '{"timestamp":"2025-10-27T10:00:00.123Z","level":"INFO","service":"api","message":"request completed","status":200,"duration_ms":429,"request_id":"9f2c41d07ab3e551"}'
  - name: json_status_code_429
    class: rate_limited
    fields: {status_code: '^429$'}
    severity: medium
    priority: 100
    examples:
      - '{"time":"2025-10-27T10:00:00.123Z","level":"info","msg":"request","path":"/api/v1/events","status_code":429}'
  - name: json_status_401
    class: auth_failure
    fields: {status: '^401$'}
    severity: warning
    priority: 100
    labels: {component: http}
    examples:
      - '{"timestamp":"2025-10-27T10:00:00.123Z","level":"INFO","service":"api","message":"request completed","status":401,"path":"/api/v1/users/me"}'
    counterexamples:
      - '{"timestamp":"2025-10-27T10:00:00.123Z","level":"INFO","service":"api","message":"request completed","status":201,"user_id":401}'

  # nginx error log. Upstream problems first (priority 110: more specific than
  # the generic network patterns, and beat the [error] level pattern).
  - name: nginx_upstream_timeout
    class: timeout
    match: '\bupstream timed out \(110: (?:Connection|Operation) timed out\)'
    severity: warning
    priority: 110
    labels: {component: nginx}
    examples:
      - '2025/10/27 10:00:00 [error] 311#311: *4242 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 10.0.4.9, server: api.example.com, request: "GET /api/v1/events HTTP/1.1", upstream: "http://127.0.0.1:8000/api/v1/events", host: "api.example.com"'
      - '2025/10/27 10:00:00 [error] 311#311: *4243 upstream timed out (110: Connection timed out) while connecting to upstream, client: 10.0.4.9, server: api.example.com, request: "POST /api/v1/bookings HTTP/1.1", upstream: "http://10.0.3.7:8000/api/v1/bookings", host: "api.example.com"'
    counterexamples:
      - '2025/10/27 10:00:00 [warn] 311#311: *4242 an upstream response is buffered to a temporary file /var/cache/nginx/proxy_temp/1/00/0000000001 while reading upstream, client: 10.0.4.9, server: api.example.com, request: "GET /api/v1/events HTTP/1.1", upstream: "http://127.0.0.1:8000/api/v1/events", host: "api.example.com"'

  - name: nginx_upstream_refused
    class: connection_refused
    match: '\bconnect\(\) (?:to \S{1,200} )?failed \((?:111: Connection refused|2: No such file or directory)\) while connecting to upstream|\bno live upstreams while connecting to upstream'
    severity: high
    priority: 110
    labels: {component: nginx}
    examples:
      - '2025/10/27 10:00:00 [error] 311#311: *4242 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.4.9, server: api.example.com, request: "GET /api/v1/events HTTP/1.1", upstream: "http://127.0.0.1:8000/api/v1/events", host: "api.example.com"'
      - '2025/10/27 10:00:00 [crit] 311#311: *4242 connect() to unix:/run/php/php8.2-fpm.sock failed (2: No such file or directory) while connecting to upstream, client: 10.0.4.9, server: www.example.com, request: "GET /index.php HTTP/1.1", upstream: "fastcgi://unix:/run/php/php8.2-fpm.sock:", host: "www.example.com"'
      - '2025/10/27 10:00:00 [error] 311#311: *4242 no live upstreams while connecting to upstream, client: 10.0.4.9, server: api.example.com, request: "GET /api/v1/events HTTP/1.1", upstream: "http://backend/api/v1/events", host: "api.example.com"'
    counterexamples:
      - '2025/10/27 10:00:00 [error] 311#311: *4242 open() "/var/www/html/favicon.ico" failed (2: No such file or directory), client: 10.0.4.9, server: api.example.com, request: "GET /favicon.ico HTTP/1.1", host: "api.example.com"'

  # limit_req rejections are logged at [error] by default (delayed requests
  # at [warn] as "delaying request"); limit_conn as "limiting connections".
  - name: nginx_limit_req
    class: rate_limited
    match: '\blimiting (?:requests, excess: [0-9.]{1,16} by zone|connections by zone) "(?<zone>[^"\n]{1,64})"'
    severity: medium
    priority: 110
    labels: {component: nginx}
    examples:
      - '2025/10/27 10:00:00 [error] 311#311: *4242 limiting requests, excess: 20.120 by zone "api", client: 10.0.4.9, server: api.example.com, request: "GET /api/v1/events HTTP/1.1", host: "api.example.com"'
      - '2025/10/27 10:00:00 [error] 311#311: *4242 limiting connections by zone "addr", client: 10.0.4.9, server: api.example.com, request: "GET /api/v1/events HTTP/1.1", host: "api.example.com"'
    counterexamples:
      - '2025/10/27 10:00:00 [warn] 311#311: *4242 delaying request, excess: 0.540, by zone "api", client: 10.0.4.9, server: api.example.com, request: "GET /api/v1/events HTTP/1.1", host: "api.example.com"'

  # nginx auth_basic (ngx_http_auth_basic_module) refusals.
  - name: nginx_auth_basic
    class: auth_failure
    match: '\buser "[^"\n]{0,64}": password mismatch|\buser "[^"\n]{0,64}" was not found in "'
    severity: warning
    priority: 110
    labels: {component: nginx}
    examples:
      - '2026/11/23 00:55:51 [error] 12423#12423: *65 user "ops": password mismatch, client: 127.0.0.1, server: calsync.example.test, request: "GET /admin/ HTTP/1.1", host: "127.0.0.1:57789"'
      - '2026/11/23 00:55:51 [error] 12423#12423: *66 user "mallory" was not found in "/etc/nginx/htpasswd", client: 127.0.0.1, server: calsync.example.test, request: "GET /admin/ HTTP/1.1", host: "127.0.0.1:57789"'
    counterexamples:
      - '2026/11/23 00:55:51 [info] 12423#12423: *67 client 127.0.0.1 closed keepalive connection'

  # Any other nginx error-log line at error level or worse. Priority 1: above
  # the generic level patterns (0), below every class pattern.
  - name: nginx_error
    class: other_error
    match: '^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d \[(?<level>error|crit|alert|emerg)\] '
    severity: low
    priority: 1
    labels: {component: nginx}
    examples:
      - '2025/10/27 10:00:00 [error] 311#311: *4242 open() "/var/www/html/favicon.ico" failed (2: No such file or directory), client: 10.0.4.9, server: api.example.com, request: "GET /favicon.ico HTTP/1.1", host: "api.example.com"'
      - '2025/10/27 10:00:00 [error] 311#311: *4242 upstream prematurely closed connection while reading response header from upstream, client: 10.0.4.9, server: api.example.com, request: "GET /api/v1/events HTTP/1.1", upstream: "http://127.0.0.1:8000/api/v1/events", host: "api.example.com"'
      - '2025/10/27 10:00:00 [crit] 311#311: *4242 SSL_do_handshake() failed (SSL: error:0A00006C:SSL routines::bad key share) while SSL handshaking, client: 203.0.113.7, server: 0.0.0.0:443'
      - '2025/10/27 10:00:00 [emerg] 311#311: bind() to 0.0.0.0:80 failed (98: Address already in use)'
    counterexamples:
      - '2025/10/27 10:00:00 [notice] 311#311: signal process started'
      - '2025/10/27 10:00:00 [info] 311#311: *4242 client 10.0.4.9 closed keepalive connection'
      - '2025/10/27 10:00:00 [warn] 311#311: the "ssl" directive is deprecated, use the "listen ... ssl" directive instead in /etc/nginx/conf.d/api.conf:4'

  # Apache httpd basic/digest authentication failures (2.2 and 2.4 wording).
  - name: apache_auth_failure
    class: auth_failure
    match: '\buser \S{1,64}: authentication failure for "|\bAH01618: user \S{1,64} not found: '
    severity: warning
    priority: 100
    labels: {component: apache}
    examples:
      - '[Mon Oct 27 10:00:00.123456 2025] [auth_basic:error] [pid 4411:tid 140201] [client 10.0.4.9:51122] AH01617: user bob: authentication failure for "/private": Password Mismatch'
      - '[Mon Oct 27 10:00:00.123456 2025] [auth_basic:error] [pid 4411:tid 140201] [client 10.0.4.9:51122] AH01618: user mallory not found: /private'
      - '[Mon Oct 27 10:00:00 2025] [error] [client 10.0.4.9] user bob: authentication failure for "/private": Password Mismatch'
    counterexamples:
      - '[Mon Oct 27 10:00:00.123456 2025] [authz_core:debug] [pid 4411:tid 140201] [client 10.0.4.9:51122] AH01626: authorization result of Require valid-user : granted'

  # Any other Apache error-log line at error level or worse: 2.2 "[error]",
  # 2.4 "[module:error]".
  - name: apache_error
    class: other_error
    match: '^\[[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d [0-9:.]{8,15} \d{4}\] \[(?:(?<module>[\w-]{1,32}):)?(?<level>error|crit|alert|emerg)\] '
    severity: low
    priority: 1
    labels: {component: apache}
    examples:
      - '[Sun Dec 04 04:47:44 2005] [error] mod_jk child workerEnv in error state 6'
      - '[Sun Dec 04 05:15:09 2005] [error] [client 222.166.160.184] Directory index forbidden by rule: /var/www/html/'
      - '[Mon Oct 27 10:00:00.123456 2025] [core:error] [pid 4411:tid 140201] [client 10.0.4.9:51122] AH00037: Symbolic link not allowed or link target not accessible: /var/www/html/data'
    counterexamples:
      - '[Sun Dec 04 04:51:08 2005] [notice] jk2_init() Found child 6725 in scoreboard slot 10'
      - '[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok /etc/httpd/conf/workers2.properties'
      - '[Mon Oct 27 10:00:00.123456 2025] [mpm_event:notice] [pid 4411:tid 140201] AH00489: Apache/2.4.62 (Debian) configured -- resuming normal operations'

"""#),
        ("patterns/http_client.yaml", #"""
# HTTP status errors seen from the client side: Python requests / urllib /
# httpx / google-api-python-client, Go, Java (Spring RestTemplate/WebClient),
# Node (axios), and plain "HTTP 503 Service Unavailable" wording; plus rate
# limiting and quota errors of common APIs (Google, Microsoft Graph, AWS,
# Slack, GitHub).
#
# Exact client texts:
#   requests: requests.exceptions.HTTPError: 503 Server Error: Service Unavailable for url: https://...
#             requests.exceptions.HTTPError: 429 Client Error: Too Many Requests for url: https://...
#   urllib:   urllib.error.HTTPError: HTTP Error 502: Bad Gateway
#   httpx:    httpx.HTTPStatusError: Server error '503 Service Unavailable' for url 'https://...'
#   google:   googleapiclient.errors.HttpError: <HttpError 500 when requesting https://... returned "...">
#   axios:    AxiosError: Request failed with status code 502
#   Spring:   HttpServerErrorException$BadGateway: 502 Bad Gateway: [no body]
# Near misses that must not match: user_id=503, "duration_ms":503, a byte
# count of 500, rate_limit=100 in a config dump, ?status=500 in a URL.
patterns:
  - name: http_client_5xx
    class: http_5xx
    match: '(?|\b(?<status>5\d\d) Server Error: |\bHTTP Error (?<status>5\d\d): |\bServer error ''(?<status>5\d\d) |<HttpError (?<status>5\d\d) when requesting |\b(?<status>5\d\d) (?:Internal Server Error|Not Implemented|Bad Gateway|Service Unavailable|Gateway Time-?out|HTTP Version Not Supported|Insufficient Storage|Network Authentication Required)\b|\bHTTP(?:/[0-9.]{1,3})? (?<status>5\d\d)\b|(?<![?&;])\bstatus(?:_code| code|Code)?(?:[=:] ?"?| )(?<status>5\d\d)\b|\btoo many (?<status>5\d\d) error responses\b|\bServer returned HTTP response code: (?<status>5\d\d)\b)'
    severity: high
    priority: 100
    examples:
      - 'requests.exceptions.HTTPError: 503 Server Error: Service Unavailable for url: https://www.googleapis.com/calendar/v3/calendars/primary/events'
      - '2025-10-27 10:00:00,123 [ERROR] [calendar-sync] Upstream returned HTTP 502 Bad Gateway for GET https://graph.microsoft.com/v1/events'
      - 'urllib.error.HTTPError: HTTP Error 502: Bad Gateway'
      - "httpx.HTTPStatusError: Server error '503 Service Unavailable' for url 'https://api.zoom.us/v2/users/me/meetings'"
      - 'googleapiclient.errors.HttpError: <HttpError 500 when requesting https://www.googleapis.com/calendar/v3/calendars/primary/events?alt=json returned "Backend Error". Details: "Backend Error">'
      - 'AxiosError: Request failed with status code 502'
      - 'time="2025-10-27T10:00:00Z" level=warning msg="upstream call failed" status=504 url="https://hooks.slack.com/services/T000"'
      - 'org.springframework.web.client.HttpServerErrorException$ServiceUnavailable: 503 Service Unavailable: [no body]'
      - "requests.exceptions.RetryError: HTTPConnectionPool(host='127.0.0.1', port=33021): Max retries exceeded with url: /status/503 (Caused by ResponseError('too many 503 error responses'))"
      - |-
        2026-11-23 00:56:42,881 SEVERE [com.example.calsync.GoogleClient] request to calendar API failed
        java.io.IOException: Server returned HTTP response code: 503 for URL: http://127.0.0.1:39553/status/503
        	at java.base/sun.net.www.protocol.http.HttpURLConnection.getInputStream0(HttpURLConnection.java:2037)
    counterexamples:
      - '2025-10-27 10:00:00,123 [INFO] [api] login succeeded for user_id=503'
      - '2025-10-27 10:00:00,123 [INFO] [api] Processed 500 items in batch 503'
      - '2025-10-27 10:00:00,123 [INFO] [api] upstream call ok status=200 duration_ms=503'
      - '203.0.113.7 - - [27/Oct/2025:10:00:00 +0000] "GET /api/v1/errors?status=500&timeout=30 HTTP/1.1" 404 429 "-" "curl/8.5.0"'

  - name: http_client_401
    class: auth_failure
    match: '\b401:? (?:Client Error: )?Unauthorized\b|\bHTTP Error 401\b|<HttpError 401 when requesting |(?<![?&;])\bstatus(?:_code| code|Code)?(?:[=:] ?"?| )401\b|\bServer returned HTTP response code: 401\b'
    severity: warning
    priority: 100
    labels: {component: http}
    examples:
      - 'requests.exceptions.HTTPError: 401 Client Error: Unauthorized for url: https://graph.microsoft.com/v1.0/me/events'
      - '2025-10-27 10:00:00,123 [WARNING] [api] 401 Unauthorized: invalid bearer token for request_id=9f2c41d07ab3e551'
      - 'AxiosError: Request failed with status code 401'
      - 'java.io.IOException: Server returned HTTP response code: 401 for URL: http://127.0.0.1:39553/status/401'
    counterexamples:
      - '2025-10-27 10:00:00,123 [INFO] [api] login succeeded for user_id=401'

  - name: http_client_429
    class: rate_limited
    match: '\b429:? (?:Client Error: )?Too Many Requests\b|\bHTTP Error 429\b|<HttpError 429 when requesting |(?<![?&;])\bstatus(?:_code| code|Code)?(?:[=:] ?"?| )429\b|\btoo many 429 error responses\b|\bServer returned HTTP response code: 429\b'
    severity: medium
    priority: 100
    examples:
      - 'requests.exceptions.HTTPError: 429 Client Error: Too Many Requests for url: https://www.googleapis.com/calendar/v3/calendars/primary/events'
      - '2025-10-27 10:00:00,123 [WARNING] [calendar-sync] Google Calendar API rate limit exceeded (429 Too Many Requests), backing off 8s'
      - 'urllib.error.HTTPError: HTTP Error 429: Too Many Requests'
      - 'AxiosError: Request failed with status code 429'
      - "requests.exceptions.RetryError: HTTPConnectionPool(host='127.0.0.1', port=33021): Max retries exceeded with url: /status/429 (Caused by ResponseError('too many 429 error responses'))"
      - 'java.io.IOException: Server returned HTTP response code: 429 for URL: http://127.0.0.1:39553/status/429'
    counterexamples:
      - '2025-10-27 10:00:00,123 [INFO] [api] login succeeded for user_id=429'
      - '2025-10-27 10:00:00,123 [INFO] [api] Synced 429 events for user 4242 in 88ms'

  # Throttling / quota errors without an HTTP status in the text.
  - name: rate_limit_exceeded
    class: rate_limited
    match: '\b(?i:rate[ -]?limit(?:ed|s)? (?:exceeded|reached|hit))\b|\b(?:user|global)?[rR]ateLimitExceeded\b|\bRATE_LIMIT_EXCEEDED\b|\bThrottlingException\b|\bTooManyRequests(?:Error|Exception)?\b|\bRESOURCE_EXHAUSTED\b|\bQuota exceeded for quota\b|\bratelimited\b|\bRate exceeded\b'
    severity: medium
    priority: 100
    examples:
      - 'googleapiclient.errors.HttpError: <HttpError 403 when requesting https://www.googleapis.com/calendar/v3/calendars/primary/events?alt=json returned "Rate Limit Exceeded". Details: "[{''domain'': ''usageLimits'', ''reason'': ''rateLimitExceeded'', ''message'': ''Rate Limit Exceeded''}]">'
      - 'botocore.exceptions.ClientError: An error occurred (ThrottlingException) when calling the PutMetricData operation (reached max retries: 4): Rate exceeded'
      - 'rpc error: code = ResourceExhausted desc = RESOURCE_EXHAUSTED: Quota exceeded for quota metric ''Read requests'' and limit ''Read requests per minute'''
      - "2025-10-27 10:00:00,123 [WARNING] [notifier] Slack post failed: {'ok': False, 'error': 'ratelimited'}"
      - 'github.GithubException.RateLimitExceededException: 403 {"message": "API rate limit exceeded for 203.0.113.7."}'
    counterexamples:
      - '2025-10-27 10:00:00,123 [INFO] [api] Rate limiter configured: rate_limit=100/s burst=20'
      - '2025-10-27 10:00:00,123 [INFO] [api] rate limit headroom 98% (x-ratelimit-remaining=4900)'

"""#),
        ("patterns/network.yaml", #"""
# Network timeouts and refused connections, by ecosystem, then broad
# catch-alls (priority 50).
#
# Exact texts these come from:
#   Python requests/urllib3:
#     requests.exceptions.ReadTimeout: HTTPSConnectionPool(host='x', port=443): Read timed out. (read timeout=30)
#     requests.exceptions.ConnectTimeout: HTTPSConnectionPool(host='x', port=443): Max retries exceeded with url: / (Caused by ConnectTimeoutError(<urllib3.connection.HTTPSConnection object at 0x7f>, 'Connection to x timed out. (connect timeout=5)'))
#     WARNING:urllib3.connectionpool:Retrying (Retry(total=2, connect=None, read=None, redirect=None, status=None)) after connection broken by 'ReadTimeoutError(...)': /path
#     requests.exceptions.ConnectionError: HTTPConnectionPool(host='localhost', port=8000): Max retries exceeded with url: / (Caused by NewConnectionError('<...>: Failed to establish a new connection: [Errno 111] Connection refused'))
#     ConnectionRefusedError: [Errno 111] Connection refused
#     redis.exceptions.ConnectionError: Error 111 connecting to redis:6379. Connection refused.
#   Go: dial tcp 127.0.0.1:5432: connect: connection refused / context deadline exceeded /
#       read tcp ...: i/o timeout / (Client.Timeout exceeded while awaiting headers) /
#       net/http: TLS handshake timeout / rpc error: code = DeadlineExceeded desc = context deadline exceeded
#   Java: java.net.SocketTimeoutException: Read timed out / connect timed out,
#       java.util.concurrent.TimeoutException, java.net.ConnectException: Connection refused,
#       and JDK HttpClient's bare "java.net.ConnectException" (no message) against a closed port
#   Node: connect ECONNREFUSED 127.0.0.1:5432 / connect ETIMEDOUT 10.0.3.7:443 / ESOCKETTIMEDOUT
# Near misses that must not match: timeout=30, read_timeout_s=5, retries=0,
# "timeouts: 0", "Gateway Timeout" (that is an HTTP 504: http_5xx).
patterns:
  - name: python_http_timeout
    class: timeout
    match: '\b(?:Read|Connect|Write|Pool)Timeout(?:Error)?\b|\bRead timed out\.'
    severity: warning
    priority: 100
    examples:
      - "2025-10-27 10:00:00,123 [ERROR] [calendar-sync] requests.exceptions.ReadTimeout: HTTPSConnectionPool(host='www.googleapis.com', port=443): Read timed out. (read timeout=30)"
      - "requests.exceptions.ConnectTimeout: HTTPSConnectionPool(host='graph.microsoft.com', port=443): Max retries exceeded with url: /v1.0/me/events (Caused by ConnectTimeoutError(<urllib3.connection.HTTPSConnection object at 0x7f3a2c1d5e50>, 'Connection to graph.microsoft.com timed out. (connect timeout=5)'))"
      - "WARNING:urllib3.connectionpool:Retrying (Retry(total=2, connect=None, read=None, redirect=None, status=None)) after connection broken by 'ReadTimeoutError(\"HTTPSConnectionPool(host='api.zoom.us', port=443): Read timed out. (read timeout=10)\")': /v2/users/me/meetings"
      - "httpx.ReadTimeout: The read operation timed out"
      - |-
        2025-10-27 10:00:00,123 [WARNING] [calendar-sync] sync for user 4242 failed
        Traceback (most recent call last):
          File "/app/venv/lib/python3.11/site-packages/requests/adapters.py", line 713, in send
            raise ReadTimeout(e, request=request)
        requests.exceptions.ReadTimeout: HTTPSConnectionPool(host='www.googleapis.com', port=443): Read timed out. (read timeout=30)
    counterexamples:
      - '2025-10-27 10:00:00,123 [INFO] [api] Retry policy configured: timeout=30s max_retries=3'
      - '2025-10-27 10:00:00,123 [INFO] [api] http client: connect_timeout=5 read_timeout=30 retries=0'

  - name: timeout_error
    class: timeout
    match: '\b(?:TimeoutError|ServerTimeoutError|TimeoutExpired)\b|\bsocket\.timeout\b'
    severity: warning
    priority: 100
    examples:
      - |-
        2025-10-27 10:00:00,123 [WARNING] [scheduling-worker] Availability lookup for user 4242 failed, giving up
        Traceback (most recent call last):
          File "/app/app/availability.py", line 77, in lookup
            resp = await asyncio.wait_for(fetch(url), timeout=10)
          File "/usr/lib/python3.11/asyncio/tasks.py", line 479, in wait_for
            return fut.result()
        TimeoutError
      - 'redis.exceptions.TimeoutError: Timeout reading from socket'
      - 'socket.timeout: timed out'
      - "subprocess.TimeoutExpired: Command '['pg_dump', 'calendar']' timed out after 300 seconds"
      - 'TimeoutError: Navigation timeout of 30000 ms exceeded'
    counterexamples:
      - '2025-10-27 10:00:00,123 [INFO] [api] TimeoutErrors in last hour: none'

  - name: go_timeout
    class: timeout
    match: '\bcontext deadline exceeded\b|\bi/o timeout\b|\bClient\.Timeout exceeded\b|\bTLS handshake timeout\b|\bcode = DeadlineExceeded\b'
    severity: warning
    priority: 100
    examples:
      - '{"timestamp":"2025-10-27T10:00:00.123Z","level":"ERROR","service":"scheduling-worker","message":"rpc error: code = DeadlineExceeded desc = context deadline exceeded","rpc":"Availability.Get","request_id":"9f2c41d07ab3e551"}'
      - '2025/10/27 10:00:00 sync failed: Get "https://www.googleapis.com/calendar/v3/users/me/calendarList": context deadline exceeded (Client.Timeout exceeded while awaiting headers)'
      - 'time="2025-10-27T10:00:00Z" level=error msg="query failed" error="read tcp 10.0.3.4:51122->10.0.3.7:5432: i/o timeout"'
      - '2025/10/27 10:00:00 http: TLS handshake error from 10.0.4.9:51122: net/http: TLS handshake timeout'
    counterexamples:
      - '2025/10/27 10:00:00 config: http.Client{Timeout: 30s} deadline=5s'

  - name: java_timeout
    class: timeout
    match: '\bjava\.(?:net\.SocketTimeoutException|util\.concurrent\.TimeoutException|net\.http\.Http(?:Connect)?TimeoutException)\b|\b(?:Connect|Read|Write|Socket|Query|ConnectionPool)TimeoutException\b'
    severity: warning
    priority: 100
    examples:
      - 'java.net.SocketTimeoutException: Read timed out'
      - |-
        2025-10-27 10:00:00.123 ERROR 1 --- [nio-8080-exec-3] c.e.calendar.SyncService : sync failed for user 4242
        org.springframework.web.client.ResourceAccessException: I/O error on GET request for "https://www.googleapis.com/calendar/v3/calendars/primary/events": Read timed out
        	at org.springframework.web.client.RestTemplate.doExecute(RestTemplate.java:791)
        Caused by: java.net.SocketTimeoutException: Read timed out
        	at java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:288)
      - 'Exception in thread "main" java.util.concurrent.TimeoutException: Waited 30 seconds for task'
      - 'org.apache.http.conn.ConnectTimeoutException: Connect to api.zoom.us:443 [api.zoom.us/170.114.52.2] failed: connect timed out'
    counterexamples:
      - '2025-10-27 10:00:00.123  INFO 1 --- [main] c.e.calendar.Config : socketTimeout=30000 connectTimeout=5000'

  - name: node_timeout
    class: timeout
    match: '\bE(?:SOCKET)?TIMEDOUT\b'
    severity: warning
    priority: 100
    examples:
      - '{"timestamp":"2025-10-27T10:00:00.123Z","level":"ERROR","service":"api","message":"connect ETIMEDOUT 10.0.3.7:5432","request_id":"9f2c41d07ab3e551"}'
      - 'Error: ESOCKETTIMEDOUT'
    counterexamples:
      - '{"level":30,"time":1761559200123,"msg":"socket options set","timeoutMs":30000}'

  # Broad: any "timed out" (nginx, SMTP, DNS, Apache's APR "timeout specified
  # has expired"). Excludes the ftpd idle notice "User x timed out after N
  # seconds at <date>" of the Loghub Linux sample (an idle session, not a failure).
  - name: timed_out
    class: timeout
    match: '\b(?i:timed out)\b(?! after \d+ seconds at )|\bThe timeout specified has expired\b|\b(?i:deadline exceeded)\b'
    severity: warning
    priority: 50
    examples:
      - '2025-10-27 10:00:00,123 [WARNING] [notifier] SMTP send to smtp.example.com:587 timed out after 10s, retrying'
      - '[Mon Oct 27 10:00:00.123456 2025] [proxy_http:error] [pid 4411:tid 140201] (70007)The timeout specified has expired: [client 10.0.4.9:51122] AH01102: error reading status line from remote server 127.0.0.1:8080'
      - 'OSError: [Errno 110] Connection timed out'
    counterexamples:
      - 'Jun 18 02:23:10 combo ftpd[31277]: User unknown timed out after 900 seconds at Sat Jun 18 02:23:10 2005 '
      - '2025-10-27 10:00:00,123 [INFO] [api] Retry policy configured: timeout=30s max_retries=3'

  - name: python_connection_refused
    class: connection_refused
    match: '\bConnectionRefusedError\b|\[Errno 111\] Connection refused|\bError 111 connecting to '
    severity: high
    priority: 100
    examples:
      - 'ConnectionRefusedError: [Errno 111] Connection refused'
      - '2025-10-27 10:00:00,123 [ERROR] [scheduling-worker] redis.exceptions.ConnectionError: Error 111 connecting to redis:6379. Connection refused.'
      - "requests.exceptions.ConnectionError: HTTPConnectionPool(host='localhost', port=8000): Max retries exceeded with url: /api/v1/events (Caused by NewConnectionError('<urllib3.connection.HTTPConnection object at 0x7f3a2c1d5e50>: Failed to establish a new connection: [Errno 111] Connection refused'))"
      - |-
        2025-10-27 10:00:00,123 [WARNING] [billing] Could not reach ledger service, will retry
        Traceback (most recent call last):
          File "/app/app/billing/ledger.py", line 41, in post_entry
            sock = socket.create_connection(("ledger", 7000))
        ConnectionRefusedError: [Errno 111] Connection refused
    counterexamples:
      - "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='api.example.invalid', port=443): Max retries exceeded with url: / (Caused by NewConnectionError('<urllib3.connection.HTTPSConnection object at 0x7f3a2c1d5e50>: Failed to establish a new connection: [Errno -2] Name or service not known'))"

  - name: go_connection_refused
    class: connection_refused
    match: '\bconnect: connection refused\b'
    severity: high
    priority: 100
    examples:
      - '2025/10/27 10:00:00 failed to connect to `host=localhost user=app database=calendar`: dial error (dial tcp 127.0.0.1:5432: connect: connection refused)'
      - 'time="2025-10-27T10:00:00Z" level=error msg="publish failed" error="dial tcp 10.0.3.9:5672: connect: connection refused"'
    counterexamples:
      - '2025/10/27 10:00:00 dial tcp 10.0.3.9:5672: connect: no route to host'

  - name: java_connection_refused
    class: connection_refused
    match: '\bjava\.net\.ConnectException(?:: Connection refused|[ \t]*(?:\n|$))'
    severity: high
    priority: 100
    examples:
      - 'Caused by: java.net.ConnectException: Connection refused'
      - |-
        2025-10-27 10:00:00.123 ERROR 1 --- [nio-8080-exec-3] c.e.calendar.SyncService : publish failed
        org.springframework.web.client.ResourceAccessException: I/O error on POST request for "http://notifier:8080/send": Connection refused
        	at org.springframework.web.client.RestTemplate.doExecute(RestTemplate.java:791)
        Caused by: java.net.ConnectException: Connection refused
        	at java.base/sun.nio.ch.Net.pollConnect(Native Method)
      - |-
        2026-11-23 00:56:42,879 WARNING [com.example.calsync.GoogleClient] push channel renewal failed, will retry
        java.net.ConnectException
        	at java.net.http/jdk.internal.net.http.HttpClientImpl.send(HttpClientImpl.java:574)
        Caused by: java.net.ConnectException
        	at java.net.http/jdk.internal.net.http.common.Utils.toConnectException(Utils.java:1083)
        Caused by: java.nio.channels.ClosedChannelException
        	at java.base/sun.nio.ch.SocketChannelImpl.ensureOpen(SocketChannelImpl.java:195)
    counterexamples:
      - 'java.net.ConnectException: Connection timed out'
      - 'java.net.ConnectException: No route to host'

  - name: node_connection_refused
    class: connection_refused
    match: '\bECONNREFUSED\b'
    severity: high
    priority: 100
    examples:
      - '{"timestamp":"2025-10-27T10:00:00.123Z","level":"ERROR","service":"notifier","message":"connect ECONNREFUSED 127.0.0.1:6379","request_id":"9f2c41d07ab3e551"}'
      - 'Error: connect ECONNREFUSED ::1:5432'
    counterexamples:
      - '{"level":30,"time":1761559200123,"msg":"retry on ECONNRESET enabled"}'

  # Broad: any other "Connection refused" (nginx "(111: Connection refused)",
  # Apache "(111)Connection refused", libpq, MySQL, Windows WSAECONNREFUSED).
  - name: connection_refused
    class: connection_refused
    match: '\b(?i:connection refused)\b|\bactively refused it\b|\bWSAECONNREFUSED\b'
    severity: high
    priority: 50
    examples:
      - '[Mon Oct 27 10:00:00.123456 2025] [proxy:error] [pid 4411:tid 140201] (111)Connection refused: AH00957: http: attempt to connect to 127.0.0.1:8080 (127.0.0.1:8080) failed'
      - 'ERROR 2003 (HY000): Can''t connect to MySQL server on ''db:3306'' (111 "Connection refused")'
      - 'curl: (7) Failed to connect to localhost port 8000 after 0 ms: Connection refused'
      - 'OSError: [WinError 10061] No connection could be made because the target machine actively refused it'
    counterexamples:
      - '2025-10-27 10:00:00,123 [INFO] [api] Connection pool: 3 idle, 2 in use'

"""#),
        ("patterns/oauth.yaml", #"""
# OAuth 2.0 errors as raised by oauthlib / requests-oauthlib, google-auth,
# google-api-python-client, MSAL (Azure AD) and the Slack SDK.
#
# oauthlib formats its errors as `(error_code) description`, e.g.
#   oauthlib.oauth2.rfc6749.errors.InvalidScopeError: (invalid_scope) ...
# and raises a plain `Warning` when the token response grants other scopes
# than requested (oauth2/rfc6749/parameters.py, validate_token_parameters):
#   Warning: Scope has changed from "a b" to "a".
# google-auth raises RefreshError with the token endpoint's error code first:
#   google.auth.exceptions.RefreshError: ('invalid_grant: Token has been expired or revoked.', {...})
# Google APIs answer 403 "Request had insufficient authentication scopes."
# (reason ACCESS_TOKEN_SCOPE_INSUFFICIENT / insufficientPermissions), and
# google-auth only logs (no exception) when fewer scopes are granted:
#   WARNING google.oauth2.credentials: Not all requested scopes were granted by the authorization server, missing scopes ...
#
# Scope problems are `oauth_scope` (high); a refused or revoked grant or an
# unknown client is `auth_failure` (warning) -- the user must re-consent or the
# credentials are wrong, which is a different fix.
patterns:
  - name: oauth_scope_changed
    class: oauth_scope
    match: '\bScope has changed from "'
    severity: high
    priority: 150
    examples:
      - 'Warning: Scope has changed from "https://www.googleapis.com/auth/calendar.readonly https://www.googleapis.com/auth/calendar.events" to "https://www.googleapis.com/auth/calendar.readonly".'
      - '2025-10-27 10:00:00,123 [ERROR] [auth-service] Failed to refresh token: oauthlib.oauth2.rfc6749.errors.Warning: Scope has changed from "calendar" to "calendar.readonly".'
      - |-
        2025-10-27 10:00:00,123 [ERROR] [auth-service] OAuth callback failed for user 4242
        Traceback (most recent call last):
          File "/app/app/oauth/google.py", line 88, in callback
            token = session.fetch_token(TOKEN_URL, client_secret=SECRET, authorization_response=url)
          File "/app/venv/lib/python3.11/site-packages/oauthlib/oauth2/rfc6749/parameters.py", line 476, in validate_token_parameters
            raise w
        Warning: Scope has changed from "openid email https://www.googleapis.com/auth/calendar" to "openid email".
    counterexamples:
      - '2025-10-27 10:00:00,123 [INFO] [auth-service] Requested scopes for provider google: calendar.readonly calendar.events'
      - '2025-10-27 10:00:00,123 [INFO] [auth-service] OAUTHLIB_RELAX_TOKEN_SCOPE=1, scope changes are accepted'

  # The token lacks a scope the API call needs (RFC 6750 insufficient_scope,
  # Google "insufficient authentication scopes", Slack missing_scope, GitHub).
  - name: oauth_insufficient_scope
    class: oauth_scope
    match: '\binsufficient_scope\b(?![ _-]?(?:handling|policy|mode)\b)|\bInsufficientScopeError\b|\b(?i:insufficient authentication scopes|insufficient scopes?\b)|\bACCESS_TOKEN_SCOPE_INSUFFICIENT\b|\binsufficientPermissions\b|\bmissing_scope\b|has not been granted the required scopes|\bNot all requested scopes were granted\b'
    severity: high
    priority: 100
    examples:
      - '2025-10-27 10:00:00,123 [WARNING] [calendar-sync] OAuth token for user 4242 has insufficient_scope: required https://www.googleapis.com/auth/calendar.events'
      - '{"timestamp":"2025-10-27T10:00:00.123Z","level":"ERROR","service":"calendar-sync","message":"Google API returned 403 insufficient_scope for user 4242","user_id":4242}'
      - 'googleapiclient.errors.HttpError: <HttpError 403 when requesting https://www.googleapis.com/calendar/v3/calendars/primary/events?alt=json returned "Request had insufficient authentication scopes.". Details: "[{''message'': ''Insufficient Permission'', ''domain'': ''global'', ''reason'': ''insufficientPermissions''}]">'
      - 'oauthlib.oauth2.rfc6749.errors.InsufficientScopeError: (insufficient_scope) The request requires higher privileges than provided by the access token.'
      - "2025-10-27 10:00:00,123 [ERROR] [notifier] Slack post failed: {'ok': False, 'error': 'missing_scope', 'needed': 'chat:write', 'provided': 'channels:read'}"
      - 'gh: Your token has not been granted the required scopes to execute this query.'
      - '2026-11-23 00:55:38,105 WARNING [googleapiclient.http] Encountered 403 Forbidden with reason "insufficientPermissions"'
      - '2026-11-23 00:55:38,269 WARNING [google.oauth2.credentials] Not all requested scopes were granted by the authorization server, missing scopes https://www.googleapis.com/auth/calendar, https://www.googleapis.com/auth/userinfo.email.'
    counterexamples:
      - '2025-10-28 09:00:01,714 DEBUG [calsync.oauth] required scopes: calendar.readonly calendar.events; insufficient_scope handling=re-consent'
      - '2025-10-27 10:00:00,123 [INFO] [auth-service] scope=calendar.readonly granted for user 4242'
      - '2025-10-27 10:00:00,123 [INFO] [auth-service] Refreshed oauth token for user 4242 (expires_in=3599)'

  # The requested scope is unknown or not allowed for this client.
  - name: oauth_invalid_scope
    class: oauth_scope
    match: '\binvalid_scope\b|\bInvalidScopeError\b|\bAADSTS(?:70011|65001|650053|650057)\b'
    severity: high
    priority: 100
    examples:
      - 'oauthlib.oauth2.rfc6749.errors.InvalidScopeError: (invalid_scope) Some requested scopes were invalid. {invalid=[https://www.googleapis.com/auth/calendar.event]}'
      - "google.auth.exceptions.RefreshError: ('invalid_scope: Some requested scopes were invalid. {invalid=[calendar.event]}', {'error': 'invalid_scope', 'error_description': 'Some requested scopes were invalid. {invalid=[calendar.event]}'})"
      - 'msal: AADSTS70011: The provided value for the input parameter ''scope'' is not valid. The scope https://graph.microsoft.com/Calendar.ReadWrite is not valid.'
      - '2025-10-27 10:00:00,123 [ERROR] [auth-service] token exchange failed: AADSTS65001: The user or administrator has not consented to use the application with ID 1a2b3c.'
    counterexamples:
      - '2025-10-27 10:00:00,123 [INFO] [auth-service] validating scopes: 0 invalid_scopes_total'

  # The grant (refresh token / code) was refused, or the client is unknown:
  # the user has to re-authorise or the client secret is wrong.
  - name: oauth_invalid_grant
    class: auth_failure
    match: '\b(?:invalid_grant|invalid_client|unauthorized_client|invalid_token|token_expired)\b|\b(?:InvalidGrantError|InvalidClientError|UnauthorizedClientError|InvalidTokenError|TokenExpiredError)\b'
    severity: warning
    priority: 150
    labels: {component: oauth}
    examples:
      - '{"timestamp":"2025-10-27T10:00:00.123Z","level":"ERROR","service":"auth-service","message":"token refresh failed: invalid_grant (Token has been expired or revoked.)","provider":"google","user_id":4242}'
      - "google.auth.exceptions.RefreshError: ('invalid_grant: Token has been expired or revoked.', {'error': 'invalid_grant', 'error_description': 'Token has been expired or revoked.'})"
      - 'oauthlib.oauth2.rfc6749.errors.InvalidGrantError: (invalid_grant) Bad Request'
      - 'oauthlib.oauth2.rfc6749.errors.InvalidClientError: (invalid_client) The OAuth client was not found.'
      - 'oauthlib.oauth2.rfc6749.errors.TokenExpiredError: (token_expired) '
    counterexamples:
      - '2025-10-27 10:00:00,123 [INFO] [auth-service] retry policy: invalid_grant_retries=0'
      - '2025-10-27 10:00:00,123 [INFO] [auth-service] Refreshed oauth token for user 4242 (expires_in=3599)'

  # Any other google-auth refresh failure (missing refresh_token, bad token
  # endpoint answer). Kept in oauth_scope: in this product a refresh failure
  # is almost always the stored token/scope set being unusable.
  - name: google_auth_refresh_error
    class: oauth_scope
    match: '\bgoogle\.auth\.exceptions\.RefreshError\b|\bRefreshError: '
    severity: high
    priority: 50
    examples:
      - 'google.auth.exceptions.RefreshError: The credentials do not contain the necessary fields need to refresh the access token. You must specify refresh_token, token_uri, client_id, and client_secret.'
      - |-
        2025-10-27 10:00:00,123 [ERROR] [calendar-sync] calendar sync failed for user 4242
        Traceback (most recent call last):
          File "/app/venv/lib/python3.11/site-packages/google/oauth2/credentials.py", line 335, in refresh
            raise exceptions.RefreshError(
        google.auth.exceptions.RefreshError: The credentials do not contain the necessary fields need to refresh the access token.
    counterexamples:
      - '2025-10-27 10:00:00,123 [INFO] [calendar-sync] credentials refreshed, next refresh in 3599s'

  # The calendar app's own degradation message when the scope column is
  # absent (it skips the refresh instead of failing). Counted as an OAuth
  # scope problem: the token cannot be refreshed with its scopes. The
  # database errors themselves are counted by oauth_token_scope.
  - name: oauth_scope_unavailable
    class: oauth_scope
    match: '\bmissing column user_oauth_tokens\.scope\b'
    severity: high
    priority: 150
    labels: {category: oauth}
    examples:
      - '{"timestamp":"2025-10-27T10:00:03.447Z","level":"WARNING","service":"auth-service","message":"missing column user_oauth_tokens.scope; skipping token refresh","user_id":92366,"request_id":"1c654aa2c63c0a11"}'
    counterexamples:
      - '{"timestamp":"2025-10-27T10:00:03.447Z","level":"INFO","service":"auth-service","message":"column user_oauth_tokens.scope present","user_id":92366}'

"""#),
        ("patterns/postgresql.yaml", #"""
# PostgreSQL server log lines and client-side errors (psycopg2, psycopg 3,
# asyncpg, SQLAlchemy, Django, pgx, JDBC), plus the MySQL / SQLite spellings
# of the same schema errors.
#
# Message texts are PostgreSQL's own (src/backend/parser/parse_relation.c,
# namespace.c, postinit.c, auth.c, postgres.c) and libpq's (fe-connect.c),
# as printed by the server log (`ERROR:  ...`, two spaces) and re-raised
# verbatim by the drivers (`psycopg2.errors.UndefinedColumn: ...`).
#
# Priorities: 100, like the class patterns of the other files, so that in a
# traceback the final exception decides (the exception lines are offered
# first only among patterns of equal priority). oauth_token_scope, the
# production incident, beats undefined_column on the same line by coming
# first in this file; above 100 it would also win as the mere cause of
# another error (python_psycopg2.log line 25 is db_schema). Schema errors are
# critical: they mean code and schema disagree (a missing migration) and
# every request on that path fails.
patterns:
  # The production incident: the deployed code selects user_oauth_tokens.scope,
  # the migration that adds it has not run. All three spellings (driver
  # exception, SQLAlchemy wrapper, server log) carry the same phrase.
  - name: oauth_token_scope
    class: undefined_column
    match: '\bcolumn (?<table>user_oauth_tokens)\.(?<column>scope) does not exist'
    severity: critical
    priority: 100
    labels: {category: oauth}
    examples:
      - 'psycopg2.errors.UndefinedColumn: column user_oauth_tokens.scope does not exist at character 366'
      - '2025-10-27 10:00:00,123 [ERROR] [scheduling-worker] psycopg2.errors.UndefinedColumn: column user_oauth_tokens.scope does not exist at character 366'
      - 'sqlalchemy.exc.ProgrammingError: (psycopg2.errors.UndefinedColumn) column user_oauth_tokens.scope does not exist'
      - '2025-10-27 10:00:00.123 UTC [2211] ERROR:  column user_oauth_tokens.scope does not exist at character 93'
      - '{"timestamp":"2025-10-27T10:00:00.123Z","level":"ERROR","service":"scheduling-worker","message":"(psycopg2.errors.UndefinedColumn) column user_oauth_tokens.scope does not exist","user_id":4242}'
      - |-
        2025-10-27 10:00:00,123 [ERROR] [scheduling-worker] failed to load oauth token scopes for user 4242
        Traceback (most recent call last):
          File "/app/venv/lib/python3.11/site-packages/sqlalchemy/engine/base.py", line 1965, in _exec_single_context
            self.dialect.do_execute(
          File "/app/venv/lib/python3.11/site-packages/sqlalchemy/engine/default.py", line 921, in do_execute
            cursor.execute(statement, parameters)
        psycopg2.errors.UndefinedColumn: column user_oauth_tokens.scope does not exist
        LINE 1: ...oauth_tokens.provider AS user_oauth_tokens_provider, user_oauth_tokens.scope AS user_oauth_tokens_scope...
                                                                     ^

        The above exception was the direct cause of the following exception:

        Traceback (most recent call last):
          File "/app/app/jobs/calendar_sync.py", line 212, in refresh_calendar
            token = db.query(UserOAuthToken).filter_by(user_id=user_id).one()
        sqlalchemy.exc.ProgrammingError: (psycopg2.errors.UndefinedColumn) column user_oauth_tokens.scope does not exist
        [SQL: SELECT user_oauth_tokens.id AS user_oauth_tokens_id, user_oauth_tokens.scope AS user_oauth_tokens_scope FROM user_oauth_tokens WHERE user_oauth_tokens.user_id = %(user_id_1)s]
        (Background on this error at: https://sqlalche.me/e/20/f405)
    counterexamples:
      - 'column user_oauth_tokens.scope was added'
      - '2025-10-27 10:00:00.456 UTC [2211] STATEMENT:  SELECT user_oauth_tokens.id, user_oauth_tokens.scope FROM user_oauth_tokens WHERE user_id = $1'
      - '2025-10-27 10:00:00,123 [INFO] [api] SQL: SELECT user_oauth_tokens.id, user_oauth_tokens.provider FROM user_oauth_tokens WHERE user_oauth_tokens.user_id = 42'
      - '2025-10-27 10:00:00,123 [ERROR] [api] psycopg2.errors.UndefinedColumn: column events.recurrence_id does not exist'

  # Any other missing column. PostgreSQL prints `column t.c does not exist`
  # for a qualified reference, `column "c" does not exist` otherwise, and
  # `column "c" of relation "t" does not exist` for INSERT/UPDATE targets.
  # MySQL: (1054, "Unknown column 'c' in 'field list'"); SQLite: no such column: c.
  - name: undefined_column
    class: undefined_column
    match: '(?|\bcolumn "?(?<column>[\w$.]{1,128})"?(?: of relation "[^"\n]{1,128}")? does not exist(?!, skipping)|\bUnknown column ''(?<column>[^''\n]{1,128})'' in ''|\bno such column: (?<column>[\w$.]{1,128}))'
    severity: critical
    priority: 100
    max_series: 500
    examples:
      - 'psycopg.errors.UndefinedColumn: column "scope" does not exist'
      - '2025-10-27 10:00:00.123 UTC [2211] ERROR:  column events.recurrence_id does not exist at character 8'
      - '2025-10-27 10:00:01.004 UTC [2214] ERROR:  column "buffer_minutes" of relation "bookings" does not exist at character 31'
      - 'django.db.utils.ProgrammingError: column calendars.sync_token does not exist'
      - 'asyncpg.exceptions.UndefinedColumnError: column "sync_token" does not exist'
      - '2025/10/27 10:00:00 query failed: ERROR: column "scope" does not exist (SQLSTATE 42703)'
      - 'org.postgresql.util.PSQLException: ERROR: column "scope" does not exist'
      - 'pymysql.err.OperationalError: (1054, "Unknown column ''scope'' in ''field list''")'
      - 'sqlite3.OperationalError: no such column: scope'
    counterexamples:
      - '2025-10-27 10:00:00.123 UTC [2211] NOTICE:  column "scope" of relation "user_oauth_tokens" does not exist, skipping'
      - '2025-10-27 10:00:00.123 UTC [2211] NOTICE:  column "scope" of relation "user_oauth_tokens" already exists, skipping'
      - '2025-10-27 10:00:00,123 [INFO] [alembic.runtime.migration] Running upgrade 3f2a -> 9b1c, add column user_oauth_tokens.scope'
      - '2025-10-27 10:00:00.123 UTC [2211] HINT:  Perhaps you meant to reference the column "user_oauth_tokens.scopes".'

  # Missing table / relation (UndefinedTable, SQLSTATE 42P01). `DROP ... IF EXISTS`
  # prints the same words followed by ", skipping" as a NOTICE: not an error.
  - name: undefined_table
    class: db_schema
    match: '(?|\b(?:relation|table) "(?<relation>[^"\n]{1,128})" does not exist(?!, skipping)|\bTable ''(?<relation>[^''\n]{1,128})'' doesn''t exist|\bno such table: (?<relation>[\w$.]{1,128}))'
    severity: critical
    priority: 100
    max_series: 500
    examples:
      - 'psycopg2.errors.UndefinedTable: relation "user_oauth_tokens" does not exist'
      - '2025-10-27 10:00:00.123 UTC [2211] ERROR:  relation "calendar_sync_state" does not exist at character 15'
      - 'sqlalchemy.exc.ProgrammingError: (psycopg2.errors.UndefinedTable) relation "public.bookings" does not exist'
      - '2025-10-27 10:00:00.123 UTC [2211] ERROR:  table "bookings_old" does not exist'
      - 'pymysql.err.ProgrammingError: (1146, "Table ''calendar.bookings'' doesn''t exist")'
      - 'sqlite3.OperationalError: no such table: bookings'
    counterexamples:
      - '2025-10-27 10:00:00.123 UTC [2211] NOTICE:  table "bookings_old" does not exist, skipping'
      - '2025-10-27 10:00:00.123 UTC [2211] NOTICE:  relation "idx_bookings_user" already exists, skipping'

  # Missing schema (InvalidSchemaName, 3F000).
  - name: undefined_schema
    class: db_schema
    match: '\bschema "(?<schema>[^"\n]{1,128})" does not exist(?!, skipping)'
    severity: critical
    priority: 100
    max_series: 100
    examples:
      - 'psycopg2.errors.InvalidSchemaName: schema "calendar" does not exist'
      - '2025-10-27 10:00:00.123 UTC [2211] ERROR:  schema "calendar" does not exist at character 14'
    counterexamples:
      - '2025-10-27 10:00:00.123 UTC [2211] NOTICE:  schema "calendar" does not exist, skipping'

  # Missing database (InvalidCatalogName, 3D000): FATAL at connection time.
  - name: undefined_database
    class: db_schema
    match: '(?|\bdatabase "(?<database>[^"\n]{1,128})" does not exist(?!, skipping)|\bUnknown database ''(?<database>[^''\n]{1,128})'')'
    severity: critical
    priority: 100
    max_series: 100
    examples:
      - '2025-10-27 10:00:00.123 UTC [2211] FATAL:  database "calendar" does not exist'
      - 'psycopg2.OperationalError: connection to server at "db" (10.0.3.7), port 5432 failed: FATAL:  database "calendar" does not exist'
      - 'pymysql.err.OperationalError: (1049, "Unknown database ''calendar''")'
    counterexamples:
      - '2025-10-27 10:00:00.123 UTC [2211] NOTICE:  database "calendar_test" does not exist, skipping'

  # Authentication to PostgreSQL failed (28P01 / 28000): wrong password,
  # no pg_hba.conf entry, peer/ident mismatch, unknown role.
  - name: pg_auth_failed
    class: auth_failure
    match: '(?|\bauthentication failed for user "(?<user>[^"\n]{1,64})"|\bno pg_hba\.conf entry for (?:replication connection from )?host "[^"\n]*", user "(?<user>[^"\n]{1,64})"|\brole "(?<user>[^"\n]{1,64})" does not exist(?!, skipping))'
    severity: warning
    priority: 100
    max_series: 100
    labels: {component: postgresql}
    examples:
      - '2025-10-27 10:00:00.123 UTC [2211] FATAL:  password authentication failed for user "app"'
      - 'psycopg2.OperationalError: connection to server at "db" (10.0.3.7), port 5432 failed: FATAL:  password authentication failed for user "app"'
      - '2025-10-27 10:00:00.123 UTC [2211] FATAL:  no pg_hba.conf entry for host "10.0.4.9", user "app", database "calendar", no encryption'
      - '2025-10-27 10:00:00.123 UTC [2211] FATAL:  Peer authentication failed for user "postgres"'
      - '2025-10-27 10:00:00.123 UTC [2211] FATAL:  role "calendar_ro" does not exist'
      - 'org.postgresql.util.PSQLException: FATAL: password authentication failed for user "app"'
    counterexamples:
      - '2025-10-27 10:00:00.123 UTC [2211] LOG:  connection authorized: user=app database=calendar application_name=psql'
      - '2025-10-27 10:00:00.123 UTC [2211] NOTICE:  role "calendar_ro" does not exist, skipping'

  # Statement / lock / idle-in-transaction timeouts (57014 QueryCanceled,
  # 55P03, 25P03) and libpq's connect_timeout ("timeout expired").
  - name: pg_statement_timeout
    class: timeout
    match: '\bcanceling statement due to (?:statement|lock) timeout|\bterminating connection due to idle[- ]in[- ]transaction (?:session )?timeout|\bOperationalError\)? timeout expired'
    severity: warning
    priority: 100
    labels: {component: postgresql}
    examples:
      - '2025-10-27 10:00:00.123 UTC [2211] ERROR:  canceling statement due to statement timeout'
      - 'psycopg2.errors.QueryCanceled: canceling statement due to statement timeout'
      - 'sqlalchemy.exc.OperationalError: (psycopg2.errors.LockNotAvailable) canceling statement due to lock timeout'
      - '2025-10-27 10:00:00.123 UTC [2211] FATAL:  terminating connection due to idle-in-transaction timeout'
      - 'sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) timeout expired'
    counterexamples:
      - '2025-10-27 10:00:00.123 UTC [2211] LOG:  parameter "statement_timeout" changed to "30s"'
      - '2025-10-27 10:00:00,123 [INFO] [api] database configured: statement_timeout=30000 lock_timeout=5000'

  # The server is not listening: libpq < 14 ("could not connect to server:
  # Connection refused"), libpq >= 14 ("connection to server at ... failed:
  # Connection refused"), a missing Unix socket, and pgJDBC's wording.
  - name: pg_connection_refused
    class: connection_refused
    match: '\b(?:could not connect to server|connection to server (?:at "[^"\n]{1,200}"(?: \([^)\n]{1,64}\))?, port \d+|on socket "[^"\n]{1,200}") failed): (?:Connection refused|No such file or directory)|\bConnection to [\w.:\[\]-]{1,200} refused\. Check that the hostname and port are correct'
    severity: high
    priority: 110
    labels: {component: postgresql}
    examples:
      - 'psycopg2.OperationalError: could not connect to server: Connection refused'
      - |-
        psycopg2.OperationalError: could not connect to server: Connection refused
        	Is the server running on host "localhost" (127.0.0.1) and accepting
        	TCP/IP connections on port 5432?
      - 'psycopg2.OperationalError: connection to server at "localhost" (127.0.0.1), port 5432 failed: Connection refused'
      - 'sqlalchemy.exc.OperationalError: (psycopg.OperationalError) connection to server at "db" (10.0.3.7), port 5432 failed: Connection refused'
      - 'psql: error: connection to server on socket "/var/run/postgresql/.s.PGSQL.5432" failed: No such file or directory'
      - 'org.postgresql.util.PSQLException: Connection to localhost:5432 refused. Check that the hostname and port are correct and that the postmaster is accepting TCP/IP connections.'
    counterexamples:
      - 'psycopg2.OperationalError: connection to server at "db" (10.0.3.7), port 5432 failed: FATAL:  password authentication failed for user "app"'
      - '2025-10-27 10:00:00.123 UTC [2211] LOG:  database system is ready to accept connections'

"""#),
        ("patterns/ssh_pam.yaml", #"""
# OpenSSH sshd, PAM (pam_unix), sudo/su and old Linux login daemons.
#
# Several examples are copied verbatim from the Loghub OpenSSH and Linux
# samples: https://github.com/logpai/loghub -- Jieming Zhu, Shilin He, Pinjia
# He, Jinyang Liu, Michael R. Lyu. "Loghub: A Large Collection of System Log
# Datasets for AI-driven Log Analytics". In ISSRE, 2023.
#
# What counts (auth_failure): each rejected credential (Failed password/none/
# keyboard-interactive, pam_unix "authentication failure", PAM "N more
# authentication failures"), an unknown or refused user (Invalid user,
# "User x from IP not allowed because ..."), a session cut
# for too many failures, and a client giving up mid-authentication.
# What does not: lines that only repeat an event already counted
# ("input_userauth_request: invalid user", "check pass; user unknown",
# "PAM service(sshd) ignoring max retries", "Disconnected from
# authenticating/invalid user ...", "Connection closed by invalid user ..."),
# pre-auth noise ("Connection closed by IP [preauth]", "Did not receive
# identification string", "reverse mapping checking getaddrinfo ... POSSIBLE
# BREAK-IN ATTEMPT!" which is a DNS mismatch, not a failed login), and
# successful logins (Accepted password/publickey, session opened/closed).
# A "message repeated N times: [ Failed password ...]" line counts once.
#
# `source` is the client address (IP, or a host name when sshd/PAM resolved
# it); it is the one high-cardinality label of the pack, so it is capped.
patterns:
  - name: sshd_failed_password
    class: auth_failure
    match: '\bFailed (?<method>password|none|keyboard-interactive/pam|hostbased|gssapi-with-mic) for .{0,100}?from (?<source>[0-9A-Fa-f:.]{2,45}) port \d+'
    severity: warning
    priority: 100
    max_series: 1000
    labels: {component: sshd}
    examples:
      - 'Dec 10 07:27:52 LabSZ sshd[24235]: Failed password for root from 112.95.230.3 port 45378 ssh2'
      - 'Dec 10 06:55:48 LabSZ sshd[24200]: Failed password for invalid user webmaster from 173.234.31.186 port 38926 ssh2'
      - 'Dec 10 08:24:40 LabSZ sshd[24363]: Failed none for invalid user 0 from 5.188.10.180 port 49811 ssh2'
      - 'Dec 10 07:13:56 LabSZ sshd[24227]: message repeated 5 times: [ Failed password for root from 5.36.59.76 port 42393 ssh2]'
      - '2025-10-27T10:00:00+0000 edge-01 sshd[3117]: Failed keyboard-interactive/pam for invalid user oracle from 10.0.4.9 port 51122 ssh2'
      - '{"__REALTIME_TIMESTAMP":"1761559200123456","_HOSTNAME":"edge-01","SYSLOG_IDENTIFIER":"sshd","PRIORITY":"6","MESSAGE":"Failed password for invalid user admin from 203.0.113.7 port 40022 ssh2"}'
    counterexamples:
      - 'Dec 10 09:32:20 LabSZ sshd[24680]: Accepted password for fztu from 119.137.62.142 port 49116 ssh2'
      - '2025-10-27T10:00:00+0000 app-01 sshd[3117]: Accepted publickey for deploy from 10.0.3.4 port 40022 ssh2: ED25519 SHA256:abc123'

  # A public key was offered and is not authorised: an agent offering several
  # keys logs this before "Accepted publickey", so it is low severity.
  - name: sshd_failed_publickey
    class: auth_failure
    match: '\bFailed publickey for .{0,100}?from (?<source>[0-9A-Fa-f:.]{2,45}) port \d+'
    severity: low
    priority: 100
    max_series: 1000
    labels: {component: sshd}
    examples:
      - '2025-10-27T10:00:00+0000 edge-01 sshd[3117]: Failed publickey for deploy from 10.0.4.9 port 51122 ssh2: RSA SHA256:Zb7mXx9QnJ2pY0mT3cQ7k9s1V4hGf8aLwE2rN5uK6dI'
    counterexamples:
      - '2025-10-27T10:00:00+0000 edge-01 sshd[3117]: Accepted publickey for deploy from 10.0.4.9 port 51122 ssh2: RSA SHA256:Zb7mXx9QnJ2pY0mT3cQ7k9s1V4hGf8aLwE2rN5uK6dI'

  - name: sshd_invalid_user
    class: auth_failure
    match: '\bInvalid user [^\n]{0,64}?\bfrom (?<source>[0-9A-Fa-f:.]{2,45})\b'
    severity: warning
    priority: 100
    max_series: 1000
    labels: {component: sshd}
    examples:
      - 'Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186'
      - '2025-10-27T10:00:00+0000 edge-01 sshd[3117]: Invalid user admin from 203.0.113.7 port 40022'
      - '2025-10-27T10:00:00+0000 edge-01 sshd[3117]: Invalid user  from 203.0.113.7 port 40022'
      - 'Dec 10 08:24:32 LabSZ sshd[24361]: Invalid user  0101 from 5.188.10.180'
    counterexamples:
      - 'Dec 10 06:55:46 LabSZ sshd[24200]: input_userauth_request: invalid user webmaster [preauth]'
      - '2025-10-27T10:00:00+0000 edge-01 sshd[3117]: Connection closed by invalid user admin 203.0.113.7 port 40022 [preauth]'

  # sshd refuses a user by AllowUsers/DenyUsers/AllowGroups/DenyGroups, a
  # missing shell or a locked account.
  - name: sshd_user_not_allowed
    class: auth_failure
    match: '\bUser \S{1,64} from (?<source>[0-9A-Fa-f:.]{2,45}) not allowed because\b'
    severity: warning
    priority: 100
    max_series: 1000
    labels: {component: sshd}
    examples:
      - 'Nov 23 00:56:17 vm sshd[13340]: User root from 127.0.0.1 not allowed because not listed in AllowUsers'
      - '2025-10-27T10:00:00+0000 edge-01 sshd[3117]: User deploy from 203.0.113.7 not allowed because account is locked'
    counterexamples:
      - 'Nov 23 00:56:17 vm sshd[13340]: Accepted publickey for deploy from 127.0.0.1 port 40022 ssh2: ED25519 SHA256:abc123'

  # pam_unix "authentication failure; logname= ... rhost=..." (any service:
  # sshd, sudo, login, ...) and the PAM summary "N more authentication failures".
  - name: pam_auth_failure
    class: auth_failure
    match: '\b(?:PAM \d+ more )?authentication failures?; logname=\S* uid=\d+ euid=\d+ tty=\S* ruser=\S* rhost=(?<source>\S{0,253})'
    severity: warning
    priority: 100
    max_series: 1000
    labels: {component: pam}
    examples:
      - 'Dec 10 06:55:46 LabSZ sshd[24200]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=173.234.31.186 '
      - 'Dec 10 07:13:56 LabSZ sshd[24227]: PAM 5 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=5.36.59.76.dynamic-dsl-ip.omantel.net.om  user=root'
      - 'Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=218.188.2.4 '
      - 'Jun 15 02:04:59 combo sshd(pam_unix)[20882]: authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=220-135-151-1.hinet-ip.hinet.net  user=root'
      - '2025-10-27T10:00:00+0000 app-01 sudo[4411]: pam_unix(sudo:auth): authentication failure; logname=alice uid=1000 euid=0 tty=/dev/pts/0 ruser=alice rhost=  user=alice'
    counterexamples:
      - 'Dec 10 06:55:46 LabSZ sshd[24200]: pam_unix(sshd:auth): check pass; user unknown'
      - 'Dec 10 07:13:56 LabSZ sshd[24227]: PAM service(sshd) ignoring max retries; 6 > 3'
      - 'Dec 10 09:32:20 LabSZ sshd[24680]: pam_unix(sshd:session): session opened for user fztu by (uid=0)'

  # The session was cut because the client used up its attempts, or the
  # client reported that it ran out of methods.
  - name: sshd_too_many_failures
    class: auth_failure
    match: '\b(?:maximum authentication attempts exceeded|Too many authentication failures|No more user authentication methods available|JSchException: Auth fail)\b'
    severity: warning
    priority: 100
    labels: {component: sshd}
    examples:
      - 'Dec 10 07:13:56 LabSZ sshd[24227]: Disconnecting: Too many authentication failures for root [preauth]'
      - '2025-10-27T10:00:00+0000 edge-01 sshd[3117]: error: maximum authentication attempts exceeded for root from 203.0.113.7 port 40022 ssh2 [preauth]'
      - '2025-10-27T10:00:00+0000 edge-01 sshd[3117]: Disconnecting authenticating user root 203.0.113.7 port 40022: Too many authentication failures [preauth]'
      - 'Dec 10 09:11:22 LabSZ sshd[24439]: error: Received disconnect from 103.99.0.122: 14: No more user authentication methods available. [preauth]'
      - 'Dec 10 07:51:15 LabSZ sshd[24324]: error: Received disconnect from 195.154.37.122: 3: com.jcraft.jsch.JSchException: Auth fail [preauth]'
    counterexamples:
      - 'Dec 10 07:07:45 LabSZ sshd[24206]: Received disconnect from 52.80.34.196: 11: Bye Bye [preauth]'

  # A client that authenticated as an existing user disconnected before
  # succeeding (typical of key-only brute force, which logs nothing else).
  # Low severity: a human who cancels a password prompt produces it too.
  - name: sshd_auth_aborted
    class: auth_failure
    match: '\bConnection closed by authenticating user \S{1,64} (?<source>[0-9A-Fa-f:.]{2,45}) port \d+'
    severity: low
    priority: 100
    max_series: 1000
    labels: {component: sshd}
    examples:
      - '2025-10-27T10:00:00+0000 edge-01 sshd[3117]: Connection closed by authenticating user root 203.0.113.7 port 40022 [preauth]'
    counterexamples:
      - 'Dec 10 06:55:48 LabSZ sshd[24200]: Connection closed by 173.234.31.186 [preauth]'
      - '2025-10-27T10:00:00+0000 edge-01 sshd[3117]: Disconnected from authenticating user root 203.0.113.7 port 40022 [preauth]'

  # sudo / su refusals.
  - name: sudo_su_failure
    class: auth_failure
    match: '\bsudo(?:\[\d+\])?: +\S+ : (?:\d+ incorrect password attempts?|user NOT in sudoers|command not allowed)\b|\bFAILED SU \(to \S+\)|\bsu(?:\[\d+\])?: FAILED SU\b'
    severity: warning
    priority: 100
    labels: {component: sudo}
    examples:
      - '2025-10-27T10:00:00+0000 app-01 sudo[4411]:    alice : 3 incorrect password attempts ; TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/systemctl restart api'
      - '2025-10-27T10:00:00+0000 app-01 sudo[4411]:      bob : user NOT in sudoers ; TTY=pts/1 ; PWD=/home/bob ; USER=root ; COMMAND=/bin/bash'
      - '2025-10-27T10:00:00+0000 app-01 su[4412]: FAILED SU (to root) alice on pts/0'
    counterexamples:
      - '2025-10-27T10:00:00+0000 app-01 sudo[4411]:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/systemctl restart api'

  # Other daemons of the Loghub Linux sample: klogind/ftpd/Kerberos, and any
  # "Authentication failed"/"authentication failure" wording not caught above.
  - name: authentication_failed
    class: auth_failure
    match: '\b(?i:authentication failed|authentication failure)\b|\bCouldn''t authenticate user\b|\bAccess denied for user ''|\bSMTPAuthenticationError\b'
    severity: warning
    priority: 50
    examples:
      - 'Jun 30 20:53:04 combo klogind[19272]: Authentication failed from 163.27.187.39 (163.27.187.39): Permission denied in replay cache code '
      - 'Jun 30 20:53:04 combo klogind[19272]: Kerberos authentication failed '
      - 'Jul 11 11:33:17 combo gdm-binary[2803]: Couldn''t authenticate user'
      - '2025-10-27 10:00:00,123 [ERROR] [notifier] smtplib.SMTPAuthenticationError: (535, b''5.7.8 Username and Password not accepted.'')'
      - 'pymysql.err.OperationalError: (1045, "Access denied for user ''app''@''10.0.3.4'' (using password: YES)")'
      - '2025-10-27T10:00:00+0000 edge-01 sshd[3117]: error: PAM: Authentication failure for root from 203.0.113.7'
    counterexamples:
      - '2025-10-27 10:00:00,123 [INFO] [auth-service] metrics: authentication_failed_total=0'
      - 'Jun 14 15:16:02 combo sshd(pam_unix)[19937]: check pass; user unknown'

"""#),
        ("alerts/calendar-sync.yaml", #"""
# Alerts drawn from the calendar-sync incident of 2025-10-27
# (samples/calendar-sync-incident.log): v2.14.0 was deployed with
# RUN_MIGRATIONS=false, so every query of user_oauth_tokens.scope failed with
# UndefinedColumn until the migration was run by hand 19 minutes later.
#
# Evaluated every 15s on the logs' own event time. Windows are exact:
# increase(x[1m]) is the number of matching records in (t-1m, t].
# Rule unit tests: rules/tests/calendar-sync_test.yaml.
groups:
  - name: calendar-sync
    interval: 15s
    rules:
      # The exact production failure: the code reads a column that the
      # (skipped) migration 0042 adds. One record is enough; keep firing for
      # 5m so a flapping deploy does not resolve and re-page every minute.
      - alert: CalendarSyncOAuthTokenScopeError
        expr: |
          sum without (severity) (
            increase(logwarden_matches_total{pattern="oauth_token_scope"}[1m])
          ) > 0
        for: 0m
        keep_firing_for: 5m
        labels:
          severity: critical
        annotations:
          summary: 'OAuth token scope column missing ({{ $labels.table }}.{{ $labels.column }})'
          description: >-
            {{ printf "%.0f" $value }} record(s) in the last minute failed with
            "column {{ $labels.table }}.{{ $labels.column }} does not exist".
            The deployed code expects a schema migration that has not run
            (e.g. 0042_add_scope_to_user_oauth_tokens with RUN_MIGRATIONS=false):
            run the pending migration or roll the deploy back.

      # Any query of a column the database does not have (PostgreSQL, MySQL,
      # SQLite wordings; every pattern of class undefined_column, including
      # oauth_token_scope above).
      - alert: DatabaseUndefinedColumn
        expr: |
          sum by (pattern, table, column) (
            increase(logwarden_matches_total{class="undefined_column"}[5m])
          ) > 0
        for: 0m
        keep_firing_for: 5m
        labels:
          severity: critical
        annotations:
          summary: 'Query of a column that does not exist: {{ $labels.column }}'
          description: >-
            {{ printf "%.0f" $value }} record(s) of pattern {{ $labels.pattern }}
            in the last 5m report that column {{ $labels.column }} does not
            exist. Code and schema are out of step: check the pending
            migrations of the last deploy.

      # Missing relation, schema or database (class db_schema).
      - alert: DatabaseSchemaError
        expr: |
          sum by (pattern, relation, schema, database) (
            increase(logwarden_matches_total{class="db_schema"}[5m])
          ) > 0
        for: 0m
        keep_firing_for: 5m
        labels:
          severity: critical
        annotations:
          summary: 'Database schema error ({{ $labels.pattern }} {{ $labels.relation }}{{ $labels.schema }}{{ $labels.database }})'
          description: >-
            {{ printf "%.0f" $value }} record(s) in the last 5m report a missing
            table, schema or database. Check that migrations ran and that the
            service points at the right database.

      # Absence: no successful sync record in the last 15m. A counter that
      # exists at 0 is never absent(), so the rule asks for a zero increase.
      # The second operand is the counter's total (records up to now, or ever
      # with --state): it limits the alert to hosts that have logged a
      # successful sync before. Without it the default pack would fire on
      # every host that does not run calendar-sync, and at start-up before
      # the first sync. It deliberately does not require other logs to be
      # flowing: a worker that hangs silently is exactly what this catches.
      - alert: CalendarSyncNoSuccessfulSync
        expr: |
          sum(increase(logwarden_matches_total{pattern="calendar_sync_succeeded"}[15m])) == 0
          and on ()
          sum(logwarden_matches_total{pattern="calendar_sync_succeeded"}) > 0
        for: 0m
        labels:
          severity: high
        annotations:
          summary: 'No successful calendar sync for 15 minutes'
          description: >-
            calendar-sync has logged no successful sync ("synced user=...",
            "incremental sync ... 0 failed", "sync pass finished ... errors=0")
            in the last 15m, although it did before. Workers may be stuck,
            crashing or failing every sync: look at the errors of the same
            period.

"""#),
        ("alerts/log-errors.yaml", #"""
# Generic alerts over every pattern of the default pack, evaluated every
# minute on the logs' own event time. Error records are matched records of
# any pattern whose severity is not "info" (info patterns, such as
# calendar_sync_succeeded of class "success", record good news).
# Rule unit tests: rules/tests/log-errors_test.yaml and rules/tests/auth_test.yaml.
groups:
  - name: log-errors
    interval: 1m
    rules:
      # Share of error records among all records read, in percent. Dividing
      # by (records >= 20) both avoids a division by zero and ignores quiet
      # periods where 1 error out of 2 records would be 50%.
      - alert: LogErrorRatioHigh
        expr: |
          100 * sum(increase(logwarden_matches_total{severity!="info"}[5m]))
            / (sum(increase(logwarden_records_total[5m])) >= 20)
          > 10
        for: 5m
        labels:
          severity: warning
        annotations:
          summary: 'Error records are {{ printf "%.0f" $value }}% of all log records'
          description: >-
            {{ printf "%.1f" $value }}% of the records of the last 5m were
            classified as errors (more than 10% for 5m). See the top patterns
            with 'logwarden history' or the evidence of this alert.

      - alert: LogErrorRatioCritical
        expr: |
          100 * sum(increase(logwarden_matches_total{severity!="info"}[5m]))
            / (sum(increase(logwarden_records_total[5m])) >= 20)
          > 50
        for: 2m
        labels:
          severity: critical
        annotations:
          summary: 'Most log records are errors ({{ printf "%.0f" $value }}%)'
          description: >-
            {{ printf "%.1f" $value }}% of the records of the last 5m were
            classified as errors (more than 50% for 2m): the service is
            failing most of what it does.

      # Failures that keep coming: more than 5 error records of one class in
      # 10m, sustained for 5m.
      - alert: LogFailuresIncreasing
        expr: |
          sum by (class) (
            increase(logwarden_matches_total{severity!="info"}[10m])
          ) > 5
        for: 5m
        labels:
          severity: warning
        annotations:
          summary: 'Repeated {{ $labels.class }} failures ({{ printf "%.0f" $value }} in 10m)'
          description: >-
            {{ printf "%.0f" $value }} records of class {{ $labels.class }} in
            the last 10m, more than 5 for at least 5m.

      # Timeouts in the last 5m above 3x the average 5m of the last hour
      # (the hour's count / 12), with at least 5 timeouts. The last operand
      # asks for a full hour of history (some record older than 1h): without
      # it every steady stream of timeouts looks like a spike at start-up.
      - alert: TimeoutSpike
        expr: |
          sum(increase(logwarden_matches_total{class="timeout"}[5m]))
            > 3 * sum(increase(logwarden_matches_total{class="timeout"}[1h])) / 12
          and
          sum(increase(logwarden_matches_total{class="timeout"}[5m])) >= 5
          and on ()
          sum(logwarden_records_total) > sum(increase(logwarden_records_total[1h]))
        for: 1m
        labels:
          severity: warning
        annotations:
          summary: 'Timeout spike: {{ printf "%.0f" $value }} timeouts in 5m'
          description: >-
            {{ printf "%.0f" $value }} timeout records in the last 5m, more
            than 3 times the average 5m of the last hour. A dependency is
            slow or unreachable.

      # A single refused connection (a restart) never fires: the condition
      # holds for 10m after each refusal, so firing needs refusals spread
      # over more than 10m.
      - alert: ConnectionRefusedPersistent
        expr: |
          sum by (component) (
            increase(logwarden_matches_total{class="connection_refused"}[10m])
          ) > 0
        for: 10m
        labels:
          severity: high
        annotations:
          summary: 'Connections refused for 10m (component="{{ $labels.component }}")'
          description: >-
            {{ printf "%.0f" $value }} "connection refused" records in the last
            10m, and refusals for at least 10m: the server is down or not
            listening. Check the service and its address.

      - alert: RateLimited
        expr: |
          sum by (pattern) (
            increase(logwarden_matches_total{class="rate_limited"}[5m])
          ) > 10
        for: 5m
        labels:
          severity: warning
        annotations:
          summary: 'Rate limited: {{ printf "%.0f" $value }} records in 5m ({{ $labels.pattern }})'
          description: >-
            {{ printf "%.0f" $value }} rate-limit records ({{ $labels.pattern }})
            in the last 5m, more than 10 for 5m. Requests are being throttled
            (HTTP 429, quota or limit_req): slow down or raise the quota.

  - name: auth
    interval: 1m
    rules:
      # Brute force: more than 10 authentication failures from one source
      # address in 5m. `source` is captured by the sshd and pam_unix patterns
      # (rules/patterns/ssh_pam.yaml); failures without an address (sudo,
      # local PAM) have no source label and are left out.
      - alert: AuthFailureBurstBySource
        expr: |
          sum by (source) (
            increase(logwarden_matches_total{class="auth_failure", source!=""}[5m])
          ) > 10
        for: 1m
        keep_firing_for: 5m
        labels:
          severity: high
        annotations:
          summary: 'Authentication failures from {{ $labels.source }}: {{ printf "%.0f" $value }} in 5m'
          description: >-
            {{ $labels.source }} caused {{ printf "%.0f" $value }} authentication
            failures (sshd/PAM) in the last 5m: a brute-force or
            credential-stuffing attempt. Consider blocking the address
            (fail2ban) and check for a successful login from it.

"""#),
    ]
}
