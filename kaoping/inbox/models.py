"""The in-app inbox (站内消息): what a person must act on, one message per recipient.

A message is posted by `services.notify` (idempotent on its `key`: the same reminder or the same
request to act is never posted twice to one person) and resolved by `services.resolve` once the thing
it is about (its `subject`, e.g. ``scoring.sheet:12``) is done or obsolete.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaoping.people.models import Town


class MessageQuerySet(models.QuerySet):
    def for_user(self, user) -> "MessageQuerySet":
        """The user's own messages: nobody ever reads another person's."""
        return self.filter(recipient=user)

    def unread(self) -> "MessageQuerySet":
        """Not read yet and still to act on (a message whose matter is done no longer counts)."""
        return self.filter(read_at__isnull=True, done_at__isnull=True)


class Message(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inbox_messages"
    )
    town = models.ForeignKey(Town, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    # A dotted slug chosen by the producer ("sheet.approve", "item.due" …): what kind of action it asks.
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    # The same key is posted to the same person once: "sheet.fill:12", "item.due:7:2026-05-03:eve".
    key = models.CharField(max_length=200)
    # What the message is about, so that it is marked done when that is done: "scoring.sheet:12".
    subject = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="inbox_message_key_once_per_recipient"),
        ]
        indexes = [
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True, done_at__isnull=True),
                name="inbox_unread_by_recipient",
            ),
            models.Index(fields=["subject"], name="inbox_message_subject"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def is_done(self) -> bool:
        return self.done_at is not None
