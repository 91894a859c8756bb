"""Writes to a town's structure. Each service validates, writes in a transaction and audits."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaoping.audit import versions
from kaoping.audit.services import changed, record, snapshot
from kaoping.core.errors import DomainError

from . import idnumbers
from .models import POSTING_FIELDS, Cadre, Department, Population, Posting, Town, Village

CADRE_FIELDS = (
    "name",
    "gender",
    "id_number",
    "phone",
    "population",
    "agency_category",
    "position",
    "department",
    "village",
    "is_middle_level",
    "is_village_head",
    "personnel_type",
)
# A transfer: a change of who a cadre is assessed with. It takes effect from a date: the current
# posting ends the day before and a new one starts on it.
TRANSFER_FIELDS = ("population", "agency_category", "department", "village", "is_village_head")
DEPARTMENT_FIELDS = ("name", "kind", "sort_order")
VILLAGE_FIELDS = ("name", "sort_order")


@dataclass
class CadreData:
    """The editable facts about a cadre, as a form or an import row provides them."""

    name: str
    id_number: str
    population: str
    position: str
    gender: str = ""
    phone: str = ""
    agency_category: str = ""
    department: Department | None = None
    village: Village | None = None
    is_middle_level: bool = False
    is_village_head: bool = False
    personnel_type: str = ""

    @classmethod
    def from_mapping(cls, values: dict[str, Any]) -> "CadreData":
        return cls(**{k: values.get(k, getattr(cls, k, None)) for k in CADRE_FIELDS})


@dataclass(frozen=True)
class Roster:
    """What the cadre rules need to know about a town's other cadres, loaded once to check many new ones."""

    names_by_id_number: dict[str, str]
    head_names_by_village: dict[int, str]  # active village heads


def town_roster(town: Town) -> Roster:
    """The town's ID numbers and active village heads, in two queries whatever the town's size."""
    return Roster(
        names_by_id_number=dict(Cadre.objects.filter(town=town).values_list("id_number", "name")),
        head_names_by_village=dict(
            Cadre.objects.filter(village__town=town, is_village_head=True, is_active=True).values_list(
                "village_id", "name"
            )
        ),
    )


def cadre_problems(
    *, town: Town, data: CadreData, cadre: Cadre | None = None, roster: Roster | None = None
) -> dict[str, str]:
    """Every rule a cadre's facts break, as {field: message}; empty when the facts are acceptable.

    Shared by the edit form and the Excel import so that both refuse exactly the same things.
    `roster` (from `town_roster`) replaces the per-cadre queries when checking many new cadres at
    once; leave it out when checking an existing `cadre`.
    """
    problems: dict[str, str] = {}
    if not data.name.strip():
        problems["name"] = _("The name is missing.")
    if not data.position.strip():
        problems["position"] = _("The position is missing.")
    if not data.id_number:
        problems["id_number"] = _("The ID number is missing.")
    elif not idnumbers.is_valid(data.id_number):
        problems["id_number"] = _("The ID number is not a valid 18-character resident ID number.")
    elif (holder := _id_number_holder(town, data.id_number, cadre, roster)) is not None:
        problems["id_number"] = _("Another cadre of this town (%(name)s) has this ID number.") % {
            "name": holder
        }
    if data.population not in Population.values:
        problems["population"] = _("The population is missing or unknown.")
    if data.population == Population.AGENCY:
        if not data.agency_category:
            problems["agency_category"] = _("An agency cadre needs a category.")
        if data.department is None:
            problems["department"] = _("An agency cadre needs a department.")
    elif data.agency_category:
        problems["agency_category"] = _("Only agency cadres have a category.")
    if data.population == Population.VILLAGE and data.village is None:
        problems["village"] = _("A village cadre needs a village.")
    if data.population != Population.VILLAGE and data.village is not None:
        problems["village"] = _("Only village cadres belong to a village.")
    if data.is_village_head:
        if data.population != Population.VILLAGE:
            problems["is_village_head"] = _("Only a village cadre can be the village head.")
        elif data.village is not None and (head := _village_head(data.village, cadre, roster)) is not None:
            problems["is_village_head"] = _("%(village)s already has a village head: %(name)s.") % {
                "village": data.village.name,
                "name": head,
            }
    for place in (data.department, data.village):
        if place is not None and place.town_id != town.pk:
            problems["department" if isinstance(place, Department) else "village"] = _(
                "This belongs to another town."
            )
    return problems


