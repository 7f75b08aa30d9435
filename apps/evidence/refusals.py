"""What a requester reads when a file is refused: what was found in it, and how to fix it.

One message per refusal code, in the active language; the web form and the API show the same one.
"""

from django.template.defaultfilters import filesizeformat
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.evidence.checks import EvidenceRefused, Refusal
from apps.policy.models import EvidenceFormat

# Most PDF problems have one fix: a new PDF printed from what the reader shows, which keeps the
# pages and drops everything else.
MESSAGES: dict[Refusal, Promise] = {
    Refusal.EMPTY: gettext_lazy("This file is empty. Choose the document again and upload it."),
    Refusal.ARCHIVE_BOMB: gettext_lazy(
        "This document would expand to far more than its size; it may be damaged or harmful. "
        "Save it again from your word processor and upload the new file."
    ),
    Refusal.LEGACY_OFFICE: gettext_lazy(
        "Old Word documents (.doc) are not accepted. Save it as a Word document (.docx) or a "
        "PDF and upload that."
    ),
    Refusal.OTHER_OFFICE: gettext_lazy(
        "Only Word documents (.docx) are accepted, not templates, spreadsheets or presentations. "
        "Save it as a PDF or a Word document and upload that."
    ),
    Refusal.TOO_COMPLEX: gettext_lazy(
        "This file is too complex to check in the time allowed. Split it into smaller files, or export "
        "it again (in most PDF tools: Print → Save as PDF), and upload the new files."
    ),
    Refusal.PDF_ENCRYPTED: gettext_lazy(
        "This PDF is protected by a password or encryption. Save a copy without protection and "
        "upload that."
    ),
    Refusal.PDF_BROKEN: gettext_lazy(
        "This PDF cannot be read: it may be damaged or incomplete. Save or export it again and "
        "upload the new file."
    ),
    Refusal.PDF_TOO_MANY_OBJECTS: gettext_lazy(
        "This PDF is built from too many parts to be checked. Export it again (in most PDF tools: "
        "Print → Save as PDF) or split it into smaller PDFs, and upload the new files."
    ),
    Refusal.PDF_TRAILING_DATA: gettext_lazy(
        "This PDF has other data hidden before or after the document, so it is also another kind of "
        "file. Export the PDF again (in most PDF tools: Print → Save as PDF) and upload the new file."
    ),
    Refusal.PDF_ACTIVE_CONTENT: gettext_lazy(
        "This PDF runs actions of its own when it is opened or clicked. Export it again as a plain PDF "
        "(in most PDF tools: Print → Save as PDF) and upload the new file."
    ),
    Refusal.PDF_JAVASCRIPT: gettext_lazy(
        "This PDF contains JavaScript (on opening, on a page, in a link or in a form field). Export it "
        "again without scripts (in most PDF tools: Print → Save as PDF) and upload the new file."
    ),
    Refusal.PDF_LAUNCH: gettext_lazy(
        "This PDF tries to start a program or open a file on the reader's computer. Export it again "
        "(in most PDF tools: Print → Save as PDF) and upload the new file."
    ),
    Refusal.PDF_FORM_SUBMIT: gettext_lazy(
        "This PDF has a form that sends or loads data over the internet. Fill in the form, then export "
        "it again as a plain PDF (in most PDF tools: Print → Save as PDF) and upload that."
    ),
    Refusal.PDF_EXTERNAL_LINK: gettext_lazy(
        "This PDF has links that open other files or programs rather than web pages. Export it again "
        "(in most PDF tools: Print → Save as PDF) and upload the new file."
    ),
    Refusal.PDF_MEDIA: gettext_lazy(
        "This PDF contains embedded media (video, sound, Flash or 3D). Export it again without the "
        "media (in most PDF tools: Print → Save as PDF) and upload the new file."
    ),
    Refusal.PDF_XFA: gettext_lazy(
        "This PDF is a dynamic (XFA) form, which most readers cannot show. Fill it in, print it to a "
        "new PDF (Print → Save as PDF) and upload that."
    ),
    Refusal.PDF_ATTACHMENT: gettext_lazy(
        "This PDF has files attached to it. Export the PDF again without attachments (in most PDF "
        "tools: Print → Save as PDF), and upload each attached document on its own."
    ),
    Refusal.DOCX_ENCRYPTED: gettext_lazy(
        "This Word document is protected by a password. Save a copy without the password and "
        "upload that."
    ),
    Refusal.DOCX_BROKEN: gettext_lazy(
        "This Word document cannot be read: it may be damaged. Save it again as .docx and upload "
        "the new file."
    ),
    Refusal.DOCX_UNSAFE_NAMES: gettext_lazy(
        "This Word document is packed in an unsafe way (its parts are named outside the document, or "
        "twice). Open it in your word processor, save it as a new .docx and upload that."
    ),
    Refusal.DOCX_MACRO: gettext_lazy(
        "This Word document contains macros. Save it as a plain Word document (.docx) without "
        "macros, or as a PDF, and upload that."
    ),
    Refusal.DOCX_DDE: gettext_lazy(
        "This Word document contains DDE fields, which can run commands on the reader's computer. "
        "Select all (Ctrl+A), press Ctrl+Shift+F9 to turn the fields into plain text, save and upload "
        "it again."
    ),
    Refusal.DOCX_REMOTE_FIELD: gettext_lazy(
        "This Word document has fields that load pictures or text from other files or the internet "
        "(such as INCLUDEPICTURE or INCLUDETEXT). Select all (Ctrl+A), press Ctrl+Shift+F9 to turn "
        "them into plain content, save and upload it again."
    ),
    Refusal.DOCX_LINKED_IMAGE: gettext_lazy(
        "This Word document links to pictures instead of containing them. Insert the pictures "
        "into the document itself (not as links), save it and upload it again."
    ),
    Refusal.DOCX_REMOTE_TEMPLATE: gettext_lazy(
        "This Word document loads its template from another file or the internet. Copy its content "
        "into a new blank document, save that as .docx and upload it."
    ),
    Refusal.DOCX_LINKED_OBJECT: gettext_lazy(
        "This Word document links to an object (such as a spreadsheet or a chart) kept in another "
        "file. Paste the object as a picture instead of a link, save and upload it again."
    ),
    Refusal.DOCX_LINKED_DOCUMENT: gettext_lazy(
        "This Word document pulls in other documents or web pages (frames, sub-documents or imported "
        "parts). Copy their content into the document itself, save it and upload it again."
    ),
    Refusal.DOCX_EXTERNAL_CONTENT: gettext_lazy(
        "This Word document loads content from outside the file (a link to another file or address "
        "that is not a web hyperlink). Remove the link, save it and upload it again."
    ),
    Refusal.DOCX_EMBEDDED_OBJECT: gettext_lazy(
        "This Word document has an object embedded in it (another file, a spreadsheet or a program). "
        "Delete the object or paste it as a picture, save and upload the document again."
    ),
}


