from datetime import date

import pytest

from kaoping import testing
from kaoping.core import spreadsheets
from kaoping.supervision import importing
from kaoping.supervision.demo import load_demo_supervision
from kaoping.supervision.models import Bulletin, Item, ItemStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _upload(rows):
    return spreadsheets.write_rows(importing.ITEM_SHEET, rows)


ROW = {
    "source": "meeting",
    "title": "河道清理",
    "owners": "王小明",
    "urgency": "urgent",
    "assigned_on": date(2026, 5, 1),
    "deadline": date(2026, 5, 30),
    "department": "",
    "co_owners": "",
    "requirements": "",
}


def test_an_import_creates_every_item_or_none_and_names_each_bad_cell(personas, town):
    office = personas["supervision_office"]
    bad = _upload([ROW, {**ROW, "owners": "无此人"}, {**ROW, "deadline": date(2026, 4, 1)}])
    result = importing.item_import(actor=office, town=town, file=bad)
    assert [(p.row, p.key) for p in result.problems] == [(3, "owners"), (4, "deadline")]
    assert Item.objects.count() == 0
    result = importing.item_import(actor=office, town=town, file=_upload([ROW, ROW]))
    assert result.ok and Item.objects.filter(status=ItemStatus.ASSIGNED).count() == 2


def test_the_demo_has_items_in_every_state_and_numbered_bulletins(personas, town):
    for serial in range(5):
        testing.make_user(
            f"c{serial}", town=town, role=None, cadre=testing.make_cadre(town, f"干部{serial}", 910 + serial)
        )
    load_demo_supervision(town, today=date(2026, 6, 15), per_month=4)
    assert set(Item.objects.values_list("status", flat=True)) == set(ItemStatus.values)
    assert set(Item.objects.values_list("year", flat=True)) == {2025, 2026}
    numbers = list(
        Bulletin.objects.filter(year=2025, kind="regular").order_by("number").values_list("number", flat=True)
    )
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 8
