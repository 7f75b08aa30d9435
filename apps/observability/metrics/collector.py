"""The custom collector: the domain's figures, Celery's and readiness, read at each scrape.

A source that cannot be read (the database or the broker down) is left out of the scrape and
`chehui_metrics_source_up{source}` says 0, so a dashboard shows a gap, never a false zero.
"""

import logging
from collections.abc import Iterator

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from apps.observability.health import readiness_checks_run
from apps.observability.metrics.celery import queue_length_read, task_failures_read
from apps.observability.metrics.domain import DomainFigures, domain_figures_read

logger = logging.getLogger(__name__)
Metric = GaugeMetricFamily | CounterMetricFamily


def domain_metrics(figures: DomainFigures) -> Iterator[Metric]:
    open_tickets = GaugeMetricFamily(
        "chehui_tickets_open", "Open tickets past intake, by stage code and status.",
        labels=["stage", "status"],
    )
    for (stage, status), count in sorted(figures.tickets_open.items()):
        open_tickets.add_metric([stage, status], count)
    yield open_tickets
    breached = GaugeMetricFamily(
        "chehui_tickets_breached_open",
        "Tickets in the agents' queue that missed a deadline, by deadline.",
        labels=["deadline"],
    )
    for deadline, count in sorted(figures.tickets_breached_open.items()):
        breached.add_metric([deadline], count)
    yield breached
    recent = GaugeMetricFamily(
        "chehui_sla_breaches_last_hour",
        "Deadline breaches recorded by the clock with a breach time in the last hour, by deadline.",
        labels=["deadline"],
    )
    for deadline, count in sorted(figures.breaches_last_hour.items()):
        recent.add_metric([deadline], count)
    yield recent
    yield GaugeMetricFamily(
        "chehui_sla_sweep_lag_seconds",
        "Now minus the oldest passed clock boundary the sweep has not moved yet; 0 when none.",
        value=figures.sweep_lag_seconds,
    )
    outbox = GaugeMetricFamily(
        "chehui_outbox_backlog", "Outbound messages (SMS, e-mail) not yet sent, by status.", labels=["status"]
    )
    for status, count in sorted(figures.outbox_backlog.items()):
        outbox.add_metric([status], count)
    yield outbox
    yield GaugeMetricFamily(
        "chehui_outbox_oldest_age_seconds",
        "Age of the oldest outbound message not yet sent; 0 when none.",
        value=figures.outbox_oldest_age_seconds,
    )
    yield GaugeMetricFamily(
        "chehui_webhook_backlog", "Webhook deliveries pending (not delivered, not given up).",
        value=figures.webhook_backlog,
    )
    yield GaugeMetricFamily(
        "chehui_webhook_oldest_age_seconds",
        "Age of the oldest pending webhook delivery; 0 when none.",
        value=figures.webhook_oldest_age_seconds,
    )


def celery_metrics() -> Iterator[Metric]:
    queues = queue_length_read()
    if queues is not None:  # absent on a broker that is not Redis
        depth = GaugeMetricFamily(
            "chehui_celery_queue_length", "Messages waiting in the broker's Celery queue.", labels=["queue"]
        )
        for queue, length in sorted(queues.items()):
            depth.add_metric([queue], length)
        yield depth
    failures = CounterMetricFamily(
        "chehui_celery_task_failures", "Celery tasks that raised, by task name, over every worker.",
        labels=["task"],
    )
    for task, count in sorted(task_failures_read().items()):
        failures.add_metric([task], count)
    yield failures


def readiness_metrics() -> Iterator[Metric]:
    ready = GaugeMetricFamily(
        "chehui_readiness_check_up", "1 when the readiness check passes from this process, else 0.",
        labels=["check"],
    )
    for result in readiness_checks_run():
        ready.add_metric([result.name], 1 if result.ok else 0)
    yield ready



class ChehuiCollector(Collector):
    """Reads every source at collect(); registered only on the scrape's own registry."""

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(
            "chehui_metrics_source_up", "1 when the source's figures could be read at this scrape.",
            labels=["source"],
        )
        for source, read in (("database", _domain), ("broker", celery_metrics)):
            try:
                metrics = list(read())
            except Exception as error:  # a source down must not take the whole scrape down
                logger.warning("metrics source %s could not be read: %s", source, error)
                up.add_metric([source], 0)
                continue
            up.add_metric([source], 1)
            yield from metrics
        yield up
        yield from readiness_metrics()


def _domain() -> Iterator[Metric]:
    return domain_metrics(domain_figures_read())
