"""A scheme out to Excel and back in: the office's layout, all or nothing, problems by row."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest

from kaoping.audit.models import AuditEntry
from kaoping.core.errors import DomainError
from kaoping.indicators import importing, selectors, services
from kaoping.indicators.models import Category, Indicator, IndicatorWeight, Scheme, SchemeStatus
from kaoping.people.models import Population

from .conftest import MARCH, indicator

pytestmark = pytest.mark.django_db

HEADERS = [
    "大项",
    "序号",
    "指标",
    "评分标准",
    "分值",
    "权重",
    "规则",
    "目标值",
    "每次分值",
    "封顶",
    "否决效果",
    "类型",
    "固定指标",
]


def workbook(rows, headers=HEADERS, title_line=None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    if title_line:
        sheet.append([title_line])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def structure(scheme: Scheme, month: date) -> list[tuple]:
    weights = selectors.weights_in_force(scheme, month)
    fields = [f for f in services.INDICATOR_FIELDS if f not in ("category", "sort_order")]
    return [
        (i.category.name, *(getattr(i, f) for f in fields), weights.get(i.pk))
        for i in Indicator.objects.filter(scheme=scheme)
        .order_by("sort_order", "id")
        .select_related("category")
    ]


@pytest.fixture
def empty(other_town, office):
    return Scheme.objects.create(town=other_town, year=2026, population=Population.AGENCY, name="导入")


def test_an_export_imports_back_into_an_empty_draft_of_another_town(scheme, empty, office):
    invest = indicator(scheme, "2.1")
    services.weights_set(actor=office, scheme=scheme, month=MARCH, weights={invest.pk: Decimal(40)})
    content = importing.scheme_export(actor=office, scheme=scheme, month=MARCH)

    result = importing.scheme_import(actor=office, scheme=empty, file=content, filename="方案.xlsx")

    assert result.ok, result.problems
    assert list(empty.categories.values_list("name", flat=True)) == ["党的建设", "新旧动能转换"]
    assert structure(empty, date(2026, 1, 1)) == structure(scheme, MARCH)
    assert AuditEntry.objects.filter(action="scheme.export", object_id=str(scheme.pk)).exists()
    entry = AuditEntry.objects.get(action="scheme.import")
    assert entry.new == {"file": "方案.xlsx", "categories": 2, "indicators": 4}
    assert entry.town == empty.town


def test_the_office_layout_with_chinese_headers_and_a_title_line_imports(empty, office):
    content = workbook(
        [
            [
                "党的建设",
                "1.1",
                "基层党组织建设",
                "按月评定",
                4,
                4,
                "手动评分",
                None,
                None,
                None,
                None,
                "月度重点工作",
                "是",
            ],
            [
                "新旧动能转换",
                "2.1",
                "招商引资",
                "按完成比例计分",
                7,
                7,
                "完成率",
                3000,
                None,
                None,
                None,
                None,
                "否",
            ],
            ["党的建设", "1.2", "党风廉政", "每起扣1分", 3, 3, "按次扣分", None, 1, 3, None, None, "是"],
            [
                "防范化解风险",
                "5.1",
                "安全事故否决",
                "本大项归零",
                1,
                None,
                "一票否决",
                None,
                None,
                None,
                "大项归零",
                "临时性工作",
                "否",
            ],
        ],
        title_line="夏村镇2026年度机关干部考核指标体系",
    )
    result = importing.scheme_import(actor=office, scheme=empty, file=content, weight_from=MARCH)
    assert result.ok, result.problems
    assert [c.name for c in Category.objects.filter(scheme=empty)] == [
        "党的建设",
        "新旧动能转换",
        "防范化解风险",
    ]
    veto = Indicator.objects.get(scheme=empty, code="5.1")
    assert (veto.rule_kind, veto.veto_effect, veto.item_kind) == ("veto", "zero_category", "ad_hoc")
    assert Indicator.objects.get(scheme=empty, code="1.2").points_each == 1
    weights = IndicatorWeight.objects.filter(indicator__scheme=empty)
    assert {w.effective_from for w in weights} == {MARCH}
    assert weights.get(indicator=veto).weight == 0  # an empty weight is 0


def test_every_bad_row_is_listed_with_its_row_number_and_nothing_is_imported(empty, office):
    content = workbook(
        [
            ["党的建设", "1.1", "基层党组织建设", "按月评定", 4, 4, "手动评分"],
            ["新旧动能转换", "2.1", "招商引资", "按完成比例计分", 7, 7, "完成率"],  # no target
            ["党的建设", "1.1", "重复序号", "按月评定", 4, 4, "手动评分"],
            ["党的建设", "1.3", "", "按月评定", -1, 4, "排名"],
            ["党的建设", "1.4", "否决", "x", 1, 0, "一票否决"],
            ["党的建设", "1.5", "未知规则", "x", 1, 0, "抽签"],
        ]
    )
    result = importing.scheme_import(actor=office, scheme=empty, file=content)
    assert not result.ok
    found = [(p.row, p.key) for p in result.problems]
    assert found == [
        (3, "target"),
        (4, "code"),
        (5, "name"),
        (5, "max_score"),
        (5, "ladder_step"),
        (6, "veto_effect"),
        (7, "rule_kind"),
    ]
    messages = {(p.row, p.key): p.message for p in result.problems}
    assert messages[3, "target"] == "A completion rule needs a target greater than 0."
    assert messages[4, "code"] == "This number is already on row 2."
    assert result.problems[0].cell == "H3"
    assert not Indicator.objects.filter(scheme=empty).exists()
    assert not Category.objects.filter(scheme=empty).exists()


def test_a_scheme_that_already_has_indicators_is_refused(scheme, office):
    content = importing.scheme_export(actor=office, scheme=scheme, month=MARCH)
    with pytest.raises(DomainError, match="already has indicators"):
        importing.scheme_import(actor=office, scheme=scheme, file=content)
    assert scheme.indicators.count() == 4


def test_a_published_scheme_is_refused(empty, office):
    empty.status = SchemeStatus.PUBLISHED
    empty.save()
    with pytest.raises(DomainError, match="Only a draft"):
        importing.scheme_import(actor=office, scheme=empty, file=workbook([]))


def test_the_template_has_the_columns_and_instructions():
    book = openpyxl.load_workbook(io.BytesIO(importing.scheme_template()))
    headers = [c.value for c in book.worksheets[0][1]]
    assert headers[:7] == ["Category", "Number", "Indicator", "Scoring standard", "Maximum", "Weight", "Rule"]
    assert len(book.worksheets) >= 2


def test_a_column_the_template_does_not_have_is_reported_and_nothing_is_imported(empty, office):
    row = [
        "党的建设",
        "1.1",
        "基层党组织建设",
        "按月评定",
        4,
        4,
        "手动评分",
        None,
        None,
        None,
        None,
        "月度重点工作",
        "是",
    ]
    content = workbook([[*row, "备注"]], headers=[*HEADERS, "说明"])
    result = importing.scheme_import(actor=office, scheme=empty, file=content)
    assert not result.ok
    [problem] = result.problems
    assert (problem.row, problem.cell, problem.column) == (1, "N1", "说明")
    assert "not one of the template's" in problem.message
    assert not Indicator.objects.filter(scheme=empty).exists()
