"""Writes to the indicator schemes. Each service validates, writes in a transaction and audits.

What may change when (the assessment office's rules, enforced here and explained on the screens):

- A draft scheme can be changed in every way.
- A published scheme is what the cadres are scored by. Its weights get new versions from any month
  (months before keep theirs), new categories and indicators may be added (e.g. an ad-hoc task from
  May, weighted from May), texts can be corrected (names, standards, numbers, item kind, fixed), and
  bonus and deduction reasons added or edited. What would change the score of a month already
  computed is frozen: an indicator's maximum, rule, rule parameters and category, and the scheme's
  scale, democratic share, caps and tie-breaks, none of which are versioned by month.
- An archived scheme (a past year) changes no more.
- Indicators are never deleted, in any status. An indicator is taken out of a month on by giving it a
  weight of 0 from that month; its history stays readable.
"""

from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError, Q
from django.utils.translation import gettext as _

from kaoping.audit import versions
from kaoping.audit.services import changed, record, snapshot
from kaoping.core import events
from kaoping.core.errors import DomainError
from kaoping.people.models import Population, Town

from . import rules, selectors
from .models import (
    AdjustmentReason,
    Category,
    Indicator,
    IndicatorWeight,
    ItemKind,
    RuleKind,
    Scheme,
    SchemeStatus,
    TieBreak,
)

SCHEME_FIELDS = (
    "name",
    "scale",
    "democratic_share",
    "bonus_cap_month",
    "bonus_cap_year",
    "deduction_cap_month",
    "deduction_cap_year",
    "tie_breaks",
)
# Settings that change how a month computes: frozen once the scheme is published.
SCHEME_FROZEN_WHEN_PUBLISHED = SCHEME_FIELDS[1:]
CATEGORY_FIELDS = ("name", "sort_order")
INDICATOR_FIELDS = (
    "category",
    "code",
    "name",
    "standard",
    "max_score",
    "rule_kind",
    "target",
    "points_each",
    "cap",
    "adds",
    "ladder_step",
    "proportional",
    "veto_effect",
    "item_kind",
    "is_fixed",
    "sort_order",
)
# What would recompute past months differently: frozen once the scheme is published.
INDICATOR_FROZEN_WHEN_PUBLISHED = ("category", "max_score", "rule_kind", *rules.PARAMETERS)
REASON_FIELDS = ("kind", "name", "standard", "default_points", "sort_order")
MAX_WEIGHT = Decimal("9999.99")

# The conventions of the field (bonus at most 1 point a month and 3 a year; ties broken by the
# performance score, then the democratic score); the office changes them in the scheme's settings.
NEW_SCHEME_DEFAULTS: dict[str, Any] = {
    "bonus_cap_month": Decimal(1),
    "bonus_cap_year": Decimal(3),
    "tie_breaks": [TieBreak.PERFORMANCE.value, TieBreak.DEMOCRATIC.value],
}

TRANSITIONS = {
    SchemeStatus.DRAFT: {SchemeStatus.PUBLISHED},
    SchemeStatus.PUBLISHED: {SchemeStatus.ARCHIVED},
    SchemeStatus.ARCHIVED: set(),
}


def default_name(year: int, population: str) -> str:
    return _("%(year)s %(population)s scheme") % {"year": year, "population": Population(population).label}


def last_published_month(scheme: Scheme) -> date | None:
    """The last month of the scheme's town and year already published, or None.

    A published month is frozen: nothing in the scheme may change how it computes. Weights start
    after it, and a scheme used by it keeps its rules even while still a draft.
    """
    return events.last_frozen_month(town_id=scheme.town_id, year=scheme.year)


def _is_frozen(scheme: Scheme) -> bool:
    """True when what decides how a month computes can no longer change: the scheme is published,
    or a month of its year is (whatever the scheme's own status)."""
    return not scheme.is_draft or last_published_month(scheme) is not None


