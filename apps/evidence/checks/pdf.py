"""A PDF proved inert: every object qpdf finds is walked, not only the catalogue's named places.

Hyperlinks stay allowed: a /URI action to an http, https or mailto address only opens when the
reader clicks it, and evidence often cites a web page. Every other action that reaches outside
the file (another file, a program, a form's server, a script, media) is refused, wherever the
action dictionary sits: the catalogue, a page's /AA, an annotation, a form field, an /OpenAction's
/Next chain, a name tree or an object nothing points to.
"""

import mmap
import re
from collections.abc import Iterator
from pathlib import Path

import pikepdf

from apps.evidence.checks.base import PDF_MIME, CheckLimits, EvidenceRefused, Refusal, Sniffed

PDF_HEADER = b"%PDF-"
EOF_MARKER = b"%%EOF"
# After the last %%EOF only this may follow (editors pad with line ends or NULs).
TRAILING_PADDING = b" \t\r\n\f\x00"
# After an earlier %%EOF comes the next revision: an object, a cross-reference section or a comment.
REVISION_START = re.compile(rb"[\s\x00]*(?:\d|%|xref|trailer|startxref)")

WEB_SCHEMES = ("http://", "https://", "mailto:")
# Action types a reader runs without leaving the document, or only on a click to a web address.
INERT_ACTIONS = frozenset(
    {"/GoTo", "/URI", "/Named", "/Thread", "/Hide", "/ResetForm", "/SetOCGState", "/Trans"}
)
REFUSAL_BY_ACTION = {
    "/JavaScript": Refusal.PDF_JAVASCRIPT,
    "/Launch": Refusal.PDF_LAUNCH,
    "/SubmitForm": Refusal.PDF_FORM_SUBMIT,
    "/ImportData": Refusal.PDF_FORM_SUBMIT,
    "/GoToR": Refusal.PDF_EXTERNAL_LINK,
    "/GoToE": Refusal.PDF_EXTERNAL_LINK,
    "/RichMediaExecute": Refusal.PDF_MEDIA,
    "/Rendition": Refusal.PDF_MEDIA,
    "/Movie": Refusal.PDF_MEDIA,
    "/Sound": Refusal.PDF_MEDIA,
    "/GoTo3DView": Refusal.PDF_MEDIA,
    "/GoToDP": Refusal.PDF_ACTIVE_CONTENT,
}
# Keys whose mere presence means the thing is there (a script, a form's XML program, attachments).
REFUSAL_BY_KEY = {
    "/JS": Refusal.PDF_JAVASCRIPT,
    "/JavaScript": Refusal.PDF_JAVASCRIPT,
    "/XFA": Refusal.PDF_XFA,
    "/EmbeddedFiles": Refusal.PDF_ATTACHMENT,
    "/EF": Refusal.PDF_ATTACHMENT,
    "/RichMediaContent": Refusal.PDF_MEDIA,
    "/RichMediaSettings": Refusal.PDF_MEDIA,
}
REFUSAL_BY_SUBTYPE = {
    "/FileAttachment": Refusal.PDF_ATTACHMENT,
    "/RichMedia": Refusal.PDF_MEDIA,
    "/Movie": Refusal.PDF_MEDIA,
    "/Sound": Refusal.PDF_MEDIA,
    "/Screen": Refusal.PDF_MEDIA,
    "/3D": Refusal.PDF_MEDIA,
}
CONTAINERS = frozenset({pikepdf.ObjectType.dictionary, pikepdf.ObjectType.array})
# Every name the checks below act on, as a whole name token in qpdf's writing of an object.
NAMES_THAT_MATTER = re.compile(
    rb"/(?:JS|JavaScript|XFA|EF|EmbeddedFiles?|RichMedia\w*|Launch|SubmitForm|ImportData|GoTo\w*|Rendition"
    rb"|Movie|Sound|FileAttachment|Screen|3D|URI|Thread|A|AA|OpenAction|Next|PA|Action)"
    rb"(?![^\s/<>\[\]()%{}])"
)
# A dictionary under one of these keys is an action whatever its /Type says (/AA holds one per event).
ACTION_KEYS = frozenset({"/A", "/OpenAction", "/Next", "/PA"})
ADDITIONAL_ACTIONS_KEY = "/AA"


