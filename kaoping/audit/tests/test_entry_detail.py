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
