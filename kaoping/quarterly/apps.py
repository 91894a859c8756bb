from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuarterlyConfig(AppConfig):
    name = "kaoping.quarterly"
    label = "quarterly"
    verbose_name = _("Quarterly meetings")

    def ready(self) -> None:
        from kaoping.inbox import reminders  # below this layer

        from . import notices

        # Rectifications whose deadline has come, for their group leader's review.
        reminders.register("quarterly.rectifications_due", notices.rectifications_due)
