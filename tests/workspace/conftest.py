import pytest
from django.utils import translation

from tests.casework.conftest import agent_with, now, person, received_ticket, shanghai  # noqa: F401

__all__ = ["agent_with", "person", "received_ticket", "shanghai"]


@pytest.fixture
def as_user(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def as_english_user(as_user):
    """Signed in, reading the workspace in English (it is Chinese by default)."""

    def sign_in(user):
        client = as_user(user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return sign_in


@pytest.fixture
def english_site(settings):
    """The site's default language English, and this test's own strings read in English."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
