#!/usr/bin/env bash
# Install the Debian packages a target needs when they are missing; shared by the Makefile and .ci/run.
#   scripts/system-packages.sh run    libmagic (evidence checks), gettext (the translations) and the
#                                     PostgreSQL client tools (pg_dump/pg_restore for `manage.py backup`)
#   scripts/system-packages.sh test   the same, plus Debian's Chromium and CJK fonts for the browser
#                                     tests, docker-compose, whose file a test validates, and
#                                     PgBouncer for the two-machine test
# Nothing is done when everything is present, so it costs a few dpkg look-ups on a set-up machine.
set -euo pipefail

target="${1:-run}"
# Installed, not merely known: a removed package keeps a "deinstall ... config-files" record.
installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]; }
need=()
installed libmagic1 || need+=(libmagic1)
command -v msgfmt >/dev/null 2>&1 || need+=(gettext)
{ command -v pg_dump && command -v pg_restore; } >/dev/null 2>&1 || need+=(postgresql-client)
if [ "$target" = "test" ]; then
    # npm (with Node.js) installs the browser checks' packages from package-lock.json (axe-core, Lighthouse).
    command -v npm >/dev/null 2>&1 || need+=(npm)
    # Playwright drives Debian's Chromium (a browser download does not work offline).
    [ -x /usr/bin/chromium ] || need+=(chromium)
    installed fonts-wqy-microhei || need+=(fonts-wqy-microhei)
    command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)
    # The two-machine test puts a real PgBouncer (transaction mode) between the app and PostgreSQL.
    [ -x /usr/sbin/pgbouncer ] || need+=(pgbouncer)
fi
[ ${#need[@]} -eq 0 ] && exit 0

echo "Installing Debian packages: ${need[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo_cmd=(sudo -n)
    else
        echo "Missing Debian packages: ${need[*]}. Install them as root: apt-get install ${need[*]}" >&2
        exit 1
    fi
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
