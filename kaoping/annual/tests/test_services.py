"""The annual evaluation's services: the proposal from the published months, hand changes within the
quota, vetoes and undetermined cases, the share's approval, honours and staleness."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from kaoping import testing
from kaoping.annual import scores, selectors, services
from kaoping.annual.models import AnnualResult, CaseKind, PoolProposal, UndeterminedReason
from kaoping.audit.models import AuditEntry
from kaoping.audit.versions import Conflict
from kaoping.core.errors import DomainError
from kaoping.engine import grading
from kaoping.people.models import Population
from kaoping.results.models import MonthlyResult
from kaoping.scoring.models import PeriodStatus
from kaoping.testing import JAN, MAR, publish_month

from .conftest import POOL

pytestmark = pytest.mark.django_db


def _levels(town) -> dict[str, int | None]:
    return dict(AnnualResult.objects.filter(town=town, year=2026).values_list("cadre__name", "level"))


def _settings_values(**changes):
    values = {
        "formula": "mean_of_months",
        "excellent_share": Decimal("0.20"),
        "level1_from": Decimal(70),
        "level2_from": Decimal(60),
        "excellent_minimum": None,
        "pools": [],
        "collective_method": "cadres_mean",
        "agency_honours": None,
        "head_honours": None,
        "collective_honours": None,
    }
    values.update(changes)
    return values


def test_the_proposal_grades_the_pool_from_the_mean_of_its_published_months(year, town, office):
    proposal = services.pool_compute(actor=office, town=town, year=2026, pool=POOL)
    assert (proposal.pool_size, proposal.quota, proposal.months) == (10, 2, ["2026-01", "2026-02"])
    assert _levels(town) == {
        "甲": 0, "乙": 0, "丙": 1, "丁": 1, "戊": 1, "己": 1, "庚": 2, "辛": 2, "壬": 3, "癸": 3
    }  # fmt: skip
    first = AnnualResult.objects.get(cadre__name="甲")
    assert first.score == Decimal("95.00") and first.rank == 1
    assert [m["total"] for m in first.months] == ["96.00", "94.00"]
    assert first.why["reason"] == grading.QUOTA
    assert AuditEntry.objects.filter(action="annual_proposal.compute").count() == 1


def test_a_month_not_published_does_not_count_and_a_later_publication_makes_the_proposal_stale(
    year, town, office
):
    publish_month(town, MAR, {c: "99" for c in year}, status=PeriodStatus.OPEN)
    services.pool_compute(actor=office, town=town, year=2026, pool=POOL)
    assert AnnualResult.objects.get(cadre__name="癸").score == Decimal("50.00")
    settings, _ = scores.year_settings(town, 2026)
    (summary,) = [s for s in selectors.overview(town, 2026, settings) if s.key == POOL]
    assert not summary.stale
    from kaoping.scoring.models import Period

    Period.objects.filter(town=town, month=MAR).update(status=PeriodStatus.PUBLISHED)
    (summary,) = [s for s in selectors.overview(town, 2026, settings) if s.key == POOL]
    assert summary.stale


def test_a_grade_changes_only_with_a_reason_within_the_quota_and_is_audited(year, town, office):
    services.pool_compute(actor=office, town=town, year=2026, pool=POOL)
    third = AnnualResult.objects.get(cadre__name="丙")
    with pytest.raises(DomainError, match="reason"):
        services.grade_change(actor=office, result=third, level=0, reason=" ", based_on=third.version)
    with pytest.raises(DomainError, match="places"):
        services.grade_change(actor=office, result=third, level=0, reason="重大贡献", based_on=third.version)
    assert _levels(town)["丙"] == 1
    second = AnnualResult.objects.get(cadre__name="乙")
    services.grade_change(actor=office, result=second, level=1, reason="群众反映", based_on=second.version)
    third.refresh_from_db()
    services.grade_change(actor=office, result=third, level=0, reason="重大贡献", based_on=third.version)
    assert _levels(town)["乙"] == 1 and _levels(town)["丙"] == 0
    entry = AuditEntry.objects.filter(action="annual_result.change").order_by("-id").first()
    assert entry.old["level"] == 1 and entry.new == {
        "level": 0,
        "grade": "Excellent (优秀)",
        "reason": "重大贡献",
    }


def test_a_change_based_on_an_older_version_is_refused(year, town, office):
    services.pool_compute(actor=office, town=town, year=2026, pool=POOL)
    row = AnnualResult.objects.get(cadre__name="丁")
    services.grade_change(actor=office, result=row, level=2, reason="a", based_on=row.version)
    stale = AnnualResult.objects.get(cadre__name="丁")
    with pytest.raises(Conflict):
        services.grade_change(actor=office, result=stale, level=1, reason="b", based_on=stale.version - 1)


def test_a_hand_change_survives_a_recompute_that_still_allows_it(year, town, office):
    services.pool_compute(actor=office, town=town, year=2026, pool=POOL)
    row = AnnualResult.objects.get(cadre__name="丁")
    services.grade_change(actor=office, result=row, level=2, reason="缺勤", based_on=row.version)
    services.pool_compute(actor=office, town=town, year=2026, pool=POOL)
    row.refresh_from_db()
    assert (row.level, row.proposed_level, row.change_reason) == (2, 1, "缺勤")


def test_no_change_on_an_out_of_date_proposal(year, town, office):
    services.pool_compute(actor=office, town=town, year=2026, pool=POOL)
    publish_month(town, MAR, {c: "70" for c in year})
    row = AnnualResult.objects.get(cadre__name="丁")
    with pytest.raises(DomainError, match="out of date"):
        services.grade_change(actor=office, result=row, level=2, reason="a", based_on=row.version)


def test_a_veto_locks_the_grade_and_frees_its_place(year, town, office):
    services.pool_compute(actor=office, town=town, year=2026, pool=POOL)
    best = year[0]
    services.case_save(
        actor=office,
        town=town,
        year=2026,
        cadre=best,
        kind=CaseKind.VETO,
        detail="安全生产事故",
        veto_level=2,
    )
    levels = _levels(town)  # the pool was computed again at once
    assert levels["甲"] == 2 and levels["乙"] == 0 and levels["丙"] == 0
    row = AnnualResult.objects.get(cadre=best)
    assert row.why["reason"] == grading.VETO
    with pytest.raises(DomainError, match="locked"):
        services.grade_change(actor=office, result=row, level=1, reason="x", based_on=row.version)
    with pytest.raises(DomainError):
        services.case_save(
            actor=office, town=town, year=2026, cadre=best, kind=CaseKind.VETO, detail="x", veto_level=0
        )


def test_a_month_capped_by_a_veto_indicator_locks_the_grade_below_excellent(town, office, agency):
    publish_month(town, JAN, {c: str(90 - i) for i, c in enumerate(agency)}, capped=[agency[0]])
    services.pool_compute(actor=office, town=town, year=2026, pool=POOL)
    row = AnnualResult.objects.get(cadre=agency[0])
    assert row.level == 1 and row.why["capped"] == ["2026-01"]


def test_an_undetermined_case_gets_no_grade_and_leaves_the_pool(year, town, office):
    services.case_save(
        actor=office, town=town, year=2026, cadre=year[1], kind=CaseKind.UNDETERMINED, reason="probation"
    )
    proposal = services.pool_compute(actor=office, town=town, year=2026, pool=POOL)
    assert (proposal.pool_size, proposal.quota) == (9, 1)
    assert _levels(town)["乙"] is None and _levels(town)["甲"] == 0 and _levels(town)["丙"] == 1
    with pytest.raises(DomainError, match="Other"):
        services.case_save(
            actor=office,
            town=town,
            year=2026,
            cadre=year[2],
            kind=CaseKind.UNDETERMINED,
            reason=UndeterminedReason.OTHER,
        )


def test_a_share_above_20_percent_counts_only_once_another_person_approves_it(year, town, office, leader):
    settings = services.settings_save(
        actor=office,
        town=town,
        year=2026,
        values=_settings_values(excellent_share=Decimal("0.25")),
        based_on=None,
    )
    assert settings.share_in_force == Decimal("0.20")
    assert services.pool_compute(actor=office, town=town, year=2026, pool=POOL).quota == 2
    with pytest.raises(PermissionDenied):
        services.share_approve(actor=office, settings=settings, based_on=settings.version)
    services.share_approve(actor=leader, settings=settings, based_on=settings.version)
    settings.refresh_from_db()
    assert settings.share_in_force == Decimal("0.25")
    settings_now, _ = scores.year_settings(town, 2026)
    (summary,) = [s for s in selectors.overview(town, 2026, settings_now) if s.key == POOL]
    assert summary.stale  # the rules changed: compute again
    assert services.pool_compute(actor=office, town=town, year=2026, pool=POOL).quota == 2  # 25% of 10 is 2.5


def test_whoever_set_the_share_never_approves_it(year, town, leader):
    from kaoping.accounts.models import Role, RoleAssignment

    RoleAssignment.objects.create(user=leader, role=Role.ASSESSMENT_OFFICE, town=town)
    settings = services.settings_save(
        actor=leader,
        town=town,
        year=2026,
        values=_settings_values(excellent_share=Decimal("0.25")),
        based_on=None,
    )
    with pytest.raises(DomainError, match="someone else"):
        services.share_approve(actor=leader, settings=settings, based_on=settings.version)


def test_settings_refuse_a_share_above_25_percent_and_inverted_thresholds(town, office):
    with pytest.raises(DomainError):
        services.settings_save(
            actor=office,
            town=town,
            year=2026,
            values=_settings_values(excellent_share=Decimal("0.30")),
            based_on=None,
        )
    with pytest.raises(DomainError):
        services.settings_save(
            actor=office,
            town=town,
            year=2026,
            values=_settings_values(level1_from=Decimal(50)),
            based_on=None,
        )
    assert not scores.YearSettings.objects.exists()


def test_nothing_is_graded_before_a_month_is_published(town, office, agency):
    with pytest.raises(DomainError, match="published"):
        services.pool_compute(actor=office, town=town, year=2026, pool=POOL)
    assert not PoolProposal.objects.exists()


def test_pools_are_never_mixed(year, town, office):
    instructors = [
        testing.make_cadre(town, f"指导员{i}", 300 + i, agency_category="community_instructor")
        for i in range(5)
    ]
    publish_month(town, JAN, {c: "99" for c in instructors}, group="community_instructor")
    services.pool_compute(actor=office, town=town, year=2026, pool=POOL)
    services.pool_compute(actor=office, town=town, year=2026, pool="agency:community_instructor")
    established = AnnualResult.objects.filter(pool=POOL)
    assert established.count() == 10 and established.filter(level=0).count() == 2
    assert AnnualResult.objects.filter(pool="agency:community_instructor").count() == 5


def test_honours_flag_three_consecutive_years_of_excellent(year, town, office):
    services.pool_compute(actor=office, town=town, year=2026, pool=POOL)
    for past in (2024, 2025):
        AnnualResult.objects.create(
            town=town, year=past, cadre=year[0], pool=POOL, scale="civil_servant", score=90, level=0
        )
    settings, _ = scores.year_settings(town, 2026)
    honours = selectors.honours(town, 2026, settings)
    assert [h.cadre.name for h in honours.agency] == ["甲", "乙"]
    assert honours.agency[0].merit_years == [2024, 2025, 2026]
    assert honours.agency[1].merit_years == []


def test_village_collectives_are_scored_from_their_cadres(town, office):
    from kaoping.people.models import Village

    east = town.villages.first()
    west = Village.objects.create(town=town, name="西村")
    cadres = {
        east: [
            testing.make_cadre(town, f"东{i}", 400 + i, Population.VILLAGE, village=east) for i in range(2)
        ],
        west: [
            testing.make_cadre(town, f"西{i}", 500 + i, Population.VILLAGE, village=west) for i in range(2)
        ],
    }
    totals = {cadres[east][0]: "90", cadres[east][1]: "70", cadres[west][0]: "85", cadres[west][1]: "84"}
    period = publish_month(town, JAN, totals, group="")
    MonthlyResult.objects.filter(period=period).update(
        scheme=testing.make_scheme(town, 2026, Population.VILLAGE)
    )
    services.pool_compute(actor=office, town=town, year=2026, pool="village")
    settings, _ = scores.year_settings(town, 2026)
    settings.collective_honours = 1
    honours = selectors.honours(town, 2026, settings)
    assert [(c.village.name, c.score, c.honoured) for c in honours.collectives] == [
        ("西村", Decimal("84.50"), True),
        ("东村", Decimal("80.00"), False),
    ]


def test_only_the_assessment_office_computes(year, town, leader):
    with pytest.raises(PermissionDenied):
        services.pool_compute(actor=leader, town=town, year=2026, pool=POOL)


def test_saving_unchanged_rules_leaves_the_proposal_up_to_date(year, town, office):
    services.pool_compute(actor=office, town=town, year=2026, pool=POOL)
    settings = services.settings_save(
        actor=office, town=town, year=2026, values=_settings_values(), based_on=None
    )
    settings.refresh_from_db()  # 70.00 as stored, not 70
    (summary,) = [s for s in selectors.overview(town, 2026, settings) if s.key == POOL]
    assert not summary.stale


def _transferred_after_the_year(town, **extra):
    """A non-established agency cadre graded in 2026's non-established pool, established from 2027."""
    cadre = testing.make_cadre(town, "调任", 400, agency_category="non_established", **extra)
    publish_month(town, JAN, {cadre: "80"}, group="non_established")
    cadre.agency_category = "established"
    cadre.save()
    return cadre


