"""What scoring gives a month's results (the provider the results app reads), per scheme.

Like every input area's `inputs.py`, it reads the area's own tables only, in a fixed number of
queries, and the results import it at module top; scoring never imports the results (it announces
changes through `kaoping.core.events`). A month's scores are per scheme, so its functions take the
month (`Period`) and the scheme rather than `for_month(town, month)`.
"""

from collections.abc import Iterable, Sequence

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import CharField, F, Func, QuerySet

from kaoping.indicators.models import Scheme

from .models import AdjustmentShare, AdjustmentStatus, Excusal, Period, ScoreEntry


class _ValueText(Func):
    """A score entry's value as the text of its decimal ("4.50"), as the database gives it.

    Read this way, a town-month's 15,000 values skip Django's per-row conversion (on SQLite a
    float made Decimal and quantized), and each distinct value is made a Decimal once.
    """

    output_field = CharField()
    places = ScoreEntry._meta.get_field("value").decimal_places

    def __init__(self) -> None:
        super().__init__(F("value"))

    def as_sql(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template="CAST(%(expressions)s AS text)", **extra)

    def as_sqlite(self, compiler, connection, **extra):
        # The column holds the number as REAL or INTEGER: printed back to its decimal places.
        return super().as_sql(
            compiler, connection, template=f"printf('%%%%.{self.places}f', %(expressions)s)", **extra
        )


def excused(period: Period, scheme: Scheme) -> set[int]:
    """The cadres marked not scored this month on the scheme's sheet: they get no result, never 0."""
    return set(
        Excusal.objects.filter(sheet__period=period, sheet__scheme=scheme).values_list("cadre_id", flat=True)
    )


def entries(
    period: Period, scheme: Scheme, *, leaving_out: set[int], only: Iterable[int] | None = None
) -> list[tuple[int, int, str]]:
    """[(cadre id, indicator id, value as text "4.50")] of the scheme's sheet, one query; with
    `only`, of those cadres alone."""
    rows = ScoreEntry.objects.filter(sheet__period=period, sheet__scheme=scheme)
    if only is not None:
        rows = rows.filter(cadre_id__in=only)
    rows = rows.exclude(cadre_id__in=leaving_out).values_list("cadre_id", "indicator_id", _ValueText())
    # The ORM's statement, its rows fetched as the driver gives them: two integers and a text need
    # no conversion, and skipping the iterator's per-row work saves a quarter of reading 15,000.
    try:
        sql, params = rows.query.get_compiler(rows.db).as_sql()
    except EmptyResultSet:  # `only` named no cadre
        return []
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def excused_by_scheme(period: Period, schemes: Sequence[Scheme]) -> dict[int, set[int]]:
    """`excused` of several schemes of the month at once, in one query: {scheme id: cadre ids}."""
    if len(schemes) == 1:
        return {schemes[0].pk: excused(period, schemes[0])}
    found: dict[int, set[int]] = {scheme.pk: set() for scheme in schemes}
    rows = Excusal.objects.filter(sheet__period=period, sheet__scheme__in=schemes)
    for scheme_id, cadre_id in rows.values_list("sheet__scheme_id", "cadre_id"):
        found[scheme_id].add(cadre_id)
    return found


def entries_by_scheme(
    period: Period, schemes: Sequence[Scheme], *, leaving_out: dict[int, set[int]]
) -> dict[int, list[tuple[int, int, str]]]:
    """`entries` of several schemes of the month: {scheme id: [(cadre id, indicator id, value as
    text)]}, leaving out each scheme's `leaving_out` cadres; one query per scheme. (One query for all
    of them, its rows then sorted out by scheme in Python, took more CPU than the queries it saved:
    38 against 34 ms, median of 15, for a town-month's 15,000 entries.)"""
    return {
        scheme.pk: entries(period, scheme, leaving_out=leaving_out.get(scheme.pk, set()))
        for scheme in schemes
    }


def approved_shares(period: Period, cadre_ids: Iterable[int] | None) -> QuerySet[AdjustmentShare]:
    """The month's approved bonus and deduction shares of these cadres (None: of every cadre), with
    their reasons."""
    shares = AdjustmentShare.objects.filter(
        adjustment__period=period, adjustment__status=AdjustmentStatus.APPROVED
    )
    if cadre_ids is not None:
        shares = shares.filter(cadre__in=cadre_ids)
    return shares.select_related("adjustment__reason")
