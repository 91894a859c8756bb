"""The permission matrix: every role × every page, against a table written out by hand."""

import pytest
from django.urls import reverse

from kaoping.accounts.models import Role
from kaoping.accounts.permissions import POLICY, Action

R = Role
STAFF = {
    R.TOWN_ADMIN,
    R.ASSESSMENT_OFFICE,
    R.SUPERVISION_OFFICE,
    R.PARTY_BUILDING_OFFICE,
    R.GROUP_LEADER,
    R.SCORER,
    R.MAIN_LEADER,
    R.CITY_ADMIN,
}
PEOPLE_ADMINS = {R.TOWN_ADMIN, R.ASSESSMENT_OFFICE, R.CITY_ADMIN}
RECORD_READERS = {R.PARTY_BUILDING_OFFICE, R.MAIN_LEADER, R.ASSESSMENT_OFFICE, R.CITY_ADMIN}

# (route name, kwargs builder, roles that get the page). Everyone else of the town gets 403.
PAGES = [
    ("town_home", lambda t, c: {"town": t.slug}, STAFF | {R.CADRE}),
    ("people:cadre_list", lambda t, c: {"town": t.slug}, STAFF | {R.CADRE}),
    ("people:cadre_detail", lambda t, c: {"town": t.slug, "pk": c.pk}, STAFF | {R.CADRE}),
    ("people:department_list", lambda t, c: {"town": t.slug}, STAFF | {R.CADRE}),
    ("people:village_list", lambda t, c: {"town": t.slug}, STAFF | {R.CADRE}),
    ("people:cadre_create", lambda t, c: {"town": t.slug}, PEOPLE_ADMINS),
    ("people:cadre_edit", lambda t, c: {"town": t.slug, "pk": c.pk}, PEOPLE_ADMINS),
    ("people:department_create", lambda t, c: {"town": t.slug}, PEOPLE_ADMINS),
    ("people:village_create", lambda t, c: {"town": t.slug}, PEOPLE_ADMINS),
    ("accounts:user_list", lambda t, c: {"town": t.slug}, {R.TOWN_ADMIN, R.CITY_ADMIN}),
    ("accounts:user_create", lambda t, c: {"town": t.slug}, {R.TOWN_ADMIN, R.CITY_ADMIN}),
    # The cadre dossier: the offices preparing selection and appointment and the Party secretary; the
    # cadre opens their own (the persona cadre's dossier here; someone else's: test_dossier.py).
    (
        "dossier:page",
        lambda t, c: {"town": t.slug, "pk": c.pk},
        {R.ASSESSMENT_OFFICE, R.PARTY_BUILDING_OFFICE, R.MAIN_LEADER, R.CADRE},
    ),
    # Corrections of published months: seen by the office, the Party secretary and the city.
    (
        "results:correction_list",
        lambda t, c: {"town": t.slug},
        {R.ASSESSMENT_OFFICE, R.MAIN_LEADER, R.CITY_ADMIN},
    ),
    # Monthly achievement records: the offices that read them all, the Party-building office that
    # runs them, a cadre their own; the leader in charge fills through the cadre role (object rules in
    # kaoping/records/tests/test_views.py).
    ("records:completeness", lambda t, c: {"town": t.slug}, RECORD_READERS),
    ("records:exemplary", lambda t, c: {"town": t.slug}, RECORD_READERS),
    ("records:setup", lambda t, c: {"town": t.slug}, {R.PARTY_BUILDING_OFFICE}),
    ("records:own", lambda t, c: {"town": t.slug}, {R.CADRE}),
    ("records:mine", lambda t, c: {"town": t.slug}, {R.CADRE}),
    # The meeting pages need a month with records: kaoping/records/tests/test_views.py holds their matrix.
]
# The quarterly meetings: the town reads them; the assessment office prepares them and sets the rules.
PAGES += [
    ("quarterly:meeting_list", lambda t, c: {"town": t.slug}, STAFF | {R.CADRE}),
    ("quarterly:rectification_list", lambda t, c: {"town": t.slug}, STAFF | {R.CADRE}),
    ("quarterly:rule_list", lambda t, c: {"town": t.slug}, {R.ASSESSMENT_OFFICE}),
    ("quarterly:meeting_create", lambda t, c: {"town": t.slug}, {R.ASSESSMENT_OFFICE}),
]
# Objections and reviews: the office lists and answers them, the Party secretary and the city follow
# them, a cadre has their own list (object rules: kaoping/appeals/tests/test_views.py).
PAGES += [
    ("appeals:list", lambda t, c: {"town": t.slug}, {R.ASSESSMENT_OFFICE, R.MAIN_LEADER, R.CITY_ADMIN}),
    ("appeals:mine", lambda t, c: {"town": t.slug}, {R.CADRE}),
    ("appeals:rules", lambda t, c: {"town": t.slug}, {R.ASSESSMENT_OFFICE}),
]

