"""Reads of supervision: the office's board, an owner's items, overdue items, the points that
handling earns (fed to the monthly results under 督促落实), and a bulletin's first draft."""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kaoping.people.models import Cadre, Town
from kaoping.people.selectors import roster

from . import points
from .models import Bulletin, Item, ItemStatus, OwnerRole, Quality
from .services import rules_for


def items_of(town: Town) -> QuerySet[Item]:
    return Item.objects.filter(town=town).select_related("department").prefetch_related("owners__cadre")


def board(
    town: Town,
    *,
    status: str = "",
    department: int | None = None,
    year: int | None = None,
    overdue_on: date | None = None,
) -> QuerySet[Item]:
    """The office's board: the town's items filtered by status, department and year, by due date."""
    items = items_of(town)
    if status in ItemStatus.values:
        items = items.filter(status=status)
    if department:
        items = items.filter(
            Q(department_id=department) | Q(owners__cadre__department_id=department)
        ).distinct()
    if year:
        items = items.filter(year=year)
    if overdue_on is not None:
        items = items.overdue(overdue_on)
    return items.order_by("deadline", "pk")


def status_counts(town: Town, today: date, year: int | None = None) -> dict[str, int]:
    items = Item.objects.filter(town=town)
    if year:
        items = items.filter(year=year)
    counts = {value: 0 for value in ItemStatus.values}
    for status in items.values_list("status", flat=True):
        counts[status] += 1
    counts["overdue"] = items.overdue(today).count()
    return counts


def my_items(cadre: Cadre) -> QuerySet[Item]:
    """The items a cadre owns, co-owns or whose owning department they head; open ones first."""
    return (
        Item.objects.owned_by(cadre)
        .select_related("department")
        .prefetch_related("owners__cadre")
        .order_by("closed_at", "deadline", "pk")
    )


def open_items_of(cadre: Cadre) -> QuerySet[Item]:
    """The items a cadre still has to act on, soonest deadline first (for their home page)."""
    return my_items(cadre).filter(status__in=ItemStatus.open()).order_by("deadline", "pk")


def _month_bounds(month: date) -> tuple[date, date]:
    start = month.replace(day=1)
    end = (
        start.replace(year=start.year + 1, month=1)
        if start.month == 12
        else start.replace(month=start.month + 1)
    )
    return start, end


def supervision_points(town: Town, month: date) -> dict[int, list[tuple[int, str, Decimal, str]]]:
    """Points earned by handling supervision items, per cadre: {cadre_id: [(item_id, title, points, reason)]}.

    An item counts in the month it was verified (when its quality was rated), scored by the rules
    of its year (`ScoringRules`, defaults if none were set): on time or late, each send-back, and
    the quality. Owners get each line whole, co-owners the rules' share; an item owned by a
    department only goes to the department's head(s) (its middle-level cadres in the month's roster,
    `people.selectors.roster`). Lines
    worth zero are left out. A fixed number of queries whatever the number of items.
    """
    start, end = _month_bounds(month)
    items = list(
        Item.objects.filter(town=town, verified_at__date__gte=start, verified_at__date__lt=end)
        .exclude(quality="")
        .prefetch_related("owners")
        .order_by("verified_at", "pk")
    )
    rules_by_year = {}
    heads: dict[int, list[int]] = defaultdict(list)
    department_ids = {i.department_id for i in items if i.department_id}
    # The department's heads in that month's roster: a head who moved since keeps the month's points.
    for cadre_id, member in roster(town, month).items() if department_ids else ():
        if member.is_middle_level and member.department_id in department_ids:
            heads[member.department_id].append(cadre_id)
    labels = dict(Quality.choices)
    lines: dict[int, list[tuple[int, str, Decimal, str]]] = defaultdict(list)
    for item in items:
        if item.year not in rules_by_year:
            r = rules_for(town, item.year)
            rules_by_year[item.year] = points.Rules(
                on_time=r.on_time,
                late=r.late,
                per_send_back=r.per_send_back,
                quality={q: r.quality_points(q) for q in Quality.values},
                co_owner_share=r.co_owner_share,
            )
        rules = rules_by_year[item.year]
        handling = points.Handling(
            on_time=bool(item.on_time),
            send_backs=item.send_backs,
            quality=item.quality,
            quality_label=str(labels.get(item.quality, item.quality)),
        )
        item_lines = points.item_lines(rules, handling)
        owners = [(o.cadre_id, o.role) for o in item.owners.all()]
        if not any(role == OwnerRole.OWNER for _cadre, role in owners):
            owners += [(c, OwnerRole.OWNER) for c in heads.get(item.department_id, [])]
        for cadre_id, role in owners:
            for value, reason in item_lines:
                if role == OwnerRole.CO_OWNER:
                    value = points.share(value, rules.co_owner_share)
                    reason = _("%(reason)s (co-owner)") % {"reason": reason}
                if value:
                    lines[cadre_id].append((item.pk, item.title, value, reason))
    return dict(lines)