def _id_number_holder(town: Town, id_number: str, cadre: Cadre | None, roster: Roster | None) -> str | None:
    """The name of the town's cadre, other than `cadre`, who has `id_number`, if any."""
    if roster is not None:
        return roster.names_by_id_number.get(id_number)
    others = Cadre.objects.filter(town=town, id_number=id_number)
    if cadre is not None:
        others = others.exclude(pk=cadre.pk)
    other = others.first()
    return other.name if other else None


def _village_head(village: Village, cadre: Cadre | None, roster: Roster | None) -> str | None:
    """The name of the village's active head, other than `cadre`, if any."""
    if roster is not None:
        return roster.head_names_by_village.get(village.pk)
    heads = Cadre.objects.filter(village=village, is_village_head=True, is_active=True)
    if cadre is not None:
        heads = heads.exclude(pk=cadre.pk)
    head = heads.first()
    return head.name if head else None


def _apply(cadre: Cadre, data: CadreData) -> None:
    for field in CADRE_FIELDS:
        setattr(cadre, field, getattr(data, field))
    cadre.id_number = idnumbers.normalize(cadre.id_number)
    cadre.name = cadre.name.strip()
    cadre.position = cadre.position.strip()


def _refuse_if_problems(problems: dict[str, str]) -> None:
    if problems:
        raise DomainError(" ".join(problems.values()), errors=list(problems.values()))


def month_start(day: date) -> date:
    return day.replace(day=1)


def default_in_post_from() -> date:
    """When a new cadre is taken to be in post unless told otherwise: the first of this month."""
    return month_start(timezone.localdate())


def _span(posting: Posting) -> str:
    return f"{posting.starts_on.isoformat()}–{posting.ends_on.isoformat() if posting.ends_on else ''}"


def _open_posting(*, cadre: Cadre, starts_on: date) -> Posting:
    """Open a posting for `cadre` from `starts_on` with the cadre's current facts.

    Refused when it would overlap one of the cadre's postings: a cadre is in one post at a time.
    """
    overlapping = (
        Posting.objects.filter(cadre=cadre).exclude(ends_on__lt=starts_on).order_by("-starts_on").first()
    )
    if overlapping is not None:
        raise DomainError(
            _(
                "%(name)s is already in post on %(date)s (posting %(span)s): a new posting must start "
                "after the last one ends."
            )
            % {"name": cadre.name, "date": starts_on.isoformat(), "span": _span(overlapping)}
        )
    posting = Posting.opening(cadre, starts_on)
    posting.save()
    return posting


def _differs(cadre: Cadre, data: CadreData, field: str) -> bool:
    value = getattr(data, field)
    if field in ("department", "village"):
        return getattr(cadre, f"{field}_id") != (value.pk if value is not None else None)
    if field == "position":
        return cadre.position != value.strip()
    return getattr(cadre, field) != value


def _posting_values(cadre: Cadre) -> dict[str, Any]:
    return {field: getattr(cadre, field) for field in POSTING_FIELDS}


def current_posting(cadre: Cadre) -> Posting | None:
    """The cadre's open posting (no end date), if they are in post."""
    return Posting.objects.filter(cadre=cadre, ends_on__isnull=True).first()


@transaction.atomic
def cadre_create(*, actor, town: Town, data: CadreData, in_post_from: date | None = None) -> Cadre:
    """Add a cadre to the town, in post from `in_post_from` (default: the first of this month).

    The cadre's first posting opens on that date: the months from then on count them.
    """
    data.id_number = idnumbers.normalize(data.id_number)
    _refuse_if_problems(cadre_problems(town=town, data=data))
    starts_on = in_post_from or default_in_post_from()
    cadre = Cadre(town=town)
    _apply(cadre, data)
    cadre.save()
    _open_posting(cadre=cadre, starts_on=starts_on)
    new = {**snapshot(cadre, CADRE_FIELDS), "in_post_from": starts_on}
    record(actor=actor, action="cadre.create", target=cadre, new=new)
    return cadre


def transfer_problem(
    cadre: Cadre, posting: Posting | None, effective_from: date | None, *, required: bool = True
) -> str | None:
    """Why a change of `cadre`'s posting cannot take effect on `effective_from`, if so; the date is
    `required` for a transfer."""
    if posting is None:
        return None  # not in post: the facts apply when they are back in service
    if effective_from is None:
        if not required:
            return None
        return _(
            "Say from which date the change takes effect: the months before it keep %(name)s where they were."
        ) % {"name": cadre.name}
    if effective_from < posting.starts_on:
        return _(
            "The current posting of %(name)s started on %(start)s: a change can take effect on that "
            "day at the earliest."
        ) % {"name": cadre.name, "start": posting.starts_on.isoformat()}
    return None


