"""Each role lands on a home page that says what to do next (site/todo.py), and a cadre's says
nothing of the town's staff figures."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from kaoping import testing
from kaoping.accounts.models import Role, RoleAssignment
from kaoping.appeals.models import Appeal
from kaoping.pay.models import PayPlan, PlanKind
from kaoping.people.models import Population
from kaoping.quarterly.models import LaggingEntry, LaggingList, ListStatus, Meeting, Rectification
from kaoping.records import services as records_services
from kaoping.records.models import Decision, DecisionKind, MonthRecord, RecordStatus
from kaoping.results.models import MonthlyResult
from kaoping.scoring import completeness
from kaoping.scoring import services as scoring_services
from kaoping.scoring.models import Period, PeriodStatus, ScoreSheet, SheetStatus
from kaoping.scoring.selectors import sheet_cadres, sheet_indicators
from kaoping.scoring.tests.conftest import fill
from kaoping.site.todo import _due_in, _overdue, todo
from kaoping.supervision.models import ItemStatus
from kaoping.supervision.tests.conftest import make_item

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 20)
STAFF_FIGURE = "Cadres in service"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr("kaoping.site.todo.timezone.localdate", lambda: TODAY)


def home(client_for, user, town):
    response = client_for(user).get(reverse("town_home", args=[town.slug]))
    assert response.status_code == 200
    return response


def card(response, key):
    return next((c for c in response.context["cards"] if c.key == key), None)


def grid_url(town, sheet):
    return reverse("scoring:sheet_grid", args=[town.slug, "2026-03", sheet.pk])


def test_a_scorer_sees_the_sheet_to_fill_with_how_far_it_is_and_a_link_to_it(
    client_for, personas, town, sheet
):
    response = home(client_for, personas["scorer"], town)
    scorer = card(response, "scorer")
    # 4 agency cadres × 5 indicators, nothing filled yet.
    assert [(line.figure, line.url) for line in scorer.lines] == [("0 / 20", grid_url(town, sheet))]
    assert "20 cells left, then submit" in response.content.decode()
    fill(sheet, personas["scorer"])
    scorer = card(home(client_for, personas["scorer"], town), "scorer")
    assert scorer.lines[0].figure == "20 / 20" and scorer.lines[0].note == "All filled: submit it"


def test_a_cadre_not_scored_this_month_has_no_cells_to_fill(client_for, personas, town, sheet, cadres):
    scoring_services.excusal_set(actor=personas["scorer"], sheet=sheet, cadre=cadres[2], reason="leave")
    scorer = card(home(client_for, personas["scorer"], town), "scorer")
    assert scorer.lines[0].figure == "0 / 15"
    gaps = completeness.sheet_gaps(sheet)  # the one rule of what is missing agrees
    assert (gaps.filled, gaps.cells) == (0, 15)


def test_a_scorer_of_another_population_or_a_submitted_sheet_gets_a_nothing_waiting_line(
    client_for, personas, town, sheet, village_scorer
):
    response = home(client_for, village_scorer, town)
    assert card(response, "scorer").lines == []
    page = response.content.decode()
    assert "Nothing waiting: no month is open for scoring." in page
    assert 'class="card mb-3 todo-card" id="todo-scorer"' not in page  # a line, not an empty box
    fill(sheet, personas["scorer"])
    scoring_services.sheet_move(actor=personas["scorer"], sheet=sheet, to=SheetStatus.SUBMITTED)
    assert (
        "your sheets of the open month are submitted"
        in home(client_for, personas["scorer"], town).content.decode()
    )


def test_a_group_leader_sees_the_sheets_waiting_for_approval(client_for, personas, town, sheet):
    leader = personas["group_leader"]
    waiting = card(home(client_for, leader, town), "group_leader")
    assert waiting.lines == [] and "still being filled (0 / 20)" in waiting.empty
    assert waiting.url == grid_url(town, sheet)  # the figure links to where it is filled
    fill(sheet, personas["scorer"])
    scoring_services.sheet_move(actor=personas["scorer"], sheet=sheet, to=SheetStatus.SUBMITTED)
    lines = card(home(client_for, leader, town), "group_leader").lines
    assert [(line.url, line.note, line.urgent) for line in lines] == [
        (grid_url(town, sheet), "Submitted: approve or return", True)
    ]


def test_the_assessment_office_sees_each_sheets_progress_and_the_adjustments_waiting(
    client_for, personas, town, sheet, cadres
):
    office = personas["assessment_office"]
    fill(sheet, personas["scorer"])
    reason = sheet.scheme.adjustment_reasons.get(kind="bonus")
    scoring_services.adjustment_create(
        actor=office,
        period=sheet.period,
        reason=reason,
        title="招商引资",
        evidence="",
        shares=[scoring_services.ShareInput(cadres[0], Decimal(1))],
    )
    response = home(client_for, office, town)
    lines = card(response, "assessment_office").lines
    assert [(line.figure, line.url) for line in lines] == [
        ("20 / 20", grid_url(town, sheet)),
        ("1", reverse("scoring:adjustment_list", args=[town.slug, "2026-03"])),
    ]
    # The Party secretary decides it: it waits on their page too, with the same link.
    leader_lines = card(home(client_for, personas["main_leader"], town), "main_leader").lines
    assert [(line.figure, line.url) for line in leader_lines] == [("1", lines[1].url)]


def test_the_supervision_office_sees_overdue_due_this_week_and_results_to_verify(client_for, personas, town):
    office, cadre = personas["supervision_office"], personas["cadre"].cadre
    assert card(home(client_for, office, town), "supervision_office").lines == []
    make_item(
        office, town, [cadre], title="过期事项", assigned_on=date(2026, 3, 1), deadline=date(2026, 3, 10)
    )
    make_item(
        office, town, [cadre], title="本周到期", assigned_on=date(2026, 3, 1), deadline=date(2026, 3, 25)
    )
    make_item(
        office, town, [cadre], title="下月到期", assigned_on=date(2026, 3, 1), deadline=date(2026, 4, 30)
    )
    submitted = make_item(
        office, town, [cadre], title="已报送", assigned_on=date(2026, 3, 1), deadline=date(2026, 4, 30)
    )
    type(submitted).objects.filter(pk=submitted.pk).update(status=ItemStatus.SUBMITTED)
    response = home(client_for, office, town)
    board = reverse("supervision:board", args=[town.slug])
    lines = card(response, "supervision_office").lines
    assert [(line.label, line.figure, line.url) for line in lines[:3]] == [
        ("Overdue items", "1", f"{board}?overdue=1"),
        ("Results to verify", "1", f"{board}?status=submitted"),
        ("Due this week", "1", board),
    ]
    assert lines[3].label == "本周到期" and lines[3].note == "Due in 5 days"
    assert "下月到期" not in response.content.decode()


def test_a_cadre_sees_their_latest_result_and_open_items_and_no_staff_figures(client_for, personas, town):
    user, cadre = personas["cadre"], personas["cadre"].cadre
    scheme = testing.make_scheme(town)
    for month, total, rank in ((1, "80.00", 3), (2, "88.50", 2)):
        period = Period.objects.create(town=town, month=date(2026, month, 1), status=PeriodStatus.PUBLISHED)
        MonthlyResult.objects.create(
            period=period,
            cadre=cadre,
            scheme=scheme,
            total=Decimal(total),
            performance=Decimal(total),
            bonus=0,
            deduction=0,
            rank=rank,
            breakdown={},
        )
    make_item(
        personas["supervision_office"],
        town,
        [cadre],
        title="秸秆禁烧",
        assigned_on=date(2026, 3, 1),
        deadline=date(2026, 3, 18),
    )
    response = home(client_for, user, town)
    lines = card(response, "cadre").lines
    assert (lines[0].figure, lines[0].note, lines[0].url) == (
        "88.50",
        "Rank 2 · how it was reached",
        reverse("scoring:breakdown", args=[town.slug, "2026-02", cadre.pk]),
    )
    assert (lines[1].label, lines[1].note, lines[1].urgent) == ("秸秆禁烧", "Overdue by 2 days", True)
    page = response.content.decode()
    assert STAFF_FIGURE not in page and "Assessed populations" not in page
    assert [c.key for c in response.context["cards"]] == ["cadre"]
    # Staff see the figures.
    assert STAFF_FIGURE in home(client_for, personas["town_admin"], town).content.decode()


def test_a_cadre_with_nothing_gets_one_line_not_an_empty_box(client_for, personas, town):
    page = home(client_for, personas["cadre"], town).content.decode()
    assert "Nothing waiting: no published result yet and no open supervision item." in page
    assert 'id="todo-cadre"' in page and "todo-card" not in page


def test_a_user_with_several_roles_sees_the_cards_of_each(client_for, personas, town, sheet):
    user = personas["cadre"]
    RoleAssignment.objects.create(user=user, role=Role.SCORER, town=town, population=Population.AGENCY)
    RoleAssignment.objects.create(user=user, role=Role.SUPERVISION_OFFICE, town=town)
    response = home(client_for, user, town)
    assert [c.key for c in response.context["cards"]] == ["supervision_office", "scorer", "cadre"]
    assert STAFF_FIGURE in response.content.decode()


def _rectification(town, cadre, deadline, *, recorded_by=None):
    """An open rectification of `cadre` on a final lagging list of a new quarter's meeting."""
    k = Meeting.objects.filter(town=town).count()
    meeting = Meeting.objects.create(
        town=town,
        year=2020 + k // 4,
        quarter=1 + k % 4,
        title=f"第{k + 1}次观摩会",
        held_on=date(2026, 1, 5),
        place="镇政府",
    )
    lagging = LaggingList.objects.create(meeting=meeting, status=ListStatus.FINAL)
    entry = LaggingEntry.objects.create(lagging_list=lagging, cadre=cadre, rule={}, basis=[])
    return Rectification.objects.create(
        entry=entry, measures="逐项整改", deadline=deadline, recorded_by=recorded_by
    )


