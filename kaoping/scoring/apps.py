from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "kaoping.scoring"
    label = "scoring"
    verbose_name = _("Scoring")

    def ready(self) -> None:
        # The inbox is below scoring: registering here keeps the inbox unaware of the apps above it.
        from kaoping.inbox import reminders

        from . import notices

        reminders.register("scoring.sheets_due", notices.sheets_due)
