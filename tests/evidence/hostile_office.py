"""Hostile Word documents built in code: fields, links, objects and names that reach outside.

Each builder returns a file's bytes, made from a valid python-docx document. No Django.
"""

import io
import zipfile
from xml.sax.saxutils import escape

from tests.evidence.files import MB, RELS_NS, _read_member, _rewrite_zip, docx_bytes, docx_with_png

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
DOCUMENT = "word/document.xml"
DOCUMENT_RELS = "word/_rels/document.xml.rels"


def _with_body(data: bytes, xml: str, part: str = DOCUMENT) -> bytes:
    """Insert WordprocessingML before the end of the body (or of a header's root) of `part`."""
    source = _read_member(data, part).decode()
    marker = "<w:sectPr" if "<w:sectPr" in source else "</w:hdr>"
    head, _, tail = source.rpartition(marker)
    return _rewrite_zip(data, {part: (head + xml + marker + tail).encode()})


def field_simple(instruction: str) -> bytes:
    """A field in its short form: `<w:fldSimple w:instr="...">`."""
    instr = escape(instruction, {'"': "&quot;"})
    xml = f'<w:p><w:fldSimple w:instr="{instr}"><w:r><w:t>x</w:t></w:r></w:fldSimple></w:p>'
    return _with_body(docx_bytes("fldSimple"), xml)


