from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """What reads the results: rankings and their exports, breakdowns, charts, the month pages and the
    bulletins that quote rankings. Above the results, below the site (docs/architecture.md)."""

    name = "kaoping.reports"
    label = "reports"
    verbose_name = _("Reports")
