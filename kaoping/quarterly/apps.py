from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuarterlyConfig(AppConfig):
    name = "kaoping.quarterly"
    label = "quarterly"
    verbose_name = _("Quarterly meetings")

    def ready(self) -> None:
        from kaoping.files import access  # the files app's registry, below this layer
        from kaoping.inbox import reminders  # below this layer

        from . import notices, selectors

        # Photos, report files and statements' and progress notes' attachments are downloaded by
        # whoever may see the meeting or the rectification they belong to.
        access.register(selectors.VISIT_OWNER, selectors.may_download_visit_photo)
        access.register(selectors.REPORT_OWNER, selectors.may_download_report_file)
        access.register(selectors.STATEMENT_OWNER, selectors.may_download_statement_file)
        access.register(selectors.PROGRESS_OWNER, selectors.may_download_progress_file)

        # Rectifications whose deadline has come, for their group leader's review.
        reminders.register("quarterly.rectifications_due", notices.rectifications_due)
