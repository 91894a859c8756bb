"""Every page of the project, fed garbage by every role that may open it, answers without a 500.

The module walks the URL configuration, so a new page is fuzzed as soon as it is routed (and
`test_every_page_of_the_project_is_fuzzed` fails until its path parameters are known here). It builds
one small town (a scheme, an open month and its sheets, a bonus, supervision items, a bulletin, an
evaluation round) and a second town whose every name carries MARKER. It then opens every page once as
every persona to learn who reaches it and which forms it shows (field names, offered choices), and
throws hypothesis-drawn query strings and form bodies at each page: huge and negative integers,
2**63, '1e309', 'NaN', full-width and superscript digits, control characters, very long strings,
impossible dates, several values for one field, and the other town's object ids.

Each page must answer below 500, and must never show the other town's names to someone of this town.
Each request runs in a savepoint that is rolled back, so what one example changes does not leak into
the next, and the run is the same every time (derandomized).

Run deeper locally with
`KAOPING_FUZZ_EXAMPLES=500 .venv/bin/python -m pytest kaoping/core/tests/test_fuzz_views.py`
(default: 6 drawn examples per page besides the sweep of the worst values).
"""

import copy
import os
import re
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kaoping import testing
from kaoping.accounts.models import Role
from kaoping.people.models import Department, Population, Village

EXAMPLES = int(os.environ.get("KAOPING_FUZZ_EXAMPLES", "6"))
MARKER = "异乡"  # in every name of the other town; never in a page of this town
MONTH, OTHER_MONTH = "2026-03", "2026-04"
ROUND, OTHER_ROUND = "2026Q1", "2026Q2"

NASTY = [
    "",
    " ",
    "0",
    "-1",
    "-5",
    "1.5",
    "2147483648",
    str(2**63 - 1),
    str(2**63),
    str(2**64),
    "99999999999999999999",
    "9" * 400,
    "1e309",
    "-1e309",
    "NaN",
    "inf",
    "0x10",
    "1_000",
    "１２",
    "²",
    "٣",
    " 7 ",
    "\x00",
    "1\x00",
    "\x1f\x7f",
    "\u202e",
    "𠀀",
    "x" * 5000,
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%",
    "_",
    "\\",
    "2026-02-30",
    "0000-00-00",
    "9999-12-31",
    "10000-01-01",
    "-2026-01-01",
    "2026-13",
    "2026-03-01T25:61",
    "Q5",
    "on",
    "true",
]
# The worst of them, tried in every field of every page at once.
SWEEP = [str(2**64), "²", "9999-12-31", "a\x00b"]
# Query parameters some page reads, tried on every page.
GENERIC_PARAMS = [
    "page",
    "q",
    "department",
    "village",
    "population",
    "category",
    "status",
    "month",
    "year",
    "kind",
    "pool",
    "span",
    "overdue",
    "role",
    "town",
    "user",
    "action",
    "object_type",
    "date_from",
    "date_to",
    "next",
]


# The world -------------------------------------------------------------------------------------------


