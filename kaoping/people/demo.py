"""The demo: 夏村镇 as the 2024 report describes it, a smaller 南黄镇 beside it, and a user per role.

夏村镇 (Xiacun, 乳山市) has 12 leadership members, 90 agency cadres in 13 departments split into
the article's three categories (established staff, community instructors near retirement,
non-established staff) and 21 villages with 3-5 village cadres each. 南黄镇 is there so that the
city view and the separation between towns can be seen.

`build_plan` works out every person without touching the database and always gives the same
result (a seeded random generator); `load_people` writes its people with a handful of
bulk inserts (`kaoping.site.demo.load_demo` adds the rest of the demo and one audit entry). The
people are made up: see `names.py`.
"""

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, NamedTuple

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from kaoping.accounts.models import Role, RoleAssignment, User
from kaoping.core.errors import DomainError

from . import idnumbers, names
from .models import (
    AgencyCategory,
    Cadre,
    Department,
    DepartmentKind,
    Gender,
    PersonnelType,
    Population,
    Posting,
    Town,
    Village,
)

DEMO_PASSWORD = "Demo#2026"
DEMO_URL = "http://127.0.0.1:8000/"
SEED = 20240113  # the day the report was published
CITY = "乳山市"
REGION_CODE = "371083"  # 乳山市 in resident ID numbers

OFFICE, STATION = DepartmentKind.OFFICE, DepartmentKind.STATION


# --- What the towns look like ---------------------------------------------------------------------


@dataclass(frozen=True)
class DepartmentSpec:
    name: str
    kind: str
    established: tuple[str, ...]  # positions; the first is the head, the department's middle-level cadre
    community_instructors: int
    non_established: tuple[str, ...]


@dataclass(frozen=True)
class TownSpec:
    name: str
    slug: str
    leadership: tuple[tuple[str, str], ...]  # (key, position)
    departments: tuple[DepartmentSpec, ...]
    villages: tuple[str, ...]
    communities: tuple[str, ...]  # the 社区 that community instructors each look after


# fmt: off
XIACUN = TownSpec(
    name="夏村镇",
    slug="xiacun",
    leadership=(
        ("secretary", "党委书记"),
        ("town_head", "党委副书记、镇长"),
        ("deputy_secretary", "党委副书记"),
        ("congress_chair", "人大主席"),
        ("discipline", "党委委员、纪委书记"),
        ("organisation", "党委委员、组织委员"),
        ("publicity", "党委委员、宣传委员"),
        ("armed_forces", "党委委员、武装部长"),
        ("political_legal", "党委委员、政法委员"),
        ("deputy_head_1", "党委委员、副镇长"),
        ("deputy_head_2", "副镇长"),
        ("deputy_head_3", "副镇长"),
    ),
    departments=(
        DepartmentSpec("党政办公室", OFFICE, ("主任", "副主任", "文书", "机要员"), 1,
                       ("综合文字员", "档案管理员", "后勤保障员", "信息管理员")),
        DepartmentSpec("党建工作办公室", OFFICE, ("主任", "组织干事", "党务干事"), 3,
                       ("党建专干", "宣传干事")),
        DepartmentSpec("考核办公室", OFFICE, ("主任", "考核专干", "统计专干", "干部档案管理员"), 0,
                       ("文员",)),
        DepartmentSpec("督查办公室", OFFICE, ("主任", "督查专员", "督查专员"), 1,
                       ("督查联络员",)),
        DepartmentSpec("经济发展办公室", OFFICE, ("主任", "招商专员", "统计员"), 1,
                       ("项目服务专员", "企业服务专员")),
        DepartmentSpec("财政经管服务中心", STATION, ("主任", "会计", "农村经管员"), 1,
                       ("报账员", "出纳")),
        DepartmentSpec("农业农村综合服务中心", STATION, ("主任", "农技员", "畜牧兽医员", "水利员"), 3,
                       ("农机管理员", "林业管护员", "动物防疫员")),
        DepartmentSpec("社会事务办公室", OFFICE, ("主任", "民政专干", "社保专干"), 3,
                       ("残联专干", "医保协理员", "养老服务专干", "卫健专干")),
        DepartmentSpec("应急管理办公室", OFFICE, ("主任", "安全生产监管员", "消防专干"), 2,
                       ("安全生产巡查员", "应急值守员")),
        DepartmentSpec("自然资源所", STATION, ("所长", "国土规划员"), 1,
                       ("土地巡查员", "林业巡查员")),
        DepartmentSpec("综合行政执法中队", STATION, ("中队长", "执法队员", "执法队员"), 2,
                       ("执法协管员", "执法协管员", "环卫监管员", "市场监管协管员")),
        DepartmentSpec("退役军人服务站", STATION, ("站长", "退役军人专干"), 1,
                       ("优抚专干",)),
        DepartmentSpec("便民服务中心", STATION, ("主任", "窗口负责人"), 1,
                       ("综合窗口受理员", "综合窗口受理员", "帮办代办员")),
    ),
    villages=(
        "夏村", "东山口村", "西庄村", "北泊村", "南泊村", "庙子夼村", "徐家村",
        "于家庄村", "宫家岭村", "丛家沟村", "姜家疃村", "河北村", "大孤山村", "小孤山村",
        "后寨村", "前店村", "马石店村", "岭上村", "初家泊村", "林家庄村", "台依村",
    ),
    communities=("夏村社区", "东山口社区", "庙子夼社区", "马石店社区", "台依社区"),
)

