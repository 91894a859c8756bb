"""Publication freezes a month: later inputs become a pending correction (更正), published or declined.

Worked example: 张伟 (100.00, #1) and 李强 (90.00, #2) in May 2026, published. A supervision item
of 李强's is verified in May after publication: his points for it would make him 92.00; the
published month stays 100/90 and a pending correction proposes 李强 90.00 → 92.00.
"""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from kaoping import testing
from kaoping.audit.models import AuditEntry
from kaoping.core.errors import DomainError
from kaoping.indicators import services as indicator_services
from kaoping.indicators.models import AdjustmentReason, Indicator
from kaoping.results import corrections, results
from kaoping.scoring import services as scoring_services
from kaoping.scoring.models import Period, PeriodStatus, ScoreEntry, ScoreSheet
from kaoping.supervision import services as supervision_services
from kaoping.supervision.models import ItemStatus, Source
from kaoping.testing import in_english  # noqa: F401 (fixtures)

from ..models import Correction, CorrectionStatus, MonthlyResult

MAY = date(2026, 5, 1)


@pytest.fixture
def may(town, personas):
    """May 2026 published: 张伟 100.00 (#1), 李强 90.00 (#2)."""
    zhang = personas["cadre"].cadre
    li = testing.make_cadre(town, "李强", 1)
    typed = {zhang: {"1.1": "10", "1.2": "1"}, li: {"1.1": "10", "1.2": "1"}}  # 60 + 40 each
    sheet = testing.scored_sheet(town, MAY, by=personas["scorer"], values=typed)
    period = sheet.period
    li_share = AdjustmentReason.objects.get(scheme=sheet.scheme, kind="deduction")
    from kaoping.scoring.models import Adjustment, AdjustmentShare

    adjustment = Adjustment.objects.create(
        period=period,
        reason=li_share,
        kind="deduction",
        title="安全检查",
        status="approved",
        created_by=personas["assessment_office"],
    )
    AdjustmentShare.objects.create(adjustment=adjustment, cadre=li, points=Decimal(10))  # 90
    results.period_recompute(period)
    Period.objects.filter(pk=period.pk).update(status=PeriodStatus.PUBLISHED)
    period.refresh_from_db()
    return period, zhang, li


@pytest.fixture
def later_input(monkeypatch, may):
    """A later input of the month: 李强 gets 2 points for a supervision item handled well."""
    from kaoping.engine import engine

    period, zhang, li = may
    monkeypatch.setattr(
        results, "month_inputs", lambda p: ({}, {li.pk: [engine.ProcessPoint(7, Decimal(2), "按时办结")]})
    )
    return may


@pytest.mark.django_db
def test_a_later_input_leaves_the_published_month_as_it_was_and_proposes_a_correction(later_input, personas):
    period, zhang, li = later_input
    ids = dict(MonthlyResult.objects.values_list("cadre_id", "pk"))
    results.recompute_months(period.town, [period.month], actor=personas["supervision_office"], cause="核验")
    published = dict(MonthlyResult.objects.values_list("cadre_id", "total"))
    assert published == {zhang.pk: Decimal("100.00"), li.pk: Decimal("90.00")}
    correction = Correction.objects.get(period=period)
    assert correction.status == CorrectionStatus.PENDING and correction.number is None
    assert [(c["name"], c["old"]["total"], c["new"]["total"]) for c in correction.changes] == [
        ("李强", "90.00", "92.00")
    ]
    assert dict(MonthlyResult.objects.values_list("cadre_id", "pk")) == ids


