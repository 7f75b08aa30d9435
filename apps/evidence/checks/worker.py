"""The child process of `evidence_sniff_bounded`: limit itself, check one file, answer in JSON.

    python -m apps.evidence.checks.worker < request.json

Reads {"path", "allowed_mime_types", "limits"} on stdin and writes one line on stdout: the file's
kind, or {"refused": code, "detail": ...}. Its limits are set before the checks are imported.
"""

import json
import math
import os
import resource
import sys
from typing import Any

# Below the web workers: checking an upload yields the cores to the requests around it.
NICENESS = 4


def _limit(limits: dict[str, Any]) -> None:
    os.nice(NICENESS)
    memory = int(limits["memory_bytes"])
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    seconds = max(1, math.ceil(float(limits["seconds"])))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))  # the checks read; they never write a file
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _peak_rss_bytes() -> int:
    """This interpreter's peak resident memory.

    Linux carries a spawning parent's high-water mark into the child's ru_maxrss across exec (the
    parent's memory is the child's until exec replaces it), so a web worker's size would show up
    here; VmHWM is the peak of this process's own memory since exec.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kilobytes on Linux


def main() -> int:
    request = json.loads(sys.stdin.read())
    _limit(request["limits"])
    answer: dict[str, Any]
    try:
        from apps.evidence.checks.base import CheckLimits, EvidenceRefused, Refusal
        from apps.evidence.checks.sniff import evidence_sniff

        limits = CheckLimits(**request["limits"])
        try:
            found = evidence_sniff(
                request["path"], allowed_mime_types=set(request["allowed_mime_types"]), limits=limits
            )
        except EvidenceRefused as refused:
            answer = {"refused": str(refused.code), "detail": refused.detail[:500]}
        else:
            answer = {"mime_type": found.mime_type, "pages": found.pages, "parts": found.parts}
    except MemoryError:
        answer = {"refused": str(Refusal.TOO_COMPLEX), "detail": "memory limit"}
    answer["peak_rss_bytes"] = _peak_rss_bytes()
    sys.stdout.write(json.dumps(answer) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
