"""Where evidence is kept: a private folder with no public URL, served only through a checked view."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.functional import LazyObject


class PrivateStorage(LazyObject):
    def _setup(self) -> None:
        self._wrapped = FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


private_storage = PrivateStorage()


def evidence_path(instance: object, filename: str) -> str:
    """Store under an opaque name: the requester's file name is kept in the row, never on disk."""
    import uuid

    return f"evidence/{uuid.uuid4().hex}"
