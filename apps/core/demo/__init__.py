"""Demo data for `manage.py seed_demo`: role users, agents in teams, complaints and tickets."""

from apps.core.demo.seed import CREDENTIALS_FILE_NAME, DemoResult, demo_credentials_write, demo_seed
from apps.core.demo.users import DemoCredential

__all__ = ["CREDENTIALS_FILE_NAME", "DemoCredential", "DemoResult", "demo_credentials_write", "demo_seed"]
