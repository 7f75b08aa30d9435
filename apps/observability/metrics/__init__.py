"""Prometheus metrics: Django's (django-prometheus), the database's, and the domain's own."""
