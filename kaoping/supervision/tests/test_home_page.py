"""Owners see their own open items with deadlines on the town's home page."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from .conftest import make_item


@pytest.mark.django_db
def test_an_owner_sees_their_open_items_with_deadlines_on_the_home_page(
    client_for, office, owner, town, co_owner
):
    mine = make_item(office, town, [owner.cadre], title="秸秆禁烧巡查", deadline=date(2026, 5, 20))
    make_item(office, town, [co_owner], title="别人的事项")
    with time_machine.travel(date(2026, 5, 25)):
        response = client_for(owner).get(reverse("town_home", kwargs={"town": town.slug}))
    page = response.content.decode()
    # The home page's cadre card (site/todo.py): each open item, its deadline and how late it is.
    (card,) = [c for c in response.context["cards"] if c.key == "cadre"]
    assert [line.url for line in card.lines] == [
        reverse("supervision:item_detail", kwargs={"town": town.slug, "pk": mine.pk})
    ]
    assert "秸秆禁烧巡查" in page and "05-20" in page and "别人的事项" not in page
    assert card.lines[0].urgent


@pytest.mark.django_db
def test_staff_without_a_cadre_record_see_no_items_box(client_for, personas, town):
    response = client_for(personas["supervision_office"]).get(
        reverse("town_home", kwargs={"town": town.slug})
    )
    assert [c.key for c in response.context["cards"]] == ["supervision_office"]
