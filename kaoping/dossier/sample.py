"""Years of history for one cadre, written straight to the tables: published months with results,
closed evaluation rounds, approved bonuses and deductions, handled supervision items, submitted
achievement records (with an attachment and the meeting's decision, one of them exemplary) and a
quarterly meeting's lagging list (the cadre listed, with a statement and a rectification).

For the dossier's query-count test (1 year and 5 years read with the same queries) and its
measurement in `kaoping bench`. Not used by the application's pages or the demo.
"""

import random
from datetime import date, datetime, time
from decimal import Decimal

from django.utils import timezone

from kaoping.accounts.models import User
from kaoping.evaluation.models import Round, RoundStatus, TargetResult
from kaoping.files.models import Attachment, Kind
from kaoping.indicators.models import AdjustmentKind, AdjustmentReason, Scheme
from kaoping.people.models import Cadre
from kaoping.quarterly.models import (
    LaggingEntry,
    LaggingList,
    ListStatus,
    Meeting,
    Rectification,
    RectificationStatus,
    Statement,
)
from kaoping.records.models import Decision, DecisionKind, Entry, Heading, MonthRecord, RecordStatus
from kaoping.results.models import MonthlyResult
from kaoping.scoring.models import Adjustment, AdjustmentShare, AdjustmentStatus, Period, PeriodStatus
from kaoping.supervision.models import Item, ItemOwner, ItemStatus, OwnerRole, Quality, Source


def add_history(cadre: Cadre, *, years: list[int], actor: User, seed: int = 1) -> None:
    """Give `cadre` twelve published months, four closed rounds, two bonuses or deductions and three
    handled supervision items in each of `years`. Months that exist already are used as they are
    (a result is added only if the cadre has none there and the month is published)."""
    rng = random.Random(seed)
    town = cadre.town
    for year in years:
        scheme, _created = Scheme.objects.get_or_create(
            town=town, year=year, population=cadre.population, defaults={"name": f"{year}年考核方案"}
        )
        periods = []
        for month in range(1, 13):
            period, created = Period.objects.get_or_create(
                town=town,
                month=date(year, month, 1),
                defaults={"status": PeriodStatus.PUBLISHED, "published_at": timezone.now()},
            )
            periods.append(period)
        taken = set(
            MonthlyResult.objects.filter(cadre=cadre, period__in=periods).values_list("period_id", flat=True)
        )
        MonthlyResult.objects.bulk_create(
            MonthlyResult(
                period=p,
                cadre=cadre,
                scheme=scheme,
                performance=Decimal(rng.randint(7000, 9500)) / 100,
                bonus=Decimal(rng.choice((0, 0, 1, 2))),
                deduction=Decimal(rng.choice((0, 0, 0, 1))),
                democratic=Decimal(rng.randint(8000, 9800)) / 100 if p.month.month % 3 == 0 else None,
                total=Decimal(rng.randint(7500, 9800)) / 100,
                rank=rng.randint(1, 30),
                group_rank=rng.randint(1, 10),
                breakdown={},
            )
            for p in periods
            if p.pk not in taken and p.status == PeriodStatus.PUBLISHED
        )
        for quarter in range(1, 5):
            round_, _created = Round.objects.get_or_create(
                town=town,
                year=year,
                quarter=quarter,
                defaults={
                    "title": f"{year}年第{quarter}季度民主测评",
                    "held_on": date(year, quarter * 3, 20),
                    "status": RoundStatus.CLOSED,
                    "scale": {"excellent": "95", "competent": "85", "basic": "70", "incompetent": "50"},
                },
            )
            if round_.status == RoundStatus.CLOSED:
                TargetResult.objects.get_or_create(
                    round=round_,
                    cadre=cadre,
                    defaults={
                        "score": Decimal(rng.randint(8000, 9600)) / 100,
                        "distribution": {"excellent": rng.randint(5, 20), "competent": rng.randint(2, 10)},
                    },
                )
        for n, kind in enumerate((AdjustmentKind.BONUS, AdjustmentKind.DEDUCTION)):
            reason, _created = AdjustmentReason.objects.get_or_create(
                scheme=scheme, kind=kind, name="改革创新" if kind == AdjustmentKind.BONUS else "安全生产"
            )
            adjustment = Adjustment.objects.create(
                period=periods[3 + 4 * n],
                reason=reason,
                kind=kind,
                title=f"{year}年{'市级表彰' if kind == AdjustmentKind.BONUS else '安全生产检查问题'}",
                status=AdjustmentStatus.APPROVED,
                created_by=actor,
                decided_by=actor,
                decided_at=timezone.now(),
            )
            AdjustmentShare.objects.create(adjustment=adjustment, cadre=cadre, points=Decimal(1 + n))
        for n in range(3):
            assigned = date(year, 2 + 3 * n, 1)
            verified = timezone.make_aware(datetime.combine(date(year, 3 + 3 * n, 1), time(9)))
            item = Item.objects.create(
                town=town,
                year=year,
                source=Source.MEETING,
                title=f"{year}年督办事项{n + 1}",
                assigned_on=assigned,
                deadline=date(year, 2 + 3 * n, 25),
                status=ItemStatus.CLOSED,
                result="已完成",
                submitted_at=verified,
                send_backs=n % 2,
                quality=rng.choice(Quality.values),
                on_time=n != 2,
                verified_at=verified,
                closed_at=verified,
                feedback="办理到位",
                created_by=actor,
            )
            ItemOwner.objects.create(
                item=item, cadre=cadre, role=OwnerRole.OWNER if n else OwnerRole.CO_OWNER
            )
        _add_records(cadre, year=year, actor=actor)
        _add_lagging(cadre, year=year, actor=actor)


