"""deploy/grafana and deploy/prometheus use only metric names that /metrics actually exports."""

import json
import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.test import Client

from tests.observability.conftest import exported_names

DEPLOY = Path(settings.BASE_DIR) / "deploy"
DASHBOARD = DEPLOY / "grafana" / "chehui-dashboard.json"
ALERTS = DEPLOY / "prometheus" / "alerts.yml"
# Made by Prometheus itself for every target, not by the application.
PROMETHEUS_MADE = {"up"}
PROMQL_WORDS = {
    "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "offset",
}
STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"')
MATCHERS = re.compile(r"\{[^}]*\}")
RANGES = re.compile(r"\[[^\]]*\]")
GROUPINGS = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")
IDENTIFIER = re.compile(r"(?<![\w.])[a-zA-Z_:][a-zA-Z0-9_:]*(?=\s*(\()?)")


def metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression reads: identifiers that are not functions, keywords or labels."""
    bare = GROUPINGS.sub(" ", RANGES.sub(" ", MATCHERS.sub(" ", STRINGS.sub(" ", expr))))
    names = set()
    for match in IDENTIFIER.finditer(bare):
        word = match.group(0)
        is_function = match.group(1) is not None
        if not is_function and word not in PROMQL_WORDS and not re.fullmatch(r"\d.*", word):
            names.add(word)
    return names


def dashboard_expressions() -> list[str]:
    dashboard = json.loads(DASHBOARD.read_text())
    return [target["expr"] for panel in dashboard["panels"] for target in panel.get("targets", [])]


def alert_expressions() -> list[str]:
    rules = yaml.safe_load(ALERTS.read_text())
    return [rule["expr"] for group in rules["groups"] for rule in group["rules"]]


def test_the_parser_finds_names_and_skips_functions_labels_and_keywords():
    expr = 'sum by (le, view) (rate(a_bucket{status=~"5..", x="y z"}[5m])) / on (job) b_total offset 5m > 0.5'
    assert metric_names(expr) == {"a_bucket", "b_total"}


def test_the_dashboard_is_valid_grafana_json():
    dashboard = json.loads(DASHBOARD.read_text())
    assert dashboard["title"] and dashboard["uid"] and dashboard["schemaVersion"] >= 30
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    assert all("gridPos" in panel for panel in dashboard["panels"])
    assert len(dashboard_expressions()) >= 10


def test_the_alert_rules_are_valid_prometheus_rule_groups():
    rules = yaml.safe_load(ALERTS.read_text())
    alerts = [rule for group in rules["groups"] for rule in group["rules"]]
    names = {rule["alert"] for rule in alerts}
    assert {"ChehuiClockSweepLagging", "ChehuiOutboxBacklogOld", "ChehuiWebhookBacklogOld",
            "ChehuiBreachesRising", "ChehuiHighErrorRate", "ChehuiNotReady"} <= names
    for rule in alerts:
        assert set(rule) <= {"alert", "expr", "for", "labels", "annotations", "keep_firing_for"}
        assert rule["labels"]["severity"] in {"warning", "critical"}
        assert rule["annotations"]["summary"]


@pytest.mark.django_db
def test_every_metric_the_deploy_files_use_is_exported(client):
    client.get("/health/live")  # request counters have children once a request was answered
    client.get("/no-such-page/")
    exported = exported_names(Client().get("/metrics").content.decode()) | PROMETHEUS_MADE
    for expr in dashboard_expressions() + alert_expressions():
        used = metric_names(expr)
        assert used, f"no metric in {expr!r}"
        assert used <= exported, f"{sorted(used - exported)} not exported (in {expr!r})"