def pdf_check(path: Path, limits: CheckLimits) -> Sniffed:
    """Prove the file is a plain, unencrypted, self-contained PDF within the limits, or refuse it."""
    _layout_check(path)
    try:
        with pikepdf.open(path, attempt_recovery=False, inherit_page_attributes=False) as pdf:
            if pdf.is_encrypted or "/Encrypt" in pdf.trailer:
                raise EvidenceRefused(Refusal.PDF_ENCRYPTED)
            _declared_size_check(pdf, limits)
            _walk(pdf, limits)
            pages = len(pdf.pages)
    except EvidenceRefused:
        raise
    except pikepdf.PasswordError as exc:
        raise EvidenceRefused(Refusal.PDF_ENCRYPTED) from exc
    except (MemoryError, RecursionError) as exc:
        raise EvidenceRefused(Refusal.TOO_COMPLEX, type(exc).__name__) from exc
    except Exception as exc:  # whatever qpdf chokes on, the file cannot be read as a PDF
        raise EvidenceRefused(Refusal.PDF_BROKEN, f"{type(exc).__name__}: {exc}") from exc
    if pages < 1:
        raise EvidenceRefused(Refusal.PDF_BROKEN, "no pages")
    if pages > limits.max_pdf_pages:
        raise EvidenceRefused(Refusal.PDF_TOO_MANY_PAGES, f"{pages} pages")
    return Sniffed(mime_type=PDF_MIME, pages=pages)


def _layout_check(path: Path) -> None:
    """The file is a PDF from its first byte to its last %%EOF: nothing before, nothing after.

    A PDF reader skips junk around the document, so HTML before it or a zip after it makes one
    file two things at once (a polyglot). Each earlier %%EOF must be followed by the next revision.
    """
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        if not data[: len(PDF_HEADER)] == PDF_HEADER:
            raise EvidenceRefused(Refusal.PDF_TRAILING_DATA, "does not start with %PDF-")
        last = data.rfind(EOF_MARKER)
        if last == -1:
            raise EvidenceRefused(Refusal.PDF_BROKEN, "no %%EOF")
        tail = data[last + len(EOF_MARKER):]
        if tail.strip(TRAILING_PADDING):
            raise EvidenceRefused(Refusal.PDF_TRAILING_DATA, f"{len(tail)} bytes after the last %%EOF")
        start = data.find(EOF_MARKER)
        while start != last:
            after = start + len(EOF_MARKER)
            if not REVISION_START.match(data, after):
                raise EvidenceRefused(Refusal.PDF_TRAILING_DATA, f"not a PDF revision after offset {after}")
            start = data.find(EOF_MARKER, after)


def _declared_size_check(pdf: pikepdf.Pdf, limits: CheckLimits) -> None:
    """Refuse from the page tree's and the trailer's own counts, before any page or object is loaded."""
    try:
        declared_pages = int(pdf.Root.Pages.Count)
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise EvidenceRefused(Refusal.PDF_BROKEN, "no page tree count") from exc
    if declared_pages > limits.max_pdf_pages:
        raise EvidenceRefused(Refusal.PDF_TOO_MANY_PAGES, f"{declared_pages} pages declared")
    declared_objects = int(pdf.trailer.get("/Size", 0))
    if declared_objects - 1 > limits.max_pdf_objects:
        raise EvidenceRefused(Refusal.PDF_TOO_MANY_OBJECTS, f"{declared_objects} objects declared")


def _walk(pdf: pikepdf.Pdf, limits: CheckLimits) -> None:
    """Look at every object of the cross-reference table, and inside each into its direct parts.

    A /Size can lie: the table qpdf read is what is counted. Each object is first written out by
    qpdf (names decoded, `/Java#53cript` is `/JavaScript` there) and searched for the names that
    matter; only an object naming one is inspected key by key. A walk of 100,000 objects then takes
    about 1.5 s, most of it qpdf reading them. Indirect references are not followed (their object
    is visited from the table), so no object is looked at twice and loops end.
    """
    objgens = [objgen for objgen, entry in pdf.get_xref_table().items() if entry.type != 0]
    if len(objgens) > limits.max_pdf_objects:
        raise EvidenceRefused(Refusal.PDF_TOO_MANY_OBJECTS, f"{len(objgens)} objects")
    _inspect(pdf.trailer)
    for objgen in objgens:
        obj = pdf.get_object(objgen)
        if not isinstance(obj, pikepdf.Object):  # an indirect number or boolean (a stream's /Length)
            continue
        source = obj.stream_dict if obj._type_code == pikepdf.ObjectType.stream else obj
        if source._type_code in CONTAINERS and NAMES_THAT_MATTER.search(source.unparse(resolved=True)):
            _inspect(obj)


