"""Reads of the monthly records, used by the records pages and by the features built on them.

For other features (each in a fixed number of queries):

- `missing_records(town, month)` -> [`LeaderMissing`]: the leaders in charge who still have cadres
  without a submitted record for `month`, with the cadres and the leader's user id (reminders).
- `records_to_fill(user, town, today)` -> [`ToFill`]: what `user`, as a leader in charge, has to fill
  in the current month and every record returned to them (the inbox); `returned_records(user, town)`
  the returned ones only.
- `records_for_cadre(cadre_ids)` -> {cadre id: [MonthRecord]} with entries, attachments and the
  meeting's decision, newest month first (the cadre dossier).
- `exemplary_for_cadre(cadre_ids)` -> {cadre id: [Decision]} of the exemplary marks (the dossier).
- `exemplary_count(town, year)` -> int: the exemplary cases (典型) of a year (the home page).
- `exemplary_cases(town, year)`: the list with citation, record and who recorded it.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch, Q

from kaoping.accounts.models import User
from kaoping.accounts.permissions import may_read_record
from kaoping.files.models import Attachment
from kaoping.people.models import Cadre, Town
from kaoping.people.selectors import month_bounds, roster

from . import deadlines
from .models import (
    Decision,
    DecisionKind,
    Entry,
    Heading,
    LeaderArea,
    MonthRecord,
    RecordMonth,
    RecordSettings,
    RecordStatus,
)

ENTRY_OWNER = "records.entry"


def settings_for(town: Town) -> RecordSettings:
    """The town's settings (the defaults, unsaved, when the office never changed them)."""
    found = RecordSettings.objects.filter(town=town).first()
    return found or RecordSettings(town=town)


def due_on(town: Town, month: date, town_settings: RecordSettings | None = None) -> date:
    s = town_settings or settings_for(town)
    return deadlines.due_on(month, day=s.deadline_day, weekend_moves_to_monday=s.weekend_moves_to_monday)


def record_month(town: Town, month: date) -> RecordMonth | None:
    return RecordMonth.objects.filter(town=town, month=month.replace(day=1)).first()


def is_archived(town: Town, month: date) -> bool:
    return RecordMonth.objects.filter(
        town=town, month=month.replace(day=1), archived_at__isnull=False
    ).exists()


def areas_in_force(town: Town | int, month: date) -> list[LeaderArea]:
    """The areas assigned on `month`'s first day (the roster's rule: moves count from the next month)."""
    first = month.replace(day=1)
    return list(
        LeaderArea.objects.filter(town=town, starts_on__lte=first)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=first))
        .select_related("leader", "department", "village")
    )


def area_cadres(town: Town | int, month: date) -> dict[int, int]:
    """{cadre id: leader id} for every cadre of `month`'s roster whose unit is in someone's charge."""
    by_department: dict[int, int] = {}
    by_village: dict[int, int] = {}
    for area in areas_in_force(town, month):
        if area.department_id:
            by_department[area.department_id] = area.leader_id
        else:
            by_village[area.village_id] = area.leader_id  # type: ignore[index]
    result = {}
    for cadre_id, m in roster(town, month).items():
        # A village cadre counts in their village, an agency cadre in their department.
        leader = by_village.get(m.village_id) if m.village_id else by_department.get(m.department_id)  # type: ignore[arg-type]
        if leader is not None and leader != cadre_id:
            result[cadre_id] = leader
    return result


@dataclass
class Row:
    """One cadre of a leader's month: the record if any, its state in words for the lists."""

    cadre: Cadre
    leader: Cadre
    record: MonthRecord | None

    @property
    def state(self) -> str:
        if self.record is None:
            return "missing"
        if self.record.status == RecordStatus.SUBMITTED:
            return "late" if self.record.is_late else "submitted"
        return self.record.status