# The annual evaluation: the offices preparing honours and pay, the Party secretary and the city read every
# pool; a cadre opens their own year (someone else's: kaoping/annual/tests/test_views.py).
ANNUAL_READERS = {R.ASSESSMENT_OFFICE, R.PARTY_BUILDING_OFFICE, R.MAIN_LEADER, R.CITY_ADMIN}
PAGES += [
    ("annual:overview", lambda t, c: {"town": t.slug}, ANNUAL_READERS),
    ("annual:settings", lambda t, c: {"town": t.slug, "year": 2026}, ANNUAL_READERS),
    ("annual:cases", lambda t, c: {"town": t.slug, "year": 2026}, ANNUAL_READERS),
    ("annual:honours", lambda t, c: {"town": t.slug, "year": 2026}, ANNUAL_READERS),
    (
        "annual:pool",
        lambda t, c: {"town": t.slug, "year": 2026, "pool": "agency:established"},
        ANNUAL_READERS,
    ),
    (
        "annual:pool_export",
        lambda t, c: {"town": t.slug, "year": 2026, "pool": "agency:established"},
        ANNUAL_READERS,
    ),
    ("annual:cadre", lambda t, c: {"town": t.slug, "year": 2026, "pk": c.pk}, ANNUAL_READERS | {R.CADRE}),
    # The village collectives' own scores: read with the year, entered and imported by the office only
    # (the posted steps: kaoping/annual/tests/test_collective_permissions.py).
    ("annual:collectives", lambda t, c: {"town": t.slug, "year": 2026}, ANNUAL_READERS),
    ("annual:collectives_export", lambda t, c: {"town": t.slug, "year": 2026}, ANNUAL_READERS),
    ("annual:collectives_template", lambda t, c: {"town": t.slug, "year": 2026}, {R.ASSESSMENT_OFFICE}),
]

# Pay tied to the annual results: the plans and everyone's amounts for the office and the Party
# secretary only; a cadre their own pay (the object rules and the workflow: kaoping/pay/tests).
PAY_READERS = {R.ASSESSMENT_OFFICE, R.MAIN_LEADER}
PAGES += [
    ("pay:overview", lambda t, c: {"town": t.slug}, PAY_READERS),
    ("pay:plan", lambda t, c: {"town": t.slug, "year": 2026, "kind": "non_established_bonus"}, PAY_READERS),
    ("pay:plan", lambda t, c: {"town": t.slug, "year": 2026, "kind": "institution_incentive"}, PAY_READERS),
    ("pay:mine", lambda t, c: {"town": t.slug}, {R.CADRE}),
]
# The town's annual report: the offices preparing the year's decisions, the Party secretary, the leaders
# and the city read it; a cadre does not (their year is in their dossier).
YEARBOOK_READERS = {R.ASSESSMENT_OFFICE, R.PARTY_BUILDING_OFFICE, R.MAIN_LEADER, R.GROUP_LEADER, R.CITY_ADMIN}
PAGES += [
    ("yearbook:report", lambda t, c: {"town": t.slug}, YEARBOOK_READERS),
    ("yearbook:year", lambda t, c: {"town": t.slug, "year": 2026}, YEARBOOK_READERS),
    ("yearbook:docx", lambda t, c: {"town": t.slug, "year": 2026}, YEARBOOK_READERS),
]
TOWNLESS_PAGES = [
    ("people:town_list", {R.CITY_ADMIN}),
    ("people:town_create", {R.CITY_ADMIN}),
]


def _cases():
    for name, kwargs, allowed in PAGES:
        for role in Role:
            yield pytest.param(name, kwargs, role, role in allowed, id=f"{name}-{role.value}")


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "kwargs", "role", "allowed"), list(_cases()))
def test_each_role_gets_exactly_the_town_pages_it_is_allowed(
    client_for, personas, town, name, kwargs, role, allowed
):
    cadre = personas["cadre"].cadre
    response = client_for(personas[role.value]).get(reverse(name, kwargs=kwargs(town, cadre)))
    assert response.status_code == (200 if allowed else 403)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "kwargs", "allowed"), [(n, k, a) for n, k, a in PAGES])
