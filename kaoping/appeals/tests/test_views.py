"""The pages of objections and reviews: the window and actions on the breakdown, raising, answering,
the office's list (overdue first, a fixed number of queries), the windows page, the dossier section."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kaoping import testing
from kaoping.indicators.models import Indicator
from kaoping.people.models import ResultsDisclosure
from kaoping.results.models import Correction
from kaoping.scoring.models import PeriodStatus

from .. import monthly
from ..models import Appeal, AppealRules, AppealStatus, Stage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def breakdown(town, result):
    return reverse("scoring:breakdown", args=[town.slug, "2026-10", result.cadre_id])


def raise_url(town, result, stage="objection"):
    return reverse("appeals:raise", args=[town.slug, stage, monthly.KEY, result.pk])


def post_objection(client, town, result, token="tok-1", reason="第1.1项评分偏低，材料已补交。"):
    return client.post(raise_url(town, result), {"reason": reason, "token": token}, follow=True)


def test_the_cadres_breakdown_shows_the_window_and_the_objection_action(
    client_for, personas, town, october, in_window
):
    _period, wang, _li = october
    page = client_for(personas["cadre"]).get(breakdown(town, wang)).content.decode()
    assert "Publication window until 11/6" in page
    assert raise_url(town, wang) in page


def test_the_chinese_page_says_gongshiqi_zhi(client_for, personas, town, october, in_window, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    _period, wang, _li = october
    client = client_for(personas["cadre"])
    page = client.get(breakdown(town, wang), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "公示期至11月6日" in page.replace(" ", "")


def test_the_office_sees_the_window_but_no_objection_action(client_for, personas, town, october, in_window):
    _period, wang, _li = october
    page = client_for(personas["assessment_office"]).get(breakdown(town, wang)).content.decode()
    assert "Publication window until 11/6" in page
    assert raise_url(town, wang) not in page


def test_after_the_window_the_cadre_can_ask_for_a_review(client_for, personas, town, october, confirmed):
    _period, wang, _li = october
    page = client_for(personas["cadre"]).get(breakdown(town, wang)).content.decode()
    assert raise_url(town, wang) not in page
    assert raise_url(town, wang, "review") in page
    assert "Confirmed on 2026-11-07" in page


def test_a_colleague_who_may_read_the_breakdown_sees_the_window_but_no_action(
    client_for, town, october, in_window
):
    _period, wang, li = october
    town.results_disclosure = ResultsDisclosure.ALL_BREAKDOWNS
    town.save(update_fields=["results_disclosure"])
    colleague = testing.make_user("li", town=town, role=None, cadre=li.cadre)
    page = client_for(colleague).get(breakdown(town, wang)).content.decode()
    assert "Publication window until 11/6" in page
    assert raise_url(town, wang) not in page and raise_url(town, wang, "review") not in page
    assert raise_url(town, li) in client_for(colleague).get(breakdown(town, li)).content.decode()


def test_the_panels_subject_is_the_one_the_appeal_pages_load_and_takes_no_query(town, october):
    period, wang, _li = october
    with CaptureQueriesContext(connection) as queries:
        subject = monthly.for_result(
            town, period, wang.cadre_id, result_id=str(wang.pk), total=str(wang.total)
        )
    assert subject == monthly.load(town, [wang.pk])[wang.pk]
    assert subject.outcome_label == "88.00"
    assert len(queries) == 0  # the breakdown page read the result's id and total with its lines


def test_the_panel_has_no_subject_without_a_result_or_published_month_of_the_town(town, october, other_town):
    period, wang, _li = october
    known = {"result_id": str(wang.pk), "total": str(wang.total)}
    assert monthly.for_result(town, period, wang.cadre_id, result_id="", total="") is None
    assert monthly.for_result(other_town, period, wang.cadre_id, **known) is None
    period.status = PeriodStatus.CLOSED
    assert monthly.for_result(town, period, wang.cadre_id, **known) is None


def test_a_cadre_raises_an_objection_and_a_replayed_form_is_refused(
    client_for, personas, town, october, in_window
):
    _period, wang, _li = october
    client = client_for(personas["cadre"])
    form = client.get(raise_url(town, wang)).content.decode()
    assert 'name="token"' in form
    assert "answers in writing within 5 working days after the day you raise it" in form
    response = post_objection(client, town, wang)
    appeal = Appeal.objects.get()
    assert response.redirect_chain[-1][0] == reverse("appeals:detail", args=[town.slug, appeal.pk])
    assert "2026-11-11" in response.content.decode()
    replay = post_objection(client, town, wang)
    assert "already sent" in replay.content.decode()
    assert Appeal.objects.count() == 1


def test_an_empty_reason_changes_nothing(client_for, personas, town, october, in_window):
    _period, wang, _li = october
    response = post_objection(client_for(personas["cadre"]), town, wang, reason="")
    assert response.status_code == 200
    assert not Appeal.objects.exists()


def test_a_colleagues_result_and_another_towns_are_not_found(client_for, personas, town, october, in_window):
    _period, _wang, li = october
    assert client_for(personas["cadre"]).get(raise_url(town, li)).status_code == 404
    assert client_for(personas["other_town_admin"]).get(raise_url(town, li)).status_code == 404
    assert (
        client_for(personas["cadre"])
        .get(reverse("appeals:raise", args=[town.slug, "x", monthly.KEY, li.pk]))
        .status_code
        == 404
    )


def test_a_cadre_sees_only_their_own_objections(client_for, personas, town, october, in_window):
    _period, wang, li = october
    post_objection(client_for(personas["cadre"]), town, wang)
    appeal = Appeal.objects.get()
    colleague = testing.make_user("li", town=town, role=None, cadre=li.cadre)
    url = reverse("appeals:detail", args=[town.slug, appeal.pk])
    assert client_for(colleague).get(url).status_code == 404
    assert (
        appeal.reason
        not in client_for(colleague).get(reverse("appeals:mine", args=[town.slug])).content.decode()
    )
    assert client_for(personas["other_town_admin"]).get(url).status_code == 404
    assert client_for(personas["cadre"]).get(url).status_code == 200
    assert client_for(personas["main_leader"]).get(url).status_code == 200


def test_the_office_upholds_an_objection_into_the_months_correction(
    client_for, personas, town, october, in_window
):
    _period, wang, _li = october
    post_objection(client_for(personas["cadre"]), town, wang)
    appeal = Appeal.objects.get()
    office = client_for(personas["assessment_office"])
    url = reverse("appeals:detail", args=[town.slug, appeal.pk])
    page = office.get(url).content.decode()
    assert 'id="answer-form"' in page and "1.1 党建工作 (8.00)" in page
    indicator = Indicator.objects.get(scheme__town=town, code="1.1")
    form = {
        "decision": "change",
        "answer": "材料属实，予以更正。",
        "version": "1",
        "indicator": indicator.pk,
        "value": "9",
    }
    refused = office.post(url, form, follow=True)  # without the confirmation
    assert "Confirm first" in refused.content.decode()
    response = office.post(url, {**form, "confirmed": "1"}, follow=True)
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.UPHELD and appeal.outcome_after == "94.00"
    correction = Correction.objects.get()
    assert reverse("results:correction_detail", args=[town.slug, correction.pk]) in response.content.decode()
    cadre_page = client_for(personas["cadre"]).get(url).content.decode()
    assert "材料属实，予以更正。" in cadre_page and "94.00" in cadre_page


def test_the_main_leader_follows_but_does_not_answer(client_for, personas, town, october, in_window):
    _period, wang, _li = october
    post_objection(client_for(personas["cadre"]), town, wang)
    appeal = Appeal.objects.get()
    url = reverse("appeals:detail", args=[town.slug, appeal.pk])
    client = client_for(personas["main_leader"])
    assert 'id="answer-form"' not in client.get(url).content.decode()
    assert (
        client.post(url, {"decision": "keep", "answer": "x", "version": "1", "confirmed": "1"}).status_code
        == 404
    )


def _appeal(town, cadre, user, due, n, status=AppealStatus.OPEN):
    return Appeal.objects.create(
        town=town,
        stage=Stage.OBJECTION,
        kind=monthly.KEY,
        subject_id=1000 + n,
        subject_label="Monthly result of 2026-10",
        cadre=cadre,
        reason=f"理由{n}",
        raised_by=user,
        due_on=due,
        outcome_before="88.00",
        status=status,
        token=f"list-{n}",
    )


def _list_queries(client, town):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("appeals:list", args=[town.slug]))
    assert response.status_code == 200
    return len(queries), response


def test_the_office_list_puts_the_overdue_first_in_a_fixed_number_of_queries(
    client_for, personas, town, in_window
):
    cadre = personas["cadre"].cadre
    later = _appeal(town, cadre, personas["cadre"], date(2026, 11, 6), 1)
    overdue = _appeal(town, cadre, personas["cadre"], date(2026, 11, 3), 2)
    answered = _appeal(town, cadre, personas["cadre"], date(2026, 11, 1), 3, status=AppealStatus.REJECTED)
    client = client_for(personas["assessment_office"])
    few, response = _list_queries(client, town)
    assert [a.pk for a in response.context["appeals"]] == [overdue.pk, later.pk, answered.pk]
    assert "table-danger" in response.content.decode()
    for n in range(4, 12):
        _appeal(town, testing.make_cadre(town, f"干部{n}", 100 + n), personas["cadre"], date(2026, 11, 5), n)
    many, response = _list_queries(client, town)
    assert len(response.context["appeals"]) == 11
    assert few == many


def test_the_cadres_own_list_takes_a_fixed_number_of_queries(client_for, personas, town, in_window):
    cadre = personas["cadre"].cadre
    client = client_for(personas["cadre"])
    url = reverse("appeals:mine", args=[town.slug])
    _appeal(town, cadre, personas["cadre"], date(2026, 11, 6), 1)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for n in range(2, 8):
        _appeal(town, cadre, personas["cadre"], date(2026, 11, 6), n, status=AppealStatus.REJECTED)
    with CaptureQueriesContext(connection) as seven:
        response = client.get(url)
    assert len(response.context["appeals"]) == 7
    assert len(one) == len(seven)


def _rules(publication="5", answer="5", version="1") -> dict[str, str]:
    return {
        "publication_days": publication,
        "answer_days": answer,
        "review_days": "30",
        "decision_days": "30",
        "version": version,
    }


def test_the_windows_page_saves_and_refuses_a_bad_number(client_for, personas, town):
    client = client_for(personas["assessment_office"])
    url = reverse("appeals:rules", args=[town.slug])
    page = client.get(url).content.decode()
    assert "Working days to answer an objection" in page and 'name="answer_days"' in page
    bad = client.post(url, _rules(publication="5天"))
    assert bad.status_code == 200 and not AppealRules.objects.exists()
    bad = client.post(url, _rules(answer="0"))
    assert bad.status_code == 200 and not AppealRules.objects.exists()
    client.post(url, _rules(publication="７", answer="３"))
    rules = AppealRules.objects.get(town=town)
    assert (rules.publication_days, rules.answer_days) == (7, 3)
    stale = client.post(url, _rules(publication="3"))
    assert "after you opened the page" in stale.content.decode()
    assert AppealRules.objects.get(town=town).publication_days == 7


def test_the_dossier_shows_the_objections_and_their_answers(client_for, personas, town, october, in_window):
    _period, wang, _li = october
    post_objection(client_for(personas["cadre"]), town, wang)
    page = (
        client_for(personas["cadre"])
        .get(reverse("dossier:page", args=[town.slug, wang.cadre_id]))
        .content.decode()
    )
    assert "Objections and reviews" in page and "第1.1项评分偏低" in page and "answer due 2026-11-11" in page


def test_the_form_says_why_it_cannot_be_sent_instead_of_showing_it(
    client_for, personas, town, october, in_window
):
    _period, wang, _li = october
    client = client_for(personas["cadre"])
    post_objection(client, town, wang)
    page = client.get(raise_url(town, wang)).content.decode()
    assert "waiting for its answer" in page and 'name="reason"' not in page
    review = client.get(raise_url(town, wang, "review")).content.decode()
    assert "raise an objection instead" in review


def test_the_cadre_is_not_linked_to_the_correction_page_they_may_not_open(
    client_for, personas, town, october, in_window
):
    _period, wang, _li = october
    post_objection(client_for(personas["cadre"]), town, wang)
    appeal = Appeal.objects.get()
    indicator = Indicator.objects.get(scheme__town=town, code="1.1")
    url = reverse("appeals:detail", args=[town.slug, appeal.pk])
    form = {
        "decision": "change",
        "answer": "予以更正。",
        "version": "1",
        "indicator": indicator.pk,
        "value": "9",
    }
    client_for(personas["assessment_office"]).post(url, {**form, "confirmed": "1"})
    correction = reverse("results:correction_detail", args=[town.slug, Correction.objects.get().pk])
    page = client_for(personas["cadre"]).get(url).content.decode()
    assert correction not in page and "takes effect when the correction is published" in page
    assert client_for(personas["cadre"]).get(correction).status_code in (403, 404)


def test_the_lists_show_a_long_reason_as_one_clipped_line_with_the_full_text_in_its_title(
    client_for, personas, town, october, in_window
):
    _period, wang, _li = october
    reason = "第1.1项评分偏低：" + "当月完成的招商项目材料已补交并经核实，" * 12 + "请予更正。"
    post_objection(client_for(personas["cadre"]), town, wang, reason=reason)
    appeal = Appeal.objects.get()
    summary = 'class="small text-muted text-truncate appeal-reason" style="max-width: 26rem" title="'
    office = client_for(personas["assessment_office"]).get(reverse("appeals:list", args=[town.slug]))
    mine = client_for(personas["cadre"]).get(reverse("appeals:mine", args=[town.slug]))
    for response in (office, mine):
        page = response.content.decode()
        # One line clipped by the browser with an ellipsis: the full text, in the title too.
        assert page.count(f'title="{reason}">{reason}</div>') >= 1
    assert summary + reason in office.content.decode()
    page = client_for(personas["cadre"]).get(reverse("appeals:detail", args=[town.slug, appeal.pk]))
    assert reason in page.content.decode()  # the appeal's page shows it whole


def test_the_answer_page_of_a_month_says_the_change_waits_for_the_correction(
    client_for, personas, town, october, in_window
):
    _period, wang, _li = october
    post_objection(client_for(personas["cadre"]), town, wang)
    appeal = Appeal.objects.get()
    page = client_for(personas["assessment_office"]).get(
        reverse("appeals:detail", args=[town.slug, appeal.pk])
    )
    confirmation = page.content.decode().split('id="answer-form"')[1].split("</form>")[0]
    assert "into the month&#x27;s pending correction (更正)" in confirmation
    assert "grade in force" not in confirmation
