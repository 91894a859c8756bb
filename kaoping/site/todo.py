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

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kaoping.accounts.models import Role, User
from kaoping.accounts.permissions import population_scope, roles_in
from kaoping.annual import kind as annual_kind
from kaoping.annual import publication as annual_publication
from kaoping.annual.models import AnnualPublication, AnnualResult
from kaoping.appeals import monthly as appeal_months
from kaoping.appeals import selectors as appeals
from kaoping.appeals import services as appeal_services
from kaoping.appeals.models import Appeal, Stage
from kaoping.indicators.models import IndicatorWeight
from kaoping.pay.models import PayPlan, PlanStatus
from kaoping.people.models import Population, Town
from kaoping.people.selectors import rosters
from kaoping.quarterly import selectors as quarterly
from kaoping.quarterly.models import Rectification
from kaoping.records import selectors as records
from kaoping.records.models import LeaderArea
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
    """A cadre's latest published result, and its windows for objections and a review."""

    month: date
    total: str
    rank: int
    group_rank: int | None
    url: str
    subject_id: int = 0
    windows: appeal_services.Windows | None = None


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
    def pay_plans(self) -> list[PayPlan]:
        """The town's pay plans waiting for approval and those returned to the office (one query)."""
        return list(
            PayPlan.objects.filter(town=self.town)
            .filter(Q(status=PlanStatus.SUBMITTED) | (Q(status=PlanStatus.DRAFT) & ~Q(returned_reason="")))
            .only("pk", "year", "kind", "status", "returned_reason")
            .order_by("year", "kind")
        )

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
        windows = None
        if row.period.published_at is not None:
            windows = appeal_services.windows(appeal_months.subject_of(row, self.town), self.appeal_rules)
        return MyResult(
            month=row.period.month,
            total=f"{row.total:.2f}",
            rank=row.rank,
            group_rank=row.group_rank,
            url=reverse("scoring:breakdown", args=[self.town.slug, month_slug(row.period), row.cadre_id]),
            subject_id=row.pk,
            windows=windows,
        )

    @cached_property
    def appeal_rules(self):
        """The town's publication and review windows (one query)."""
        return appeal_services.rules_for(self.town)

    @cached_property
    def annual_publication(self) -> AnnualPublication | None:
        """The town's latest published year of annual grades (one query)."""
        return AnnualPublication.objects.filter(town=self.town).order_by("-year").first()

    @cached_property
    def my_annual_grade(self) -> AnnualResult | None:
        """The cadre's graded result of the latest published year (one query, none without one)."""
        published = self.annual_publication
        if published is None or self.user.cadre_id is None:
            return None
        return AnnualResult.objects.filter(
            town=self.town, year=published.year, cadre_id=self.user.cadre_id, level__isnull=False
        ).first()

    @cached_property
    def my_appeals(self) -> list[Appeal]:
        """The cadre's objections and reviews, the open ones first (one query)."""
        return appeals.for_cadre(self.town, self.user.cadre_id)

    @cached_property
    def open_appeals(self) -> list[Appeal]:
        """The town's objections and reviews waiting for an answer, soonest due first (one query)."""
        return appeals.open_for_town(self.town)

    @cached_property
    def my_items(self) -> list[Item]:
        """The cadre's items still owing a result, soonest deadline first (one query)."""
        return list(
            Item.objects.owned_by(self.user.cadre)
            .filter(status__in=ItemStatus.open())
            .only("pk", "title", "deadline", "status")
            .order_by("deadline", "pk")
        )

    @cached_property
    def exemplary_count(self) -> int:
        """The exemplary cases (典型) of the year (one query)."""
        return records.exemplary_count(self.town, self.today.year)

    @cached_property
    def records_completeness(self) -> list[records.LeaderCompleteness]:
        """This month's records per leader in charge (the records' selector, a fixed number of queries)."""
        return records.completeness(self.town, self.today)

    @cached_property
    def leads_an_area(self) -> bool:
        """Whether the user's cadre is (or was) a leader in charge of an area (one query)."""
        if self.user.cadre_id is None:
            return False
        return LeaderArea.objects.filter(town=self.town, leader_id=self.user.cadre_id).exists()

    @cached_property
    def records_to_fill(self) -> list[records.ToFill]:
        """What the user, as a leader in charge, must still fill this month and every record returned
        to them (the records' selector, six queries), nothing for someone who never led an area."""
        if not self.leads_an_area:
            return []
        return records.records_to_fill(self.user, self.town, self.today)

    @cached_property
    def my_rectifications(self) -> list[Rectification]:
        """The cadre's open rectifications, soonest deadline first (one query)."""
        return quarterly.open_rectifications(self.town, user=self.user)

    @cached_property
    def overdue_rectifications(self) -> list[Rectification]:
        return quarterly.overdue_rectifications(self.town, self.today)


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