def test_a_user_of_another_town_gets_not_found_for_every_town_page(
    client_for, personas, town, name, kwargs, allowed
):
    cadre = personas["cadre"].cadre
    response = client_for(personas["other_town_admin"]).get(reverse(name, kwargs=kwargs(town, cadre)))
    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "allowed"), TOWNLESS_PAGES)
def test_only_the_city_administrator_manages_towns(client_for, personas, name, allowed):
    for role in Role:
        response = client_for(personas[role.value]).get(reverse(name))
        assert response.status_code == (200 if role in allowed else 403), role


@pytest.mark.django_db
def test_a_cadre_of_another_town_is_not_found_under_this_towns_address(
    client_for, personas, town, other_town
):
    from kaoping import testing

    stranger = testing.make_cadre(other_town, "李四", 77)
    client = client_for(personas["town_admin"])
    for name in ("people:cadre_detail", "people:cadre_edit"):
        assert client.get(reverse(name, kwargs={"town": town.slug, "pk": stranger.pk})).status_code == 404
    response = client.post(reverse("people:cadre_set_active", kwargs={"town": town.slug, "pk": stranger.pk}))
    assert response.status_code == 404
    stranger.refresh_from_db()
    assert stranger.is_active


@pytest.mark.django_db
def test_the_city_administrator_sees_every_town(client_for, personas, town, other_town):
    client = client_for(personas["city_admin"])
    for t in (town, other_town):
        assert client.get(reverse("town_home", kwargs={"town": t.slug})).status_code == 200


@pytest.mark.django_db
def test_a_user_without_any_role_sees_no_town(client_for, personas, town):
    response = client_for(personas["no_role"]).get(reverse("town_home", kwargs={"town": town.slug}))
    assert response.status_code == 404


def test_the_auditor_holds_no_right_but_reading_the_audit_log():
    assert {action for action, roles in POLICY.items() if R.AUDITOR in roles} == {Action.VIEW_AUDIT_LOG}


def test_records_are_managed_by_the_party_building_office_only():
    assert POLICY[Action.MANAGE_RECORDS] == {R.PARTY_BUILDING_OFFICE}


def test_objections_are_raised_by_cadres_and_answered_by_the_assessment_office_only():
    assert POLICY[Action.RAISE_APPEALS] == {R.CADRE}
    assert POLICY[Action.ANSWER_APPEALS] == {R.ASSESSMENT_OFFICE}


def test_corrections_are_decided_by_the_assessment_office_or_the_party_secretary_only():
    assert POLICY[Action.DECIDE_CORRECTIONS] == {R.ASSESSMENT_OFFICE, R.MAIN_LEADER}


@pytest.mark.django_db
def test_each_role_gets_a_pending_correction_exactly_if_it_sees_corrections(client_for, personas, town):
    from datetime import date

    from kaoping.results.models import Correction
    from kaoping.scoring.models import Period

    period = Period.objects.create(town=town, month=date(2026, 5, 1), status="published")
    pending = Correction.objects.create(town=town, period=period, year=2026)
    published = Correction.objects.create(town=town, period=period, year=2026, status="published", number=1)
    seers = POLICY[Action.VIEW_CORRECTIONS]
    town_roles = STAFF | {R.CADRE}
    for role in Role:
        client = client_for(personas[role.value])
        for correction, allowed in ((pending, seers), (published, town_roles)):
            url = reverse("results:correction_detail", kwargs={"town": town.slug, "pk": correction.pk})
            expected = 200 if role in allowed else (404 if role in town_roles else 403)
            assert client.get(url).status_code == expected, (role, correction.status)


def test_only_the_assessment_office_prepares_meetings_and_only_group_leaders_review_rectifications():
    assert POLICY[Action.MANAGE_QUARTERLY] == {R.ASSESSMENT_OFFICE}
    assert POLICY[Action.REVIEW_RECTIFICATIONS] == {R.GROUP_LEADER}


