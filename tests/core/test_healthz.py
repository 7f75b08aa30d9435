import pytest


@pytest.mark.django_db
def test_health_is_the_liveness_probe_and_answers_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_health_is_read_only(client):
    assert client.post("/healthz").status_code == 405
