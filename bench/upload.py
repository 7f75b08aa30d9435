"""Time the bounded evidence check on the largest files an upload may bring.

    python -m bench.upload [--repeat 3]

Builds four files at run time in a temporary folder: a 20 MB PDF of scanned-like pages (each an
incompressible image), a 20 MB Word document with embedded pictures, a PDF of 100,000 blank
pages (about 16 MB) and a 500-page PDF with as many objects as the limit allows (100,000). Each
is checked as an upload is, by `apps.evidence.checks.sniff_in_child`: a fresh interpreter under
the default policy's limits (500 pages, 100,000 objects, 5 s, 512 MB). Prints per file and run
the verdict, the wall-clock time of the check (interpreter start included) and the child's peak
resident memory. Target: each of the first three decided in under 3 s with a peak under 150 MB,
the 100,000-page PDF refused by the page limit. The object-limit file has no target: it shows
what the most complex accepted PDF costs. No database is needed.
"""

import argparse
import io
import os
import statistics
import struct
import tempfile
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path

import pikepdf
from docx import Document
from docx.shared import Inches

from apps.evidence.checks import VERIFIABLE_MIME_TYPES, CheckLimits, sniff_in_child
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


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.upload", description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="checks per file (default 3)")
    args = parser.parse_args(argv)
    limits = CheckLimits()
    print(f"limits: {limits.max_pdf_pages} pages, {limits.max_pdf_objects:,} objects, {limits.seconds:g} s, "
          f"{limits.memory_bytes // MB} MB")
    met = True
    with tempfile.TemporaryDirectory(prefix="bench-upload-") as folder:
        for label, (build, targeted) in FILES.items():
            path = Path(folder) / label.split()[0].replace(",", "")
            path.write_bytes(build())
            times, peaks = [], []
            for run in range(1, args.repeat + 1):
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
    print(f"target (each file under {TARGET_SECONDS:g} s and {TARGET_PEAK_BYTES // MB} MB): "
          f"{'met' if met else 'MISSED'}")


if __name__ == "__main__":
    main()
