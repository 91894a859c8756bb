"""Reads of monthly scoring used by several pages."""

import re
from collections.abc import Collection
from datetime import date

from django.db.models import Exists, OuterRef
from django.http import Http404

from kaoping.core.reads import Read
from kaoping.indicators.models import Indicator, IndicatorWeight
from kaoping.people.models import AgencyCategory, Cadre, Department, Population, Town, Village
from kaoping.people.selectors import Membership, roster

from .models import Period, ScoreEntry, ScoreSheet

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_PERIOD = Read(Period, "t.town_id = %s AND t.month = %s")  # at every request of a month's pages


def period_or_404(town: Town, month: str) -> Period:
    """The town's period for a "YYYY-MM" string from the URL; anything else is a 404."""
    match = _MONTH.match(month)
    if not match:
        raise Http404
    try:
        first = date(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise Http404 from None
    period = _PERIOD.one(town.pk, first)
    if period is None:
        raise Http404
    period.town = town  # the town already read: no second copy joined in
    return period


def month_slug(period: Period) -> str:
    return f"{period.month:%Y-%m}"


def sheet_indicators(sheet: ScoreSheet) -> list[Indicator]:
    """The sheet's columns, by category and display order: the scheme's indicators in force in the
    month (with a weight version from that month or earlier), and any other already scored on it."""
    in_force = IndicatorWeight.objects.filter(
        indicator=OuterRef("pk"), effective_from__lte=sheet.period.month
    )
    scored = ScoreEntry.objects.filter(sheet=sheet, indicator=OuterRef("pk"))
    return list(
        Indicator.objects.filter(scheme_id=sheet.scheme_id)
        .filter(Exists(in_force) | Exists(scored))
        .select_related("category")
        .order_by("category__sort_order", "category_id", "sort_order", "id")  # a category's columns together
    )


def sheet_cadres(sheet: ScoreSheet, *, only: Collection[int] | None = None) -> list[Cadre]:
    """The sheet's rows: the cadres of the scheme's population on the month's roster
    (`people.selectors.roster`), in display order, in at most four queries whatever their number
    (the roster, the cadres, and the departments or villages they were posted to).

    Each cadre reads as they were posted that month (population, category, department, village,
    village-head and middle-level flags, position), not as they are today: a cadre transferred
    since stays in the group they were scored in. The objects are for reading: never save them.
    With `only`, just those of the sheet's cadres (a save of a few cells reads only their rows).
    """
    members = roster(sheet.period.town_id, sheet.period.month, sheet.scheme.population, only=only)
    cadres = list(Cadre.objects.filter(pk__in=members.keys()))
    department_ids = {m.department_id for m in members.values() if m.department_id}
    village_ids = {m.village_id for m in members.values() if m.village_id}
    departments = (
        {d.pk: d for d in Department.objects.filter(pk__in=department_ids)} if department_ids else {}
    )
    villages = {v.pk: v for v in Village.objects.filter(pk__in=village_ids)} if village_ids else {}
    for cadre in cadres:
        _as_posted(cadre, members[cadre.pk], departments, villages)
    return sorted(cadres, key=_display_order)


def _as_posted(
    cadre: Cadre, member: Membership, departments: dict[int, Department], villages: dict[int, Village]
) -> None:
    cadre.population = member.population
    cadre.agency_category = member.agency_category
    cadre.is_village_head = member.is_village_head
    cadre.is_middle_level = member.is_middle_level
    cadre.position = member.position
    cadre.department = departments.get(member.department_id) if member.department_id else None
    cadre.village = villages.get(member.village_id) if member.village_id else None


_POPULATION_ORDER = {p: n for n, p in enumerate(Population.values)}
_CATEGORY_ORDER = {c: n for n, c in enumerate(AgencyCategory.values)}


def _display_order(cadre: Cadre) -> tuple:
    """`CadreQuerySet.in_display_order`, for cadres as posted in a month."""
    department, village = cadre.department, cadre.village
    return (
        _POPULATION_ORDER.get(cadre.population, len(_POPULATION_ORDER)),
        _CATEGORY_ORDER.get(cadre.agency_category, len(_CATEGORY_ORDER)),
        (department.sort_order, department.name) if department else (-1, ""),
        (village.sort_order, village.name) if village else (-1, ""),
        not cadre.is_middle_level,
        not cadre.is_village_head,
        cadre.name,
        cadre.pk,
    )
