from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppealsConfig(AppConfig):
    name = "kaoping.appeals"
    label = "appeals"
    verbose_name = _("Objections and reviews")

    def ready(self) -> None:
        from kaoping.inbox import reminders  # below this layer

        from . import monthly, notices

        # The monthly results are the first kind of subject; the annual grades register theirs.
        monthly.register_kind()
        # Objections and reviews whose answer is due tomorrow, today or overdue, for the office.
        reminders.register("appeals.answers_due", notices.answers_due)
