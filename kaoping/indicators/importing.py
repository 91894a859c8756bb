"""A scheme in and out of Excel, in the layout an assessment office works with: one row per indicator,
under its category (大项), with its number, name, scoring standard, maximum, weight and rule.

The sheet is declared once (`scheme_sheet`) for the template, the export and the import. The export
writes the weights in force in a chosen month and imports back as it is. The import fills an empty
draft scheme, all or nothing: every row is checked with the rules of the edit form
(`services.text_problems`, `rules.problems`) and the checks only a file needs (a number on two rows),
then either everything is created in one transaction or nothing is and every problem is listed by row
and column. Categories are matched by name to the scheme's own, or created in order of appearance.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaoping.audit.services import record
from kaoping.core import spreadsheets
from kaoping.core.errors import DomainError
from kaoping.core.spreadsheets import Boolean, Choice, Column, Number, Problem, Sheet, Text

from . import rules, selectors, services
from .models import Category, Indicator, IndicatorWeight, ItemKind, RuleKind, Scheme, VetoEffect

MAX_ROWS = 500
_POINTS = {"places": 2, "minimum": Decimal(0), "maximum": Decimal("9999.99")}

# The field's own words, accepted whatever the translation catalogue holds: the city's sheets use them.
_RULE_WORDS = {
    RuleKind.MANUAL: ("手动评分", "直接评分", "人工评分", "评分"),
    RuleKind.COMPLETION: ("完成率", "目标完成率", "按完成比例"),
    RuleKind.PASS_FAIL: ("达标", "合格制", "是否达标", "达标制"),
    RuleKind.PER_OCCURRENCE: ("按次计分", "按次扣分", "按次加分", "计次"),
    RuleKind.RANK: ("排名", "排名折算", "名次"),
    RuleKind.VETO: ("一票否决", "否决"),
}
_VETO_WORDS = {
    VetoEffect.ZERO_CATEGORY: ("大项归零", "该大项得零分", "本大项归零"),
    VetoEffect.CAP_GRADE: ("限制等次", "取消评优", "不得评先选优"),
}
_ITEM_WORDS = {
    ItemKind.MONTHLY_KEY_WORK: ("月度重点工作", "重点工作"),
    ItemKind.AD_HOC: ("临时性工作", "临时工作", "临时交办"),
}


def scheme_sheet() -> Sheet:
    """The scheme sheet's columns, in the order an office prints them."""
    return Sheet(
        title=gettext_lazy("Indicators"),
        notes=(
            gettext_lazy(
                "One row per indicator. Categories (大项) are taken from the first column in the order they "
                "appear; rows of a category need not be next to each other."
            ),
            gettext_lazy(
                "The rule decides which parameters count: a completion rule needs its target, a "
                "per-occurrence rule its points per occurrence (and optionally a cap), a rank ladder the "
                "points lost per place unless proportional to the best, a veto its effect."
            ),
            gettext_lazy(
                "The weight applies from the month chosen on the import page; an empty weight is 0. "
                "Weights are relative: they need not add up to 100."
            ),
        ),
        columns=(
            Column(
                "category",
                gettext_lazy("Category"),
                Text(max_length=60),
                required=True,
                example="党的建设",
                aliases=("大项", "考核项目", "类别", "一级指标"),
            ),
            Column(
                "code",
                gettext_lazy("Number"),
                Text(max_length=12),
                required=True,
                example="1.1",
                aliases=("序号", "编号", "指标序号"),
            ),
            Column(
                "name",
                gettext_lazy("Indicator"),
                Text(max_length=100),
                required=True,
                example="基层党组织建设",
                aliases=("指标", "具体指标", "考核指标", "二级指标", "指标名称"),
            ),
            Column(
                "standard",
                gettext_lazy("Scoring standard"),
                Text(max_length=2000),
                required=True,
                example="按月评定“三会一课”、主题党日开展情况，满分4分。",
                aliases=("评分标准", "评分标准及规则", "考核标准", "评分细则"),
            ),
            Column(
                "max_score",
                gettext_lazy("Maximum"),
                Number(**_POINTS),
                required=True,
                example=Decimal(4),
                aliases=("分值", "满分", "最高分"),
            ),
            Column(
                "weight",
                gettext_lazy("Weight"),
                Number(**_POINTS),
                example=Decimal(4),
                aliases=("权重", "占比", "权重分"),
                help=gettext_lazy("From the month chosen when importing; empty means 0."),
            ),
            Column(
                "rule_kind",
                gettext_lazy("Rule"),
                Choice(RuleKind.choices, aliases=_RULE_WORDS),
                required=True,
                example=RuleKind.MANUAL,
                aliases=("规则", "计分方式", "评分方式"),
            ),
            Column(
                "target",
                gettext_lazy("Target"),
                Number(places=2, minimum=Decimal(0), maximum=Decimal("9999999999.99")),
                aliases=("目标值", "目标任务"),
                help=gettext_lazy("Completion rule: the target that earns the maximum."),
            ),
            Column(
                "points_each",
                gettext_lazy("Points per occurrence"),
                Number(**_POINTS),
                aliases=("每次分值", "每次扣分", "每次加分"),
                help=gettext_lazy("Per-occurrence rule."),
            ),
            Column(
                "cap",
                gettext_lazy("Cap"),
                Number(**_POINTS),
                aliases=("封顶", "上限", "最多扣分"),
                help=gettext_lazy(
                    "Per-occurrence rule: the most points the count can move (empty: the maximum)."
                ),
            ),
            Column(
                "adds",
                gettext_lazy("Occurrences add points"),
                Boolean(),
                aliases=("计加分",),
                help=gettext_lazy("Per-occurrence rule: Yes counts up from 0, No deducts from the maximum."),
            ),
            Column(
                "ladder_step",
                gettext_lazy("Points lost per place"),
                Number(**_POINTS),
                aliases=("每名次递减", "名次递减分值"),
                help=gettext_lazy("Rank ladder: 1st gets the maximum, each place below loses this much."),
            ),
            Column(
                "proportional",
                gettext_lazy("Proportional to the best"),
                Boolean(),
                aliases=("按最优值折算", "比例折算"),
                help=gettext_lazy("Rank rule: maximum × value ÷ best value among peers."),
            ),
            Column(
                "veto_effect",
                gettext_lazy("Veto effect"),
                Choice(VetoEffect.choices, aliases=_VETO_WORDS),
                aliases=("否决效果", "否决方式"),
                help=gettext_lazy("Veto rule only."),
            ),
            Column(
                "item_kind",
                gettext_lazy("Item kind"),
                Choice(ItemKind.choices, aliases=_ITEM_WORDS),
                example=ItemKind.MONTHLY_KEY_WORK,
                aliases=("类型", "工作类型", "项目类型"),
                help=gettext_lazy("Empty: monthly key work."),
            ),
            Column(
                "is_fixed",
                gettext_lazy("Fixed indicator"),
                Boolean(),
                example=True,
                aliases=("固定指标", "是否固定指标"),
                help=gettext_lazy("Always in the scheme: Party building, credit system, public demands."),
            ),
        ),
    )


