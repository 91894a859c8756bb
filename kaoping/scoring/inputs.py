"""What scoring gives a month's results (the provider the results app reads), per scheme.

Like every input area's `inputs.py`, it reads the area's own tables only, in a fixed number of
queries, and the results import it at module top; scoring never imports the results (it announces
changes through `kaoping.core.events`). A month's scores are per scheme, so its functions take the
month (`Period`) and the scheme rather than `for_month(town, month)`.
"""

from collections.abc import Iterable

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


def entries(period: Period, scheme: Scheme, *, leaving_out: set[int]) -> list[tuple[int, int, str]]:
    """[(cadre id, indicator id, value as text "4.50")] of the scheme's sheet, one query."""
    return list(
        ScoreEntry.objects.filter(sheet__period=period, sheet__scheme=scheme)
        .exclude(cadre_id__in=leaving_out)
        .values_list("cadre_id", "indicator_id", _ValueText())
    )


def approved_shares(period: Period, cadre_ids: Iterable[int]) -> QuerySet[AdjustmentShare]:
    """The month's approved bonus and deduction shares of these cadres, with their reasons."""
    return AdjustmentShare.objects.filter(
        adjustment__period=period, adjustment__status=AdjustmentStatus.APPROVED, cadre__in=cadre_ids
    ).select_related("adjustment__reason")
