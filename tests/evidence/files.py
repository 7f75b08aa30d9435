"""Evidence files built in code, good and hostile, each a plain function returning the file's bytes.

Reused by the browser tests: nothing here touches Django or the database.
"""

import io
import re
import struct
import zipfile
import zlib
from typing import Any

import pikepdf
from docx import Document
from docx.shared import Inches

MB = 1024 * 1024
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
IMAGE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"


# ----------------------------------------------------------------------------------- images
def png_bytes(*, width: int = 4, height: int = 3, rgb: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A small, valid RGB PNG of one colour."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunks = chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + chunks


def jpeg_bytes() -> bytes:
    """The start of a JFIF JPEG: enough for any content sniffer to call it an image."""
    app0 = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    return b"\xff\xd8\xff\xe0" + struct.pack(">H", len(app0) + 2) + app0 + b"\xff\xd9"


# -------------------------------------------------------------------------------------- PDF
A4 = (595, 842)  # in points


def pdf_document(title: str = "证据 evidence", *, pages: int = 1) -> pikepdf.Pdf:
    """A new PDF of blank A4 pages with a title, to change before `pdf_written`."""
    pdf = pikepdf.new()
    for _page in range(pages):
        pdf.add_blank_page(page_size=A4)
    pdf.docinfo["/Title"] = title
    return pdf


def pdf_written(pdf: pikepdf.Pdf, **save: Any) -> bytes:
    """The PDF's bytes; the same document always gives the same bytes (and digest)."""
    out = io.BytesIO()
    pdf.save(out, deterministic_id="encryption" not in save, **save)
    return out.getvalue()


def pdf_bytes(title: str = "证据 evidence", *, pages: int = 1) -> bytes:
    """A valid PDF of blank pages; a different title gives a different file (and digest)."""
    return pdf_written(pdf_document(title, pages=pages))


def pdf_of_size(size: int, title: str = "padded") -> bytes:
    """A valid PDF of exactly `size` bytes: its page's content stream is a comment padded to fit."""

    def build(padding: int) -> bytes:
        pdf = pdf_document(title)
        pdf.pages[0].Contents = pdf.make_stream(b"%" + b"x" * padding + b"\n")
        return pdf_written(pdf, compress_streams=False)

    padding = 0
    for _attempt in range(10):  # the stream length's digits move the size a little: converge
        data = build(padding)
        if len(data) == size:
            return data
        padding += size - len(data)
        if padding < 0:
            raise ValueError(f"a PDF cannot be as small as {size} bytes")
    raise RuntimeError(f"could not pad a PDF to exactly {size} bytes")


def encrypted_pdf(*, user_password: str = "secret") -> bytes:  # noqa: S107 - a test file's password
    """A PDF encrypted with RC4 (an empty user password still encrypts it)."""
    encryption = pikepdf.Encryption(user=user_password, owner="owner", R=3, aes=False, metadata=False)
    return pdf_written(pdf_document("encrypted"), encryption=encryption)


def truncated_pdf() -> bytes:
    """A PDF cut in the middle, as an interrupted download leaves it."""
    data = pdf_bytes("truncated")
    return data[: len(data) // 2]


def pdf_header_garbage() -> bytes:
    """Starts like a PDF and is nothing else."""
    return b"%PDF-1.7\n" + b"this is not a PDF body\n" * 50


def pdf_with_javascript() -> bytes:
    """A PDF that runs a script when it is opened."""
    pdf = pdf_document("scripted")
    pdf.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1);"))
    return pdf_written(pdf)


def pdf_of_pages(count: int, *, padding: int = 0, notes: int = 0) -> bytes:
    """A valid PDF of `count` pages written directly (fast for 100,000 pages): one flat page tree.

    Each page has a content stream of a comment `padding` bytes long, to reach a size; `notes`
    more objects (small dictionaries no page shows) make a file of many objects and few pages.
    """
    out = io.BytesIO()
    offsets: list[int] = []

    def add(body: bytes) -> None:
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % len(offsets) + body + b"\nendobj\n")

    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    add(b"<</Type/Catalog/Pages 2 0 R>>")
    kids = b" ".join(b"%d 0 R" % (3 + 2 * n) for n in range(count))
    add(b"<</Type/Pages/Count %d/MediaBox[0 0 595 842]/Kids[%s]>>" % (count, kids))
    content = b"%" + b"x" * padding + b"\n"
    for n in range(count):
        add(b"<</Type/Page/Parent 2 0 R/Contents %d 0 R>>" % (4 + 2 * n))
        add(b"<</Length %d>>stream\n%s\nendstream" % (len(content), content))
    for n in range(notes):
        add(b"<</Type/Annot/Subtype/Text/Rect[0 0 9 9]/Contents(note %d)>>" % n)
    table = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(offsets) + 1, table))
    return out.getvalue()


