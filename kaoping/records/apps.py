from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "kaoping.records"
    label = "records"
    verbose_name = _("Monthly achievement records")

    def ready(self) -> None:
        # Attachments of record entries are downloaded by whoever may read the record.
        from kaoping.files import access  # the files app's registry, below this layer
        from kaoping.inbox import reminders  # below this layer too

        from . import notices, selectors

        access.register(selectors.ENTRY_OWNER, selectors.may_download_entry_attachment)
        # Leaders with records not submitted, the day before the deadline and on it.
        reminders.register("records.missing", notices.missing_records)