def _overdue(days: int) -> str:
    """How late something is, in words: "Overdue by 1 day", "Overdue by 2 days"."""
    return ngettext("Overdue by %(days)d day", "Overdue by %(days)d days", days) % {"days": days}


def _due_in(days: int) -> str:
    return ngettext("Due in %(days)d day", "Due in %(days)d days", days) % {"days": days}


def _item_line(town: Town, item: Item, today: date) -> Line:
    days = (item.deadline - today).days
    if days < 0:
        note = _overdue(-days)
    elif days == 0:
        note = _("Due today")
    else:
        note = _due_in(days)
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
                ngettext("%(count)d cell left, then submit", "%(count)d cells left, then submit", left)
                % {"count": left}
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


def _due_note(due: date, today: date) -> tuple[str, bool]:
    days = (due - today).days
    if days < 0:
        return _overdue(-days), True
    if days == 0:
        return _("Due today"), True
    return _("Due %(due)s") % {"due": f"{due:%m-%d}"}, False


def _appeal_lines(r: _Reader) -> list[Line]:
    """The objections and reviews waiting for the office's written answer, the soonest due first."""
    if not r.open_appeals:
        return []
    first = r.open_appeals[0]
    note, urgent = _due_note(first.due_on, r.today)
    return [
        Line(
            label=_("Objections and reviews to answer"),
            url=reverse("appeals:list", args=[r.town.slug]),
            figure=str(len(r.open_appeals)),
            note=_("Next: %(cadre)s, %(due)s") % {"cadre": first.cadre.name, "due": note},
            urgent=urgent,
        )
    ]


def _annual_confirm_lines(r: _Reader) -> list[Line]:
    """The latest published year of annual grades, once its window has passed, to confirm."""
    published = r.annual_publication
    if published is None or published.confirmed:
        return []
    when = annual_publication.windows_of(published, r.appeal_rules)
    if r.today <= when.objections_until:
        return [
            Line(
                label=_("Annual grades of %(year)d in their publication window") % {"year": published.year},
                url=reverse("annual:overview", args=[r.town.slug]) + f"?year={published.year}",
                figure=f"{when.objections_until:%m-%d}",
                note=_("Objections until %(day)s") % {"day": f"{when.objections_until:%Y-%m-%d}"},
            )
        ]
    return [
        Line(
            label=_("Annual grades of %(year)d can be confirmed") % {"year": published.year},
            url=reverse("annual:overview", args=[r.town.slug]) + f"?year={published.year}",
            figure=str(published.year),
            note=_("The publication window ended %(day)s; answer every objection first")
            % {"day": f"{when.objections_until:%Y-%m-%d}"},
            urgent=True,
        )
    ]


def _my_annual_lines(r: _Reader) -> list[Line]:
    """The cadre's published annual grade: until when to object, or to ask for a review."""
    published, mine = r.annual_publication, r.my_annual_grade
    if published is None or mine is None:
        return []
    when = annual_publication.windows_of(published, r.appeal_rules)
    taken = {
        a.stage
        for a in r.my_appeals
        if a.kind == annual_kind.KEY and a.subject_id == mine.pk and (a.is_open or a.stage == Stage.REVIEW)
    }
    url = reverse("annual:cadre", args=[r.town.slug, published.year, mine.cadre_id])
    if when.objections_open(r.today) and Stage.OBJECTION not in taken:
        return [
            Line(
                label=_("Annual grade of %(year)d published: objections until %(day)s")
                % {"year": published.year, "day": f"{when.objections_until:%Y-%m-%d}"},
                url=url,
                figure=f"{when.objections_until:%m-%d}",
                note=_("Raise an objection on your annual page if it is wrong"),
            )
        ]
    if when.review_open(r.today) and Stage.REVIEW not in taken and when.review_until is not None:
        return [
            Line(
                label=_("Review of your annual grade of %(year)d can be asked for until %(day)s")
                % {"year": published.year, "day": f"{when.review_until:%Y-%m-%d}"},
                url=url,
                figure=f"{when.review_until:%m-%d}",
                note=_("Confirmed on %(day)s") % {"day": f"{when.confirmed_on:%Y-%m-%d}"},
            )
        ]
    return []


