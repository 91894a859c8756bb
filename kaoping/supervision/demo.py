"""Demo supervision data: two years of items in every state and a run of published bulletins.

Call `load_demo_supervision(town)` after the demo town's people exist (it needs cadres, departments
and a supervision-office user, and the main leader for the reviews; it creates neither). The data is
the same on every run (a seeded random generator); time is taken from `today`.
"""

import random
from datetime import date, timedelta

from django.db import transaction

from kaoping.accounts.models import Role, User
from kaoping.people.models import Cadre, Department, Town

from . import services
from .models import BulletinKind, BulletinStatus, Item, ItemStatus, Quality, Source, Urgency

TITLES = (
    "秸秆禁烧巡查",
    "河道“清四乱”整治",
    "人居环境整治提升",
    "信访积案化解",
    "安全生产隐患排查",
    "耕地保护专项整治",
    "招商项目落地跟进",
    "民生诉求限时办结",
    "村集体经济增收",
    "森林防火值守",
)
S = ItemStatus
RECENT_DAYS = 45  # items due longer ago than this are done in the demo


def _user(town: Town, role: Role) -> User:
    user = User.objects.filter(roles__town=town, roles__role=role).first()
    if user is None:
        raise ValueError(f"the demo town has no {role} user")
    return user


@transaction.atomic
def load_demo_supervision(
    town: Town, *, today: date | None = None, start: date | None = None, per_month: int = 3
) -> int:
    """Create items month by month from `start` (by default the first of January last year) up to
    `today`, and a bulletin a month."""
    import time_machine  # the demo replays the past; time_machine dates each move

    today = today or date.today()
    rng = random.Random(20240113)
    office, leader = _user(town, Role.SUPERVISION_OFFICE), _user(town, Role.MAIN_LEADER)
    cadres = list(Cadre.objects.filter(town=town, is_active=True, user__isnull=False)) or list(
        Cadre.objects.filter(town=town, is_active=True)[:20]
    )
    departments = list(Department.objects.filter(town=town, is_active=True))
    # Owners who can act on their items (the office does not own what it verifies).
    owners_with_users = [c for c in cadres if hasattr(c, "user") and c.user != office]
    month = (start or date(today.year - 1, 1, 1)).replace(day=1)
    count = 0
    while month <= today:
        month_items = []
        for n in range(per_month):
            assigned = month + timedelta(days=rng.randrange(0, 20))
            if assigned > today:
                break
            owner = rng.choice(owners_with_users or cadres)
            data = services.ItemData(
                source=rng.choice(Source.values),
                title=f"{rng.choice(TITLES)}（{assigned.year}年{assigned.month}月第{n + 1}项）",
                requirements="按要求完成并报送佐证材料。",
                urgency=rng.choice(Urgency.values),
                assigned_on=assigned,
                deadline=assigned + timedelta(days=rng.choice((7, 15, 30))),
                owners=[owner],
                department=rng.choice(departments) if departments and rng.random() < 0.3 else None,
            )
            with time_machine.travel(assigned):
                item = services.item_create(actor=office, town=town, data=data)
            _advance(item, owner, office, rng, today)
            month_items.append(item)
            count += 1
        _bulletin(town, office, leader, month, month_items, today, rng)
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return count


def _advance(item: Item, owner: Cadre, office: User, rng: random.Random, today: date) -> None:
    """Move an item as far as its age and chance allow, so that every state appears."""
    import time_machine

    user = getattr(owner, "user", None)
    if user is None or user == office:
        return  # the office verifies no result it submitted itself (duties kept apart)
    # As a town's items go: those due long ago are done (a few still wait for the office's check),
    # those due lately may be late or waiting, those not yet due are under way.
    if item.deadline < today - timedelta(days=2 * RECENT_DAYS):
        target = S.CLOSED
    elif item.deadline < today - timedelta(days=RECENT_DAYS):
        target = rng.choice([S.VERIFIED, S.CLOSED, S.CLOSED, S.CLOSED, S.CLOSED])
    elif item.deadline < today:
        target = rng.choice([S.IN_PROGRESS, S.SUBMITTED, S.SUBMITTED, S.VERIFIED, S.CLOSED])
    elif item.assigned_on > today - timedelta(days=10):
        target = S.ASSIGNED  # just handed out
    else:
        target = rng.choice([S.IN_PROGRESS, S.SUBMITTED])
    day = item.assigned_on
    steps = [S.IN_PROGRESS, S.SUBMITTED, S.VERIFIED, S.CLOSED]
    for step in steps[: steps.index(target) + 1] if target != S.ASSIGNED else []:
        day += timedelta(days=rng.randrange(1, 8))
        if day > today:
            return
        with time_machine.travel(day):
            if step == S.IN_PROGRESS:
                services.item_move(actor=user, item=item, to=step)
                services.item_note(actor=office, item=item, text="已督促责任人加快进度。")
            elif step == S.SUBMITTED:
                services.item_move(actor=user, item=item, to=step, result="已按要求完成，佐证材料已上传。")
                if rng.random() < 0.25:
                    services.item_move(
                        actor=office, item=item, to=S.IN_PROGRESS, text="佐证材料不全，请补充。"
                    )
                    services.item_move(actor=user, item=item, to=step, result="已补充佐证材料。")
            elif step == S.VERIFIED:
                services.item_move(
                    actor=office, item=item, to=step, quality=rng.choice(Quality.values), confirmed=True
                )
            else:
                services.item_move(
                    actor=office, item=item, to=step, text="经核查，事项已办结。", confirmed=True
                )


def _bulletin(town, office, leader, month, items, today, rng) -> None:
    import time_machine

    from . import selectors

    issue_day = date(month.year + (month.month == 12), month.month % 12 + 1, 5)
    if not items or issue_day > today:
        return
    with time_machine.travel(issue_day):
        values = {
            "title": f"关于{month.year}年{month.month}月份督查事项办理情况的通报",
            "period_label": f"{month.year}年{month.month}月",
            "issuer": f"{town.name}督查办公室",
            "body": selectors.draft_text(items, issue_day),
            "report_to": "镇党委书记、镇长",
            "send_to": "镇党委、政府领导班子成员",
            "issue_to": "各站所、各村",
            "copies": 40,
            "kind": BulletinKind.REGULAR,  # the monthly bulletin is the routine one, never a supplement
        }
        bulletin = services.bulletin_save(actor=office, town=town, values=values, items=items)
        services.bulletin_move(actor=office, bulletin=bulletin, to=BulletinStatus.IN_REVIEW)
        services.bulletin_move(actor=leader, bulletin=bulletin, to=BulletinStatus.APPROVED)
        services.bulletin_publish(actor=office, bulletin=bulletin, on=issue_day, confirmed=True)