def _format_names(formats: list[EvidenceFormat]) -> str:
    return _(", ").join(str(fmt) for fmt in formats)


def refusal_message(
    refused: EvidenceRefused, *, formats: list[EvidenceFormat], max_bytes: int, max_pages: int | None = None
) -> str:
    """The message a requester reads for a refused file, in the active language."""
    code = refused.code
    if code in MESSAGES:
        return str(MESSAGES[code])
    names = _format_names(formats) or _("none")
    if code == Refusal.TOO_LARGE:
        return _("This file is larger than %(limit)s, the most one file may be. Split it or reduce its "
                 "pictures, and upload it again.") % {"limit": filesizeformat(max_bytes)}
    if code == Refusal.PDF_TOO_MANY_PAGES:
        return _("This PDF has more than %(limit)s pages, the most one file may have. Split it into "
                 "smaller PDFs and upload each one.") % {"limit": max_pages or "-"}
    if code == Refusal.BARE_IMAGE:
        image_format = next((fmt for fmt in formats if fmt.carries_images), None)
        if image_format is None:
            return _("Pictures are not accepted on their own. Upload one of: %(formats)s.") % {
                "formats": names
            }
        return _("A picture cannot be uploaded on its own. Put it into a Word document (.%(extension)s), "
                 "save it and upload the document.") % {"extension": image_format.extension}
    if code == Refusal.EXECUTABLE:
        return _("This file is a program, not a document, whatever its name says. Upload one of: "
                 "%(formats)s.") % {"formats": names}
    if code == Refusal.ARCHIVE:
        return _("Archives (such as zip) are not accepted. Upload each document on its own as one of: "
                 "%(formats)s.") % {"formats": names}
    return _("This file type is not accepted. Upload one of: %(formats)s.") % {"formats": names}
