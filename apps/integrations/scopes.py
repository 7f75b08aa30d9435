"""The fixed set of scopes an API key may hold: one per resource and direction.

`notes` is the one staff scope: internal notes are customer service's own, never the requester's,
so a key sees and writes them only when an administrator ticked it for that key.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    COMPLAINTS_READ = "complaints:read", _("read complaints")
    COMPLAINTS_WRITE = "complaints:write", _("create complaints")
    TICKETS_READ = "tickets:read", _("read withdrawal tickets and their timeline")
    TICKETS_WRITE = "tickets:write", _("create withdrawal tickets and advance their intake")
    EVIDENCE_READ = "evidence:read", _("list and download evidence")
    EVIDENCE_WRITE = "evidence:write", _("upload evidence")
    ACTIONS_WRITE = "actions:write", _("act as an agent: assign, contact, decide, route")
    POLICIES_READ = "policies:read", _("read the policy")
    WEBHOOKS_MANAGE = "webhooks:manage", _("manage webhook subscriptions")
    NOTES = "notes", _("read and write internal notes (staff only; never shown to requesters)")
