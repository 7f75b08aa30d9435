"""Time the bounded evidence check on the largest uploads, alone and through the API under read load.

    python -m bench.upload [--repeat 3] [--seconds 10] [--connections 12] [--uploaders 2] [--no-api]

Builds four files at run time in a temporary folder: a 20 MB PDF of scanned-like pages (each an
incompressible image), a 20 MB Word document with embedded pictures, a PDF of 100,000 blank
pages (about 16 MB) and a 500-page PDF with as many objects as the limit allows (100,000).

1. The check alone (no database). Each file is checked as an upload is, by
   `apps.evidence.checks.sniff_in_child`: a fresh interpreter under the default policy's limits
   (500 pages, 100,000 objects, 5 s, 512 MB). Prints per file and run the verdict, the wall-clock
   time of the check (interpreter start included) and the child's peak resident memory. Target:
   each of the first three decided in under 3 s with a peak under 150 MB, the 100,000-page PDF
   refused by the page limit. The object-limit file has no target: it shows what the most
   complex accepted PDF costs.
2. API reads while uploads are checked. With bench.api's helpers (same production-like gunicorn
   and settings; its own database, `DATABASE_URL`, default
   postgres://postgres@127.0.0.1:5432/chehui_bench_upload, whose name must contain "bench"), it
   creates draft tickets, then times GET /api/v1/tickets/{reference} from `--connections`
   keep-alive clients for `--seconds` unloaded, then for `--seconds` again while `--uploaders`
   clients (in a separate process, so that building and sending 20 MB bodies does not delay the
   read clients' event loop) POST the first three files in turn as multipart evidence uploads
   (`file`, `tier=core`) to fresh tickets through the same gunicorn. Prints the reads' p50/p95/p99
   in both phases, the ratio of the p99s, and each file's upload answer times and statuses
   (201 for the PDF and the DOCX, 400 `pdf_too_many_pages` for the 100,000-page PDF). Targets:
   the loaded read p99 at most twice the unloaded one, and each upload answered as expected in
   under 3 s under that load. Evidence files go to a temporary folder, removed at the end.

Exits 0 whether the targets are met or not: read the `target` lines.
"""

import argparse
import asyncio
import io
import json
import multiprocessing
import os
import secrets
import signal
import statistics
import struct
import tempfile
import time
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pikepdf
from docx import Document
from docx.shared import Inches

from apps.evidence.checks import DOCX_MIME, PDF_MIME, VERIFIABLE_MIME_TYPES, CheckLimits, sniff_in_child
from bench.api import (
    PHONES,
    Call,
    Phase,
    _Connection,
    _database_ready,
    _environment,
    _free_port,
    _gunicorn_start,
    _key_issue,
    _run_phase,
)
from tests.evidence.files import pdf_of_pages

MB = 1024 * 1024
UPLOAD_LIMIT = 20 * MB
TARGET_SECONDS = 3.0
TARGET_PEAK_BYTES = 150 * MB
SCAN_SIDE = 420  # pixels: one page's picture is 420 x 420 x 3 bytes, about 0.5 MB


def scanned_pdf() -> bytes:
    """A PDF just under 20 MB whose pages each carry an incompressible picture, as scans do."""
    pdf = pikepdf.new()
    picture_bytes = SCAN_SIDE * SCAN_SIDE * 3
    for _page in range((UPLOAD_LIMIT - 64 * 1024) // (picture_bytes + 300)):
        pdf.add_blank_page(page_size=(595, 842))
        image = pdf.make_stream(
            os.urandom(picture_bytes), Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image,
            Width=SCAN_SIDE, Height=SCAN_SIDE, ColorSpace=pikepdf.Name.DeviceRGB, BitsPerComponent=8,
        )
        page = pdf.pages[-1]
        page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
        page.Contents = pdf.make_stream(b"q 595 0 0 842 0 0 cm /Im0 Do Q")
    out = io.BytesIO()
    pdf.save(out, compress_streams=False)
    return out.getvalue()


def pictures_docx() -> bytes:
    """A Word document just under 20 MB of embedded photographs (incompressible PNGs)."""
    document = Document()
    picture_bytes = len(_noise_png(1024, 512))
    document.add_paragraph("现场照片 photographs")
    for _picture in range((UPLOAD_LIMIT - 256 * 1024) // picture_bytes):
        document.add_picture(io.BytesIO(_noise_png(1024, 512)), width=Inches(6))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _noise_png(width: int, height: int) -> bytes:
    """A PNG of random pixels: each is different, none compresses."""
    rows = b"".join(b"\x00" + os.urandom(width * 3) for _ in range(height))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    body = chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 1)) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + body


def many_pages_pdf() -> bytes:
    """100,000 blank pages in one flat page tree, about 16 MB."""
    return pdf_of_pages(100_000)