def _refuse_published_month(scheme: Scheme, month: date) -> None:
    """Refuse a weight (or a new indicator's first weight) starting in or before a published month."""
    published = last_published_month(scheme)
    if published is not None and month <= published:
        raise DomainError(
            _(
                "%(published)s is published and frozen: weights can start from %(next)s at the "
                "earliest. A change to a published month goes through a correction."
            )
            % {
                "published": _month_label(published),
                "next": _month_label(
                    date(published.year + published.month // 12, published.month % 12 + 1, 1)
                ),
            }
        )


def _refuse_if_archived(scheme: Scheme) -> None:
    if scheme.is_archived:
        raise DomainError(_("This scheme is archived; it can no longer be changed."))


def _refuse_if_problems(problems: dict[str, str]) -> None:
    if problems:
        raise DomainError(" ".join(problems.values()), errors=list(problems.values()))


def _month_label(month: date) -> str:
    return f"{month:%Y-%m}"


# --- Schemes ----------------------------------------------------------------------------------------


@transaction.atomic
def scheme_create(
    *, actor, town: Town, year: int, population: str, name: str = "", copy_previous: bool = False
) -> Scheme:
    """Create a draft scheme for one population and year.

    With `copy_previous`, last year's scheme of the same population is copied: its settings,
    categories, indicators and bonus and deduction reasons, and the weights in force in its December
    become this January's versions. Refuses a second scheme for the same population and year.
    """
    if population not in Population.values:
        raise DomainError(_("Choose a population."))
    if not 2000 <= year <= 2100:
        raise DomainError(_("The year must be between 2000 and 2100."))
    if Scheme.objects.filter(town=town, year=year, population=population).exists():
        raise DomainError(
            _("%(town)s already has a %(year)s scheme for %(population)s.")
            % {"town": town.name, "year": year, "population": Population(population).label}
        )
    source = None
    if copy_previous:
        source = selectors.scheme_for(town, year - 1, population)
        if source is None:
            raise DomainError(
                _("There is no %(year)s scheme for %(population)s to copy.")
                % {"year": year - 1, "population": Population(population).label}
            )
    scheme = Scheme(town=town, year=year, population=population, name=name.strip(), **NEW_SCHEME_DEFAULTS)
    if source is not None:
        for setting in SCHEME_FROZEN_WHEN_PUBLISHED:
            setattr(scheme, setting, getattr(source, setting))
    scheme.name = scheme.name or default_name(year, population)
    scheme.save()
    new = {"year": year, "population": population, "status": scheme.status, **snapshot(scheme, SCHEME_FIELDS)}
    if source is not None:
        new["copied_from"] = str(source)
    record(actor=actor, action="scheme.create", target=scheme, new=new)
    if source is not None:
        _copy_structure(actor=actor, source=source, scheme=scheme)
    return scheme


def _copy_structure(*, actor, source: Scheme, scheme: Scheme) -> None:
    """Copy `source`'s categories, indicators and reasons into `scheme`, with December's weights."""
    december = selectors.weights_in_force(source, date(source.year, 12, 1))
    january = scheme.month(1)
    categories = {}
    for old in Category.objects.filter(scheme=source):
        categories[old.pk] = Category.objects.create(scheme=scheme, name=old.name, sort_order=old.sort_order)
        record(
            actor=actor,
            action="category.create",
            target=categories[old.pk],
            town=scheme.town,
            new=snapshot(categories[old.pk], CATEGORY_FIELDS),
        )
    for old in Indicator.objects.filter(scheme=source).order_by("sort_order", "id"):
        indicator = Indicator(scheme=scheme)
        for name in INDICATOR_FIELDS:
            setattr(indicator, name, getattr(old, name))
        indicator.category = categories[old.category_id]
        indicator.save()
        weight = december.get(old.pk)
        if weight is not None:
            IndicatorWeight.objects.create(indicator=indicator, effective_from=january, weight=weight)
        record_indicator_created(actor, indicator, weight, january, note=str(source))
    for old in AdjustmentReason.objects.filter(scheme=source):
        reason = AdjustmentReason(scheme=scheme, **{name: getattr(old, name) for name in REASON_FIELDS})
        reason.save()
        record(
            actor=actor,
            action="adjustmentreason.create",
            target=reason,
            town=scheme.town,
            new=snapshot(reason, REASON_FIELDS),
        )


@transaction.atomic
def scheme_update(*, actor, scheme: Scheme, values: dict[str, Any], based_on: int | None = None) -> Scheme:
    """Change a scheme's settings (name, scale, democratic share, caps, tie-breaks).

    Once published only the name may change: the other settings decide how every month computes.
    The change is based on the version the page was loaded with (`based_on`, by default the one of
    `scheme` as held) and refused when the scheme changed since (see `audit.versions`).
    """
    _refuse_if_archived(scheme)
    name = (values.get("name") or "").strip()
    if not name:
        raise DomainError(_("The name is missing."))
    before = snapshot(scheme, SCHEME_FIELDS)
    tie_breaks = list(values.get("tie_breaks", scheme.tie_breaks) or [])
    if len(set(tie_breaks)) != len(tie_breaks) or not set(tie_breaks) <= set(TieBreak.values):
        raise DomainError(_("Each tie-break may appear once."))
    share = values.get("democratic_share", scheme.democratic_share)
    if share is None or not Decimal(0) <= share <= Decimal(1):
        raise DomainError(_("The democratic-evaluation share must be between 0% and 100%."))
    scale = values.get("scale", scheme.scale)
    if scale is None or scale <= 0:
        raise DomainError(_("Full marks must be more than 0."))
    for cap in ("bonus_cap_month", "bonus_cap_year", "deduction_cap_month", "deduction_cap_year"):
        if (value := values.get(cap, getattr(scheme, cap))) is not None and value < 0:
            raise DomainError(_("A cap cannot be negative; leave it empty for no cap."))
    wanted = {name: values[name] for name in SCHEME_FROZEN_WHEN_PUBLISHED if name in values}
    if "tie_breaks" in wanted:
        wanted["tie_breaks"] = tie_breaks
    if _is_frozen(scheme) and any(getattr(scheme, k) != v for k, v in wanted.items()):
        raise DomainError(
            _(
                "The scheme is published: its scale, democratic share, caps and tie-breaks decide how "
                "every month computes and can no longer change. Only the name can."
            )
        )
    versions.claim(scheme, scheme.version if based_on is None else based_on)
    scheme.name = name
    for setting, value in wanted.items():
        setattr(scheme, setting, value)
    scheme.save(update_fields=[*SCHEME_FIELDS, "version"])  # not the status or the weights' version
    old, new = changed(before, snapshot(scheme, SCHEME_FIELDS))
    if new:
        record(actor=actor, action="scheme.update", target=scheme, old=old, new=new)
    return scheme


@transaction.atomic
def scheme_set_status(*, actor, scheme: Scheme, status: str) -> Scheme:
    """Publish a draft or archive a published scheme; refuses any other move.

    A scheme is published with at least one indicator and at least one weight.
    """
    scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
    current = SchemeStatus(scheme.status)
    if status not in TRANSITIONS[current]:
        raise DomainError(
            _("A scheme that is “%(current)s” cannot become “%(status)s”.")
            % {"current": current.label, "status": SchemeStatus(status).label}
        )
    if status == SchemeStatus.PUBLISHED:
        if not Indicator.objects.filter(scheme=scheme).exists():
            raise DomainError(_("A scheme without indicators cannot be published."))
        if not IndicatorWeight.objects.filter(indicator__scheme=scheme).exists():
            raise DomainError(_("Set the weights before publishing: no indicator has a weight yet."))
    scheme.status = status
    scheme.save(update_fields=["status"])
    versions.bump(scheme)
    verb = "publish" if status == SchemeStatus.PUBLISHED else "archive"
    record(
        actor=actor, action=f"scheme.{verb}", target=scheme, old={"status": current}, new={"status": status}
    )
    return scheme


# --- Categories -------------------------------------------------------------------------------------


@transaction.atomic
def category_save(
    *, actor, scheme: Scheme, category: Category, name: str, sort_order: int = 0, based_on: int | None = None
) -> Category:
    """Create (`category` unsaved) or rename and reorder a category of the scheme.

    A change is based on the version the page was loaded with (`based_on`, by default the one of
    `category` as held) and refused when the category changed since.
    """
    _refuse_if_archived(scheme)
    name = name.strip()
    if not name:
        raise DomainError(_("The name is missing."))
    if Category.objects.filter(scheme=scheme, name=name).exclude(pk=category.pk).exists():
        raise DomainError(_("The scheme already has a category named %(name)s.") % {"name": name})
    if category.pk is not None:
        versions.claim(category, category.version if based_on is None else based_on)
    creating = category.pk is None
    before = {} if creating else snapshot(category, CATEGORY_FIELDS)
    category.scheme = scheme
    category.name = name
    category.sort_order = sort_order
    category.save()
    after = snapshot(category, CATEGORY_FIELDS)
    if creating:
        record(actor=actor, action="category.create", target=category, town=scheme.town, new=after)
    else:
        old, new = changed(before, after)
        if new:
            record(actor=actor, action="category.update", target=category, town=scheme.town, old=old, new=new)
    return category


# --- Indicators -------------------------------------------------------------------------------------


@dataclass
class IndicatorData:
    """The editable facts of an indicator, as a form or an import row gives them."""

    category: Category | None
    code: str
    name: str
    standard: str
    max_score: Decimal | None
    rule_kind: str = RuleKind.MANUAL
    target: Decimal | None = None
    points_each: Decimal | None = None
    cap: Decimal | None = None
    adds: bool = False
    ladder_step: Decimal | None = None
    proportional: bool = False
    veto_effect: str = ""
    item_kind: str = ItemKind.MONTHLY_KEY_WORK
    is_fixed: bool = False
    sort_order: int = 0

    @classmethod
    def from_mapping(cls, values: dict[str, Any]) -> "IndicatorData":
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in names})

    @classmethod
    def of(cls, indicator: Indicator) -> "IndicatorData":
        return cls(**{name: getattr(indicator, name) for name in INDICATOR_FIELDS})


