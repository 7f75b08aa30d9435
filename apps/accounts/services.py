"""Requester sign-in by mobile number: send an SMS code, verify it, get or create the requester.

Rate limits and the lock-out are computed from the SmsChallenge rows themselves, so they hold
across processes and follow the injected clock in tests.
"""

import hashlib
import math
import re
import secrets
import unicodedata
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.accounts.models import SmsChallenge, User
from apps.accounts.roles import AGENT, REQUESTER, SUPERVISOR
from apps.accounts.sms import sms_provider_get
from apps.core import clock
from apps.core.crypto.hashing import lookup_hashes
from apps.core.errors import ApplicationError
from apps.core.masking import mask_phone

SMS_CODE_DIGITS = 6
SMS_CODE_VALIDITY = timedelta(minutes=5)
SMS_WRONG_TRIES_PER_CODE = 5

SMS_RESEND_INTERVAL = timedelta(seconds=60)
SMS_RATE_WINDOW = timedelta(hours=1)
SMS_CODES_PER_PHONE_PER_WINDOW = 5
SMS_CODES_PER_IP_PER_WINDOW = 20

SIGN_IN_FAILURE_WINDOW = timedelta(hours=1)
SIGN_IN_FAILURES_BEFORE_LOCKOUT = 10
SIGN_IN_LOCKOUT = timedelta(minutes=15)

MAINLAND_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_SEPARATORS = re.compile(r"[\s\-()]")
_CODE_HASH_SALT = "chehui.accounts.sms_code"


def phone_normalise(*, phone: str) -> str:
    """Return a mainland China mobile number as 11 digits; accept +86, spaces, dashes, full-width digits."""
    compact = _SEPARATORS.sub("", unicodedata.normalize("NFKC", phone or ""))
    for prefix in ("+86", "0086"):
        if compact.startswith(prefix):
            compact = compact.removeprefix(prefix)
            break
    if not MAINLAND_MOBILE.fullmatch(compact):
        raise ApplicationError(
            _("Enter a mainland China mobile number: 11 digits starting with 1, e.g. 13800138000."),
            {"field": "phone", "reason": "invalid_phone"},
        )
    return compact


def sms_code_send(*, phone: str, ip_address: str | None, now: datetime | None = None) -> SmsChallenge:
    """Send a new sign-in code to the number, within the rate limits; the SMS leaves after commit."""
    now = now or clock.now()
    phone = phone_normalise(phone=phone)
    purpose = SmsChallenge.Purpose.SIGN_IN
    code = f"{secrets.randbelow(10**SMS_CODE_DIGITS):0{SMS_CODE_DIGITS}d}"
    with transaction.atomic():
        _serialise_on(f"sms-phone:{phone}", *([f"sms-ip:{ip_address}"] if ip_address else []))
        locked_until, _failures = _phone_lockout(phone=phone, now=now)
        if locked_until is not None and locked_until > now:
            raise _locked_error(locked_until=locked_until, now=now)
        _check_phone_rate(phone=phone, now=now)
        if ip_address:
            _check_ip_rate(ip_address=ip_address, now=now)
        challenge = SmsChallenge.objects.create(
            phone=phone,
            code_hash=_code_hash(phone=phone, purpose=purpose, code=code),
            purpose=purpose,
            created_at=now,
            expires_at=now + SMS_CODE_VALIDITY,
            ip_address=ip_address,
        )
        transaction.on_commit(partial(sms_provider_get().send_code, phone=phone, code=code, purpose=purpose))
    return challenge


def sms_code_verify(*, phone: str, code: str, now: datetime | None = None) -> User:
    """Check the latest code sent to the number; on success use it up and return the requester.

    A wrong code is saved before its error is raised, so the tries and the lock-out count.
    """
    now = now or clock.now()
    phone = phone_normalise(phone=phone)
    purpose = SmsChallenge.Purpose.SIGN_IN
    wrong_code: ApplicationError | None = None
    with transaction.atomic():
        _serialise_on(f"sms-phone:{phone}")
        locked_until, _failures = _phone_lockout(phone=phone, now=now)
        if locked_until is not None and locked_until > now:
            raise _locked_error(locked_until=locked_until, now=now)
        challenge = _usable_challenge(
            challenge=SmsChallenge.objects.select_for_update()
            .filter(phone_hash__in=lookup_hashes("phone", phone), purpose=purpose)
            .order_by("-created_at", "-pk")
            .first(),
            now=now,
        )
        if constant_time_compare(_code_hash(phone=phone, purpose=purpose, code=code), challenge.code_hash):
            user = requester_get_or_create(phone=phone)
            challenge.consumed_at = now
            challenge.save(update_fields=["consumed_at"])
        else:
            wrong_code = _wrong_code_record(challenge=challenge, now=now)
    if wrong_code is not None:
        raise wrong_code
    return user


# ---------------------------------------------------------------------------- checks


