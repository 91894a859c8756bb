"""What each role has to do next in a town: the figures of the home page, as plain data.

`todo(user, town)` returns one `Card` per role the user holds there (a user with several roles gets
the cards of each), every card a list of `Line`s: a label, a figure, where to act on it and whether it
is urgent. A card with no line says so in `empty` ("nothing waiting") rather than showing an empty box.
The inbox and the home page read the same cards.

Reads only, in a fixed number of queries whatever the number of sheets, items or roles: each area is
read once, in bulk, and only when one of the user's roles needs it (`tests/test_todo.py` pins it).
What a cadre sees never includes the town's staff figures.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kaoping.accounts.models import Role, User
from kaoping.accounts.permissions import population_scope, roles_in
from kaoping.indicators.models import IndicatorWeight
from kaoping.people.models import Population, Town
from kaoping.people.selectors import rosters
from kaoping.results.models import Correction, CorrectionStatus, MonthlyResult
from kaoping.scoring.models import (
    Adjustment,
    AdjustmentStatus,
    Excusal,
    PeriodStatus,
    ScoreEntry,
    ScoreSheet,
    SheetStatus,
)
from kaoping.scoring.selectors import month_slug
from kaoping.supervision.models import Bulletin, BulletinStatus, Item, ItemStatus

DUE_SOON_DAYS = 7  # "due this week": a deadline within the next seven days
LIST_AT_MOST = 6  # lines of one kind listed by name; the rest are counted behind the card's link


@dataclass
class Line:
    """One thing to look at: `figure` (a count, "34 / 120", a score) and where to act on it."""

    label: str
    url: str
    figure: str = ""
    note: str = ""
    urgent: bool = False
    progress: int | None = None  # percent, for a progress bar


@dataclass
class Card:
    """What one role has to do: its lines, or the `empty` sentence when nothing waits."""

    key: str  # stable name, e.g. "scorer", "supervision"
    role: Role
    title: str
    lines: list[Line] = field(default_factory=list)
    empty: str = ""
    url: str = ""  # where the whole list is ("" when the lines are the whole list)
    url_label: str = ""

    @property
    def waiting(self) -> int:
        """How many lines ask for an action (for a badge)."""
        return len(self.lines)


@dataclass
class SheetProgress:
    """One score sheet of a month open for scoring, and how far it is."""

    sheet_id: int
    month: date
    population: str
    status: str
    filled: int
    cells: int
    submitted_by_id: int | None

    @property
    def population_label(self) -> str:
        return str(Population(self.population).label)

    @property
    def status_label(self) -> str:
        return str(SheetStatus(self.status).label)

    @property
    def percent(self) -> int:
        return 100 if not self.cells else int(self.filled * 100 / self.cells)


@dataclass
class MyResult:
    """A cadre's latest published result."""

    month: date
    total: str
    rank: int
    group_rank: int | None
    url: str


