import pytest
from django.urls import reverse

from kaoping.accounts.models import RoleAssignment
from kaoping.audit.services import record
from kaoping.testing import id_number, make_cadre


def url(entry) -> str:
    return reverse("audit:entry_detail", kwargs={"pk": entry.pk})


@pytest.fixture
def entry(town, personas):
    cadre = make_cadre(town, "王小明", 1)
    return record(
        actor=personas["town_admin"],
        action="cadre.update",
        target=cadre,
        note="调岗",
        old={"position": "科员", "phone": "13800001234", "is_middle_level": False},
        new={
            "position": "副科长",
            "phone": "13800001234",
            "is_middle_level": True,
            "id_number": id_number(1),
        },
    )


@pytest.mark.django_db
def test_it_shows_old_and_new_values_side_by_side(auditor, entry):
    response = auditor.get(url(entry))
    assert response.status_code == 200
    rows = {c.key: c for c in response.context["changes"]}
    assert (rows["position"].label, rows["position"].old, rows["position"].new) == (
        "position",
        "科员",
        "副科长",
    )
    assert rows["position"].changed and rows["is_middle_level"].changed and not rows["phone"].changed
    assert (rows["is_middle_level"].old, rows["is_middle_level"].new) == ("no", "yes")
    html = response.content.decode()
    assert "副科长" in html and "调岗" in html and 'class="table-warning"' in html


@pytest.mark.django_db
def test_it_masks_personal_data_for_the_auditor(auditor, entry):
    rows = {c.key: c for c in auditor.get(url(entry)).context["changes"]}
    assert rows["phone"].old == "138****1234"
    assert rows["id_number"].new == id_number(1)[:6] + "********" + id_number(1)[-4:]
    assert rows["id_number"].old == "" and rows["id_number"].changed


@pytest.mark.django_db
def test_an_auditor_who_may_see_personal_data_sees_it_whole(client_for, personas, town, entry):
    RoleAssignment.objects.create(user=personas["auditor"], role="assessment_office", town=town)
    rows = {c.key: c for c in client_for(personas["auditor"]).get(url(entry)).context["changes"]}
    assert rows["phone"].old == "13800001234"


@pytest.mark.django_db
def test_it_shows_the_hash_and_the_previous_hash(auditor, entry):
    html = auditor.get(url(entry)).content.decode()
    assert entry.hash in html and entry.prev_hash in html


@pytest.mark.django_db
def test_an_entry_without_values_says_so(auditor, town):
    entry = record(actor=None, action="town.open", town=town)
    assert "This entry records no values." in auditor.get(url(entry)).content.decode()


@pytest.mark.django_db
def test_another_towns_entry_is_not_found(auditor, other_town):
    entry = record(actor=None, action="cadre.update", town=other_town, object_repr="南黄干部")
    assert auditor.get(url(entry)).status_code == 404


@pytest.mark.django_db
def test_an_entry_of_no_town_is_not_found(auditor):
    entry = record(actor=None, action="account.locked", object_repr="无镇事件")
    assert auditor.get(url(entry)).status_code == 404


@pytest.mark.django_db
def test_every_other_role_is_refused(client_for, personas, entry):
    for name, user in personas.items():
        if name == "auditor":
            continue
        assert client_for(user).get(url(entry)).status_code == 403, name


# Entries as old versions of the application, or other apps, may have written them.
ODD_ENTRIES = {
    "a reverse relation as key": dict(action="demo.load", object_type="people.town", new={"cadres": 184}),
    "a many-to-many key": dict(action="user.update", object_type="accounts.user", new={"groups": [1, 2]}),
    "an unknown verb": dict(action="thing.frobnicate", object_type="people.cadre", new={"name": "甲"}),
    "no verb at all": dict(action="", object_type="", new={"x": 1}),
    "a model since renamed": dict(action="member.update", object_type="people.member", old={"name": "乙"}),
    "a type that is no model": dict(action="x.update", object_type="not a model", new={"a": None}),
    "a list as value": dict(action="cadre.import", object_type="people.cadre", new=[1, "二", {"三": 3}]),
    "a text as value": dict(action="cadre.update", object_type="people.cadre", old="旧", new="新"),
    "a number as value": dict(action="cadre.update", object_type="people.cadre", old=1, new=2.5),
    "nested values": dict(action="cadre.update", object_type="people.cadre", new={"position": {"a": [1]}}),
    "personal data not as text": dict(
        action="cadre.update", object_type="people.cadre", new={"phone": 13800}
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ODD_ENTRIES)
def test_an_entry_of_any_shape_reads_in_the_list_and_on_its_page(auditor, town, kind):
    entry = record(actor=None, town=town, object_repr="某对象", object_id="999999", **ODD_ENTRIES[kind])
    assert auditor.get(reverse("audit:entry_list")).status_code == 200
    response = auditor.get(url(entry))
    assert response.status_code == 200
    if entry.old is not None or entry.new is not None:
        assert response.context["changes"], "the values are shown"


@pytest.mark.django_db
def test_a_value_that_is_not_a_mapping_shows_as_one_row(auditor, town):
    entry = record(
        actor=None, town=town, action="cadre.update", object_type="people.cadre", old="旧", new=[1, 2]
    )
    (row,) = auditor.get(url(entry)).context["changes"]
    assert (row.label, row.old, row.new, row.changed) == ("value", "旧", "[1, 2]", True)


@pytest.mark.django_db
def test_a_reverse_relation_is_named_by_the_related_models_plural(auditor, town):
    entry = record(actor=None, town=town, action="demo.load", object_type="people.town", new={"cadres": 3})
    (row,) = auditor.get(url(entry)).context["changes"]
    assert (row.key, row.label, row.new) == ("cadres", "cadres", "3")


@pytest.mark.django_db
def test_an_entry_whose_object_was_deleted_still_reads(auditor, town, personas):
    cadre = make_cadre(town, "李四", 2)
    entry = record(actor=personas["town_admin"], action="cadre.update", target=cadre, new={"name": "李四"})
    from kaoping.people.models import Cadre

    Cadre.objects.filter(pk=cadre.pk).delete()
    html = auditor.get(url(entry)).content.decode()
    assert "李四" in html
