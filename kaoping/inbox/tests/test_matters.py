"""A matter says once what its messages are about: subject, link and town on every message, the actor
told nothing, resolving by kind or all at once, and its reminders posted with the same fields."""

from datetime import date

import pytest

from kaoping.inbox import reminders
from kaoping.inbox.matters import Matter
from kaoping.inbox.models import Message

pytestmark = pytest.mark.django_db


def _matter(town, actor=None):
    return Matter(subject="scoring.sheet:1", link="/t/x/sheets/1/", town=town, actor=actor)


def test_its_messages_carry_its_subject_link_and_town_and_its_actor_gets_none(town, personas):
    scorer, leader = personas["scorer"], personas["group_leader"]
    posted = _matter(town, actor=scorer).notify(
        recipients=[scorer, leader],
        kind="sheet.approve",
        key="sheet.approve:1",
        title="Approve %(s)s",
        body="By %(who)s",
        params={"s": "A", "who": "B"},
    )
    assert [m.recipient for m in posted] == [leader]
    message = Message.objects.get()
    assert (message.recipient, message.kind, message.key, message.title, message.body) == (
        leader,
        "sheet.approve",
        "sheet.approve:1",
        "Approve A",
        "By B",
    )
    assert (message.subject, message.link, message.town) == ("scoring.sheet:1", "/t/x/sheets/1/", town)


def test_resolving_marks_the_kinds_named_done_or_every_message_when_none_is_named(town, personas):
    scorer = personas["scorer"]
    matter = _matter(town)
    for kind in ("sheet.fill", "sheet.due", "sheet.returned"):
        matter.notify(recipients=[scorer], kind=kind, key=kind, title=kind)
    _matter(town).notify(recipients=[scorer], kind="other", key="other", title="other")
    Matter(subject="scoring.sheet:2").notify(recipients=[scorer], kind="sheet.fill", key="x", title="x")
    assert matter.resolve("sheet.fill", "sheet.due") == 2
    assert set(Message.objects.filter(done_at__isnull=True).values_list("key", flat=True)) == {
        "sheet.returned",
        "other",
        "x",
    }
    assert matter.resolve() == 2  # the rest of this subject's; not sheet 2's
    assert list(Message.objects.filter(done_at__isnull=True).values_list("key", flat=True)) == ["x"]


def matter_source(today):
    """A source named by the setting: the scorer reminded about sheet 1, its matter's actor too."""
    from kaoping.accounts.models import User
    from kaoping.people.models import Town

    scorer = User.objects.get(username="scorer")
    matter = _matter(Town.objects.get(slug="xiacun"), actor=scorer)
    yield matter.reminder(
        recipients=iter([scorer]),
        kind="sheet.due",
        key=f"sheet.due:1:{today}",
        title="Due %(day)s",
        params={"day": f"{today}"},
    )


def test_its_reminder_is_posted_by_remind_with_the_same_fields_and_no_actor(town, personas, settings):
    settings.KAOPING_REMINDER_SOURCES = ["test.matter=kaoping.inbox.tests.test_matters.matter_source"]
    reminders.send_due(date(2026, 5, 4), only=["test.matter"])
    message = Message.objects.get()  # a reminder has no actor: whoever it concerns is reminded
    assert (message.recipient, message.title, message.subject, message.link, message.town) == (
        personas["scorer"],
        "Due 2026-05-04",
        "scoring.sheet:1",
        "/t/x/sheets/1/",
        town,
    )
