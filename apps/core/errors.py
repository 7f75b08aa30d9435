"""The one application error type: a message a person understands, plus structured detail."""

from typing import Any


class ApplicationError(Exception):
    """A business rule refused an action; `message` is shown to the user as it is."""

    def __init__(self, message: str, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra or {}
