"""The upload field of any form that takes attachments: several files at once, checked by the service."""

from django import forms
from django.utils.translation import gettext_lazy as _


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Zero or more files. Their content is checked by `files.validation` when the service stores
    them (all or nothing), not here, so that the message is the same from every page."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf,.docx,.xlsx"}))
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("Photos (JPEG, PNG), PDF, Word (.docx) or Excel (.xlsx)."))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [f for f in data if f]
        return [data] if data else []
