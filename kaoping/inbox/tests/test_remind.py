"""`kaoping remind`: the registry of sources, --date, safe to run twice."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from kaoping.inbox import reminders
from kaoping.inbox.models import Message

SEEN: list[date] = []


def fake_source(today):
    """A source named by the setting: one reminder to every user called "scorer"."""
    from kaoping.accounts.models import User

    SEEN.append(today)
    yield reminders.Reminder(
        recipients=tuple(User.objects.filter(username="scorer")),
        kind="test.due",
        key=f"test.due:{today}",
        title="Due %(day)s",
        params={"day": f"{today}"},
    )


@pytest.fixture
def fake(settings):
    settings.KAOPING_REMINDER_SOURCES = ["test.fake=kaoping.inbox.tests.test_remind.fake_source"]
    SEEN.clear()


def _remind(*args) -> str:
    out = StringIO()
    call_command("remind", *args, stdout=out)
    return out.getvalue()


def test_the_apps_register_their_sources_without_the_inbox_knowing_them():
    assert {"scoring.sheets_due", "supervision.items_due"} <= reminders.sources().keys()


@pytest.mark.django_db
def test_running_twice_on_a_day_posts_each_reminder_once(fake, personas):
    first = _remind("--date", "2026-05-04", "--source", "test.fake")
    assert "test.fake: 1 due, 1 posted" in first
    second = _remind("--date", "2026-05-04", "--source", "test.fake")
    assert "test.fake: 1 due, 0 posted" in second
    assert list(Message.objects.values_list("title", flat=True)) == ["Due 2026-05-04"]
    assert [date(2026, 5, 4), date(2026, 5, 4)] == SEEN


@pytest.mark.django_db
def test_a_dry_run_posts_nothing(fake, personas):
    assert "1 due" in _remind("--date", "2026-05-04", "--source", "test.fake", "--dry-run")
    assert not Message.objects.exists()


@pytest.mark.django_db
def test_a_bad_date_or_source_is_refused_with_a_message(fake):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        _remind("--date", "04/05/2026")
    with pytest.raises(CommandError, match="unknown source"):
        _remind("--source", "nope")


def test_list_names_every_source(fake):
    assert "test.fake" in _remind("--list")