def _returned(town, cadre, leader, month):
    return MonthRecord.objects.create(
        town=town,
        month=month,
        cadre=cadre,
        leader=leader,
        status=RecordStatus.RETURNED,
        return_reason="内容过简",
    )


def _everything(town, personas, sheet, cadres, n):
    """`n` more of every kind of thing a card lists: open sheets, items, adjustments, returned
    records, rectifications (open and overdue), exemplary cases, objections and reviews, pay plans
    waiting for approval and returned to the office."""
    office = personas["supervision_office"]
    for i in range(n):
        year = 2000 + PayPlan.objects.count() // 2
        PayPlan.objects.create(town=town, year=year, kind=PlanKind.NON_ESTABLISHED_BONUS, status="submitted")
        PayPlan.objects.create(
            town=town, year=year, kind=PlanKind.INSTITUTION_INCENTIVE, returned_reason="池额有误"
        )
        for who in (personas["cadre"].cadre, cadres[0]):
            k = Appeal.objects.count()
            Appeal.objects.create(
                town=town,
                stage="objection",
                kind="results.month",
                subject_id=10_000 + k,
                subject_label="Monthly result of 2026-02",
                cadre=who,
                reason="评分有误",
                raised_by=personas["cadre"],
                due_on=date(2026, 3, 19 + i),
                outcome_before="88.00",
                token=f"home-{k}",
            )
        k = MonthRecord.objects.count()
        _returned(town, cadres[1], personas["cadre"].cadre, date(2025, 12 - k, 1))
        _rectification(town, personas["cadre"].cadre, date(2026, 3, 1 + i))
        _rectification(town, cadres[0], date(2026, 3, 25 + i))
        record = MonthRecord.objects.create(
            town=town,
            month=date(2024, 1 + k, 1),
            cadre=cadres[0],
            leader=personas["cadre"].cadre,
            status=RecordStatus.SUBMITTED,
            submitted_at=timezone.now(),
        )
        Decision.objects.create(
            town=town,
            record=record,
            kind=DecisionKind.EXEMPLARY,
            citation="攻坚克难",
            decided_on=date(2026, 1, 5),
            recorded_by=personas["party_building_office"],
        )
        make_item(
            office,
            town,
            [personas["cadre"].cadre],
            title=f"事项{i}",
            assigned_on=date(2026, 3, 1),
            deadline=date(2026, 3, 2 + i),
        )
        make_item(
            office,
            town,
            [cadres[0]],
            title=f"本周{i}",
            assigned_on=date(2026, 3, 1),
            deadline=date(2026, 3, 21 + i),
        )
        scoring_services.adjustment_create(
            actor=personas["assessment_office"],
            period=sheet.period,
            reason=sheet.scheme.adjustment_reasons.get(kind="bonus"),
            title=f"加分{i}",
            evidence="",
            shares=[scoring_services.ShareInput(cadres[1], Decimal("0.5"))],
        )


