"""A bulletin is approved by someone other than whoever sent it for review, and a supervision result
is verified by someone other than whoever submitted it; irreversible steps need a confirmation."""

from datetime import date

import pytest
from django.urls import reverse

from kaoping import testing
from kaoping.accounts.models import Role, RoleAssignment
from kaoping.core.errors import DomainError
from kaoping.supervision import services
from kaoping.supervision.models import BulletinStatus as B
from kaoping.supervision.models import ItemStatus as S

from .conftest import make_item

VALUES = {
    "period_label": "2026年5月",
    "title": "关于督查情况的通报",
    "body": "一、总体情况",
    "issuer": "督查办",
}


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _detail(town, name, pk):
    return reverse(f"supervision:{name}", args=[town.slug, pk])


@pytest.mark.django_db
def test_whoever_sends_a_bulletin_for_review_cannot_approve_it_and_is_told_why(client_for, personas, town):
    both = testing.make_user("both", town=town, role=Role.SUPERVISION_OFFICE)
    RoleAssignment.objects.create(user=both, role=Role.MAIN_LEADER, town=town)
    bulletin = services.bulletin_save(actor=both, town=town, values=VALUES, items=[])
    services.bulletin_move(actor=both, bulletin=bulletin, to=B.IN_REVIEW)
    page = client_for(both).get(_detail(town, "bulletin_detail", bulletin.pk)).content.decode()
    assert 'value="approved"' not in page
    assert "You sent this bulletin for review: someone else must take the next step" in page
    with pytest.raises(DomainError, match="You sent this bulletin for review"):
        services.bulletin_move(actor=both, bulletin=bulletin, to=B.APPROVED)
    services.bulletin_move(actor=personas["main_leader"], bulletin=bulletin, to=B.APPROVED)


@pytest.mark.django_db
def test_publishing_a_bulletin_needs_a_confirmation_that_says_the_number_is_for_good(
    client_for, personas, town
):
    office = personas["supervision_office"]
    bulletin = services.bulletin_save(actor=office, town=town, values=VALUES, items=[])
    services.bulletin_move(actor=office, bulletin=bulletin, to=B.IN_REVIEW)
    services.bulletin_move(actor=personas["main_leader"], bulletin=bulletin, to=B.APPROVED)
    with pytest.raises(DomainError, match="Confirm first: Publishing cannot be undone"):
        services.bulletin_publish(actor=office, bulletin=bulletin)
    client = client_for(office)
    page = client.get(_detail(town, "bulletin_detail", bulletin.pk)).content.decode()
    assert "This cannot be undone." in page and 'name="confirmed" value="1"' in page
    client.post(_detail(town, "bulletin_publish", bulletin.pk))
    bulletin.refresh_from_db()
    assert bulletin.number is None
    client.post(_detail(town, "bulletin_publish", bulletin.pk), {"confirmed": "1"})
    bulletin.refresh_from_db()
    assert bulletin.number == 1


@pytest.mark.django_db
def test_an_edit_from_a_page_loaded_before_another_change_is_refused(personas, town):
    office = personas["supervision_office"]
    bulletin = services.bulletin_save(actor=office, town=town, values=VALUES, items=[])
    loaded = bulletin.version
    services.bulletin_save(
        actor=office, town=town, values={"title": "甲"}, items=[], bulletin=bulletin, version=loaded
    )
    with pytest.raises(
        DomainError,
        match="supervision_office changed this at .*, after you opened the page: nothing was saved",
    ):
        services.bulletin_save(
            actor=office, town=town, values={"title": "乙"}, items=[], bulletin=bulletin, version=loaded
        )
    bulletin.refresh_from_db()
    assert bulletin.title == "甲"


@pytest.mark.django_db
def test_rules_saved_from_a_page_loaded_before_another_change_are_refused(personas, town):
    from decimal import Decimal

    office = personas["supervision_office"]
    rules = services.rules_save(actor=office, town=town, year=2026, values={"on_time": Decimal(2)})
    services.rules_save(
        actor=office, town=town, year=2026, values={"on_time": Decimal(3)}, version=rules.version
    )
    with pytest.raises(
        DomainError,
        match="supervision_office changed this at .*, after you opened the page: nothing was saved",
    ):
        services.rules_save(
            actor=office, town=town, year=2026, values={"on_time": Decimal(4)}, version=rules.version
        )
    assert services.rules_for(town, 2026).on_time == 3


@pytest.mark.django_db
def test_an_office_clerk_who_owns_an_item_cannot_verify_their_own_result(client_for, personas, town):
    clerk = personas["cadre"]  # a cadre of the town, also given the supervision office's role
    RoleAssignment.objects.create(user=clerk, role=Role.SUPERVISION_OFFICE, town=town)
    item = make_item(personas["supervision_office"], town, [clerk.cadre], deadline=date(2030, 1, 1))
    services.item_move(actor=clerk, item=item, to=S.IN_PROGRESS)
    services.item_move(actor=clerk, item=item, to=S.SUBMITTED, result="已完成")
    page = client_for(clerk).get(_detail(town, "item_detail", item.pk)).content.decode()
    assert 'value="verified"' not in page and "You submitted this result" in page
    with pytest.raises(DomainError, match="You submitted this result"):
        services.item_move(actor=clerk, item=item, to=S.VERIFIED, quality="good", confirmed=True)
    office = personas["supervision_office"]
    with pytest.raises(DomainError, match="Confirm first: Verifying cannot be undone"):
        services.item_move(actor=office, item=item, to=S.VERIFIED, quality="good")
    services.item_move(actor=office, item=item, to=S.VERIFIED, quality="good", confirmed=True)
    with pytest.raises(DomainError, match="Confirm first: Closing cannot be undone"):
        services.item_move(actor=office, item=item, to=S.CLOSED, text="已办结")
    client_for(office).post(_detail(town, "item_move", item.pk), {"to": "closed", "text": "已办结"})
    item.refresh_from_db()
    assert item.status == S.VERIFIED
    client_for(office).post(
        _detail(town, "item_move", item.pk), {"to": "closed", "text": "已办结", "confirmed": "1"}
    )
    item.refresh_from_db()
    assert item.status == S.CLOSED