def _my_appeal_lines(r: _Reader) -> list[Line]:
    """The cadre's latest result's window (until when to object, or to ask for a review) and their
    open objections and reviews with the date the answer is due."""
    lines = _my_annual_lines(r)
    mine, when = r.my_result, r.my_result.windows if r.my_result else None
    taken = {
        (a.stage, a.subject_id)
        for a in r.my_appeals
        if a.kind == appeal_months.KEY and (a.is_open or a.stage == Stage.REVIEW)
    }
    if mine is not None and when is not None:
        month = f"{mine.month:%Y-%m}"
        if when.objections_open(r.today) and (Stage.OBJECTION, mine.subject_id) not in taken:
            lines.append(
                Line(
                    label=_("Publication window of %(month)s until %(month_of)d/%(day)d")
                    % {
                        "month": month,
                        "month_of": when.objections_until.month,
                        "day": when.objections_until.day,
                    },
                    url=mine.url,
                    figure=f"{when.objections_until:%m-%d}",
                    note=_("Raise an objection on your result's page if it is wrong"),
                )
            )
        elif when.review_open(r.today) and (Stage.REVIEW, mine.subject_id) not in taken:
            lines.append(
                Line(
                    label=_("Review of %(month)s can be asked for until %(day)s")
                    % {"month": month, "day": f"{when.review_until:%Y-%m-%d}"},
                    url=mine.url,
                    figure=f"{when.review_until:%m-%d}",
                    note=_("Confirmed on %(day)s") % {"day": f"{when.confirmed_on:%Y-%m-%d}"},
                )
            )
    for appeal in [a for a in r.my_appeals if a.is_open][:LIST_AT_MOST]:
        note, _urgent = _due_note(appeal.due_on, r.today)
        lines.append(
            Line(
                label=_("My %(stage)s: %(subject)s")
                % {"stage": appeal.get_stage_display(), "subject": appeal.subject_label},
                url=reverse("appeals:detail", args=[r.town.slug, appeal.pk]),
                figure=f"{appeal.due_on:%m-%d}",
                note=_("Answer %(due)s") % {"due": note},
            )
        )
    return lines


def _pay_line(r: _Reader, plan: PayPlan, label: str, note: str) -> Line:
    return Line(
        label=label % {"plan": plan.get_kind_display(), "year": plan.year},
        url=reverse("pay:plan", args=[r.town.slug, plan.year, plan.kind]),
        note=note,
        urgent=True,
    )


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
    card.lines += _appeal_lines(r)
    card.lines += _annual_confirm_lines(r)
    card.lines += [
        _pay_line(
            r,
            plan,
            _("Pay plan returned: %(plan)s %(year)s"),
            _("Returned by the main leader: %(reason)s") % {"reason": plan.returned_reason},
        )
        for plan in r.pay_plans
        if plan.status == PlanStatus.DRAFT
    ]
    if r.overdue_rectifications:
        card.lines.append(
            Line(
                _("Overdue rectifications"),
                reverse("quarterly:rectification_list", args=[r.town.slug]),
                str(len(r.overdue_rectifications)),
                _("Past their deadline, not reviewed"),
                urgent=True,
            )
        )
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
    card.lines += [
        _pay_line(
            r,
            plan,
            _("Pay plan waiting for your approval: %(plan)s %(year)s"),
            _("Approve it to freeze the amounts, or return it with a reason"),
        )
        for plan in r.pay_plans
        if plan.status == PlanStatus.SUBMITTED
    ]
    if not card.lines:
        card.empty = _("Nothing waiting for your review.")
    return card


def _exemplary(r: _Reader) -> Card:
    """The main leader's figure of the year's exemplary cases (典型), linking to their list."""
    year = r.today.year
    url = reverse("records:exemplary", args=[r.town.slug]) + f"?year={year}"
    card = Card("exemplary", Role.MAIN_LEADER, _("Exemplary cases"), url=url, url_label=_("The list"))
    card.lines.append(
        Line(
            label=_("Exemplary cases of %(year)d") % {"year": year},
            url=url,
            figure=str(r.exemplary_count),
            note=_("Marked by the secretary's office meeting"),
        )
    )
    return card