NANHUANG = TownSpec(
    name="南黄镇",
    slug="nanhuang",
    leadership=(
        ("secretary", "党委书记"),
        ("town_head", "党委副书记、镇长"),
        ("deputy_secretary", "党委副书记"),
        ("organisation", "党委委员、组织委员"),
    ),
    departments=(
        DepartmentSpec("党政办公室", OFFICE, ("主任", "文书"), 1, ("综合文字员",)),
        DepartmentSpec("党建工作办公室", OFFICE, ("主任", "组织干事"), 0, ("党建专干",)),
        DepartmentSpec("经济发展办公室", OFFICE, ("主任", "统计员"), 0, ("招商服务专员",)),
        DepartmentSpec("农业农村综合服务中心", STATION, ("主任", "农技员"), 1, ("水利协管员",)),
    ),
    villages=("南黄村", "北黄村", "凤凰岭村", "西涝口村"),
    communities=("南黄社区", "凤凰岭社区"),
)
# fmt: on

TOWNS = (XIACUN, NANHUANG)

# The head first; 妇联主席 is a woman.
VILLAGE_POSITIONS = (
    "党支部书记、村委会主任",
    "村委委员、妇联主席",
    "村委委员、报账员",
    "党支部委员、网格员",
    "村务监督委员会主任",
)

# (first year, last year, share of men) of each kind of post: community instructors are near
# retirement, non-established staff young, village heads older than their committees.
_PROFILE = {
    "leader": (1972, 1989, 0.8),
    "head": (1970, 1988, 0.7),
    "established": (1975, 1999, 0.55),
    "instructor": (1966, 1969, 0.85),
    "non_established": (1986, 2002, 0.45),
    "village_head": (1964, 1984, 0.9),
    "village": (1966, 1997, 0.6),
}
# Mobile number prefixes of the three carriers (13x, 15x but 154, 18x).
_PHONE_PREFIXES = tuple(f"{p}{d}" for p in ("13", "15", "18") for d in "0123456789" if p + d != "154")


# --- Who logs in --------------------------------------------------------------------------------


@dataclass(frozen=True)
class UserSpec:
    username: str
    role: Role
    town: str | None  # slug; None for city-wide roles (and the auditor of every town)
    description: str
    population: str = ""
    cadre: str = ""  # key of the cadre the account belongs to, in the same town
    display_name: str = ""  # when not linked to a cadre


