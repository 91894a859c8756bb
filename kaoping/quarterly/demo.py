"""The demo's quarterly meetings: one for each quarter with a democratic round and published months
(eight, Q4 2024 to Q3 2026), each held in the month after its quarter once the quarter's last month is
published, with site visits (and their photos), reports and comments, the lagging list computed from
the demo's published rankings, the statements and rectifications (older ones reviewed, the latest
still open).

The demo town reads "consecutive months" for every rule (a setting of the rules page): with the
demo's rankings that lists a handful of cadres a year, about the article's rate of statements.
"""

import io
import struct
import zlib
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from kaoping.accounts.models import User
from kaoping.evaluation.models import Round
from kaoping.files.services import attachment_store, attachments_attach
from kaoping.people.models import Cadre, Population, Town, Village

from . import rules, services
from .models import LaggingEntry, Rectification, RectificationStatus, SiteVisit, VisitKind

VISIT_OWNER = "quarterly.sitevisit"  # the owner type of a site visit's photos

PROJECTS = ["海洋食品产业园扩建项目", "乳山口港区物流仓储项目", "光伏农业示范基地", "污水处理厂提标改造项目"]
REPORT = (
    "本季度，{unit}围绕全镇重点工作，抓落实、补短板：一是按月分解任务，逐项明确责任人和时限；"
    "二是对照考核指标查找差距，整改问题{n}项；三是主动对接上级部门，争取政策和资金支持。"
    "下步将聚焦排名靠后的指标，拿出具体措施，力争下季度争先进位。"
)
COMMENT = "{unit}本季度工作思路清晰、措施具体，{good}；但在{weak}方面仍有差距，下步要对标先进、补齐短板。"
GOOD = ["重点项目推进有力", "群众诉求办理及时", "基础台账规范完整", "创新做法有亮点"]
WEAK = ["工作标准", "进度统筹", "督办反馈", "资料归档"]
STATEMENT = (
    "本人{months}考核排名靠后，对照指标认真反思，主要是工作主动性不强、标准不高、落实不够到位。"
    "今后一定正视差距、知耻后勇，从三个方面抓整改：一是对标先进找差距，二是细化任务抓落实，"
    "三是主动担当求实效，力争下季度摆脱后进位次。"
)
MEASURES = (
    "1．对照考核细则逐项查找失分原因，形成问题清单；\n"
    "2．每月向分管领导汇报整改进展；\n"
    "3．落后指标明确完成时限，按期销号。"
)
PROGRESS = ["已形成问题清单，逐项明确整改时限。", "失分指标已整改过半，当月排名有所上升。"]


def held_on(year: int, quarter: int) -> date:
    """The meeting's day: the first Friday from the 12th of the month after the quarter, after its
    last month is published (on the 8th), so that the lagging list reads the quarter's rankings."""
    after = date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 12)
    return after + timedelta(days=(4 - after.weekday()) % 7)


