"""Where evidence is kept: a private folder with no public URL, served only through a checked view."""

import os
import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


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


private_storage = PrivateFileSystemStorage()


def evidence_path(instance: object, filename: str) -> str:
    """Store under an opaque name: the requester's file name is kept in the row, never on disk."""
    return f"evidence/{uuid.uuid4().hex}"
