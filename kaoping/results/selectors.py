"""Reads of the stored results used by several pages (the home page, the breakdown, the reports)."""

import logging

from django.db.models import JSONField, OuterRef, QuerySet, Subquery

from kaoping.people.models import Town
from kaoping.scoring.models import Period, PeriodStatus

from . import basis
from .models import Correction, CorrectionStatus, MonthlyResult, ResultBasis

logger = logging.getLogger(__name__)


def home_summary(town: Town, cadre_id: int | None) -> dict:
    """For the town's home page: the latest published month, the month being scored, and the
    cadre's own latest published result if the user is a cadre of the town."""
    latest = Period.objects.filter(town=town, status=PeriodStatus.PUBLISHED).order_by("-month").first()
    current = Period.objects.filter(town=town, status=PeriodStatus.OPEN).order_by("-month").first()
    mine = None
    if cadre_id and latest:
        mine = MonthlyResult.objects.filter(period=latest, cadre_id=cadre_id).first()
    return {"latest": latest, "current": current, "mine": mine}


def with_basis(results: QuerySet) -> QuerySet:
    """Results with their month's stored basis (`basis_json`), read in the same statement, so that a
    recompute committing in between cannot pair old values with a new basis."""
    bases = ResultBasis.objects.filter(period=OuterRef("period"), scheme=OuterRef("scheme")).values("basis")
    return results.annotate(basis_json=Subquery(bases, output_field=JSONField()))


def breakdown_lines(result: MonthlyResult) -> list[dict] | None:
    """The indicator lines of a result read through `with_basis`, explained again from the month's
    stored basis (`basis.explain`). None when they cannot be trusted: no basis stored with the
    month, or values that no longer add up to the stored performance (logged as an error: a stored
    row was changed outside the application)."""
    if result.basis_json is None or "values" not in result.breakdown:
        logger.error("result %s has no basis to explain it", result.pk)
        return None
    try:
        return basis.explain(result.basis_json, result.breakdown, result.cadre_id, result.performance)
    except (basis.Mismatch, ArithmeticError, ValueError, KeyError, TypeError) as exc:
        logger.error("result %s does not match its basis: %s", result.pk, exc)
        return None


# What the annual evaluation reads of a year: only published months count (published means frozen).
YEAR_FIELDS = (
    "period__month",
    "cadre_id",
    "scheme__population",
    "group",
    "total",
    "performance",
    "bonus",
    "deduction",
    "democratic",
    "grade_capped",
)


def published_months(town: Town, year: int) -> list:
    """The town's published months of `year`, first to last."""
    return list(
        Period.objects.filter(town=town, month__year=year, status=PeriodStatus.PUBLISHED)
        .order_by("month")
        .values_list("month", flat=True)
    )


def published_year_results(town: Town, year: int) -> list[tuple]:
    """Every stored result of the year's published months as (month, cadre id, population, pool
    group, total, performance, bonus, deduction, democratic, grade capped by a veto indicator), by
    month: one query."""
    return list(
        MonthlyResult.objects.filter(
            period__town=town, period__month__year=year, period__status=PeriodStatus.PUBLISHED
        )
        .order_by("period__month", "cadre_id")
        .values_list(*YEAR_FIELDS)
    )


def published_corrections(town: Town, year: int) -> list[int]:
    """The numbers of the corrections (更正) published for the town's year: each changed a frozen month."""
    return list(
        Correction.objects.filter(town=town, year=year, status=CorrectionStatus.PUBLISHED)
        .order_by("number")
        .values_list("number", flat=True)
    )


def published_years(town: Town) -> list:
    """The first published month of each year the town has published (one query)."""
    months = Period.objects.filter(town=town, status=PeriodStatus.PUBLISHED).values_list("month", flat=True)
    return sorted({m.replace(month=1) for m in months})
