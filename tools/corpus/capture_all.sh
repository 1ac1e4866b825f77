#!/usr/bin/env bash
# Regenerate every real-program log under Tests/Fixtures/real/ (Debian 12, as root).
#   tools/corpus/capture_all.sh            # capture (tools must already be installed)
#   tools/corpus/capture_all.sh --install  # apt-get/pip install the tools first
# All servers bind 127.0.0.1 on free ports and are stopped by PID at the end of
# each script. Afterwards the *.labels.tsv files must be re-reviewed: line
# numbers, ports, PIDs and timestamps change on every run. draft_labels.py
# prints a first draft to start that review from.
set -euo pipefail
cd "$(dirname "$0")"
if [ "${1:-}" = "--install" ]; then
  apt-get update
  apt-get install -y postgresql-15 nginx openssh-server openssh-client sshpass rsyslog golang-go openjdk-17-jdk-headless curl openssl
  pip install psycopg2-binary sqlalchemy requests urllib3 oauthlib requests-oauthlib google-auth google-api-python-client
fi
bash postgresql.sh        # postgresql.log + python_psycopg2.log (app runs while the server is up)
OUT="$(cd ../.. && pwd)/Tests/Fixtures/real"
python3 python_oauth.py "$OUT/python_oauth.log"; echo "python_oauth.log: $(wc -l <"$OUT/python_oauth.log") lines"
python3 python_requests.py "$OUT/python_requests.log"; echo "python_requests.log: $(wc -l <"$OUT/python_requests.log") lines"
bash nginx.sh
bash sshd.sh
bash java.sh
bash go.sh
