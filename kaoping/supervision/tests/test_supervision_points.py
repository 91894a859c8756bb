from datetime import date
from decimal import Decimal

import pytest
import time_machine

from kaoping.supervision import points, services
from kaoping.supervision.models import ItemStatus, ScoringRules
from kaoping.supervision.selectors import supervision_points

from .conftest import make_item

pytestmark = pytest.mark.django_db
S = ItemStatus


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _handle(office, owner, item, *, on: date, send_backs: int = 0, quality: str = "good"):
    with time_machine.travel(on):
        services.item_move(actor=owner, item=item, to=S.IN_PROGRESS, confirmed=True)
        services.item_move(actor=owner, item=item, to=S.SUBMITTED, result="done", confirmed=True)
        for _ in range(send_backs):
            services.item_move(actor=office, item=item, to=S.IN_PROGRESS, text="redo", confirmed=True)
            services.item_move(actor=owner, item=item, to=S.SUBMITTED, result="done again", confirmed=True)
        services.item_move(actor=office, item=item, to=S.VERIFIED, quality=quality, confirmed=True)


def test_the_default_rules_score_on_time_send_backs_and_quality_line_by_line(
    town, office, owner, co_owner, item
):
    other = make_item(office, town, [owner.cadre], [co_owner], title="河道清理")
    _handle(
        office,
        owner,
        item,
        on=date(
            2026,
            5,
            15,
        ),
        quality="excellent",
    )
    _handle(office, owner, other, on=date(2026, 5, 25), send_backs=2, quality="poor")
    result = supervision_points(town, date(2026, 5, 1))
    assert result[owner.cadre_id] == [
        (item.pk, item.title, Decimal("1"), "Result by the deadline"),
        (item.pk, item.title, Decimal("2"), "Quality: Excellent"),
        (other.pk, other.title, Decimal("-1"), "Result after the deadline"),
        (other.pk, other.title, Decimal("-1.0"), "Sent back 2 times"),
        (other.pk, other.title, Decimal("-1"), "Quality: Poor"),
    ]
    assert [line[2] for line in result[co_owner.pk]] == [Decimal("-0.50"), Decimal("-0.50"), Decimal("-0.50")]
    assert supervision_points(town, date(2026, 6, 1)) == {}


def test_the_towns_own_rules_for_the_year_are_used(town, office, owner, item):
    ScoringRules.objects.create(town=town, year=2026, on_time=Decimal("3"), good=Decimal("0"))
    _handle(office, owner, item, on=date(2026, 5, 2))
    assert supervision_points(town, date(2026, 5, 1)) == {
        owner.cadre_id: [(item.pk, item.title, Decimal("3"), "Result by the deadline")]
    }


def test_an_unverified_item_earns_nothing(town, owner, item):
    with time_machine.travel(date(2026, 5, 2)):
        services.item_move(actor=owner, item=item, to=S.IN_PROGRESS, confirmed=True)
    assert supervision_points(town, date(2026, 5, 1)) == {}


def test_a_co_owner_share_rounds_half_up():
    assert points.share(Decimal("1.25"), Decimal("50")) == Decimal("0.63")


def test_a_department_item_gives_its_points_to_the_heads_of_that_month(town, office, personas):
    from kaoping import testing
    from kaoping.people import services as people
    from kaoping.people.models import Department

    department = town.departments.first()
    head = testing.make_cadre(town, "钱主任", 906, is_middle_level=True, department=department)
    user = testing.make_user("head", town=town, role=None, cadre=head)
    item = make_item(office, town, [], department=department)
    _handle(office, user, item, on=date(2026, 5, 15))
    station = Department.objects.create(town=town, name="财政所")
    values = {f: getattr(head, f) for f in people.CADRE_FIELDS}
    people.cadre_update(
        actor=personas["town_admin"],
        cadre=head,
        data=people.CadreData(**{**values, "department": station}),
        effective_from=date(2026, 6, 1),
    )
    successor = testing.make_cadre(
        town, "孙主任", 907, is_middle_level=True, department=department, in_post_from=date(2026, 6, 1)
    )
    # May's points stay with May's head, though another cadre heads the department today.
    assert list(supervision_points(town, date(2026, 5, 1))) == [head.pk]
    assert successor.pk not in supervision_points(town, date(2026, 5, 1))