def _add_records(cadre: Cadre, *, year: int, actor: User) -> None:
    """Three submitted records (March, June, September), each with two entries and an attachment;
    the meeting noted the first two and marked the third exemplary."""
    leader = Cadre.objects.filter(town=cadre.town).exclude(pk=cadre.pk).order_by("pk").first() or cadre
    for n, month in enumerate((3, 6, 9)):
        record, created = MonthRecord.objects.get_or_create(
            cadre=cadre,
            month=date(year, month, 1),
            defaults={
                "town": cadre.town,
                "leader": leader,
                "status": RecordStatus.SUBMITTED,
                "submitted_at": timezone.make_aware(datetime.combine(date(year, month, 20), time(9))),
                "submitted_by": actor,
                "is_late": n == 1,
            },
        )
        if not created:
            continue
        entry = Entry.objects.create(
            record=record, heading=Heading.KEY_TASKS, text=f"{year}年{month}月完成重点项目征地"
        )
        Entry.objects.create(record=record, heading=Heading.POST_DUTIES, nothing_notable=True)
        Attachment.objects.create(
            town=cadre.town,
            uploaded_by=actor,
            original_name=f"{year}年{month}月现场照片.jpg",
            kind=Kind.JPEG,
            content_type="image/jpeg",
            size=1024,
            sha256="0" * 64,
            stored_path=f"sample/{cadre.pk}/{year}-{month}.jpg",
            owner_type="records.entry",
            owner_id=entry.pk,
        )
        exemplary = n == 2
        Decision.objects.create(
            town=cadre.town,
            record=record,
            kind=DecisionKind.EXEMPLARY if exemplary else DecisionKind.NOTED,
            citation=f"{year}年攻坚克难典型" if exemplary else "",
            decided_on=date(year, month, 28),
            recorded_by=actor,
        )


def _add_lagging(cadre: Cadre, *, year: int, actor: User) -> None:
    """The second quarter's meeting lists the cadre (last in May and June), who makes a statement and
    a rectification plan, completed in the year."""
    meeting, _created = Meeting.objects.get_or_create(
        town=cadre.town,
        year=year,
        quarter=2,
        defaults={"title": f"{year}年第2季度观摩述职评比会", "held_on": date(year, 7, 10), "place": "镇政府"},
    )
    lagging, _created = LaggingList.objects.get_or_create(
        meeting=meeting, defaults={"status": ListStatus.FINAL}
    )
    entry, created = LaggingEntry.objects.get_or_create(
        lagging_list=lagging,
        cadre=cadre,
        defaults={
            "rule": {
                "population": cadre.population,
                "pool": "",
                "bottom": 1,
                "consecutive": True,
                "months": 2,
                "missing": "not_bottom",
                "active": True,
            },
            "basis": [
                {"month": f"{year}-05", "rank": 30, "of": 30, "total": "70.00"},
                {"month": f"{year}-06", "rank": 30, "of": 30, "total": "71.50"},
            ],
        },
    )
    if not created:
        return
    Statement.objects.create(
        entry=entry, made_on=date(year, 7, 10), text=f"{year}年表态：认真整改，争先进位", recorded_by=actor
    )
    Rectification.objects.create(
        entry=entry,
        measures=f"{year}年整改措施：每周走访项目",
        deadline=date(year, 9, 30),
        status=RectificationStatus.COMPLETED,
        recorded_by=actor,
        reviewed_by=actor,
        reviewed_at=timezone.make_aware(datetime.combine(date(year, 10, 8), time(9))),
        review="整改到位",
    )
