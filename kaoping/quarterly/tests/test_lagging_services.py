"""The lagging list from the published rankings, exemptions and additions, statements and rectifications."""

from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kaoping.audit.models import AuditEntry
from kaoping.audit.versions import Conflict
from kaoping.core.errors import DomainError
from kaoping.engine import lagging
from kaoping.engine.ranking import Placed
from kaoping.people.models import Population
from kaoping.quarterly import rules, selectors, services
from kaoping.quarterly.models import ListStatus, Missing, RectificationStatus
from kaoping.scoring.models import PeriodStatus
from kaoping.testing import FEB, MAR, publish_month

pytestmark = pytest.mark.django_db


def _names(lst) -> list[str]:
    return sorted(lst.entries.filter(exempt=False).values_list("cadre__name", flat=True))


def _agency_rule(office, town, **values):
    base = {"population": Population.AGENCY, "pool": "", "bottom": 5, "consecutive": False, "months": 2}
    base.update(missing=Missing.NOT_BOTTOM, active=True)
    base.update(values)
    rule = next(r for r in rules.town_rules(town)[0] if r.population == Population.AGENCY and not r.pool)
    return services.rule_save(
        actor=office, town=town, rule=rule, values=base, based_on=rule.version if rule.pk else None
    )


def test_the_default_rule_lists_the_bottom_five_agency_cadres_of_the_quarters_last_published_month(
    quarter, meeting, office
):
    lst = services.list_compute(actor=office, meeting=meeting)
    assert _names(lst) == sorted(["丁", "丙", "戊", "己", "庚"])
    last = lst.entries.get(cadre__name="庚")
    assert last.basis == [
        {
            "month": "2026-03",
            "rank": 7,
            "of": 7,
            "total": "72.00",
            "bottom": True,
            "tied_in": False,
            "decided_by": None,
            "absent": "",
        }
    ]
    assert "bottom 5" in rules.describe(rules.rule_from(last.rule))


def test_with_the_consecutive_reading_the_bottom_must_hold_in_both_months(quarter, meeting, office, town):
    _agency_rule(office, town, bottom=2, consecutive=True, months=2)
    lst = services.list_compute(actor=office, meeting=meeting)
    assert _names(lst) == ["己", "庚"]
    _agency_rule(office, town, bottom=1, consecutive=True, months=2)
    assert _names(services.list_compute(actor=office, meeting=meeting)) == ["庚"]


def test_a_month_not_yet_published_is_not_read(town, agency, meeting, office):
    publish_month(
        town,
        FEB,
        dict(zip(agency, ["95", "90", "88", "86", "80", "79", "70"], strict=True)),
    )
    # March is computed but not published: its (different) ranking does not count.
    publish_month(
        town,
        MAR,
        dict(zip(agency, ["60", "61", "99", "98", "97", "96", "95"], strict=True)),
        status=PeriodStatus.CLOSED,
    )
    _agency_rule(office, town, bottom=1)
    lst = services.list_compute(actor=office, meeting=meeting)
    assert _names(lst) == ["庚"]
    assert lst.entries.get().basis[0]["month"] == "2026-02"


def test_a_second_computation_from_the_published_ranking_export_gives_the_same_names(
    quarter, meeting, office, town, client_for
):
    _agency_rule(office, town, bottom=3, consecutive=True, months=2)
    lst = services.list_compute(actor=office, meeting=meeting)
    by_name = {c.name: c.pk for c in quarter}
    # Recompute from the spreadsheets anyone of the town downloads: rank and score columns only.
    client = client_for(office)
    months = []
    for month in (FEB, MAR):
        url = reverse("scoring:ranking_export", args=[town.slug, f"{month:%Y-%m}"]) + "?population=agency"
        sheet = load_workbook(BytesIO(client.get(url).content)).active
        header = [c.value for c in sheet[1]]
        rows = [dict(zip(header, (c.value for c in row), strict=False)) for row in sheet.iter_rows(min_row=2)]
        rank_col, name_col, score_col = header[0], header[1], header[5]
        placed = tuple(
            Placed(by_name[r[name_col]], int(r[rank_col])) for r in rows if r[rank_col] is not None
        )
        totals = {by_name[r[name_col]]: r[score_col] for r in rows if r[rank_col] is not None}
        months.append(lagging.MonthRanking(month, placed, totals))
    again = lagging.lagging_list(lagging.Rule(bottom=3, months=2), months)
    assert sorted(quarter[[c.pk for c in quarter].index(e.key)].name for e in again.listed) == _names(lst)
    assert _names(lst) == sorted(["戊", "己", "庚"])


