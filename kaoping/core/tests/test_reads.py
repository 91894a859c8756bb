"""`core.reads.Read`: a statement built once gives the instances the ORM gives, on either database."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.sessions.models import Session
from django.db.models import Model
from django.test.utils import isolate_apps
from django.utils import timezone

from kaoping.core.reads import Read
from kaoping.people.models import Cadre, Population, Town
from kaoping.results.models import MonthlyResult
from kaoping.scoring.models import Period, PeriodStatus
from kaoping.testing import make_cadre, make_cadres, make_user, publish_month

pytestmark = pytest.mark.django_db


def assert_same(read: Model, orm: Model) -> None:
    """Every column's value, and its Python type, as the ORM made it."""
    assert type(read) is type(orm)
    assert not read._state.adding and read._state.db == orm._state.db
    for field in orm._meta.concrete_fields:
        ours, theirs = getattr(read, field.attname), getattr(orm, field.attname)
        assert ours == theirs, field.name
        assert type(ours) is type(theirs), field.name


def test_dates_times_booleans_decimals_and_json_come_back_as_the_orm_makes_them(town):
    cadre = make_cadre(town, "甲", 1)
    period = publish_month(town, date(2026, 3, 1), {cadre: "87.35"})
    MonthlyResult.objects.filter(period=period).update(breakdown={"lines": [{"code": "A1", "max": 10}]})
    Period.objects.filter(pk=period.pk).update(published_at=timezone.now())

    assert_same(Read(Town, "t.slug = %s").one(town.slug), Town.objects.get(slug=town.slug))
    assert_same(Read(Period, "t.id = %s").one(period.pk), Period.objects.get(pk=period.pk))
    read = Read(MonthlyResult, "t.period_id = %s").one(period.pk)
    assert_same(read, MonthlyResult.objects.get(period=period))
    assert read.total == Decimal("87.35") and read.breakdown == {"lines": [{"code": "A1", "max": 10}]}
    assert timezone.is_aware(Read(Period, "t.id = %s").one(period.pk).published_at)


def test_related_rows_are_joined_and_cached_as_select_related_does(town, django_assert_num_queries):
    cadre = make_cadre(town, "甲", 1)  # an agency cadre: a department, no village
    user = make_user("jia", town=town, role=None, cadre=cadre)
    with django_assert_num_queries(1):
        read = Read(Cadre, "t.id = %s", related=("department", "village")).one(cadre.pk)
        assert read.department.name == "党政办公室" and read.village is None
        assert read.workplace == read.department
    assert_same(read.department, cadre.department)

    with django_assert_num_queries(1):
        found = Read(type(user), "t.id = %s", related=("cadre",)).one(user.pk)
        assert found.cadre.name == "甲"
        assert found.cadre.user is found  # the one-to-one's other side is known too
    assert_same(found, type(user).objects.get(pk=user.pk))


def test_a_missing_relation_is_known_to_be_missing(town, django_assert_num_queries):
    user = make_user("nobody", town=town, role=None)
    with django_assert_num_queries(1):
        found = Read(type(user), "t.id = %s", related=("cadre",)).one(user.pk)
        assert found.cadre is None


def test_values_ordering_limit_and_count(town, other_town):
    for month in (1, 2, 3):
        Period.objects.create(town=town, month=date(2026, month, 1), status=PeriodStatus.OPEN)
    Period.objects.create(town=other_town, month=date(2026, 1, 1), status=PeriodStatus.OPEN)
    Period.objects.filter(town=town, month=date(2026, 2, 1)).update(status=PeriodStatus.PUBLISHED)

    latest = Read(Period, "t.town_id = %s", order_by="t.month DESC", limit=2)
    assert [p.month.month for p in latest.all(town.pk)] == [3, 2]
    # A date, and a choice given as its enum member, are passed as the ORM passes them.
    month = Read(Period, "t.town_id = %s AND t.month = %s")
    assert month.one(town.pk, date(2026, 2, 1)).status == PeriodStatus.PUBLISHED
    assert month.one(town.pk, date(2026, 4, 1)) is None
    by_status = Read(Period, "t.town_id = %s AND t.status = %s")
    assert [p.month.month for p in by_status.all(town.pk, PeriodStatus.OPEN)] == [1, 3]
    assert by_status.count(town.pk, PeriodStatus.OPEN) == 2
    assert by_status.count(other_town.pk, PeriodStatus.PUBLISHED) == 0


def test_aware_times_compare_as_stored(db):
    """The session's expiry: a time given as a value compares with the stored one on either database."""
    now = timezone.now()
    Session.objects.create(session_key="a" * 32, session_data="x", expire_date=now + timedelta(minutes=1))
    Session.objects.create(session_key="b" * 32, session_data="x", expire_date=now - timedelta(minutes=1))
    live = Read(Session, "t.session_key = %s AND t.expire_date > %s")
    assert live.one("a" * 32, now).session_data == "x"
    assert live.one("b" * 32, now) is None
    assert live.one("a" * 32, now + timedelta(minutes=2)) is None


def test_only_forward_relations_can_be_joined(db):
    with pytest.raises(ValueError, match="not a forward relation"):
        Read(Town, "t.id = %s", related=("departments",))
    with pytest.raises(ValueError, match="not a forward relation"):
        Read(Cadre, "t.id = %s", related=("population",))


@isolate_apps("kaoping.people")
def test_a_model_whose_columns_are_in_two_tables_is_refused():
    class Seat(Town):  # multi-table inheritance: its own table joined to the town's
        class Meta:
            app_label = "people"

    with pytest.raises(ValueError, match="inherits a table"):
        Read(Seat, "t.id = %s")


def test_population_is_read_as_its_stored_value(town):
    cadre = make_cadre(town, "乙", 2, population=Population.VILLAGE)
    read = Read(Cadre, "t.id = %s", related=("department", "village")).one(cadre.pk)
    assert read.population == Population.VILLAGE and read.village.name == "东村" and read.department is None


def test_extra_scalar_subqueries_are_read_in_the_same_statement(town, other_town, django_assert_num_queries):
    """`extra` columns, written per database, come in the same statement and land on each instance."""
    make_cadres(town, "甲乙", 1)
    count = f'SELECT COUNT(*) FROM "{Cadre._meta.db_table}" c WHERE c.town_id = t.id'
    towns = Read(
        Town,
        "t.id IN (%s, %s)",
        order_by="t.id",
        extra={"cadre_count": {"sqlite": count, "postgresql": count}},
    )
    with django_assert_num_queries(1):
        found = towns.all(town.pk, other_town.pk)
    assert [(t.pk, t.cadre_count) for t in found] == [(town.pk, 2), (other_town.pk, 0)]
