#!/usr/bin/env bash
# Start dutydesk as `make run` does: the web server and, beside it, the scheduler process.
set -euo pipefail
cd "$(dirname "$0")/.."
export FLASK_APP=dutydesk
.venv/bin/flask scheduler &
scheduler=$!
trap 'kill "$scheduler" 2>/dev/null || true' EXIT INT TERM
echo "dutydesk: http://127.0.0.1:${PORT:-5000} (sign in as handler, worker, manager, senior, director or admin; password dutydesk-demo)"
.venv/bin/flask run --host 127.0.0.1 --port "${PORT:-5000}"
