from datetime import date

import pytest

from kaoping import testing
from kaoping.supervision import services
from kaoping.supervision.models import Source


@pytest.fixture
def office(personas):
    return personas["supervision_office"]


@pytest.fixture
def owner(personas):
    return personas["cadre"]


def make_item(office, town, owners, co_owners=(), **extra):
    data = services.ItemData(
        source=extra.pop("source", Source.MEETING),
        title=extra.pop("title", "秸秆禁烧巡查"),
        assigned_on=extra.pop("assigned_on", date(2026, 5, 1)),
        deadline=extra.pop("deadline", date(2026, 5, 20)),
        owners=list(owners),
        co_owners=list(co_owners),
        **extra,
    )
    return services.item_create(actor=office, town=town, data=data)


@pytest.fixture
def item(office, owner, town):
    return make_item(office, town, [owner.cadre])


@pytest.fixture
def co_owner(town):
    return testing.make_cadre(town, "李娜", 901)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """SQLite tests run on a file, not in memory: a shared-cache memory database refuses a second
    writer at once ("table is locked") where a real file makes it wait, as production does."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(settings.DATA_DIR / "test-supervision.sqlite3")
