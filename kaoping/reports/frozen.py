"""What a published month shows, served from what was frozen.

A published month never changes, except by a numbered correction published in the open (`Correction`,
corrections.py). So the heavy part of its ranking and breakdown pages (the rows, the lines, the
charts), once worked out, can be kept and served again: each worker process keeps it in memory
(Django's cache framework, the `pages` cache: a process-local LocMemCache, see settings.CACHES) under a
key that carries everything it depends on:

- the state of every month it shows: the month's id and publication time, and the number of its
  published corrections (a correction published changes the key at once, nothing has to be cleared);
  a page that shows a month not published (an open or closed month, to the office) is never kept;
- the latest change to the town's cadres (names, positions and postings are read live, not frozen),
  bounded besides by the cache's timeout for the departments' and villages' names;
- the viewer's language, the page's filters, and whether the viewer sees only published months (the
  office and leaders may see more than a cadre does), never the viewer themself.

Nothing kept is looked at before the view has checked that the viewer may see the page: the views
call `fragment` only after their permission checks, exactly as before. What is kept is HTML rendered
without anything of the viewer (no CSRF token, no name): the page around it is rendered per request.
"""

import hashlib
from collections.abc import Callable, Iterable
from datetime import date
from typing import TypeVar

from django.core.cache import caches
from django.db import connection
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from kaoping.people.models import Cadre
from kaoping.results.models import Correction, CorrectionStatus
from kaoping.scoring.models import Period, PeriodStatus

CACHE = "pages"
VERSION = 2  # part of every key: raise it when what is kept changes shape
T = TypeVar("T")


def months_state(town_id: int, *, months: Iterable[date] | None = None, published_only: bool) -> tuple | None:
    """The frozen state of the town's months (all, or those given), as a part of a cache key; None when
    one of them is shown to this viewer and may still change (not published).

    For a viewer who sees only published months, a month not yet published is not shown: its id and
    status are in the key, so that its publication changes the key."""
    # One statement, written out: it runs at every request of these pages, and the ORM's compiling
    # of the same statement took longer than the database's answering it (about 1 ms on PostgreSQL).
    month_list = list(months) if months is not None else []
    in_months = f" AND p.month IN ({', '.join(['%s'] * len(month_list))})" if month_list else ""
    sql = (
        f"SELECT p.id, p.status, p.published_at, "  # noqa: S608 - table names from the models, values as parameters
        f"(SELECT COUNT(*) FROM {Correction._meta.db_table} c WHERE c.period_id = p.id AND c.status = %s), "
        f"(SELECT MAX(updated_at) FROM {Cadre._meta.db_table} WHERE town_id = %s) "
        f"FROM {Period._meta.db_table} p WHERE p.town_id = %s{in_months} ORDER BY p.month"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [CorrectionStatus.PUBLISHED.value, town_id, town_id, *month_list])
        rows = cursor.fetchall()
    state: list[tuple] = []
    people_changed = ""
    for pk, status, published_at, corrected, changed in rows:
        people_changed = str(changed)
        if status != PeriodStatus.PUBLISHED:
            if not published_only:
                return None
            state.append((pk, status))
            continue
        state.append((pk, str(published_at), corrected))
    # The cadres' names, positions and postings are read live: their latest change is part of the key.
    return (tuple(state), people_changed)


def kept(parts: tuple | None, name: str, compute: Callable[[], T]) -> T:
    """What `compute` gives, kept under a key made of `parts` (None: never kept) and `name`."""
    if parts is None:
        return compute()
    raw = repr((VERSION, name, parts))
    key = "frozen:" + hashlib.sha256(raw.encode()).hexdigest()
    cache = caches[CACHE]
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found)
    return found


def fragments(parts: tuple | None, name: str, render: Callable[[], dict[str, str]]) -> dict[str, SafeString]:
    """The pieces of HTML `render` gives, kept under a key made of `parts` (None: never kept), `name`
    and the active language."""
    found = kept(None if parts is None else (get_language(), parts), name, render)
    return {k: mark_safe(v) for k, v in found.items()}  # noqa: S308 - rendered by the template engine


def ranking_key(
    period: Period, population: str, pool: str, span: str, months: list[date], *, published_only: bool
) -> tuple | None:
    """The key of a ranking table: None unless the month is published and every month of the span
    that the viewer sees is too."""
    if period.status != PeriodStatus.PUBLISHED:
        return None
    state = months_state(period.town_id, months=months, published_only=published_only)
    if state is None:
        return None
    return ("ranking", period.pk, population, pool, span, published_only, state)


def breakdown_key(period: Period, cadre_id: int, *, published_only: bool) -> tuple | None:
    """The key of a cadre's breakdown: None unless the month is published and every month of the
    rank trend that the viewer sees is too."""
    if period.status != PeriodStatus.PUBLISHED:
        return None
    state = months_state(period.town_id, published_only=published_only)
    if state is None:
        return None
    return ("breakdown", period.pk, cadre_id, published_only, state)
