"""The month's close and publication: publishing freezes the month's results.

A month is opened and scored in the scoring app; closing, reopening and publishing it are steps of
the results: publishing computes the results once more from the final inputs and freezes them
(a later input then becomes a pending correction, `corrections.propose`).
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaoping.accounts.models import User
from kaoping.audit import services as audit
from kaoping.audit.services import record
from kaoping.core.errors import DomainError
from kaoping.scoring.completeness import period_summary
from kaoping.scoring.models import Period, PeriodStatus, SheetStatus

from . import results

PERIOD_MOVES = {
    (PeriodStatus.OPEN, PeriodStatus.CLOSED),
    (PeriodStatus.CLOSED, PeriodStatus.OPEN),
    (PeriodStatus.CLOSED, PeriodStatus.PUBLISHED),
}


# Moves of a month that need the caller's explicit confirmation, and what cannot be undone about them.
PERIOD_CONSEQUENCES: dict[str, str] = {
    PeriodStatus.CLOSED: gettext_lazy(
        "Closing stops all scoring of the month: no cell, sheet, bonus or deduction can change until "
        "the month is reopened."
    ),
    PeriodStatus.PUBLISHED: gettext_lazy(
        "Publishing cannot be undone: every cadre of the town sees the rankings and their breakdown, "
        "and the month can never be reopened; a later change is recorded as a correction."
    ),
}


@transaction.atomic
def period_move(*, actor: User, period: Period, to: str, confirmed: bool = False) -> Period:
    """Close, reopen or publish a month.

    Closing and publishing need `confirmed=True`: the caller shows the month's summary
    (`scoring.completeness.period_summary`) and `PERIOD_CONSEQUENCES` first. Publishing needs every score
    sheet approved and no empty cell left unexcused: an empty cell is never a zero.
    """
    period = Period.objects.select_for_update().get(pk=period.pk)
    if (period.status, to) not in PERIOD_MOVES:
        raise DomainError(
            _("A month that is %(current)s cannot become %(target)s.")
            % {
                "current": period.get_status_display(),
                "target": PeriodStatus(to).label if to in PeriodStatus.values else to,
            }
        )
    if to in PERIOD_CONSEQUENCES and not confirmed:
        raise DomainError(_("Confirm first: %(consequence)s") % {"consequence": PERIOD_CONSEQUENCES[to]})
    if to == PeriodStatus.PUBLISHED:
        pending = period.sheets.exclude(status=SheetStatus.APPROVED).select_related("scheme")
        if pending:
            raise DomainError(
                _("Not every score sheet is approved yet: %(sheets)s.")
                % {"sheets": "、".join(str(s.scheme) for s in pending)}
            )
        summary = period_summary(period)
        if summary.unscored:
            raise DomainError(
                _(
                    "%(count)d cells are still empty. An empty cell is never a zero: reopen the sheet, "
                    "score them or mark their cadres not scored this month, and approve it again."
                )
                % {"count": summary.unscored},
                errors=[line for gaps in summary.sheets for line in gaps.missing_lines()],
            )
        # The results are computed once more from the final inputs, then frozen with the month.
        results.period_recompute(period)
        period.published_at = timezone.now()
    old = period.status
    period.status = to
    period.save(update_fields=["status", "published_at"])
    record(
        actor=actor,
        action="period.move",
        target=period,
        town=period.town,
        old={"status": old},
        new={"status": to},
    )
    if to == PeriodStatus.PUBLISHED:
        period.audit_anchor = audit.anchor(reason=f"published {period.town.slug} {period}")
        period.save(update_fields=["audit_anchor"])
    return period