def text_problems(data: IndicatorData) -> dict[str, str]:
    """What is missing or too long among the indicator's texts."""
    found = {}
    data.code = (data.code or "").strip()
    data.name = (data.name or "").strip()
    data.standard = (data.standard or "").strip()
    if not data.code:
        found["code"] = _("The number is missing.")
    elif len(data.code) > 12:
        found["code"] = _("The number has at most 12 characters.")
    if not data.name:
        found["name"] = _("The name is missing.")
    if not data.standard:
        found["standard"] = _("Write the scoring standard: it is published to the cadres.")
    if data.item_kind not in ItemKind.values:
        found["item_kind"] = _("Choose an item kind.")
    return found


def indicator_problems(
    *, scheme: Scheme, data: IndicatorData, indicator: Indicator | None = None
) -> dict[str, str]:
    """Every rule the indicator's facts break, as {field: message}; empty when acceptable.

    Shared by the edit form and the services, so that both refuse exactly the same things.
    """
    found = text_problems(data)
    rules.normalized(data)
    found.update(rules.problems(data))
    if data.category is None:
        found["category"] = _("Choose a category.")
    elif data.category.scheme_id != scheme.pk:
        found["category"] = _("This category belongs to another scheme.")
    if "code" not in found:
        others = Indicator.objects.filter(scheme=scheme, code=data.code)
        if indicator is not None:
            others = others.exclude(pk=indicator.pk)
        if others.exists():
            found["code"] = _("Another indicator of this scheme has the number %(code)s.") % {
                "code": data.code
            }
    if indicator is not None and _is_frozen(scheme):
        before = IndicatorData.of(indicator)
        if any(getattr(before, name) != getattr(data, name) for name in INDICATOR_FROZEN_WHEN_PUBLISHED):
            found["frozen"] = _(
                "The scheme is published: an indicator's category, maximum and rule decide how every "
                "month computes and can no longer change. Give it a weight of 0 from a month on and add "
                "a new indicator instead."
            )
    return found


