"""Demo monthly records: a year of them for the demo town's three leaders in charge.

Call `load_demo_records(town, months=…, today=…)` after the people exist. The 13 departments are
shared by the town head (镇长) and the deputy secretary, the villages are the organisation member's;
each has an account (leader-leadership, leader-agency, leader-village). Every month of `months` but
the last two was reviewed by the secretary's office meeting and archived, with its decisions (most
records noted, some commended, 12 exemplary cases over the year); the month before last is submitted
but not yet reviewed, three of its records returned; the last month is being filled (drafts and
records still missing before its deadline). Some records were submitted late, a few never. The rows
are written in bulk (a year is some 2,000 records): the areas go through the services, and the
demo's own audit entry counts the rest.
"""

import io
import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from kaoping.accounts.models import Role, User
from kaoping.files.services import attachment_store, attachments_attach
from kaoping.people.models import Department, Town, Village

from . import selectors, services
from .models import Decision, DecisionKind, Entry, Heading, MonthRecord, RecordMonth, RecordStatus

PHRASES = {
    Heading.POST_DUTIES: (
        "按时完成本岗位{n}项日常工作，台账规范完整",
        "办理群众来电来访{n}件，办结率100%",
        "完成月度报表{n}份，数据准确、报送及时",
        "下村入户走访{n}次，收集意见建议并逐项回复",
    ),
    Heading.KEY_TASKS: (
        "牵头推进人居环境整治，清理积存垃圾{n}吨",
        "参与招商引资项目洽谈{n}次，促成1个项目签约",
        "完成秸秆禁烧巡查{n}次，实现“零火点”",
        "推进高标准农田建设，协调解决用地问题{n}处",
    ),
    Heading.HARD_PROBLEMS: (
        "化解历史遗留土地纠纷{n}起",
        "协调解决群众饮水难问题，惠及{n}户",
        "攻坚信访积案{n}件，实现案结事了",
        "破解村集体增收难题，新增收入{n}万元",
    ),
    Heading.MOVING_UP: (
        "所负责工作在全市考核中排名提升{n}位",
        "争创市级示范点{n}处，获上级通报表扬",
        "重点指标完成进度位列全镇前{n}名",
    ),
    Heading.URGENT_TASKS: (
        "连续{n}天参加防汛值守，妥善转移群众",
        "按时完成上级交办的安全生产大排查，排查隐患{n}处",
        "完成上级临时交办的人口数据核查{n}户",
    ),
}
CITATIONS = (
    "汛期连续坚守一线，组织转移群众，确保零伤亡",
    "化解十年信访积案，群众送来锦旗",
    "牵头引进亿元项目，当月签约落地",
    "创新网格化服务，经验被市里推广",
    "带领村集体经济收入翻番",
    "扑救山火冲锋在前，保护林地和村庄",
    "破解高标准农田用地难题，提前完成任务",
    "推动人居环境整治，村庄获评市级美丽乡村",
    "垫付救助款帮扶困难群众，事迹被媒体报道",
    "攻坚安全生产隐患，整改率全市第一",
    "创建退役军人服务示范站，获省级表彰",
    "连夜处置突发险情，避免重大损失",
)
RETURN_REASONS = ("内容过于笼统，请补充具体数据", "重点工作与岗位工作重复，请区分填写", "请补充佐证材料")
# A 1×1 PNG: the demo's photos.
PHOTO = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _user(town: Town, username: str) -> User:
    return User.objects.select_related("cadre").get(username=username)