class _Reader:
    """Reads each area once, when a card first asks for it."""

    def __init__(self, user: User, town: Town, today: date):
        self.user, self.town, self.today = user, town, today

    @cached_property
    def open_sheets(self) -> list[SheetProgress]:
        """Every sheet of the town's months open for scoring, with filled and total cells, in five
        queries: the sheets, the weights in force, the rosters, the scored cells, the excusals."""
        sheets = list(
            ScoreSheet.objects.filter(period__town=self.town, period__status=PeriodStatus.OPEN)
            .select_related("period", "scheme")
            .order_by("-period__month", "scheme__population")
        )
        if not sheets:
            return []
        months = {s.period.month for s in sheets}
        # The indicators in force in a month: a weight version from that month or earlier.
        starts: dict[int, tuple[int, date]] = {}
        for indicator_id, scheme_id, starts_on in IndicatorWeight.objects.filter(
            indicator__scheme_id__in={s.scheme_id for s in sheets}
        ).values_list("indicator_id", "indicator__scheme_id", "effective_from"):
            first = starts.get(indicator_id)
            if first is None or starts_on < first[1]:
                starts[indicator_id] = (scheme_id, starts_on)
        members = rosters(self.town, months)
        excused = {
            (sheet_id, cadre_id)
            for sheet_id, cadre_id in Excusal.objects.filter(sheet__in=sheets).values_list(
                "sheet_id", "cadre_id"
            )
        }
        filled: dict[tuple[int, int], int] = defaultdict(int)  # (sheet, cadre) → cells scored
        in_force = {
            s.pk: {
                i
                for i, (scheme_id, first) in starts.items()
                if scheme_id == s.scheme_id and first <= s.period.month
            }
            for s in sheets
        }
        for sheet_id, cadre_id, indicator_id in ScoreEntry.objects.filter(sheet__in=sheets).values_list(
            "sheet_id", "cadre_id", "indicator_id"
        ):
            if indicator_id in in_force[sheet_id]:
                filled[sheet_id, cadre_id] += 1
        progress = []
        for sheet in sheets:
            cadres = [
                pk
                for pk, m in members[sheet.period.month].items()
                if m.population == sheet.scheme.population and (sheet.pk, pk) not in excused
            ]
            indicators = len(in_force[sheet.pk])
            progress.append(
                SheetProgress(
                    sheet_id=sheet.pk,
                    month=sheet.period.month,
                    population=sheet.scheme.population,
                    status=sheet.status,
                    filled=sum(min(filled[sheet.pk, pk], indicators) for pk in cadres),
                    cells=len(cadres) * indicators,
                    submitted_by_id=sheet.submitted_by_id,
                )
            )
        return progress

    @cached_property
    def undecided_adjustments(self) -> list[tuple[date, int]]:
        """(month, count) of bonuses and deductions waiting for a decision, oldest month first."""
        rows = (
            Adjustment.objects.filter(period__town=self.town, status=AdjustmentStatus.DRAFT)
            .exclude(period__status=PeriodStatus.PUBLISHED)
            .values_list("period__month")
            .annotate(n=Count("pk"))
            .order_by("period__month")
        )
        return list(rows)

    @cached_property
    def pending_corrections(self) -> int:
        return Correction.objects.filter(town=self.town, status=CorrectionStatus.PENDING).count()

    @cached_property
    def open_items(self) -> list[Item]:
        """The town's items still owing a result whose deadline is past or within the week, and the
        results waiting for verification (one query)."""
        soon = self.today + timedelta(days=DUE_SOON_DAYS)
        return list(
            Item.objects.filter(town=self.town, status__in=ItemStatus.open(), deadline__lte=soon).only(
                "pk", "title", "deadline", "status"
            )
        )

    @cached_property
    def results_to_verify(self) -> list[Item]:
        return list(
            Item.objects.filter(town=self.town, status=ItemStatus.SUBMITTED)
            .only("pk", "title", "deadline", "status", "submitted_at")
            .order_by("submitted_at", "pk")
        )

    @cached_property
    def bulletins_in_review(self) -> list[Bulletin]:
        return list(Bulletin.objects.filter(town=self.town, status=BulletinStatus.IN_REVIEW).order_by("pk"))

    @cached_property
    def my_result(self) -> MyResult | None:
        """The cadre's result of the latest published month they have one in (one query)."""
        row = (
            MonthlyResult.objects.filter(
                cadre_id=self.user.cadre_id, period__town=self.town, period__status=PeriodStatus.PUBLISHED
            )
            .select_related("period")
            .order_by("-period__month")
            .first()
        )
        if row is None:
            return None
        return MyResult(
            month=row.period.month,
            total=f"{row.total:.2f}",
            rank=row.rank,
            group_rank=row.group_rank,
            url=reverse("scoring:breakdown", args=[self.town.slug, month_slug(row.period), row.cadre_id]),
        )

    @cached_property
    def my_items(self) -> list[Item]:
        """The cadre's items still owing a result, soonest deadline first (one query)."""
        return list(
            Item.objects.owned_by(self.user.cadre)
            .filter(status__in=ItemStatus.open())
            .only("pk", "title", "deadline", "status")
            .order_by("deadline", "pk")
        )