def _queries(user, town):
    with CaptureQueriesContext(connection) as queries:
        cards = todo(user, town, TODAY)
    return len(queries), cards


def _page_queries(client, town):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("town_home", args=[town.slug])).status_code == 200
    return len(queries)


def test_the_todo_figures_take_a_fixed_number_of_queries_whatever_the_number_of_things(
    client_for, personas, town, sheet, cadres
):
    user = personas["cadre"]
    for role in (
        Role.SCORER,
        Role.GROUP_LEADER,
        Role.ASSESSMENT_OFFICE,
        Role.SUPERVISION_OFFICE,
        Role.MAIN_LEADER,
        Role.PARTY_BUILDING_OFFICE,
    ):
        RoleAssignment.objects.create(
            user=user,
            role=role,
            town=town,
            population=Population.AGENCY if role in Role.for_population() else "",
        )
    station = cadres[1].department
    type(user.cadre).objects.filter(pk=user.cadre_id).update(
        population=Population.LEADERSHIP, agency_category=""
    )
    user.cadre.refresh_from_db()
    records_services.area_assign(
        actor=personas["party_building_office"],
        town=town,
        leader=user.cadre,
        unit=station,
        starts_on=date(2026, 1, 1),
    )
    february = Period.objects.create(
        town=town,
        month=date(2026, 2, 1),
        status=PeriodStatus.PUBLISHED,
        published_at=timezone.make_aware(timezone.datetime(2026, 3, 16, 9)),
    )
    MonthlyResult.objects.create(
        period=february,
        cadre=user.cadre,
        scheme=sheet.scheme,
        performance=Decimal(88),
        bonus=0,
        deduction=0,
        total=Decimal(88),
        rank=1,
        breakdown={},
    )
    _everything(town, personas, sheet, cadres, 1)
    user = type(user).objects.get(pk=user.pk)  # fresh grants
    few, cards = _queries(user, town)
    client = client_for(user)
    page_few = _page_queries(client, town)
    village = testing.make_scheme(town, population=Population.VILLAGE)
    Period.objects.filter(pk=sheet.period.pk).update(status=PeriodStatus.OPEN)
    sheet.period.sheets.create(scheme=village)
    _everything(town, personas, sheet, cadres, 5)
    user = type(user).objects.get(pk=user.pk)
    many, more_cards = _queries(user, town)
    assert sum(len(c.lines) for c in more_cards) > sum(len(c.lines) for c in cards)
    # 14 before the records and the rectifications; then the year's exemplary count, whether the user
    # leads an area, their open rectifications and the overdue ones (4), the records to fill (6) and
    # the month's completeness (5); the town's objections and reviews, the cadre's own and the town's
    # windows for the cadre's latest result (3); the latest published year of annual grades (1; the
    # cadre's grade of that year is read only once a year is published); the pay plans waiting for the
    # leader or returned to the office (1).
    assert (few, many) == (34, 34)
    assert any(line.label.startswith("Publication window of 2026-02") for c in cards for line in c.lines)
    assert any(
        line.label == "Objections and reviews to answer" and line.figure == "12"
        for c in more_cards
        for line in c.lines
    )
    assert (
        sum(
            line.label.startswith("Pay plan waiting for your approval")
            for c in more_cards
            for line in c.lines
        )
        == 6
    )
    assert sum(line.label.startswith("Pay plan returned") for c in more_cards for line in c.lines) == 6
    assert _page_queries(client, town) == page_few  # the whole page too


