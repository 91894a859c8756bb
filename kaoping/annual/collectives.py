"""A village collective's own annual assessment (村级集体年度考核): a village is an assessed unit too.

When the year's `collective_method` is `OWN_SCORE`, the advanced-collective honour ranks the villages
by the scores the office enters here (one per village and year, 0–100, with what scored it), instead of
by their cadres' annual scores. A village without a score is listed apart as not scored, never as zero.

- `score_save` / `score_remove`: one village's score, typed as a person types it (the one number
  parser, `core.numbers`), with the version the page showed; audited with the old and new values.
- `score_import`: an .xlsx of villages and scores, all or nothing, every bad row listed by its number;
  villages are matched by name within the town.
- `score_export`: the year's entered scores as .xlsx (it imports back as it is).

Every change is refused once the year's grades are published (`services.require_unpublished`).
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaoping.accounts.models import User
from kaoping.accounts.permissions import Action, require
from kaoping.audit.services import Event, record, record_many
from kaoping.audit.versions import Conflict, claim
from kaoping.core import spreadsheets
from kaoping.core.errors import DomainError
from kaoping.core.numbers import NumberError, parse_number
from kaoping.core.spreadsheets import Column, Number, Problem, Sheet, Text
from kaoping.core.text import control_problem
from kaoping.people.models import Town, Village

from .models import CollectiveScore
from .services import require_unpublished

MAX_DIGITS, PLACES = 6, 2
LOWEST, HIGHEST = Decimal(0), Decimal(100)
BASIS_LENGTH = 200
MAX_ROWS = 500


def own_scores(town: Town, year: int) -> dict[int, CollectiveScore]:
    """{village id: its entered score} of the year (one query)."""
    return {s.village_id: s for s in CollectiveScore.objects.filter(town=town, year=year)}


def honours_text() -> str:
    return _(
        "A village collective's score: its own annual assessment (村级集体年度考核), entered by the office."
    )


@dataclass
class Line:
    """A village of the town on the page, with its score if one is entered."""

    village: Village
    entry: CollectiveScore | None


def lines(town: Town, year: int) -> list[Line]:
    """Every active village of the town, and every village with a score, in display order (two queries)."""
    entries = {
        s.village_id: s
        for s in CollectiveScore.objects.filter(town=town, year=year).select_related("village", "entered_by")
    }
    villages = list(Village.objects.filter(town=town, is_active=True).order_by("sort_order", "name"))
    shown = {v.pk for v in villages}
    villages += [e.village for e in entries.values() if e.village_id not in shown]
    villages.sort(key=lambda v: (v.sort_order, v.name))
    return [Line(v, entries.get(v.pk)) for v in villages]


def parse_score(typed: Any) -> Decimal:
    """The score a person typed (full-width digits and all), or a `DomainError` saying what to write."""
    if typed is None or (isinstance(typed, str) and not typed.strip()):
        raise DomainError(_("Enter the village's score; to take a score away, remove it."))
    try:
        value = parse_number(typed, max_digits=MAX_DIGITS, decimal_places=PLACES)
    except NumberError as exc:
        raise DomainError(exc.message) from None
    if not LOWEST <= value <= HIGHEST:
        raise DomainError(_("A village's score is from 0 to 100; “%(value)s” is not.") % {"value": typed})
    return value.quantize(Decimal(1).scaleb(-PLACES))  # 92.5 is stored, audited and shown as 92.50


def clean_basis(basis: str) -> str:
    basis = (basis or "").strip()
    if problem := control_problem(basis):
        raise DomainError(problem)
    if len(basis) > BASIS_LENGTH:
        raise DomainError(
            _("The basis is at most %(max)d characters; this has %(length)d.")
            % {"max": BASIS_LENGTH, "length": len(basis)}
        )
    return basis


def _values(entry: CollectiveScore) -> dict[str, str]:
    return {"village": entry.village.name, "score": str(entry.score), "basis": entry.basis}


def _check(actor: User, town: Town, year: int, village: Village) -> None:
    require(actor, Action.MANAGE_ANNUAL, town)
    if village.town_id != town.pk:
        raise DomainError(_("“%(village)s” is not a village of this town.") % {"village": village.name})
    require_unpublished(town, year)


@transaction.atomic
def score_save(
    *, actor: User, town: Town, year: int, village: Village, score: Any, basis: str, based_on: int | None
) -> CollectiveScore:
    """Enter or change one village's score of the year. `based_on`: the version the page showed, 0 when
    it showed no score (a score entered meanwhile by someone else is then refused, not overwritten)."""
    _check(actor, town, year, village)
    value = parse_score(score)
    basis = clean_basis(basis)
    current = CollectiveScore.objects.filter(town=town, year=year, village=village).first()
    old = None
    if current is None:
        if based_on not in (None, 0):
            raise Conflict(_("The village's score was removed meanwhile; reload the page."))
        current = CollectiveScore(town=town, year=year, village=village)
    else:
        old = _values(current)
        if (value, basis) == (current.score, current.basis):
            return current  # nothing changed: nothing to record
        claim(current, based_on)
    current.score, current.basis = value, basis
    current.entered_by, current.entered_at = actor, timezone.now()
    try:
        with transaction.atomic():
            current.save()
    except IntegrityError:  # two first entries of one village at once: the second is refused
        raise Conflict(_("A score of this village was entered meanwhile; reload the page.")) from None
    record(
        actor=actor,
        action="collective_score.update" if old else "collective_score.create",
        target=current,
        town=town,
        old=old,
        new=_values(current),
    )
    return current


@transaction.atomic
def score_remove(*, actor: User, entry: CollectiveScore, based_on: int | None) -> None:
    """Take a village's score away: the village is then listed as not scored."""
    _check(actor, entry.town, entry.year, entry.village)
    claim(entry, based_on)
    old = _values(entry)
    record(actor=actor, action="collective_score.remove", target=entry, town=entry.town, old=old)
    entry.delete()