@transaction.atomic
def cadre_update(
    *,
    actor,
    cadre: Cadre,
    data: CadreData,
    based_on: int | None = None,
    effective_from: date | None = None,
) -> Cadre:
    """Change a cadre's facts; the audit log keeps the values before and after.

    `based_on` is the version the edit page was loaded with (by default the one of `cadre` as
    held): the change is refused when the cadre changed since (see `audit.versions`).

    A transfer, a change of who they are assessed with (`TRANSFER_FIELDS`: population, category,
    department, village, village-head flag), takes effect from `effective_from`: the current
    posting ends the day before and a new one opens on that day, so that earlier months keep the
    cadre where they were. Refused without a date or with one before the current posting; a
    change from the day the current posting started corrects that posting. A new position or
    middle-level flag alone opens a new posting when a later date is given, and otherwise
    corrects the current one.
    """
    data.id_number = idnumbers.normalize(data.id_number)
    _refuse_if_problems(cadre_problems(town=cadre.town, data=data, cadre=cadre))
    posting = Posting.objects.select_for_update().filter(cadre=cadre, ends_on__isnull=True).first()
    moved = any(_differs(cadre, data, field) for field in TRANSFER_FIELDS)
    retitled = any(_differs(cadre, data, field) for field in POSTING_FIELDS)
    if retitled and (problem := transfer_problem(cadre, posting, effective_from, required=moved)):
        raise DomainError(problem)
    versions.claim(cadre, cadre.version if based_on is None else based_on)
    before = snapshot(cadre, CADRE_FIELDS)
    _apply(cadre, data)
    old, new = changed(before, snapshot(cadre, CADRE_FIELDS))
    if retitled and posting is not None:
        assert effective_from is None or effective_from >= posting.starts_on
        old["posting"] = _span(posting)
        if effective_from is None or effective_from == posting.starts_on:
            for field, value in _posting_values(cadre).items():
                setattr(posting, field, value)
            posting.save()
            new["posting"] = _span(posting)
        else:
            posting.ends_on = effective_from - timedelta(days=1)
            posting.save(update_fields=["ends_on"])
            new["posting"] = _span(_open_posting(cadre=cadre, starts_on=effective_from))
            new["effective_from"] = effective_from
    cadre.save()
    if new:
        record(actor=actor, action="cadre.update", target=cadre, old=old, new=new)
    return cadre


@transaction.atomic
def cadre_deactivate(*, actor, cadre: Cadre, on: date | None = None, reason: str = "") -> Cadre:
    """Take a cadre out of service on `on` (default today): their posting ends that day.

    The month they were in post on its first day still counts them; the months after do not.
    The record and its history stay.
    """
    if not cadre.is_active:
        raise DomainError(_("%(name)s is already inactive.") % {"name": cadre.name})
    left_on = on or timezone.localdate()
    posting = Posting.objects.select_for_update().filter(cadre=cadre, ends_on__isnull=True).first()
    old: dict[str, Any] = {"is_active": True}
    if posting is not None:
        if left_on < posting.starts_on:
            raise DomainError(
                _("%(name)s has been in post since %(start)s: they cannot leave before that day.")
                % {"name": cadre.name, "start": posting.starts_on.isoformat()}
            )
        old["posting"] = _span(posting)
        posting.ends_on = left_on
        posting.save(update_fields=["ends_on"])
    cadre.is_active = False
    cadre.deactivated_on = left_on
    cadre.save(update_fields=["is_active", "deactivated_on", "updated_at"])
    versions.bump(cadre)
    record(
        actor=actor,
        action="cadre.deactivate",
        target=cadre,
        old=old,
        new={"is_active": False, "deactivated_on": cadre.deactivated_on},
        note=reason,
    )
    return cadre


