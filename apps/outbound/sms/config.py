"""Build the SMS provider from environment variables (see docs/sms.md for the list).

Secrets have no defaults: a missing variable raises SmsConfigurationError naming it. The adapters
are imported only when chosen, so a deployment on one provider never loads the other's SDK.
"""

import os
from collections.abc import Mapping

from apps.outbound.sms.base import SmsProvider

BACKEND_VARIABLE = "CHEHUI_SMS_BACKEND"
BACKENDS = ("tencent", "alibaba", "log")
SIGN_NAME_VARIABLE = "CHEHUI_SMS_SIGN_NAME"
ENDPOINT_VARIABLE = "CHEHUI_SMS_ENDPOINT"
TIMEOUT_VARIABLE = "CHEHUI_SMS_TIMEOUT_SECONDS"
TEMPLATE_PREFIX = "CHEHUI_SMS_TEMPLATE_"
CODE_PARAM_VARIABLE = "CHEHUI_SMS_CODE_PARAM"
TENCENT_SECRET_ID = "TENCENTCLOUD_SECRET_ID"  # noqa: S105 - the variable's name, not a secret
TENCENT_SECRET_KEY = "TENCENTCLOUD_SECRET_KEY"  # noqa: S105 - the variable's name, not a secret
TENCENT_APP_ID = "CHEHUI_SMS_TENCENT_APP_ID"
TENCENT_REGION = "CHEHUI_SMS_TENCENT_REGION"
ALIBABA_KEY_ID = "ALIBABA_CLOUD_ACCESS_KEY_ID"
ALIBABA_KEY_SECRET = "ALIBABA_CLOUD_ACCESS_KEY_SECRET"  # noqa: S105 - the variable's name, not a secret

SIGN_IN_PURPOSE = "sign_in"
DEFAULT_TIMEOUT_SECONDS = 10


class SmsConfigurationError(RuntimeError):
    """The environment does not say how to send SMS; the message names what to set."""


def sms_provider_from_environment(
    *,
    backend: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> SmsProvider:
    """Build the provider named by CHEHUI_SMS_BACKEND (or `backend`) from its variables."""
    env = os.environ if environ is None else environ
    backend = (backend or _required(env, BACKEND_VARIABLE)).strip().lower()
    if backend == "tencent":
        return _tencent(env)
    if backend == "alibaba":
        return _alibaba(env)
    if backend == "log":
        from apps.outbound.sms.log import LogSms

        return LogSms()
    raise SmsConfigurationError(f"{BACKEND_VARIABLE} is {backend!r}; use one of: {', '.join(BACKENDS)}.")


def sms_templates_from_environment(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """Return {purpose: template id} from the CHEHUI_SMS_TEMPLATE_<PURPOSE> variables."""
    env = os.environ if environ is None else environ
    return {
        name.removeprefix(TEMPLATE_PREFIX).lower(): value.strip()
        for name, value in env.items()
        if name.startswith(TEMPLATE_PREFIX) and value.strip()
    }


def template_variable(purpose: str) -> str:
    """Name the variable holding the template id for `purpose`: sign_in -> CHEHUI_SMS_TEMPLATE_SIGN_IN."""
    return TEMPLATE_PREFIX + purpose.upper()


def endpoint_parse(value: str) -> tuple[str, str]:
    """Split CHEHUI_SMS_ENDPOINT into (protocol, host[:port]); a bare host means https."""
    value = value.strip().rstrip("/")
    for protocol in ("http", "https"):
        if value.startswith(f"{protocol}://"):
            return protocol, value.removeprefix(f"{protocol}://")
    if "://" in value:
        raise SmsConfigurationError(f"{ENDPOINT_VARIABLE} must start with http:// or https://, or be a host.")
    return "https", value


def _tencent(env: Mapping[str, str]) -> SmsProvider:
    from apps.outbound.sms.tencent import DEFAULT_REGION, TencentSms, TencentSmsConfig

    protocol, endpoint = _endpoint(env)
    return TencentSms(
        TencentSmsConfig(
            secret_id=_required(env, TENCENT_SECRET_ID),
            secret_key=_required(env, TENCENT_SECRET_KEY),
            sdk_app_id=_required(env, TENCENT_APP_ID),
            sign_name=_required(env, SIGN_NAME_VARIABLE),
            region=env.get(TENCENT_REGION, "").strip() or DEFAULT_REGION,
            endpoint=endpoint,
            protocol=protocol,
            timeout_seconds=_timeout(env),
        )
    )


def _alibaba(env: Mapping[str, str]) -> SmsProvider:
    from apps.outbound.sms.alibaba import DEFAULT_ENDPOINT, AlibabaSms, AlibabaSmsConfig

    protocol, endpoint = _endpoint(env)
    return AlibabaSms(
        AlibabaSmsConfig(
            access_key_id=_required(env, ALIBABA_KEY_ID),
            access_key_secret=_required(env, ALIBABA_KEY_SECRET),
            sign_name=_required(env, SIGN_NAME_VARIABLE),
            endpoint=endpoint or DEFAULT_ENDPOINT,
            protocol=protocol,
            timeout_seconds=_timeout(env),
        )
    )


def _endpoint(env: Mapping[str, str]) -> tuple[str, str | None]:
    value = env.get(ENDPOINT_VARIABLE, "").strip()
    if not value:
        return "https", None
    return endpoint_parse(value)


def _timeout(env: Mapping[str, str]) -> int:
    value = env.get(TIMEOUT_VARIABLE, "").strip()
    if not value:
        return DEFAULT_TIMEOUT_SECONDS
    if not value.isdigit() or int(value) == 0:
        raise SmsConfigurationError(f"{TIMEOUT_VARIABLE} must be a whole number of seconds, e.g. 10.")
    return int(value)


def _required(env: Mapping[str, str], name: str) -> str:
    value = env.get(name, "").strip()
    if not value:
        raise SmsConfigurationError(f"SMS is not configured: set the environment variable {name}.")
    return value
