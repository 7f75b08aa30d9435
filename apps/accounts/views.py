"""Requester sign-in pages: mobile number, then the SMS code; and signing out."""

import ipaddress
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts.forms import CodeForm, PhoneForm
from apps.accounts.services import SMS_CODE_VALIDITY, sms_code_send, sms_code_verify
from apps.core.errors import ApplicationError
from apps.core.masking import mask_phone

SESSION_PHONE = "accounts.sign_in_phone"
DEFAULT_AFTER_SIGN_IN = "portal:my_tickets"
AFTER_SIGN_OUT = "portal:home"
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    """Ask for the mobile number and send a code to it."""
    next_url = _safe_next(request)
    if request.user.is_authenticated and request.method == "GET":
        return redirect(next_url or reverse(DEFAULT_AFTER_SIGN_IN))
    form = PhoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        phone = form.cleaned_data["phone"]
        try:
            sms_code_send(phone=phone, ip_address=client_ip(request))
        except ApplicationError as error:
            if error.extra.get("reason") != "resend_too_soon":
                form.add_error("phone", error.message)
                return _render_sign_in(request, form=form, next_url=next_url)
            # Back from the code page within the minute: the code already sent still works.
            messages.warning(request, error.message)
        request.session[SESSION_PHONE] = phone
        return _redirect_with_next("accounts:sign_in_code", next_url)
    return _render_sign_in(request, form=form, next_url=next_url)


@require_http_methods(["GET", "POST"])
def sign_in_code(request: HttpRequest) -> HttpResponse:
    """Take the code sent by SMS and sign in; or send a new code."""
    next_url = _safe_next(request)
    phone = request.session.get(SESSION_PHONE)
    if not phone:
        return _redirect_with_next("accounts:sign_in", next_url)
    form = CodeForm()
    resend_error = ""
    if request.method == "POST" and "resend" in request.POST:
        try:
            sms_code_send(phone=phone, ip_address=client_ip(request))
        except ApplicationError as error:
            resend_error = error.message
        else:
            messages.success(request, _("We sent a new code to %(phone)s.") % {"phone": mask_phone(phone)})
            return _redirect_with_next("accounts:sign_in_code", next_url)
    elif request.method == "POST":
        form = CodeForm(request.POST)
        if form.is_valid():
            try:
                user = sms_code_verify(phone=phone, code=form.cleaned_data["code"])
            except ApplicationError as error:
                form.add_error("code", error.message)
            else:
                login(request, user, backend=MODEL_BACKEND)
                request.session.pop(SESSION_PHONE, None)
                return HttpResponseRedirect(next_url or reverse(DEFAULT_AFTER_SIGN_IN))
    return render(request, "accounts/sign_in_code.html", {
        "form": form,
        "masked_phone": mask_phone(phone),
        "next_url": next_url,
        "resend_error": resend_error,
        "validity_minutes": _validity_minutes(),
    })


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """Sign out (POST only, so a link or an image cannot sign anyone out)."""
    logout(request)
    messages.success(request, _("You have signed out."))
    return HttpResponseRedirect(_safe_next(request) or reverse(AFTER_SIGN_OUT))


def client_ip(request: HttpRequest) -> str | None:
    """Return the client's address; behind `TRUSTED_PROXY_COUNT` proxies, the one they received from."""
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    candidate = request.META.get("REMOTE_ADDR", "")
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def _render_sign_in(request: HttpRequest, *, form: PhoneForm, next_url: str) -> HttpResponse:
    return render(request, "accounts/sign_in.html", {
        "form": form, "next_url": next_url, "validity_minutes": _validity_minutes(),
    })


def _safe_next(request: HttpRequest) -> str:
    """Return the `next` address if it stays on this site, else an empty string."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return candidate if allowed else ""


def _redirect_with_next(name: str, next_url: str) -> HttpResponseRedirect:
    url = reverse(name)
    return HttpResponseRedirect(f"{url}?{urlencode({'next': next_url})}" if next_url else url)


def _validity_minutes() -> int:
    return int(SMS_CODE_VALIDITY.total_seconds() // 60)
