#!/usr/bin/env bash
# Capture a real PostgreSQL 15 server log (stderr, Debian-style prefix) and,
# while the server is up, run python_psycopg2.py against it.
# Output: $OUT_DIR/postgresql.log and $OUT_DIR/python_psycopg2.log
# Needs: postgresql-15 (Debian), python3 with psycopg2-binary + sqlalchemy. Run as root.
source "$(dirname "$0")/common.sh"
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
TMP=$(mktemp -d /tmp/corpus-pg.XXXXXX)
chown postgres: "$TMP"
PGPORT=$(free_port)
PGDATA=$TMP/data
PGLOG=$TMP/postgresql.log
APPPW='fake-app-password-not-secret'
as_pg() { runuser -u postgres -- "$@"; }

as_pg "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
  -E UTF8 --locale=C.UTF-8 >"$TMP/initdb.out"
cat >>"$PGDATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PGPORT
unix_socket_directories = '$TMP'
logging_collector = off
log_destination = 'stderr'
log_line_prefix = '%m [%p] %q%u@%d '
log_timezone = 'UTC'
log_connections = on
log_disconnections = on
log_checkpoints = on
log_lock_waits = on
deadlock_timeout = '500ms'
log_min_duration_statement = 200
log_min_error_statement = error
password_encryption = 'scram-sha-256'
CONF
# Server stderr goes straight to the log file (no collector).
as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGLOG" -w start >/dev/null
PSQL=(runuser -u postgres -- "$PGBIN/psql" -X -q -h "$TMP" -p "$PGPORT" -v ON_ERROR_STOP=0)
sql() { "${PSQL[@]}" -d "${DB:-appdb}" -c "$1" >/dev/null 2>&1 || true; }

"${PSQL[@]}" -d postgres >/dev/null 2>&1 <<SQL
CREATE ROLE calsync LOGIN PASSWORD '$APPPW';
CREATE DATABASE appdb OWNER calsync;
SQL
DB=appdb
"${PSQL[@]}" -d appdb >/dev/null 2>&1 <<'SQL'
SET ROLE calsync;
CREATE TABLE users (id serial PRIMARY KEY, email text UNIQUE NOT NULL, created_at timestamptz DEFAULT now());
CREATE TABLE user_oauth_tokens (
  id serial PRIMARY KEY,
  user_id int NOT NULL REFERENCES users(id),
  provider text NOT NULL,
  access_token text NOT NULL,
  refresh_token text,
  expires_at timestamptz
);
CREATE TABLE calendars (id serial PRIMARY KEY, user_id int, name text, synced_at timestamptz);
CREATE TABLE accounts (id int PRIMARY KEY, balance numeric);
INSERT INTO users (email) SELECT 'user' || g || '@example.test' FROM generate_series(1,50) g;
INSERT INTO user_oauth_tokens (user_id, provider, access_token, refresh_token, expires_at)
  SELECT g, 'google', 'ya29.FAKE-ACCESS-TOKEN-' || g, '1//FAKE-REFRESH-' || g, now() + interval '1 hour'
  FROM generate_series(1,50) g;
INSERT INTO accounts VALUES (1, 100), (2, 200);
SQL

# --- the incident: scope column missing (superuser session, as psql would log it)
sql "SELECT user_oauth_tokens.scope FROM user_oauth_tokens WHERE user_oauth_tokens.user_id = 7"
sql "SELECT id, user_id, scope FROM user_oauth_tokens WHERE user_id = 7"
sql "SELECT u.email, t.scopes FROM users u JOIN user_oauth_tokens t ON t.user_id = u.id"
sql "UPDATE calendars SET last_synced_at = now() WHERE id = 1"
# multi-line statement: the STATEMENT: text continues on lines without prefix
"${PSQL[@]}" -d appdb >/dev/null 2>&1 <<'SQL' || true
SELECT t.id,
       t.user_id,
       t.granted_scopes
  FROM user_oauth_tokens t
 WHERE t.expires_at < now();
