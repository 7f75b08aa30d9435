#!/usr/bin/env bash
# `make run`: the web server with a Celery worker and beat alongside; Ctrl-C stops all of them.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
mkdir -p var

trap 'trap - INT TERM EXIT; kill 0 2>/dev/null; wait' INT TERM EXIT

.venv/bin/celery -A config.celery_app worker --beat --loglevel=INFO --concurrency=2 &
if [ -f var/demo-credentials.txt ]; then
    echo "Demo logins (also in var/demo-credentials.txt):"
    cat var/demo-credentials.txt
fi
echo "Chehui: http://127.0.0.1:8000/admin/  (Ctrl-C stops the web server, the worker and beat)"
$PY manage.py runserver 127.0.0.1:8000 &
wait -n
