"""gunicorn settings for production; every value can be overridden from the environment.

Threaded workers (gthread) keep an integration's HTTP/1.1 connection open between requests, as
its HTTP client expects, instead of a new TCP connection per request as sync workers need. A
process may hold more kept-alive connections than its neighbours (whichever is free accepts),
so three threads each let it serve three at a time rather than queue them; more threads would
mostly take turns at the interpreter lock. In `make bench-api` on 2 cores this served as many
ticket creations as sync workers or more, with a shorter tail (bench/README.md). Behind a
buffering proxy that does not keep upstream connections alive, GUNICORN_WORKER_CLASS=sync is the
classic choice.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", "3"))
# Connections one gthread process holds at most: its threads' worth busy, as many again idle
# between requests. Whichever process wakes first accepts every connection waiting, so without a
# cap a burst of new connections could land on one process: in `make bench-api` (12 connections,
# 5 processes) one process took 2,591 of 3,277 creations and served 165/s where the others had
# served 300/s (bench/README.md). Past the cap a process stops accepting, and one holding as
# many idle connections as threads closes the next after its answer (Connection: close), so the
# client's next connection goes to a process with room and nobody waits for a slot.
worker_connections = int(os.environ.get("GUNICORN_WORKER_CONNECTIONS", str(threads * 2)))
# Seconds an idle client connection stays open; keep it above a load balancer's idle timeout.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "75"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# One line per request on stdout; GUNICORN_ACCESSLOG= (empty) leaves it to the proxy in front.
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None
errorlog = "-"
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_worker_init(worker: object) -> None:
    """Once Django and its URLs are loaded, move their objects out of the collector's sight
    (gc.freeze): the full collections a busy worker runs every few seconds then scan only what
    requests made, not the whole framework. In `make bench-api` this took the creations' p99
    from a median of 106 ms (seven runs) to 76 ms (five runs)."""
    import gc

    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018  (imports every view module now, not at a first request)
    gc.collect()
    gc.freeze()
