"""Notices to requesters: the templates administrators edit, each requester's channels, the portal list."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.notifications.catalog import (
    URL_VARIABLES,
    NoticeChannel,
    NoticeEvent,
    NoticeLanguage,
    variables_for,
)
from apps.notifications.rendering import template_error


class NoticeTemplate(models.Model):
    """The wording of one notice, per event, language and channel, in sandboxed Django template syntax."""

    event = models.CharField(_("event"), max_length=32, choices=NoticeEvent.choices)
    language = models.CharField(_("language"), max_length=8, choices=NoticeLanguage.choices)
    channel = models.CharField(_("channel"), max_length=8, choices=NoticeChannel.choices)
    subject = models.CharField(
        _("subject"),
        max_length=200,
        blank=True,
        help_text=_("The e-mail's subject, or the title in the portal's list."),
    )
    body = models.TextField(
        _("text"),
        help_text=_(
            "Django template syntax, e.g. {{ reference }}; a variable that does not exist renders empty."
        ),
    )
    html_body = models.TextField(
        _("HTML text (e-mail)"),
        blank=True,
        help_text=_("Optional second part of an e-mail; values are escaped."),
    )
    sms_template_code = models.CharField(
        _("SMS provider template id"),
        max_length=64,
        blank=True,
        help_text=_(
            "The id of the approved template at the SMS provider (Tencent TemplateId, Alibaba TemplateCode)."
        ),
    )
    sms_params = models.JSONField(
        _("SMS template variables, in order"),
        default=list,
        blank=True,
        help_text=_(
            'The variables the provider\'s template takes, in its order, e.g. ["reference", "received_at"].'
        ),
    )
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive: nothing goes out on this channel.")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["event", "language", "channel"]
        verbose_name = _("notice template")
        verbose_name_plural = _("notice templates")
        constraints = [
            models.UniqueConstraint(fields=["event", "language", "channel"], name="noticetemplate_unique"),
            models.CheckConstraint(
                condition=Q(event__in=NoticeEvent.values), name="noticetemplate_event_valid"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=NoticeChannel.values), name="noticetemplate_channel_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_event_display()} · {self.get_language_display()} · {self.get_channel_display()}"

    def clean(self) -> None:
        """Refuse a template that does not compile, and SMS variables the provider could not take."""
        errors: dict[str, list[str]] = {}
        for field in ("subject", "body", "html_body"):
            problem = template_error(getattr(self, field) or "")
            if problem:
                errors[field] = [str(_("This template does not compile: %(error)s") % {"error": problem})]
        if self.channel == NoticeChannel.SMS:
            self._clean_sms(errors)
        if errors:
            raise ValidationError(errors)

    def _clean_sms(self, errors: dict[str, list[str]]) -> None:
        if not self.sms_template_code.strip():
            errors["sms_template_code"] = [str(_("A text message needs the provider's template id."))]
        params = self.sms_params
        if not isinstance(params, list) or not all(isinstance(name, str) for name in params):
            errors["sms_params"] = [str(_('Give a list of variable names, e.g. ["reference"].'))]
            return
        known = variables_for(self.event)
        unknown = [name for name in params if name not in known]
        if unknown:
            errors["sms_params"] = [
                str(
                    _("Unknown for this event: %(unknown)s. Available: %(known)s.")
                    % {"unknown": ", ".join(unknown), "known": ", ".join(known)}
                )
            ]
        elif URL_VARIABLES & set(params):
            errors["sms_params"] = [str(_("SMS providers refuse links in template variables."))]


class NoticePreference(models.Model):
    """The channels a requester chose; the portal's list is always on."""

    requester = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notice_preference",
        verbose_name=_("requester"),
    )
    sms = models.BooleanField(_("text messages"), default=True)
    email = models.BooleanField(
        _("e-mails"), default=True, help_text=_("Sent only to a requester with an address.")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("notice preference")
        verbose_name_plural = _("notice preferences")

    def __str__(self) -> str:
        return str(self.requester)


class RequesterNotice(models.Model):
    """One entry of a requester's notification list in the portal; written with the event it tells of."""

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notices",
        verbose_name=_("requester"),
        db_index=False,
    )
    ticket = models.ForeignKey(
        "tickets.WithdrawalTicket",
        on_delete=models.CASCADE,
        related_name="requester_notices",
        verbose_name=_("ticket"),
    )
    event = models.CharField(_("event"), max_length=32, choices=NoticeEvent.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    deadline_at = models.DateTimeField(
        _("deadline told of"),
        null=True,
        blank=True,
        help_text=_("For a warning: the moment it warns of, so each deadline is told once."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    dedupe_key = models.CharField(
        _("idempotency key"),
        max_length=120,
        help_text=_("One notice per key: the same event told twice lands once, on every channel."),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("requester notice")
        verbose_name_plural = _("requester notices")
        constraints = [
            models.UniqueConstraint(fields=["dedupe_key"], name="requesternotice_dedupe_key_unique"),
        ]
        indexes = [
            models.Index(fields=["requester", "-created_at"], name="requesternotice_list_idx"),
            # "My unread": the portal's count on every page, and mark-all-read.
            models.Index(
                fields=["requester"], name="requesternotice_unread_idx", condition=Q(read_at__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return self.title
