"""Writes of the integration layer: API keys and webhook subscriptions."""

import json
import logging
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import TypeVar

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import JSONField, Model, Q
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.core import clock
from apps.core.errors import ApplicationError
from apps.integrations import conf, keys
from apps.integrations.models import ApiKey, Integration, WebhookSubscription
from apps.integrations.scopes import Scope
from apps.policy.models import Platform
from apps.tickets.models import EventKind

logger = logging.getLogger(__name__)
PREFIX_ATTEMPTS = 5
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _text(secret: str | bytes) -> str:
    return secret.decode() if isinstance(secret, bytes) else secret


def server_secrets() -> list[str]:
    """The current secret key first, then the fallbacks still accepted during a rotation."""
    return [_text(settings.SECRET_KEY), *(_text(s) for s in getattr(settings, "SECRET_KEY_FALLBACKS", []))]


def _scopes_clean(scopes: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(scopes))
    unknown = [scope for scope in chosen if scope not in Scope.values]
    if unknown:
        raise ApplicationError(
            _("Unknown scope: %(scopes)s.") % {"scopes": ", ".join(unknown)},
            {"fields": {"scopes": [_("Choose from the listed scopes.")]}},
        )
    if not chosen:
        raise ApplicationError(
            _("Give the key at least one scope."), {"fields": {"scopes": [_("Choose at least one scope.")]}}
        )
    return sorted(chosen)


def api_key_issue(
    *,
    integration: Integration,
    scopes: Iterable[str],
    expires_at: datetime | None,
    actor: User | None,
    label: str = "",
) -> tuple[ApiKey, str]:
    """Create a key; return it with the plain key, which exists only in this return value."""
    cleaned = _scopes_clean(scopes)
    if expires_at is not None and expires_at <= clock.now():
        raise ApplicationError(
            _("The expiry date is already past."),
            {"fields": {"expires_at": [_("Choose a moment in the future, or none.")]}},
        )
    for _attempt in range(PREFIX_ATTEMPTS):
        prefix = keys.key_prefix_new(conf.api_key_environment())
        plain = keys.key_new(prefix)
        try:
            with transaction.atomic():
                key = ApiKey.objects.create(
                    integration=integration,
                    label=label,
                    prefix=prefix,
                    secret_hash=keys.key_hash(plain, server_secrets()[0]),
                    scopes=cleaned,
                    expires_at=expires_at,
                    created_by=actor,
                    created_at=clock.now(),
                )
        except IntegrityError:  # 40 random bits: a clash is rare, but possible
            continue
        return key, plain
    raise ApplicationError(_("Could not create a key; try again."))


def api_key_revoke(*, key: ApiKey, actor: User | None) -> ApiKey:
    """Refuse the key from now on; revoking twice keeps the first moment."""
    if ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=clock.now()):
        logger.info("API key %s revoked by %s", key.prefix, actor.pk if actor else "system")
    key.refresh_from_db(fields=["revoked_at"])
    return key


def api_key_authenticate(*, plain: str) -> ApiKey:
    """Return the usable key for this secret, or raise ApplicationError with the reason."""
    prefix = keys.key_prefix_of(plain)
    key = _key_with_platforms(prefix) if prefix else None
    secrets_ = server_secrets()
    matched = keys.key_matches(plain, key.secret_hash if key else "0" * 64, secrets_)
    if key is None or matched is None:
        raise ApplicationError(_("Invalid API key."))
    now = clock.now()
    if key.revoked_at is not None:
        raise ApplicationError(_("This API key was revoked."))
    if key.is_expired(now):
        raise ApplicationError(_("This API key has expired."))
    if not key.integration.active:
        raise ApplicationError(_("This integration is turned off."))
    _key_touch(key, now=now, rehash=plain if matched > 0 else None)
    return key


# Authentication runs at every API request: the key, its integration's name and state, the
# integration's platforms (whole rows: most writes name one) and the service user its writes act as
# (apps.api.services, username "api-<integration id>") in one statement, where the ORM asked four
# times and spent more compiling than PostgreSQL answering.
KEY_LOOKUP_SQL = """
SELECT k.*, i.name AS integration_name, i.active AS integration_active,
       COALESCE((SELECT json_agg(p ORDER BY p.id)
                 FROM policy_platform p
                 JOIN integrations_integration_platforms ip ON ip.platform_id = p.id
                 WHERE ip.integration_id = k.integration_id), '[]') AS platform_rows,
       (SELECT row_to_json(u) FROM accounts_user u
        WHERE u.username = 'api-' || k.integration_id) AS service_user_row
FROM integrations_apikey k
JOIN integrations_integration i ON i.id = k.integration_id
WHERE k.prefix = %s
"""


