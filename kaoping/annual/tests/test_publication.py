"""The publication of the annual grades (公示), objections in its window, the office's confirmation,
reviews of a confirmed grade and the improvements they make (kind "annual.grade").

The pool of ten (甲 … 癸, two 优秀 places: 甲 and 乙) is published on Monday 2 March 2026; the window is
2-6 March (five working days), confirmed on 9 March; a review can be asked for until 7 April.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from kaoping import testing
from kaoping.annual import kind, publication, services
from kaoping.annual.models import AnnualPublication, AnnualResult, UndeterminedReason
from kaoping.appeals import services as appeals
from kaoping.appeals.models import Appeal, AppealStatus, Stage
from kaoping.audit.models import AuditEntry
from kaoping.core import subjects
from kaoping.core.errors import DomainError
from kaoping.engine.appeals import Worsening, rule_on_review
from kaoping.inbox.models import Message

from .conftest import POOL

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
PUBLISHED = datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)
IN_WINDOW = datetime(2026, 3, 4, 10, 0, tzinfo=SHANGHAI)
AFTER_WINDOW = datetime(2026, 3, 9, 10, 0, tzinfo=SHANGHAI)
LATE = datetime(2026, 4, 9, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def computed(year, town, office):
    services.pool_compute(actor=office, town=town, year=2026, pool=POOL)
    return year


@pytest.fixture
def bing(computed, town):
    """丙 (third, 称职: the first outside the two 优秀 places) with a login."""
    return testing.make_user("bing", town=town, role=None, cadre=computed[2])


def _result(name):
    return AnnualResult.objects.select_related("town").get(cadre__name=name)


def _publish(town, office):
    return publication.publish(actor=office, town=town, year=2026, confirmed=True, at=PUBLISHED)


def _raise(user, town, stage, name, token):
    return appeals.appeal_raise(
        actor=user,
        town=town,
        stage=stage,
        kind=kind.KEY,
        subject_id=_result(name).pk,
        reason="我的分数算错了",
        token=token,
    )


def _answer(office, appeal, *, change, level=None):
    appeal.refresh_from_db()
    return appeals.appeal_answer(
        actor=office,
        appeal=appeal,
        change=change,
        answer="经复核，理由成立" if change else "经复核，维持",
        based_on=appeal.version,
        data={"level": str(level)} if level is not None else {},
        confirmed=True,
    )


# Publishing


def test_publishing_needs_every_graded_pool_computed(year, town, office):
    with pytest.raises(DomainError, match="the proposal is not computed"):
        _publish(town, office)
    assert not AnnualPublication.objects.exists()


def test_publishing_needs_the_confirmation_and_is_done_once(computed, town, office, bing):
    with pytest.raises(DomainError, match="Confirm first"):
        publication.publish(actor=office, town=town, year=2026, at=PUBLISHED)
    done = _publish(town, office)
    assert done.published_on.isoformat() == "2026-03-02"
    entry = AuditEntry.objects.get(action="annual.publish")
    assert entry.new["objections_until"] == "2026-03-06" and entry.new["graded"] == 10
    assert Message.objects.filter(recipient=bing, kind="annual.published").exists()
    with pytest.raises(DomainError, match="published already"):
        _publish(town, office)


def test_a_stale_proposal_or_an_unpublished_month_stands_in_the_way(computed, town, office):
    from kaoping.testing import MAR, publish_month

    publish_month(town, MAR, {c: "70" for c in computed})
    problems = publication.publish_problems(town, 2026)
    assert any("out of date" in p for p in problems)
    from kaoping.scoring.models import Period, PeriodStatus

    Period.objects.filter(month=MAR).update(status=PeriodStatus.OPEN)
    assert any("Months not published yet: 2026-03" in p for p in publication.publish_problems(town, 2026))


def test_only_the_assessment_office_publishes_and_confirms(computed, town, personas):
    for role in ("main_leader", "party_building_office", "cadre", "town_admin"):
        with pytest.raises((DomainError, PermissionDenied)):
            publication.publish(actor=personas[role], town=town, year=2026, confirmed=True, at=PUBLISHED)
    assert not AnnualPublication.objects.exists()


def test_publishing_freezes_the_proposal(computed, town, office):
    _publish(town, office)
    row = _result("丙")
    with pytest.raises(DomainError, match="frozen"):
        services.pool_compute(actor=office, town=town, year=2026, pool=POOL)
    with pytest.raises(DomainError, match="frozen"):
        services.grade_change(actor=office, result=row, level=2, reason="x", based_on=row.version)
    with pytest.raises(DomainError, match="frozen"):
        services.case_save(
            actor=office, town=town, year=2026, cadre=row.cadre, kind="undetermined",
            reason=UndeterminedReason.PROBATION,
        )  # fmt: skip
    row.refresh_from_db()
    assert row.level == 1 and not row.change_reason


# Objections, confirmation, reviews


def test_an_objection_is_raised_in_the_window_only_and_confirming_waits_for_its_answer(
    computed, town, office, bing
):
    _publish(town, office)
    with time_machine.travel(IN_WINDOW, tick=False):
        with pytest.raises(DomainError, match="publication window until 2026-03-06: raise an objection"):
            _raise(bing, town, Stage.REVIEW, "丙", "t0")
        objection = _raise(bing, town, Stage.OBJECTION, "丙", "t1")
        assert objection.due_on.isoformat() == "2026-03-11" and objection.outcome_before == "Competent (称职)"
        with pytest.raises(DomainError, match="runs until 2026-03-06"):
            publication.confirm(actor=office, town=town, year=2026, based_on=1, confirmed=True)
    with time_machine.travel(AFTER_WINDOW, tick=False):
        with pytest.raises(DomainError, match="window ended on 2026-03-06: a review can be asked for once"):
            _raise(bing, town, Stage.OBJECTION, "丙", "t2")
        with pytest.raises(DomainError, match="not confirmed yet"):
            _raise(bing, town, Stage.REVIEW, "丙", "t3")
        with pytest.raises(DomainError, match="1 objection to the grades waits"):
            publication.confirm(actor=office, town=town, year=2026, based_on=1, confirmed=True)
        assert publication.state(town, 2026).open_objections == 1
        _answer(office, objection, change=False)
        with pytest.raises(DomainError, match="Confirm first"):
            publication.confirm(actor=office, town=town, year=2026, based_on=1)
        done = publication.confirm(actor=office, town=town, year=2026, based_on=1, confirmed=True)
        assert done.confirmed_on.isoformat() == "2026-03-09"
        assert publication.state(town, 2026).windows.review_until.isoformat() == "2026-04-07"
        with pytest.raises(DomainError, match="confirmed already"):
            publication.confirm(actor=office, town=town, year=2026, based_on=2, confirmed=True)
    assert Message.objects.filter(recipient=bing, kind="annual.confirmed").exists()
    assert _result("丙").level == 1


def test_a_review_after_confirmation_improves_the_grade_through_the_audited_path(
    computed, town, office, bing
):
    _publish(town, office)
    with time_machine.travel(AFTER_WINDOW, tick=False):
        publication.confirm(actor=office, town=town, year=2026, based_on=1, confirmed=True)
        review = _raise(bing, town, Stage.REVIEW, "丙", "r1")
        assert review.due_on.isoformat() == "2026-04-08"  # 30 days to decide
        with pytest.raises(DomainError, match="Choose a better grade"):
            _answer(office, review, change=True, level=2)  # worse: refused, nothing changes
        with pytest.raises(DomainError, match="Choose the better grade"):
            _answer(office, review, change=True)
        # 优秀 is taken (甲, 乙: two places): refused with the rule said.
        with pytest.raises(DomainError, match="places are all taken"):
            _answer(office, review, change=True, level=0)
    row = _result("丙")
    assert row.level == 1 and not row.change_reason
    assert Appeal.objects.get(pk=review.pk).status == AppealStatus.OPEN


def test_an_improving_review_sets_the_better_grade_kept_in_the_history(computed, town, office, agency):
    geng = testing.make_user("geng", town=town, role=None, cadre=agency[6])  # 庚: 65.00, 基本称职
    _publish(town, office)
    with time_machine.travel(AFTER_WINDOW, tick=False):
        publication.confirm(actor=office, town=town, year=2026, based_on=1, confirmed=True)
        review = _raise(geng, town, Stage.REVIEW, "庚", "r2")
        answered = _answer(office, review, change=True, level=1)
    assert answered.status == AppealStatus.IMPROVED
    assert (answered.outcome_before, answered.outcome_after) == (
        "Basically competent (基本称职)",
        "Competent (称职)",
    )
    assert answered.reference == f"annual.result:{_result('庚').pk}"
    row = _result("庚")
    assert row.level == 1 and row.change_reason == "经复核，理由成立" and row.changed_by == office
    entry = AuditEntry.objects.filter(action="annual_result.change", object_id=str(row.pk)).get()
    assert entry.old["level"] == 2 and entry.new["level"] == 1


def test_an_upheld_objection_may_take_a_free_excellent_place(computed, town, office, bing):
    AnnualResult.objects.filter(cadre__name="乙").update(level=1)  # one place free
    _publish(town, office)
    with time_machine.travel(IN_WINDOW, tick=False):
        objection = _raise(bing, town, Stage.OBJECTION, "丙", "o1")
        answered = _answer(office, objection, change=True, level=0)
    assert answered.status == AppealStatus.UPHELD and _result("丙").level == 0


def test_the_grades_are_not_confirmed_on_the_window_s_last_day(computed, town, office):
    _publish(town, office)
    last_day = datetime(2026, 3, 6, 18, 0, tzinfo=SHANGHAI)
    with pytest.raises(DomainError, match="runs until 2026-03-06"):
        publication.confirm(actor=office, town=town, year=2026, based_on=1, confirmed=True, at=last_day)
    assert not AnnualPublication.objects.get().confirmed


def test_a_review_is_asked_for_within_its_window_only(computed, town, office, bing):
    _publish(town, office)
    with time_machine.travel(AFTER_WINDOW, tick=False):
        publication.confirm(actor=office, town=town, year=2026, based_on=1, confirmed=True)
    with time_machine.travel(LATE, tick=False), pytest.raises(DomainError, match="until 2026-04-07"):
        _raise(bing, town, Stage.REVIEW, "丙", "r3")


def test_the_kind_orders_the_grades_worst_first_and_never_worsens():
    assert kind.WORST_TO_BEST == (3, 2, 1, 0)
    with pytest.raises(Worsening):
        rule_on_review(1, 2, worst_to_best=kind.WORST_TO_BEST)
    assert rule_on_review(2, 1, worst_to_best=kind.WORST_TO_BEST).name == "IMPROVE"
    assert subjects.kind(kind.KEY).worst_to_best == kind.WORST_TO_BEST


def test_the_kind_loads_only_graded_results_of_a_published_year_of_the_town(
    computed, town, other_town, office
):
    row = _result("丙")
    assert kind.load(town, [row.pk]) == {}
    _publish(town, office)
    found = kind.load(town, [row.pk])[row.pk]
    assert found.outcome == 1 and found.confirmed_on is None and found.confirmed_apart
    assert kind.load(other_town, [row.pk]) == {}


# Pages


def _url(name, town, *args):
    return reverse(f"annual:{name}", args=[town.slug, *args])


def test_the_office_publishes_from_the_overview_with_the_confirmation(client_for, computed, town, office):
    client = client_for(office)
    page = client.get(_url("overview", town) + "?year=2026").content.decode()
    assert 'id="publish-form"' in page and "This cannot be undone." in page
    response = client.post(_url("publish", town, 2026), follow=True)
    assert "Confirm first" in response.content.decode()
    assert not AnnualPublication.objects.exists()
    with time_machine.travel(PUBLISHED, tick=False):
        response = client.post(_url("publish", town, 2026), {"confirmed": "1"}, follow=True)
    page = response.content.decode()
    assert "objections can be raised until 2026-03-06" in page
    assert AnnualPublication.objects.filter(year=2026).exists()


def test_the_confirm_button_shows_after_the_window_and_confirms(client_for, computed, town, office):
    _publish(town, office)
    client = client_for(office)
    with time_machine.travel(IN_WINDOW, tick=False):
        page = client.get(_url("overview", town) + "?year=2026").content.decode()
        assert "Publication window until 2026-03-06" in page and 'id="confirm-form"' not in page
    with time_machine.travel(AFTER_WINDOW, tick=False):
        page = client.get(_url("pool", town, 2026, POOL)).content.decode()
        assert 'id="confirm-form"' in page and "Compute the proposal again" not in page
        response = client.post(_url("confirm", town, 2026), {"confirmed": "1", "version": "1"}, follow=True)
    assert "Confirmed on 2026-03-09" in response.content.decode()


def test_others_may_not_publish_or_confirm(client_for, computed, town, personas):
    for role in ("cadre", "main_leader", "other_town_admin"):
        response = client_for(personas[role]).post(_url("publish", town, 2026), {"confirmed": "1"})
        assert response.status_code in (403, 404)
    assert not AnnualPublication.objects.exists()


def test_the_cadre_sees_the_window_and_raises_an_objection_then_asks_for_a_review(
    client_for, computed, town, office, bing
):
    client = client_for(bing)
    page = client.get(_url("cadre", town, 2026, bing.cadre_id)).content.decode()
    assert "proposal, not yet published" in page and "raise-objection" not in page
    _publish(town, office)
    with time_machine.travel(IN_WINDOW, tick=False):
        page = client.get(_url("cadre", town, 2026, bing.cadre_id)).content.decode()
        assert "published, not yet confirmed" in page and "Published: objections until 2026-03-06" in page
        assert 'id="raise-objection"' in page and 'id="change"' not in page
    with time_machine.travel(AFTER_WINDOW, tick=False):
        publication.confirm(actor=office, town=town, year=2026, based_on=1, confirmed=True)
        page = client.get(_url("cadre", town, 2026, bing.cadre_id)).content.decode()
        assert "confirmed" in page and 'id="ask-review"' in page and 'id="raise-objection"' not in page
        review = _raise(bing, town, Stage.REVIEW, "丙", "rv")
        _answer(office, review, change=False)
        page = client.get(_url("cadre", town, 2026, bing.cadre_id)).content.decode()
        assert "经复核，维持" in page and 'id="ask-review"' not in page


def test_another_towns_grade_cannot_be_objected_to(client_for, computed, town, other_town, office, bing):
    _publish(town, office)
    row = _result("丙")
    other = testing.make_user(
        "other_cadre", town=other_town, role=None, cadre=testing.make_cadre(other_town, "外", 5)
    )
    with time_machine.travel(IN_WINDOW, tick=False):
        url = reverse("appeals:raise", args=[other_town.slug, "objection", kind.KEY, row.pk])
        assert client_for(other).get(url).status_code == 404
        mine_elsewhere = reverse("appeals:raise", args=[town.slug, "objection", kind.KEY, _result("甲").pk])
        assert client_for(bing).get(mine_elsewhere).status_code == 404  # 甲's grade is not 丙's


def test_the_answer_form_offers_only_better_grades(client_for, computed, town, office, bing):
    _publish(town, office)
    with time_machine.travel(IN_WINDOW, tick=False):
        objection = _raise(bing, town, Stage.OBJECTION, "丙", "of")
        page = (
            client_for(office).get(reverse("appeals:detail", args=[town.slug, objection.pk])).content.decode()
        )
    assert 'name="level"' in page and "Excellent (优秀)" in page
    assert "Basically competent" not in page.split('id="improve-fields"')[1].split("</select>")[0]


def test_the_pool_page_reads_the_publication_in_a_fixed_number_of_queries(
    client_for, computed, town, office, agency, django_assert_num_queries
):
    _publish(town, office)
    client = client_for(office)
    url = _url("pool", town, 2026, POOL)
    with time_machine.travel(IN_WINDOW, tick=False):
        client.get(url)
        # 14 (test_views), and once published the town's rules, the year's open objections and the
        # objections and reviews of the pool's grades; as many with one more objection raised.
        with django_assert_num_queries(17):
            response = client.get(url)
        geng = testing.make_user("geng4", town=town, role=None, cadre=agency[6])
        _raise(geng, town, Stage.OBJECTION, "庚", "qc")
        with django_assert_num_queries(17):
            response = client.get(url)
    assert "Publication window until 2026-03-06" in response.content.decode()


# Home page and inbox


def test_the_home_page_shows_the_deadlines_on_both_sides(computed, town, office, bing):
    from kaoping.annual import notices
    from kaoping.site.todo import todo

    def labels(user, moment):
        with time_machine.travel(moment, tick=False):
            return [line.label for card in todo(user, town) for line in card.lines]

    _publish(town, office)
    assert "Annual grade of 2026 published: objections until 2026-03-06" in labels(bing, IN_WINDOW)
    assert "Annual grades of 2026 in their publication window" in labels(office, IN_WINDOW)
    assert "Annual grades of 2026 can be confirmed" in labels(office, AFTER_WINDOW)
    with time_machine.travel(IN_WINDOW, tick=False):
        assert list(notices.confirm_due(IN_WINDOW.date())) == []
    due = list(notices.confirm_due(AFTER_WINDOW.date()))
    assert [r.key for r in due] == [f"annual.confirm_due:{AnnualPublication.objects.get().pk}"]
    assert office in due[0].recipients
    with time_machine.travel(AFTER_WINDOW, tick=False):
        publication.confirm(actor=office, town=town, year=2026, based_on=1, confirmed=True)
    assert "Review of your annual grade of 2026 can be asked for until 2026-04-07" in labels(
        bing, AFTER_WINDOW
    )
    assert not any("can be confirmed" in x for x in labels(office, AFTER_WINDOW))
    assert list(notices.confirm_due(AFTER_WINDOW.date())) == []


def test_an_improved_grade_shows_in_the_dossier(computed, town, office, agency, client_for):
    geng = testing.make_user("geng2", town=town, role=None, cadre=agency[6])
    _publish(town, office)
    with time_machine.travel(AFTER_WINDOW, tick=False):
        publication.confirm(actor=office, town=town, year=2026, based_on=1, confirmed=True)
        review = _raise(geng, town, Stage.REVIEW, "庚", "dz")
        _answer(office, review, change=True, level=1)
    page = client_for(office).get(reverse("dossier:page", args=[town.slug, agency[6].pk])).content.decode()
    assert "Annual grade of 2026" in page and "Competent (称职)" in page and "Improved" in page


def test_the_pool_page_links_each_grade_s_objection(client_for, computed, town, office, bing):
    _publish(town, office)
    with time_machine.travel(IN_WINDOW, tick=False):
        objection = _raise(bing, town, Stage.OBJECTION, "丙", "pl")
        page = client_for(office).get(_url("pool", town, 2026, POOL)).content.decode()
    assert reverse("appeals:detail", args=[town.slug, objection.pk]) in page
    assert "1 objection waiting for its answer" in page


def test_the_answer_page_names_the_annual_grade_where_the_change_is_recorded(
    client_for, computed, town, office, agency
):
    geng = testing.make_user("geng3", town=town, role=None, cadre=agency[6])
    _publish(town, office)
    with time_machine.travel(IN_WINDOW, tick=False):
        objection = _raise(geng, town, Stage.OBJECTION, "庚", "an")
        _answer(office, objection, change=True, level=1)
        url = reverse("appeals:detail", args=[town.slug, objection.pk])
        office_page = client_for(office).get(url).content.decode()
        cadre_page = client_for(geng).get(url).content.decode()
    assert "The annual grade</a>" in office_page and "The correction" not in office_page
    assert (
        "(the grade in force is changed at once)" in cadre_page and "through a correction" not in cadre_page
    )


def test_the_answer_page_of_a_grade_says_the_grade_changes_at_once(client_for, computed, town, office, bing):
    _publish(town, office)
    with time_machine.travel(IN_WINDOW, tick=False):
        objection = _raise(bing, town, Stage.OBJECTION, "丙", "of")
        page = (
            client_for(office).get(reverse("appeals:detail", args=[town.slug, objection.pk])).content.decode()
        )
    confirmation = page.split('id="answer-form"')[1].split("</form>")[0]
    assert "A better grade replaces the grade in force at once" in confirmation
    assert "优秀 only within the pool&#x27;s places" in confirmation
    assert "correction" not in confirmation
