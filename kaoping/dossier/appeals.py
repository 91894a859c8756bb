"""The dossier's section of objections and reviews (异议、复核): every one the cadre raised, with the
written answer and the outcome it led to, read through the appeals app's selector (two queries: the
appeals, and what became of the corrections they led to)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaoping.appeals import selectors as appeals
from kaoping.appeals.models import Appeal, AppealStatus
from kaoping.people.models import Cadre

from .sections import Section, Table, register


def load_appeals(cadre: Cadre) -> list[Appeal]:
    """The cadre's objections and reviews, oldest first, with who answered and what became of the
    corrections they led to (`appeals.with_follow_ups`): two queries at most."""
    return appeals.history(cadre)


def _declined(appeal: Appeal) -> bool:
    """The answer changed the outcome, but the correction it went into was declined since."""
    return appeal.follow_up is not None and appeal.follow_up.declined


def changed(appeal: Appeal) -> bool:
    """The answer changed the outcome and the change stands (or waits for its correction)."""
    return appeal.status in (AppealStatus.UPHELD, AppealStatus.IMPROVED) and not _declined(appeal)


def _outcome(appeal: Appeal) -> str:
    if appeal.is_open:
        return _("answer due %(day)s") % {"day": f"{appeal.due_on:%Y-%m-%d}"}
    if appeal.outcome_after and appeal.outcome_after != appeal.outcome_before:
        if _declined(appeal):
            return _("%(outcome)s, unchanged (correction declined)") % {"outcome": appeal.outcome_before}
        return f"{appeal.outcome_before} → {appeal.outcome_after}"
    return appeal.outcome_before


def table_appeals(rows: list[Appeal]) -> Table:
    return Table(
        headers=[
            _("Raised"),
            _("Stage"),
            _("Subject"),
            _("Grounds"),
            _("Status"),
            _("Result after the answer"),
            _("Answer"),
        ],
        rows=[
            [
                f"{a.raised_at:%Y-%m-%d}",
                a.get_stage_display(),
                a.subject_label,
                a.reason,
                a.status_text,
                _outcome(a),
                a.answer,
            ]
            for a in rows
        ],
        summary=_("Objections: %(objections)d; reviews: %(reviews)d; changed the result: %(changed)d.")
        % {
            "objections": sum(1 for a in rows if a.stage == "objection"),
            "reviews": sum(1 for a in rows if a.stage == "review"),
            "changed": sum(1 for a in rows if changed(a)),
        }
        if rows
        else "",
        widths=[1.8, 1.4, 2.6, 4, 1.6, 2, 4],
    )


register(
    Section(
        key="appeals",
        title=gettext_lazy("Objections and reviews"),
        order=95,
        load=load_appeals,
        table=table_appeals,
        empty=gettext_lazy("No objection or review."),
    )
)