def photo(seed: int, width: int = 240, height: int = 160) -> bytes:
    """A small made-up photo as PNG (written with zlib, no imaging library): sky, fields and a
    building whose colours and place vary with `seed`, so that every visit's photos differ."""
    sky = (110 + seed * 23 % 60, 160 + seed * 7 % 50, 225)
    field = (70 + seed * 31 % 70, 130 + seed * 11 % 60, 60)
    wall = (200 - seed * 13 % 80, 170 - seed * 17 % 70, 140)
    horizon = height * (50 + seed * 5 % 20) // 100
    left = width * (10 + seed * 29 % 50) // 100
    right, top = left + width // 4, horizon - height // 4
    roof, furrow = bytes((90, 60, 50)), 14
    # The field's two shades, alternating in diagonal furrows: one stripe pattern, shifted per row.
    light, dark = bytes(field), bytes(max(0, c - 12) for c in field)
    stripes = b"".join((dark if (x // furrow) % 2 else light) for x in range(width + 2 * height))
    rows = []
    for y in range(height):
        if y < horizon:
            sky_pixel = bytes(min(255, c + y * 40 // horizon) for c in sky)
            row = sky_pixel * width
            if y >= top:  # the building, a roof over its wall
                block = (roof if y < top + 8 else bytes(wall)) * (right - left)
                row = row[: 3 * left] + block + row[3 * right :]
        else:
            row = stripes[6 * y : 6 * y + 3 * width]
        rows.append(b"\x00" + row)  # filter type 0: the row as it is

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )


def _photos(town: Town, visit: SiteVisit, count: int, seed: int) -> int:
    """Attach `count` photos to `visit`, stored as an upload would be; return how many."""
    attachments = []
    for n in range(count):
        content = photo(seed + n)
        attachments.append(
            attachment_store(
                actor=None,
                town=town,
                name=f"{visit.name}现场照片{n + 1}.png",
                stream=io.BytesIO(content),
                size=len(content),
            )
        )
    attachments_attach(attachments=attachments, owner_type=VISIT_OWNER, owner_id=visit.pk)
    return count


def _user(town: Town, role: str, population: str = "") -> User | None:
    return User.objects.filter(roles__town=town, roles__role=role, roles__population=population).first()


def load_demo_meetings(town: Town, *, today: date) -> dict[str, int]:
    """Write the demo's meetings for `town` (after its results); return the counts."""
    office = _user(town, "assessment_office")
    assert office is not None
    # The demo town reads "consecutive months" for every rule: change the defaults once, by the office.
    for rule in rules.default_rules(town):
        services.rule_save(
            actor=office,
            town=town,
            rule=rule,
            values={**rules.snapshot(rule), "consecutive": True, "months": 2},
            based_on=None,
        )
    heads = list(
        Cadre.objects.filter(town=town, is_middle_level=True, is_active=True).select_related("department")
    )
    leaders = list(
        Cadre.objects.filter(town=town, population=Population.LEADERSHIP, is_active=True).order_by("pk")
    )
    villages = list(Village.objects.filter(town=town).order_by("pk"))
    counts = {"meetings": 0, "listed": 0, "statements": 0, "exempt": 0, "photos": 0}
    rounds = list(Round.objects.filter(town=town).order_by("year", "quarter"))
    for index, rnd in enumerate(rounds):
        meeting = services.meeting_save(
            actor=office,
            town=town,
            meeting=None,
            year=rnd.year,
            quarter=rnd.quarter,
            values={
                "title": f"{rnd.year}年第{'一二三四'[rnd.quarter - 1]}季度观摩述职评比会议",
                "held_on": held_on(rnd.year, rnd.quarter),
                "place": "镇政府三楼会议室",
                "evaluation_round": rnd,
            },
        )
        counts["meetings"] += 1
        project = services.visit_add(
            actor=office,
            meeting=meeting,
            kind=VisitKind.PROJECT,
            name=PROJECTS[index % len(PROJECTS)],
            note="现场察看项目建设进度，项目负责人介绍施工和要素保障情况。",
        )
        counts["photos"] += _photos(town, project, 2, seed=4 * index)
        village = villages[(2 * index + 1) % len(villages)]
        demonstration = services.visit_add(
            actor=office,
            meeting=meeting,
            kind=VisitKind.VILLAGE,
            name=village.name,
            note="观摩乡村振兴示范点，村党支部书记介绍产业发展和人居环境整治做法。",
        )
        counts["photos"] += _photos(town, demonstration, 1, seed=4 * index + 2)
        if rnd.quarter % 2 == 0:
            services.visit_add(
                actor=office,
                meeting=meeting,
                kind=VisitKind.FORUM,
                name="“鸿雁领航”村党支部书记论坛",
                note="三名村党支部书记交流抓党建促乡村振兴的经验。",
            )
        for n in range(3):
            head = heads[(3 * index + n) % len(heads)]
            unit = head.department.name if head.department else head.position
            services.report_add(
                actor=office,
                meeting=meeting,
                cadre=head,
                text=REPORT.format(unit=unit, n=3 + n),
                comment_by=leaders[(index + n) % len(leaders)],
                comment=COMMENT.format(unit=unit, good=GOOD[(index + n) % 4], weak=WEAK[(index + 2 * n) % 4]),
            )
        lst = services.list_compute(actor=office, meeting=meeting)
        entries = list(lst.entries.select_related("cadre"))
        if not counts["exempt"] and len(entries) > 1:  # one exemption, to show how it reads
            services.entry_exempt(
                actor=office,
                entry=entries[-1],
                reason="本季度抽调参加市里专项工作，当月考核受影响，经考核办研究免列。",
            )
            counts["exempt"] += 1
        services.list_finalise(actor=office, meeting=meeting, confirmed=True)
        counts["listed"] += len(entries)
        for entry in LaggingEntry.objects.filter(lagging_list=lst, exempt=False).select_related("cadre"):
            months = (
                "、".join(f"{int(line['month'][5:])}月" for line in entry.basis if line["rank"]) or "本季度"
            )
            services.statement_record(
                actor=office, entry=entry, made_on=meeting.held_on, text=STATEMENT.format(months=months)
            )
            counts["statements"] += 1
            rect = services.rectification_record(
                actor=office,
                entry=entry,
                measures=MEASURES,
                # A month to rectify: the latest meeting's plans are past their deadline on the demo's
                # today and not yet reviewed, so the office's home page shows them overdue.
                deadline=meeting.held_on + timedelta(days=30),
            )
            for days, text in zip((15, 30), PROGRESS, strict=True):
                if meeting.held_on + timedelta(days=days) <= today:
                    services.progress_add(
                        actor=office,
                        rectification=rect,
                        written_on=meeting.held_on + timedelta(days=days),
                        text=text,
                    )
            reviewer = _user(town, "group_leader", entry.cadre.population)
            if rect.deadline < today - timedelta(days=30) and reviewer is not None:
                rect.refresh_from_db()
                services.rectification_review(
                    actor=reviewer,
                    rectification=rect,
                    outcome=RectificationStatus.COMPLETED
                    if entry.pk % 4
                    else RectificationStatus.NOT_COMPLETED,
                    review="对照整改措施逐项核实，失分指标已明显改善。"
                    if entry.pk % 4
                    else "部分措施未按期落实，排名仍靠后，继续跟踪。",
                    confirmed=True,
                    based_on=rect.version,
                )
                # Reviewed a few days after the deadline, as it would have been (not on the load's day).
                reviewed = timezone.make_aware(datetime.combine(rect.deadline + timedelta(days=3), time(10)))
                Rectification.objects.filter(pk=rect.pk).update(reviewed_at=reviewed)
    return counts