def many_objects_pdf() -> bytes:
    """The most a PDF may ask of the walk: 500 pages and as many objects as the limit allows."""
    return pdf_of_pages(500, notes=CheckLimits().max_pdf_objects - 1_002)


# Each file's builder, and whether the target applies (the last one shows what the limit costs).
FILES: dict[str, tuple[Callable[[], bytes], bool]] = {
    "20 MB PDF (scans)": (scanned_pdf, True),
    "20 MB DOCX (pictures)": (pictures_docx, True),
    "100,000-page PDF": (many_pages_pdf, True),
    "100,000-object PDF": (many_objects_pdf, False),
}

# The files uploaded through the API under read load: name sent, content type, expected answer.
UPLOADS: dict[str, tuple[str, str, int, str]] = {
    "20 MB PDF (scans)": ("scans.pdf", PDF_MIME, 201, ""),
    "20 MB DOCX (pictures)": ("pictures.docx", DOCX_MIME, 201, ""),
    "100,000-page PDF": ("pages.pdf", PDF_MIME, 400, "pdf_too_many_pages"),
}
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/chehui_bench_upload"
READ_TICKETS = 1000
UPLOAD_TICKETS = 300  # one fresh ticket per upload: the same file twice on a ticket is a duplicate
TARGET_READ_P99_RATIO = 2.0
ALONE_ROUNDS = 2  # each file uploaded twice, one at a time, with no reads: the unloaded answer time


def _check_alone(folder: Path, repeat: int) -> tuple[bool, dict[str, Path]]:
    """Part 1: build the files, check each `repeat` times in a child; whether the target is met."""
    limits = CheckLimits()
    print(f"limits: {limits.max_pdf_pages} pages, {limits.max_pdf_objects:,} objects, {limits.seconds:g} s, "
          f"{limits.memory_bytes // MB} MB")
    met = True
    paths: dict[str, Path] = {}
    for label, (build, targeted) in FILES.items():
        path = folder / label.split()[0].replace(",", "")
        path.write_bytes(build())
        paths[label] = path
        times, peaks = [], []
        for run in range(1, repeat + 1):
            verdict = sniff_in_child(path, allowed_mime_types=VERIFIABLE_MIME_TYPES, limits=limits)
            outcome = (
                f"accepted ({verdict.sniffed.pages} pages)" if verdict.sniffed and verdict.sniffed.pages
                else "accepted" if verdict.sniffed
                else f"refused {verdict.refused.code}: {verdict.refused.detail}" if verdict.refused
                else "?"
            )
            peak = verdict.peak_rss_bytes or 0
            times.append(verdict.seconds)
            peaks.append(peak)
            print(f"{label:24} {path.stat().st_size / MB:6.1f} MB  run {run}: {verdict.seconds:5.2f} s  "
                  f"peak {peak / MB:6.1f} MB  {outcome}")
        ok = max(times) < TARGET_SECONDS and max(peaks) < TARGET_PEAK_BYTES
        met = met and (ok or not targeted)
        verdict_text = "no target: what the limit costs"
        if targeted:
            verdict_text = ("meets" if ok else "MISSES") + " the target"
        print(f"{'':24} median {statistics.median(times):.2f} s, worst {max(times):.2f} s, "
              f"worst peak {max(peaks) / MB:.1f} MB: {verdict_text}")
    return met, paths


# --------------------------------------------------------------------- part 2: through the API
Upload = tuple[str, int, float, str]  # file label, status, seconds to the answer, extra.code


def _multipart(path: Path, filename: str, content_type: str, boundary: str) -> bytes:
    return b"".join([
        f'--{boundary}\r\nContent-Disposition: form-data; name="tier"\r\n\r\ncore\r\n'.encode(),
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n".encode(),
        path.read_bytes(),
        f"\r\n--{boundary}--\r\n".encode(),
    ])


def _error_code(content: bytes) -> str:
    try:
        answer = json.loads(content)
    except ValueError:
        return content[:80].decode("latin-1")
    extra = answer.get("extra") if isinstance(answer, dict) else None
    return str(extra.get("code", "")) if isinstance(extra, dict) else ""


def _upload_bodies(paths: dict[str, str], key: str) -> tuple[dict[str, str], list[tuple[str, bytes]]]:
    """The headers of an upload and each file's multipart body (tier "core"), in UPLOADS' order."""
    boundary = secrets.token_hex(16)
    headers = {
        "Authorization": f"Bearer {key}",
        "Content-Type": f"multipart/form-data; boundary={boundary}",
        "Accept-Language": "en",
    }
    bodies = [
        (label, _multipart(Path(paths[label]), filename, content_type, boundary))
        for label, (filename, content_type, _status, _code) in UPLOADS.items()
    ]
    return headers, bodies


