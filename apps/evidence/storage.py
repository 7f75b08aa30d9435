"""Where evidence is kept: a private folder with no public URL, served only through a checked view.

Or, when settings.EVIDENCE_STORAGE names another backend (S3-compatible object storage, see
`apps.evidence.s3`), there: `private_storage` builds the backend that setting names at first use.
"""

import os
import uuid
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.deconstruct import deconstructible
from django.utils.functional import LazyObject, empty
from django.utils.module_loading import import_string


@deconstructible(path="apps.evidence.storage.PrivateFileSystemStorage")
class PrivateFileSystemStorage(FileSystemStorage):
    """FileSystemStorage rooted at settings.PRIVATE_MEDIA_ROOT (read at each use) with no URL."""

    def __init__(self) -> None:
        super().__init__(base_url=None)

    @property
    def base_location(self) -> str:
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("Evidence has no public URL: serve it through the access-checked view.")


def private_storage_build() -> Storage:
    """The evidence storage settings.EVIDENCE_STORAGE names ({"BACKEND": ..., "OPTIONS": {...}})."""
    chosen: dict[str, Any] = getattr(settings, "EVIDENCE_STORAGE", None) or {}
    backend = import_string(chosen.get("BACKEND", "apps.evidence.storage.PrivateFileSystemStorage"))
    storage: Storage = backend(**chosen.get("OPTIONS", {}))
    return storage


class PrivateStorage(LazyObject):
    """The evidence storage, chosen from the settings at first use (and again when they change in a test)."""

    def _setup(self) -> None:
        self._wrapped = private_storage_build()

    def deconstruct(self) -> tuple[str, tuple[object, ...], dict[str, object]]:
        # The migrations name the folder storage whichever backend runs: the choice is a setting.
        return ("apps.evidence.storage.PrivateFileSystemStorage", (), {})


private_storage: Storage = PrivateStorage()  # type: ignore[assignment]


@receiver(setting_changed)
def _private_storage_reset(*, setting: str, **kwargs: object) -> None:
    if setting == "EVIDENCE_STORAGE":
        private_storage._wrapped = empty  # type: ignore[attr-defined]


def evidence_path(instance: object, filename: str) -> str:
    """Store under an opaque name: the requester's file name is kept in the row, never on disk."""
    return f"evidence/{uuid.uuid4().hex}"