def _build_town(town, personas, *, office, supervisor, mark=""):
    """A scheme, an open month, a bonus, items, a bulletin and a round in `town`."""
    from kaoping.evaluation import services as evaluation
    from kaoping.indicators.models import AdjustmentReason, Category, Indicator
    from kaoping.scoring import services as scoring
    from kaoping.supervision import services as supervision
    from kaoping.supervision.models import Bulletin

    month = date(2026, 3, 1) if not mark else date(2026, 4, 1)
    scheme = testing.make_scheme(town)
    scheme.name = f"{mark}方案"
    scheme.save(update_fields=["name"])
    Category.objects.filter(scheme=scheme).update(name=f"{mark}党的建设")
    Indicator.objects.filter(scheme=scheme).update(name=f"{mark}党建工作")
    AdjustmentReason.objects.filter(scheme=scheme).update(name=f"{mark}改革创新")
    department = Department.objects.create(town=town, name=f"{mark}财政所", sort_order=2)
    village = Village.objects.create(town=town, name=f"{mark}西村")
    serial = 10 if mark else 1
    cadres = [
        testing.make_cadre(town, f"{mark}张伟", serial, department=department, is_middle_level=True),
        testing.make_cadre(town, f"{mark}李娜", serial + 1),
        testing.make_cadre(town, f"{mark}赵强", serial + 2, population=Population.VILLAGE, village=village),
    ]
    owner = personas["cadre"].cadre if not mark else cadres[1]
    period = scoring.period_open(actor=office, town=town, month=month)
    reason = AdjustmentReason.objects.filter(scheme=scheme, kind="bonus").first()
    adjustment = scoring.adjustment_create(
        actor=office,
        period=period,
        reason=reason,
        title=f"{mark}招商",
        evidence="文件",
        shares=[scoring.ShareInput(cadre=cadres[0], points=Decimal(1))],
    )
    item = supervision.item_create(
        actor=supervisor,
        town=town,
        data=supervision.ItemData(
            source="meeting",
            title=f"{mark}秸秆禁烧巡查",
            assigned_on=date(2026, 5, 1),
            deadline=date(2026, 5, 20),
            owners=[owner],
            co_owners=[cadres[0]],
            department=department,
        ),
    )
    bulletin = Bulletin.objects.create(
        town=town,
        period_label="2026年5月",
        title=f"{mark}督查通报",
        body=f"{mark}正文",
        issuer="督查室",
        created_by=supervisor,
    )
    bulletin.items.set([item])
    round_ = evaluation.round_create(
        actor=office,
        town=town,
        year=2026,
        quarter=1 if not mark else 2,
        title=f"{mark}测评",
        held_on=date(2026, 3, 28),
        cadres=cadres,
        classes=evaluation.default_classes(2),
    )
    evaluation.codes_generate(actor=office, round=round_)
    from kaoping.audit.models import AuditEntry
    from kaoping.inbox.models import Message
    from kaoping.results.models import Correction

    correction = Correction.objects.create(town=town, period=period, year=month.year, causes=[f"{mark}核验"])
    from kaoping.quarterly import services as quarterly

    meeting = quarterly.meeting_save(
        actor=office,
        town=town,
        meeting=None,
        year=2026,
        quarter=1 if not mark else 2,
        values={"title": f"{mark}季度会议", "held_on": date(2026, 4, 10), "place": f"{mark}会议室"},
    )
    visit = quarterly.visit_add(actor=office, meeting=meeting, kind="village", name=f"{mark}东村", note="")
    report = quarterly.report_add(
        actor=office, meeting=meeting, cadre=cadres[0], text=f"{mark}述职", comment_by=None, comment=""
    )
    quarterly.list_compute(actor=office, meeting=meeting)
    listed = quarterly.entry_add(actor=office, meeting=meeting, cadre=cadres[1], reason=f"{mark}理由")
    quarterly.list_finalise(actor=office, meeting=meeting, confirmed=True)
    rectification = quarterly.rectification_record(
        actor=office, entry=listed, measures=f"{mark}措施", deadline=date(2026, 5, 1)
    )
    area, record, attachment = _build_records(town, cadres[0], month, mark)
    from kaoping.appeals.models import Appeal

    appeal = Appeal.objects.create(
        town=town,
        stage="objection",
        kind="results.month",
        subject_id=9_000 + len(mark),
        subject_label=f"{mark}月度结果",
        cadre=personas["cadre"].cadre if not mark else cadres[1],
        reason=f"{mark}理由",
        raised_by=personas["cadre"],
        due_on=date(2026, 5, 10),
        outcome_before="88.00",
        token=f"fuzz-{town.slug}",
    )

    from kaoping.annual import services as annual

    annual_case = annual.case_save(
        actor=office, town=town, year=2026, cadre=cadres[1], kind="undetermined", reason="probation"
    )

    return {
        "town": town,
        "scheme": scheme,
        "category": scheme.categories.first(),
        "indicator": scheme.indicators.first(),
        "reason": reason,
        "period": period,
        "sheet": period.sheets.first(),
        "adjustment": adjustment,
        "department": department,
        "village": village,
        "cadre": cadres[0],
        "item": item,
        "bulletin": bulletin,
        "round": round_,
        "entry": AuditEntry.objects.filter(town=town).order_by("pk").last(),
        "cadres": cadres,
        "correction": correction,
        "meeting": meeting,
        "visit": visit,
        "report": report,
        "listed": listed,
        "rectification": rectification,
        # A message of the town (opening the month asked its scorers to fill their sheet).
        "message": Message.objects.filter(town=town).order_by("pk").first(),
        "area": area,
        "record": record,
        "attachment": attachment,
        "appeal": appeal,
        "annual_case": annual_case,
    }


