from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Operations: backup and restore, the error page of an outage. It sits above every other app."""

    name = "kaoping.ops"
    verbose_name = _("Operations")