def record_indicator_created(actor, indicator: Indicator, weight, month: date, note: str = "") -> None:
    """The `indicator.create` audit entry, with the first weight and its month (shared with the import)."""
    new = snapshot(indicator, INDICATOR_FIELDS)
    if weight is not None:
        new.update(weight=weight, weight_from=_month_label(month))
    record(
        actor=actor,
        action="indicator.create",
        target=indicator,
        town=indicator.scheme.town,
        new=new,
        note=note,
    )


def _apply(indicator: Indicator, data: IndicatorData) -> None:
    for name in INDICATOR_FIELDS:
        setattr(indicator, name, getattr(data, name))


@transaction.atomic
def indicator_create(
    *,
    actor,
    scheme: Scheme,
    data: IndicatorData,
    weight: Decimal | None = None,
    weight_from: date | None = None,
) -> Indicator:
    """Add an indicator, with a first weight from `weight_from` (January when not given) if any.

    Allowed in a published scheme too: an indicator added from a month has no weight before it.
    """
    _refuse_if_archived(scheme)
    _refuse_if_problems(indicator_problems(scheme=scheme, data=data))
    month = _scheme_month(scheme, weight_from or scheme.month(1))
    if weight is not None:
        _check_weight(weight)
        _refuse_published_month(scheme, month)
    indicator = Indicator(scheme=scheme)
    _apply(indicator, data)
    indicator.save()
    if weight is not None:
        IndicatorWeight.objects.create(indicator=indicator, effective_from=month, weight=weight)
    record_indicator_created(actor, indicator, weight, month)
    return indicator


