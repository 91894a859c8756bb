"""The year's scoring rules: the office reads and sets them; every change is audited with old and new."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from kaoping.audit.models import AuditEntry
from kaoping.core.errors import DomainError
from kaoping.results import results
from kaoping.scoring.models import Period, PeriodStatus
from kaoping.supervision import services
from kaoping.supervision.models import ItemStatus, ScoringRules

from .conftest import make_item

pytestmark = pytest.mark.django_db

FORM = {
    "on_time": "2",
    "late": "-2",
    "per_send_back": "-1",
    "excellent": "3",
    "good": "1.5",
    "fair": "0",
    "poor": "-1",
    "co_owner_share": "40",
}


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def url(town, year=None):
    return reverse("supervision:rules", args=[town.slug]) + (f"?year={year}" if year else "")


def test_the_office_sets_the_years_rules_and_the_audit_log_keeps_old_and_new(client_for, personas, town):
    response = client_for(personas["supervision_office"]).post(url(town, 2026), FORM)
    assert response.status_code == 302
    rules = ScoringRules.objects.get(town=town, year=2026)
    assert (rules.on_time, rules.good, rules.co_owner_share) == (Decimal(2), Decimal("1.5"), Decimal(40))
    entry = AuditEntry.objects.get(action="supervision_rules.update")
    assert Decimal(entry.old["on_time"]) == 1 and Decimal(entry.new["on_time"]) == 2
    assert Decimal(entry.old["co_owner_share"]) == 50 and Decimal(entry.new["co_owner_share"]) == 40
    assert "fair" not in entry.new  # unchanged: 0 stays 0


def test_saving_the_same_rules_again_writes_no_audit_entry(personas, town):
    office = personas["supervision_office"]
    values = {k: Decimal(v) for k, v in FORM.items()}
    rules = services.rules_save(actor=office, town=town, year=2026, values=values)
    services.rules_save(actor=office, town=town, year=2026, values=values, version=rules.version)
    assert AuditEntry.objects.filter(action="supervision_rules.update").count() == 1


def test_the_page_shows_the_defaults_for_a_year_without_rules(client_for, personas, town):
    page = client_for(personas["supervision_office"]).get(url(town, 2027))
    assert page.status_code == 200
    assert page.context["form"].initial["on_time"] == Decimal("1")
    assert "these are the defaults" in page.content.decode()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"late": "3"}, "A late result cannot earn more than one on time."),
        ({"per_send_back": "0.5"}, "A send-back can only cost points"),
        ({"good": "5"}, "A better quality cannot earn fewer points than a worse one."),
        ({"co_owner_share": "120"}, "Ensure this value is less than or equal to 100."),
    ],
)
def test_rules_that_make_no_sense_are_refused_with_the_reason(client_for, personas, town, change, message):
    page = client_for(personas["supervision_office"]).post(url(town, 2026), FORM | change)
    assert page.status_code == 200
    assert message in page.content.decode()
    assert not ScoringRules.objects.exists()
    assert not AuditEntry.objects.filter(action="supervision_rules.update").exists()


def test_the_service_refuses_a_rule_it_does_not_know_and_anyone_but_the_office(personas, town):
    with pytest.raises(DomainError, match="Unknown rule: bonus"):
        services.rules_save(
            actor=personas["supervision_office"], town=town, year=2026, values={"bonus": Decimal(1)}
        )
    with pytest.raises(DomainError, match="Only the supervision office"):
        services.rules_save(actor=personas["main_leader"], town=town, year=2026, values={})


def test_leaders_read_the_rules_but_cannot_change_them(client_for, personas, town):
    client = client_for(personas["main_leader"])
    page = client.get(url(town))
    assert page.status_code == 200 and page.context["form"].fields["on_time"].disabled
    assert client.post(url(town, 2026), FORM).status_code == 403
    assert not ScoringRules.objects.exists()


def test_new_rules_rescore_a_month_not_yet_published_but_not_a_published_one(
    personas, town, item, owner, monkeypatch
):
    office = personas["supervision_office"]
    open_month = Period.objects.create(town=town, month=date(2026, 5, 1))
    published = Period.objects.create(town=town, month=date(2026, 4, 1), status=PeriodStatus.PUBLISHED)
    april = make_item(office, town, [owner.cadre], assigned_on=date(2026, 4, 1), deadline=date(2026, 4, 20))
    for verified_on, handled in ((date(2026, 4, 10), april), (date(2026, 5, 10), item)):
        with time_machine.travel(verified_on):
            services.item_move(actor=owner, item=handled, to=ItemStatus.IN_PROGRESS, confirmed=True)
            services.item_move(
                actor=owner, item=handled, to=ItemStatus.SUBMITTED, result="done", confirmed=True
            )
            services.item_move(
                actor=office, item=handled, to=ItemStatus.VERIFIED, quality="good", confirmed=True
            )
    Period.objects.filter(pk__in=[open_month.pk, published.pk]).update(computed_at="2026-05-10T00:00:00Z")
    calls = []
    monkeypatch.setattr(results, "period_recompute", lambda period, **kw: calls.append(period.month) or 0)
    services.rules_save(actor=office, town=town, year=2026, values={"on_time": Decimal(3)})
    assert calls == [date(2026, 5, 1)]
