"""The OpenAPI contract and its readers, served with no file from a CDN."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_schema_offers_api_keys_as_bearer_or_header(client: Client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    schemes = schema["components"]["securitySchemes"]
    assert schemes["ApiKeyBearer"] == {
        "type": "http", "scheme": "bearer", "bearerFormat": "chk_live_XXXXXXXX_…",
        "description": "An integration's API key, created in the admin.",
    }
    assert schemes["ApiKeyHeader"] == {"type": "apiKey", "in": "header", "name": "X-Api-Key"}


@pytest.mark.parametrize("path", ["/api/v1/docs/", "/api/v1/redoc/"])
def test_swagger_ui_and_redoc_load_everything_from_this_server(client: Client, path):
    page = client.get(path).content.decode()
    assert "/static/drf_spectacular_sidecar/" in page
    for cdn in ("cdn.jsdelivr.net", "unpkg.com", "cdnjs", "https://"):
        assert cdn not in page
    assert "/api/v1/schema/" in page


def test_the_sidecar_files_are_served(client: Client):
    response = client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    assert response.status_code == 200


def test_the_receiver_snippet_in_the_guide_verifies_a_real_delivery():
    import re
    from pathlib import Path

    from apps.integrations import signing

    guide = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text()
    (snippet,) = [block for block in re.findall(r"```python\n(.*?)```", guide, re.DOTALL)
                  if "def verify_signature" in block]
    namespace: dict = {}
    exec(snippet, namespace)  # noqa: S102 (our own documentation)
    verify = namespace["verify_signature"]
    body = b'{"id":1,"type":"decided"}'
    header = signing.signature_header(["whsec_old", "whsec_receiver"], 1_795_500_000, body)
    assert verify("whsec_receiver", header, body, now=1_795_500_000 + 300)
    assert not verify("whsec_receiver", header, body, now=1_795_500_000 + 301)
    assert not verify("whsec_receiver", header, body + b" ", now=1_795_500_000)
    assert not verify("whsec_other", header, body, now=1_795_500_000)