def test_the_assessment_office_runs_the_annual_grades_and_the_main_leader_approves_a_raised_share():
    assert POLICY[Action.MANAGE_ANNUAL] == {R.ASSESSMENT_OFFICE}
    assert POLICY[Action.APPROVE_ANNUAL_SHARE] == {R.MAIN_LEADER}
    assert POLICY[Action.VIEW_OWN_ANNUAL] == {R.CADRE}
    assert POLICY[Action.VIEW_ANNUAL] == ANNUAL_READERS
    # The office publishes the grades (公示) and confirms them after the window.
    assert POLICY[Action.PUBLISH_ANNUAL] == {R.ASSESSMENT_OFFICE}
    assert POLICY[Action.CONFIRM_ANNUAL] == {R.ASSESSMENT_OFFICE}


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["annual:publish", "annual:confirm"])
@pytest.mark.parametrize("role", list(Role))
def test_each_role_may_publish_and_confirm_the_annual_grades_exactly_if_allowed(
    client_for, personas, town, name, role
):
    """Posted without the confirmation: the office is sent back with the reason, nobody else gets in."""
    response = client_for(personas[role.value]).post(reverse(name, kwargs={"town": town.slug, "year": 2026}))
    assert response.status_code == (302 if role == R.ASSESSMENT_OFFICE else 403)


def test_nobody_else_reads_the_audit_log():
    assert POLICY[Action.VIEW_AUDIT_LOG] == {R.AUDITOR}


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_login_page(client, town):
    response = client.get(reverse("town_home", kwargs={"town": town.slug}))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# --- The auditor of every town (三员分立: granted by the city administrator only) ------------------


@pytest.fixture
def city_auditor(db):
    from kaoping import testing

    return testing.make_user("city_auditor", town=None, role=None)


def _audit_entries(town, other_town):
    from kaoping.audit.services import record

    record(actor=None, action="login.failed", object_repr="nobody-knows-me")  # of no town
    record(actor=None, action="cadre.update", town=town, object_repr="本镇")
    record(actor=None, action="cadre.update", town=other_town, object_repr="他镇")


@pytest.mark.django_db
def test_only_the_auditor_role_may_be_held_over_every_town():
    from django.db import IntegrityError, transaction

    from kaoping import testing
    from kaoping.accounts.models import RoleAssignment

    user = testing.make_user("someone", town=None, role=None)
    RoleAssignment.objects.create(user=user, role=R.AUDITOR, town=None)
    for role in Role:
        if role in {R.AUDITOR, R.CITY_ADMIN, R.CADRE}:
            continue
        with pytest.raises(IntegrityError), transaction.atomic():
            RoleAssignment.objects.create(
                user=user, role=role, town=None, population="agency" if role in Role.for_population() else ""
            )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("reader", "sees"),
    [
        ("city_auditor", {"nobody-knows-me", "本镇", "他镇"}),
        ("auditor", {"本镇"}),
        ("city_admin", None),
        ("town_admin", None),
    ],
)
def test_the_auditor_of_every_town_reads_every_towns_entries_and_those_of_no_town(
    client_for, personas, town, other_town, city_auditor, reader, sees
):
    from kaoping.accounts.models import RoleAssignment

    RoleAssignment.objects.create(user=city_auditor, role=R.AUDITOR, town=None)
    _audit_entries(town, other_town)
    user = city_auditor if reader == "city_auditor" else personas[reader]
    response = client_for(user).get(reverse("audit:entry_list"))
    if sees is None:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    shown = {e.object_repr for e in response.context["page"].object_list}
    assert shown & {"nobody-knows-me", "本镇", "他镇"} == sees


@pytest.mark.django_db
@pytest.mark.parametrize(("actor", "allowed"), [("city_admin", True), ("town_admin", False)])
def test_only_the_city_administrator_grants_the_auditor_of_every_town(
    client_for, personas, town, actor, allowed
):
    from kaoping.accounts.models import RoleAssignment

    target = personas["party_building_office"]
    response = client_for(personas[actor]).post(
        reverse("accounts:user_edit", kwargs={"town": town.slug, "pk": target.pk}),
        {
            "username": target.username,
            "roles": ["party_building_office"],
            "is_active": "on",
            "city_auditor": "on",
            "version": target.version,
        },
    )
    granted = RoleAssignment.objects.filter(user=target, role=R.AUDITOR, town__isnull=True).exists()
    assert granted == allowed
    if allowed:
        assert response.status_code == 302
        from kaoping.audit.models import AuditEntry

        entry = AuditEntry.objects.get(action="user.update")
        assert entry.old["city_auditor"] is False and entry.new["city_auditor"] is True