@pytest.mark.django_db
def test_publishing_the_correction_updates_the_rows_in_place_numbers_it_and_shows_it(
    later_input, personas, client_for, monkeypatch
):
    period, zhang, li = later_input
    results.recompute_months(period.town, [period.month], actor=personas["supervision_office"], cause="核验")
    correction = Correction.objects.get()
    ids = dict(MonthlyResult.objects.values_list("cadre_id", "pk"))
    office = personas["assessment_office"]
    with pytest.raises(DomainError, match="Confirm first"):
        corrections.correction_publish(
            actor=office, correction=correction, reason="核验结果计入", based_on=correction.version
        )
    with pytest.raises(DomainError, match="reason"):
        corrections.correction_publish(
            actor=office, correction=correction, reason=" ", based_on=correction.version, confirmed=True
        )
    with pytest.raises(DomainError, match="changed after you opened it"):
        corrections.correction_publish(
            actor=office, correction=correction, reason="核验结果计入", based_on=0, confirmed=True
        )
    assert MonthlyResult.objects.get(cadre=li).total == Decimal("90.00")
    corrections.correction_publish(
        actor=office,
        correction=correction,
        reason="核验结果计入",
        based_on=correction.version,
        confirmed=True,
    )
    correction.refresh_from_db()
    assert (correction.status, correction.number, correction.decided_by) == ("published", 1, office)
    assert dict(MonthlyResult.objects.values_list("cadre_id", "pk")) == ids
    assert MonthlyResult.objects.get(cadre=li).total == Decimal("92.00")
    entry = AuditEntry.objects.get(action="correction.publish")
    key = f"李强 ({li.pk})"
    assert (entry.actor, entry.note, entry.old[key], entry.new[key]) == (
        office,
        "核验结果计入",
        "90.00 #2",
        "92.00 #2",
    )
    # Recomputing the month now changes nothing: the published rows are the corrected ones.
    results.recompute_months(period.town, [period.month], actor=office, cause="again")
    assert not Correction.objects.filter(status="pending").exists()
    # 李强's breakdown shows it (read here by the office: a colleague's breakdown is shown to the cadre
    # concerned only); the month's ranking says it was corrected, with a link.
    detail = reverse("results:correction_detail", args=[period.town.slug, correction.pk])
    page = client_for(personas["assessment_office"]).get(
        reverse("scoring:breakdown", args=[period.town.slug, "2026-05", li.pk])
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert detail in text and "核验结果计入" in text and "90.00" in text and "92.00" in text
    assert "第1号" in text or "No. 1" in text
    ranking = client_for(personas["cadre"]).get(
        reverse("scoring:ranking", args=[period.town.slug, "2026-05"])
    )
    assert 'id="month-corrected"' in ranking.content.decode() and detail in ranking.content.decode()
    # A published correction is readable by the town; the second one of the year is No. 2.
    assert client_for(personas["cadre"]).get(detail).status_code == 200
    from kaoping.engine import engine

    monkeypatch.setattr(
        results, "month_inputs", lambda p: ({}, {li.pk: [engine.ProcessPoint(7, Decimal(4), "按时办结")]})
    )
    results.recompute_months(
        period.town, [period.month], actor=personas["supervision_office"], cause="再次核验"
    )
    second = Correction.objects.get(status="pending")
    assert [(c["old"]["total"], c["new"]["total"]) for c in second.changes] == [("92.00", "94.00")]
    corrections.correction_publish(
        actor=office, correction=second, reason="再次核验", based_on=1, confirmed=True
    )
    second.refresh_from_db()
    assert second.number == 2 and MonthlyResult.objects.get(cadre=li).total == Decimal("94.00")


@pytest.mark.django_db
def test_declining_keeps_the_published_rows_and_records_the_reason(later_input, personas, client_for):
    period, zhang, li = later_input
    results.recompute_months(period.town, [period.month], actor=personas["supervision_office"], cause="核验")
    correction = Correction.objects.get()
    leader = personas["main_leader"]
    response = client_for(leader).post(
        reverse("results:correction_decide", args=[period.town.slug, correction.pk]),
        {"decision": "decline", "reason": "核验时间在发布之后，计入下月", "version": correction.version},
    )
    assert response.status_code == 302
    correction.refresh_from_db()
    assert (correction.status, correction.number, correction.decided_by) == ("declined", None, leader)
    assert MonthlyResult.objects.get(cadre=li).total == Decimal("90.00")
    assert AuditEntry.objects.get(action="correction.decline").note == "核验时间在发布之后，计入下月"
    # The same proposal is not raised again by a recompute of unchanged inputs.
    results.recompute_months(period.town, [period.month], actor=None, cause="again")
    assert not Correction.objects.filter(status="pending").exists()


@pytest.mark.django_db
def test_whoever_caused_the_correction_does_not_decide_it(later_input, personas):
    period, zhang, li = later_input
    office = personas["assessment_office"]
    results.recompute_months(period.town, [period.month], actor=office, cause="评议已结束")
    correction = Correction.objects.get()
    with pytest.raises(DomainError, match="someone else"):
        corrections.correction_decline(actor=office, correction=correction, reason="不计", based_on=1)
    with pytest.raises(DomainError, match="not allowed"):
        corrections.correction_decline(
            actor=personas["scorer"], correction=correction, reason="不计", based_on=1
        )


@pytest.mark.django_db
def test_the_office_sees_the_list_and_the_detail_and_another_towns_correction_is_not_found(
    later_input, personas, client_for, other_town
):
    period, zhang, li = later_input
    results.recompute_months(period.town, [period.month], actor=personas["supervision_office"], cause="核验")
    correction = Correction.objects.get()
    office = client_for(personas["assessment_office"])
    listing = office.get(reverse("results:correction_list", args=[period.town.slug])).content.decode()
    assert reverse("results:correction_detail", args=[period.town.slug, correction.pk]) in listing
    detail = office.get(reverse("results:correction_detail", args=[period.town.slug, correction.pk]))
    text = detail.content.decode()
    assert "李强" in text and "90.00" in text and "92.00" in text and "核验" in text
    assert 'name="confirmed"' in text  # core/_confirm.html
    # A cadre does not see a pending correction; unknown or another town's ids are 404, never 500.
    cadre = client_for(personas["cadre"])
    assert (
        cadre.get(reverse("results:correction_detail", args=[period.town.slug, correction.pk])).status_code
        == 404
    )
    other = Correction.objects.create(
        town=other_town,
        period=Period.objects.create(town=other_town, month=MAY, status="published"),
        year=2026,
    )
    office = client_for(personas["assessment_office"])  # one test client: logged in again
    for pk in (other.pk, 999999):
        assert (
            office.get(reverse("results:correction_detail", args=[period.town.slug, pk])).status_code == 404
        )
        response = office.post(
            reverse("results:correction_decide", args=[period.town.slug, pk]),
            {"decision": "publish", "reason": "x", "version": "1", "confirmed": "1"},
        )
        assert response.status_code == 404
    response = office.post(
        reverse("results:correction_decide", args=[period.town.slug, correction.pk]),
        {"decision": "publish", "reason": "x", "version": "abc", "confirmed": "1"},
    )
    assert response.status_code == 302
    correction.refresh_from_db()
    assert correction.status == "pending"


@pytest.mark.django_db
def test_a_supervision_item_verified_after_publication_yields_a_pending_correction(may, personas, town):
    period, zhang, li = may
    office = personas["supervision_office"]
    with time_machine.travel("2026-05-10 10:00 +0800", tick=False):
        item = supervision_services.item_create(
            actor=office,
            town=town,
            data=supervision_services.ItemData(
                source=Source.MEETING,
                title="秸秆禁烧巡查",
                assigned_on=date(2026, 5, 1),
                deadline=date(2026, 5, 20),
                owners=[li],
                co_owners=[],
            ),
        )
        supervision_services.item_move(actor=office, item=item, to=ItemStatus.IN_PROGRESS, confirmed=True)
        item.status = ItemStatus.SUBMITTED
        from django.utils import timezone

        item.submitted_at = timezone.now()
        item.save()
    with time_machine.travel("2026-05-25 10:00 +0800", tick=False):
        supervision_services.item_move(
            actor=office, item=item, to=ItemStatus.VERIFIED, quality="good", confirmed=True
        )
    assert MonthlyResult.objects.get(cadre=li).total == Decimal("90.00")
    correction = Correction.objects.get(period=period)
    assert correction.caused_by == office and "秸秆禁烧巡查" in correction.causes[0]
    [line] = correction.changes
    assert line["cadre"] == li.pk and Decimal(line["new"]["total"]) > Decimal("90.00")


@pytest.mark.django_db
def test_a_weight_starting_in_or_before_a_published_month_is_refused(may, personas):
    period, zhang, li = may
    scheme = ScoreSheet.objects.get(period=period).scheme
    office = personas["assessment_office"]
    indicator = Indicator.objects.get(scheme=scheme, code="1.1")
    for month in (date(2026, 5, 1), date(2026, 3, 1)):
        with pytest.raises(DomainError, match="2026-05 is published and frozen"):
            indicator_services.weights_set(
                actor=office, scheme=scheme, month=month, weights={indicator.pk: Decimal(50)}
            )
    indicator_services.weights_set(
        actor=office, scheme=scheme, month=date(2026, 6, 1), weights={indicator.pk: Decimal(50)}
    )
    # A new indicator cannot be weighted from a published month either.
    data = indicator_services.IndicatorData(
        category=indicator.category, code="9.9", name="临时任务", standard="按期完成", max_score=Decimal(10)
    )
    with pytest.raises(DomainError, match="published and frozen"):
        indicator_services.indicator_create(
            actor=office, scheme=scheme, data=data, weight=Decimal(10), weight_from=date(2026, 5, 1)
        )
    indicator_services.indicator_create(
        actor=office, scheme=scheme, data=data, weight=Decimal(10), weight_from=date(2026, 7, 1)
    )
    # A scheme used by a published month keeps its settings and rules, even as a draft.
    assert scheme.is_draft
    with pytest.raises(DomainError, match="scale"):
        indicator_services.scheme_update(
            actor=office, scheme=scheme, values={"name": scheme.name, "scale": Decimal(120)}
        )
    assert MonthlyResult.objects.get(cadre=zhang).total == Decimal("100.00")


@pytest.mark.django_db
def test_a_bonus_or_deduction_in_a_published_month_is_refused(may, personas):
    period, zhang, li = may
    reason = AdjustmentReason.objects.get(scheme__town=period.town, kind="bonus")
    with pytest.raises(DomainError, match="published and frozen"):
        scoring_services.adjustment_create(
            actor=personas["assessment_office"],
            period=period,
            reason=reason,
            title="招商引资",
            evidence="",
            shares=[scoring_services.ShareInput(zhang, Decimal(1))],
        )
    from kaoping.scoring.models import Adjustment

    draft = Adjustment.objects.create(
        period=period, reason=reason, kind="bonus", title="旧的", created_by=personas["assessment_office"]
    )
    with pytest.raises(DomainError, match="published and frozen"):
        scoring_services.adjustment_decide(actor=personas["main_leader"], adjustment=draft, approve=True)


@pytest.mark.django_db
def test_a_corrected_score_in_a_published_month_flows_into_the_pending_correction(may, personas, client_for):
    """李强's 1.1 was published as 10; the office corrects it to 5: 60 → 30 points, 90.00 → 60.00."""
    from kaoping.results.models import ScoreCorrection

    period, zhang, li = may
    indicator = Indicator.objects.get(scheme__town=period.town, code="1.1")
    url = reverse("scoring:score_correct", args=[period.town.slug, "2026-05", li.pk])
    office = client_for(personas["assessment_office"])
    page = office.get(
        reverse("scoring:breakdown", args=[period.town.slug, "2026-05", li.pk])
    ).content.decode()
    assert url in page
    # Bad input changes nothing and answers with a message, never a 500.
    for data in (
        {"indicator": indicator.pk, "value": "abc", "reason": "复核"},
        {"indicator": indicator.pk, "value": "11", "reason": "复核"},
        {"indicator": indicator.pk, "value": "", "reason": "复核"},
        {"indicator": indicator.pk, "value": "5", "reason": " "},
        {"indicator": indicator.pk, "value": "10", "reason": "复核"},
        {"indicator": "x", "value": "5", "reason": "复核"},
        {"indicator": 999999, "value": "5", "reason": "复核"},
    ):
        assert office.post(url, data).status_code == 302, data
    assert not ScoreCorrection.objects.exists() and not Correction.objects.exists()
    response = office.post(url, {"indicator": indicator.pk, "value": "5", "reason": "台账复核：只完成一半"})
    correction = Correction.objects.get()
    assert response["Location"] == reverse(
        "results:correction_detail", args=[period.town.slug, correction.pk]
    )
    assert MonthlyResult.objects.get(cadre=li).total == Decimal("90.00")
    assert ScoreEntry.objects.get(cadre=li, indicator=indicator).value == Decimal(10)
    assert [(c["old"]["total"], c["new"]["total"]) for c in correction.changes] == [("90.00", "60.00")]
    assert "台账复核" in correction.causes[0]
    assert AuditEntry.objects.get(action="score_correction.create").note == "台账复核：只完成一半"
    # Only the office proposes; the Party secretary decides, as the office caused it.
    assert (
        client_for(personas["scorer"])
        .post(url, {"indicator": indicator.pk, "value": "4", "reason": "x"})
        .status_code
        == 403
    )
    ids = dict(MonthlyResult.objects.values_list("cadre_id", "pk"))
    corrections.correction_publish(
        actor=personas["main_leader"], correction=correction, reason="核实后更正", based_on=1, confirmed=True
    )
    assert MonthlyResult.objects.get(cadre=li).total == Decimal("60.00")
    assert dict(MonthlyResult.objects.values_list("cadre_id", "pk")) == ids
    assert ScoreEntry.objects.get(cadre=li, indicator=indicator).value == Decimal(5)
    assert ScoreCorrection.objects.get().status == "applied"
    results.recompute_months(period.town, [period.month], actor=None, cause="again")
    assert not Correction.objects.filter(status="pending").exists()


@pytest.mark.django_db
def test_a_declined_score_correction_leaves_the_published_score(may, personas):
    from kaoping.results.models import ScoreCorrection

    period, zhang, li = may
    indicator = Indicator.objects.get(scheme__town=period.town, code="1.1")
    sheet = ScoreSheet.objects.get(period=period)
    correction = corrections.score_correct(
        actor=personas["assessment_office"],
        sheet=sheet,
        cadre=li,
        indicator_id=indicator.pk,
        value="5",
        reason="复核",
    )
    corrections.correction_decline(
        actor=personas["main_leader"], correction=correction, reason="证据不足", based_on=1
    )
    assert ScoreCorrection.objects.get().status == "declined"
    assert ScoreEntry.objects.get(cadre=li, indicator=indicator).value == Decimal(10)
    assert MonthlyResult.objects.get(cadre=li).total == Decimal("90.00")
    results.recompute_months(period.town, [period.month], actor=None, cause="again")
    assert not Correction.objects.filter(status="pending").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 6])
def test_the_corrections_pages_take_a_fixed_number_of_queries(
    may, personas, client_for, django_assert_max_num_queries, count
):
    period, zhang, li = may
    changes = [
        {"cadre": li.pk, "name": "李强", "old": {"total": "90.00", "rank": 2, "group_rank": 2}, "new": None}
    ]
    for n in range(count):
        month = Period.objects.create(town=period.town, month=date(2026, 6 + n, 1), status="published")
        Correction.objects.create(
            town=period.town, period=month, year=2026, causes=[f"秸秆巡查{n}"], changes=changes * 3
        )
    client = client_for(personas["assessment_office"])
    url = reverse("results:correction_list", args=[period.town.slug])
    with django_assert_max_num_queries(10):
        page = client.get(url).content.decode()
    assert page.count("秸秆巡查") == count
    last = Correction.objects.order_by("-pk").first()
    with django_assert_max_num_queries(10):
        page = client.get(
            reverse("results:correction_detail", args=[period.town.slug, last.pk])
        ).content.decode()
    assert page.count("90.00") == 3
