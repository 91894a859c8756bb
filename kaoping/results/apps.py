from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResultsConfig(AppConfig):
    """The stored results: recomputed when an input announces a change (`kaoping.core.events`)."""

    name = "kaoping.results"
    label = "results"
    verbose_name = _("Results")

    def ready(self) -> None:
        # Imported here, not at the top: models may be imported only once the app registry is ready.
        from kaoping.core import events

        from . import results

        events.INPUTS_CHANGED.connect(results.on_inputs_changed, dispatch_uid="results.inputs_changed")
        events.FROZEN_ASKED.connect(results.on_frozen_asked, dispatch_uid="results.frozen_asked")
