import pytest
from django.urls import reverse

from kaoping import testing
from kaoping.audit.models import AuditEntry
from kaoping.people.models import AgencyCategory, Cadre, Population


def _form(town, **overrides):
    data = {
        "name": "赵敏",
        "gender": "female",
        "id_number": testing.id_number(101),
        "phone": "13912345678",
        "population": Population.AGENCY,
        "agency_category": AgencyCategory.ESTABLISHED,
        "position": "科员",
        "department": town.departments.first().pk,
        "village": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def office(client_for, personas):
    return client_for(personas["assessment_office"])


@pytest.mark.django_db
def test_the_office_adds_a_cadre_and_the_audit_log_records_it(office, town, personas):
    response = office.post(reverse("people:cadre_create", kwargs={"town": town.slug}), _form(town))
    cadre = Cadre.objects.get(name="赵敏")
    assert response.status_code == 302
    assert cadre.town == town
    entry = AuditEntry.objects.get(action="cadre.create", object_id=str(cadre.pk))
    assert entry.actor == personas["assessment_office"]
    assert entry.new["id_number"] == testing.id_number(101)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"id_number": "370183198001010010"}, "id_number"),
        ({"agency_category": ""}, "agency_category"),
        ({"population": Population.VILLAGE, "agency_category": ""}, "village"),
        (
            {"population": Population.LEADERSHIP, "is_village_head": "on", "agency_category": ""},
            "is_village_head",
        ),
        ({"population": ""}, "population"),
        ({"name": ""}, "name"),
        ({"phone": "12345"}, "phone"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_changes_nothing(office, town, overrides, field):
    before = Cadre.objects.count()
    response = office.post(
        reverse("people:cadre_create", kwargs={"town": town.slug}), _form(town, **overrides)
    )
    assert response.status_code == 200
    assert response.context["form"].errors.get(field)
    assert Cadre.objects.count() == before


@pytest.mark.django_db
def test_an_id_number_already_in_the_town_is_refused(office, town, personas):
    existing = personas["cadre"].cadre
    response = office.post(
        reverse("people:cadre_create", kwargs={"town": town.slug}), _form(town, id_number=existing.id_number)
    )
    assert response.status_code == 200
    assert existing.name in str(response.context["form"].errors["id_number"])


@pytest.mark.django_db
def test_a_department_of_another_town_cannot_be_chosen(office, town, other_town):
    response = office.post(
        reverse("people:cadre_create", kwargs={"town": town.slug}),
        _form(town, department=other_town.departments.first().pk),
    )
    assert response.status_code == 200
    assert "department" in response.context["form"].errors
    assert not Cadre.objects.filter(name="赵敏").exists()


@pytest.mark.django_db
def test_a_second_active_village_head_is_refused(office, town):
    testing.make_cadre(town, "村长甲", 5, population=Population.VILLAGE, is_village_head=True)
    response = office.post(
        reverse("people:cadre_create", kwargs={"town": town.slug}),
        _form(
            town,
            population=Population.VILLAGE,
            agency_category="",
            department="",
            village=town.villages.first().pk,
            is_village_head="on",
        ),
    )
    assert response.status_code == 200
    assert "is_village_head" in response.context["form"].errors


@pytest.mark.django_db
def test_editing_records_old_and_new_values(office, town, personas):
    cadre = personas["cadre"].cadre
    data = _form(town, name=cadre.name, id_number=cadre.id_number, position="副主任", version=cadre.version)
    response = office.post(reverse("people:cadre_edit", kwargs={"town": town.slug, "pk": cadre.pk}), data)
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="cadre.update", object_id=str(cadre.pk))
    assert entry.old["position"] == "科员"
    assert entry.new["position"] == "副主任"


@pytest.mark.django_db
def test_leaving_service_keeps_the_record_and_is_audited(office, town, personas):
    cadre = personas["cadre"].cadre
    url = reverse("people:cadre_set_active", kwargs={"town": town.slug, "pk": cadre.pk})
    assert office.post(url, {"active": "0", "reason": "调任"}).status_code == 302
    cadre.refresh_from_db()
    assert not cadre.is_active and cadre.deactivated_on is not None
    assert AuditEntry.objects.get(action="cadre.deactivate").note == "调任"
    assert office.post(url, {"active": "1"}).status_code == 302
    cadre.refresh_from_db()
    assert cadre.is_active


@pytest.mark.django_db
def test_the_list_filters_by_population_and_hides_those_who_left(office, town):
    testing.make_cadre(town, "村干部甲", 11, population=Population.VILLAGE)
    gone = testing.make_cadre(town, "已离任", 12)
    gone.is_active = False
    gone.save()
    url = reverse("people:cadre_list", kwargs={"town": town.slug})
    names = [c.name for c in office.get(url, {"population": Population.VILLAGE}).context["page"]]
    assert names == ["村干部甲"]
    assert "已离任" not in [c.name for c in office.get(url).context["page"]]
    assert "已离任" in [c.name for c in office.get(url, {"status": "inactive"}).context["page"]]


@pytest.mark.django_db
def test_the_list_answers_htmx_with_the_table_only(office, town):
    response = office.get(
        reverse("people:cadre_list", kwargs={"town": town.slug}), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b"<table" in response.content


@pytest.mark.django_db
def test_the_list_needs_a_fixed_number_of_queries(office, town, personas, django_assert_max_num_queries):
    cadres = [
        testing.make_cadre(
            town, f"干部{serial}", 200 + serial, (Population.AGENCY, Population.VILLAGE)[serial % 2]
        )
        for serial in range(30)
    ]
    with django_assert_max_num_queries(12):
        response = office.get(reverse("people:cadre_list", kwargs={"town": town.slug}))
    assert response.status_code == 200
    listed = list(response.context["page"].object_list)
    assert sorted(c.pk for c in listed) == sorted([personas["cadre"].cadre_id, *(c.pk for c in cadres)])
    page = response.content.decode()
    # every row printed with its workplace, a department or a village (each read with the cadres)
    rows = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0].split("<tr")[1:]
    assert len(rows) == 31
    for cadre in cadres:
        row = next(r for r in rows if f">{cadre.name}</a>" in r)
        assert f"<td>{cadre.workplace}</td>" in row


@pytest.mark.django_db
def test_id_numbers_are_shown_masked_and_only_to_those_allowed(client_for, personas, town):
    cadre = personas["cadre"].cadre
    url = reverse("people:cadre_detail", kwargs={"town": town.slug, "pk": cadre.pk})
    assert cadre.masked_id_number in client_for(personas["town_admin"]).get(url).content.decode()
    scorer_page = client_for(personas["scorer"]).get(url).content.decode()
    assert cadre.masked_id_number not in scorer_page
    assert cadre.id_number not in scorer_page
