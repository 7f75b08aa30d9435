#!/usr/bin/env bash
# `make run`: the web server with a Celery worker and beat alongside; Ctrl-C stops all of them.
# The worker (with its embedded beat) is restarted when it exits, after a back-off that doubles
# up to 30 s and starts again at 1 s once it has run for a minute; the web server is not (it
# reloads itself, and its exit ends the whole run).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
mkdir -p var

trap 'trap - INT TERM EXIT; kill 0 2>/dev/null; wait' INT TERM EXIT

# Run "$@" again whenever it exits, until this script is stopped.
supervise() {
    local name=$1 wait=1 started status
    shift
    while true; do
        started=$SECONDS
        status=0
        "$@" || status=$?
        if (( SECONDS - started >= 60 )); then wait=1; fi
        echo "run-dev: $name exited (status $status); restarting in ${wait}s" >&2
        sleep "$wait"
        wait=$(( wait * 2 > 30 ? 30 : wait * 2 ))
    done
}

supervise "celery worker" .venv/bin/celery -A config.celery_app worker --beat --loglevel=INFO --concurrency=2 &
if [ -f var/demo-credentials.txt ]; then
    echo "Demo logins (also in var/demo-credentials.txt):"
    cat var/demo-credentials.txt
fi
echo "Chehui: http://127.0.0.1:8000/admin/  (Ctrl-C stops the web server, the worker and beat)"
$PY manage.py runserver 127.0.0.1:8000 &
wait -n
