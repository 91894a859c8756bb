"""A small town year for the annual report: two published months, two pools graded by the annual
evaluation's own service (one undetermined case), a pay plan computed, a final lagging list with a
statement and a draft one, an exemplary case and three objections and reviews."""

import uuid
from datetime import date

import pytest
from django.utils import timezone

from kaoping import testing
from kaoping.annual import services as annual
from kaoping.annual.models import AnnualResult, CaseKind, UndeterminedReason
from kaoping.appeals.models import Appeal, AppealStatus, Stage
from kaoping.pay import services as pay
from kaoping.pay.models import PlanKind
from kaoping.pay.tests.conftest import BONUS_POOL, ESTABLISHED_POOL, confirm_year, institution, values  # noqa: F401
from kaoping.people.models import AgencyCategory
from kaoping.quarterly.models import LaggingEntry, LaggingList, ListStatus, Meeting, Statement
from kaoping.records.models import Decision, DecisionKind, MonthRecord, RecordStatus
from kaoping.testing import FEB, JAN, english_client, in_english, publish_month  # noqa: F401 (fixtures)

YEAR = 2026


@pytest.fixture
def staff(town):
    """Six non-established agency cadres, 甲 to 己."""
    return testing.make_cadres(town, "甲乙丙丁戊己", 300, agency_category=AgencyCategory.NON_ESTABLISHED)


def appeal(
    town, cadre, user, *, stage, status, label="2026-01 月度考核结果", kind="results.month", subject_id=None
):
    return Appeal.objects.create(
        town=town,
        stage=stage,
        kind=kind,
        subject_id=subject_id or cadre.pk * 100 + Appeal.objects.count(),
        subject_label=label,
        cadre=cadre,
        reason="分数有误",
        raised_by=user,
        due_on=date(2026, 3, 1),
        status=status,
        outcome_before="80.00",
        outcome_after="81.00" if status in (AppealStatus.UPHELD, AppealStatus.IMPROVED) else "",
        token=uuid.uuid4().hex,
    )


@pytest.fixture
def year(town, staff, institution, office, personas):  # noqa: F811
    """January and February 2026 published; 丁 undetermined (probation); the pools computed: the
    non-established pool of 5 graded has 1 优秀 place (甲), the established pool of 3 none. The
    non-established bonus pool of 10 000 yuan computed. Q1's lagging list final with 丁 and a
    statement, Q2's a draft. 甲 exemplary in February. Two objections (one upheld, one open) and one
    review (kept)."""
    a, b, c, d, e, f = staff
    totals = [("96", "94"), ("86", "84"), ("76", "74"), ("66", "64"), ("90", "90"), ("80", "80")]
    publish_month(
        town,
        JAN,
        {
            **{s: t[0] for s, t in zip(staff, totals, strict=True)},
            **dict(zip(institution, ["90", "80", "70"], strict=True)),
        },
    )
    publish_month(
        town,
        FEB,
        {
            **{s: t[1] for s, t in zip(staff, totals, strict=True)},
            **dict(zip(institution, ["90", "80", "70"], strict=True)),
        },
    )
    annual.case_save(
        actor=office,
        town=town,
        year=YEAR,
        cadre=d,
        kind=CaseKind.UNDETERMINED,
        reason=UndeterminedReason.PROBATION,
    )
    annual.pool_compute(actor=office, town=town, year=YEAR, pool=BONUS_POOL)
    annual.pool_compute(actor=office, town=town, year=YEAR, pool=ESTABLISHED_POOL)
    confirm_year(town, office, YEAR)  # pay counts confirmed grades only
    plan = pay.plan_save(
        actor=office,
        town=town,
        year=YEAR,
        kind=PlanKind.NON_ESTABLISHED_BONUS,
        values=values(),
        based_on=None,
    )
    plan.refresh_from_db()
    pay.plan_compute(actor=office, plan=plan, based_on=plan.version)

    q1 = Meeting.objects.create(
        town=town,
        year=YEAR,
        quarter=1,
        title="2026年第一季度观摩述职评比会",
        held_on=date(2026, 4, 10),
        place="镇政府",
    )
    listed = LaggingList.objects.create(meeting=q1, status=ListStatus.FINAL)
    entry = LaggingEntry.objects.create(
        lagging_list=listed,
        cadre=d,
        rule={
            "population": d.population,
            "pool": AgencyCategory.NON_ESTABLISHED,
            "bottom": 1,
            "consecutive": True,
            "months": 2,
            "missing": "not_bottom",
            "active": True,
        },
        basis=[
            {"month": "2026-01", "rank": 6, "of": 6, "total": "66.00"},
            {"month": "2026-02", "rank": 6, "of": 6, "total": "64.00"},
        ],
    )
    Statement.objects.create(entry=entry, made_on=date(2026, 4, 10), text="认真整改", recorded_by=office)
    q2 = Meeting.objects.create(
        town=town,
        year=YEAR,
        quarter=2,
        title="2026年第二季度观摩述职评比会",
        held_on=date(2026, 7, 10),
        place="镇政府",
    )
    draft = LaggingList.objects.create(meeting=q2, status=ListStatus.DRAFT)
    LaggingEntry.objects.create(lagging_list=draft, cadre=c, basis=[])

    record = MonthRecord.objects.create(
        town=town,
        month=FEB,
        cadre=a,
        leader=b,
        status=RecordStatus.SUBMITTED,
        submitted_at=timezone.now(),
        submitted_by=office,
    )
    Decision.objects.create(
        town=town,
        record=record,
        kind=DecisionKind.EXEMPLARY,
        citation="招商引资攻坚克难典型",
        decided_on=date(2026, 2, 27),
        recorded_by=office,
    )
    cadre_user = personas["cadre"]
    appeal(town, b, cadre_user, stage=Stage.OBJECTION, status=AppealStatus.UPHELD)
    appeal(town, c, cadre_user, stage=Stage.OBJECTION, status=AppealStatus.OPEN)
    appeal(town, c, cadre_user, stage=Stage.REVIEW, status=AppealStatus.KEPT)
    # An objection to an annual grade of the year (raised in its publication window), rejected.
    graded = AnnualResult.objects.get(town=town, year=YEAR, cadre=b)
    appeal(
        town,
        b,
        cadre_user,
        stage=Stage.OBJECTION,
        status=AppealStatus.REJECTED,
        label="2026年度考核等次",
        kind="annual.grade",
        subject_id=graded.pk,
    )
    return staff
