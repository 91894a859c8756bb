"""Scoring tells people in their inbox what they must act on, and marks it done once it is done."""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from kaoping import testing
from kaoping.accounts.models import Role
from kaoping.inbox.models import Message
from kaoping.people.models import Population

from .. import notices, services
from ..models import SheetStatus
from .conftest import fill


def _open(user, kind=None):
    messages = Message.objects.filter(recipient=user, done_at__isnull=True)
    return list(messages.filter(kind=kind) if kind else messages)


@pytest.mark.django_db
def test_opening_a_month_asks_the_populations_scorers_and_leaders_to_fill_their_sheet(personas, town, sheet):
    village_scorer = testing.make_user("vs", town=town, role=Role.SCORER, population=Population.VILLAGE)
    for who in ("scorer", "group_leader"):
        [message] = _open(personas[who], notices.FILL)
        assert message.link.endswith(f"/sheets/{sheet.pk}/")
        assert message.subject == f"scoring.sheet:{sheet.pk}"
    assert _open(village_scorer) == []
    assert _open(personas["assessment_office"]) == []


@pytest.mark.django_db
def test_a_submitted_sheet_asks_the_leaders_to_approve_and_approving_closes_every_message(
    personas, town, sheet
):
    fill(sheet, personas["scorer"])
    services.sheet_move(actor=personas["scorer"], sheet=sheet, to=SheetStatus.SUBMITTED)
    assert _open(personas["scorer"]) == []  # filling is done
    [ask] = _open(personas["group_leader"], notices.APPROVE)
    services.sheet_move(actor=personas["group_leader"], sheet=sheet, to=SheetStatus.APPROVED)
    ask.refresh_from_db()
    assert ask.done_at is not None
    assert _open(personas["group_leader"]) == []


@pytest.mark.django_db
def test_a_returned_sheet_tells_its_submitter_why_and_a_new_submission_asks_again(personas, town, sheet):
    scorer, leader = personas["scorer"], personas["group_leader"]
    fill(sheet, scorer)
    services.sheet_move(actor=scorer, sheet=sheet, to=SheetStatus.SUBMITTED)
    services.sheet_move(actor=leader, sheet=sheet, to=SheetStatus.DRAFT, reason="第3行有误")
    [returned] = _open(scorer, notices.RETURNED)
    assert "第3行有误" in returned.body
    assert _open(leader, notices.APPROVE) == []
    services.sheet_move(actor=scorer, sheet=sheet, to=SheetStatus.SUBMITTED)
    assert len(_open(leader, notices.APPROVE)) == 1
    assert Message.objects.filter(recipient=leader, kind=notices.APPROVE).count() == 2


@pytest.mark.django_db
def test_a_registered_bonus_asks_the_main_leader_to_decide_until_decided(personas, period, scheme, cadres):
    adjustment = services.adjustment_create(
        actor=personas["assessment_office"],
        period=period,
        reason=scheme.adjustment_reasons.get(name="改革创新"),
        title="市级表彰",
        evidence="",
        shares=[services.ShareInput(cadres[0], Decimal(1))],
    )
    [ask] = _open(personas["main_leader"], notices.DECIDE)
    assert "市级表彰" in ask.title
    services.adjustment_decide(actor=personas["main_leader"], adjustment=adjustment, approve=False)
    assert _open(personas["main_leader"]) == []


def _remind(day: str) -> str:
    out = StringIO()
    call_command("remind", "--date", day, "--source", "scoring.sheets_due", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_remind_tells_the_scorers_the_day_before_and_on_the_due_day_once_each(settings, personas, sheet):
    settings.KAOPING_SHEETS_DUE_DAY = 5  # March's sheets are due on 5 April
    assert notices.due_day(sheet.period) == date(2026, 4, 5)
    scorer = personas["scorer"]
    _remind("2026-04-03")
    assert _open(scorer, notices.DUE) == []
    _remind("2026-04-04")
    _remind("2026-04-04")
    assert len(_open(scorer, notices.DUE)) == 1
    _remind("2026-04-05")
    _remind("2026-04-07")
    _remind("2026-04-08")
    titles = [m.title for m in Message.objects.filter(recipient=scorer, kind=notices.DUE).order_by("pk")]
    assert len(titles) == 3  # the eve, the day, overdue once


@pytest.mark.django_db
def test_remind_asks_the_leaders_not_the_scorers_once_the_sheet_is_submitted(personas, sheet):
    fill(sheet, personas["scorer"])
    services.sheet_move(actor=personas["scorer"], sheet=sheet, to=SheetStatus.SUBMITTED)
    _remind("2026-04-05")
    assert _open(personas["scorer"], notices.DUE) == []
    assert len(_open(personas["group_leader"], notices.DUE)) == 1
    services.sheet_move(actor=personas["group_leader"], sheet=sheet, to=SheetStatus.APPROVED)
    assert "0 due" in _remind("2026-04-06")


@pytest.mark.django_db
def test_a_reopened_sheet_tells_its_scorers_why_about_the_sheet_but_not_the_leader_who_reopened_it(
    settings, personas, town, sheet
):
    settings.LANGUAGE_CODE = "en"
    scorer, leader = personas["scorer"], personas["group_leader"]
    fill(sheet, scorer)
    services.sheet_move(actor=scorer, sheet=sheet, to=SheetStatus.SUBMITTED)
    services.sheet_move(actor=leader, sheet=sheet, to=SheetStatus.APPROVED)
    services.sheet_move(actor=leader, sheet=sheet, to=SheetStatus.DRAFT, reason="补录一项")
    [reopened] = _open(scorer, notices.RETURNED)
    assert reopened.title == f"Score sheet reopened: {sheet.scheme.name}, 2026-03"
    assert reopened.body == "Reason: 补录一项"
    grid = reverse("scoring:sheet_grid", args=[town.slug, "2026-03", sheet.pk])
    assert (reopened.subject, reopened.link, reopened.town) == (f"scoring.sheet:{sheet.pk}", grid, town)
    assert _open(leader) == []  # a scorer of the sheet too, but they reopened it
