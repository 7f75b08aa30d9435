"""One scrape's text: this process's metrics (or every gunicorn worker's) and the domain's."""

import os

from prometheus_client import REGISTRY, CollectorRegistry, generate_latest, multiprocess

from apps.observability.metrics.collector import ChehuiCollector

_domain_registry = CollectorRegistry(auto_describe=False)
_domain_registry.register(ChehuiCollector())


def process_registry() -> CollectorRegistry:
    """The default registry; with PROMETHEUS_MULTIPROC_DIR set, every worker's files merged."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


def metrics_text() -> bytes:
    """The exposition text of one scrape: requests, database, then the domain's figures."""
    return generate_latest(process_registry()) + generate_latest(_domain_registry)