def _upload(
    port: int,
    headers: dict[str, str],
    bodies: list[tuple[str, bytes]],
    tickets: list[str],
    *,
    clients: int,
    seconds: float,
    most: int,
) -> list[Upload]:
    """`clients` keep-alive connections upload the files in turn (client n starts at file n), each
    to a fresh ticket taken from `tickets`, for `seconds` and at most `most` uploads in all."""
    done: list[Upload] = []
    deadline = time.monotonic() + seconds
    sent = 0

    async def client(turn: int) -> None:
        nonlocal sent
        connection = _Connection(port)
        while time.monotonic() < deadline and tickets and sent < most:
            sent += 1
            label, body = bodies[turn % len(bodies)]
            turn += 1
            call: Call = ("POST", f"/api/v1/tickets/{tickets.pop()}/evidence", headers, body)
            started = time.perf_counter()
            try:
                status, content = await connection.request(call)
            except (OSError, asyncio.IncompleteReadError) as error:
                status, content = 0, str(error).encode()
            elapsed = time.perf_counter() - started
            done.append((label, status, elapsed, "" if status == 201 else _error_code(content)))
        connection.close()

    async def load() -> None:
        await asyncio.gather(*(client(number) for number in range(clients)))

    asyncio.run(load())
    return done


def _upload_load(
    port: int,
    key: str,
    paths: dict[str, str],
    tickets: list[str],
    clients: int,
    seconds: float,
    ready: Any,
    start: Any,
    results: Any,
) -> None:
    """In a process of its own, so that building and sending the bodies takes nothing from the
    read clients' event loop: once `start` is set, `_upload` for `seconds`; the list to `results`."""
    headers, bodies = _upload_bodies(paths, key)
    ready.set()
    start.wait()
    results.put(_upload(port, headers, bodies, tickets, clients=clients, seconds=seconds, most=len(tickets)))


def _upload_table(title: str, uploads: list[Upload], *, targeted: bool) -> bool:
    """Print per file the uploads, their answers and times; whether each answered as expected in time."""
    print(title)
    print(f"{'file':<24} {'uploads':>7} {'answers':<32} {'median s':>8} {'worst s':>8}"
          + ("  target" if targeted else ""))
    met = True
    for label, (_filename, _type, expected, expected_code) in UPLOADS.items():
        mine = [upload for upload in uploads if upload[0] == label]
        answers: dict[str, int] = {}
        for _label, status, _seconds, code in mine:
            answer = f"{status} {code}".strip()
            answers[answer] = answers.get(answer, 0) + 1
        times = [upload[2] for upload in mine]
        expected_answer = f"{expected} {expected_code}".strip()
        ok = bool(mine) and set(answers) == {expected_answer} and max(times) < TARGET_SECONDS
        met = met and ok
        answers_text = ", ".join(f"{count} x {answer}" for answer, count in sorted(answers.items())) or "none"
        median, worst = (f"{statistics.median(times):.2f}", f"{max(times):.2f}") if times else ("-", "-")
        target = f"  {'met' if ok else 'MISSED'} ({expected_answer} in under {TARGET_SECONDS:g} s)"
        line = f"{label:<24} {len(mine):>7} {answers_text:<32} {median:>8} {worst:>8}"
        print(line + (target if targeted else ""))
    return met