def scheme_template() -> bytes:
    """The empty scheme sheet, with its instructions."""
    return spreadsheets.write_template(scheme_sheet(), rows=MAX_ROWS)


def scheme_rows(scheme: Scheme, month: date) -> Iterator[dict[str, Any]]:
    """The scheme's indicators as rows of the sheet, with the weights in force in `month`."""
    table = selectors.scheme_table(scheme, month)
    for block in table.blocks:
        for row in block.rows:
            indicator = row.indicator
            values = {name: getattr(indicator, name) for name in services.INDICATOR_FIELDS}
            values.update(category=block.category.name, weight=row.weight)
            yield values


def scheme_export(*, actor, scheme: Scheme, month: date) -> bytes:
    """The scheme as an .xlsx workbook with the weights in force in `month`; recorded in the audit log."""
    rows = list(scheme_rows(scheme, month))
    content = spreadsheets.write_rows(scheme_sheet(), rows)
    record(
        actor=actor,
        action="scheme.export",
        target=scheme,
        new={"indicators": len(rows), "weights_of": f"{month:%Y-%m}"},
    )
    return content


@dataclass
class ImportResult:
    """What an import did: the indicators created, or (nothing created) every problem found."""

    created: list[Indicator] = field(default_factory=list)
    categories: list[Category] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_importable(scheme: Scheme) -> None:
    """Refuse an import into a scheme that is not an empty draft: an import never replaces anything."""
    if not scheme.is_draft:
        raise DomainError(_("Only a draft scheme can be imported into; this one is published or archived."))
    if Indicator.objects.filter(scheme=scheme).exists():
        raise DomainError(
            _(
                "This scheme already has indicators, and an import replaces nothing. Import into a new, "
                "empty draft scheme, or edit the indicators here."
            )
        )


