"""Who is assessed in a month is fixed for that month: a past month recomputed after new cadres,
transfers and leavings gives the people and pools it had (the month's roster, `people.selectors`)."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.utils import translation

from kaoping import testing
from kaoping.indicators.models import Indicator
from kaoping.people import importing, services
from kaoping.people.models import AgencyCategory, Cadre, Population
from kaoping.people.services import CadreData
from kaoping.results import results
from kaoping.results.models import MonthlyResult
from kaoping.scoring.models import Period, ScoreEntry, ScoreSheet
from kaoping.scoring.selectors import sheet_cadres

NEW_CADRES = 120


def _score_everyone(sheet, user, cadres, value="8"):
    indicators = list(Indicator.objects.filter(scheme=sheet.scheme))
    ScoreEntry.objects.bulk_create(
        ScoreEntry(
            sheet=sheet,
            cadre=cadre,
            indicator=indicator,
            value=Decimal(value) if indicator.code == "1.1" else Decimal(1),
            updated_by=user,
        )
        for n, cadre in enumerate(cadres)
        for indicator in indicators
        if not (indicator.code == "1.1" and n % 2)  # every other cadre a lower score
    )
    ScoreEntry.objects.bulk_create(
        ScoreEntry(sheet=sheet, cadre=cadre, indicator=indicator, value=Decimal(3), updated_by=user)
        for n, cadre in enumerate(cadres)
        for indicator in indicators
        if indicator.code == "1.1" and n % 2
    )


def _month(town, scheme, month):
    period = Period.objects.create(town=town, month=month)
    return period, ScoreSheet.objects.create(period=period, scheme=scheme)


def _rows(period):
    return list(
        MonthlyResult.objects.filter(period=period)
        .order_by("cadre_id")
        .values_list("cadre_id", "total", "rank", "group", "group_rank", "breakdown")
    )


def _import_new_cadres(town, actor, count, starts_on):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(
        ["Name", "ID number", "Population", "Agency-cadre category", "Position", "Department", "In post from"]
    )
    for n in range(count):
        number = testing.id_number(300 + n)
        sheet.append(
            [f"新人{n}", number, "Agency cadre", "Established staff", "科员", "党政办公室", starts_on]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    with translation.override("en"):
        result = importing.cadre_import(actor=actor, town=town, file=buffer.getvalue())
    assert result.ok, result.problems
    return result.created


def _data(cadre, **changes):
    values = {f: getattr(cadre, f) for f in services.CADRE_FIELDS}
    values.update(changes)
    return CadreData(**values)


@pytest.mark.django_db
def test_the_roster_of_october_stays_octobers_after_novembers_import(town, personas):
    office, scorer = personas["assessment_office"], personas["scorer"]
    scheme = testing.make_scheme(town)
    moved = testing.make_cadre(town, "李娜", 1)  # established staff until November
    stays = testing.make_cadre(town, "赵强", 2, agency_category=AgencyCategory.NON_ESTABLISHED)
    leaver = testing.make_cadre(town, "钱多", 3)
    october_people = [personas["cadre"].cadre, moved, stays, leaver]
    october, october_sheet = _month(town, scheme, date(2026, 10, 1))
    _score_everyone(october_sheet, scorer, october_people)
    results.period_recompute(october)
    published = _rows(october)
    assert len(published) == 4
    groups = {cadre_id: group for cadre_id, _t, _r, group, _g, _b in published}
    assert groups[moved.pk] == AgencyCategory.ESTABLISHED

    # November: many new cadres, a transfer to another pool, and someone who left on 20 October.
    newcomers = _import_new_cadres(town, office, NEW_CADRES, date(2026, 11, 1))
    services.cadre_update(
        actor=office,
        cadre=moved,
        data=_data(moved, agency_category=AgencyCategory.NON_ESTABLISHED),
        effective_from=date(2026, 11, 1),
    )
    services.cadre_deactivate(actor=office, cadre=leaver, on=date(2026, 10, 20))

    results.period_recompute(october)
    assert _rows(october) == published  # the same people, pools, totals and ranks
    grid = sheet_cadres(ScoreSheet.objects.select_related("period", "scheme").get(pk=october_sheet.pk))
    assert {c.pk for c in grid} == {c.pk for c in october_people}
    assert next(c for c in grid if c.pk == moved.pk).agency_category == AgencyCategory.ESTABLISHED

    november, november_sheet = _month(town, scheme, date(2026, 11, 1))
    november_people = [personas["cadre"].cadre, moved, stays, *newcomers]
    _score_everyone(november_sheet, scorer, november_people)
    results.period_recompute(november)
    rows = {cadre_id: group for cadre_id, _t, _r, group, _g, _b in _rows(november)}
    assert set(rows) == {c.pk for c in november_people}  # the newcomers in, the leaver out
    assert len(rows) == 3 + NEW_CADRES
    assert rows[moved.pk] == AgencyCategory.NON_ESTABLISHED  # the new pool from November
    non_established = MonthlyResult.objects.filter(period=november, group=AgencyCategory.NON_ESTABLISHED)
    # 李娜 scored lower this month (every other cadre does): ranked below 赵强 in her new pool.
    assert {r.cadre_id: r.group_rank for r in non_established} == {stays.pk: 1, moved.pk: 2}


@pytest.mark.django_db
def test_a_cadre_appointed_mid_month_is_on_that_months_grid(town, personas):
    scheme = testing.make_scheme(town)
    _period, sheet = _month(town, scheme, date(2026, 11, 1))
    later = testing.make_cadre(town, "新到", 5, in_post_from=date(2026, 11, 16))
    testing.make_cadre(town, "下月到", 6, in_post_from=date(2026, 12, 1))
    village = testing.make_cadre(town, "村干部", 7, population=Population.VILLAGE)
    sheet = ScoreSheet.objects.select_related("period", "scheme").get(pk=sheet.pk)
    names = [c.name for c in sheet_cadres(sheet)]
    assert sorted(names) == sorted([personas["cadre"].cadre.name, later.name])
    assert village.name not in names


@pytest.mark.django_db
def test_the_grid_reads_a_month_in_a_fixed_number_of_queries(town, personas, django_assert_max_num_queries):
    scheme = testing.make_scheme(town)
    _period, sheet = _month(town, scheme, date(2026, 3, 1))
    for serial in range(25):
        testing.make_cadre(town, f"干部{serial}", 100 + serial)
    sheet = ScoreSheet.objects.select_related("period", "scheme").get(pk=sheet.pk)
    with django_assert_max_num_queries(3):  # the roster, the cadres, their departments
        cadres = sheet_cadres(sheet)
    assert len(cadres) == 26
    assert {c.department.name for c in cadres} == {"党政办公室"}
    assert Cadre.objects.filter(town=town).count() == 26


@pytest.mark.django_db
def test_a_bonus_or_deduction_names_only_cadres_in_post_that_month(town, personas):
    from kaoping.core.errors import DomainError
    from kaoping.indicators.models import AdjustmentReason
    from kaoping.scoring import services as scoring

    scheme = testing.make_scheme(town)
    period = scoring.period_open(actor=personas["assessment_office"], town=town, month=date(2026, 3, 1))
    later = testing.make_cadre(town, "四月到", 8, in_post_from=date(2026, 4, 1))
    reason = AdjustmentReason.objects.filter(scheme=scheme).first()
    with translation.override("en"), pytest.raises(DomainError, match="四月到 was not in post in"):
        scoring.adjustment_create(
            actor=personas["assessment_office"],
            period=period,
            reason=reason,
            title="表彰",
            evidence="",
            shares=[scoring.ShareInput(later, Decimal(1))],
        )
    assert not period.adjustments.exists()


@pytest.mark.django_db
def test_a_published_october_recomputed_after_novembers_import_asks_for_no_correction(town, personas):
    from kaoping.results.models import Correction
    from kaoping.scoring.models import PeriodStatus

    office, scorer = personas["assessment_office"], personas["scorer"]
    scheme = testing.make_scheme(town)
    moved = testing.make_cadre(town, "李娜", 1)
    october, sheet = _month(town, scheme, date(2026, 10, 1))
    _score_everyone(sheet, scorer, [personas["cadre"].cadre, moved])
    results.period_recompute(october)
    Period.objects.filter(pk=october.pk).update(status=PeriodStatus.PUBLISHED)
    published = _rows(october)
    ids = list(MonthlyResult.objects.filter(period=october).order_by("cadre_id").values_list("pk", flat=True))
    _import_new_cadres(town, office, 30, date(2026, 11, 1))
    services.cadre_update(
        actor=office,
        cadre=moved,
        data=_data(moved, agency_category=AgencyCategory.COMMUNITY_INSTRUCTOR),
        effective_from=date(2026, 11, 1),
    )
    results.period_recompute(Period.objects.get(pk=october.pk), actor=office, cause="test")
    assert not Correction.objects.filter(period=october).exists()  # nothing changed: nothing to correct
    assert _rows(october) == published
    assert (
        list(MonthlyResult.objects.filter(period=october).order_by("cadre_id").values_list("pk", flat=True))
        == ids
    )
    _bases, rows = results.compute_month(Period.objects.get(pk=october.pk))
    assert sorted((r.cadre_id, r.group) for r in rows) == [
        (personas["cadre"].cadre.pk, AgencyCategory.ESTABLISHED),
        (moved.pk, AgencyCategory.ESTABLISHED),
    ]
