"""Writing many score entries at once, for the data builders (the demo's two years, the city-scale
bench), which write hundreds of thousands of cells that no one typed: the grid saves through
`services.entries_save`, with its checks, versions and audit entries, and never comes here.
"""

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

from django.db import connection, transaction

from .models import ScoreEntry


class Cell(NamedTuple):
    """One score entry to write: the ids it belongs to, its raw value and maximum, its note."""

    sheet: int
    cadre: int
    indicator: int
    value: Decimal
    limit: Decimal | None
    note: str
    updated_by: int


_COLUMNS = ("sheet_id", "cadre_id", "indicator_id", "value", "limit", "note", "updated_by_id", "updated_at")


def entries_insert(cells: Iterable[Cell], *, at: datetime) -> int:
    """Insert `cells` as score entries last changed at `at` (version 1), the fastest way each database
    takes them: COPY on PostgreSQL, one prepared INSERT run for every row on SQLite. `bulk_create`
    (some 23,000 rows a second) took most of the demo's and the bench's time. Returns the count.

    The database's constraints still hold (one entry per cell, a value within its maximum): a bad cell
    raises IntegrityError and the caller's transaction writes nothing.
    """
    table = connection.ops.quote_name(ScoreEntry._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in _COLUMNS)
    written = 0
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for cell in cells:
                    copy.write_row((*cell, at))
                    written += 1
            return written
        # As Django writes decimals to SQLite: the text to the field's places.
        places = ScoreEntry._meta.get_field("value").decimal_places

        def text(value: Decimal | None) -> str | None:
            return None if value is None else f"{value:.{places}f}"

        stamp = connection.ops.adapt_datetimefield_value(at)
        rows = [
            (c.sheet, c.cadre, c.indicator, text(c.value), text(c.limit), c.note, c.updated_by, stamp)
            for c in cells
        ]
        marks = ", ".join(["%s"] * len(_COLUMNS))
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)
        return len(rows)