def _inspect(root: pikepdf.Object) -> None:
    stack = [root]  # not recursion: a deeply nested array must not exhaust the stack
    while stack:
        obj = stack.pop()
        if isinstance(obj, pikepdf.Array):
            stack.extend(_direct(obj))
            continue
        if not isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
            continue
        _dictionary_check(obj)
        for name in obj.keys():  # noqa: SIM118 - a pikepdf dictionary is not a mapping of its keys
            value = obj.get(name)
            if isinstance(value, pikepdf.Object) and not value.is_indirect:
                stack.append(value)


def _direct(array: pikepdf.Array) -> Iterator[pikepdf.Object]:
    for item in array:
        if isinstance(item, pikepdf.Object) and not item.is_indirect:
            yield item


def _name(obj: pikepdf.Object, key: str) -> str | None:
    value = obj.get(key)
    return str(value) if isinstance(value, pikepdf.Name) else None


def _dictionary_check(obj: pikepdf.Object) -> None:
    """Refuse a dictionary that is, or carries, something that runs or reaches outside the file."""
    keys = set(obj.keys())
    for key in keys & REFUSAL_BY_KEY.keys():
        raise EvidenceRefused(REFUSAL_BY_KEY[key], key)
    subtype = _name(obj, "/Subtype")
    if subtype in REFUSAL_BY_SUBTYPE:
        raise EvidenceRefused(REFUSAL_BY_SUBTYPE[subtype], subtype or "")
    if _name(obj, "/Type") == "/EmbeddedFile":
        raise EvidenceRefused(Refusal.PDF_ATTACHMENT, "embedded file stream")
    action = _name(obj, "/S")
    if action in REFUSAL_BY_ACTION or _name(obj, "/Type") == "/Action":
        _action_check(obj)
    for key in keys & ACTION_KEYS:
        value = obj.get(key)
        if key == "/Next" or isinstance(value, pikepdf.Dictionary):  # else a destination, not an action
            for item in _actions_under(value):
                _action_check(item)
    additional = obj.get(ADDITIONAL_ACTIONS_KEY)
    if isinstance(additional, pikepdf.Dictionary):
        for event in additional.keys():  # noqa: SIM118
            for item in _actions_under(additional.get(event)):
                _action_check(item)


def _actions_under(value: pikepdf.Object | None) -> Iterator[pikepdf.Object]:
    """The action dictionaries an /A, /OpenAction, /Next or /AA entry holds (an array is a chain)."""
    if isinstance(value, pikepdf.Dictionary):
        yield value
    elif isinstance(value, pikepdf.Array):
        yield from (item for item in value if isinstance(item, pikepdf.Dictionary))


def _action_check(action: pikepdf.Object) -> None:
    """An action runs only if it is one of the inert kinds (a web link only to a web address).

    A dictionary without /S is not an action (a structure element's /A holds its attributes).
    """
    kind = _name(action, "/S")
    if kind is None and "/S" not in action:
        return
    if kind not in INERT_ACTIONS:
        raise EvidenceRefused(REFUSAL_BY_ACTION.get(kind or "", Refusal.PDF_ACTIVE_CONTENT), f"action {kind}")
    if kind == "/URI":
        uri = action.get("/URI")
        target = bytes(uri).decode("latin-1").strip().lower() if isinstance(uri, pikepdf.String) else ""
        if not target.startswith(WEB_SCHEMES):
            raise EvidenceRefused(Refusal.PDF_EXTERNAL_LINK, f"URI {target[:80]}")
    if kind == "/Thread" and "/F" in action:
        raise EvidenceRefused(Refusal.PDF_EXTERNAL_LINK, "thread in another file")
