"""The thread of a ticket: messages between requester and agent, and the agents' internal notes."""

import uuid
from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.evidence.storage import private_storage

MESSAGE_MAX_LENGTH = 5000


class MessageKind(models.TextChoices):
    MESSAGE = "message", _("message")
    NOTE = "note", _("internal note")


class AuthorRole(models.TextChoices):
    REQUESTER = "requester", _("requester")
    AGENT = "agent", _("customer service")
    INTEGRATION = "integration", _("platform")


class Message(models.Model):
    """One message of a ticket's thread, or an internal note only staff ever see."""

    ticket = models.ForeignKey(
        "tickets.WithdrawalTicket", on_delete=models.PROTECT, related_name="messages",
        verbose_name=_("ticket"), db_index=False,
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=MessageKind.choices, default=MessageKind.MESSAGE
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        null=True, blank=True, verbose_name=_("author"), db_index=False,
    )
    author_role = models.CharField(_("written by"), max_length=12, choices=AuthorRole.choices)
    author_label = models.CharField(
        _("author (label)"), max_length=100, blank=True,
        help_text=_("Who wrote it when no person did: 'api:<integration>'."),
    )
    body = models.TextField(_("text"), max_length=MESSAGE_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    answers_request = models.BooleanField(
        _("answers an evidence request"), default=False,
        help_text=_("This message brought the ticket back from waiting on the requester."),
    )
    requester_read_at = models.DateTimeField(_("read by the requester at"), null=True, blank=True)
    staff_read_at = models.DateTimeField(_("read by customer service at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=MessageKind.values), name="message_kind_valid"),
            models.CheckConstraint(condition=Q(author_role__in=AuthorRole.values), name="message_role_valid"),
            models.CheckConstraint(
                condition=~Q(kind=MessageKind.NOTE) | ~Q(author_role=AuthorRole.REQUESTER),
                name="message_note_by_staff",
            ),
        ]
        indexes = [
            models.Index(fields=["ticket", "created_at", "id"], name="message_thread_idx"),
            # The queue's "unread" mark: requester messages no agent has read yet.
            models.Index(
                fields=["ticket"], name="message_unread_by_staff_idx",
                condition=Q(author_role="requester", staff_read_at__isnull=True),
            ),
            # The portal's unread count: staff messages the requester has not read yet.
            models.Index(
                fields=["ticket"], name="message_unread_by_req_idx",
                condition=Q(kind="message", requester_read_at__isnull=True) & ~Q(author_role="requester"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"

    @property
    def author_name(self) -> str:
        """How a thread names its author: a platform by its integration's name, a person by theirs."""
        if self.author_label.startswith("api:"):
            return self.author_label.removeprefix("api:")
        if self.author is not None:
            return str(self.author)
        return self.author_label

    def files(self) -> list["Attachment"]:
        """Its attachments, oldest first: as the thread's read or the post loaded them, else one query.

        Loaded into `attachment_list` (a prefetch's `to_attr`): a list, not a queryset per message,
        which cost Django a third of a thread page's time.
        """
        loaded: list[Attachment] | None = getattr(self, "attachment_list", None)
        return loaded if loaded is not None else list(self.attachments.order_by("id"))

    @property
    def read_at(self) -> datetime | None:
        """When the other side read it: staff a requester's message, the requester the rest; a note never."""
        if self.kind == MessageKind.NOTE:
            return None
        return self.staff_read_at if self.author_role == AuthorRole.REQUESTER else self.requester_read_at


def attachment_path(instance: object, filename: str) -> str:
    """Store under an opaque name: the sender's file name is kept in the row, never on disk."""
    return f"messages/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """A file sent with a message, checked as evidence is; an agent may file it as evidence of a tier."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    ticket = models.ForeignKey(
        "tickets.WithdrawalTicket", on_delete=models.PROTECT, related_name="+", db_index=False,
    )
    file = models.FileField(_("file"), storage=private_storage, upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    detected_type = models.CharField(_("detected type"), max_length=120)
    size = models.BigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    evidence = models.OneToOneField(
        "evidence.EvidenceFile", on_delete=models.SET_NULL, null=True, blank=True, related_name="attachment",
        verbose_name=_("filed as evidence"),
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [models.CheckConstraint(condition=Q(size__gte=0), name="attachment_size_non_negative")]

    def __str__(self) -> str:
        return self.original_name

    @property
    def erased(self) -> bool:
        """Its file and name were erased at the end of their retention period (apps.privacy)."""
        return not self.file