# fmt: off
USERS = (
    UserSpec("admin", Role.TOWN_ADMIN, "xiacun", "manages people, users and roles of 夏村镇",
             display_name="夏村镇系统管理员"),
    UserSpec("kaohe", Role.ASSESSMENT_OFFICE, "xiacun", "考核办 head: schemes, periods, publication",
             cadre="head:考核办公室"),
    UserSpec("ducha", Role.SUPERVISION_OFFICE, "xiacun", "督查办 head: supervision items, bulletins",
             cadre="head:督查办公室"),
    UserSpec("dangjian", Role.PARTY_BUILDING_OFFICE, "xiacun", "党建办 head: monthly achievement records",
             cadre="head:党建工作办公室"),
    UserSpec("leader-leadership", Role.GROUP_LEADER, "xiacun", "镇长, leads the leadership members' group",
             population=Population.LEADERSHIP, cadre="town_head"),
    UserSpec("leader-agency", Role.GROUP_LEADER, "xiacun", "党委副书记, leads the agency cadres' group",
             population=Population.AGENCY, cadre="deputy_secretary"),
    UserSpec("leader-village", Role.GROUP_LEADER, "xiacun", "组织委员, leads the village cadres' group",
             population=Population.VILLAGE, cadre="organisation"),
    UserSpec("scorer-leadership", Role.SCORER, "xiacun", "scores leadership members (党政办 staff)",
             population=Population.LEADERSHIP, cadre="党政办公室:副主任"),
    UserSpec("scorer-agency", Role.SCORER, "xiacun", "scores agency cadres (考核办 staff)",
             population=Population.AGENCY, cadre="考核办公室:考核专干"),
    UserSpec("scorer-village", Role.SCORER, "xiacun", "scores village cadres (党建办 staff)",
             population=Population.VILLAGE, cadre="党建工作办公室:组织干事"),
    UserSpec("shuji", Role.MAIN_LEADER, "xiacun", "党委书记, main leader: reads everything",
             cadre="secretary"),
    UserSpec("cadre", Role.CADRE, "xiacun", "an agency cadre (招商专员): own scores and records",
             cadre="经济发展办公室:招商专员"),
    UserSpec("city", Role.CITY_ADMIN, None, "乳山市委组织部: every town",
             display_name="乳山市委组织部"),
    UserSpec("audit", Role.AUDITOR, "xiacun", "reads the audit log of 夏村镇",
             display_name="夏村镇审计员"),
    UserSpec("city-audit", Role.AUDITOR, None, "reads the audit log of every town and of no town",
             display_name="乳山市审计员"),
    UserSpec("nanhuang-admin", Role.TOWN_ADMIN, "nanhuang", "administrator of the second town",
             display_name="南黄镇系统管理员"),
)
# fmt: on


class DemoAccount(NamedTuple):
    username: str
    role: Any  # the role's label, translated when printed
    town: str
    description: str


_TOWN_NAMES = {spec.slug: spec.name for spec in TOWNS}
DEMO_ACCOUNTS: list[DemoAccount] = [
    DemoAccount(u.username, u.role.label, _TOWN_NAMES[u.town] if u.town else "all towns", u.description)
    for u in USERS
]


# --- The plan: everything worked out, nothing written ---------------------------------------------


@dataclass
class PlannedCadre:
    name: str
    gender: str
    id_number: str
    phone: str
    population: str
    position: str
    agency_category: str = ""
    department: str | None = None
    village: str | None = None
    is_middle_level: bool = False
    is_village_head: bool = False
    key: str = ""  # how user specs refer to the cadre
    personnel_type: str = ""  # stated for the established staff of the stations only (below)


@dataclass
class PlannedTown:
    spec: TownSpec
    cadres: list[PlannedCadre] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        agency = Counter(c.agency_category for c in self.cadres if c.population == Population.AGENCY)
        return {
            "departments": len(self.spec.departments),
            "villages": len(self.spec.villages),
            "leadership": sum(c.population == Population.LEADERSHIP for c in self.cadres),
            "agency": agency.total(),
            **{f"agency_{category}": agency[category] for category in AgencyCategory.values},
            "village_cadres": sum(c.population == Population.VILLAGE for c in self.cadres),
        }


