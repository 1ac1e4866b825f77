#!/usr/bin/env python3
"""A small 'calendar sync' app that talks to the local PostgreSQL with psycopg2
and SQLAlchemy and logs what happens with the standard logging module.

Run by postgresql.sh (needs PGHOST/PGPORT/PGUSER/PGPASSWORD/PGDATABASE and
CLOSED_PORT, a local port nothing listens on). Only 127.0.0.1 is contacted.
Usage: python_psycopg2.py OUTPUT.log
"""
import logging
import os
import sys
import time

import psycopg2
import psycopg2.errors
import sqlalchemy
from sqlalchemy import Column, DateTime, Integer, String, Text, create_engine, select, text
from sqlalchemy.orm import Session, declarative_base

out = sys.argv[1]
logging.basicConfig(
    filename=out, filemode="w", level=logging.INFO,
    format="%(asctime)s %(levelname)s [%(name)s] %(message)s",
)
log = logging.getLogger("calsync.tokens")
dblog = logging.getLogger("calsync.db")
applog = logging.getLogger("calsync.app")

H, P = os.environ["PGHOST"], int(os.environ["PGPORT"])
U, PW, DB = os.environ["PGUSER"], os.environ["PGPASSWORD"], os.environ["PGDATABASE"]
CLOSED = int(os.environ["CLOSED_PORT"])
DSN = dict(host=H, port=P, user=U, password=PW, dbname=DB, connect_timeout=3)

Base = declarative_base()


class UserOAuthToken(Base):
    __tablename__ = "user_oauth_tokens"
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer)
    provider = Column(String)
    access_token = Column(Text)
    scope = Column(Text)          # added by the new release; migration not applied
    expires_at = Column(DateTime)


class SyncJob(Base):
    __tablename__ = "sync_jobs"
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer)


def load_scopes(conn, uid):
    with conn.cursor() as cur:
        cur.execute(
            "SELECT user_oauth_tokens.scope FROM user_oauth_tokens "
            "WHERE user_oauth_tokens.user_id = %s", (uid,))
        return cur.fetchone()


applog.info("calendar-sync worker starting (psycopg2 %s, SQLAlchemy %s)",
            psycopg2.__version__.split()[0], sqlalchemy.__version__)
conn = psycopg2.connect(**DSN)
conn.autocommit = True
dblog.info("connected to postgresql at %s:%s db=%s", H, P, DB)
with conn.cursor() as cur:
    cur.execute("SELECT count(*) FROM users")
    n = cur.fetchone()[0]
applog.info("loaded %d users for sync", n)

# 1. the incident: logger.exception with an 'oauth scopes' message, UndefinedColumn underneath
for uid in (7, 12):
    try:
        load_scopes(conn, uid)
    except Exception:
        log.exception("failed to load oauth token scopes for user %s", uid)
applog.info("sync pass for user 7 skipped; will retry in 60s")

# 2. exception chaining: handler fails too (During handling of the above exception ...)
try:
    try:
        load_scopes(conn, 21)
    except psycopg2.errors.UndefinedColumn:
        with conn.cursor() as cur:
            cur.execute("SELECT scopes FROM oauth_token_scopes WHERE user_id = %s", (21,))
except Exception:
    log.exception("fallback scope lookup failed for user %s", 21)

# 3. explicit 'raise ... from' chain (The above exception was the direct cause ...)
class TokenStoreError(RuntimeError):
    pass


try:
    try:
        load_scopes(conn, 33)
    except psycopg2.Error as e:
        raise TokenStoreError("could not read token row for user 33") from e
except TokenStoreError:
    log.exception("token refresh aborted")

# 4. SQLAlchemy ORM: ProgrammingError chained from UndefinedColumn
engine = create_engine(f"postgresql+psycopg2://{U}:{PW}@{H}:{P}/{DB}", pool_pre_ping=True)
with Session(engine) as s:
    try:
        s.execute(select(UserOAuthToken).where(UserOAuthToken.user_id == 7)).scalars().all()
    except Exception:
        log.exception("failed to load oauth token scopes for user %s", 7)
    s.rollback()
    try:
        s.execute(select(SyncJob).where(SyncJob.user_id == 7)).scalars().all()
    except Exception:
        dblog.exception("could not read pending sync jobs")
    s.rollback()
    try:
        s.execute(text("SELECT count(*) FROM billing.invoices")).scalar()
    except sqlalchemy.exc.ProgrammingError as e:
        dblog.error("billing export skipped: %s", e.orig.pgerror.strip().splitlines()[0])
    s.rollback()
    rows = s.execute(text("SELECT id, email FROM users ORDER BY id LIMIT 5")).all()
    applog.info("orm session ok, fetched %d rows", len(rows))

# 5. statement timeout -> QueryCanceled
try:
    with conn.cursor() as cur:
        cur.execute("SET statement_timeout = '250ms'")
        cur.execute("SELECT pg_sleep(2)")
except Exception:
    dblog.exception("calendar backfill query failed")
with conn.cursor() as cur:
    cur.execute("SET statement_timeout = 0")

# 6. unique violation (other_error)
try:
    with conn.cursor() as cur:
        cur.execute("INSERT INTO users (id, email) VALUES (1, 'user1@example.test')")
except psycopg2.errors.UniqueViolation:
    dblog.exception("could not create user")

# 7. connection refused: closed local port, with a retry loop
for attempt in (1, 2, 3):
    try:
        psycopg2.connect(host="127.0.0.1", port=CLOSED, user=U, password=PW, dbname=DB, connect_timeout=2)
        break
    except psycopg2.OperationalError as e:
        if attempt < 3:
            dblog.warning("replica connection attempt %d failed, retrying in 0.2s: %s", attempt, str(e).strip())
            time.sleep(0.2)
        else:
            dblog.exception("giving up on read replica 127.0.0.1:%d", CLOSED)

# 8. SQLAlchemy connection refused (OperationalError with background link)
bad = create_engine(f"postgresql+psycopg2://{U}:{PW}@127.0.0.1:{CLOSED}/{DB}")
try:
    with bad.connect() as c:
        c.execute(text("SELECT 1"))
except Exception:
    dblog.exception("replica engine unavailable")

# 9. password authentication failure
try:
    psycopg2.connect(host=H, port=P, user=U, password="rotated-wrong-password", dbname=DB)
except psycopg2.OperationalError as e:
    dblog.error("database login failed: %s", str(e).strip())
try:
    psycopg2.connect(host=H, port=P, user=U, password="rotated-wrong-password", dbname=DB)
except psycopg2.OperationalError:
    dblog.exception("could not open connection pool")

# 10. missing database
try:
    psycopg2.connect(host=H, port=P, user=U, password=PW, dbname="calsync_archive")
except psycopg2.OperationalError:
    dblog.exception("archive database unavailable")

# normal traffic
with conn.cursor() as cur:
    for uid in range(1, 9):
        cur.execute("SELECT id, provider, expires_at FROM user_oauth_tokens WHERE user_id = %s", (uid,))
        cur.fetchall()
        applog.info("synced calendars for user %d: 3 calendars, 0 errors", uid)
applog.info("sync pass finished: users=8 failed=3 duration_ms=412")
conn.close()
applog.info("calendar-sync worker stopped")
