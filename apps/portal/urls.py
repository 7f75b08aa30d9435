from django.urls import path

import apps.core.converters  # noqa: F401  (registers <reference:>, <code:>, <id:>)
from apps.portal import conversation_views, letter_step, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("withdraw/", views.withdraw_start, name="withdraw_start"),
    path("withdraw/<reference:reference>/platform/", views.step_platform, name="step_platform"),
    path("withdraw/<reference:reference>/complaint/", views.step_complaint, name="step_complaint"),
    path("withdraw/<reference:reference>/identity/", views.step_identity, name="step_identity"),
    path("withdraw/<reference:reference>/letter/", views.step_letter, name="step_letter"),
    path("withdraw/<reference:reference>/letter/check/", letter_step.letter_live_check, name="letter_check"),
    path(
        "withdraw/<reference:reference>/letter/autosave/", letter_step.letter_autosave_view,
        name="letter_autosave",
    ),
    path("withdraw/<reference:reference>/submit/", views.step_submit, name="step_submit"),
    path("withdraw/<reference:reference>/abandon/", views.draft_abandon, name="draft_abandon"),
    path("tickets/", views.my_tickets, name="my_tickets"),
    path("tickets/<reference:reference>/", views.ticket_detail, name="ticket_detail"),
    path("tickets/<reference:reference>/evidence/", views.evidence_add, name="evidence_add"),
    path("tickets/<reference:reference>/reply/", views.ticket_reply, name="ticket_reply"),
    path("tickets/<reference:reference>/messages/", conversation_views.message_send, name="message_send"),
    path(
        "tickets/<reference:reference>/messages/check/", conversation_views.message_check,
        name="message_check",
    ),
    path(
        "tickets/<reference:reference>/attachments/<id:pk>/", conversation_views.attachment_download,
        name="attachment",
    ),
    path("cancel/", views.cool_off, name="cool_off"),
]

# The requester's personal data (apps/privacy): download it all, ask for closed tickets' erasure.
from apps.privacy import portal_views as privacy_views  # noqa: E402

urlpatterns += [
    path("my-data/", privacy_views.my_data, name="my_data"),
    path("my-data/download/", privacy_views.data_export, name="data_export"),
    path("my-data/erasure/", privacy_views.erasure_request, name="erasure_request"),
]
