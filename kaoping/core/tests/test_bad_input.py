"""Out-of-range numbers typed or pasted into forms and addresses get a message or are ignored, never a 500.

Ids above what the database can hold, page numbers that are negative or absurd, display orders beyond
the column: each case here once answered 500 (OverflowError on SQLite, DataError on PostgreSQL).
"""

from datetime import date

import pytest
from django.urls import reverse

from kaoping import testing
from kaoping.accounts.models import Role
from kaoping.supervision.models import Item

HUGE = str(2**64)
BIG = "99999999999999999999"


@pytest.fixture
def office(client_for, personas):
    return client_for(personas["assessment_office"])


@pytest.fixture
def supervisor(client_for, personas):
    return client_for(personas["supervision_office"])


def test_a_huge_display_order_for_a_department_is_refused_with_a_message(office, town):
    response = office.post(
        reverse("people:department_create", args=[town.slug]),
        {"name": "新部门", "kind": "office", "sort_order": BIG},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["sort_order"]
    assert not town.departments.filter(name="新部门").exists()


def test_a_huge_display_order_for_a_village_is_refused_with_a_message(office, town):
    response = office.post(
        reverse("people:village_create", args=[town.slug]), {"name": "新村", "sort_order": BIG}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["sort_order"]


def test_a_huge_cadre_id_among_a_rounds_cadres_is_an_unknown_choice(office, town):
    response = office.post(
        reverse("evaluation:round_create", args=[town.slug]),
        {"year": "2026", "quarter": "1", "held_on": "2026-03-28", "cadres": [HUGE]},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["cadres"]


def test_a_huge_owner_id_of_a_supervision_item_is_an_unknown_choice(supervisor, town):
    response = supervisor.post(
        reverse("supervision:item_create", args=[town.slug]),
        {
            "source": "meeting",
            "title": "巡查",
            "urgency": "normal",
            "assigned_on": "2026-05-01",
            "deadline": "2026-05-20",
            "owners": [HUGE],
            "co_owners": ["-1"],
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["owners"]
    assert not Item.objects.exists()


def test_a_huge_item_id_in_a_bulletin_is_an_unknown_choice(supervisor, town):
    response = supervisor.post(
        reverse("supervision:bulletin_create", args=[town.slug]),
        {"kind": "special", "title": "简报", "copies": "30", "items": [HUGE]},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["items"]


def test_a_huge_department_on_the_supervision_board_shows_no_item(supervisor, town):
    response = supervisor.get(reverse("supervision:board", args=[town.slug]), {"department": BIG})
    assert response.status_code == 200
    assert list(response.context["items"]) == []


@pytest.mark.parametrize("page", ["-5", "0", BIG, "1e309", "NaN", "abc", "１"])
def test_any_page_number_of_the_audit_log_shows_a_page(client_for, personas, page):
    response = client_for(personas["auditor"]).get(reverse("audit:entry_list"), {"page": page})
    assert response.status_code == 200


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2026-02-30", "1e309"])
def test_any_date_in_the_audit_log_filter_shows_a_page(client_for, personas, day):
    response = client_for(personas["auditor"]).get(
        reverse("audit:entry_list"), {"date_from": day, "date_to": day}
    )
    assert response.status_code == 200


@pytest.mark.parametrize("page", ["-5", BIG, "1e309"])
def test_any_page_number_of_the_cadre_list_shows_a_page(office, town, page):
    response = office.get(reverse("people:cadre_list", args=[town.slug]), {"page": page})
    assert response.status_code == 200


def test_a_huge_department_in_the_cadre_filter_is_an_unknown_choice(office, town):
    response = office.get(reverse("people:cadre_list", args=[town.slug]), {"department": HUGE})
    assert response.status_code == 200


def test_another_towns_item_under_ones_own_town_is_not_found(supervisor, personas, town, other_town):
    cadre = testing.make_cadre(other_town, "李娜", 901)
    from kaoping.supervision import services

    item = services.item_create(
        actor=testing.make_user("other_office", town=other_town, role=Role.SUPERVISION_OFFICE),
        town=other_town,
        data=services.ItemData(
            source="meeting",
            title="外镇事项",
            assigned_on=date(2026, 5, 1),
            deadline=date(2026, 5, 20),
            owners=[cadre],
        ),
    )
    response = supervisor.get(reverse("supervision:item_detail", args=[town.slug, item.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("cadre", ["²", BIG, "-1", "1e3"])
def test_a_share_for_a_cadre_id_that_cannot_be_one_asks_to_choose_a_cadre(office, town, cadre):
    from kaoping.scoring import services as scoring

    testing.make_scheme(town)
    scoring.period_open(actor=_office(town), town=town, month=date(2026, 3, 1))
    response = office.post(
        reverse("scoring:adjustment_create", args=[town.slug, "2026-03"]),
        {"title": "招商", "cadre": [cadre], "points": ["1"]},
    )
    assert response.status_code == 200
    assert response.context["form"].share_rows[0].error


def _office(town):
    from kaoping.accounts.models import User

    return User.objects.get(username="assessment_office")


@pytest.mark.parametrize("year", ["²", BIG, "-1", "1e3"])
def test_any_year_in_the_address_of_the_supervision_rules_shows_this_years_rules(supervisor, town, year):
    response = supervisor.get(reverse("supervision:rules", args=[town.slug]), {"year": year})
    assert response.status_code == 200


@pytest.mark.parametrize("year", ["²", BIG, "-1"])
def test_any_year_or_text_in_the_bulletin_archive_search_shows_the_archive(supervisor, town, year):
    response = supervisor.get(
        reverse("supervision:bulletin_archive", args=[town.slug]), {"year": year, "q": "通报\x00"}
    )
    assert response.status_code == 200


def test_a_bulletin_printed_in_more_copies_than_a_small_number_holds_is_refused(supervisor, town):
    response = supervisor.post(
        reverse("supervision:bulletin_create", args=[town.slug]),
        {"kind": "special", "title": "简报", "period_label": "5月", "issuer": "督查室", "copies": "99999"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["copies"]


def test_a_nul_character_in_the_reason_a_cadre_left_is_dropped(office, town, personas):
    cadre = testing.make_cadre(town, "李娜", 901)
    response = office.post(
        reverse("people:cadre_set_active", args=[town.slug, cadre.pk]), {"reason": "调\x00离"}
    )
    assert response.status_code == 302
    cadre.refresh_from_db()
    assert not cadre.is_active
