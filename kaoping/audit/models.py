"""The audit log: an append-only, hash-chained record of who did what, when, to which object.

Rows are written only through `kaoping.audit.services.record`. The model refuses updates and
deletes, and database triggers (see the migrations) refuse them too, so that changing history
takes a deliberate act on the database, which `kaoping verifyaudit` then detects: each entry
carries the hash of the previous one, and its own hash covers all its fields. The hash is keyed
with a secret kept outside the database, and the head is anchored outside it too (anchors.py).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    pass


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("audit entries cannot be changed")

    def delete(self):
        raise AppendOnlyError("audit entries cannot be deleted")


class AuditEntry(models.Model):
    at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    actor_name = models.CharField(_("user"), max_length=150, blank=True)
    town = models.ForeignKey(
        "people.Town",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("town"),
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64, blank=True, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    old = models.JSONField(_("old values"), null=True, blank=True)
    new = models.JSONField(_("new values"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # None: hashed with plain SHA-256 (entries written before the key); 2: HMAC-SHA256 under the
    # audit key kept in the data directory (see chain.py and keys.py).
    chain_version = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["town", "-id"], name="audit_town_recent")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit entries cannot be deleted")


class AuditHead(models.Model):
    """A single row holding the hash of the newest entry.

    Appending locks this row, so that writers in several processes (or on PostgreSQL, several
    servers) append one after another and the chain never forks.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_hash = models.CharField(max_length=64)
    count = models.PositiveBigIntegerField(default=0)
    chain_version = models.PositiveSmallIntegerField(null=True, blank=True)  # of the newest entry

    def __str__(self) -> str:
        return f"{self.count} entries, last {self.last_hash[:12]}"
