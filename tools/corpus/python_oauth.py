#!/usr/bin/env python3
"""Real oauthlib / requests-oauthlib / google-auth errors against a tiny OAuth
token endpoint + fake calendar API served by this script on 127.0.0.1.
All tokens/secrets are obviously fake. Usage: python_oauth.py OUTPUT.log
"""
import json
import logging
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import google.auth
import google.auth.exceptions
import google.auth.transport.requests
import google.oauth2.credentials
import oauthlib
import requests
import requests_oauthlib
from requests_oauthlib import OAuth2Session

out = sys.argv[1]
logging.basicConfig(filename=out, filemode="w", level=logging.INFO,
                    format="%(asctime)s %(levelname)s [%(name)s] %(message)s")
# google-auth stops propagating its 'google' logger unless the app configured it
logging.getLogger("google").setLevel(logging.INFO)
log = logging.getLogger("calsync.oauth")
api = logging.getLogger("calsync.google")

CAL_RO = "https://www.googleapis.com/auth/calendar.readonly"
CAL = "https://www.googleapis.com/auth/calendar"
EMAIL = "https://www.googleapis.com/auth/userinfo.email"


class TokenServer(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _json(self, code, body, headers=None):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        n = int(self.headers.get("Content-Length", 0))
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(n).decode()).items()}
        if not self.path.startswith("/token"):
            return self.do_GET()
        rt = form.get("refresh_token", "")
        scope = form.get("scope", f"{CAL} {EMAIL}")
        if form.get("client_id") == "unknown-client.apps.example.test":
            return self._json(401, {"error": "invalid_client", "error_description": "The OAuth client was not found."})
        if rt.startswith("1//FAKE-REVOKED"):
            return self._json(400, {"error": "invalid_grant", "error_description": "Token has been expired or revoked."})
        if "admin.directory" in scope:
            return self._json(400, {"error": "invalid_scope", "error_description": "Some requested scopes were invalid. {invalid=[https://www.googleapis.com/auth/admin.directory.user]}"})
        granted = scope
        if rt.startswith("1//FAKE-NARROW"):
            granted = CAL_RO  # user unticked the read/write checkbox on the consent screen
        token = "ya29.FAKE-NARROW-TOKEN" if granted == CAL_RO else "ya29.FAKE-ACCESS-TOKEN"
        return self._json(200, {"access_token": token, "expires_in": 3599, "scope": granted, "token_type": "Bearer"})

    def do_GET(self):
        auth = self.headers.get("Authorization", "")
        if "FAKE-NARROW" in auth and urlparse(self.path).path.endswith("/events"):
            return self._json(403, {"error": {"code": 403, "message": "Request had insufficient authentication scopes.",
                                              "errors": [{"message": "Insufficient Permission", "domain": "global", "reason": "insufficientPermissions"}],
                                              "status": "PERMISSION_DENIED",
                                              "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
                                                           "domain": "googleapis.com", "metadata": {"service": "calendar-json.googleapis.com", "method": "calendar.v3.Events.Insert"}}]}},
                              {"WWW-Authenticate": f'Bearer realm="https://accounts.google.com/", error="insufficient_scope", scope="{CAL}"'})
        if "FAKE-EXPIRED" in auth:
            return self._json(401, {"error": {"code": 401, "message": "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.",
                                              "status": "UNAUTHENTICATED"}},
                              {"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/", error="invalid_token"'})
        return self._json(200, {"kind": "calendar#calendarList", "items": [{"id": "primary"}]})

    def log_message(self, *a):
        pass


srv = ThreadingHTTPServer(("127.0.0.1", 0), TokenServer)
threading.Thread(target=srv.serve_forever, daemon=True).start()
BASE = f"http://127.0.0.1:{srv.server_address[1]}"
TOKEN_URL = BASE + "/token"
API = BASE + "/calendar/v3"
CID, CSECRET = "1234-fake.apps.example.test", "FAKE-client-secret"

log.info("oauth client starting (oauthlib %s, requests-oauthlib %s, google-auth %s)",
         oauthlib.__version__, requests_oauthlib.__version__, google.auth.__version__)

# 0. oauthlib refuses plain http until OAUTHLIB_INSECURE_TRANSPORT is set
try:
    OAuth2Session(CID, scope=[CAL, EMAIL]).refresh_token(TOKEN_URL, refresh_token="1//FAKE-OK-1", client_id=CID, client_secret=CSECRET)
except Exception:
    log.exception("token refresh failed for user %s", 1)
os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"
log.info("OAUTHLIB_INSECURE_TRANSPORT enabled for local token endpoint %s", TOKEN_URL)

# 1. a successful refresh
s = OAuth2Session(CID, scope=[CAL, EMAIL])
tok = s.refresh_token(TOKEN_URL, refresh_token="1//FAKE-OK-2", client_id=CID, client_secret=CSECRET)
log.info("refreshed token for user %s expires_in=%s scope=%s", 2, tok["expires_in"], tok["scope"])
r = s.get(API + "/users/me/calendarList")
api.info("GET calendarList user=%s status=%s", 2, r.status_code)

# 2. invalid_grant (revoked refresh token)
for uid in (3, 4):
    try:
        OAuth2Session(CID, scope=[CAL, EMAIL]).refresh_token(
            TOKEN_URL, refresh_token=f"1//FAKE-REVOKED-{uid}", client_id=CID, client_secret=CSECRET)
    except Exception:
        log.exception("token refresh failed for user %s", uid)
try:
    OAuth2Session(CID, scope=[CAL]).refresh_token(TOKEN_URL, refresh_token="1//FAKE-REVOKED-5", client_id=CID, client_secret=CSECRET)
except Exception as e:
    log.warning("user %s must re-consent: %s", 5, e)

# 3. invalid_scope
try:
    OAuth2Session(CID, scope=[CAL, "https://www.googleapis.com/auth/admin.directory.user"]).refresh_token(
        TOKEN_URL, refresh_token="1//FAKE-OK-6", client_id=CID, client_secret=CSECRET)
except Exception:
    log.exception("token refresh failed for user %s", 6)

# 4. Scope has changed (server granted fewer scopes than requested)
try:
    OAuth2Session(CID, scope=[CAL, EMAIL]).refresh_token(TOKEN_URL, refresh_token="1//FAKE-NARROW-7", client_id=CID, client_secret=CSECRET)
except Warning as w:
    log.warning("token refresh for user %s: %s", 7, w)
try:
    OAuth2Session(CID, scope=[CAL, EMAIL]).refresh_token(TOKEN_URL, refresh_token="1//FAKE-NARROW-8", client_id=CID, client_secret=CSECRET)
except Warning:
    log.exception("token refresh failed for user %s", 8)

# 5. insufficient_scope from the (fake) calendar API
narrow = OAuth2Session(CID, token={"access_token": "ya29.FAKE-NARROW-TOKEN", "token_type": "Bearer"})
r = narrow.get(API + "/users/me/calendarList")
api.info("GET calendarList user=%s status=%s", 7, r.status_code)
r = narrow.post(API + "/calendars/primary/events", json={"summary": "standup"})
api.warning("POST events user=%s status=%s www-authenticate=%s", 7, r.status_code, r.headers.get("WWW-Authenticate"))
api.error("could not create event for user %s: status=%s %s", 7, r.status_code, r.json()["error"]["message"])

# 5b. the same through google-api-python-client (static discovery doc, endpoint pointed at 127.0.0.1)
from googleapiclient.discovery import build  # noqa: E402
from googleapiclient.errors import HttpError  # noqa: E402

gc = google.oauth2.credentials.Credentials(token="ya29.FAKE-NARROW-TOKEN")
svc = build("calendar", "v3", credentials=gc, static_discovery=True, cache_discovery=False,
            client_options={"api_endpoint": BASE + "/calendar/v3/"})
svc.calendarList().list().execute()
api.info("calendarList via googleapiclient user=%s ok", 7)
try:
    svc.events().insert(calendarId="primary", body={"summary": "standup"}).execute()
except HttpError:
    api.exception("could not create event for user %s", 7)

# 6. 401 invalid_token from the API
expired = OAuth2Session(CID, token={"access_token": "ya29.FAKE-EXPIRED-TOKEN", "token_type": "Bearer"})
r = expired.get(API + "/users/me/calendarList")
api.error("GET calendarList user=%s status=%s body=%s", 9, r.status_code, r.text)
try:
    r.raise_for_status()
except requests.HTTPError as e:
    api.error("calendar sync failed for user %s: %s", 9, e)

# 7. oauthlib TokenExpiredError (expired token, no auto-refresh configured)
try:
    OAuth2Session(CID, token={"access_token": "ya29.FAKE-OLD", "token_type": "Bearer", "expires_in": -30}).get(API + "/users/me/calendarList")
except Exception:
    api.exception("calendar list failed for user %s", 10)

# 8. invalid_client
try:
    OAuth2Session("unknown-client.apps.example.test", scope=[CAL]).refresh_token(
        TOKEN_URL, refresh_token="1//FAKE-OK-11", client_id="unknown-client.apps.example.test", client_secret="nope")
except Exception:
    log.exception("token refresh failed for user %s", 11)

# 9. google-auth
req = google.auth.transport.requests.Request()


def gcreds(rt, scopes=(CAL, EMAIL)):
    return google.oauth2.credentials.Credentials(token=None, refresh_token=rt, token_uri=TOKEN_URL,
                                                 client_id=CID, client_secret=CSECRET, scopes=list(scopes))


c = gcreds("1//FAKE-OK-12")
c.refresh(req)
log.info("google-auth refreshed credentials for user %s valid=%s scopes=%s", 12, c.valid, " ".join(c.scopes))
for uid, rt, scopes in ((13, "1//FAKE-REVOKED-13", (CAL, EMAIL)),
                        (14, "1//FAKE-OK-14", (CAL, "https://www.googleapis.com/auth/admin.directory.user")),
                        (15, "1//FAKE-NARROW-15", (CAL, EMAIL))):
    try:
        c = gcreds(rt, scopes)
        c.refresh(req)
        log.info("google-auth refreshed credentials for user %s granted=%s", uid, " ".join(c.granted_scopes or []))
    except google.auth.exceptions.RefreshError:
        log.exception("google credentials refresh failed for user %s", uid)
try:
    gcreds("1//FAKE-REVOKED-16").refresh(req)
except google.auth.exceptions.RefreshError as e:
    log.error("disabling sync for user %s: %s", 16, e)

for uid in range(17, 23):
    c = gcreds(f"1//FAKE-OK-{uid}")
    c.refresh(req)
    log.info("refreshed token for user %s expires_in=3599 granted=%s", uid, " ".join(c.granted_scopes or []))
log.info("oauth client finished")
srv.shutdown()
