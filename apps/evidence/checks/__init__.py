"""Evidence file checks, pure (no Django): what a file is, proved by its format's own tools.

`evidence_sniff` runs in the calling process (tests, tools); the service uses
`evidence_sniff_bounded`, the same check in a child process with hard limits.
"""

from apps.evidence.checks.base import (
    DOCX_MIME,
    EXTENSION_BY_MIME,
    PDF_MIME,
    VERIFIABLE_MIME_TYPES,
    CheckLimits,
    EvidenceRefused,
    Refusal,
    Sniffed,
    size_check,
)
from apps.evidence.checks.bounded import ChildVerdict, evidence_sniff_bounded, sniff_in_child
from apps.evidence.checks.office import DOCX_MAIN_PART
from apps.evidence.checks.sniff import evidence_sniff
from apps.evidence.checks.zip import (
    MAX_MEMBER_COMPRESSION_RATIO,
    MAX_TOTAL_COMPRESSION_RATIO,
    MAX_ZIP_MEMBERS,
    MAX_ZIP_UNCOMPRESSED_BYTES,
    RATIO_CHECKED_FROM_BYTES,
)

__all__ = [
    "DOCX_MAIN_PART",
    "DOCX_MIME",
    "EXTENSION_BY_MIME",
    "MAX_MEMBER_COMPRESSION_RATIO",
    "MAX_TOTAL_COMPRESSION_RATIO",
    "MAX_ZIP_MEMBERS",
    "MAX_ZIP_UNCOMPRESSED_BYTES",
    "PDF_MIME",
    "RATIO_CHECKED_FROM_BYTES",
    "VERIFIABLE_MIME_TYPES",
    "CheckLimits",
    "ChildVerdict",
    "EvidenceRefused",
    "Refusal",
    "Sniffed",
    "evidence_sniff",
    "evidence_sniff_bounded",
    "size_check",
    "sniff_in_child",
]
