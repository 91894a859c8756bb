from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossierConfig(AppConfig):
    name = "kaoping.dossier"
    label = "dossier"
    verbose_name = _("Cadre dossier")

    def ready(self) -> None:
        # The built-in sections register themselves when their module is imported.
        from . import annual, appeals, mechanisms, providers, years  # noqa: F401