@transaction.atomic
def indicator_update(
    *, actor, indicator: Indicator, data: IndicatorData, based_on: int | None = None
) -> Indicator:
    """Change an indicator; once the scheme is published, its texts only (see the module's docstring).

    The change is based on the version the page was loaded with (`based_on`, by default the one of
    `indicator` as held) and refused when the indicator changed since.
    """
    scheme = indicator.scheme
    _refuse_if_archived(scheme)
    _refuse_if_problems(indicator_problems(scheme=scheme, data=data, indicator=indicator))
    versions.claim(indicator, indicator.version if based_on is None else based_on)
    before = snapshot(indicator, INDICATOR_FIELDS)
    _apply(indicator, data)
    indicator.save()
    old, new = changed(before, snapshot(indicator, INDICATOR_FIELDS))
    if new:
        record(actor=actor, action="indicator.update", target=indicator, town=scheme.town, old=old, new=new)
    return indicator


# --- Weights ----------------------------------------------------------------------------------------


def _scheme_month(scheme: Scheme, month: date) -> date:
    if month.year != scheme.year:
        raise DomainError(
            _("Weights of the %(year)s scheme start in a month of %(year)s.") % {"year": scheme.year}
        )
    return month.replace(day=1)


def _check_weight(weight: Decimal) -> None:
    if weight < 0:
        raise DomainError(_("A weight cannot be negative; 0 takes an indicator out from that month on."))
    if weight > MAX_WEIGHT:
        raise DomainError(_("A weight is at most %(max)s.") % {"max": MAX_WEIGHT})


@dataclass(frozen=True)
class WeightChange:
    indicator: Indicator
    old: Decimal | None  # in force in the month before the change
    new: Decimal


