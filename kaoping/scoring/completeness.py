"""What is missing from a month: empty cells of each score sheet, cadres excused from scoring,
bonuses and deductions still waiting for a decision, and shares of cadres excused for the month (never
applied: an excused cadre has no result).

One rule for "is this sheet complete": a cell is complete when it holds a score, or when its cadre
is excused for the month (`Excusal`, with a reason). Submitting and approving a sheet, closing and
publishing the month, and the pages that ask to confirm them all read it from here.
"""

from dataclasses import dataclass, field

from .models import Adjustment, AdjustmentShare, AdjustmentStatus, Excusal, Period, ScoreEntry, ScoreSheet
from .selectors import sheet_cadres, sheet_indicators


@dataclass
class SheetGaps:
    """One sheet's completeness: its cadres and cells, what is filled, and what is not."""

    sheet: ScoreSheet
    cadres: int = 0  # cadres to be scored (excused ones not counted)
    indicators: int = 0
    filled: int = 0  # cells holding a score
    missing: dict[int, int] = field(default_factory=dict)  # cadre id → empty cells, when any
    names: dict[int, str] = field(default_factory=dict)  # cadre id → name, for the messages
    excused: list[Excusal] = field(default_factory=list)

    @property
    def cells(self) -> int:
        return self.cadres * self.indicators

    @property
    def unscored(self) -> int:
        return sum(self.missing.values())

    def missing_lines(self) -> list[str]:
        """ "张伟: 3" for every cadre with empty cells, in the sheet's order."""
        return [f"{self.names[cadre_id]}: {count}" for cadre_id, count in self.missing.items()]


def sheet_gaps(sheet: ScoreSheet) -> SheetGaps:
    """The empty cells of the sheet, by cadre, leaving out the cadres excused for the month."""
    indicators = {i.pk for i in sheet_indicators(sheet)}
    cadres = list(sheet_cadres(sheet))
    excused = list(Excusal.objects.filter(sheet=sheet).select_related("cadre", "created_by"))
    excused_ids = {e.cadre_id for e in excused}
    filled: dict[int, int] = {}
    for cadre_id, indicator_id in ScoreEntry.objects.filter(sheet=sheet).values_list(
        "cadre_id", "indicator_id"
    ):
        if indicator_id in indicators:
            filled[cadre_id] = filled.get(cadre_id, 0) + 1
    gaps = SheetGaps(sheet, indicators=len(indicators), excused=excused)
    for cadre in cadres:
        if cadre.pk in excused_ids:
            continue
        gaps.cadres += 1
        gaps.names[cadre.pk] = cadre.name
        have = filled.get(cadre.pk, 0)
        gaps.filled += have
        if have < len(indicators):
            gaps.missing[cadre.pk] = len(indicators) - have
    return gaps


@dataclass
class Unapplied:
    """A bonus or deduction share of a cadre not scored this month: it is not applied to anyone."""

    share: AdjustmentShare
    excusal: Excusal


@dataclass
class PeriodSummary:
    """What closing or publishing a month would take in: each sheet and what is still open."""

    period: Period
    sheets: list[SheetGaps]
    pending_adjustments: list[Adjustment]
    unapplied: list[Unapplied] = field(default_factory=list)

    @property
    def cadres(self) -> int:
        return sum(s.cadres for s in self.sheets)

    @property
    def unscored(self) -> int:
        return sum(s.unscored for s in self.sheets)

    @property
    def excused(self) -> int:
        return sum(len(s.excused) for s in self.sheets)

    @property
    def complete(self) -> bool:
        return not self.unscored


def period_summary(period: Period) -> PeriodSummary:
    """Every sheet's completeness and the month's bonuses and deductions waiting for a decision."""
    sheets = period.sheets.select_related("period__town", "scheme", "submitted_by", "approved_by").order_by(
        "scheme__population"
    )
    pending = list(
        Adjustment.objects.filter(period=period, status=AdjustmentStatus.DRAFT).select_related("created_by")
    )
    gaps = [sheet_gaps(s) for s in sheets]
    excused = {e.cadre_id: e for g in gaps for e in g.excused}
    shares = (
        AdjustmentShare.objects.filter(adjustment__period=period, cadre__in=excused)
        .exclude(adjustment__status=AdjustmentStatus.REJECTED)
        .select_related("adjustment", "cadre")
        .order_by("cadre__name", "adjustment__created_at", "pk")
    )
    unapplied = [Unapplied(share, excused[share.cadre_id]) for share in shares]
    return PeriodSummary(period, gaps, pending, unapplied)