def _key_with_platforms(prefix: str) -> ApiKey | None:
    """The key with its integration (its other fields load if asked) and the platforms."""
    if connection.vendor != "postgresql":  # Integration.platform_ids() reads them when first asked
        return ApiKey.objects.select_related("integration").filter(prefix=prefix).first()
    key = next(iter(ApiKey.objects.raw(KEY_LOOKUP_SQL, [prefix])), None)
    if key is None:
        return None
    extra = key.__dict__  # the statement's own columns, set by raw() as attributes
    values = [key.integration_id, extra["integration_name"], extra["integration_active"]]
    key.integration = Integration.from_db(key._state.db, ["id", "name", "active"], values)
    rows = extra["platform_rows"]
    rows = json.loads(rows) if isinstance(rows, str) else rows
    key.integration.platforms_known(
        [_model_from_json(Platform, row, using=key._state.db) for row in rows]
    )
    user_row = extra["service_user_row"]
    if user_row is not None:
        user_row = json.loads(user_row) if isinstance(user_row, str) else user_row
        key.integration.service_user_known(_model_from_json(User, user_row, using=key._state.db))
    return key


M = TypeVar("M", bound=Model)


def _model_from_json(model: type[M], row: dict[str, object], *, using: str | None) -> M:
    """A model instance from a `json_agg` / `row_to_json` row (column name to JSON value)."""
    fields = model._meta.concrete_fields
    return model.from_db(
        using,
        [field.attname for field in fields],
        [row[field.attname] if isinstance(field, JSONField) else field.to_python(row[field.attname])
         for field in fields],
    )


def _key_touch(key: ApiKey, *, now: datetime, rehash: str | None) -> None:
    """Note the use at most once a minute: a busy key must not write a row per request."""
    changes: dict[str, object] = {}
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
        changes["last_used_at"] = now
    if rehash is not None:  # matched an old secret key: store the hash under the current one
        changes["secret_hash"] = keys.key_hash(rehash, server_secrets()[0])
    if not changes:
        return
    rows = ApiKey.objects.filter(pk=key.pk)
    if rehash is None:  # a concurrent request may have noted it already: then write nothing
        rows = rows.filter(Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_RESOLUTION))
    rows.update(**changes)
    for field, value in changes.items():
        setattr(key, field, value)


# ------------------------------------------------------------------------------ webhooks


def _kinds_clean(kinds: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(kinds))
    unknown = [kind for kind in chosen if kind not in EventKind.values]
    if unknown or not chosen:
        raise ApplicationError(
            _("Choose at least one event kind from the list."),
            {"fields": {"event_kinds": [_("Choose at least one event kind from the list.")]}},
        )
    return sorted(chosen)


def webhook_subscription_create(
    *, integration: Integration, url: str, event_kinds: Sequence[str], active: bool = True
) -> tuple[WebhookSubscription, str]:
    """Create a subscription; return it with its signing secret, to be handed to the receiver."""
    subscription = WebhookSubscription.objects.create(
        integration=integration, url=url, event_kinds=_kinds_clean(event_kinds), active=active,
        created_at=clock.now(),
    )
    return subscription, webhook_secret_of(subscription)


def webhook_secret_rotate(*, subscription: WebhookSubscription) -> str:
    """Give the subscription a new signing secret and return it; the old one stops at once."""
    subscription.secret_salt = keys.webhook_salt_new()
    subscription.save(update_fields=["secret_salt"])
    return webhook_secret_of(subscription)


def webhook_secret_of(subscription: WebhookSubscription) -> str:
    return keys.webhook_secret(subscription.secret_salt, server_secrets()[0])


def webhook_signing_secrets(subscription: WebhookSubscription) -> list[str]:
    """The secrets a delivery is signed with: the current one, then those of fallback keys."""
    return [keys.webhook_secret(subscription.secret_salt, secret) for secret in server_secrets()]