def test_the_grade_words_follow_the_pool_of_the_year_not_a_later_transfer(town, office):
    cadre = _transferred_after_the_year(town)
    assert cadre.grade_scale == grading.CIVIL_SERVANT  # today's words: 称职
    services.pool_compute(actor=office, town=town, year=2026, pool="agency:non_established")
    result = AnnualResult.objects.get(cadre=cadre)
    assert (result.scale, result.grade) == (grading.OTHER, "Qualified (合格)")


def test_a_stated_personnel_type_names_the_grade_in_any_pool(town, office):
    cadre = _transferred_after_the_year(town, personnel_type="public_institution")
    services.pool_compute(actor=office, town=town, year=2026, pool="agency:non_established")
    assert AnnualResult.objects.get(cadre=cadre).scale == grading.PUBLIC_INSTITUTION


def test_a_veto_is_locked_in_the_words_of_the_year_s_result(town, office):
    cadre = _transferred_after_the_year(town)
    services.case_save(
        actor=office, town=town, year=2026, cadre=cadre, kind=CaseKind.VETO, detail="x", veto_level=1
    )
    from kaoping.annual.models import AnnualCase

    case = AnnualCase.objects.get(cadre=cadre)
    assert case.locked_grade == "Competent (称职)"  # no result yet: the cadre as they are
    services.pool_compute(actor=office, town=town, year=2026, pool="agency:non_established")
    assert AnnualCase.objects.get(cadre=cadre).locked_grade == "Qualified (合格)"
    assert AnnualCase.objects.with_result_scale().get(cadre=cadre).locked_grade == "Qualified (合格)"


def test_one_rule_names_the_scale():
    from kaoping.people.models import grade_scale

    assert grade_scale("", "leadership") == grading.CIVIL_SERVANT
    assert grade_scale("", "agency", "established") == grading.CIVIL_SERVANT
    assert grade_scale("", "agency", "non_established") == grading.OTHER
    assert grade_scale("", "village", "") == grading.OTHER
    assert grade_scale("public_institution", "leadership") == grading.PUBLIC_INSTITUTION
    assert scores.pool_scale("agency:established", "") == grading.CIVIL_SERVANT
    assert scores.pool_scale("village:heads", "") == grading.OTHER