def month_rows(town: Town, month: date, *, leader_id: int | None = None) -> list[Row]:
    """Every cadre in someone's charge in `month` (or in `leader_id`'s), with their record; 3 queries."""
    month = month.replace(day=1)
    assigned = area_cadres(town, month)
    if leader_id is not None:
        assigned = {c: lead for c, lead in assigned.items() if lead == leader_id}
    people = Cadre.objects.with_workplace().in_bulk(set(assigned) | set(assigned.values()))
    records = {
        r.cadre_id: r for r in MonthRecord.objects.filter(town=town, month=month, cadre_id__in=list(assigned))
    }
    rows = [Row(cadre=people[c], leader=people[lead], record=records.get(c)) for c, lead in assigned.items()]
    rows.sort(key=lambda r: (r.leader.name, _unit_key(r.cadre), not r.cadre.is_village_head, r.cadre.name))
    return rows


def _unit_key(cadre: Cadre) -> tuple:
    return (cadre.population, cadre.department_id or 0, cadre.village_id or 0)


@dataclass
class LeaderCompleteness:
    leader: Cadre
    rows: list[Row] = field(default_factory=list)

    def count(self, state: str) -> int:
        return sum(r.state == state for r in self.rows)

    @property
    def submitted(self) -> int:
        return self.count("submitted")

    @property
    def late(self) -> int:
        return self.count("late")

    @property
    def returned(self) -> int:
        return self.count("returned")

    @property
    def missing(self) -> int:
        """Not submitted: nothing yet, a draft, or returned and not submitted again."""
        return len(self.rows) - self.submitted - self.late


def completeness(town: Town, month: date) -> list[LeaderCompleteness]:
    """The month per leader in charge: their cadres and how many are submitted, late, missing."""
    by_leader: dict[int, LeaderCompleteness] = {}
    for row in month_rows(town, month):
        by_leader.setdefault(row.leader.pk, LeaderCompleteness(leader=row.leader)).rows.append(row)
    return sorted(by_leader.values(), key=lambda c: c.leader.name)


@dataclass
class LeaderMissing:
    leader: Cadre
    user_id: int | None
    cadres: list[Cadre]


def missing_records(town: Town, month: date) -> list[LeaderMissing]:
    """The leaders with cadres whose record of `month` is not submitted, with their user ids."""
    result = []
    for c in completeness(town, month):
        cadres = [r.cadre for r in c.rows if r.state not in ("submitted", "late")]
        if cadres:
            result.append(LeaderMissing(leader=c.leader, user_id=None, cadres=cadres))
    users = dict(
        User.objects.filter(cadre_id__in=[m.leader.pk for m in result], is_active=True).values_list(
            "cadre_id", "pk"
        )
    )
    for m in result:
        m.user_id = users.get(m.leader.pk)
    return result


@dataclass
class ToFill:
    month: date
    cadre: Cadre
    record: MonthRecord | None
    due_on: date

    @property
    def is_returned(self) -> bool:
        return self.record is not None and self.record.status == RecordStatus.RETURNED


def records_to_fill(user: User, town: Town, today: date) -> list[ToFill]:
    """What `user` (a leader in charge) must still do: the current month's records not submitted,
    and every record returned to them (any month not archived)."""
    if user.cadre_id is None:
        return []
    month = today.replace(day=1)
    town_settings = settings_for(town)
    deadline = due_on(town, month, town_settings)
    items = [
        ToFill(month=month, cadre=r.cadre, record=r.record, due_on=deadline)
        for r in month_rows(town, month, leader_id=user.cadre_id)
        if r.state not in ("submitted", "late")
    ]
    seen = {(i.month, i.cadre.pk) for i in items}
    for record in returned_records(user, town):
        if (record.month, record.cadre_id) not in seen:
            items.append(
                ToFill(
                    month=record.month,
                    cadre=record.cadre,
                    record=record,
                    due_on=due_on(town, record.month, town_settings),
                )
            )
    return items


