"""The three roles as groups with permissions, kept in step with the code after every migrate."""

from typing import Any

from django.apps import AppConfig
from django.apps import apps as django_apps
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

REQUESTER = "requester"
AGENT = "agent"
SUPERVISOR = "supervisor"

POLICY_MODELS = (
    "policysettings", "platform", "complaintnumberlookalike", "complainttype", "stage",
    "calendaroverride", "calendaryear", "specialcase", "documentrequirement", "alternativeroute",
    "evidencetier", "evidenceformat", "letterphrase",
)

# (app_label, codename) pairs per role; "view_*"-style lists are expanded below.
ROLE_PERMISSIONS: dict[str, list[tuple[str, str]]] = {
    REQUESTER: [
        ("tickets", "request_withdrawal"),
    ],
    AGENT: [
        ("tickets", "work_tickets"),
        ("tickets", "view_withdrawalticket"),
        ("tickets", "change_withdrawalticket"),
        ("tickets", "view_ticketevent"),
        ("tickets", "view_letter"),
        ("tickets", "view_stageentry"),
        ("complaints", "view_complaint"),
        ("evidence", "view_evidencefile"),
        ("identity", "view_identityverificationattempt"),
        ("casework", "view_replytemplate"),
        *[("policy", f"view_{model}") for model in POLICY_MODELS],
    ],
    SUPERVISOR: [
        ("tickets", "work_tickets"),
        ("tickets", "supervise_tickets"),
        ("tickets", "reveal_personal_data"),
        ("tickets", "view_withdrawalticket"),
        ("tickets", "change_withdrawalticket"),
        ("tickets", "view_ticketevent"),
        ("tickets", "view_letter"),
        ("tickets", "view_stageentry"),
        ("complaints", "view_complaint"),
        ("complaints", "change_complaint"),
        ("tickets", "change_letter"),
        ("evidence", "view_evidencefile"),
        ("evidence", "change_evidencefile"),
        ("identity", "view_identityverificationattempt"),
        ("accounts", "view_user"),
        ("accounts", "view_smschallenge"),
        ("casework", "view_replytemplate"),
        ("casework", "add_replytemplate"),
        ("casework", "change_replytemplate"),
        ("casework", "view_notification"),
        # What requesters are told, and how: supervisors word the notices; the rows stay read-only.
        ("notifications", "view_noticetemplate"),
        ("notifications", "change_noticetemplate"),
        ("notifications", "view_requesternotice"),
        ("notifications", "view_noticepreference"),
        ("outbound", "view_outboundmessage"),
        ("accounts", "view_team"),
        ("accounts", "add_team"),
        ("accounts", "change_team"),
        ("accounts", "view_agentprofile"),
        ("accounts", "add_agentprofile"),
        ("accounts", "change_agentprofile"),
        *[
            ("policy", f"{action}_{model}")
            for model in POLICY_MODELS
            for action in ("view", "add", "change", "delete")
        ],
        *[
            ("django_celery_beat", f"{action}_{model}")
            for model in ("periodictask", "intervalschedule", "crontabschedule")
            for action in ("view", "change")
        ],
    ],
}


def roles_sync() -> dict[str, int]:
    """Create the role groups and give each exactly its permissions; return the count per role."""
    counts = {}
    for role, pairs in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        query = Q(pk__in=[])
        for app_label, codename in pairs:
            query |= Q(content_type__app_label=app_label, codename=codename)
        permissions = list(Permission.objects.filter(query))
        group.permissions.set(permissions)
        counts[role] = len(permissions)
    return counts


def roles_sync_after_migrate(*, app_config: AppConfig, **kwargs: Any) -> None:
    """post_migrate receiver: sync once, after the last app's permissions have been created."""
    apps_with_models = [config for config in django_apps.get_app_configs() if config.models_module]
    if app_config is apps_with_models[-1]:
        roles_sync()