def _through_api(
    folder: Path, paths: dict[str, Path], *, seconds: float, connections: int, uploaders: int
) -> tuple[bool, bool]:
    """Part 2: unloaded reads, then reads under uploads; print them; (uploads met, reads met)."""
    database_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    env = _environment(database_url)
    env["CHEHUI_PRIVATE_MEDIA_ROOT"] = str(folder / "private")  # the uploads, removed with the folder
    os.environ.update(env)
    _database_ready(database_url, env)
    key = _key_issue()
    port = _free_port()
    log = Path(tempfile.gettempdir()) / f"chehui-bench-upload-{port}.log"
    auth = {"Authorization": f"Bearer {key}", "Content-Type": "application/json", "Accept-Language": "en"}

    def create(number: int) -> Call:
        body = json.dumps({"platform": "wechat", "requester_phone": f"139{number % PHONES:08d}"}).encode()
        return "POST", "/api/v1/tickets/", auth, body

    context = multiprocessing.get_context("spawn")
    ready, start, results = context.Event(), context.Event(), context.Queue()
    server = _gunicorn_start(env, port, log)
    loader = None
    try:
        created = Phase("ticket creation")
        total = READ_TICKETS + UPLOAD_TICKETS
        asyncio.run(_run_phase(created, port=port, connections=connections, seconds=60,
                               max_requests=total, make=create, expected=201, keep_bodies=True))
        references = [body["reference"] for body in created.bodies]
        if len(references) < total:
            errors = ", ".join(f"{count} x {error}" for error, count in created.errors.items())
            raise SystemExit(f"made {len(references)} of {total} tickets ({errors}); see {log}")
        read_references, upload_references = references[:READ_TICKETS], references[READ_TICKETS:]
        files = {label: str(paths[label]) for label in UPLOADS}
        alone_count = ALONE_ROUNDS * len(UPLOADS)
        headers, bodies = _upload_bodies(files, key)
        alone = _upload(port, headers, bodies, upload_references[:alone_count], clients=1, seconds=60,
                        most=alone_count)
        del bodies
        loader = context.Process(
            target=_upload_load,
            args=(
                port, key, files, upload_references[alone_count:], uploaders, seconds, ready, start, results
            ),
        )
        loader.start()

        def reads(phase: Phase, seconds: float) -> None:
            def read(number: int) -> Call:
                return "GET", f"/api/v1/tickets/{read_references[number % READ_TICKETS]}", auth, b""

            asyncio.run(_run_phase(phase, port=port, connections=connections, seconds=seconds,
                                   max_requests=1_000_000, make=read, expected=200))

        reads(Phase("warm-up"), 2.0)  # while the upload process starts
        if not ready.wait(timeout=60):
            raise SystemExit("the upload process did not get ready in 60 s")
        unloaded, loaded = Phase("unloaded reads"), Phase("loaded reads")
        reads(unloaded, seconds)
        start.set()
        reads(loaded, seconds)
        uploads: list[Upload] = results.get(timeout=120)  # the uploads under way finish first
        loader.join(timeout=30)
    finally:
        if loader is not None and loader.is_alive():
            loader.terminate()
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    workers = env.get("GUNICORN_WORKERS", f"{(os.cpu_count() or 1) * 2 + 1} (2 x cores + 1)")
    worker_class = env.get("GUNICORN_WORKER_CLASS", "gthread")
    print()
    print(
        f"through the API: gunicorn -c config/gunicorn.py, {workers} {worker_class} workers, "
        f"{connections} keep-alive read connections, {uploaders} upload clients, {seconds:g} s per phase, "
        f"{os.cpu_count()} cores, settings {env['DJANGO_SETTINGS_MODULE']}, "
        f"database {urlsplit(database_url).path.lstrip('/')}, log {log}"
    )
    print(
        f"{'phase':<16} {'requests':>7} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}"
    )
    for phase in (unloaded, loaded):
        print(phase.line())
        for error, count in sorted(phase.errors.items(), key=lambda item: -item[1])[:5]:
            print(f"    {count} x {error}")

    _upload_table(f"uploads alone, one at a time, no reads ({len(alone)}):", alone, targeted=False)
    uploads_met = _upload_table(
        f"uploads during the loaded reads ({len(uploads)}, {uploaders} at a time):", uploads, targeted=True
    )
    before, after = unloaded.percentile(0.99), loaded.percentile(0.99)
    ratio = after / before if before else float("inf")
    reads_met = ratio <= TARGET_READ_P99_RATIO and not unloaded.error_count and not loaded.error_count
    print(f"read p99: unloaded {before:.1f} ms, loaded {after:.1f} ms, ratio {ratio:.2f}")
    return uploads_met, reads_met


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.upload",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--repeat", type=int, default=3, help="checks per file (default 3)")
    parser.add_argument("--seconds", type=float, default=10.0, help="each read phase (default 10)")
    parser.add_argument("--connections", type=int, default=12, help="concurrent read clients (default 12)")
    parser.add_argument("--uploaders", type=int, default=2, help="concurrent upload clients (default 2)")
    parser.add_argument("--no-api", action="store_true", help="only the check alone: no database, no server")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-upload-") as name:
        folder = Path(name)
        check_met, paths = _check_alone(folder, args.repeat)
        if not args.no_api:
            uploads_met, reads_met = _through_api(
                folder, paths, seconds=args.seconds, connections=args.connections, uploaders=args.uploaders
            )
    print()
    print(f"target, the check alone: each file decided in under {TARGET_SECONDS:g} s with a peak under "
          f"{TARGET_PEAK_BYTES // MB} MB: {'met' if check_met else 'MISSED'}")
    if not args.no_api:
        print(f"target, under read load: each upload answered as expected in under {TARGET_SECONDS:g} s: "
              f"{'met' if uploads_met else 'MISSED'}")
        print(f"target, loaded read p99 <= {TARGET_READ_P99_RATIO:g} x unloaded read p99, no read error: "
              f"{'met' if reads_met else 'MISSED'}")


if __name__ == "__main__":
    main()