# Excel.


def score_sheet(town: Town | None = None) -> Sheet:
    """The sheet of villages and scores; with a town, its villages are offered in a drop-down."""
    names = (
        tuple(Village.objects.filter(town=town, is_active=True).values_list("name", flat=True))
        if town is not None
        else None
    )
    return Sheet(
        title=gettext_lazy("Village collectives"),
        notes=(
            gettext_lazy(
                "One row per village of the town, by its name; a village not scored is left out of the "
                "sheet. An imported score replaces the one entered before."
            ),
        ),
        columns=(
            Column(
                "village",
                gettext_lazy("Village"),
                Text(max_length=60),
                required=True,
                example="东村",
                aliases=("村", "村名", "村庄"),
                options=names,
            ),
            Column(
                "score",
                gettext_lazy("Score"),
                Number(places=PLACES, minimum=LOWEST, maximum=HIGHEST, max_digits=MAX_DIGITS),
                required=True,
                example=Decimal("92.5"),
                aliases=("得分", "考核得分", "分数"),
            ),
            Column(
                "basis",
                gettext_lazy("Basis"),
                Text(max_length=BASIS_LENGTH),
                example="村级集体年度考核细则",
                aliases=("依据", "评分依据"),
                help=gettext_lazy("What scored the village: the indicator scheme or the meeting."),
            ),
            Column("entered_by", gettext_lazy("Entered by"), importable=False),
            Column("entered_at", gettext_lazy("Entered at"), importable=False),
        ),
    )


def score_template(town: Town) -> bytes:
    return spreadsheets.write_template(score_sheet(town), rows=MAX_ROWS)


def score_export(town: Town, year: int) -> bytes:
    """The year's entered scores (two queries)."""
    rows = [
        {
            "village": line.village.name,
            "score": line.entry.score,
            "basis": line.entry.basis,
            "entered_by": str(line.entry.entered_by),
            "entered_at": f"{timezone.localtime(line.entry.entered_at):%Y-%m-%d %H:%M}",
        }
        for line in lines(town, year)
        if line.entry is not None
    ]
    return spreadsheets.write_rows(score_sheet(), rows)


@dataclass
class ImportResult:
    saved: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def score_import(
    *, actor: User, town: Town, year: int, file: IO[bytes] | bytes, filename: str = ""
) -> ImportResult:
    """Enter the score of every row's village, or none at all (every problem listed by row)."""
    require(actor, Action.MANAGE_ANNUAL, town)
    require_unpublished(town, year)
    table = spreadsheets.read(score_sheet(), file, max_rows=MAX_ROWS)
    table.report_unknown_columns()
    ours = {spreadsheets.normalize(v.name): v for v in Village.objects.filter(town=town, is_active=True)}
    typed = {spreadsheets.normalize(r.values["village"]) for r in table.rows if r.values["village"]}
    elsewhere = {
        spreadsheets.normalize(name)
        for name in Village.objects.exclude(town=town).values_list("name", flat=True)
        if spreadsheets.normalize(name) in typed
    }
    seen: dict[int, int] = {}
    accepted: list[tuple[Village, Decimal, str]] = []
    for row in table.rows:
        name = row.values["village"]
        if not name:
            continue
        village = ours.get(spreadsheets.normalize(name))
        if village is None:
            message = (
                _("“%(name)s” is a village of another town, not of this one.")
                if spreadsheets.normalize(name) in elsewhere
                else _("There is no active village named “%(name)s” in this town.")
            )
            table.add_problem(row, "village", message % {"name": name})
        elif village.pk in seen:
            table.add_problem(
                row,
                "village",
                _("“%(name)s” is in row %(row)d already.") % {"name": name, "row": seen[village.pk]},
            )
        else:
            seen[village.pk] = row.number
            if not table.has_problem(row, "score") and not table.has_problem(row, "basis"):
                accepted.append((village, row.values["score"], row.values["basis"].strip()))
    if table.problems:
        return ImportResult(problems=table.sorted_problems())
    if not accepted:
        raise DomainError(_("The sheet has no row of a village to import."))
    now = timezone.now()
    with transaction.atomic():
        current = {
            s.village_id: s
            for s in CollectiveScore.objects.select_for_update().filter(
                town=town, year=year, village__in=[v for v, _s, _b in accepted]
            )
        }
        events = []
        for village, value, basis in accepted:
            entry = current.get(village.pk)
            old = _values(entry) if entry is not None else None
            if entry is not None and (entry.score, entry.basis) == (value, basis):
                continue
            if entry is None:
                entry = CollectiveScore(town=town, year=year, village=village)
            else:
                entry.version += 1  # a page opened before the import is refused rather than overwriting it
            entry.score, entry.basis, entry.entered_by, entry.entered_at = value, basis, actor, now
            entry.save()
            events.append(
                Event(
                    "collective_score.update" if old else "collective_score.create",
                    entry,
                    town,
                    old,
                    _values(entry),
                    filename,
                )
            )
        record_many(actor=actor, events=events)
        record(
            actor=actor,
            action="collective_score.import",
            target=town,
            town=town,
            new={"file": filename, "year": year, "rows": len(accepted), "changed": len(events)},
        )
    return ImportResult(saved=len(accepted))
