"""The permission matrix for supervision items and bulletins: every role × every page, written by hand.

Reviewing a bulletin has no page of its own: the reviewer approves or returns it with a POST from
the bulletin's page, so the matrix checks who can open a bulletin waiting for review.
"""

from datetime import date

import pytest
from django.urls import reverse

from kaoping.accounts.models import Role
from kaoping.supervision import services
from kaoping.supervision.models import Bulletin, BulletinStatus, Source

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
# Who sees every item and the drafts: the office, the main leaders, the assessment office, the city.
SUPERVISORS = {R.SUPERVISION_OFFICE, R.MAIN_LEADER, R.ASSESSMENT_OFFICE, R.CITY_ADMIN}
OFFICE = {R.SUPERVISION_OFFICE}


@pytest.fixture
def supervision(town, personas):
    office = personas["supervision_office"]
    mine = services.item_create(
        actor=office,
        town=town,
        data=services.ItemData(
            source=Source.MEETING,
            title="秸秆禁烧巡查",
            assigned_on=date(2026, 5, 1),
            deadline=date(2026, 5, 20),
            owners=[personas["cadre"].cadre],
        ),
    )
    department_item = services.item_create(
        actor=office,
        town=town,
        data=services.ItemData(
            source=Source.INSPECTION,
            title="档案整理",
            assigned_on=date(2026, 5, 1),
            deadline=date(2026, 5, 30),
            department=town.departments.first(),
        ),
    )
    values = {
        "title": "关于督查情况的通报",
        "body": "一、总体情况",
        "period_label": "2026年5月",
        "issuer": "督查办",
    }
    draft = services.bulletin_save(actor=office, town=town, items=[mine], values=values)
    in_review = services.bulletin_save(actor=office, town=town, items=[], values=values)
    services.bulletin_move(actor=office, bulletin=in_review, to=BulletinStatus.IN_REVIEW)
    published = services.bulletin_save(actor=office, town=town, items=[], values=values)
    Bulletin.objects.filter(pk=published.pk).update(status=BulletinStatus.APPROVED)
    services.bulletin_publish(actor=office, bulletin=published, on=date(2026, 5, 8), confirmed=True)
    return {
        "mine": mine.pk,
        "department_item": department_item.pk,
        "draft": draft.pk,
        "in_review": in_review.pk,
        "published": published.pk,
    }


def expected(role, allowed, hidden=frozenset(), elsewhere=403):
    """200 for the allowed roles, 404 where the page is hidden from a role, `elsewhere` otherwise."""
    if role in allowed:
        return 200
    return 404 if role in hidden else elsewhere


# (route name, object key or None, allowed roles, roles for whom the page does not exist)
PAGES = [
    ("supervision:board", None, SUPERVISORS, set()),
    ("supervision:my_items", None, {R.CADRE}, set()),
    # The cadre owns this item; the other cadres of the town (the staff roles here) are not owners.
    ("supervision:item_detail", "mine", SUPERVISORS | {R.CADRE}, set()),
    # An item owned by a department the cadre does not head: the cadre may not open it.
    ("supervision:item_detail", "department_item", SUPERVISORS, set()),
    ("supervision:item_create", None, OFFICE, set()),
    ("supervision:item_import", None, OFFICE, set()),
    ("supervision:item_import_template", None, OFFICE, set()),
    ("supervision:rules", None, SUPERVISORS, set()),
    ("supervision:bulletin_archive", None, STAFF | {R.CADRE}, set()),
    ("supervision:bulletin_create", None, OFFICE, set()),
    ("supervision:bulletin_edit", "draft", OFFICE, set()),
    # A draft exists only for those who see drafts; the auditor is refused at the town's door.
    (
        "supervision:bulletin_detail",
        "draft",
        SUPERVISORS,
        {R.TOWN_ADMIN, R.PARTY_BUILDING_OFFICE, R.GROUP_LEADER, R.SCORER, R.CADRE},
    ),
    # The reviewer's page: the main leader approves or returns from here.
    (
        "supervision:bulletin_detail",
        "in_review",
        SUPERVISORS,
        {R.TOWN_ADMIN, R.PARTY_BUILDING_OFFICE, R.GROUP_LEADER, R.SCORER, R.CADRE},
    ),
    ("supervision:bulletin_detail", "published", STAFF | {R.CADRE}, set()),
    ("supervision:bulletin_docx", "published", STAFF | {R.CADRE}, set()),
]


def _url(name, key, objects, town):
    args = [town.slug] if key is None else [town.slug, objects[key]]
    return reverse(name, args=args)


def _cases():
    for index, (name, key, allowed, hidden) in enumerate(PAGES):
        for role in Role:
            yield pytest.param(
                name, key, role, expected(role, allowed, hidden), id=f"{index}-{name}-{key}-{role.value}"
            )


def test_the_matrix_covers_every_role():
    assert STAFF | {R.CADRE, R.AUDITOR} == set(Role)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "key", "role", "status"), list(_cases()))
def test_each_role_gets_exactly_the_supervision_pages_it_is_allowed(
    client_for, personas, town, supervision, name, key, role, status
):
    response = client_for(personas[role.value]).get(_url(name, key, supervision, town))
    assert response.status_code == status


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "key"), [(p[0], p[1]) for p in PAGES] + [("supervision:home", None)])
def test_a_user_of_another_town_gets_not_found_for_every_supervision_page(
    client_for, personas, town, supervision, name, key
):
    response = client_for(personas["other_town_admin"]).get(_url(name, key, supervision, town))
    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("supervision:item_detail", "mine"),
        ("supervision:bulletin_detail", "published"),
        ("supervision:bulletin_detail", "draft"),
    ],
)
def test_an_object_of_this_town_under_another_towns_address_is_not_found(
    client_for, personas, town, other_town, supervision, name, key
):
    # The city administrator may enter both towns: the object still belongs to one of them only.
    response = client_for(personas["city_admin"]).get(_url(name, key, supervision, other_town))
    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "target"),
    [
        (R.SUPERVISION_OFFICE, "supervision:board"),
        (R.MAIN_LEADER, "supervision:board"),
        (R.CADRE, "supervision:my_items"),
        (R.TOWN_ADMIN, "supervision:bulletin_archive"),
        (R.SCORER, "supervision:bulletin_archive"),
    ],
)
def test_the_supervision_home_sends_each_role_to_its_own_page(client_for, personas, town, role, target):
    response = client_for(personas[role.value]).get(reverse("supervision:home", args=[town.slug]))
    assert response.status_code == 302 and response.url == reverse(target, args=[town.slug])
