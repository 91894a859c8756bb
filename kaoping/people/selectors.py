"""Reads of a town's structure used by several pages."""

from calendar import monthrange
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from kaoping.core.reads import Read

from .models import AgencyCategory, Cadre, Department, Population, Posting, Town, Village

_CADRE = Read(Cadre, "t.id = %s AND t.town_id = %s", related=("department", "village"))


def cadre_or_404(town: Town, pk: int) -> Cadre:
    """The town's cadre `pk` with their department and village; none, or another town's, is a 404.
    A statement built once (core/reads.py): a cadre's month page reads it at every request."""
    cadre = _CADRE.one(pk, town.pk)
    if cadre is None:
        raise Http404
    return cadre


def cadre_search(town: Town, filters: dict) -> QuerySet[Cadre]:
    """The town's cadres matching the list filters (see CadreFilterForm), with their workplaces."""
    cadres = Cadre.objects.filter(town=town).with_workplace()
    status = filters.get("status") or ""
    if status == "":
        cadres = cadres.filter(is_active=True)
    elif status == "inactive":
        cadres = cadres.filter(is_active=False)
    if q := (filters.get("q") or "").strip():
        cadres = cadres.filter(Q(name__icontains=q) | Q(position__icontains=q))
    if population := filters.get("population"):
        cadres = cadres.filter(population=population)
    if category := filters.get("category"):
        cadres = cadres.filter(agency_category=category)
    if department := filters.get("department"):
        cadres = cadres.filter(department=department)
    if village := filters.get("village"):
        cadres = cadres.filter(village=village)
    if filters.get("role") == "middle":
        cadres = cadres.filter(is_middle_level=True)
    elif filters.get("role") == "head":
        cadres = cadres.filter(is_village_head=True)
    return cadres.in_display_order()


def town_overview(town: Town) -> dict:
    """Head counts for the town's home page, in three queries whatever the town's size."""
    active = Cadre.objects.filter(town=town, is_active=True)
    by_group = {
        (row["population"], row["agency_category"]): row["n"]
        for row in active.values("population", "agency_category").annotate(n=Count("id"))
    }
    flags = active.aggregate(
        middle=Count("id", filter=Q(is_middle_level=True)), heads=Count("id", filter=Q(is_village_head=True))
    )
    units = {
        "departments": Department.objects.filter(town=town, is_active=True).count(),
        "villages": Village.objects.filter(town=town, is_active=True).count(),
    }
    populations = []
    for population in Population:
        total = sum(n for (p, _c), n in by_group.items() if p == population)
        categories = [
            (category.label, by_group[(population, category)])
            for category in AgencyCategory
            if (population, category) in by_group
        ]
        populations.append({"population": population, "total": total, "categories": categories})
    return {
        "populations": populations,
        "total": sum(by_group.values()),
        "middle_level": flags["middle"],
        "village_heads": flags["heads"],
        **units,
    }


def units_with_counts(model, town: Town, *, include_inactive: bool) -> QuerySet:
    """Departments or villages of the town with their number of active cadres."""
    units = model.objects.filter(town=town).annotate(
        active_cadres=Count("cadres", filter=Q(cadres__is_active=True))
    )
    if not include_inactive:
        units = units.filter(is_active=True)
    return units


def towns_with_counts() -> QuerySet[Town]:
    """Every town with its number of active cadres, for the city administrator."""
    return Town.objects.annotate(active_cadres=Count("cadres", filter=Q(cadres__is_active=True))).order_by(
        "name"
    )


@dataclass(frozen=True)
class Membership:
    """Who a cadre is assessed with in a month: the facts of their posting in force for it."""

    cadre_id: int
    population: str
    agency_category: str
    is_village_head: bool
    is_middle_level: bool
    department_id: int | None
    village_id: int | None
    position: str
    starts_on: date
    ends_on: date | None


# The fields of a `Membership`, in its order, as read from a posting.
ROSTER_FIELDS = (
    "cadre_id",
    "population",
    "agency_category",
    "is_village_head",
    "is_middle_level",
    "department_id",
    "village_id",
    "position",
    "starts_on",
    "ends_on",
)


def month_bounds(month: date) -> tuple[date, date]:
    """The first and last day of `month`'s month."""
    first = month.replace(day=1)
    last = first.replace(day=monthrange(first.year, first.month)[1])
    return first, last


def roster(
    town: Town | int, month: date, population: str | None = None, *, only: Collection[int] | None = None
) -> dict[int, Membership]:
    """Who is assessed in `month` (any day of it): {cadre id: membership}, in one query.

    The rule: a cadre belongs to a month with the posting in force on the month's first day. A
    cadre appointed during the month is in that month's roster from their first posting (they are
    usually marked not scored, new in post); a cadre who leaves during the month stays in the month
    they were in post on its first day and is gone from the next. A transfer during the month
    counts from the next month: moves happen only at posting boundaries, and a month reads one
    posting per cadre, whatever changed since. With `population`, only that population's cadres;
    with `only`, only those of these cadres (their postings alone are read: a save of one cell
    reads one cadre's, not the town's).
    """
    first, last = month_bounds(month)
    postings = Posting.objects.filter(town=town, starts_on__lte=last).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=first)
    )
    if only is not None:
        postings = postings.filter(cadre_id__in=only)
    postings = postings.order_by("cadre_id", "starts_on").values_list(*ROSTER_FIELDS)
    members: dict[int, Membership] = {}
    for row in postings:
        # Postings never overlap, so the earliest one touching the month is the one in force on
        # its first day, or, for someone appointed during the month, their first one in it.
        if row[0] not in members:
            members[row[0]] = Membership(*row)
    if population is not None:
        members = {pk: m for pk, m in members.items() if m.population == population}
    return members


def rosters(town: Town | int, months: Iterable[date]) -> dict[date, dict[int, Membership]]:
    """`roster(town, month)` of several months at once, in one query: {month: {cadre id: membership}}."""
    bounds = {month: month_bounds(month) for month in months}
    if not bounds:
        return {}
    postings = list(
        Posting.objects.filter(town=town, starts_on__lte=max(last for _first, last in bounds.values()))
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=min(first for first, _last in bounds.values())))
        .order_by("cadre_id", "starts_on")
        .values_list(*ROSTER_FIELDS)
    )
    found: dict[date, dict[int, Membership]] = {}
    for month, (first, last) in bounds.items():
        members: dict[int, Membership] = {}
        for row in postings:
            # As in `roster`: the earliest posting touching the month is the one that counts.
            starts_on, ends_on = row[-2], row[-1]
            if starts_on <= last and (ends_on is None or ends_on >= first) and row[0] not in members:
                members[row[0]] = Membership(*row)
        found[month] = members
    return found


def postings_of(cadre: Cadre) -> list[Posting]:
    """The cadre's posting history, newest first, with departments and villages (one query)."""
    return list(
        Posting.objects.filter(cadre=cadre).select_related("department", "village").order_by("-starts_on")
    )