SQL
# --- undefined table / schema / database / function
sql "SELECT * FROM oauth_clients WHERE client_id = 'calsync'"
sql "INSERT INTO sync_jobs (user_id) VALUES (3)"
sql "SELECT count(*) FROM billing.invoices"
sql "CREATE TABLE audit.sync_log (id int)"
sql "SET search_path TO reporting; SELECT 1"
DB=analytics sql "SELECT 1"
sql "SELECT calendar_sync_lag(7)"
# --- password failures over TCP (scram-sha-256 in pg_hba)
PGPASSWORD=wrong-password runuser -u postgres -- "$PGBIN/psql" -X -h 127.0.0.1 -p "$PGPORT" -U calsync -d appdb -c 'SELECT 1' >/dev/null 2>&1 || true
PGPASSWORD=also-wrong runuser -u postgres -- "$PGBIN/psql" -X -h 127.0.0.1 -p "$PGPORT" -U ghost -d appdb -c 'SELECT 1' >/dev/null 2>&1 || true
PGPASSWORD="$APPPW" runuser -u postgres -- "$PGBIN/psql" -X -h 127.0.0.1 -p "$PGPORT" -U calsync -d appdb -c 'SELECT count(*) FROM users' >/dev/null 2>&1 || true
# --- constraint violations
sql "INSERT INTO users (id, email) VALUES (1, 'dup@example.test')"
sql "INSERT INTO users (email) VALUES ('user3@example.test')"
sql "INSERT INTO user_oauth_tokens (user_id, provider, access_token) VALUES (9999, 'google', 'x')"
sql "INSERT INTO users (email) VALUES (NULL)"
# --- statement timeout, slow statement duration, division by zero, syntax, type errors
sql "SET statement_timeout = '300ms'; SELECT pg_sleep(2)"
sql "SELECT pg_sleep(0.3), count(*) FROM users"
sql "SELECT 1/0"
sql "SELEC * FROM users"
sql "SELECT * FROM users WHERE id = 'abc'"
# --- lock timeout and idle-in-transaction timeout
"${PSQL[@]}" -d appdb -c "BEGIN; LOCK TABLE calendars IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(1.5); COMMIT;" >/dev/null 2>&1 &
L=$!
sleep 0.4
sql "SET lock_timeout = '300ms'; UPDATE calendars SET name = 'work' WHERE id = 1"
wait $L || true
{ echo "SET idle_in_transaction_session_timeout = '300ms';"; echo "BEGIN;"; echo "SELECT count(*) FROM calendars;"; sleep 1; echo "SELECT 1;"; } \
  | "${PSQL[@]}" -d appdb >/dev/null 2>&1 || true
# --- deadlock between two sessions
"${PSQL[@]}" -d appdb -c "BEGIN; UPDATE accounts SET balance = balance - 10 WHERE id = 1; SELECT pg_sleep(1); UPDATE accounts SET balance = balance + 10 WHERE id = 2; COMMIT;" >/dev/null 2>&1 &
A=$!
sleep 0.3
"${PSQL[@]}" -d appdb -c "BEGIN; UPDATE accounts SET balance = balance - 5 WHERE id = 2; SELECT pg_sleep(1); UPDATE accounts SET balance = balance + 5 WHERE id = 1; COMMIT;" >/dev/null 2>&1 &
B=$!
wait $A $B || true
sql "CHECKPOINT"

# --- the application (python_psycopg2.py) while the server is still up
PGHOST=127.0.0.1 PGPORT=$PGPORT PGUSER=calsync PGPASSWORD="$APPPW" PGDATABASE=appdb \
  CLOSED_PORT=$(free_port) python3 "$CORPUS_DIR/python_psycopg2.py" "$OUT_DIR/python_psycopg2.log"

sql "VACUUM ANALYZE users"
sql "CHECKPOINT"
as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null
cp "$PGLOG" "$OUT_DIR/postgresql.log"; chmod 644 "$OUT_DIR/postgresql.log"
"$PGBIN/postgres" --version >"$TMP/version" 2>&1 || true
echo "postgresql.log: $(wc -l <"$OUT_DIR/postgresql.log") lines ($(cat "$TMP/version"))"
rm -rf "$TMP"
