import pytest


@pytest.mark.django_db
def test_health_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_health_is_read_only(client):
    assert client.post("/healthz").status_code == 405