@transaction.atomic
def weights_set(
    *,
    actor,
    scheme: Scheme,
    month: date,
    weights: dict[int, Decimal | None],
    note: str = "",
    based_on: int | None = None,
) -> list[WeightChange]:
    """Set the scheme's weights from `month` on: create or update the versions starting that month.

    `weights` maps indicator ids to their weight from `month`; None (or a weight equal to the one
    already in force) changes nothing. Months before `month` keep their own versions forever; a
    version already set for a later month still starts there. Each change is audited on its
    indicator, with the weight in force before and after.

    The weights page sends the scheme's `weights_version` it showed (`based_on`, by default the one
    of `scheme` as held): the save is refused when any weight of the scheme changed since.
    """
    _refuse_if_archived(scheme)
    month = _scheme_month(scheme, month)
    indicators = {i.pk: i for i in Indicator.objects.filter(scheme=scheme)}
    if unknown := set(weights) - set(indicators):
        raise DomainError(
            _("Some indicators are not part of this scheme: %(ids)s.") % {"ids": sorted(unknown)}
        )
    for weight in weights.values():
        if weight is not None:
            _check_weight(weight)
    # Refused before the version is claimed, so that the scheme as held keeps its version.
    in_force = selectors.weights_in_force(scheme, month)
    if any(w is not None and in_force.get(i) != w for i, w in weights.items()):
        _refuse_published_month(scheme, month)
    versions.claim(
        scheme,
        scheme.weights_version if based_on is None else based_on,
        field="weights_version",
        changes=Q(action="indicator.set_weight", object_type="indicators.indicator")
        & Q(
            object_id__in=[
                str(pk) for pk in Indicator.objects.filter(scheme=scheme).values_list("pk", flat=True)
            ]
        ),
    )
    starting = {
        v.indicator_id: v
        for v in IndicatorWeight.objects.select_for_update().filter(
            indicator__scheme=scheme, effective_from=month
        )
    }
    changes = []
    for indicator_id, weight in weights.items():
        if weight is None or in_force.get(indicator_id) == weight:
            continue
        version = starting.get(indicator_id)
        if version is not None:
            old = version.weight
            version.weight = weight
            version.save(update_fields=["weight"])
        else:
            old = in_force.get(indicator_id)
            IndicatorWeight.objects.create(indicator_id=indicator_id, effective_from=month, weight=weight)
        indicator = indicators[indicator_id]
        changes.append(WeightChange(indicator, old, weight))
        record(
            actor=actor,
            action="indicator.set_weight",
            target=indicator,
            town=scheme.town,
            old={"weight_from": _month_label(month), "weight": old},
            new={"weight_from": _month_label(month), "weight": weight},
            note=note,
        )
    return changes


# --- Bonus and deduction reasons -------------------------------------------------------------------


@transaction.atomic
def reason_save(
    *,
    actor,
    scheme: Scheme,
    reason: AdjustmentReason,
    values: dict[str, Any],
    based_on: int | None = None,
) -> AdjustmentReason:
    """Create (`reason` unsaved) or change a bonus or deduction reason of the scheme's catalogue.

    A change is based on the version the page was loaded with (`based_on`, by default the one of
    `reason` as held) and refused when the reason changed since.
    """
    _refuse_if_archived(scheme)
    name = (values.get("name") or "").strip()
    if not name:
        raise DomainError(_("The name is missing."))
    kind = values.get("kind", reason.kind)
    if AdjustmentReason.objects.filter(scheme=scheme, kind=kind, name=name).exclude(pk=reason.pk).exists():
        raise DomainError(_("The catalogue already has %(name)s.") % {"name": name})
    points = values.get("default_points")
    if points is not None and points <= 0:
        raise DomainError(_("The usual points are entered as a positive number."))
    if reason.pk is not None:
        versions.claim(reason, reason.version if based_on is None else based_on)
    creating = reason.pk is None
    before = {} if creating else snapshot(reason, REASON_FIELDS)
    reason.scheme = scheme
    for name_ in REASON_FIELDS:
        if name_ in values:
            setattr(reason, name_, values[name_])
    reason.name = name
    reason.standard = (reason.standard or "").strip()
    reason.save()
    after = snapshot(reason, REASON_FIELDS)
    if creating:
        record(actor=actor, action="adjustmentreason.create", target=reason, town=scheme.town, new=after)
    else:
        old, new = changed(before, after)
        if new:
            record(
                actor=actor,
                action="adjustmentreason.update",
                target=reason,
                town=scheme.town,
                old=old,
                new=new,
            )
    return reason


@transaction.atomic
def reason_delete(*, actor, reason: AdjustmentReason) -> None:
    """Remove a reason from a draft scheme's catalogue; a published catalogue keeps every reason."""
    scheme = reason.scheme
    if _is_frozen(scheme):
        raise DomainError(
            _("The scheme is published: its reasons may be in use and stay. Rename or reword it instead.")
        )
    record(
        actor=actor,
        action="adjustmentreason.delete",
        target=reason,
        town=scheme.town,
        old=snapshot(reason, REASON_FIELDS),
    )
    try:
        with transaction.atomic():
            reason.delete()
    except ProtectedError as exc:
        raise DomainError(
            _("%(name)s is used by bonuses or deductions and stays.") % {"name": reason.name}
        ) from exc