def _sheet_line(town: Town, sheet: SheetProgress, *, note: str = "", urgent: bool = False) -> Line:
    return Line(
        label=_("%(month)s · %(population)s")
        % {"month": f"{sheet.month:%Y-%m}", "population": sheet.population_label},
        url=reverse("scoring:sheet_grid", args=[town.slug, f"{sheet.month:%Y-%m}", sheet.sheet_id]),
        figure=f"{sheet.filled} / {sheet.cells}",
        note=note or sheet.status_label,
        urgent=urgent,
        progress=sheet.percent,
    )


def _item_line(town: Town, item: Item, today: date) -> Line:
    days = (item.deadline - today).days
    if days < 0:
        note = _("Overdue by %(days)d days") % {"days": -days}
    elif days == 0:
        note = _("Due today")
    else:
        note = _("Due in %(days)d days") % {"days": days}
    return Line(
        label=item.title,
        url=reverse("supervision:item_detail", args=[town.slug, item.pk]),
        figure=f"{item.deadline:%m-%d}",
        note=note,
        urgent=days < 0,
    )


def _scorer(r: _Reader) -> Card:
    populations = population_scope(r.user, r.town, Role.SCORER)
    mine = [s for s in r.open_sheets if s.population in populations]
    card = Card("scorer", Role.SCORER, _("Score sheets to fill"))
    for s in mine:
        if s.status == SheetStatus.DRAFT:
            left = s.cells - s.filled
            note = (
                _("%(count)d cells left, then submit") % {"count": left}
                if left
                else _("All filled: submit it")
            )
            card.lines.append(_sheet_line(r.town, s, note=note))
    if not card.lines:
        done = [s for s in mine if s.status != SheetStatus.DRAFT]
        card.empty = (
            _("Nothing waiting: your sheets of the open month are submitted.")
            if done
            else _("Nothing waiting: no month is open for scoring.")
        )
    return card


def _group_leader(r: _Reader) -> Card:
    populations = population_scope(r.user, r.town, Role.GROUP_LEADER)
    card = Card("group_leader", Role.GROUP_LEADER, _("Score sheets waiting for your approval"))
    for s in r.open_sheets:
        if s.population in populations and s.status == SheetStatus.SUBMITTED:
            own = s.submitted_by_id == r.user.pk
            card.lines.append(
                _sheet_line(
                    r.town,
                    s,
                    note=_("You submitted it: someone else approves")
                    if own
                    else _("Submitted: approve or return"),
                    urgent=not own,
                )
            )
    if not card.lines:
        drafting = [s for s in r.open_sheets if s.population in populations and s.status == SheetStatus.DRAFT]
        if len(drafting) == 1:  # the figure below links to where it is being filled
            card.url = _sheet_line(r.town, drafting[0]).url
            card.url_label = _("Open the score grid")
        card.empty = (
            _("Nothing waiting: your group's sheet is still being filled (%(filled)d / %(cells)d).")
            % {"filled": sum(s.filled for s in drafting), "cells": sum(s.cells for s in drafting)}
            if drafting
            else _("Nothing waiting for your approval.")
        )
    return card


def _adjustment_lines(r: _Reader, note: str) -> list[Line]:
    return [
        Line(
            label=_("Bonuses and deductions of %(month)s") % {"month": f"{month:%Y-%m}"},
            url=reverse("scoring:adjustment_list", args=[r.town.slug, f"{month:%Y-%m}"]),
            figure=str(n),
            note=note,
        )
        for month, n in r.undecided_adjustments
    ]


def _correction_line(r: _Reader) -> list[Line]:
    if not r.pending_corrections:
        return []
    return [
        Line(
            label=_("Corrections of published months to decide"),
            url=reverse("results:correction_list", args=[r.town.slug]),
            figure=str(r.pending_corrections),
            note=_("Publish or decline"),
            urgent=True,
        )
    ]


def _assessment_office(r: _Reader) -> Card:
    card = Card(
        "assessment_office",
        Role.ASSESSMENT_OFFICE,
        _("The month being scored"),
        url=reverse("scoring:period_list", args=[r.town.slug]),
        url_label=_("All months"),
    )
    card.lines = [_sheet_line(r.town, s) for s in r.open_sheets]
    card.lines += _adjustment_lines(r, _("Waiting for the Party secretary's decision"))
    card.lines += _correction_line(r)
    if not card.lines:
        card.empty = _("Nothing waiting: no month is open for scoring and nothing is left to decide.")
    return card