def scheme_import(
    *, actor, scheme: Scheme, file: IO[bytes] | bytes, filename: str = "", weight_from: date | None = None
) -> ImportResult:
    """Fill the empty draft `scheme` with the categories and indicators of an uploaded sheet, or nothing.

    Weights become versions from `weight_from` (January when not given). Raises `DomainError` when
    the scheme is not an empty draft or the file itself cannot be used.
    """
    check_importable(scheme)
    month = weight_from or scheme.month(1)
    if month.year != scheme.year:
        raise DomainError(
            _("Weights of the %(year)s scheme start in a month of %(year)s.") % {"year": scheme.year}
        )
    table = spreadsheets.read(scheme_sheet(), file, max_rows=MAX_ROWS)
    table.report_unknown_columns()
    existing = {spreadsheets.normalize(c.name): c for c in Category.objects.filter(scheme=scheme)}
    new_categories: dict[str, Category] = {}
    first_row_of_code: dict[str, int] = {}
    accepted: list[tuple[services.IndicatorData, Decimal]] = []
    for position, row in enumerate(table.rows, start=1):
        values = row.values
        key = spreadsheets.normalize(values["category"])
        category = existing.get(key) or new_categories.get(key)
        if category is None and values["category"]:
            category = new_categories[key] = Category(scheme=scheme, name=values["category"].strip())
        data = services.IndicatorData(
            category=category,
            code=values["code"],
            name=values["name"],
            standard=values["standard"],
            max_score=values["max_score"],
            rule_kind=values["rule_kind"],
            target=values["target"],
            points_each=values["points_each"],
            cap=values["cap"],
            adds=values["adds"],
            ladder_step=values["ladder_step"],
            proportional=values["proportional"],
            veto_effect=values["veto_effect"],
            item_kind=values["item_kind"] or ItemKind.MONTHLY_KEY_WORK,
            is_fixed=values["is_fixed"],
            sort_order=position,
        )
        found = services.text_problems(data)
        if data.rule_kind:
            rules.normalized(data)
            found.update(rules.problems(data))
        for key_, message in found.items():
            if not table.has_problem(row, key_) and key_ in values:
                table.add_problem(row, key_, message)
        if data.code:
            first = first_row_of_code.setdefault(data.code, row.number)
            if first != row.number:
                table.add_problem(row, "code", _("This number is already on row %(row)d.") % {"row": first})
        accepted.append((data, values["weight"] or Decimal(0)))
    if table.problems:
        return ImportResult(problems=table.sorted_problems())
    return _create(
        actor=actor,
        scheme=scheme,
        categories=list(new_categories.values()),
        rows=accepted,
        month=month,
        filename=filename,
    )


def _create(
    *,
    actor,
    scheme: Scheme,
    categories: list[Category],
    rows: list[tuple[services.IndicatorData, Decimal]],
    month: date,
    filename: str,
) -> ImportResult:
    try:
        with transaction.atomic():
            # Lock the scheme so that two imports (or an import and a hand-made indicator) cannot mix.
            Scheme.objects.select_for_update().get(pk=scheme.pk)
            check_importable(scheme)
            start = max([c.sort_order for c in Category.objects.filter(scheme=scheme)], default=0)
            for offset, category in enumerate(categories, start=1):
                category.sort_order = start + offset
                category.save()
                record(
                    actor=actor,
                    action="category.create",
                    target=category,
                    town=scheme.town,
                    new={"name": category.name, "sort_order": category.sort_order},
                    note=filename,
                )
            created = []
            for data, weight in rows:
                indicator = Indicator(scheme=scheme)
                for name in services.INDICATOR_FIELDS:
                    setattr(indicator, name, getattr(data, name))
                indicator.save()
                IndicatorWeight.objects.create(indicator=indicator, effective_from=month, weight=weight)
                services.record_indicator_created(actor, indicator, weight, month, note=filename)
                created.append(indicator)
            record(
                actor=actor,
                action="scheme.import",
                target=scheme,
                new={"file": filename, "categories": len(categories), "indicators": len(created)},
                note=filename,
            )
    except IntegrityError as exc:
        raise DomainError(
            _(
                "The scheme changed while the file was being checked, so nothing was imported. "
                "Upload it again."
            )
        ) from exc
    return ImportResult(created=created, categories=categories)