def test_the_main_leader_sees_the_years_exemplary_cases_linking_to_their_list(
    client_for, personas, town, cadres
):
    leader = cadres[0]
    for k, year in enumerate((2026, 2026, 2025)):
        record = MonthRecord.objects.create(
            town=town,
            month=date(year, 1 + k, 1),
            cadre=cadres[1],
            leader=leader,
            status=RecordStatus.SUBMITTED,
            submitted_at=timezone.now(),
        )
        Decision.objects.create(
            town=town,
            record=record,
            kind=DecisionKind.EXEMPLARY,
            citation="攻坚克难",
            decided_on=date(year, 2 + k, 1),
            recorded_by=personas["party_building_office"],
        )
    [line] = card(home(client_for, personas["main_leader"], town), "exemplary").lines
    url = reverse("records:exemplary", args=[town.slug]) + "?year=2026"
    assert (line.label, line.figure, line.url) == ("Exemplary cases of 2026", "2", url)
    assert card(home(client_for, personas["cadre"], town), "exemplary") is None


def _lead(personas, town, cadres):
    """The cadre persona, made a leadership member, leads 李娜's department."""
    user = personas["cadre"]
    type(user.cadre).objects.filter(pk=user.cadre_id).update(
        population=Population.LEADERSHIP, agency_category=""
    )
    user.cadre.refresh_from_db()
    records_services.area_assign(
        actor=personas["party_building_office"],
        town=town,
        leader=user.cadre,
        unit=cadres[1].department,
        starts_on=date(2026, 1, 1),
    )
    return user