@transaction.atomic
def cadre_reactivate(*, actor, cadre: Cadre, on: date | None = None) -> Cadre:
    """Bring a cadre back into service from `on` (default today): a new posting opens that day,
    with the cadre's current facts. Back on a day their last posting still covered (a leaving
    recorded by mistake), that posting is reopened instead."""
    if cadre.is_active:
        raise DomainError(_("%(name)s is already active.") % {"name": cadre.name})
    if (
        cadre.is_village_head
        and cadre.village
        and cadre.village.cadres.filter(is_village_head=True, is_active=True).exists()
    ):
        raise DomainError(
            _("%(village)s has another village head now; change that first.") % {"village": cadre.village}
        )
    starts_on = on or timezone.localdate()
    old = {"is_active": False, "deactivated_on": cadre.deactivated_on}
    last = Posting.objects.select_for_update().filter(cadre=cadre).order_by("-starts_on").first()
    if last is not None and last.ends_on is not None and last.starts_on <= starts_on <= last.ends_on:
        # Back before the leaving took effect: the leaving is undone, the posting goes on.
        old["posting"] = _span(last)
        last.ends_on = None
        last.save(update_fields=["ends_on"])
        starts_on = last.starts_on
    else:
        _open_posting(cadre=cadre, starts_on=starts_on)
    cadre.is_active = True
    cadre.deactivated_on = None
    cadre.save(update_fields=["is_active", "deactivated_on", "updated_at"])
    versions.bump(cadre)
    record(
        actor=actor,
        action="cadre.reactivate",
        target=cadre,
        old=old,
        new={"is_active": True, "in_post_from": starts_on},
    )
    return cadre


def _unit_name_taken(model, town: Town, name: str, exclude_pk: int | None) -> bool:
    return model.objects.filter(town=town, name=name).exclude(pk=exclude_pk).exists()


@transaction.atomic
def unit_save(
    *, actor, town: Town, unit: Department | Village, values: dict[str, Any], based_on: int | None = None
) -> Department | Village:
    """Create or change a department or village (`unit` unsaved for a new one).

    A change is based on the version the page was loaded with (`based_on`, by default the one of
    `unit` as held) and refused when the unit changed since.
    """
    model = type(unit)
    fields = DEPARTMENT_FIELDS if model is Department else VILLAGE_FIELDS
    name = (values.get("name") or "").strip()
    if not name:
        raise DomainError(_("The name is missing."))
    if _unit_name_taken(model, town, name, unit.pk):
        raise DomainError(_("%(name)s already exists in this town.") % {"name": name})
    if unit.pk is not None:
        versions.claim(unit, unit.version if based_on is None else based_on)
    creating = unit.pk is None
    before = {} if creating else snapshot(unit, fields)
    unit.town = town
    for field in fields:
        if field in values:
            setattr(unit, field, values[field])
    unit.name = name
    unit.save()
    kind = model._meta.model_name
    if creating:
        record(actor=actor, action=f"{kind}.create", target=unit, new=snapshot(unit, fields))
    else:
        old, new = changed(before, snapshot(unit, fields))
        if new:
            record(actor=actor, action=f"{kind}.update", target=unit, old=old, new=new)
    return unit


@transaction.atomic
def unit_set_active(*, actor, unit: Department | Village, active: bool) -> Department | Village:
    """Deactivate or reactivate a department or village. Its active cadres must move first."""
    if unit.is_active == active:
        message = _("%(name)s is already active.") if active else _("%(name)s is already inactive.")
        raise DomainError(message % {"name": unit.name})
    if not active:
        remaining = unit.cadres.filter(is_active=True).count()
        if remaining:
            raise DomainError(
                _("%(name)s still has %(count)d active cadres; move or deactivate them first.")
                % {"name": unit.name, "count": remaining}
            )
    unit.is_active = active
    unit.save(update_fields=["is_active"])
    versions.bump(unit)
    kind = unit._meta.model_name
    record(
        actor=actor,
        action=f"{kind}.{'reactivate' if active else 'deactivate'}",
        target=unit,
        old={"is_active": not active},
        new={"is_active": active},
    )
    return unit


TOWN_FIELDS = ("name", "slug", "city", "is_active", "results_disclosure")


@transaction.atomic
def town_save(*, actor, form, based_on: int | None = None) -> Town:
    """Create or change a town from a validated TownForm (city administrators only).

    A change is based on the version the page was loaded with (`based_on`, by default the one of
    the form's town as held) and refused when the town changed since.
    """
    creating = form.instance.pk is None
    if not creating:
        versions.claim(form.instance, form.instance.version if based_on is None else based_on)
    before = {} if creating else snapshot(Town.objects.get(pk=form.instance.pk), TOWN_FIELDS)
    town = form.save()
    after = snapshot(town, TOWN_FIELDS)
    old, new = changed(before, after)
    if creating or new:
        record(
            actor=actor,
            action="town.create" if creating else "town.update",
            target=town,
            town=town,
            old=None if creating else old,
            new=after if creating else new,
        )
    return town