def _build_records(town, cadre, month, mark):
    """A leader in charge of `cadre`'s unit, their submitted record of `month` with a photo."""
    import io

    from kaoping.files import services as files
    from kaoping.files.tests import samples
    from kaoping.records.models import Entry, LeaderArea, MonthRecord, RecordStatus

    leader = testing.make_cadre(town, f"{mark}分管", 880, Population.LEADERSHIP)
    testing.make_user(f"leader-{town.slug}", town=town, role=None, cadre=leader)
    unit = (
        {"village": cadre.village}
        if cadre.population == Population.VILLAGE
        else {"department": cadre.department}
    )
    # In charge for the month only: the other town's month under this town's address finds nothing.
    last = date(month.year, month.month + 1, 1) - timedelta(days=1)
    area = LeaderArea.objects.create(town=town, leader=leader, starts_on=month, ends_on=last, **unit)
    record = MonthRecord.objects.create(
        town=town,
        month=month,
        cadre=cadre,
        leader=leader,
        status=RecordStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )
    entry = Entry.objects.create(record=record, heading="post_duties", text=f"{mark}完成岗位工作")
    attachment = files.attachment_store(
        actor=None, town=town, name=f"{mark}照片.png", stream=io.BytesIO(samples.PNG), size=len(samples.PNG)
    )
    files.attachments_attach(attachments=[attachment], owner_type="records.entry", owner_id=entry.pk)
    return area, record, attachment


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Both towns, built once for the module inside a transaction rolled back at its end."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            make_password("warm")  # noqa: S106
            town = testing.make_town()
            other_town = testing.make_town(slug="nanhuang", name=f"{MARKER}南黄镇")
            personas = testing.make_personas(town, other_town)
            other_office = testing.make_user("other_office", town=other_town, role=Role.ASSESSMENT_OFFICE)
            other_supervisor = testing.make_user(
                "other_supervisor", town=other_town, role=Role.SUPERVISION_OFFICE
            )
            testing.make_user("other_scorer", town=other_town, role=Role.SCORER, population="agency")
            own = _build_town(
                town,
                personas,
                office=personas["assessment_office"],
                supervisor=personas["supervision_office"],
            )
            other = _build_town(
                other_town, personas, office=other_office, supervisor=other_supervisor, mark=MARKER
            )
            own["user"], other["user"] = personas["scorer"], other_supervisor
            yield {"own": own, "other": other, "personas": personas}
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


# The pages -------------------------------------------------------------------------------------------


