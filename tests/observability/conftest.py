"""Helpers to read a Prometheus scrape the way Prometheus does: sample name, labels, value."""

import re

import pytest

SAMPLE = re.compile(r"^(?P<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?P<labels>[^}]*)\})? (?P<value>\S+)")
LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of an exposition text, keyed by (name, labels)."""
    found = {}
    for line in text.splitlines():
        match = SAMPLE.match(line)
        if match:
            labels = frozenset(LABEL.findall(match["labels"] or ""))
            found[(match["name"], labels)] = float(match["value"])
    return found


def exported_names(text: str) -> set[str]:
    """Every metric name a PromQL query may use against this scrape."""
    names = {name for name, _labels in samples(text)}
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, family, kind = line.split(" ", 3)
            names.add(family)
            if kind == "counter":
                names.add(f"{family}_total")
            if kind == "histogram":
                names.update(f"{family}_{suffix}" for suffix in ("bucket", "count", "sum"))
    return names


@pytest.fixture
def scrape(client):
    """GET /metrics as Prometheus on this host would, and return its text."""

    def get() -> str:
        response = client.get("/metrics")
        assert response.status_code == 200, response.content
        return response.content.decode()

    return get
