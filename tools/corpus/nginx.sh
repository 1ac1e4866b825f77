#!/usr/bin/env bash
# Capture real nginx access/error logs: nginx on 127.0.0.1 proxying to the local
# backend.py (200/5xx/slow/close), a closed port, basic auth and limit_req zones.
# Output: $OUT_DIR/nginx_access.log, $OUT_DIR/nginx_error.log
# Needs: nginx (Debian), curl, python3, openssl. Run as root.
source "$(dirname "$0")/common.sh"
TMP=$(mktemp -d /tmp/corpus-nginx.XXXXXX)
chmod 755 "$TMP"
PORT=$(free_port); BPORT=$(free_port); CLOSED=$(free_port)
mkdir -p "$TMP/html/static" "$TMP/html/admin" "$TMP/tmp"
echo '<!doctype html><title>calsync</title><h1>calendar sync</h1>' >"$TMP/html/index.html"
head -c 20000 /dev/zero | tr '\0' 'x' >"$TMP/html/static/app.js"
echo 'body{font-family:sans-serif}' >"$TMP/html/static/app.css"
echo 'admin' >"$TMP/html/admin/index.html"
printf 'ops:%s\n' "$(openssl passwd -apr1 'fake-admin-password')" >"$TMP/htpasswd"
chmod 644 "$TMP/htpasswd"

cat >"$TMP/nginx.conf" <<CONF
worker_processes 1;
pid $TMP/nginx.pid;
error_log $TMP/error.log notice;
events { worker_connections 64; }
http {
    include /etc/nginx/mime.types;
    access_log $TMP/access.log combined;
    client_body_temp_path $TMP/tmp/body;
    proxy_temp_path $TMP/tmp/proxy;
    fastcgi_temp_path $TMP/tmp/fcgi;
    uwsgi_temp_path $TMP/tmp/uwsgi;
    scgi_temp_path $TMP/tmp/scgi;
    log_not_found off;
    limit_req_zone \$binary_remote_addr zone=api:1m rate=2r/s;
    limit_req_zone \$binary_remote_addr zone=login:1m rate=1r/s;
    server {
        listen 127.0.0.1:$PORT;
        server_name calsync.example.test;
        root $TMP/html;
        location / { try_files \$uri \$uri/ =404; }
        location /api/ {
            proxy_pass http://127.0.0.1:$BPORT;
            proxy_connect_timeout 2s;
            proxy_read_timeout 1s;
        }
        location /api/search {
            limit_req zone=api burst=2 nodelay;
            limit_req_status 429;
            proxy_pass http://127.0.0.1:$BPORT;
        }
        location /login {
            limit_req zone=login nodelay;
            limit_req_log_level warn;
            proxy_pass http://127.0.0.1:$BPORT;
        }
        location /legacy/ { proxy_pass http://127.0.0.1:$CLOSED; }
        location /status/ { proxy_pass http://127.0.0.1:$BPORT; }
        location /close { proxy_pass http://127.0.0.1:$BPORT; }
        location /admin/ {
            auth_basic "calsync admin";
            auth_basic_user_file $TMP/htpasswd;
        }
    }
}
CONF

BPID=$(start_backend "$BPORT" "$TMP/backend.out")
wait_port "$BPORT"
nginx -p "$TMP/" -e "$TMP/error.log" -c "$TMP/nginx.conf" -g 'daemon off;' &
NPID=$!
wait_port "$PORT"
U="http://127.0.0.1:$PORT"
UAS=("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
     "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15"
     "calsync-worker/2.4.1 python-requests/2.32.3"
     "kube-probe/1.29"
     "curl/7.88.1")
req() { # req PATH [extra curl args...]
  local p=$1; shift
  curl -s -o /dev/null -A "${UAS[$((RANDOM % ${#UAS[@]}))]}" -e "$U/" "$@" "$U$p" || true
}
normal_burst() {
  for p in / /static/app.js /static/app.css /api/calendars /api/events?page=1 /api/events?page=2 /favicon.ico /robots.txt /api/me; do
    req "$p"; sleep 0.05
  done
  req /static/app.js -z "$TMP/html/static/app.js"     # 304
  req /static/app.css -z "$TMP/html/static/app.css"   # 304
}
normal_burst
req /legacy/sync                                  # 502 connect() failed (111: Connection refused)
req /legacy/v1/calendars -X POST -d '{}'          # 502
normal_burst
req "/api/slow?s=3"                               # 504 upstream timed out (110: Connection timed out)
req "/api/slow?s=3"
req /status/500; req /status/502; req /status/503; req /status/500
req /close                                        # 502 upstream prematurely closed connection
normal_burst
req /admin/                                       # 401, no credentials
req /admin/ -u ops:wrong-password                 # 401, password mismatch
req /admin/ -u mallory:guess                      # 401, user not found
req /admin/ -u ops:fake-admin-password            # 200
for _ in $(seq 8); do req "/api/search?q=standup"; done     # 429 + limiting requests
for _ in $(seq 4); do req /login -X POST -d 'u=a'; done     # 503 (default limit_req_status), warn level
normal_burst
sleep 1.2
for _ in $(seq 3); do req "/api/search?q=retro"; sleep 0.6; done
req /wp-login.php; req /.env; req /api/events?page=3
normal_burst
req "/api/slow?s=3"
normal_burst
req /status/503; req /legacy/sync
normal_burst
kill -QUIT "$NPID"; wait "$NPID" || true
kill "$BPID"; wait "$BPID" 2>/dev/null || true
cp "$TMP/access.log" "$OUT_DIR/nginx_access.log"
cp "$TMP/error.log" "$OUT_DIR/nginx_error.log"
echo "nginx_access.log: $(wc -l <"$OUT_DIR/nginx_access.log") lines, nginx_error.log: $(wc -l <"$OUT_DIR/nginx_error.log") lines ($(nginx -v 2>&1))"
rm -rf "$TMP"