@dataclass
class Plan:
    towns: list[PlannedTown]
    users: tuple[UserSpec, ...] = USERS

    def town(self, slug: str) -> PlannedTown:
        return next(t for t in self.towns if t.spec.slug == slug)

    def counts(self) -> dict[str, int]:
        totals: Counter[str] = Counter()
        for town in self.towns:
            totals.update(town.counts())
        return {
            "towns": len(self.towns),
            **totals,
            "cadres": sum(len(t.cadres) for t in self.towns),
            "users": len(self.users),
            "role_assignments": sum(u.role != Role.CADRE for u in self.users),
        }


class _People:
    """Draws names, ID numbers and phone numbers, each unique, from one seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.ids: set[str] = set()
        self.phones: set[str] = set()

    def person(self, profile: str, *, town_names: set[str], female: bool = False) -> dict[str, str]:
        first, last, male_share = _PROFILE[profile]
        year = self.rng.randint(first, last)
        male = not female and self.rng.random() < male_share
        return {
            "name": names.person_name(self.rng, male=male, birth_year=year, taken=town_names),
            "gender": Gender.MALE if male else Gender.FEMALE,
            "id_number": self._id_number(year, male),
            "phone": self._phone(),
        }

    def _id_number(self, year: int, male: bool) -> str:
        while True:
            born = date(year, 1, 1) + timedelta(days=self.rng.randrange(365))
            # The 17th digit is odd for men and even for women.
            serial = f"{self.rng.randrange(100):02d}{self.rng.randrange(0, 10, 2) + male}"
            first17 = f"{REGION_CODE}{born:%Y%m%d}{serial}"
            number = first17 + idnumbers.check_char(first17)
            if number not in self.ids:
                self.ids.add(number)
                return number

    def _phone(self) -> str:
        while True:
            phone = self.rng.choice(_PHONE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if phone not in self.phones:
                self.phones.add(phone)
                return phone


def _plan_town(spec: TownSpec, people: _People) -> PlannedTown:
    town = PlannedTown(spec)
    taken: set[str] = set()
    rng = people.rng

    for key, position in spec.leadership:
        town.cadres.append(
            PlannedCadre(
                **people.person("leader", town_names=taken),
                population=Population.LEADERSHIP,
                position=position,
                key=key,
            )
        )

    instructor = 0
    for dept in spec.departments:

        def agency(profile: str, category: str, position: str, *, dept=dept, **extra) -> PlannedCadre:
            cadre = PlannedCadre(
                **people.person(profile, town_names=taken),
                population=Population.AGENCY,
                agency_category=category,
                department=dept.name,
                position=position,
                **extra,
            )
            town.cadres.append(cadre)
            return cadre

        # The established staff of a station (站所: service centres, the natural-resources office, the
        # law-enforcement squadron) are public-institution staff (事业单位人员): graded 优秀/合格/基本合格/
        # 不合格 and paid the institutions' incentive pay; the offices' staff are civil servants (not
        # stated: their population says so).
        typed = {"personnel_type": PersonnelType.PUBLIC_INSTITUTION} if dept.kind == STATION else {}
        head, *others = dept.established
        agency(
            "head", AgencyCategory.ESTABLISHED, head, is_middle_level=True, key=f"head:{dept.name}", **typed
        )
        for position in others:
            # The first holder of a post can be named by user specs, e.g. "考核办公室:考核专干".
            key = f"{dept.name}:{position}"
            agency(
                "established",
                AgencyCategory.ESTABLISHED,
                position,
                key="" if any(c.key == key for c in town.cadres) else key,
                **typed,
            )
        for _n in range(dept.community_instructors):
            community = spec.communities[instructor % len(spec.communities)]
            agency("instructor", AgencyCategory.COMMUNITY_INSTRUCTOR, f"社区指导员（{community}）")
            instructor += 1
        for position in dept.non_established:
            agency("non_established", AgencyCategory.NON_ESTABLISHED, position)

    for village in spec.villages:
        for i, position in enumerate(VILLAGE_POSITIONS[: rng.randint(3, 5)]):
            person = people.person(
                "village_head" if i == 0 else "village", town_names=taken, female="妇联" in position
            )
            town.cadres.append(
                PlannedCadre(
                    **person,
                    population=Population.VILLAGE,
                    village=village,
                    position=position,
                    is_village_head=i == 0,
                )
            )
    return town


def build_plan(seed: int = SEED) -> Plan:
    """Every town, department, village, cadre and user of the demo; the same for the same seed."""
    people = _People(random.Random(seed))
    return Plan(towns=[_plan_town(spec, people) for spec in TOWNS])


# --- Writing it ---------------------------------------------------------------------------------


def load_people(*, plan: Plan | None = None) -> tuple[dict[str, int], dict[str, Town]]:
    """Write the demo's towns, departments, villages, cadres with their postings, accounts and roles;
    return the counts and the towns by slug. `kaoping.site.demo.load_demo` calls it in its transaction.

    Refuses (DomainError) when a demo town or username is already taken.
    """
    plan = plan or build_plan()
    slugs = [t.spec.slug for t in plan.towns]
    usernames = [u.username for u in plan.users]
    # One hash for every account: the default hasher takes a noticeable time per password.
    password = make_password(DEMO_PASSWORD)
    now = timezone.now()

    with transaction.atomic():
        taken = Town.objects.filter(slug__in=slugs).exists()
        if taken or User.objects.filter(username__in=usernames).exists():
            # An operator message (only `kaoping demo` loads the demo), so not in the catalogue.
            raise DomainError("The demo towns or accounts already exist; reset the database first.")

        towns = Town.objects.bulk_create(
            [Town(name=t.spec.name, slug=t.spec.slug, city=CITY) for t in plan.towns]
        )
        town_of = {t.slug: t for t in towns}
        departments = Department.objects.bulk_create(
            [
                Department(town=town_of[t.spec.slug], name=d.name, kind=d.kind, sort_order=i)
                for t in plan.towns
                for i, d in enumerate(t.spec.departments, start=1)
            ]
        )
        department_of = {(d.town.slug, d.name): d for d in departments}
        villages = Village.objects.bulk_create(
            [
                Village(town=town_of[t.spec.slug], name=name, sort_order=i)
                for t in plan.towns
                for i, name in enumerate(t.spec.villages, start=1)
            ]
        )
        village_of = {(v.town.slug, v.name): v for v in villages}

        planned = [(t.spec.slug, c) for t in plan.towns for c in t.cadres]
        cadres = Cadre.objects.bulk_create(
            [
                Cadre(
                    town=town_of[slug],
                    name=c.name,
                    gender=c.gender,
                    id_number=c.id_number,
                    phone=c.phone,
                    population=c.population,
                    agency_category=c.agency_category,
                    position=c.position,
                    department=department_of[slug, c.department] if c.department else None,
                    village=village_of[slug, c.village] if c.village else None,
                    is_middle_level=c.is_middle_level,
                    is_village_head=c.is_village_head,
                    personnel_type=c.personnel_type,
                )
                for slug, c in planned
            ]
        )
        # Everyone is in post since before the demo's first scored month (but `_roster_changes`).
        Posting.objects.bulk_create(Posting.opening(cadre, DEMO_IN_POST_FROM) for cadre in cadres)
        cadre_of = {(slug, c.key): cadre for (slug, c), cadre in zip(planned, cadres, strict=True) if c.key}
        _transfer_in_history(cadre_of["xiacun", DEMO_TRANSFER_KEY])
        _roster_changes(town_of["xiacun"])

        users = User.objects.bulk_create(
            [
                User(
                    username=u.username,
                    password=password,
                    must_change_password=False,
                    password_changed_at=now,
                    cadre=cadre_of.get((u.town, u.cadre)),
                    display_name=cadre_of[u.town, u.cadre].name if u.cadre else u.display_name,
                )
                for u in plan.users
            ]
        )
        RoleAssignment.objects.bulk_create(
            [
                RoleAssignment(
                    user=user, role=u.role, town=town_of[u.town] if u.town else None, population=u.population
                )
                for u, user in zip(plan.users, users, strict=True)
                if u.role != Role.CADRE  # a cadre's role comes from the link to the cadre record
            ]
        )

    return plan.counts(), town_of


# The demo's "today" and its two years of monthly scoring up to it: October 2024 to November 2026,
# every month published but November, still open. The whole of 2025 is published.
DEMO_TODAY = date(2026, 11, 24)
HISTORY_START = date(2024, 10, 1)
HISTORY_MONTHS = [date(2024, m, 1) for m in (10, 11, 12)] + [
    date(year, m, 1) for year in (2025, 2026) for m in range(1, 13) if date(year, m, 1) <= DEMO_TODAY
]
# The monthly records (工作实绩纪实) cover the last year of it, December 2025 to November 2026: their
# twelve exemplary cases a year are the year's, and a second year would add a quarter to the demo's time.
RECORD_MONTHS = HISTORY_MONTHS[-12:]
DEMO_IN_POST_FROM = date(2024, 1, 1)
# The roster over the two years: a window clerk hired, a community instructor retired, a village
# committee member elected at the 2026 village elections (村两委换届), the demo cadre transferred and a
# village cadre leaving in the month still open.
DEMO_JOINED_ON = date(2025, 3, 1)  # a non-established 综合窗口受理员 of the 便民服务中心 is hired
DEMO_RETIRED_ON = date(2025, 6, 30)  # a community instructor retires at the end of June 2025
DEMO_ELECTED_ON = date(2026, 4, 1)  # a village cadre joins their village committee after the elections
# The demo cadre (招商专员) was non-established staff until June 2026 and is established staff from
# July: the months before July rank them among the non-established, from July among the established.
DEMO_TRANSFER_KEY = "经济发展办公室:招商专员"
DEMO_TRANSFER_ON = date(2026, 7, 1)
DEMO_LEFT_ON = date(2026, 11, 20)  # a village cadre retires in the month still open


def leave_in_open_month(town: Town) -> None:
    """A village cadre left service on DEMO_LEFT_ON, in the month still open: November counts them
    (in post on its first day), the months after do not. Written after the history, so that every
    month already computed stays as it was."""
    cadre = (
        Cadre.objects.filter(town=town, population=Population.VILLAGE, is_village_head=False)
        .order_by("pk")
        .first()
    )
    if cadre is None:
        return
    Cadre.objects.filter(pk=cadre.pk).update(is_active=False, deactivated_on=DEMO_LEFT_ON)
    Posting.objects.filter(cadre=cadre, ends_on__isnull=True).update(ends_on=DEMO_LEFT_ON)


def _roster_changes(town: Town) -> None:
    """Cadres who joined or left during the demo's history (none of them has an account): each month
    scores the people in post on its first day, so they are ranked only in the months they served."""
    clerk = Cadre.objects.filter(town=town, position="综合窗口受理员").order_by("-pk").first()
    if clerk is not None:  # hired: no posting before
        Posting.objects.filter(cadre=clerk).update(starts_on=DEMO_JOINED_ON)
    instructor = (
        Cadre.objects.filter(town=town, agency_category=AgencyCategory.COMMUNITY_INSTRUCTOR)
        .order_by("pk")
        .first()
    )
    if instructor is not None:  # retired: gone from July 2025
        Cadre.objects.filter(pk=instructor.pk).update(is_active=False, deactivated_on=DEMO_RETIRED_ON)
        Posting.objects.filter(cadre=instructor).update(ends_on=DEMO_RETIRED_ON)
    # The last village committee member in the town; `leave_in_open_month` takes the first.
    elected = (
        Cadre.objects.filter(town=town, population=Population.VILLAGE, is_village_head=False)
        .order_by("-pk")
        .first()
    )
    if elected is not None:
        Posting.objects.filter(cadre=elected).update(starts_on=DEMO_ELECTED_ON)


def _transfer_in_history(cadre: Cadre) -> None:
    """Give `cadre` a transfer between agency categories in the demo's history (their page shows it)."""
    earlier = Posting.objects.get(cadre=cadre)
    earlier.ends_on = DEMO_TRANSFER_ON - timedelta(days=1)
    earlier.agency_category = AgencyCategory.NON_ESTABLISHED
    earlier.save(update_fields=["ends_on", "agency_category"])
    Posting.opening(cadre, DEMO_TRANSFER_ON).save()