def _supervision_office(r: _Reader) -> Card:
    slug = r.town.slug
    overdue = [i for i in r.open_items if i.deadline < r.today]
    soon = [i for i in r.open_items if i.deadline >= r.today]
    card = Card(
        "supervision_office",
        Role.SUPERVISION_OFFICE,
        _("Supervision items to follow"),
        url=reverse("supervision:board", args=[slug]),
        url_label=_("The board"),
    )
    board = reverse("supervision:board", args=[slug])
    if overdue:
        card.lines.append(
            Line(
                _("Overdue items"),
                f"{board}?overdue=1",
                str(len(overdue)),
                _("Past their deadline"),
                urgent=True,
            )
        )
    if r.results_to_verify:
        card.lines.append(
            Line(
                _("Results to verify"),
                f"{board}?status={ItemStatus.SUBMITTED.value}",
                str(len(r.results_to_verify)),
                _("Verify or send back"),
                urgent=True,
            )
        )
    if soon:
        card.lines.append(
            Line(
                _("Due this week"),
                board,
                str(len(soon)),
                _("Deadline within %(days)d days") % {"days": DUE_SOON_DAYS},
            )
        )
        card.lines += [_item_line(r.town, i, r.today) for i in soon[:LIST_AT_MOST]]
    if not card.lines:
        card.empty = _("Nothing waiting: no item is overdue, due this week or waiting for verification.")
    return card


def _main_leader(r: _Reader) -> Card:
    card = Card("main_leader", Role.MAIN_LEADER, _("Waiting for your review"))
    card.lines = _adjustment_lines(r, _("Approve or reject"))
    for bulletin in r.bulletins_in_review:
        card.lines.append(
            Line(
                label=str(bulletin),
                url=reverse("supervision:bulletin_detail", args=[r.town.slug, bulletin.pk]),
                note=_("Supervision bulletin in review: approve or return"),
                urgent=True,
            )
        )
    card.lines += _correction_line(r)
    if not card.lines:
        card.empty = _("Nothing waiting for your review.")
    return card


def _cadre(r: _Reader) -> Card:
    slug = r.town.slug
    card = Card(
        "cadre",
        Role.CADRE,
        _("My results and items"),
        url=reverse("supervision:my_items", args=[slug]),
        url_label=_("All my items"),
    )
    mine = r.my_result
    if mine is not None:
        card.lines.append(
            Line(
                label=_("My result for %(month)s") % {"month": f"{mine.month:%Y-%m}"},
                url=mine.url,
                figure=mine.total,
                note=_("Rank %(rank)d · how it was reached") % {"rank": mine.rank},
            )
        )
    card.lines += [_item_line(r.town, i, r.today) for i in r.my_items[:LIST_AT_MOST]]
    if len(r.my_items) > LIST_AT_MOST:
        card.lines.append(
            Line(
                _("More of my open items"),
                card.url,
                str(len(r.my_items) - LIST_AT_MOST),
            )
        )
    if not card.lines:
        card.empty = _("Nothing waiting: no published result yet and no open supervision item.")
    return card


# In the order the cards appear; each role's card only for those who hold the role in the town.
_CARDS = (
    (Role.MAIN_LEADER, _main_leader),
    (Role.ASSESSMENT_OFFICE, _assessment_office),
    (Role.SUPERVISION_OFFICE, _supervision_office),
    (Role.GROUP_LEADER, _group_leader),
    (Role.SCORER, _scorer),
    (Role.CADRE, _cadre),
)


def todo(user: User, town: Town, today: date | None = None) -> list[Card]:
    """The cards of every role `user` holds in `town`, in a fixed number of queries."""
    held = roles_in(user, town)
    reader = _Reader(user, town, today or timezone.localdate())
    cards = []
    for role, build in _CARDS:
        if role in held:
            cards.append(build(reader))
    return cards