def _party_building_office(r: _Reader) -> Card:
    """The month's records: how many submitted, late and missing, linking to the completeness page."""
    month = r.today.replace(day=1)
    url = reverse("records:completeness", args=[r.town.slug]) + f"?month={month:%Y-%m}"
    card = Card(
        "party_building_office",
        Role.PARTY_BUILDING_OFFICE,
        _("Monthly records"),
        url=url,
        url_label=_("Completeness per leader"),
    )
    leaders = r.records_completeness
    total = sum(len(c.rows) for c in leaders)
    if not total:
        card.empty = _("Nothing waiting: no cadre is in a leader's charge this month.")
        return card
    submitted = sum(c.submitted for c in leaders)
    late = sum(c.late for c in leaders)
    missing = sum(c.missing for c in leaders)
    due = records.due_on(r.town, month)
    card.lines.append(
        Line(
            label=_("Records of %(month)s") % {"month": f"{month:%Y-%m}"},
            url=url,
            figure=f"{submitted + late} / {total}",
            note=_("%(submitted)d submitted, %(late)d late, %(missing)d missing; due %(due)s")
            % {"submitted": submitted, "late": late, "missing": missing, "due": f"{due:%m-%d}"},
            urgent=bool(missing) and r.today > due,
            progress=int((submitted + late) * 100 / total),
        )
    )
    return card


def _leader_in_charge(r: _Reader) -> Card | None:
    """A leader in charge (a cadre with an area): this month's records to fill and those returned."""
    if not r.leads_an_area:
        return None
    items = r.records_to_fill
    slug = r.town.slug
    mine = reverse("records:mine", args=[slug])
    card = Card("leader_in_charge", Role.CADRE, _("Records to fill"), url=mine, url_label=_("My area"))
    to_fill = [i for i in items if not i.is_returned]
    returned = [i for i in items if i.is_returned]
    if to_fill:
        due = to_fill[0].due_on
        days = (due - r.today).days
        card.lines.append(
            Line(
                label=_("Records of %(month)s to fill") % {"month": f"{to_fill[0].month:%Y-%m}"},
                url=mine,
                figure=str(len(to_fill)),
                note=_overdue(-days) if days < 0 else _("Due %(due)s") % {"due": f"{due:%m-%d}"},
                urgent=days < 0,
            )
        )
    for i in returned[:LIST_AT_MOST]:
        card.lines.append(
            Line(
                label=_("%(cadre)s · %(month)s") % {"cadre": i.cadre.name, "month": f"{i.month:%Y-%m}"},
                url=reverse("records:record_edit", args=[slug, i.cadre.pk, f"{i.month:%Y-%m}"]),
                note=_("Returned: %(reason)s") % {"reason": i.record.return_reason if i.record else ""},
                urgent=True,
            )
        )
    if len(returned) > LIST_AT_MOST:
        card.lines.append(Line(_("More returned records"), mine, str(len(returned) - LIST_AT_MOST)))
    if not card.lines:
        card.empty = _("Nothing waiting: this month's records of your area are submitted.")
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
    card.lines += _my_appeal_lines(r)
    for rect in r.my_rectifications:
        days = (rect.deadline - r.today).days
        card.lines.append(
            Line(
                label=_("Rectification of %(meeting)s") % {"meeting": rect.entry.lagging_list.meeting.title},
                url=reverse("quarterly:rectification_detail", args=[slug, rect.pk]),
                figure=f"{rect.deadline:%m-%d}",
                note=_overdue(-days)
                if days < 0
                else _("Rectify by %(deadline)s") % {"deadline": f"{rect.deadline:%Y-%m-%d}"},
                urgent=days < 0,
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
    (Role.MAIN_LEADER, _exemplary),
    (Role.ASSESSMENT_OFFICE, _assessment_office),
    (Role.PARTY_BUILDING_OFFICE, _party_building_office),
    (Role.SUPERVISION_OFFICE, _supervision_office),
    (Role.GROUP_LEADER, _group_leader),
    (Role.SCORER, _scorer),
    (Role.CADRE, _leader_in_charge),
    (Role.CADRE, _cadre),
)


def todo(user: User, town: Town, today: date | None = None) -> list[Card]:
    """The cards of every role `user` holds in `town`, in a fixed number of queries."""
    held = roles_in(user, town)
    reader = _Reader(user, town, today or timezone.localdate())
    cards = []
    for role, build in _CARDS:
        if role in held and (card := build(reader)) is not None:
            cards.append(card)
    return cards
