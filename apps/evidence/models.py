"""Evidence files attached to a withdrawal ticket, with what their content was found to be."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.evidence.storage import evidence_path, private_storage

models.CharField.register_lookup(Length)


class EvidenceFile(models.Model):
    """One uploaded file: its tier, the document it stands for, its detected type, size and digest."""

    ticket = models.ForeignKey(
        "tickets.WithdrawalTicket", on_delete=models.PROTECT, related_name="evidence_files"
    )
    tier = models.ForeignKey(
        "policy.EvidenceTier", on_delete=models.PROTECT, related_name="files", verbose_name=_("tier")
    )
    document = models.ForeignKey(
        "policy.DocumentRequirement", on_delete=models.PROTECT, related_name="files",
        null=True, blank=True, verbose_name=_("required document it provides"),
    )
    file = models.FileField(_("file"), storage=private_storage, upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("original file name"), max_length=255)
    detected_type = models.CharField(_("detected type"), max_length=120)
    size = models.BigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        null=True, blank=True, verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        constraints = [
            models.CheckConstraint(condition=Q(size__gte=0), name="evidence_size_non_negative"),
            models.CheckConstraint(condition=Q(sha256__length=64), name="evidence_sha256_length"),
            models.UniqueConstraint(fields=["ticket", "sha256"], name="evidence_once_per_ticket"),
        ]
        indexes = [models.Index(fields=["ticket", "tier"], name="evidence_ticket_tier_idx")]

    def __str__(self) -> str:
        return self.original_name

    @property
    def erased(self) -> bool:
        """Its file and name were erased at the end of their retention period (apps.privacy)."""
        return not self.file
