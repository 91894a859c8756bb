from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuarterlyConfig(AppConfig):
    name = "kaoping.quarterly"
    label = "quarterly"
    verbose_name = _("Quarterly meetings")
