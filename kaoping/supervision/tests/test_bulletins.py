import threading
from datetime import date

import pytest
from django.db import connection

from kaoping.core.errors import DomainError
from kaoping.supervision import services
from kaoping.supervision.models import Bulletin, BulletinKind, BulletinStatus

B = BulletinStatus
VALUES = {
    "title": "关于5月份督查情况的通报",
    "body": "一、总体情况\n\n按时办结9项。",
    "period_label": "2026年5月",
    "issuer": "夏村镇督查办公室",
}


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def approved(personas, town, kind=BulletinKind.REGULAR):
    bulletin = services.bulletin_save(
        actor=personas["supervision_office"], town=town, values={**VALUES, "kind": kind}, items=[]
    )
    services.bulletin_move(actor=personas["supervision_office"], bulletin=bulletin, to=B.IN_REVIEW)
    return services.bulletin_move(actor=personas["main_leader"], bulletin=bulletin, to=B.APPROVED)


@pytest.mark.django_db
def test_a_bulletin_is_reviewed_approved_and_published_with_the_next_number(personas, town):
    office = personas["supervision_office"]
    first = services.bulletin_publish(
        actor=office, bulletin=approved(personas, town), on=date(2026, 5, 8), confirmed=True
    )
    second = services.bulletin_publish(
        actor=office, bulletin=approved(personas, town), on=date(2026, 6, 8), confirmed=True
    )
    extra = services.bulletin_publish(
        actor=office,
        bulletin=approved(personas, town, BulletinKind.SUPPLEMENT),
        on=date(2026, 6, 9),
        confirmed=True,
    )
    next_year = services.bulletin_publish(
        actor=office, bulletin=approved(personas, town), on=date(2027, 1, 5), confirmed=True
    )
    assert [b.number_label for b in (first, second, extra, next_year)] == [
        "第1期",
        "第2期",
        "增刊第1期",
        "第1期",
    ]


@pytest.mark.django_db
def test_the_reviewer_returns_with_a_note_and_the_composer_cannot_approve(personas, town):
    office, leader = personas["supervision_office"], personas["main_leader"]
    bulletin = services.bulletin_save(actor=office, town=town, values=VALUES, items=[])
    services.bulletin_move(actor=office, bulletin=bulletin, to=B.IN_REVIEW)
    with pytest.raises(DomainError, match="not allowed"):
        services.bulletin_move(actor=office, bulletin=bulletin, to=B.APPROVED)
    with pytest.raises(DomainError, match="Say what must change"):
        services.bulletin_move(actor=leader, bulletin=bulletin, to=B.DRAFT)
    services.bulletin_move(actor=leader, bulletin=bulletin, to=B.DRAFT, note="补充逾期事项")
    with pytest.raises(DomainError, match="approved"):
        services.bulletin_publish(actor=office, bulletin=bulletin, confirmed=True)


@pytest.mark.django_db
def test_a_published_bulletin_cannot_be_changed_or_published_again(personas, town):
    office = personas["supervision_office"]
    bulletin = services.bulletin_publish(actor=office, bulletin=approved(personas, town), confirmed=True)
    with pytest.raises(DomainError, match="cannot be changed"):
        services.bulletin_save(actor=office, town=town, values={"title": "x"}, items=[], bulletin=bulletin)
    with pytest.raises(DomainError, match="cannot become"):
        services.bulletin_move(actor=office, bulletin=bulletin, to=B.DRAFT)
    with pytest.raises(DomainError, match="approved"):
        services.bulletin_publish(actor=office, bulletin=bulletin, confirmed=True)


@pytest.mark.django_db(transaction=True)
def test_two_bulletins_published_at_the_same_moment_get_consecutive_numbers(personas, town):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("needs a file SQLite test database: run kaoping/supervision on its own, or set TEST NAME")
    office = personas["supervision_office"]
    bulletins = [approved(personas, town) for _ in range(4)]
    barrier = threading.Barrier(len(bulletins))
    errors = []

    def publish(bulletin):
        try:
            barrier.wait()
            services.bulletin_publish(actor=office, bulletin=bulletin, on=date(2026, 5, 8), confirmed=True)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=publish, args=(b,)) for b in bulletins]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    numbers = sorted(Bulletin.objects.filter(town=town).values_list("number", flat=True))
    assert numbers == [1, 2, 3, 4]
