"""Attachments: files people upload as evidence (photos, PDF, Word, Excel), kept outside the web root.

An attachment belongs to a town and, once attached, to one owning object named by `owner_type` (an
app label and model, "records.entry") and `owner_id`. The file itself lies under
`KAOPING_DATA_DIR/files/<town id>/<year>/<month>/<random name>`; the database holds what was checked
at upload (the type detected from the content, the size, the SHA-256). The files are served only by
`files.views.download`, which asks the owner's app whether the user may see the owning object.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaoping.people.models import Town


class Kind(models.TextChoices):
    """The kinds of file accepted, told apart by their content (see `validation.py`)."""

    JPEG = "jpeg", _("JPEG image")
    PNG = "png", _("PNG image")
    PDF = "pdf", _("PDF document")
    DOCX = "docx", _("Word document (.docx)")
    XLSX = "xlsx", _("Excel workbook (.xlsx)")


class Attachment(models.Model):
    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="attachments")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    original_name = models.CharField(_("file name"), max_length=200)
    kind = models.CharField(_("type"), max_length=8, choices=Kind)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(max_length=64)
    # Relative to the files directory (settings.KAOPING_FILES_DIR); never shown, never from the user.
    stored_path = models.CharField(max_length=200, unique=True)
    owner_type = models.CharField(max_length=60, blank=True)
    owner_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        indexes = [models.Index(fields=["owner_type", "owner_id"], name="attachment_owner")]
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0), name="attachment_not_empty"),
            models.CheckConstraint(
                condition=(Q(owner_type="") & Q(owner_id__isnull=True))
                | (~Q(owner_type="") & Q(owner_id__isnull=False)),
                name="attachment_owner_both_or_neither",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def size_label(self) -> str:
        if self.size >= 1024 * 1024:
            return f"{self.size / (1024 * 1024):.1f} MB"
        return f"{max(1, round(self.size / 1024))} KB"