def _check_phone_rate(*, phone: str, now: datetime) -> None:
    recent = list(
        SmsChallenge.objects.filter(
            phone_hash__in=lookup_hashes("phone", phone), created_at__gt=now - SMS_RATE_WINDOW
        )
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:SMS_CODES_PER_PHONE_PER_WINDOW]
    )
    if recent and recent[0] + SMS_RESEND_INTERVAL > now:
        seconds = _seconds_until(recent[0] + SMS_RESEND_INTERVAL, now=now)
        raise ApplicationError(
            ngettext(
                "A code was sent to this number less than a minute ago. "
                "You can ask for another in %(seconds)s second.",
                "A code was sent to this number less than a minute ago. "
                "You can ask for another in %(seconds)s seconds.",
                seconds,
            ) % {"seconds": seconds},
            {"field": "phone", "reason": "resend_too_soon", "retry_after": seconds},
        )
    if len(recent) >= SMS_CODES_PER_PHONE_PER_WINDOW:
        seconds = _seconds_until(recent[-1] + SMS_RATE_WINDOW, now=now)
        minutes = _minutes(seconds)
        raise ApplicationError(
            ngettext(
                "This number has been sent %(count)s codes in the last hour. "
                "You can ask for another in %(minutes)s minute.",
                "This number has been sent %(count)s codes in the last hour. "
                "You can ask for another in %(minutes)s minutes.",
                minutes,
            ) % {"count": SMS_CODES_PER_PHONE_PER_WINDOW, "minutes": minutes},
            {"field": "phone", "reason": "phone_hourly_limit", "retry_after": seconds},
        )


def _check_ip_rate(*, ip_address: str, now: datetime) -> None:
    recent = list(
        SmsChallenge.objects.filter(
            ip_hash__in=lookup_hashes("ip", ip_address), created_at__gt=now - SMS_RATE_WINDOW
        )
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:SMS_CODES_PER_IP_PER_WINDOW]
    )
    if len(recent) >= SMS_CODES_PER_IP_PER_WINDOW:
        seconds = _seconds_until(recent[-1] + SMS_RATE_WINDOW, now=now)
        minutes = _minutes(seconds)
        raise ApplicationError(
            ngettext(
                "Too many codes have been asked for from your network in the last hour. "
                "Please try again in %(minutes)s minute.",
                "Too many codes have been asked for from your network in the last hour. "
                "Please try again in %(minutes)s minutes.",
                minutes,
            ) % {"minutes": minutes},
            {"field": "phone", "reason": "ip_hourly_limit", "retry_after": seconds},
        )


