"""The month's records compiled for the secretary's office meeting, each cadre with their published rank."""

import io
from datetime import date
from decimal import Decimal

import pytest
from docx import Document

from kaoping import testing
from kaoping.records import services
from kaoping.records.tests.fixtures import MONTH, full_answers
from kaoping.reports import meetings
from kaoping.results.models import MonthlyResult
from kaoping.scoring.models import Period, PeriodStatus

pytestmark = pytest.mark.django_db


def _result(period, cadre, scheme, rank):
    MonthlyResult.objects.create(
        period=period,
        cadre=cadre,
        scheme=scheme,
        performance=Decimal(90),
        bonus=0,
        deduction=0,
        total=Decimal(90),
        rank=rank,
        breakdown={},
    )


@pytest.mark.parametrize("status", [PeriodStatus.PUBLISHED, PeriodStatus.OPEN])
def test_the_compilation_groups_by_unit_and_shows_only_published_ranks(area, status):
    town = area["lead_a"].town
    services.record_save(
        actor=area["user_a"],
        town=town,
        cadre=area["agency"][0],
        month=MONTH,
        answers=full_answers("完成防汛值守"),
        based_on=0,
        submit=True,
        today=date(2026, 5, 20),
    )
    period = Period.objects.create(town=town, month=MONTH, status=status)
    _result(period, area["agency"][0], testing.make_scheme(town), 3)
    units = meetings.compile_month(town, MONTH)
    assert [u.unit.name for u in units] == [area["department"].name, area["village"].name]
    block = {c.cadre.name: c for c in units[0].cadres}["张一"]
    published = status == PeriodStatus.PUBLISHED
    assert (block.result is not None) == published
    text = "\n".join(
        p.text
        for p in Document(
            io.BytesIO(meetings.month_docx(town, MONTH, units, issued_on=date(2026, 6, 3)))
        ).paragraphs
    )
    assert "一、党政办公室" in text and "二、东村" in text
    assert ("本月排名第3名" in text) == published
    assert "5．完成上级临时交办重点工作：完成防汛值守" in text
    assert "1．岗位工作：无突出事项。" in text
    assert "未报送。" in text  # 李二 and 王小明 sent nothing
