"""Text typed into the people forms: control characters are refused, in one rule with the imports."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def test_a_village_with_a_control_character_in_its_name_is_refused_and_the_template_still_downloads(
    client_for, personas, town
):
    admin = client_for(personas["town_admin"])
    response = admin.post(
        reverse("people:village_create", kwargs={"town": town.slug}), {"name": "北\x0b村", "sort_order": "0"}
    )
    assert response.status_code == 200
    assert "control character (U+000B)" in response.context["form"].errors["name"][0]
    response = admin.post(
        reverse("people:village_create", kwargs={"town": town.slug}),
        {"name": "北村", "sort_order": "99999999999"},
    )
    assert response.status_code == 200
    assert "is too large" in response.context["form"].errors["sort_order"][0]
    # A name stored before the rule (here written past the form) must not break the cadre template.
    town.villages.create(name="南村\x07")
    office = client_for(personas["assessment_office"])
    assert office.get(reverse("people:cadre_import_template", kwargs={"town": town.slug})).status_code == 200


def test_the_cadre_form_reads_full_width_digits_and_stores_a_padded_name_as_one_word(
    client_for, personas, town
):
    from kaoping import testing
    from kaoping.people.models import AgencyCategory, Cadre, Population

    office = client_for(personas["assessment_office"])
    id_number = testing.id_number(102)
    response = office.post(
        reverse("people:cadre_create", kwargs={"town": town.slug}),
        {
            "name": "曲　鑫",
            "id_number": id_number.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
            "phone": "１３９ １２３４ ５６７８",
            "population": Population.AGENCY,
            "agency_category": AgencyCategory.ESTABLISHED,
            "position": "科员",
            "department": town.departments.first().pk,
        },
    )
    assert response.status_code == 302
    cadre = Cadre.objects.get(id_number=id_number)
    assert (cadre.name, cadre.phone) == ("曲鑫", "13912345678")