def _walk(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{namespace}{p.name}", prefix + str(p.pattern), p.pattern.converters, p.default_args


def every_page():
    pages = {name: (route, converters) for name, route, converters, _d in _walk(get_resolver().url_patterns)}
    return sorted(pages.items())


# What an integer `pk` in a page's path names, by the page's name.
PK_OF = [
    ("accounts:user_", "user"),
    ("people:town_", "town"),
    ("people:cadre_", "cadre"),
    ("people:department_", "department"),
    ("people:village_", "village"),
    ("audit:entry_", "entry"),
    ("indicators:", "scheme"),
    ("scoring:adjustment_", "adjustment"),
    ("results:correction_", "correction"),
    ("supervision:item_", "item"),
    ("supervision:bulletin_", "bulletin"),
    ("quarterly:rectification_", "rectification"),
    ("quarterly:", "meeting"),
    ("inbox:message_", "message"),
    ("dossier:", "cadre"),
    ("files:", "attachment"),
    ("records:area_", "area"),
    ("records:record_", "record"),
    ("meetings:decide", "record"),
    ("appeals:", "appeal"),
    ("annual:case_", "annual_case"),
    ("annual:", "cadre"),
]


def _path_kwargs(name: str, route: str, objects: dict) -> dict | None:
    """The path parameters of page `name` filled from `objects` (one town's), or None if unknown."""
    kwargs = {}
    for param in re.findall(r"<(?:\w+:)?(\w+)>", route):
        if param == "town":
            kwargs[param] = objects["town"].slug
        elif param == "month":
            kwargs[param] = f"{objects['period'].month:%Y-%m}"
        elif param == "round":
            kwargs[param] = f"{objects['round'].year}Q{objects['round'].quarter}"
        elif param == "year":  # the annual evaluation's or a pay plan's year
            kwargs[param] = 2026
        elif param == "pool":
            kwargs[param] = "agency:established"
        elif param == "kind":  # a pay plan's kind
            kwargs[param] = "non_established_bonus"
        elif param == "to":  # the state a month (or a pay plan) is moved to, confirmed first
            kwargs[param] = "approved" if name.startswith("pay:") else "closed"
        elif param == "uidb64":  # a password link (the same in every town): an account, a wrong token
            kwargs[param] = urlsafe_base64_encode(force_bytes(1))
        elif param == "token":
            kwargs[param] = "cz8x1-0123456789abcdef0123456789abcdef"
        elif param == "stage":  # an objection or a review of a subject of a registered kind
            kwargs[param] = "objection"
        elif param == "kind":
            kwargs[param] = objects["appeal"].kind
        elif param == "subject":
            kwargs[param] = objects["appeal"].subject_id
        elif param == "pk":
            thing = next((t for prefix, t in PK_OF if name.startswith(prefix)), None)
            if thing is None:
                return None
            kwargs[param] = objects[thing].pk
        elif param in objects:
            kwargs[param] = objects[param].pk
        else:
            return None
    return kwargs


def _url(name, route, objects):
    return reverse(name, kwargs=_path_kwargs(name, route, objects))


# Forms found on the pages ----------------------------------------------------------------------------


class _Forms(HTMLParser):
    """The forms of a page: their action, method, and each field's offered and current values."""

    def __init__(self, page: str):
        super().__init__()
        self.page = page
        self.forms: list[dict] = []
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            action = urlsplit(urljoin(self.page, a.get("action") or self.page)).path
            self.forms.append({"action": action, "method": (a.get("method") or "get").lower(), "fields": {}})
            return
        if not self.forms:
            return
        fields = self.forms[-1]["fields"]
        name = a.get("name")
        if tag == "input" and name and name != "csrfmiddlewaretoken":
            kind = (a.get("type") or "text").lower()
            field = fields.setdefault(name, {"offered": [], "current": [], "type": kind})
            value = a.get("value")
            if kind in ("checkbox", "radio"):
                field["offered"].append(value or "on")
                if "checked" in a:
                    field["current"].append(value or "on")
            elif kind not in ("submit", "button", "file"):
                if value:
                    field["offered"].append(value)
                    field["current"] = [value]
            elif kind == "submit" and value:
                field["offered"].append(value)
        elif tag == "select" and name:
            self._select = fields.setdefault(name, {"offered": [], "current": [], "type": "select"})
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            self._select["offered"].append(value)
            if "selected" in a:
                self._select["current"].append(value)
        elif tag == "textarea" and name:
            self._textarea = fields.setdefault(name, {"offered": [], "current": [], "type": "textarea"})
        elif tag == "button" and name:
            field = fields.setdefault(name, {"offered": [], "current": [], "type": "submit"})
            field["offered"].append(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None and data.strip():
            self._textarea["current"] = [data]


def _plausible(field: dict) -> list[str]:
    """A value a person would submit in the field, to get past the fields not being fuzzed."""
    if field["current"]:
        return field["current"]
    options = [o for o in field["offered"] if o]
    if field["type"] in ("checkbox",):
        return []
    if options:
        return options[:1]
    return {
        "date": ["2026-05-10"],
        "number": ["1"],
        "month": [MONTH],
        "datetime-local": ["2026-05-10T10:00"],
    }.get(field["type"], ["测试内容"])


# One persona per kind of access; the others (party-building office, group leader) see what these see.
VISITORS = [
    None,
    "assessment_office",
    "supervision_office",
    "town_admin",
    "main_leader",
    "scorer",
    "cadre",
    "auditor",
    "city_admin",
]


@pytest.fixture(scope="module")
def site(world, django_db_blocker):
    """Who reaches each page, and the form fields aimed at each path, from one visit of every page.

    Also one logged-in client per persona, reused by the tests (`_request` keeps their cookies).
    """
    personas = world["personas"]
    reach: dict[str, list[str]] = {}
    fields: dict[tuple[str, str], dict] = defaultdict(dict)
    clients = {}
    with django_db_blocker.unblock():
        for who in VISITORS:
            clients[who] = Client(raise_request_exception=True)
            if who is not None:
                clients[who].force_login(personas[who])
        for name, (route, _c) in every_page():
            kwargs = _path_kwargs(name, route, world["own"])
            if kwargs is None:
                continue
            url = reverse(name, kwargs=kwargs)
            reach[name] = []
            for who in VISITORS:
                try:
                    response = _request(clients[who], "get", url, {})
                    if response.status_code == 405:
                        response = _request(clients[who], "post", url, {})
                except Exception:  # the page's own test reports it
                    reach[name].append(who)
                    continue
                to_login = response.status_code == 302 and "/accounts/login/" in response.get("Location", "")
                if response.status_code in (403, 404, 405) or to_login:
                    continue
                reach[name].append(who)
                if response.get("Content-Type", "").startswith("text/html"):
                    parser = _Forms(url)
                    parser.feed(response.content.decode())
                    for form in parser.forms:
                        for field_name, field in form["fields"].items():
                            known = fields[(form["action"], form["method"])].setdefault(
                                field_name, {"offered": [], "current": [], "type": field["type"]}
                            )
                            known["offered"] = list(dict.fromkeys(known["offered"] + field["offered"]))
                            known["current"] = known["current"] or field["current"]
    return {"reach": reach, "fields": fields, "clients": clients}


# The strategies --------------------------------------------------------------------------------------


def _other_ids(world) -> list[str]:
    return sorted({str(o.pk) for k, o in world["other"].items() if hasattr(o, "pk")})


def _values(field: dict, other_ids: list[str]):
    offered = [v for v in field["offered"]] or ["1"]
    one = st.one_of(
        st.sampled_from(NASTY),
        st.sampled_from(other_ids),
        st.sampled_from(offered),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.text(max_size=20),
    )
    return st.one_of(one.map(lambda v: [v]), st.lists(one, min_size=2, max_size=3), st.just([]))


@st.composite
def _body(draw, fields: dict, other_ids: list[str]):
    """A form as a person would fill it, with a few fields (or all of them) replaced by garbage."""
    names = sorted(fields)
    if names and draw(st.booleans()):
        spoiled = set(draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True)))
    else:
        spoiled = set(names)
    data = {}
    for name in names:
        values = draw(_values(fields[name], other_ids)) if name in spoiled else _plausible(fields[name])
        if values:
            data[name] = values
    return data


