"""Reads of pay used by its pages, the export, the home page and the annual report, each in a fixed
number of queries."""

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from kaoping.core.numbers import money
from kaoping.people.models import Cadre, Town

from . import inputs
from .models import Method, PayLine, PayPlan, PlanKind, PlanStatus


def default_plan(town: Town, year: int, kind: str) -> PayPlan:
    """The field's defaults (unsaved): no pool yet, grade tiers 1.2 / 1.0 / 0.6 / 0, scaled by the year."""
    return PayPlan(town=town, year=year, kind=kind)


def plans(town: Town, year: int) -> list[PayPlan]:
    """Both plans of the year, saved or the defaults, in the order of `PlanKind` (one query)."""
    saved = {p.kind: p for p in PayPlan.objects.filter(town=town, year=year)}
    return [saved.get(kind) or default_plan(town, year, kind) for kind in PlanKind.values]


def plan_of(town: Town, year: int, kind: str) -> PayPlan:
    return PayPlan.objects.filter(town=town, year=year, kind=kind).first() or default_plan(town, year, kind)


def signature(plan: PayPlan, members: list[inputs.Member], year_months: int) -> str:
    """What a computation of `plan` reads, as a digest: its settings, the year's published months and
    each member's annual score, grade and months. A change of any makes stored lines stale."""
    parts = [
        f"{Decimal(plan.pool):.2f}",
        plan.method,
        ",".join(f"{Decimal(c):.2f}" for c in plan.coefficients),
        f"{Decimal(plan.floor):.2f}",
        str(plan.by_year_share),
        str(year_months),
        ";".join(
            f"{m.cadre.pk}:{m.has_result}:{'' if m.score is None else f'{m.score:.2f}'}:{m.level}:{m.months}"
            for m in sorted(members, key=lambda m: m.cadre.pk)
        ),
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def current_signature(plan: PayPlan) -> str:
    """The signature a computation of `plan` made now would store (four queries)."""
    return signature(
        plan, inputs.members(plan.town, plan.year, plan.kind), inputs.year_months(plan.town, plan.year)
    )


def is_stale(plan: PayPlan) -> bool:
    """Computed lines no longer match the plan's settings or the annual results (four queries)."""
    return plan.computed and current_signature(plan) != plan.signature


def method_text(plan: PayPlan) -> str:
    """The plan's method in words, with its numbers and the grade words of its scale."""
    if plan.method == Method.TIERS:
        tiers = "；".join(
            f"{inputs.level_words(plan.kind, level)} {_number(coefficient)}"
            for level, coefficient in enumerate(plan.coefficients)
        )
        text = _("Grade tiers: each member's weight is the coefficient of their grade (%(tiers)s).") % {
            "tiers": tiers
        }
    else:
        text = _(
            "Above a floor: each member's weight is how far their annual score lies above %(floor)s "
            "(nothing at or below it)."
        ) % {"floor": _number(plan.floor)}
    if plan.by_year_share:
        text += " " + _(
            "The weight is multiplied by the share of the year assessed: the member's months with a "
            "published total over the year's published months (to 6 places)."
        )
    text += " " + _(
        "The pool is shared in proportion to the weights; everyone gets the whole cents of their exact "
        "share, and the cents left over go one each to the largest remainders, so the amounts add up to "
        "the pool exactly."
    )
    return text


def exact_text(exact: str) -> str:
    """An exact share ("p/q" yuan) as a decimal to 4 places, marked ≈ when it is not exact."""
    if not exact:
        return ""
    fraction = Fraction(exact)
    shown = Decimal(fraction.numerator) / Decimal(fraction.denominator)
    rounded = shown.quantize(Decimal("0.0001"))
    return money(rounded, places=4) if Fraction(rounded) == fraction else f"≈{money(rounded, places=4)}"


@dataclass
class PlanPage:
    plan: PayPlan
    paid: list[PayLine]
    unpaid: list[PayLine]
    total: Decimal
    stale: bool
    members_now: int  # members as the annual results stand now (before computing: who would be in)
    total_weight: Decimal = Decimal(0)

    @property
    def balanced(self) -> bool:
        return self.plan.computed and self.total == self.plan.pool


def plan_page(plan: PayPlan) -> PlanPage:
    """A plan's stored lines (paid by amount, then unpaid by name) and whether they are stale: five
    queries for a saved plan."""
    lines = (
        list(plan.lines.select_related("cadre__department", "cadre__village").order_by("cadre__name"))
        if plan.pk
        else []
    )
    for ln in lines:
        ln.grade = inputs.grade_words(ln.scale, ln.level)
    paid = sorted((ln for ln in lines if not ln.unpaid), key=lambda ln: (-(ln.amount or 0), ln.cadre.name))
    unpaid = [ln for ln in lines if ln.unpaid]
    members = inputs.members(plan.town, plan.year, plan.kind)
    months = inputs.year_months(plan.town, plan.year)
    stale = plan.computed and signature(plan, members, months) != plan.signature
    total = sum((ln.amount for ln in paid if ln.amount is not None), Decimal(0))
    total_weight = sum((ln.weight for ln in paid if ln.weight is not None), Decimal(0))
    for ln in paid:
        ln.how = how_text(plan, ln, total_weight)
    return PlanPage(plan, paid, unpaid, total, stale, len(members), total_weight)


def how_text(plan: PayPlan, line: PayLine, total_weight: Decimal) -> str:
    """How one member's amount was reached, in words: their weight, its share of all the weights, of
    the pool, and the cent of the remainder if they got one."""
    if plan.method == Method.TIERS:
        base = _("coefficient of %(grade)s %(c)s") % {
            "grade": line.grade,
            "c": _number(plan.coefficients[line.level]) if line.level is not None else "—",
        }
    elif line.score is not None and line.score > plan.floor:
        base = _("score %(score)s − floor %(floor)s") % {"score": line.score, "floor": _number(plan.floor)}
    else:
        base = _("score %(score)s at or below the floor %(floor)s: 0") % {
            "score": line.score,
            "floor": _number(plan.floor),
        }
    if plan.by_year_share:
        base += " × " + _("%(months)s/%(year)s months assessed (%(share)s)") % {
            "months": line.months,
            "year": plan.year_months,
            "share": line.in_post.normalize(),
        }
    text = _("Weight %(weight)s = %(base)s; %(weight)s / %(total)s of the pool %(pool)s = %(exact)s") % {
        "weight": _number(line.weight),
        "base": base,
        "total": _number(total_weight),
        "pool": money(plan.pool),
        "exact": exact_text(line.exact),
    }
    if line.extra_cent:
        text += "; " + _("one of the cents left over (largest remainders)")
    return text


def _number(value: Decimal | None) -> str:
    if value is None:
        return "—"
    text = f"{value.normalize():f}"
    return text


def own_pay(cadre: Cadre) -> list[PayLine]:
    """A cadre's own lines in approved plans, newest year first, each with how it was reached and the
    plan's method in words (two queries: the lines, the plans' total weights)."""
    lines = list(
        PayLine.objects.filter(cadre=cadre, plan__status=PlanStatus.APPROVED)
        .select_related("plan__approved_by")
        .order_by("-plan__year", "plan__kind")
    )
    totals = (
        dict(
            PayLine.objects.filter(plan__in={ln.plan_id for ln in lines}, unpaid="")
            .values("plan")
            .annotate(total=Sum("weight"))
            .values_list("plan", "total")
        )
        if lines
        else {}
    )
    for ln in lines:
        ln.grade = inputs.grade_words(ln.scale, ln.level)
        ln.method_text = method_text(ln.plan)
        if not ln.unpaid:
            ln.how = how_text(ln.plan, ln, totals.get(ln.plan_id) or Decimal(0))
    return lines


def default_year(town: Town, current: int) -> int:
    """The year the pay overview opens on: the latest year with a plan; without one, the latest year
    whose annual grades are confirmed (the year a plan is to be set up for); else `current` (two
    queries at most)."""
    planned = PayPlan.objects.filter(town=town).order_by("-year").values_list("year", flat=True).first()
    if planned is not None:
        return planned
    return inputs.latest_confirmed_year(town) or current


def year_choices(town: Town, *wanted: int) -> list[int]:
    """The years the pages offer, latest first: years with a plan, and the `wanted` ones (the year
    shown, the current year) (one query)."""
    years = set(PayPlan.objects.filter(town=town).values_list("year", flat=True).distinct())
    return sorted(years | set(wanted), reverse=True)


@dataclass
class PlanTotal:
    """A plan of the year as the town's annual report states it: no one's amount, only the totals."""

    plan: PayPlan
    distributed: Decimal
    paid: int
    unpaid: int


def year_totals(town: Town, year: int) -> list[PlanTotal]:
    """Both plans of the year (saved or the defaults) with the sum of their amounts and the number of
    members paid and not paid: two queries."""
    found = plans(town, year)
    counts = {
        row["plan"]: row
        for row in PayLine.objects.filter(plan__in=[p.pk for p in found if p.pk])
        .values("plan")
        .annotate(
            distributed=Sum("amount"),
            paid=Count("pk", filter=Q(unpaid="")),
            unpaid=Count("pk", filter=~Q(unpaid="")),
        )
    }
    totals = []
    for p in found:
        row = counts.get(p.pk, {})
        totals.append(
            PlanTotal(p, row.get("distributed") or Decimal(0), row.get("paid", 0), row.get("unpaid", 0))
        )
    return totals
