"""What the records post to the inbox: the reminder of missing records (the day before the deadline
and on it, once however often `kaoping remind` runs) and the message of a returned record (done when
the record is submitted again)."""

from io import StringIO

import pytest
from django.core.management import call_command

from kaoping.inbox.models import Message
from kaoping.inbox.reminders import sources
from kaoping.records import notices

from .fixtures import full_answers
from .test_services import save

pytestmark = pytest.mark.django_db


def _remind(day: str) -> str:
    out = StringIO()
    call_command("remind", "--date", day, "--source", "records.missing", stdout=out)
    return out.getvalue()


def _missing(user) -> list[Message]:
    return list(Message.objects.filter(recipient=user, kind=notices.MISSING).order_by("pk"))


def test_the_source_is_registered_by_the_records_app():
    assert sources()["records.missing"] is notices.missing_records


def test_leaders_with_missing_records_are_reminded_the_day_before_and_on_the_deadline_once(area):
    # May 2026's deadline is Monday the 25th: reminders on the 24th and the 25th, not before or after.
    save(area, area["agency"][1], submit=True)  # 李二 is submitted; 张一 and 王小明 are not
    for day in ("2026-05-20", "2026-05-23", "2026-05-24", "2026-05-24", "2026-05-25", "2026-05-26"):
        _remind(day)
    a = _missing(area["user_a"])
    assert sorted(m.key.rsplit(":", 1)[1] for m in a) == ["day", "eve"]
    assert "张一" in a[0].body and "王小明" in a[0].body and "李二" not in a[0].body
    assert "2 monthly records of 2026-05" in a[0].title
    assert [m.key.rsplit(":", 1)[1] for m in _missing(area["user_b"])] == ["eve", "day"]
    # A second run the same day posts nothing more.
    before = Message.objects.count()
    _remind("2026-05-25")
    assert Message.objects.count() == before


def test_a_leader_with_every_record_submitted_is_not_reminded(area):
    for cadre in (*area["agency"], area["cadre_persona"]):
        save(area, cadre, submit=True)
    _remind("2026-05-24")
    assert _missing(area["user_a"]) == [] and len(_missing(area["user_b"])) == 1


def test_a_returned_record_tells_its_leader_until_it_is_submitted_again(area):
    from kaoping.records import services

    record = save(area, submit=True)
    services.record_return(actor=area["office"], record=record, reason="内容过简", based_on=record.version)
    [message] = Message.objects.filter(recipient=area["user_a"], kind=notices.RETURNED)
    assert "内容过简" in message.body and message.done_at is None
    assert message.link.endswith("/2026-05/")
    assert not Message.objects.filter(recipient=area["office"], kind=notices.RETURNED).exists()
    record.refresh_from_db()
    save(area, answers=full_answers("补充：完成防汛值守"), submit=True, based_on=record.version)
    message.refresh_from_db()
    assert message.done_at is not None