def _query(other_ids, names):
    field = {"offered": ["1", MONTH, "all", "agency", "village", "2026"], "current": [], "type": "text"}
    return st.dictionaries(st.sampled_from(names), _values(field, other_ids).filter(bool), max_size=8)


# The tests -------------------------------------------------------------------------------------------

PAGES = [name for name, _r in every_page()]

# Pages that convert a document with LibreOffice (seconds a request): one example, no sweep.
SLOW = {"supervision:bulletin_pdf", "dossier:pdf", "yearbook:pdf"}


def test_every_page_of_the_project_is_fuzzed(world, db):
    unknown = [name for name, (route, _c) in every_page() if _path_kwargs(name, route, world["own"]) is None]
    assert unknown == []


def _request(client, method, url, data):
    """One request, whatever it changes undone: rows, cache, and the client's cookies (a logout, a
    language chosen)."""
    cookies = copy.deepcopy(client.cookies)
    with transaction.atomic():
        try:
            if method == "get":
                return client.get(url, data)
            return client.post(url, data)
        finally:
            transaction.set_rollback(True)
            cache.clear()
            client.cookies = cookies


@pytest.mark.parametrize("name", PAGES)
def test_garbage_never_breaks_a_page_nor_shows_another_town(name, world, site, db):
    route = dict(every_page())[name][0]
    url = _url(name, route, world["own"])
    reach = site["reach"].get(name) or [None]
    other_ids = _other_ids(world)
    post_fields = site["fields"].get((url, "post"), {})
    get_fields = site["fields"].get((url, "get"), {})
    query_names = sorted(set(GENERIC_PARAMS) | set(get_fields))

    slow = name in SLOW

    @settings(
        max_examples=1 if slow else EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        who=st.sampled_from(reach),
        method=st.sampled_from(["get", "post"]),
        query=_query(other_ids, query_names),
        body=_body(post_fields, other_ids),
        form=_body(get_fields, other_ids),
    )
    def fuzz(who, method, query, body, form):
        _check(site["clients"][who], who, method, url, query, body, form)

    # Besides the drawn examples, every field of the page at once with each of the worst values.
    for value in [] if slow else SWEEP:
        everything = {name: [value] for name in query_names}
        fuzz = example(who=reach[0], method="get", query=everything, body={}, form={})(fuzz)
        spoiled = {name: [value] for name in post_fields}
        fuzz = example(who=reach[0], method="post", query={}, body=spoiled, form={})(fuzz)
    fuzz()


