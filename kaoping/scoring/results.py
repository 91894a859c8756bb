"""Computing and storing a month's results: the bridge between the database and the pure engine.

`period_recompute` reads a month's inputs in a fixed number of queries per scheme, hands plain data
to `engine.compute`, ranks the results and replaces the month's stored rows in one transaction.
Running it twice on unchanged inputs leaves identical rows.
"""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, Sum, Value
from django.utils import timezone

from kaoping.indicators.models import AdjustmentKind, Indicator, Scheme
from kaoping.indicators.selectors import scheme_version
from kaoping.people.models import Cadre, Population

from . import engine
from .models import AdjustmentShare, AdjustmentStatus, MonthlyResult, Period, ScoreEntry

VILLAGE_HEADS = "village_head"


def _pool(cadre: Cadre) -> str:
    """The pool a cadre is also ranked within: their agency category, or the village heads."""
    if cadre.population == Population.AGENCY:
        return cadre.agency_category
    if cadre.population == Population.VILLAGE and cadre.is_village_head:
        return VILLAGE_HEADS
    return ""


def _year_used(scheme: Scheme, month: date) -> tuple[dict[int, Decimal], dict[int, Decimal]]:
    """Bonus and deduction points each cadre already received earlier in the year (for the year caps)."""
    rows = (
        MonthlyResult.objects.filter(scheme=scheme, period__month__lt=month, period__month__year=month.year)
        .values("cadre_id")
        .annotate(bonus=Sum("bonus"), deduction=Sum("deduction"))
    )
    return ({r["cadre_id"]: r["bonus"] for r in rows}, {r["cadre_id"]: r["deduction"] for r in rows})


def _heads(version: engine.SchemeVersion) -> dict[int, dict]:
    """The part of a breakdown line that is the same for every cadre: the indicator as in force."""
    weights = {spec.id: str(spec.weight) for spec in version.indicators}
    indicators = Indicator.objects.filter(pk__in=weights).values_list(
        "pk", "code", "name", "category__name", "rule_kind", "max_score"
    )
    return {
        pk: {
            "indicator": pk,
            "code": code,
            "name": name,
            "category": category,
            "rule": rule,
            "max": str(maximum),
            "weight": weights[pk],
        }
        for pk, code, name, category, rule, maximum in indicators
    }


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _stored_line(line: engine.Line, heads: dict[int, dict], written: dict[int, dict]) -> dict:
    """A breakdown line as stored. The engine gives the cadres with the same value on an indicator
    one shared Line, so each is written out once (in `written`, by identity) and copied."""
    stored = written.get(id(line))
    if stored is None:
        stored = written[id(line)] = {
            **heads[line.indicator_id],
            "raw": _dec(line.raw),
            "fraction": str(line.fraction),
            "points": str(line.points),
            "note": line.note,
            "vetoed": line.vetoed,
        }
    return stored.copy()


def _serialise(
    result: engine.Result, heads: dict[int, dict], reasons: dict[int, str], written: dict[int, dict]
) -> dict:
    """The breakdown as stored: every line with the names it needs to be read without joins."""
    return {
        "lines": [_stored_line(line, heads, written) for line in result.lines],
        "adjustments": [
            {
                "share": a.adjustment_id,
                "bonus": a.is_bonus,
                "points": _dec(a.points),
                "applied": _dec(a.applied),
                "reason": reasons.get(a.adjustment_id, ""),
                "title": a.reason,
            }
            for a in result.adjustments
        ],
        "process": [{"item": p.id, "points": _dec(p.points), "label": p.label} for p in result.process],
        "process_total": _dec(result.process_total),
        "performance": _dec(result.performance),
        "bonus": _dec(result.bonus),
        "deduction": _dec(result.deduction),
        "assessment": _dec(result.assessment),
        "democratic": _dec(result.democratic),
        "total": _dec(result.total),
        "vetoes": result.vetoes,
        "grade_capped": result.grade_capped,
        "notes": result.notes,
    }


