from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class YearbookConfig(AppConfig):
    name = "kaoping.yearbook"
    label = "yearbook"
    verbose_name = _("Annual report")