def _check(client, who, method, url, query, body, form):
    """One request of the fuzz: below 500, and nothing of the other town unless the city's."""
    data = {**form, **query} if method == "get" else body
    target = url if method == "get" or not query else f"{url}?{_encode(query)}"
    response = _request(client, method, target, data)
    assert response.status_code < 500, f"{method.upper()} {target} {data!r} as {who}: {response.status_code}"
    if who != "city_admin" and not response.streaming:
        assert MARKER.encode() not in response.content, f"{target} as {who} shows the other town"


def _encode(query):
    from urllib.parse import urlencode

    return urlencode(query, doseq=True)


@pytest.mark.parametrize("name", PAGES)
def test_another_towns_object_under_ones_own_town_is_not_found(name, world, site, db):
    route = dict(every_page())[name][0]
    own_kwargs = _path_kwargs(name, route, world["own"])
    other_kwargs = _path_kwargs(name, route, world["other"])
    swappable = [k for k in own_kwargs if k != "town" and own_kwargs[k] != other_kwargs[k]]
    if not swappable or name.startswith("people:town_"):
        pytest.skip("no object of a town in the path")
    for who in [w for w in site["reach"].get(name) or [] if w not in (None, "city_admin")][:1]:
        client = site["clients"][who]
        for key in swappable:
            url = reverse(name, kwargs={**own_kwargs, key: other_kwargs[key]})
            response = _request(client, "get", url, {})
            if response.status_code == 405:
                response = _request(client, "post", url, {})
            assert response.status_code == 404, f"{url} as {who}: {response.status_code}"