def _aware(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


@transaction.atomic
def load_demo_records(town: Town, *, months: list[date], today: date) -> dict[str, int]:
    """Areas, a year of records, meetings and decisions for `town`; returns what was written."""
    rng = random.Random(f"kaoping-demo-records-{town.slug}")
    office = User.objects.filter(roles__town=town, roles__role=Role.PARTY_BUILDING_OFFICE).first()
    leaders = {
        "head": _user(town, "leader-leadership"),
        "deputy": _user(town, "leader-agency"),
        "villages": _user(town, "leader-village"),
    }
    start = months[0]
    departments = list(Department.objects.filter(town=town).order_by("sort_order", "name"))
    half = (len(departments) + 1) // 2
    for i, department in enumerate(departments):
        leader = leaders["head"] if i < half else leaders["deputy"]
        services.area_assign(actor=office, town=town, leader=leader.cadre, unit=department, starts_on=start)
    for village in Village.objects.filter(town=town):
        services.area_assign(
            actor=office, town=town, leader=leaders["villages"].cadre, unit=village, starts_on=start
        )
    by_cadre = {u.cadre_id: u for u in leaders.values()}
    town_settings = selectors.settings_for(town)
    exemplary_left = list(CITATIONS)
    counts = {"records": 0, "late": 0, "missing": 0, "returned": 0, "exemplary": 0, "archived_months": 0}
    archived_months = months[:-2]
    # The twelve exemplary cases, spread over the archived months (two in the first ones).
    per_month = [0] * len(archived_months)
    for n in range(len(CITATIONS) if archived_months else 0):
        per_month[n % len(archived_months)] += 1
    for index, month in enumerate(months):
        due = selectors.due_on(town, month, town_settings)
        current = month == months[-1]
        reviewing = month == months[-2]
        assigned = selectors.area_cadres(town, month)
        records = []
        for cadre_id, leader_id in sorted(assigned.items()):
            roll = rng.random()
            if current and roll < 0.45:
                continue  # not started before the deadline
            if not current and roll < 0.03:
                counts["missing"] += 1
                continue  # never submitted
            late = not current and roll > 0.91
            on = due + timedelta(days=rng.randint(1, 6)) if late else due - timedelta(days=rng.randint(0, 8))
            status = RecordStatus.SUBMITTED
            if current:
                status = RecordStatus.DRAFT if roll < 0.65 else RecordStatus.SUBMITTED
                on = min(on, today)
            user = by_cadre[leader_id]
            records.append(
                MonthRecord(
                    town=town,
                    month=month,
                    cadre_id=cadre_id,
                    leader_id=leader_id,
                    status=status,
                    submitted_at=_aware(on, rng.randint(8, 18)) if status == RecordStatus.SUBMITTED else None,
                    submitted_by=user if status == RecordStatus.SUBMITTED else None,
                    is_late=late,
                )
            )
            counts["late"] += late
        MonthRecord.objects.bulk_create(records)
        records = list(MonthRecord.objects.filter(town=town, month=month).order_by("cadre_id"))
        entries = []
        for record in records:
            for heading in Heading.values:
                if record.status == RecordStatus.DRAFT and rng.random() < 0.4:
                    continue
                if rng.random() < 0.22:
                    entries.append(Entry(record=record, heading=heading, nothing_notable=True))
                else:
                    text = rng.choice(PHRASES[heading]).format(n=rng.randint(2, 30))
                    entries.append(Entry(record=record, heading=heading, text=text))
        Entry.objects.bulk_create(entries)
        counts["records"] += len(records)
        if reviewing:
            for record in rng.sample([r for r in records if r.status == RecordStatus.SUBMITTED], k=3):
                record.status = RecordStatus.RETURNED
                record.return_reason = rng.choice(RETURN_REASONS)
                record.returned_at = _aware(due + timedelta(days=2), 10)
                record.returned_by = office
                record.save()
                counts["returned"] += 1
        if month in archived_months:
            meeting_on = due + timedelta(days=rng.randint(8, 14))
            decisions = []
            submitted = [r for r in records if r.status == RecordStatus.SUBMITTED]
            chosen = {r.pk for r in rng.sample(submitted, k=min(per_month[index], len(submitted)))}
            for record in submitted:
                if record.pk in chosen and exemplary_left:
                    kind, citation = DecisionKind.EXEMPLARY, exemplary_left.pop(0)
                    counts["exemplary"] += 1
                elif rng.random() < 0.05:
                    kind, citation = DecisionKind.COMMENDED, "工作扎实，予以表扬"
                else:
                    kind, citation = DecisionKind.NOTED, ""
                decisions.append(
                    Decision(
                        town=town,
                        record=record,
                        kind=kind,
                        citation=citation,
                        decided_on=meeting_on,
                        recorded_by=office,
                    )
                )
            Decision.objects.bulk_create(decisions)
            RecordMonth.objects.create(
                town=town,
                month=month,
                meeting_on=meeting_on,
                archived_at=_aware(meeting_on, 17),
                archived_by=office,
            )
            counts["archived_months"] += 1
    # A few photos as evidence, on the latest exemplary cases and on records of the month under review.
    photo_entries = list(
        Entry.objects.filter(
            record__town=town, record__decision__kind=DecisionKind.EXEMPLARY, nothing_notable=False
        )
        .select_related("record")
        .order_by("-record__month", "id")[:6]
    ) + list(
        Entry.objects.filter(record__town=town, record__month=months[-2], nothing_notable=False).order_by(
            "id"
        )[:4]
    )
    for n, entry in enumerate(photo_entries):
        attachment = attachment_store(
            actor=None, town=town, name=f"现场照片{n + 1}.png", stream=io.BytesIO(PHOTO), size=len(PHOTO)
        )
        attachments_attach(attachments=[attachment], owner_type=selectors.ENTRY_OWNER, owner_id=entry.pk)
    counts["attachments"] = len(photo_entries)
    return counts
