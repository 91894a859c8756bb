"""What the rectifications post to the inbox: the plan to the listed cadre, and from the deadline on
the review to the group leader of the cadre's population (once, however often `kaoping remind` runs);
the review marks both done."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from kaoping.inbox.models import Message
from kaoping.inbox.reminders import sources
from kaoping.quarterly import notices, services
from kaoping.quarterly.models import RectificationStatus
from kaoping.testing import make_user

from .test_lagging_services import final_entry  # noqa: F401

pytestmark = pytest.mark.django_db


def _remind(day: str) -> None:
    call_command("remind", "--date", day, "--source", "quarterly.rectifications_due", stdout=StringIO())


@pytest.fixture
def plan(final_entry, office):  # noqa: F811
    cadre_user = make_user("geng", town=final_entry.cadre.town, role=None, cadre=final_entry.cadre)
    rect = services.rectification_record(
        actor=office, entry=final_entry, measures="逐项整改", deadline=date(2026, 6, 1)
    )
    return rect, cadre_user


def test_the_source_is_registered_by_the_quarterly_app():
    assert sources()["quarterly.rectifications_due"] is notices.rectifications_due


def test_the_cadre_is_told_when_their_rectification_plan_is_recorded(plan, office):
    rect, cadre_user = plan
    [message] = Message.objects.filter(recipient=cadre_user, kind=notices.RECORDED)
    assert "2026-06-01" in message.title and "逐项整改" in message.body
    assert message.link.endswith(f"/rectifications/{rect.pk}/")
    assert not Message.objects.filter(recipient=office, kind=notices.RECORDED).exists()


def test_the_group_leader_is_asked_to_review_from_the_deadline_once(plan, personas):
    rect, cadre_user = plan
    leader = personas["group_leader"]  # of the agency population, the listed cadre's
    _remind("2026-05-31")
    assert not Message.objects.filter(kind=notices.REVIEW).exists()
    for day in ("2026-06-01", "2026-06-01", "2026-06-02"):
        _remind(day)
    [message] = Message.objects.filter(kind=notices.REVIEW)
    assert message.recipient == leader and "庚" in message.title
    assert not Message.objects.filter(kind=notices.REVIEW, recipient=personas["scorer"]).exists()
    services.rectification_review(
        actor=leader,
        rectification=rect,
        outcome=RectificationStatus.COMPLETED,
        review="已整改",
        confirmed=True,
        based_on=rect.version,
    )
    assert not Message.objects.filter(subject=notices.subject(rect), done_at__isnull=True).exists()
    _remind("2026-06-03")  # closed: nothing more
    assert Message.objects.filter(kind=notices.REVIEW).count() == 1