def month_inputs(period: Period) -> tuple[dict[int, Decimal], dict[int, list[engine.ProcessPoint]]]:
    """What other areas feed into a month: the quarter's democratic scores (once its round is
    closed) and the points for supervision items verified in the month (督促落实)."""
    from kaoping.evaluation.selectors import democratic_scores
    from kaoping.supervision.selectors import supervision_points

    month = period.month
    democratic = democratic_scores(period.town, month.year, (month.month - 1) // 3 + 1)
    process = {
        cadre_id: [
            engine.ProcessPoint(item_id, points, f"{title}：{reason}")
            for item_id, title, points, reason in lines
        ]
        for cadre_id, lines in supervision_points(period.town, month).items()
    }
    return democratic, process


def scheme_results(
    period: Period,
    scheme: Scheme,
    *,
    democratic: dict[int, Decimal] | None = None,
    process: dict[int, list[engine.ProcessPoint]] | None = None,
) -> list[MonthlyResult]:
    """Compute (without saving) the month's results of one scheme's population."""
    version = scheme_version(scheme, period.month)
    entries = ScoreEntry.objects.filter(sheet__period=period, sheet__scheme=scheme).values_list(
        "cadre_id", "indicator_id", "value"
    )
    engine_entries = [engine.Entry(c, i, v) for c, i, v in entries]
    cadres = {
        c.pk: c
        for c in Cadre.objects.filter(town=period.town, population=scheme.population)
        .filter(Q(is_active=True) | Q(pk__in={e.cadre_id for e in engine_entries}))
        .only("population", "agency_category", "is_village_head")  # what `_pool` reads
    }
    shares = AdjustmentShare.objects.filter(
        adjustment__period=period, adjustment__status=AdjustmentStatus.APPROVED, cadre__in=cadres.keys()
    ).select_related("adjustment__reason")
    engine_adjustments = [
        engine.Adjustment(
            s.pk, s.cadre_id, s.adjustment.kind == AdjustmentKind.BONUS, s.points, s.adjustment.title
        )
        for s in shares
    ]
    reasons = {s.pk: s.adjustment.reason.name for s in shares}
    bonus_used, deduction_used = _year_used(scheme, period.month)
    computed = engine.compute(
        version,
        cadres.keys(),
        engine_entries,
        engine_adjustments,
        bonus_used_this_year=bonus_used,
        deduction_used_this_year=deduction_used,
        democratic={c: d for c, d in (democratic or {}).items() if c in cadres},
        process={c: p for c, p in (process or {}).items() if c in cadres},
    )
    tie_breaks = [t for t in scheme.tie_breaks if t in engine.TIE_BREAKS]
    ranks = engine.rank(list(computed.values()), tie_breaks)
    pools: dict[str, list[engine.Result]] = defaultdict(list)
    for cadre_id, result in computed.items():
        if pool := _pool(cadres[cadre_id]):
            pools[pool].append(result)
    pool_ranks = {cid: r for members in pools.values() for cid, r in engine.rank(members, tie_breaks).items()}
    heads = _heads(version)
    written: dict[int, dict] = {}  # for _stored_line, while `computed` holds the lines
    return [
        MonthlyResult(
            period=period,
            cadre_id=cadre_id,
            scheme=scheme,
            performance=result.performance.quantize(Decimal("0.0001")),
            bonus=result.bonus,
            deduction=result.deduction,
            democratic=result.democratic,
            total=result.total,
            rank=ranks[cadre_id],
            group_rank=pool_ranks.get(cadre_id),
            group=_pool(cadres[cadre_id]),
            grade_capped=result.grade_capped,
            breakdown=_serialise(result, heads, reasons, written),
        )
        for cadre_id, result in sorted(computed.items())
    ]


@transaction.atomic
def period_recompute(period: Period) -> int:
    """Recompute and store every result of the month; returns how many cadres were scored."""
    period = Period.objects.select_for_update().get(pk=period.pk)
    schemes = Scheme.objects.filter(town=period.town, year=period.month.year)
    democratic, process = month_inputs(period)
    rows = [
        row
        for scheme in schemes
        for row in scheme_results(period, scheme, democratic=democratic, process=process)
    ]
    MonthlyResult.objects.filter(period=period).delete()
    _insert(rows)
    Period.objects.filter(pk=period.pk).update(computed_at=timezone.now())
    return len(rows)


def _insert(rows: list[MonthlyResult]) -> None:
    """Insert results, the breakdown as an expression.

    An expression makes Django insert with VALUES rather than, on PostgreSQL, one array per column
    (UNNEST): psycopg quotes the text of such an array in Python, character by character, and a
    town-month's breakdowns (some 4 MB of JSON) then take a second to send instead of a fifth.
    """
    field = MonthlyResult._meta.get_field("breakdown")
    for row in rows:
        row.breakdown = Value(row.breakdown, output_field=field)
    MonthlyResult.objects.bulk_create(rows, batch_size=1000)


def recompute_from(period: Period) -> None:
    """Recompute a month and every later computed month of its year.

    A bonus or deduction approved in March uses up part of the year's caps, and so can change
    what April onwards may still apply.
    """
    later = Period.objects.filter(
        town=period.town, month__gte=period.month, month__year=period.month.year, computed_at__isnull=False
    ).order_by("month")
    months = [period, *[p for p in later if p.pk != period.pk]]
    for month in months:
        period_recompute(month)


def recompute_months(town, months: list[date]) -> int:
    """Recompute the stored results of the given months of a town that have been computed already.

    Called when another area changes a month's inputs: a democratic-evaluation round closing (its
    quarter's months) or a supervision item being verified (the month of verification).
    """
    periods = Period.objects.filter(town=town, month__in=months, computed_at__isnull=False).order_by("month")
    for period in periods:
        period_recompute(period)
    return len(periods)
