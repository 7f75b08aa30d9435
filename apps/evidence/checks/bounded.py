"""Run the evidence checks in a child process with hard limits on time and memory.

Why a child process and not a Celery quarantine: the requester is waiting at the upload form and
the answer must be synchronous (accepted, or refused with a reason to act on), and one short-lived
process per upload needs no broker, no quarantine state and no polling. The check is bounded the
way only an operating system can bound C code (qpdf, libmagic, zlib): RLIMIT_AS for memory,
RLIMIT_CPU for processor time, and a wall-clock timeout (twice that) after which the parent kills
it. The child runs at a lower scheduling priority, so a burst of uploads slows itself, not the
API's other requests.

Why `python -m` and not fork or multiprocessing: a gunicorn gthread worker has threads and open
PostgreSQL connections; a bare fork would copy them (and any lock a thread holds), and
multiprocessing's spawn re-imports the parent's __main__ (gunicorn, pytest). A fresh interpreter
that imports only the pure checks (no Django) shares nothing with the web worker. `subprocess`
starts it without a preexec_fn, which is what keeps it safe from a threaded parent; the child sets
its own limits before it reads a byte of the upload.
"""

import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from apps.evidence.checks.base import CheckLimits, EvidenceRefused, Refusal, Sniffed

logger = logging.getLogger(__name__)

WORKER_MODULE = "apps.evidence.checks.worker"
PROJECT_ROOT = Path(__file__).resolve().parents[3]
# What the child inherits from the environment: enough to find programs and libmagic's database,
# none of the web worker's settings or secrets.
PASSED_ENVIRONMENT = ("PATH", "LANG", "LC_ALL", "MAGIC", "TMPDIR")
# The policy's seconds bound the child's own processor time (RLIMIT_CPU): a file is refused for
# what it costs to check, not for how busy the server is. The clock on the wall, which also counts
# the time the child waits for a core, is a backstop at this multiple of it.
WALL_CLOCK_SLACK = 2


@dataclass(frozen=True)
class ChildVerdict:
    """What the child decided, and what deciding cost (peak memory as the child saw it)."""

    sniffed: Sniffed | None
    refused: EvidenceRefused | None
    seconds: float
    peak_rss_bytes: int | None


def sniff_in_child(
    path: str | Path, *, allowed_mime_types: Collection[str], limits: CheckLimits
) -> ChildVerdict:
    """Run `evidence_sniff` on the file in a fresh, resource-limited interpreter."""
    request = {
        "path": str(Path(path).resolve()),
        "allowed_mime_types": sorted(allowed_mime_types),
        "limits": {
            "max_pdf_pages": limits.max_pdf_pages,
            "max_pdf_objects": limits.max_pdf_objects,
            "seconds": limits.seconds,
            "memory_bytes": limits.memory_bytes,
        },
    }
    environment = {key: os.environ[key] for key in PASSED_ENVIRONMENT if key in os.environ}
    started = time.monotonic()
    try:
        completed = subprocess.run(  # noqa: S603 - our own interpreter and module, no shell
            [sys.executable, "-E", "-s", "-m", WORKER_MODULE],
            input=json.dumps(request).encode(),
            capture_output=True,
            timeout=limits.seconds * WALL_CLOCK_SLACK,
            cwd=PROJECT_ROOT,
            env=environment,
            check=False,
        )
    except subprocess.TimeoutExpired:  # run() has killed and reaped the child
        elapsed = time.monotonic() - started
        refused = EvidenceRefused(Refusal.TOO_COMPLEX, f"over {limits.seconds} s")
        return ChildVerdict(None, refused, elapsed, None)
    elapsed = time.monotonic() - started
    try:
        answer = json.loads(completed.stdout.decode().strip().splitlines()[-1])
    except (IndexError, ValueError, UnicodeDecodeError):
        errors = completed.stderr.decode(errors="replace")[-300:]
        detail = f"child ended with {completed.returncode}: {errors}"
        if completed.returncode >= 0:  # not killed by a limit's signal: a fault of ours, worth a look
            logger.warning("evidence check failed: %s", detail)
        return ChildVerdict(None, EvidenceRefused(Refusal.TOO_COMPLEX, detail), elapsed, None)
    peak = answer.get("peak_rss_bytes")
    if "refused" in answer:
        refused = EvidenceRefused(Refusal(answer["refused"]), answer.get("detail", ""))
        return ChildVerdict(None, refused, elapsed, peak)
    sniffed = Sniffed(mime_type=answer["mime_type"], pages=answer.get("pages"), parts=answer.get("parts", []))
    return ChildVerdict(sniffed, None, elapsed, peak)


def evidence_sniff_bounded(
    path: str | Path, *, allowed_mime_types: Collection[str], limits: CheckLimits
) -> Sniffed:
    """`evidence_sniff` within the limits' time and memory; past them the file is too complex."""
    verdict = sniff_in_child(path, allowed_mime_types=allowed_mime_types, limits=limits)
    if verdict.refused is not None:
        raise verdict.refused
    assert verdict.sniffed is not None  # noqa: S101 - the child answers one or the other
    return verdict.sniffed
