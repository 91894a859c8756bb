"""notify is idempotent on its key, resolve marks a matter done, and e-mail is optional."""

import pytest
from django.core import mail
from django.utils import timezone

from kaoping.accounts.models import Role
from kaoping.inbox import services
from kaoping.inbox.models import Message
from kaoping.people.models import Population


def _post(users, key="sheet.fill:1", **extra):
    return services.notify(
        recipients=users, kind="sheet.fill", key=key, title="Fill %(what)s", params={"what": "it"}, **extra
    )


@pytest.mark.django_db
def test_the_same_key_is_posted_to_a_person_once(personas):
    scorer, leader = personas["scorer"], personas["group_leader"]
    assert len(_post([scorer])) == 1
    assert len(_post([scorer, leader])) == 1  # only the leader is new
    assert _post([scorer, leader]) == []
    assert Message.objects.filter(key="sheet.fill:1").count() == 2
    assert Message.objects.get(recipient=scorer).title == "Fill it"


@pytest.mark.django_db
def test_the_actor_and_inactive_accounts_get_nothing(personas):
    scorer, leader = personas["scorer"], personas["group_leader"]
    leader.is_active = False
    leader.save()
    assert _post([scorer, leader], exclude=scorer) == []


@pytest.mark.django_db
def test_messages_are_written_in_the_sites_language_whatever_the_request(settings, personas):
    from django.utils import translation
    from django.utils.translation import gettext_lazy

    settings.LANGUAGE_CODE = "zh-hans"
    with translation.override("en"):
        services.notify(recipients=[personas["scorer"]], kind="k", key="k", title=gettext_lazy("Messages"))
    assert Message.objects.get().title == "消息"


@pytest.mark.django_db
def test_resolving_a_subject_marks_its_open_messages_done_and_no_longer_unread(personas):
    scorer = personas["scorer"]
    _post([scorer], subject="scoring.sheet:1")
    _post([scorer], key="other", subject="scoring.sheet:2")
    assert services.unread_count(scorer) == 2
    assert services.resolve(subject="scoring.sheet:1") == 1
    assert services.unread_count(scorer) == 1
    assert services.resolve(subject="scoring.sheet:1") == 0
    assert services.resolve(subject="scoring.sheet:2", kinds=["item.due"]) == 0


@pytest.mark.django_db
def test_recipients_with_a_per_population_role_are_those_of_the_population(town, personas):
    from kaoping import testing

    village = testing.make_user("vscorer", town=town, role=Role.SCORER, population=Population.VILLAGE)
    found = set(
        services.recipients_with_roles(town, [Role.SCORER, Role.MAIN_LEADER], population=Population.AGENCY)
    )
    assert found == {personas["scorer"], personas["main_leader"]}
    assert village in set(services.recipients_with_roles(town, [Role.SCORER]))
    assert personas["scorer"] not in set(
        services.recipients_with_roles(personas["other_town_admin"].roles.get().town, [Role.SCORER])
    )


@pytest.mark.django_db(transaction=True)
def test_email_is_sent_only_when_enabled_and_once(settings, town):
    from kaoping import testing

    user = testing.make_user("mailme", town=town, role=Role.SCORER, population="agency", email="a@example.cn")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.KAOPING_INBOX_EMAIL = False
    _post([user], key="one", link="/inbox/")
    assert mail.outbox == []
    settings.KAOPING_INBOX_EMAIL = True
    settings.KAOPING_SITE_URL = "https://kp.example.cn/"
    _post([user], key="two", link="/inbox/")
    _post([user], key="two", link="/inbox/")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["a@example.cn"]
    assert "https://kp.example.cn/inbox/" in mail.outbox[0].body
    assert Message.objects.get(key="two").emailed_at is not None
    assert Message.objects.get(key="one").emailed_at is None


def test_the_unread_count_is_the_querysets_unread_messages(personas):
    """`unread_count`'s statement and `MessageQuerySet.unread` say the same thing, in every state."""
    me, other = personas["assessment_office"], personas["scorer"]
    now = timezone.now()
    for n, (read, done) in enumerate([(None, None), (now, None), (None, now), (now, now), (None, None)]):
        Message.objects.create(recipient=me, kind="k", title="t", key=f"k{n}", read_at=read, done_at=done)
    Message.objects.create(recipient=other, kind="k", title="t", key="k0")
    assert services.unread_count(me) == Message.objects.for_user(me).unread().count() == 2