def draft_text(
    items: list[Item], today: date, *, highlights: list[str] | None = None, month_label: str = ""
) -> str:
    """A first draft of a bulletin's text: the ranking highlights of a month when given (paragraphs
    from `highlights.highlights_paragraphs`), then the chosen items: done well, overdue, sent back."""
    overdue = [i for i in items if i.is_overdue(today)]
    done_well = [i for i in items if i.quality in (Quality.EXCELLENT, Quality.GOOD)]
    sent_back = [i for i in items if i.send_backs and i not in done_well]
    others = [i for i in items if i not in overdue and i not in done_well and i not in sent_back]

    def who(item: Item) -> str:
        names = [o.cadre.name for o in item.owners.all()]
        if item.department:
            names.insert(0, item.department.name)
        return "、".join(names) or "—"

    if highlights and items:
        opening = _(
            "This issue reports the assessment results of %(month)s and how the following supervision "
            "items were carried out."
        ) % {"month": month_label}
    elif highlights:
        opening = _("This issue reports the assessment results of %(month)s.") % {"month": month_label}
    else:
        opening = _("This issue reports how the following supervision items were carried out.")
    parts = [opening]
    numerals = iter("一二三四五六七八九十")
    if highlights:
        parts.append(f"{next(numerals)}、{_('Ranking highlights')}")
        parts.extend(highlights)
    sections = [
        (
            _("Items done well"),
            done_well,
            lambda i: (
                _("%(title)s (%(who)s): %(quality)s.")
                % {"title": i.title, "who": who(i), "quality": i.get_quality_display()}
            ),
        ),
        (
            _("Items overdue"),
            overdue,
            lambda i: (
                _("%(title)s (%(who)s): due %(deadline)s, not yet done.")
                % {"title": i.title, "who": who(i), "deadline": date_format(i.deadline, "DATE_FORMAT")}
            ),
        ),
        (
            _("Items sent back"),
            sent_back,
            lambda i: (
                ngettext(
                    "%(title)s (%(who)s): sent back %(n)d time.",
                    "%(title)s (%(who)s): sent back %(n)d times.",
                    i.send_backs,
                )
                % {"title": i.title, "who": who(i), "n": i.send_backs}
            ),
        ),
        (
            _("Other items"),
            others,
            lambda i: (
                _("%(title)s (%(who)s): %(status)s.")
                % {"title": i.title, "who": who(i), "status": i.get_status_display()}
            ),
        ),
    ]
    for heading, chosen, line in sections:
        if chosen:
            parts.append(f"{next(numerals)}、{heading}")
            parts.extend(line(i) for i in chosen)
    return "\n\n".join(parts)


def archive(town: Town, query: str = "", year: int | None = None) -> QuerySet[Bulletin]:
    """Published bulletins, newest first, searched in title, period and text."""
    bulletins = Bulletin.objects.published().filter(town=town)
    if year:
        bulletins = bulletins.filter(year=year)
    if query.strip():
        q = query.strip()
        bulletins = bulletins.filter(
            Q(title__icontains=q) | Q(body__icontains=q) | Q(period_label__icontains=q)
        )
    return bulletins.order_by("-year", "kind", "-number")