def _usable_challenge(*, challenge: SmsChallenge | None, now: datetime) -> SmsChallenge:
    """Return the latest challenge if its code may still be tried; else say why not."""
    if challenge is None:
        raise ApplicationError(
            _("No code has been sent to this number yet. Ask for a code first."),
            {"field": "code", "reason": "no_code"},
        )
    if challenge.consumed_at is not None:
        raise ApplicationError(
            _("This code has already been used. Ask for a new one."),
            {"field": "code", "reason": "code_used"},
        )
    if now >= challenge.expires_at:
        minutes = int(SMS_CODE_VALIDITY.total_seconds() // 60)
        raise ApplicationError(
            _("This code has expired: codes are valid for %(minutes)s minutes. Ask for a new one.")
            % {"minutes": minutes},
            {"field": "code", "reason": "code_expired"},
        )
    if challenge.attempts >= SMS_WRONG_TRIES_PER_CODE:
        raise ApplicationError(
            _("This code was entered wrongly too many times. Ask for a new one."),
            {"field": "code", "reason": "code_tries_used_up"},
        )
    return challenge


def _wrong_code_record(*, challenge: SmsChallenge, now: datetime) -> ApplicationError:
    """Count the wrong try; lock the number when it is one too many. Return the error to show."""
    challenge.attempts += 1
    challenge.save(update_fields=["attempts"])
    _locked_until, failures = _phone_lockout(phone=challenge.phone, now=now)
    if failures >= SIGN_IN_FAILURES_BEFORE_LOCKOUT:
        challenge.phone_locked_until = now + SIGN_IN_LOCKOUT
        challenge.save(update_fields=["phone_locked_until"])
        return _locked_error(locked_until=challenge.phone_locked_until, now=now)
    tries_left = SMS_WRONG_TRIES_PER_CODE - challenge.attempts
    if tries_left == 0:
        return ApplicationError(
            _("That code is not right, and this code may not be tried again. Ask for a new one."),
            {"field": "code", "reason": "wrong_code", "tries_left": 0},
        )
    return ApplicationError(
        ngettext(
            "That code is not right. You can try %(count)s more time.",
            "That code is not right. You can try %(count)s more times.",
            tries_left,
        ) % {"count": tries_left},
        {"field": "code", "reason": "wrong_code", "tries_left": tries_left},
    )


def _phone_lockout(*, phone: str, now: datetime) -> tuple[datetime | None, int]:
    """Return the latest lock-out end for the number and the wrong codes counted since it."""
    look_back = max(SIGN_IN_FAILURE_WINDOW, SIGN_IN_LOCKOUT + SMS_CODE_VALIDITY)
    rows = list(
        SmsChallenge.objects.filter(
            phone_hash__in=lookup_hashes("phone", phone), created_at__gt=now - look_back
        ).values_list(
            "created_at", "attempts", "phone_locked_until"
        )
    )
    last_lock = max((until for _created, _attempts, until in rows if until is not None), default=None)
    failures = sum(
        attempts
        for created, attempts, _until in rows
        if created > now - SIGN_IN_FAILURE_WINDOW and (last_lock is None or created >= last_lock)
    )
    return last_lock, failures


def _locked_error(*, locked_until: datetime, now: datetime) -> ApplicationError:
    seconds = _seconds_until(locked_until, now=now)
    minutes = _minutes(seconds)
    return ApplicationError(
        ngettext(
            "Too many wrong codes. For your safety, sign-in with this number is paused; "
            "please try again in %(minutes)s minute.",
            "Too many wrong codes. For your safety, sign-in with this number is paused; "
            "please try again in %(minutes)s minutes.",
            minutes,
        ) % {"minutes": minutes},
        {"field": "code", "reason": "locked_out", "retry_after": seconds},
    )


# ---------------------------------------------------------------------------- the requester


# Every ticket an integration files looks its requester up: one statement, not an ORM query and
# a second one for the groups (the ORM's compiling cost more than PostgreSQL's answering). The
# number is encrypted at rest: it is found by its keyed hash, under the current hash key or, while
# `rotate_field_keys --rehash` runs, the previous one (hence two parameters, the same one twice
# otherwise).
REQUESTER_LOOKUP_SQL = """
SELECT u.*, EXISTS (
    SELECT 1 FROM accounts_user_groups ug JOIN auth_group g ON g.id = ug.group_id
    WHERE ug.user_id = u.id AND g.name IN (%s, %s)
) AS in_staff_group
FROM accounts_user u
WHERE u.phone_hash IN (%s, %s)
ORDER BY u.id
LIMIT 1
"""


def requester_get_or_create(*, phone: str) -> User:
    """Return the requester with this number, creating one; staff are sent to the staff login."""
    hashes = lookup_hashes("phone", phone)
    params = [AGENT, SUPERVISOR, hashes[0], hashes[-1]]
    found = next(iter(User.objects.raw(REQUESTER_LOOKUP_SQL, params)), None)
    if found is not None:
        if found.is_staff or found.is_superuser or found.__dict__["in_staff_group"]:
            raise ApplicationError(
                _("This number belongs to a staff account. Staff sign in with their user name "
                  "and password on the staff login page."),
                {"field": "code", "reason": "staff_account"},
            )
        if not found.is_active:
            raise ApplicationError(
                _("This account has been disabled. Please contact us if you think this is a mistake."),
                {"field": "code", "reason": "inactive_account"},
            )
        return found
    user = User(
        username=_requester_username(phone=phone),
        phone=phone,
        display_name=mask_phone(phone),
        preferred_language=_current_language(),
    )
    user.set_unusable_password()
    user.save()
    group, _created = Group.objects.get_or_create(name=REQUESTER)
    user.groups.add(group)
    return user


def _requester_username(*, phone: str) -> str:
    """Derive a stable user name from the number without showing it (user names appear in lists)."""
    digest = salted_hmac("chehui.accounts.requester_username", phone, algorithm="sha256").hexdigest()
    username = f"r-{digest[:16]}"
    if User.objects.filter(username=username).exists():
        username = f"{username}-{secrets.token_hex(3)}"
    return username


def _current_language() -> str:
    language = translation.get_language() or settings.LANGUAGE_CODE
    choices = {value for value, _label in User._meta.get_field("preferred_language").choices or ()}
    return language if language in choices else settings.LANGUAGE_CODE


# ---------------------------------------------------------------------------- helpers


def _code_hash(*, phone: str, purpose: str, code: str) -> str:
    """A keyed hash: a stolen table does not reveal codes, and 10^6 guesses need the secret key."""
    return salted_hmac(_CODE_HASH_SALT, f"{purpose}:{phone}:{code}", algorithm="sha256").hexdigest()


def _serialise_on(*keys: str) -> None:
    """Hold a transaction-scoped advisory lock per key so two requests cannot both pass a limit."""
    if connection.vendor != "postgresql":
        return  # SQLite (the embedded default) serialises writers already
    with connection.cursor() as cursor:
        for key in keys:
            digest = hashlib.blake2b(key.encode(), digest_size=8).digest()
            lock_id = int.from_bytes(digest, "big", signed=True)
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_id])


def _seconds_until(moment: datetime, *, now: datetime) -> int:
    return max(1, math.ceil((moment - now).total_seconds()))


def _minutes(seconds: int) -> int:
    return max(1, math.ceil(seconds / 60))