def _field_runs(instruction: str, *, pieces: int = 3) -> str:
    """A field in its long form: begin, the instruction split over runs, separate, result, end."""
    step = max(1, len(instruction) // pieces)
    parts = [instruction[n : n + step] for n in range(0, len(instruction), step)]
    runs = "".join(
        f'<w:r><w:instrText xml:space="preserve">{escape(part)}</w:instrText></w:r>' for part in parts
    )
    return (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>' + runs
        + '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>result</w:t></w:r>'
        + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


def field_runs(instruction: str) -> bytes:
    """A field whose instruction Word split over several runs, directly in a paragraph."""
    return _with_body(docx_bytes("fldChar"), f"<w:p>{_field_runs(instruction)}</w:p>")


def field_in_content_control(instruction: str) -> bytes:
    """The same inside a content control and a hyperlink, where tools reading only w:p/w:r miss it."""
    runs = _field_runs(instruction)
    xml = f"<w:p><w:sdt><w:sdtContent><w:hyperlink>{runs}</w:hyperlink></w:sdtContent></w:sdt></w:p>"
    return _with_body(docx_bytes("sdt field"), xml)


def nested_field(instruction: str) -> bytes:
    """A dangerous field nested inside an innocent IF field."""
    inner = _field_runs(instruction)
    xml = (
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> IF 1 = 1 "</w:instrText></w:r>'
        + inner
        + '<w:r><w:instrText>"</w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )
    return _with_body(docx_bytes("nested"), xml)


def field_in_header(instruction: str, *, number: int = 3) -> bytes:
    """A field in header3.xml: a part no fixed list of names would read."""
    data = docx_bytes("header field")
    header = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:hdr xmlns:w="{W_NS}" xmlns:r="{R_NS}">'
        f"<w:p>{_field_runs(instruction)}</w:p></w:hdr>"
    )
    relationship = f'<Relationship Id="rIdH" Type="{REL_TYPE}header" Target="header{number}.xml"/>'
    data = _with_relationship(data, relationship)
    return _rewrite_zip(data, {f"word/header{number}.xml": header.encode()})


DDEAUTO = 'DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc.exe"'
INCLUDEPICTURE = 'INCLUDEPICTURE "http://203.0.113.7/pixel.png" \\\\d'
INCLUDETEXT = 'INCLUDETEXT "\\\\\\\\203.0.113.7\\\\share\\\\text.docx"'


def _with_relationship(data: bytes, relationship: str, part: str = DOCUMENT_RELS) -> bytes:
    """Add a relationship to the .rels `part`, making the part if the package has none."""
    try:
        rels = _read_member(data, part).decode()
    except KeyError:
        rels = f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS_NS}"></Relationships>'
    rels = rels.replace("</Relationships>", relationship + "</Relationships>")
    return _rewrite_zip(data, {part: rels.encode()})


def external_relationship(
    kind: str, target: str = "http://203.0.113.7/x", *, part: str = DOCUMENT_RELS
) -> bytes:
    """A relationship of type `kind` pointing outside the package, added to the .rels `part`."""
    relationship = (
        f'<Relationship Id="rIdX1" Type="{REL_TYPE}{kind}" Target="{target}" TargetMode="External"/>'
    )
    return _with_relationship(docx_bytes(f"external {kind}"), relationship, part)


def url_as_internal_target(kind: str = "image") -> bytes:
    """A relationship that names a URL but leaves out TargetMode: still outside the package."""
    relationship = f'<Relationship Id="rIdX1" Type="{REL_TYPE}{kind}" Target="http://203.0.113.7/x.png"/>'
    return _with_relationship(docx_bytes("internal url"), relationship)


def vml_picture_url() -> bytes:
    """A VML picture whose source is a URL in an attribute, with no relationship at all."""
    xml = (
        '<w:p><w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml" style="width:10pt;height:10pt">'
        '<v:imagedata src="http://203.0.113.7/pixel.png"/></v:shape></w:pict></w:r></w:p>'
    )
    return _with_body(docx_bytes("vml"), xml)


def embedded_ole_object() -> bytes:
    """An OLE object (a spreadsheet, or a packaged program) embedded in the document."""
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1016
    return _rewrite_zip(docx_bytes("ole"), {"word/embeddings/oleObject1.bin": ole})


def program_as_picture() -> bytes:
    """A Windows program stored as a picture part."""
    return _rewrite_zip(docx_with_png("exe"), {"word/media/image9.png": b"MZ" + b"\x90" * 512})


def internal_alt_chunk() -> bytes:
    """An altChunk inside the package: another document (HTML here) that Word imports on opening."""
    data = _with_relationship(
        docx_bytes("altchunk"), f'<Relationship Id="rIdA1" Type="{REL_TYPE}aFChunk" Target="chunk.html"/>'
    )
    return _rewrite_zip(data, {"word/chunk.html": b"<html><script>alert(1)</script></html>"})


def with_raw_member_name(name: bytes) -> bytes:
    """A valid document with one more member whose stored name is exactly `name` (NUL included).

    zipfile cuts names at a NUL when writing, so a placeholder of the same length is patched.
    """
    placeholder = b"Q" * len(name)
    data = _rewrite_zip(docx_bytes("raw name"), {placeholder.decode(): b"<x/>"})
    return data.replace(placeholder, name)


def duplicate_member() -> bytes:
    """Two members of one name, the second a different document body: which one does a reader use?"""
    data = docx_bytes("first body")
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info.filename, source.read(info.filename))
        target.writestr(DOCUMENT.upper().replace("WORD/", "word/"), source.read(DOCUMENT))
    return out.getvalue()


def many_members_under_ratio_floor(*, count: int = 60, size: int = MB - 1) -> bytes:
    """`count` members of zeros, each just under the size from which one member's ratio is checked."""
    padding = {f"word/media/pad{n}.bin": bytes(size) for n in range(count)}
    return _rewrite_zip(docx_bytes("many small bombs"), padding)


def doctype_entities() -> bytes:
    """An XML part that declares entities (the start of a billion-laughs expansion)."""
    xml = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">]><r>&a;</r>'
    return _rewrite_zip(docx_bytes("doctype"), {"customXml/item9.xml": xml})


def mail_merge_query() -> bytes:
    """Settings that run a mail merge query against an outside data source when opened."""
    data = docx_bytes("mail merge")
    settings = _read_member(data, "word/settings.xml").decode()
    merge = (
        '<w:mailMerge><w:mainDocumentType w:val="formLetters"/>'
        '<w:query w:val="SELECT * FROM x"/></w:mailMerge>'
    )
    head, _, tail = settings.partition("</w:settings>")
    return _rewrite_zip(data, {"word/settings.xml": (head + merge + "</w:settings>" + tail).encode()})

