import pytest
from django.urls import reverse

from kaoping import testing
from kaoping.audit.models import AuditEntry
from kaoping.people.models import Department, Village


@pytest.fixture
def admin(client_for, personas):
    return client_for(personas["town_admin"])


@pytest.mark.django_db
def test_the_admin_adds_and_renames_a_department(admin, town):
    response = admin.post(
        reverse("people:department_create", kwargs={"town": town.slug}),
        {"name": "应急管理办公室", "kind": "office", "sort_order": 3},
    )
    assert response.status_code == 302
    dept = Department.objects.get(town=town, name="应急管理办公室")
    admin.post(
        reverse("people:department_edit", kwargs={"town": town.slug, "pk": dept.pk}),
        {"name": "应急办", "kind": "office", "sort_order": 3, "version": dept.version},
    )
    entry = AuditEntry.objects.get(action="department.update")
    assert (entry.old, entry.new) == ({"name": "应急管理办公室"}, {"name": "应急办"})


@pytest.mark.django_db
def test_a_duplicate_village_name_is_refused(admin, town):
    response = admin.post(
        reverse("people:village_create", kwargs={"town": town.slug}), {"name": "东村", "sort_order": 0}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert Village.objects.filter(town=town, name="东村").count() == 1


@pytest.mark.django_db
def test_the_same_name_is_fine_in_another_town(admin, town, other_town):
    assert Village.objects.filter(town=other_town, name="东村").exists()
    assert Village.objects.filter(town=town, name="东村").exists()


@pytest.mark.django_db
def test_a_department_with_cadres_in_service_cannot_be_deactivated(admin, town, personas):
    dept = personas["cadre"].cadre.department
    response = admin.post(
        reverse("people:department_set_active", kwargs={"town": town.slug, "pk": dept.pk}),
        {"active": "0"},
        follow=True,
    )
    dept.refresh_from_db()
    assert dept.is_active
    assert any(m.level_tag == "error" for m in response.context["messages"])


@pytest.mark.django_db
def test_an_empty_village_is_deactivated_not_deleted(admin, town):
    village = Village.objects.create(town=town, name="西村")
    admin.post(
        reverse("people:village_set_active", kwargs={"town": town.slug, "pk": village.pk}), {"active": "0"}
    )
    village.refresh_from_db()
    assert not village.is_active
    url = reverse("people:village_list", kwargs={"town": town.slug})
    assert village not in admin.get(url).context["units"]
    assert village in admin.get(url, {"status": "all"}).context["units"]


@pytest.mark.django_db
def test_the_department_page_lists_its_cadres(admin, town, personas):
    dept = personas["cadre"].cadre.department
    testing.make_cadre(town, "站长", 31, is_middle_level=True)
    response = admin.get(reverse("people:department_detail", kwargs={"town": town.slug, "pk": dept.pk}))
    names = [c.name for c in response.context["cadres"]]
    assert names[0] == "站长" and personas["cadre"].cadre.name in names
