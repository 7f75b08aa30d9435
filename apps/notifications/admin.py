"""Admin: notice templates edited with a preview; the portal notices and the channel choices, read-only."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from apps.core.admin import ReadOnlyAdminMixin, TicketScopedAdminMixin
from apps.notifications.catalog import SAMPLE_TIME_ZONE, NoticeChannel, sample_context, variables_for
from apps.notifications.models import NoticePreference, NoticeTemplate, RequesterNotice
from apps.notifications.rendering import context_flatten, template_render


def template_preview(template: NoticeTemplate) -> dict[str, str]:
    """The template rendered with its event's fixed example: what a requester would read."""
    values = context_flatten(
        sample_context(template.event), tz=SAMPLE_TIME_ZONE, language=template.language
    )
    preview = {
        "subject": template_render(template.subject, values),
        "body": template_render(template.body, values),
        "html_body": template_render(template.html_body, values, html=True),
    }
    if template.channel == NoticeChannel.SMS:
        preview["sms_params"] = ", ".join(
            f"{name}={values.get(name, '')}" for name in template.sms_params if isinstance(name, str)
        )
    return preview


def preview_html(template: NoticeTemplate) -> SafeString:
    """The preview as HTML: texts escaped, an HTML part inside a sandboxed frame (no scripts run)."""
    preview = template_preview(template)
    parts = [
        format_html("<p><strong>{}</strong> {}</p>", template.get_channel_display(), preview["subject"])
    ]
    parts.append(format_html('<pre style="white-space:pre-wrap;max-width:60em">{}</pre>', preview["body"]))
    if preview.get("sms_params"):
        parts.append(format_html("<p>{}: {}</p>", _("provider variables"), preview["sms_params"]))
    if preview["html_body"]:
        parts.append(
            format_html(
                '<iframe sandbox="" srcdoc="{}" '
                'style="width:100%;max-width:60em;height:16em;border:1px solid #ccc"></iframe>',
                preview["html_body"],
            )
        )
    return format_html_join("", "{}", ((part,) for part in parts))


@admin.register(NoticeTemplate)
class NoticeTemplateAdmin(admin.ModelAdmin):
    list_display = ("event", "language", "channel", "subject", "active", "updated_at")
    list_filter = ("event", "language", "channel", "active")
    search_fields = ("subject", "body", "sms_template_code")
    ordering = ("event", "language", "channel")
    readonly_fields = ("variables", "preview", "updated_at")
    fieldsets = (
        (None, {"fields": ("event", "language", "channel", "active")}),
        (_("Wording"), {"fields": ("variables", "subject", "body", "html_body")}),
        (_("Text message at the provider"), {"fields": ("sms_template_code", "sms_params")}),
        (_("Preview (as saved, with an example)"), {"fields": ("preview", "updated_at")}),
    )
    actions = ["preview_selected"]

    @admin.display(description=_("variables you can use"))
    def variables(self, template: NoticeTemplate) -> str:
        if not template.event:
            return "-"
        return ", ".join(f"{{{{ {name} }}}}" for name in variables_for(template.event))

    @admin.display(description=_("preview"))
    def preview(self, template: NoticeTemplate) -> SafeString | str:
        if template.pk is None:
            return str(_("Save the template to see it with an example."))
        siblings = NoticeTemplate.objects.filter(event=template.event, language=template.language).order_by(
            "channel"
        )
        return format_html_join(
            "",
            "<div style='margin-bottom:1em'>{}</div>",
            ((preview_html(sibling),) for sibling in siblings),
        )

    @admin.action(description=_("Preview the selected templates"))
    def preview_selected(
        self, request: HttpRequest, queryset: QuerySet[NoticeTemplate]
    ) -> TemplateResponse:
        rows = [
            (template, preview_html(template))
            for template in queryset.order_by("event", "language", "channel")
        ]
        context: dict[str, Any] = {
            **self.admin_site.each_context(request),
            "title": _("Preview of notice templates"),
            "opts": self.model._meta,
            "rows": rows,
        }
        return TemplateResponse(request, "admin/notifications/preview.html", context)


@admin.register(RequesterNotice)
class RequesterNoticeAdmin(TicketScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    ticket_path = "ticket"
    list_display = ("created_at", "event", "ticket", "title", "read_at")
    list_filter = ("event",)
    list_select_related = ("ticket",)
    search_fields = ("ticket__reference", "dedupe_key")
    date_hierarchy = "created_at"
    raw_id_fields = ("ticket", "requester")
    fields = (
        "ticket",
        "requester",
        "event",
        "title",
        "body",
        "deadline_at",
        "created_at",
        "read_at",
        "dedupe_key",
    )
    readonly_fields = fields


@admin.register(NoticePreference)
class NoticePreferenceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("requester", "sms", "email", "updated_at")
    list_filter = ("sms", "email")
    list_select_related = ("requester",)
    raw_id_fields = ("requester",)
    fields = ("requester", "sms", "email", "updated_at")
    readonly_fields = fields
