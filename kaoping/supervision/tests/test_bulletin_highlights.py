"""Ranking highlights of a published month, written into a bulletin's draft on the compose page."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from kaoping import testing
from kaoping.people.models import AgencyCategory, Population
from kaoping.reports import highlights
from kaoping.results.models import MonthlyResult
from kaoping.results.results import VILLAGE_HEADS
from kaoping.scoring.models import Period, PeriodStatus
from kaoping.supervision import selectors
from kaoping.supervision.models import Bulletin

from .conftest import make_item

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _store(period, population, scores, *, category="", village_head=False, serial, first_rank=1):
    """Stored results for new cadres with the given totals, ranked 1, 2, … in the population and pool."""
    from kaoping.indicators.models import Scheme

    scheme = Scheme.objects.filter(town=period.town, population=population).first() or testing.make_scheme(
        period.town, population=population
    )
    cadres = []
    for position, score in enumerate(scores, start=1):
        extra = {}
        if category:
            extra["agency_category"] = category
        if village_head:
            extra["is_village_head"] = True
        cadre = testing.make_cadre(
            period.town, f"{population[:3]}{position}", serial + position, population, **extra
        )
        group = category or (VILLAGE_HEADS if village_head else "")
        MonthlyResult.objects.create(
            period=period,
            cadre=cadre,
            scheme=scheme,
            performance=score,
            bonus=0,
            deduction=0,
            total=Decimal(score),
            rank=first_rank + position - 1,
            group_rank=position if group else None,
            group=group,
            breakdown={},
        )
        cadres.append(cadre)
    return cadres


@pytest.fixture
def may(town):
    period = Period.objects.create(town=town, month=date(2026, 5, 1), status=PeriodStatus.PUBLISHED)
    _store(period, Population.LEADERSHIP, [96, 94], serial=100)
    _store(
        period,
        Population.AGENCY,
        [95, 91, 90, 88, 85, 80, 72],
        category=AgencyCategory.ESTABLISHED,
        serial=200,
    )
    return period


def test_each_ranking_is_quoted_by_its_top_and_bottom_three_with_scores(may):
    found = highlights.ranking_highlights(may)
    assert [h.population for h in found] == [Population.LEADERSHIP, Population.AGENCY]
    leadership, agency = found
    assert [(p.name, p.score) for p in leadership.pools[0].top] == [("lea1", 96), ("lea2", 94)]
    assert leadership.pools[0].bottom == []  # two cadres: quoted whole, nobody twice
    established = agency.pools[0]
    assert established.label == "Established staff" and established.size == 7
    assert [p.rank for p in established.top] == [1, 2, 3]
    assert [(p.rank, p.score, p.unit) for p in established.bottom] == [
        (5, 85, "党政办公室"),
        (6, 80, "党政办公室"),
        (7, 72, "党政办公室"),
    ]


def test_a_short_ranking_does_not_name_anyone_at_both_ends(may):
    agency = highlights.ranking_highlights(may, count=5)[1]
    assert [p.rank for p in agency.pools[0].top] == [1, 2, 3, 4, 5]
    assert [p.rank for p in agency.pools[0].bottom] == [6, 7]


def test_a_month_not_yet_published_gives_no_highlights(may):
    Period.objects.filter(pk=may.pk).update(status=PeriodStatus.CLOSED)
    may.refresh_from_db()
    assert highlights.ranking_highlights(may) == []


def test_village_cadres_are_quoted_as_a_whole_and_the_village_heads_apart(may):
    _store(may, Population.VILLAGE, [90, 80, 70, 60], serial=300)
    heads = _store(may, Population.VILLAGE, [59], village_head=True, serial=400, first_rank=5)
    village = highlights.ranking_highlights(may)[2]
    assert [p.label for p in village.pools] == ["", "Village heads"]
    assert village.pools[1].top[0].name == heads[0].name and village.pools[1].top[0].unit == "东村"
    paragraphs = highlights.highlights_paragraphs([village])
    assert paragraphs[0] == "（一）Village cadre"
    assert paragraphs[1].startswith("Top 3 of 5: ")
    assert paragraphs[2] == f"Of them, Village heads: Top 1 of 1: {heads[0].name} (东村, 59.00 points)."


def test_the_draft_puts_the_highlights_first_in_the_house_style_and_the_items_after(may, town, personas):
    office, owner = personas["supervision_office"], personas["cadre"]
    item = make_item(office, town, [owner.cadre], deadline=date(2026, 5, 20))
    paragraphs = highlights.highlights_paragraphs(highlights.ranking_highlights(may))
    text = selectors.draft_text([item], date(2026, 6, 2), highlights=paragraphs, month_label="2026年5月")
    blocks = text.split("\n\n")
    assert blocks[0] == (
        "This issue reports the assessment results of 2026年5月 and how the following supervision items "
        "were carried out."
    )
    assert blocks[1] == "一、Ranking highlights"
    assert blocks[2] == "（一）Leadership member"
    assert blocks[3] == "Top 2 of 2: lea1 (96.00 points)、lea2 (94.00 points)."
    assert blocks[4] == "（二）Agency cadre"
    assert blocks[5] == (
        "1. Established staff: Top 3 of 7: age1 (党政办公室, 95.00 points)、age2 (党政办公室, 91.00 points)、"
        "age3 (党政办公室, 90.00 points). Bottom 3: age5 (党政办公室, 85.00 points)、"
        "age6 (党政办公室, 80.00 points)、age7 (党政办公室, 72.00 points)."
    )
    assert blocks[6] == "二、Items overdue"


def _compose(client, town, **data):
    fields = {
        "kind": "regular",
        "period_label": "",
        "title": "",
        "body": "",
        "issuer": "夏村镇督查办公室",
        "copies": "30",
        "highlights_count": "3",
    }
    fields.update(data)
    return client.post(reverse("supervision:bulletin_create", args=[town.slug]), fields)


def test_writing_the_draft_fills_the_text_to_edit_without_saving_anything(client_for, personas, town, may):
    client = client_for(personas["supervision_office"])
    page = _compose(client, town, results_month=may.pk, draft="1", body="old text")
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["body"].startswith("This issue reports the assessment results of 2026年5月.")
    assert "Top 3 of 7" in form.initial["body"] and form.initial["period_label"] == "2026年5月"
    assert "Top 3 of 7" in page.content.decode()  # in the text area, to be edited
    assert not form.errors  # no title yet: that is checked on saving, not when drafting
    assert not Bulletin.objects.exists()
    edited = form.initial["body"].replace("Top 3 of 7", "前三名")
    _compose(client, town, results_month=may.pk, title="5月份考评通报", period_label="2026年5月", body=edited)
    assert Bulletin.objects.get().body == edited


def test_saving_with_an_empty_text_drafts_it_from_the_month(client_for, personas, town, may):
    client = client_for(personas["supervision_office"])
    page = _compose(client, town, results_month=may.pk, title="5月份考评通报", period_label="2026年5月")
    assert page.status_code == 302
    body = Bulletin.objects.get().body
    assert body.split("\n\n")[1] == "一、Ranking highlights" and "age7 (党政办公室, 72.00 points)" in body


def test_only_published_months_are_offered(client_for, personas, town, may):
    closed = Period.objects.create(town=town, month=date(2026, 6, 1), status=PeriodStatus.CLOSED)
    client = client_for(personas["supervision_office"])
    page = client.get(reverse("supervision:bulletin_create", args=[town.slug]))
    assert list(page.context["form"].fields["results_month"].queryset) == [may]
    page = _compose(client, town, results_month=closed.pk, draft="1")
    assert page.context["form"].initial.get("body", "") == ""
    assert "Choose a published month" in page.content.decode()
