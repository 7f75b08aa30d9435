#!/usr/bin/env bash
# `make lighthouse`: Lighthouse (mobile) over the portal's pages, in Chinese and in English, on a local
# server of its own (the embedded default: SQLite, a file cache and broker, all under var/lighthouse/,
# seeded with a small demo); prints each category's score and fails when one is below the minimum.
#   LIGHTHOUSE_MIN=95        the lowest score accepted in every category
#   LIGHTHOUSE_LANGUAGES="zh-hans en"
#   LIGHTHOUSE_RUNS=3        runs per page; the median run (by performance) is the page's score
#   LIGHTHOUSE_PORT=8791
# Full reports (HTML and JSON) are kept in var/lighthouse/reports/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
PY=$root/.venv/bin/python
LIGHTHOUSE=$root/node_modules/.bin/lighthouse
MIN=${LIGHTHOUSE_MIN:-95}
PORT=${LIGHTHOUSE_PORT:-8791}
LANGUAGES=${LIGHTHOUSE_LANGUAGES:-"zh-hans en"}
RUNS=${LIGHTHOUSE_RUNS:-3}
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}

[ -x "$LIGHTHOUSE" ] || { echo "Lighthouse is not installed: run make install (npm ci)." >&2; exit 2; }
[ -x "$CHROME_PATH" ] || { echo "Chromium not found at $CHROME_PATH: make system-packages-test installs it." >&2; exit 2; }

# A server of its own: never this machine's PostgreSQL, Redis or the development database.
work=$root/var/lighthouse
rm -rf "$work"
mkdir -p "$work/reports"
unset DATABASE_URL REDIS_URL CELERY_BROKER_URL CELERY_RESULT_BACKEND
export CHEHUI_VAR_DIR=$work DJANGO_SETTINGS_MODULE=config.settings.local DJANGO_DEBUG=false
export CHEHUI_DEMO_TOOLS=false  # the page as in production: no demo buttons
# DEBUG off, so the encryption and hash keys are required (docs/privacy-encryption.md): keys of this
# run's database only, which is made anew each run.
: "${CHEHUI_FIELD_KEYS:=$($PY -c 'import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())')}"
: "${CHEHUI_HASH_KEY:=$($PY -c 'import secrets; print(secrets.token_hex(32))')}"
export CHEHUI_FIELD_KEYS CHEHUI_HASH_KEY
$PY manage.py migrate --noinput >"$work/migrate.log"
$PY manage.py collectstatic --noinput >"$work/collectstatic.log"
$PY manage.py seed_demo --complaints 40 --seed 7 >"$work/seed.log"

# The demo requester's session cookie and one of their submitted tickets, for the pages behind sign-in.
session=$($PY manage.py shell -c '
from django.conf import settings
from django.test import Client
from apps.accounts.models import User
from apps.core.crypto.hashing import lookup_hashes
from apps.core.demo.seed import DEMO_REQUESTER_PHONE
from apps.tickets.models import TicketStatus, WithdrawalTicket
requester = User.objects.get(phone_hash__in=lookup_hashes("phone", DEMO_REQUESTER_PHONE.replace(" ", "")))
ticket = WithdrawalTicket.objects.filter(requester=requester).exclude(status=TicketStatus.DRAFT).order_by("-pk").first()
client = Client()
client.force_login(requester)
print("signed-in:", f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}", ticket.reference)
' 2>"$work/session.log" | grep '^signed-in: ')
read -r _ cookie reference <<<"$session"

$PY manage.py runserver "127.0.0.1:$PORT" --noreload --insecure >"$work/server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
    curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" 2>/dev/null && break
    sleep 0.5
done

# The cookie must sign in: a page behind sign-in measured as the sign-in form would prove nothing.
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "http://127.0.0.1:$PORT/tickets/$reference/")
[ "$code" = 200 ] || { echo "The demo requester's cookie did not open their ticket (HTTP $code)." >&2; exit 1; }

# name  path  signed-in?
pages=(
    "home / no"
    "sign-in /account/sign-in/ no"
    "cool-off /cancel/ yes"
    "my-tickets /tickets/ yes"
    "ticket /tickets/$reference/ yes"
)
# One page once, with up to three attempts: Chromium now and then loses a page load's trace (NO_NAVSTART).
measure() {  # url headers output-path
    for _ in 1 2 3; do
        "$LIGHTHOUSE" "$1" --quiet --form-factor=mobile \
            --chrome-flags="--headless --no-sandbox --disable-gpu" \
            --extra-headers="$2" --output=json --output=html --output-path="$3" >"$3.log" 2>&1 && return 0
    done
    return 1
}

status=0
echo "Median of $RUNS runs per page (the performance score varies with the machine's load):"
printf '%-22s %12s %14s %15s %6s\n' page performance accessibility best-practices seo
for language in $LANGUAGES; do
    for entry in "${pages[@]}"; do
        read -r name path signed_in <<<"$entry"
        headers="{\"Accept-Language\": \"$language\"}"
        [ "$signed_in" = yes ] && headers="{\"Accept-Language\": \"$language\", \"Cookie\": \"$cookie\"}"
        reports=()
        for run in $(seq 1 "$RUNS"); do
            report=$work/reports/$name-$language-$run
            if measure "http://127.0.0.1:$PORT$path" "$headers" "$report"; then
                reports+=("$report.report.json")
            else
                echo "Lighthouse failed on $path: see $report.log" >&2
            fi
        done
        [ ${#reports[@]} -gt 0 ] || { status=1; continue; }
        node -e '
const [label, min, ...files] = process.argv.slice(1);
const ids = ["performance", "accessibility", "best-practices", "seo"];
const runs = files.map((file) => require(file));
// The median run by performance (the other categories do not vary from run to run).
runs.sort((a, b) => a.categories.performance.score - b.categories.performance.score);
const lhr = runs[Math.floor((runs.length - 1) / 2)];
const scores = ids.map((id) => Math.round(lhr.categories[id].score * 100));
console.log(label.padEnd(22) + scores.map((s, i) => String(s).padStart([12, 14, 15, 6][i])).join(" ")
  + (runs.length > 1 ? `   (performance ${runs.map((r) => Math.round(r.categories.performance.score * 100)).join(", ")})` : ""));
let low = false;
for (const id of ids) {
  if (Math.round(lhr.categories[id].score * 100) >= Number(min)) continue;
  low = true;
  for (const ref of lhr.categories[id].auditRefs) {
    const audit = lhr.audits[ref.id];
    if (ref.weight > 0 && audit.score !== null && audit.score < 0.9) {
      console.log(`    ${id}: ${ref.id} (${audit.score}) ${audit.displayValue || ""}`);
    }
  }
}
process.exit(low ? 1 : 0);
' "$name ($language)" "$MIN" "${reports[@]}" || status=1
    done
done
[ "$status" -eq 0 ] && echo "Every category at $MIN or more." || echo "Below $MIN somewhere (reports in $work/reports/)." >&2
exit "$status"
