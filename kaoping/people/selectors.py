"""Reads of a town's structure used by several pages."""

from django.db.models import Count, Q, QuerySet

from .models import AgencyCategory, Cadre, Department, Population, Town, Village


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
