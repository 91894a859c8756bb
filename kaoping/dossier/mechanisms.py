"""Dossier sections of the monthly records and the quarterly meetings: achievement records with their
attachments, exemplary marks (典型), lagging-list appearances with their reasons and statements
(后进表态发言), and rectifications with their outcome. Each loader reads the cadre's whole history in a
fixed number of queries (noted on each), through the selectors of the records and quarterly apps.

Attachments link to the files app's download view, which checks who may read them: the dossier only
names them.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaoping.files.models import Attachment
from kaoping.people.models import Cadre
from kaoping.quarterly import rules as lagging_rules
from kaoping.quarterly import selectors as quarterly
from kaoping.quarterly.models import RectificationStatus
from kaoping.records import selectors as records
from kaoping.records.models import DecisionKind, RecordStatus

from .sections import Section, Table, register


def _day(value) -> str:
    return f"{value:%Y-%m-%d}" if value else ""


def _who(user) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


# --- Achievement records (干部落实力纪实) -------------------------------------------------------------


@dataclass
class Answer:
    heading: str
    text: str  # the entry's text, or "nothing notable"
    attachments: list[Attachment] = field(default_factory=list)


@dataclass
class RecordRow:
    month: str
    leader: str
    state: str
    answers: list[Answer]
    decision: str


def load_records(cadre: Cadre) -> list[RecordRow]:
    """Four queries: records with leader and decision, entries, attachments (records' selector)."""
    rows = []
    for record in records.records_for_cadre([cadre.pk]).get(cadre.pk, []):
        if record.status == RecordStatus.SUBMITTED:
            state = (
                _("late, submitted %(day)s") % {"day": _day(record.submitted_at)} if record.is_late else ""
            )
        else:
            state = record.get_status_display()
        decision = getattr(record, "decision", None)
        rows.append(
            RecordRow(
                month=f"{record.month:%Y-%m}",
                leader=record.leader.name,
                state=state,
                answers=[
                    Answer(
                        heading=str(label),
                        text=_("Nothing notable") if entry.nothing_notable else entry.text,
                        attachments=list(files),
                    )
                    for _h, label, entry, files in record.answers  # type: ignore[attr-defined]
                    if entry is not None
                ],
                decision=decision.get_kind_display() if decision is not None else "",
            )
        )
    return rows


def table_records(rows: list[RecordRow]) -> Table:
    return Table(
        headers=[_("Month"), _("Heading"), _("What was achieved"), _("Attachments"), _("Meeting's decision")],
        rows=[
            [
                r.month if n == 0 else "",
                a.heading,
                a.text,
                "、".join(f.original_name for f in a.attachments),
                r.decision if n == 0 else "",
            ]
            for r in rows
            for n, a in enumerate(r.answers)
        ],
        summary=_("Monthly records: %(count)d.") % {"count": len(rows)} if rows else "",
        widths=[1.6, 3, 7, 3, 2],
    )


# --- Exemplary marks (典型) -------------------------------------------------------------------------


@dataclass
class ExemplaryRow:
    month: str
    citation: str
    decided_on: str
    decided_by: str  # the meeting that decided, and who recorded it


def load_exemplary(cadre: Cadre) -> list[ExemplaryRow]:
    """One query: the meeting's exemplary decisions on the cadre's records."""
    return [
        ExemplaryRow(
            month=f"{d.record.month:%Y-%m}",
            citation=d.citation,
            decided_on=_day(d.decided_on),
            decided_by=_("Secretary's office meeting (recorded by %(who)s)") % {"who": _who(d.recorded_by)},
        )
        for d in sorted(
            records.exemplary_for_cadre([cadre.pk]).get(cadre.pk, []),
            key=lambda d: d.record.month,
            reverse=True,
        )
        if d.kind == DecisionKind.EXEMPLARY
    ]


def table_exemplary(rows: list[ExemplaryRow]) -> Table:
    return Table(
        headers=[_("Month"), _("Citation"), _("Meeting date"), _("Decided by")],
        rows=[[r.month, r.citation, r.decided_on, r.decided_by] for r in rows],
        summary=_("Exemplary marks: %(count)d.") % {"count": len(rows)} if rows else "",
        widths=[1.6, 8, 2, 4],
    )


# --- Lagging-list appearances and statements (后进名单、表态发言) ------------------------------------


@dataclass
class AppearanceRow:
    quarter: str
    meeting: str
    rule: str
    reasons: list[str]
    exemption: str
    statement_on: str
    statement: str
    measures: str
    deadline: str
    status: str
    is_open: bool
    review: str
    reviewed: str
    statement_files: list[str] = field(default_factory=list)  # the names of the statement's attachments


def load_appearances(cadre: Cadre) -> list[AppearanceRow]:
    """At most three queries: the appearances on final lists (with statement and rectification), the names
    of the cadres their reasons mention (a tie-break's other side), and the statements' attachments
    (a statement may be a file only)."""
    found = quarterly.appearances_for_cadres([cadre.pk]).get(cadre.pk, [])
    names = quarterly.cadre_names(lagging_rules.cadres_named([], [a.entry.basis for a in found]))
    files = quarterly.attachments_of(
        quarterly.STATEMENT_OWNER, [a.statement.pk for a in found if a.statement]
    )
    rows = []
    for a in found:
        entry, statement, rectification = a.entry, a.statement, a.rectification
        rows.append(
            AppearanceRow(
                quarter=f"{a.meeting.year}Q{a.meeting.quarter}",
                meeting=a.meeting.title,
                rule=lagging_rules.short(entry.rule) if entry.rule else _("Added by the office"),
                reasons=[lagging_rules.line_text(line, names) for line in entry.basis]
                + ([entry.reason] if entry.reason else []),
                exemption=entry.exempt_reason if entry.exempt else "",
                statement_on=_day(statement.made_on) if statement else "",
                statement=statement.text if statement else "",
                measures=rectification.measures if rectification else "",
                deadline=_day(rectification.deadline) if rectification else "",
                status=rectification.get_status_display() if rectification else "",
                is_open=rectification is not None and rectification.status == RectificationStatus.OPEN,
                review=rectification.review if rectification else "",
                reviewed=_day(rectification.reviewed_at) if rectification else "",
                statement_files=[f.original_name for f in files.get(statement.pk, [])] if statement else [],
            )
        )
    return rows


def table_appearances(rows: list[AppearanceRow]) -> Table:
    return Table(
        headers=[_("Quarter"), _("Rule"), _("Why listed"), _("Exemption"), _("Statement")],
        rows=[
            [
                r.quarter,
                r.rule,
                "；".join(r.reasons),
                r.exemption,
                " ".join(
                    part
                    for part in (
                        r.statement_on,
                        r.statement,
                        _("(attached: %(names)s)") % {"names": "、".join(r.statement_files)}
                        if r.statement_files
                        else "",
                    )
                    if part
                ),
            ]
            for r in rows
        ],
        summary=_("Appearances on a lagging list: %(count)d; statements: %(statements)d.")
        % {"count": len(rows), "statements": sum(1 for r in rows if r.statement)}
        if rows
        else "",
        widths=[1.6, 3, 5, 3, 5],
    )


def load_rectifications(cadre: Cadre) -> list[AppearanceRow]:
    """Two queries (the appearances' loader), keeping those with a rectification plan."""
    return [r for r in load_appearances(cadre) if r.measures]


def table_rectifications(rows: list[AppearanceRow]) -> Table:
    return Table(
        headers=[_("Quarter"), _("Measures"), _("Deadline"), _("Outcome"), _("Review")],
        rows=[
            [r.quarter, r.measures, r.deadline, r.status, f"{r.reviewed} {r.review}".strip()] for r in rows
        ],
        summary=_("Rectifications: %(count)d; open: %(open)d.")
        % {"count": len(rows), "open": sum(1 for r in rows if r.is_open)}
        if rows
        else "",
        widths=[1.6, 6, 2, 2, 5],
    )


register(
    Section(
        key="records",
        title=gettext_lazy("Achievement records"),
        order=60,
        load=load_records,
        template="dossier/sections/records.html",
        table=table_records,
        empty=gettext_lazy("No achievement record."),
    )
)
register(
    Section(
        key="exemplary",
        title=gettext_lazy("Exemplary marks"),
        order=70,
        load=load_exemplary,
        table=table_exemplary,
        empty=gettext_lazy("No exemplary mark."),
    )
)
register(
    Section(
        key="lagging",
        title=gettext_lazy("Lagging-list appearances and statements"),
        order=80,
        load=load_appearances,
        table=table_appearances,
        empty=gettext_lazy("Never on a lagging list."),
    )
)
register(
    Section(
        key="rectifications",
        title=gettext_lazy("Rectifications"),
        order=90,
        load=load_rectifications,
        table=table_rectifications,
        empty=gettext_lazy("No rectification."),
    )
)
