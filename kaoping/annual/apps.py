from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnnualConfig(AppConfig):
    name = "kaoping.annual"
    label = "annual"
    verbose_name = _("Annual evaluation")

    def ready(self) -> None:
        from kaoping.inbox import reminders  # below this layer

        from . import kind, notices

        # The annual grade is the second kind of subject of objections and reviews (core.subjects).
        kind.register_kind()
        # A published year whose window has passed and which the office has not confirmed yet.
        reminders.register("annual.confirm_due", notices.confirm_due)
