"""`make lighthouse` in the suite: the portal's pages at 95 or more in every Lighthouse category.

The script (scripts/lighthouse.sh) starts a server of its own on the embedded default (SQLite, a
file broker) with production-like settings, signs the demo requester in, and runs Lighthouse
(mobile) in Debian's Chromium over each page in Chinese and English. Run here once per page, so
that a change that breaks the script or the score fails `make test`, not a release.
"""

import os
import socket
import subprocess
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_every_portal_page_scores_95_or_more_in_every_category():
    env = {**os.environ, "LIGHTHOUSE_RUNS": "1", "LIGHTHOUSE_PORT": str(_free_port())}
    result = subprocess.run(
        ["bash", "scripts/lighthouse.sh"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900, check=False,
    )
    report = result.stdout + result.stderr
    assert result.returncode == 0, report[-4000:]
    assert "Every category at 95 or more." in result.stdout, report[-4000:]
    pages = [line for line in result.stdout.splitlines() if line.startswith(("home", "ticket", "my-tickets"))]
    assert len(pages) == 6, result.stdout  # three of the pages, in both languages