def test_an_exemption_needs_a_reason_is_shown_and_audited(quarter, meeting, office):
    lst = services.list_compute(actor=office, meeting=meeting)
    entry = lst.entries.get(cadre__name="丁")
    with pytest.raises(DomainError):
        services.entry_exempt(actor=office, entry=entry, reason="   ")
    entry.refresh_from_db()
    assert not entry.exempt
    services.entry_exempt(actor=office, entry=entry, reason="抽调市专项工作")
    assert "丁" not in _names(lst)
    logged = AuditEntry.objects.filter(action="lagging_entry.exempt").get()
    assert logged.new == {"cadre": entry.cadre_id, "reason": "抽调市专项工作"}
    # Computing again keeps the exemption with its cadre.
    services.list_compute(actor=office, meeting=meeting)
    assert lst.entries.get(cadre__name="丁").exempt_reason == "抽调市专项工作"


def test_adding_a_cadre_the_rules_do_not_list_needs_a_reason(quarter, meeting, office):
    services.list_compute(actor=office, meeting=meeting)
    first = quarter[0]
    with pytest.raises(DomainError, match="needs a reason"):
        services.entry_add(actor=office, meeting=meeting, cadre=first, reason="")
    entry = services.entry_add(actor=office, meeting=meeting, cadre=first, reason="群众反映强烈")
    assert entry.source == "added" and entry.reason == "群众反映强烈"
    services.list_compute(actor=office, meeting=meeting)  # kept when the list is computed again
    assert "甲" in _names(meeting.lagging_list)


def test_finalising_asks_for_confirmation_and_then_the_list_no_longer_changes(quarter, meeting, office):
    services.list_compute(actor=office, meeting=meeting)
    with pytest.raises(DomainError):
        services.list_finalise(actor=office, meeting=meeting, confirmed=False)
    assert meeting.lagging_list.status == ListStatus.DRAFT
    services.list_finalise(actor=office, meeting=meeting, confirmed=True)
    with pytest.raises(DomainError, match="final"):
        services.list_compute(actor=office, meeting=meeting)
    with pytest.raises(DomainError, match="final"):
        services.entry_add(actor=office, meeting=meeting, cadre=quarter[0], reason="x")


@pytest.fixture
def final_entry(quarter, meeting, office):
    services.list_compute(actor=office, meeting=meeting)
    services.list_finalise(actor=office, meeting=meeting, confirmed=True)
    return meeting.lagging_list.entries.get(cadre__name="庚")


def test_a_statement_and_a_plan_are_recorded_once_on_a_final_list(final_entry, office):
    services.statement_record(actor=office, entry=final_entry, made_on=date(2026, 4, 10), text="知耻后勇")
    with pytest.raises(DomainError):
        services.statement_record(actor=office, entry=final_entry, made_on=date(2026, 4, 10), text="again")
    services.rectification_record(
        actor=office, entry=final_entry, measures="逐项整改", deadline=date(2026, 6, 1)
    )
    with pytest.raises(DomainError, match="before the meeting"):
        other = final_entry.lagging_list.entries.get(cadre__name="己")
        services.rectification_record(actor=office, entry=other, measures="x", deadline=date(2026, 1, 1))
    assert (
        AuditEntry.objects.filter(
            action__in=["statement.create", "rectification.create", "lagging_list.finalise"]
        ).count()
        == 3
    )


def test_a_draft_entry_takes_no_statement(quarter, meeting, office):
    lst = services.list_compute(actor=office, meeting=meeting)
    with pytest.raises(DomainError, match="Finalise"):
        services.statement_record(
            actor=office, entry=lst.entries.first(), made_on=date(2026, 4, 10), text="x"
        )


