"""The demo reads like a real town's year: different people submit and approve, adjustments are dated
through the year, old supervision items are done, and the monthly bulletins are routine issues."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from kaoping.scoring.models import Adjustment, AdjustmentStatus, ScoreSheet, SheetStatus
from kaoping.supervision.models import Bulletin, BulletinKind, Item, ItemStatus


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("demo", stdout=StringIO())
        yield
        call_command("flush", interactive=False, verbosity=0)


@pytest.mark.django_db
def test_each_approved_sheet_is_submitted_and_approved_by_different_people(demo):
    sheets = ScoreSheet.objects.filter(period__town__slug="xiacun", status=SheetStatus.APPROVED)
    assert sheets.exists()
    assert not [s for s in sheets if s.submitted_by_id == s.approved_by_id]
    assert sheets.values("submitted_by").distinct().count() == 3  # one scorer per population
    assert sheets.values("approved_by").distinct().count() == 3  # one group leader per population
    for sheet in sheets.select_related("period")[:20]:
        assert sheet.period.month < sheet.submitted_at.date() < sheet.approved_at.date()


@pytest.mark.django_db
def test_adjustments_are_registered_through_the_year_and_decided_after_their_month(demo):
    adjustments = Adjustment.objects.filter(period__town__slug="xiacun").select_related("period")
    months = {a.created_at.date().replace(day=1) for a in adjustments}
    assert len(months) >= 10
    for adjustment in adjustments:
        assert adjustment.created_at.date().replace(day=1) == adjustment.period.month
        if adjustment.status == AdjustmentStatus.APPROVED:
            assert adjustment.decided_at > adjustment.created_at


@pytest.mark.django_db
def test_no_item_long_overdue_is_still_open(demo):
    long_ago = date.today() - timedelta(days=60)
    stale = Item.objects.filter(town__slug="xiacun", status__in=ItemStatus.open(), deadline__lt=long_ago)
    assert list(stale.values_list("title", "status")) == []
    assert Item.objects.filter(town__slug="xiacun", status=ItemStatus.ASSIGNED).exists()  # new ones are


@pytest.mark.django_db
def test_the_monthly_bulletins_are_routine_issues(demo):
    bulletins = Bulletin.objects.filter(town__slug="xiacun")
    assert bulletins.exists()
    assert not bulletins.filter(kind=BulletinKind.SUPPLEMENT).exists()
    assert not Item.objects.filter(title__contains="年0").exists()  # 2026年3月, not 2026年03月


@pytest.mark.django_db
def test_items_done_long_ago_are_closed_not_left_verified(demo):
    long_ago = date.today() - timedelta(days=120)
    old = Item.objects.filter(town__slug="xiacun", deadline__lt=long_ago)
    assert old.exists() and not old.exclude(status=ItemStatus.CLOSED).exists()
