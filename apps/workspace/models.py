"""What an agent keeps of the workspace: the queue views they saved."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

MAX_SAVED_VIEWS = 20


class SavedView(models.Model):
    """A queue view an agent named: its tab, filters, search and sort, as a query string."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views",
        verbose_name=_("owner"), db_index=False,
    )
    name = models.CharField(_("name"), max_length=60)
    query = models.CharField(_("query"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="savedview_owner_name_unique")]

    def __str__(self) -> str:
        return self.name
