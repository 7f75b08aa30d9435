"""Evidence on S3-compatible object storage: private objects, never a URL; served by the checked view."""

from storages.backends.s3 import S3Storage


class PrivateS3Storage(S3Storage):
    """S3Storage whose objects are private and never overwritten, with no URL, signed or not."""

    def get_default_settings(self) -> dict[str, object]:
        defaults: dict[str, object] = super().get_default_settings()
        # Names are random: an existing object under one is a mistake to refuse, never to replace.
        return {**defaults, "default_acl": "private", "file_overwrite": False, "querystring_auth": True}

    def url(self, name: str | None, parameters: object = None, expire: object = None,
            http_method: object = None) -> str:
        raise ValueError("Evidence has no public URL: serve it through the access-checked view.")
