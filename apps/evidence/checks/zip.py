"""An Office document's zip, judged from its directory before anything is inflated.

zipfile never yields more than a member's declared size (a lie ends in a CRC error), so the
declared sizes bound what opening the document can cost; every member is then inflated once, in
chunks, to prove it.
"""

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

from apps.evidence.checks.base import (
    EXECUTABLE_SIGNATURES,
    OLE_SIGNATURE,
    ZIP_SIGNATURE,
    EvidenceRefused,
    Refusal,
)

# A 20 MB document is mostly pictures, which do not compress: it inflates to little more than its
# size. Text parts compress well, 10:1 is usual, so a whole package past 50:1 is made to expand.
MAX_ZIP_MEMBERS = 1000
MAX_ZIP_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_MEMBER_COMPRESSION_RATIO = 100
MAX_TOTAL_COMPRESSION_RATIO = 50
# Below this a part, or the whole package, may compress as well as it likes: small XML parts often
# reach 100:1.
RATIO_CHECKED_FROM_BYTES = 1024 * 1024
INFLATE_CHUNK_BYTES = 256 * 1024
# A part name is a relative path of plain segments: no parent, no root, no drive, no backslash.
UNSAFE_NAME = re.compile(r"(^|/)\.\.?(/|$)|^/|\\|^[A-Za-z]:|\x00|//")
# Obfuscated fonts are XOR-scrambled: their first bytes are noise and prove nothing.
SCRAMBLED_SUFFIXES = (".odttf",)


def zip_directory_check(members: list[zipfile.ZipInfo]) -> None:
    """Refuse a zip that would inflate past the limits, is encrypted, or whose names are unsafe."""
    if len(members) > MAX_ZIP_MEMBERS:
        raise EvidenceRefused(Refusal.ARCHIVE_BOMB, f"{len(members)} members")
    total = sum(member.file_size for member in members)
    if total > MAX_ZIP_UNCOMPRESSED_BYTES:
        raise EvidenceRefused(Refusal.ARCHIVE_BOMB, f"inflates to {total} bytes")
    compressed = sum(member.compress_size for member in members)
    if total >= RATIO_CHECKED_FROM_BYTES and total > MAX_TOTAL_COMPRESSION_RATIO * max(compressed, 1):
        raise EvidenceRefused(Refusal.ARCHIVE_BOMB, f"all members: {compressed} -> {total}")
    for member in members:
        if (
            member.file_size >= RATIO_CHECKED_FROM_BYTES
            and member.file_size > MAX_MEMBER_COMPRESSION_RATIO * max(member.compress_size, 1)
        ):
            raise EvidenceRefused(
                Refusal.ARCHIVE_BOMB, f"{member.filename}: {member.compress_size} -> {member.file_size}"
            )
        if member.flag_bits & 0x1:
            raise EvidenceRefused(Refusal.DOCX_ENCRYPTED, member.filename)
    _names_check(members)


def _names_check(members: list[zipfile.ZipInfo]) -> None:
    """Part names an unzipping tool could write outside its folder, or two parts of one name.

    zipfile cuts a name at a NUL, so the name as stored (`orig_filename`) is the one judged. Part
    names are compared ignoring case, as Office does.
    """
    seen: set[str] = set()
    for member in members:
        name = member.orig_filename
        if UNSAFE_NAME.search(name):
            raise EvidenceRefused(Refusal.DOCX_UNSAFE_NAMES, repr(name))
        folded = name.casefold()
        if folded in seen:
            raise EvidenceRefused(Refusal.DOCX_UNSAFE_NAMES, f"{name!r} twice")
        seen.add(folded)


END_OF_DIRECTORY = b"PK\x05\x06"
END_OF_DIRECTORY_BYTES = 22


def zip_layout_check(path: Path, archive: zipfile.ZipFile) -> None:
    """The zip is the whole file: its first part at byte 0, its directory's end at the last byte.

    Anything before or after (or a zip comment, which Office never writes) is room for a second
    file in the same bytes, one a PDF reader or a browser would find.
    """
    if archive.comment:
        raise EvidenceRefused(Refusal.DOCX_BROKEN, "zip comment")
    with path.open("rb") as handle:
        head = handle.read(len(ZIP_SIGNATURE))
        handle.seek(-END_OF_DIRECTORY_BYTES, 2)
        tail = handle.read()
    if head != ZIP_SIGNATURE or not tail.startswith(END_OF_DIRECTORY):
        raise EvidenceRefused(Refusal.DOCX_BROKEN, "data before or after the zip")


def zip_inflate_all(
    archive: zipfile.ZipFile,
    members: list[zipfile.ZipInfo],
    *,
    head_check: Callable[[zipfile.ZipInfo, bytes], None] | None = None,
) -> None:
    """Inflate every member once, so a damaged one (bad CRC, bad data) is found here.

    A member that starts like a program or an OLE container (an embedded object, a macro
    project) is refused: a document's parts are XML and pictures. `head_check` judges each
    member's first chunk (up to INFLATE_CHUNK_BYTES) in the same pass.
    """
    for member in members:
        with archive.open(member) as stream:
            first = stream.read(INFLATE_CHUNK_BYTES)
            if not member.filename.lower().endswith(SCRAMBLED_SUFFIXES) and first.startswith(
                (*EXECUTABLE_SIGNATURES, OLE_SIGNATURE)
            ):
                raise EvidenceRefused(Refusal.DOCX_EMBEDDED_OBJECT, member.filename)
            if head_check is not None:
                head_check(member, first)
            while stream.read(INFLATE_CHUNK_BYTES):
                pass