@pytest.mark.django_db
def test_the_city_administrator_cannot_make_themselves_auditor_of_every_town(personas, town):
    from kaoping.accounts import services
    from kaoping.core.errors import DomainError

    me = personas["city_admin"]
    with pytest.raises(DomainError):
        services.user_save(
            actor=me,
            town=town,
            user=me,
            username=me.username,
            display_name="",
            cadre=None,
            roles=[],
            city_auditor=True,
        )


# What each role sees of the others' published results, and of the town's staff figures: leaders
# and offices everything, a cadre by the town's setting (reports/tests/test_disclosure.py walks the
# pages and the export as a matrix of settings).
EVERYONES_RESULTS = STAFF


@pytest.mark.parametrize("role", list(Role))
def test_leaders_and_offices_see_everyones_results_and_the_staff_figures_a_cadre_neither(
    client_for, personas, town, role
):
    from kaoping.accounts.permissions import can

    user = personas[role.value]
    assert can(user, Action.VIEW_EVERYONES_RESULTS, town) == (role in EVERYONES_RESULTS)
    assert can(user, Action.VIEW_TOWN_FIGURES, town) == (role in STAFF)
    if role in STAFF | {R.CADRE}:
        page = client_for(user).get(reverse("town_home", args=[town.slug])).content.decode()
        assert ('class="card card-body stat"' in page) == (role in STAFF), role


# --- The quarterly meeting's parts: edit pages and their attachments ---------------------------------


@pytest.fixture
def meeting_parts(town, personas):
    """A meeting with a site visit (one photo), a report (one file) and their attachments' ids."""
    from datetime import date

    from django.core.files.uploadedfile import SimpleUploadedFile

    from kaoping import testing
    from kaoping.files.tests import samples
    from kaoping.quarterly import selectors, services

    office = personas["assessment_office"]
    meeting = services.meeting_save(
        actor=office,
        town=town,
        meeting=None,
        year=2026,
        quarter=1,
        values={"title": "一季度会议", "held_on": date(2026, 4, 10), "place": "会议室"},
    )
    visit = services.visit_add(
        actor=office,
        meeting=meeting,
        kind="village",
        name="东村",
        note="",
        photos=[SimpleUploadedFile("a.png", samples.PNG)],
    )
    head = testing.make_cadre(town, "赵主任", 300, is_middle_level=True)
    report = services.report_add(
        actor=office,
        meeting=meeting,
        cadre=head,
        text="",
        comment_by=None,
        comment="",
        files=[SimpleUploadedFile("r.pdf", samples.PDF)],
    )
    [photo] = selectors.attachments_of(selectors.VISIT_OWNER, [visit.pk])[visit.pk]
    [file] = selectors.attachments_of(selectors.REPORT_OWNER, [report.pk])[report.pk]
    return {
        "visit_edit": reverse("quarterly:visit_edit", args=[town.slug, meeting.pk, visit.pk]),
        "report_edit": reverse("quarterly:report_edit", args=[town.slug, meeting.pk, report.pk]),
        "photo": reverse("files:download", args=[town.slug, photo.pk]),
        "report_file": reverse("files:download", args=[town.slug, file.pk]),
    }


# (page, roles that get it): the edit pages are the assessment office's; the photos and the report
# files go to whoever sees the meeting (POLICY[VIEW_QUARTERLY]). Other roles of the town: 403.
MEETING_PARTS = [
    ("visit_edit", {R.ASSESSMENT_OFFICE}),
    ("report_edit", {R.ASSESSMENT_OFFICE}),
    ("photo", STAFF | {R.CADRE}),
    ("report_file", STAFF | {R.CADRE}),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("page", "allowed"), MEETING_PARTS)
def test_each_role_gets_exactly_the_meeting_parts_it_is_allowed(
    client_for, personas, meeting_parts, page, allowed
):
    assert POLICY[Action.VIEW_QUARTERLY] == STAFF | {R.CADRE}
    for role in Role:
        response = client_for(personas[role.value]).get(meeting_parts[page])
        assert response.status_code == (200 if role in allowed else 403), role
    assert client_for(personas["other_town_admin"]).get(meeting_parts[page]).status_code == 404