def returned_records(user: User, town: Town) -> list[MonthRecord]:
    """The records returned to `user` (as their leader in charge) and not yet submitted again."""
    if user.cadre_id is None:
        return []
    return list(
        MonthRecord.objects.filter(town=town, leader_id=user.cadre_id, status=RecordStatus.RETURNED)
        .select_related("cadre")
        .order_by("month", "cadre__name")
    )


def _with_details(queryset):
    return queryset.select_related("cadre", "leader", "decision").prefetch_related(
        Prefetch("entries", queryset=Entry.objects.order_by("id"))
    )


def attachments_of(entries: list[Entry]) -> dict[int, list[Attachment]]:
    """{entry id: attachments}, one query."""
    found: dict[int, list[Attachment]] = defaultdict(list)
    for a in Attachment.objects.filter(owner_type=ENTRY_OWNER, owner_id__in=[e.pk for e in entries]):
        found[a.owner_id].append(a)  # type: ignore[index]
    return found


def attach_details(records: list[MonthRecord]) -> list[MonthRecord]:
    """Give each record `answers`: one (heading, label, entry or None, attachments) per heading."""
    entries = [e for r in records for e in r.entries.all()]
    files = attachments_of(entries)
    for r in records:
        by_heading = {e.heading: e for e in r.entries.all()}
        r.answers = [  # type: ignore[attr-defined]
            (h, label, by_heading.get(h), files.get(by_heading[h].pk, []) if h in by_heading else [])
            for h, label in Heading.choices
        ]
    return records


def record_detail(record: MonthRecord) -> MonthRecord:
    return attach_details([_with_details(MonthRecord.objects.filter(pk=record.pk)).get()])[0]


def records_for_cadre(cadre_ids: list[int]) -> dict[int, list[MonthRecord]]:
    """Each cadre's records (entries, attachments, decision), newest first; 4 queries."""
    records = attach_details(
        list(_with_details(MonthRecord.objects.filter(cadre_id__in=list(cadre_ids))).order_by("-month"))
    )
    found: dict[int, list[MonthRecord]] = defaultdict(list)
    for r in records:
        found[r.cadre_id].append(r)
    return dict(found)


def exemplary_for_cadre(cadre_ids: list[int]) -> dict[int, list[Decision]]:
    found: dict[int, list[Decision]] = defaultdict(list)
    for d in exemplary_queryset().filter(record__cadre_id__in=list(cadre_ids)):
        found[d.record.cadre_id].append(d)
    return dict(found)


def exemplary_queryset():
    return Decision.objects.filter(kind=DecisionKind.EXEMPLARY).select_related(
        "record", "record__cadre", "record__leader", "recorded_by"
    )


def exemplary_cases(town: Town, year: int) -> list[Decision]:
    return list(
        exemplary_queryset().filter(town=town, record__month__year=year).order_by("record__month", "id")
    )


def exemplary_count(town: Town, year: int) -> int:
    """The exemplary cases (典型) the meetings marked among `year`'s records of `town`."""
    return Decision.objects.filter(town=town, kind=DecisionKind.EXEMPLARY, record__month__year=year).count()


def years_with_records(town: Town) -> list[int]:
    return sorted(
        {d.year for d in MonthRecord.objects.filter(town=town).dates("month", "year")}, reverse=True
    )


def may_download_entry_attachment(user: User, attachment: Attachment) -> bool:
    """Whoever may read the record an entry belongs to may download its attachments."""
    found = (
        Entry.objects.filter(pk=attachment.owner_id, record__town_id=attachment.town_id)
        .values_list("record__cadre_id", "record__leader_id")
        .first()
    )
    if found is None:
        return False
    cadre_id, leader_id = found
    return may_read_record(user, attachment.town, cadre_id=cadre_id, leader_id=leader_id)


def month_span(month: date) -> tuple[date, date]:
    return month_bounds(month)
