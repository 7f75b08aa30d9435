"""The demo's administrator manages integrations and API keys, and signs in on a branded staff page."""

import random
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from apps.accounts.models import User
from apps.core.demo import demo_seed

pytestmark = pytest.mark.django_db

DAY = datetime(2026, 3, 10, 2, 30, tzinfo=UTC)


@pytest.fixture
def credentials(db) -> dict[str, str]:
    result = demo_seed(now=DAY, complaints=20, rng=random.Random(2))
    return {credential.username: credential.password for credential in result.credentials}


def _sign_in(client, username: str, password: str):
    return client.post(
        reverse("admin:login"), {"username": username, "password": password, "next": "/admin/"}
    )


def test_the_demo_admin_signs_in_on_the_staff_page_and_opens_integrations(client, credentials):
    signed = _sign_in(client, "admin", credentials["admin"])
    assert signed.status_code == 302

    for path in (
        "/admin/integrations/",
        reverse("admin:integrations_apikey_add"),
        reverse("admin:integrations_integration_add"),
        reverse("admin:integrations_webhooksubscription_add"),
    ):
        assert client.get(path).status_code == 200, path


def test_the_demo_admin_holds_the_integration_permissions_and_is_no_superuser(credentials):
    admin = User.objects.get(username="admin")
    assert admin.is_staff and not admin.is_superuser
    assert admin.has_perms(
        [
            "integrations.add_apikey",
            "integrations.change_apikey",
            "integrations.add_integration",
            "integrations.change_webhooksubscription",
            "integrations.change_webhookdelivery",
        ]
    )


@pytest.mark.parametrize("username", ["supervisor", "agent"])
def test_other_staff_cannot_open_integrations(client, credentials, username):
    _sign_in(client, username, credentials[username])
    page = client.get("/admin/integrations/")
    assert page.status_code in (302, 403, 404)


def test_seed_demo_prints_the_admin_and_its_password(settings, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    settings.VAR_DIR = tmp_path
    out = StringIO()
    call_command("seed_demo", "--complaints", "20", "--seed", "3", stdout=out)
    line = next(line for line in out.getvalue().splitlines() if line.split()[:2] == ["admin", "admin"])
    password = line.split()[2]
    assert User.objects.get(username="admin").check_password(password)
    assert "/admin/integrations/" in out.getvalue()


# ---------------------------------------------------------------------------- the staff sign-in page
@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("zh-hans", ["员工登录", "撤回助手工作台", "用户名", "密码", "申请人登录"]),
        ("en", ["Staff sign-in", "Chehui workspace", "Username", "Password", "Requester sign-in"]),
    ],
)
def test_the_staff_sign_in_page_wears_the_workspace_branding(client, language, texts):
    page = client.get(reverse("admin:login"), HTTP_ACCEPT_LANGUAGE=language)
    html = page.content.decode()
    assert page.status_code == 200
    assert "css/workspace.css" in html and 'class="ws-top"' in html and "brand-mark" in html
    assert all(text in html for text in texts), [text for text in texts if text not in html]
    assert "Django" not in html and "admin/css/login.css" not in html


def test_a_wrong_password_is_told_in_the_users_language(client, db):
    page = client.post(
        reverse("admin:login"), {"username": "nobody", "password": "x"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert page.status_code == 200
    assert "correct username and password" in page.content.decode()
