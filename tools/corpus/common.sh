# Shared helpers for the corpus capture scripts (sourced, not executed).
# All traffic stays on 127.0.0.1.
set -euo pipefail
CORPUS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$CORPUS_DIR/../.." && pwd)"
OUT_DIR="${OUT_DIR:-$REPO_DIR/Tests/Fixtures/real}"
mkdir -p "$OUT_DIR"

# free_port: print a TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
  python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1]);s.close()'
}

# wait_port PORT [TRIES]: wait until something listens on 127.0.0.1:PORT
# (checks /proc/net/tcp, so it never opens a connection that would show up in a log).
wait_port() {
  local port=$1 tries=${2:-100} hex
  hex=$(printf '%04X' "$port")
  for _ in $(seq "$tries"); do
    if awk -v p=":$hex" '$2 ~ p"$" && $4=="0A"' /proc/net/tcp | grep -q .; then return 0; fi
    sleep 0.1
  done
  echo "port $port never opened" >&2; return 1
}

# start_backend PORT LOGFILE: the shared local test backend (backend.py)
start_backend() {
  python3 "$CORPUS_DIR/backend.py" "$1" >"$2" 2>&1 &
  echo $!
}