def test_a_leader_in_charge_sees_the_records_to_fill_and_those_returned(client_for, personas, town, cadres):
    user = _lead(personas, town, cadres)
    _returned(town, cadres[1], user.cadre, date(2026, 2, 1))
    lines = card(home(client_for, user, town), "leader_in_charge").lines
    assert (lines[0].label, lines[0].figure, lines[0].note, lines[0].urgent) == (
        "Records of 2026-03 to fill",
        "1",
        "Due 03-25",
        False,
    )
    assert (lines[1].label, lines[1].note, lines[1].urgent) == ("李娜 · 2026-02", "Returned: 内容过简", True)
    assert lines[1].url == reverse("records:record_edit", args=[town.slug, cadres[1].pk, "2026-02"])
    # Someone who leads no area has no such card.
    assert card(home(client_for, personas["scorer"], town), "leader_in_charge") is None


def test_the_party_building_office_sees_the_months_completeness_linking_to_its_page(
    client_for, personas, town, cadres
):
    user = _lead(personas, town, cadres)
    station = cadres[1].department
    other = testing.make_cadre(town, "孙七", 9, department=station)
    MonthRecord.objects.create(
        town=town,
        month=date(2026, 3, 1),
        cadre=other,
        leader=user.cadre,
        status=RecordStatus.SUBMITTED,
        submitted_at=timezone.now(),
        is_late=True,
    )
    [line] = card(home(client_for, personas["party_building_office"], town), "party_building_office").lines
    assert line.figure == "1 / 2" and line.note == "0 submitted, 1 late, 1 missing; due 03-25"
    assert line.url == reverse("records:completeness", args=[town.slug]) + "?month=2026-03"
    assert not line.urgent  # the deadline is still to come


def test_a_cadre_sees_their_open_rectifications_and_the_office_the_overdue_ones(
    client_for, personas, town, cadres
):
    mine = _rectification(town, personas["cadre"].cadre, date(2026, 3, 15))
    _rectification(town, cadres[0], date(2026, 4, 30))  # someone else's, not yet due
    lines = card(home(client_for, personas["cadre"], town), "cadre").lines
    [line] = [
        x for x in lines if x.url == reverse("quarterly:rectification_detail", args=[town.slug, mine.pk])
    ]
    assert (line.note, line.urgent) == ("Overdue by 5 days", True)
    assert len([x for x in lines if "rectifications" in x.url]) == 1
    office = card(home(client_for, personas["assessment_office"], town), "assessment_office").lines
    [overdue] = [x for x in office if x.label == "Overdue rectifications"]
    assert overdue.figure == "1" and overdue.urgent


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["Overdue by 1 day", "Overdue by 3 days", "Due in 1 day", "Due in 3 days"]),
        ("zh-hans", ["已逾期1天", "已逾期3天", "还有1天到期", "还有3天到期"]),
    ],
)
def test_days_late_and_days_left_are_counted_in_words_one_and_more(language, expected):
    with translation.override(language):
        assert [_overdue(1), _overdue(3), _due_in(1), _due_in(3)] == expected


def test_one_cell_left_is_named_in_the_singular(client_for, personas, town, sheet):
    sheet = ScoreSheet.objects.select_related("period__town", "scheme").get(pk=sheet.pk)
    cells = [
        scoring_services.Cell(c.pk, i.pk, "1") for c in sheet_cadres(sheet) for i in sheet_indicators(sheet)
    ][1:]  # every cell but the first
    scoring_services.entries_save(
        actor=personas["scorer"], sheet=sheet, cells=cells, based_on_revision=sheet.revision
    )
    [line] = card(home(client_for, personas["scorer"], town), "scorer").lines
    assert (line.figure, line.note) == ("19 / 20", "1 cell left, then submit")