# ------------------------------------------------------------------------------------- DOCX
def docx_bytes(text: str = "和解协议 settlement agreement", *, image: bytes | None = None) -> bytes:
    """A valid Word document with a paragraph and, when given, an embedded picture."""
    document = Document()
    document.add_paragraph(text)
    if image is not None:
        document.add_picture(io.BytesIO(image), width=Inches(1))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx_with_png(text: str = "截图 screenshot") -> bytes:
    """A Word document with an embedded PNG: the accepted way to hand in an image."""
    return docx_bytes(text, image=png_bytes())


def _rewrite_zip(data: bytes, changes: dict[str, bytes | None]) -> bytes:
    """Copy a zip, replacing (bytes), removing (None) or adding members."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            if info.filename in changes:
                continue
            target.writestr(info.filename, source.read(info.filename))
        for name, body in changes.items():
            if body is not None:
                target.writestr(name, body)
    return out.getvalue()


def _read_member(data: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(name)


def docx_with_linked_image(url: str = "http://203.0.113.7/track.png") -> bytes:
    """A Word document whose picture is a link to a remote URL, not embedded content."""
    data = docx_with_png("linked picture")
    rels_name, document_name = "word/_rels/document.xml.rels", "word/document.xml"
    rels = _read_member(data, rels_name).decode()
    pattern = r'<Relationship Id="(rId\d+)" Type="' + re.escape(IMAGE_REL) + r'" Target="[^"]+"/>'
    match = re.search(pattern, rels)
    if match is None:
        raise RuntimeError("python-docx wrote no image relationship")
    rel_id = match.group(1)
    rels = rels.replace(
        match.group(0),
        f'<Relationship Id="{rel_id}" Type="{IMAGE_REL}" Target="{url}" TargetMode="External"/>',
    )
    document = _read_member(data, document_name).decode().replace(f'r:embed="{rel_id}"', f'r:link="{rel_id}"')
    media = [name for name in zipfile.ZipFile(io.BytesIO(data)).namelist() if name.startswith("word/media/")]
    return _rewrite_zip(
        data, {rels_name: rels.encode(), document_name: document.encode(), **dict.fromkeys(media)}
    )


def docx_with_remote_template(url: str = "http://203.0.113.7/template.dotm") -> bytes:
    """A Word document that fetches its template from a remote address when opened."""
    data = docx_bytes("remote template")
    name = "word/_rels/settings.xml.rels"
    rels = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{RELS_NS}">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        f'relationships/attachedTemplate" Target="{url}" TargetMode="External"/></Relationships>'
    )
    return _rewrite_zip(data, {name: rels.encode()})


def docm_bytes(*, declared: bool = True) -> bytes:
    """A macro-enabled Word document: a vbaProject.bin part, declared as macro content or smuggled in.

    `declared=False` keeps the plain .docx content types and only adds the macro part.
    """
    data = docx_bytes("宏 macro")
    vba = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + b"Attribute VB_Name = \"ThisDocument\"\n"
    changes: dict[str, bytes | None] = {"word/vbaProject.bin": vba}
    if declared:
        types = _read_member(data, "[Content_Types].xml").decode()
        types = types.replace(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
            "application/vnd.ms-word.document.macroEnabled.main+xml",
        ).replace(
            "</Types>",
            '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>',
        )
        changes["[Content_Types].xml"] = types.encode()
    return _rewrite_zip(data, changes)


def docx_with_member(name: str, body: bytes) -> bytes:
    """A valid Word document with one more member in its zip."""
    return _rewrite_zip(docx_bytes(f"with {name}"), {name: body})


def zip_bomb(*, uncompressed: int = 64 * MB, member: str = "word/media/image1.png") -> bytes:
    """A Word document with one member of zeros that inflates `uncompressed` bytes from a few KB."""
    data = docx_bytes("bomb")
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info.filename, source.read(info.filename))
        info = zipfile.ZipInfo(member)
        info.compress_type = zipfile.ZIP_DEFLATED
        with target.open(info, "w", force_zip64=True) as sink:
            block, left = b"\x00" * MB, uncompressed
            while left > 0:
                sink.write(block[: min(left, MB)])
                left -= MB
    return out.getvalue()


def zip_with_many_members(count: int = 5000) -> bytes:
    """A Word document padded with thousands of tiny members."""
    return _rewrite_zip(docx_bytes("many"), {f"word/extra/{n}.xml": b"<a/>" for n in range(count)})


def zip_with_lying_sizes(*, uncompressed: int = 8 * MB, claimed: int = 1000) -> bytes:
    """A zip bomb whose headers claim its big member inflates to `claimed` bytes.

    The checks must count what really comes out, not what the headers promise.
    """
    data = docx_bytes("lying bomb")
    member = "word/media/image1.png"
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info.filename, source.read(info.filename))
        target.writestr(member, b"\x00" * uncompressed)
    patched = bytearray(out.getvalue())
    encoded = member.encode()
    # The uncompressed size sits at offset 22 of a local header (name at 30) and 24 of a central
    # directory entry (name at 46).
    for signature, size_at, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        start = 0
        while (start := patched.find(signature, start)) != -1:
            if patched[start + name_at : start + name_at + len(encoded)] == encoded:
                struct.pack_into("<I", patched, start + size_at, claimed)
            start += 4
    return bytes(patched)


def plain_zip() -> bytes:
    """An ordinary zip archive of a PDF: archives are not evidence."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("evidence.pdf", pdf_bytes("zipped"))
    return out.getvalue()


