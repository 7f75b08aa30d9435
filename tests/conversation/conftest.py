"""The casework fixtures (people, a frozen clock, English) serve the conversation's tests too."""

from tests.casework.conftest import (  # noqa: F401  (fixtures)
    _english,
    _frozen_by_default,
    agent,
    eager_tasks,
    now,
    requester,
    supervisor,
)
