from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "kaoping.supervision"
    label = "supervision"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        # The inbox is below supervision: registering here keeps the inbox unaware of the apps above it.
        from kaoping.inbox import reminders

        from . import notices

        reminders.register("supervision.items_due", notices.items_due)