def test_the_group_leader_of_the_population_closes_a_rectification_and_not_whoever_recorded_it(
    final_entry, office, personas
):
    rect = services.rectification_record(
        actor=office, entry=final_entry, measures="逐项整改", deadline=date(2026, 6, 1)
    )
    leader = personas["group_leader"]  # of the agency population
    args = {"outcome": RectificationStatus.COMPLETED, "review": "已整改", "based_on": rect.version}
    with pytest.raises(DomainError, match="group leader"):
        services.rectification_review(actor=office, rectification=rect, confirmed=True, **args)
    with pytest.raises(DomainError, match="Confirm"):
        services.rectification_review(actor=leader, rectification=rect, confirmed=False, **args)
    rect.recorded_by = leader  # had the leader recorded the plan, they could not review it
    with pytest.raises(DomainError, match="someone else"):
        services.rectification_review(actor=leader, rectification=rect, confirmed=True, **args)
    rect.recorded_by = office
    services.rectification_review(actor=leader, rectification=rect, confirmed=True, **args)
    rect.refresh_from_db()
    assert rect.status == RectificationStatus.COMPLETED and rect.reviewed_by == leader
    assert AuditEntry.objects.filter(action="rectification.decide").get().new["status"] == "completed"


def test_a_stale_review_is_refused_with_who_changed_it(final_entry, office, personas):
    rect = services.rectification_record(
        actor=office, entry=final_entry, measures="逐项整改", deadline=date(2026, 6, 1)
    )
    loaded = rect.version
    services.progress_add(actor=office, rectification=rect, written_on=date(2026, 5, 1), text="过半")
    with pytest.raises(Conflict):
        services.rectification_review(
            actor=personas["group_leader"],
            rectification=rect,
            outcome="completed",
            review="ok",
            confirmed=True,
            based_on=loaded,
        )


def test_the_selectors_read_appearances_and_rectifications_in_fixed_queries(
    final_entry, office, town, django_assert_num_queries
):
    services.statement_record(actor=office, entry=final_entry, made_on=date(2026, 4, 10), text="知耻后勇")
    services.rectification_record(
        actor=office, entry=final_entry, measures="逐项整改", deadline=date(2026, 6, 1)
    )
    ids = set(final_entry.lagging_list.entries.values_list("cadre_id", flat=True))
    with django_assert_num_queries(1):
        found = selectors.appearances_for_cadres(ids)
    assert found[final_entry.cadre_id][0].statement.text == "知耻后勇"
    assert found[final_entry.cadre_id][0].rectification.deadline == date(2026, 6, 1)
    assert sum(len(v) for v in found.values()) == len(ids)
    with django_assert_num_queries(1):
        assert [r.entry.cadre.name for r in selectors.open_rectifications(town)] == ["庚"]
    with django_assert_num_queries(1):
        assert selectors.overdue_rectifications(town, date(2026, 6, 2))[0].entry.cadre.name == "庚"
    assert selectors.overdue_rectifications(town, date(2026, 6, 1)) == []
    assert selectors.open_rectifications(town, user=office) == []  # an account with no cadre


def _excuse(town, month, cadre, office):
    from kaoping.indicators.models import Scheme
    from kaoping.scoring.models import Excusal, Period, ScoreSheet

    period = Period.objects.get(town=town, month=month)
    sheet = ScoreSheet.objects.create(
        period=period, scheme=Scheme.objects.get(town=town, year=2026, population="agency")
    )
    Excusal.objects.create(sheet=sheet, cadre=cadre, reason="leave", note="产假", created_by=office)


def test_a_cadre_without_a_result_in_a_month_is_named_apart_with_the_reason_or_listed_as_the_rule_says(
    town, agency, meeting, office
):
    on_leave = agency[-1]  # 庚: last in March, on leave in February
    publish_month(
        town,
        FEB,
        dict(zip(agency[:-1], ["95", "90", "88", "86", "80", "70"], strict=True)),
    )
    publish_month(
        town,
        MAR,
        dict(zip(agency, ["93", "91", "84", "87", "81", "75", "72"], strict=True)),
    )
    _excuse(town, FEB, on_leave, office)
    _agency_rule(office, town, bottom=1, consecutive=True, months=2)
    lst = services.list_compute(actor=office, meeting=meeting)
    assert _names(lst) == []
    names = selectors.cadre_names(rules.cadres_named(lst.notes, []))
    said = " ".join(rules.notes_text(lst.notes, names))
    assert "庚 is not listed: a month has no result" in said and "2026-02: no result (On leave: 产假)" in said
    _agency_rule(office, town, bottom=1, consecutive=True, months=2, missing=Missing.SKIP)
    lst = services.list_compute(actor=office, meeting=meeting)
    assert _names(lst) == ["庚"]
    assert lst.entries.get().basis[0]["absent"] == "On leave: 产假"