def legacy_doc() -> bytes:
    """The start of an old binary Word file (OLE compound document), as .doc files begin."""
    signature, version = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\x3e\x00\x03\x00\xfe\xff\x09\x00"
    return signature + b"\x00" * 16 + version + b"\x00" * 4072


# -------------------------------------------------------------------------------- executables
def elf_executable() -> bytes:
    """A 64-bit Linux ELF executable header (as a renamed program starts)."""
    ident = b"\x7fELF" + bytes([2, 1, 1, 0]) + b"\x00" * 8
    header = ident + struct.pack(
        "<HHIQQQIHHHHHH", 2, 0x3E, 1, 0x401000, 64, 0, 0, 64, 56, 1, 64, 0, 0
    )
    program = struct.pack("<IIQQQQQQ", 1, 5, 0, 0x400000, 0x400000, 120, 120, 0x1000)
    return header + program + b"\x90" * 64


def pe_executable() -> bytes:
    """A Windows PE executable header: an MZ stub pointing at a PE signature and COFF header."""
    dos = bytearray(b"MZ" + b"\x90\x00" + b"\x00" * 60)
    struct.pack_into("<I", dos, 0x3C, 0x80)
    stub = bytes(dos) + b"\x00" * (0x80 - len(dos))
    coff = struct.pack("<HHIIIHH", 0x8664, 1, 0, 0, 0, 0xF0, 0x22)
    optional = struct.pack("<H", 0x20B) + b"\x00" * (0xF0 - 2)
    return stub + b"PE\x00\x00" + coff + optional + b"\x00" * 512
