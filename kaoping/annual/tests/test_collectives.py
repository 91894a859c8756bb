"""The village collectives' own annual assessment: one village's score typed as people type it, with the
version the page showed and audited; the all-or-nothing import; frozen once the year is published; the
advanced-collective honour ranking the villages by it; the page for the office and no one else."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from kaoping import testing
from kaoping.annual import collectives, scores, selectors
from kaoping.annual.models import (
    AnnualCase,
    AnnualPublication,
    AnnualResult,
    CaseKind,
    CollectiveMethod,
    CollectiveScore,
    YearSettings,
)
from kaoping.audit.models import AuditEntry
from kaoping.audit.versions import Conflict
from kaoping.core.errors import DomainError
from kaoping.people.models import Population, Village

pytestmark = pytest.mark.django_db


@pytest.fixture
def villages(town):
    """东村 (made with the town), 西村, 南村 and 北村, in that order."""
    east = town.villages.get()
    made = [Village.objects.create(town=town, name=f"{n}村", sort_order=i) for i, n in enumerate("西南北", 1)]
    return [east, *made]


def _save(office, town, village, score, basis="", based_on=0):
    return collectives.score_save(
        actor=office, town=town, year=2026, village=village, score=score, basis=basis, based_on=based_on
    )


def _xlsx(rows, header=("Village", "Score", "Basis")) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = BytesIO()
    book.save(out)
    return out.getvalue()


# Saving one village's score.


def test_a_score_typed_with_full_width_digits_is_saved_and_audited(town, office, villages):
    entry = _save(office, town, villages[0], "９２．５", "村级集体年度考核细则")
    entry.refresh_from_db()
    assert (entry.score, entry.basis, entry.entered_by, entry.version) == (
        Decimal("92.50"),
        "村级集体年度考核细则",
        office,
        1,
    )
    _save(office, town, villages[0], "88", "党委会 2027-01-10", based_on=1)
    created, updated = AuditEntry.objects.filter(action__startswith="collective_score.").order_by("id")
    assert created.action == "collective_score.create" and created.old is None
    assert created.new == {"village": "东村", "score": "92.50", "basis": "村级集体年度考核细则"}
    assert updated.action == "collective_score.update"
    assert updated.old["score"] == "92.50" and updated.new["score"] == "88.00"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the village's score"),
        ("　", "Enter the village's score"),
        ("101", "from 0 to 100"),
        ("-1", "negative"),
        ("9.555", "decimal places"),
        ("九十", "not a number"),
    ],
)
def test_a_blank_or_bad_score_is_refused_with_a_message_and_nothing_saved(
    town, office, villages, typed, message
):
    with pytest.raises(DomainError) as refused:
        _save(office, town, villages[0], typed)
    assert message in refused.value.message
    assert not CollectiveScore.objects.exists() and not AuditEntry.objects.exists()


def test_a_save_from_a_page_loaded_before_another_change_is_refused(town, office, villages):
    _save(office, town, villages[0], "90")
    with pytest.raises(Conflict):
        _save(office, town, villages[0], "80", based_on=0)  # the page showed no score
    _save(office, town, villages[0], "85", based_on=1)
    with pytest.raises(Conflict):
        _save(office, town, villages[0], "70", based_on=1)  # the page showed version 1
    assert CollectiveScore.objects.get().score == Decimal("85.00")


def test_removing_a_score_is_audited_and_leaves_the_village_not_scored(town, office, villages):
    entry = _save(office, town, villages[0], "90")
    with pytest.raises(Conflict):
        collectives.score_remove(actor=office, entry=entry, based_on=7)
    collectives.score_remove(actor=office, entry=entry, based_on=1)
    assert not CollectiveScore.objects.exists()
    removed = AuditEntry.objects.get(action="collective_score.remove")
    assert removed.old["score"] == "90.00" and removed.new is None


def test_only_the_assessment_office_enters_scores(town, personas, villages):
    for name, user in personas.items():
        if name == "assessment_office":
            continue
        with pytest.raises(PermissionDenied):
            _save(user, town, villages[0], "90")
    assert _save(personas["assessment_office"], town, villages[0], "90").pk


def test_another_towns_village_is_refused(town, other_town, office, villages):
    with pytest.raises(DomainError, match="not a village of this town"):
        _save(office, town, other_town.villages.get(), "90")
    assert not CollectiveScore.objects.exists()


def test_nothing_changes_once_the_year_is_published(town, office, villages):
    entry = _save(office, town, villages[0], "90")
    AnnualPublication.objects.create(town=town, year=2026, published_at=timezone.now(), published_by=office)
    with pytest.raises(DomainError, match="published"):
        _save(office, town, villages[1], "80")
    with pytest.raises(DomainError, match="published"):
        collectives.score_remove(actor=office, entry=entry, based_on=1)
    with pytest.raises(DomainError, match="published"):
        collectives.score_import(actor=office, town=town, year=2026, file=_xlsx([("西村", 80)]))
    assert list(CollectiveScore.objects.values_list("score", flat=True)) == [Decimal("90.00")]
    collectives.score_save(  # another year is not frozen
        actor=office, town=town, year=2027, village=villages[1], score="80", basis="", based_on=0
    )


# The import.


def test_an_import_with_a_bad_row_saves_nothing_and_lists_every_problem_by_row(
    town, other_town, office, villages
):
    Village.objects.create(town=other_town, name="外村")
    content = _xlsx(
        [
            ("东村", 88, "细则"),  # row 2: fine
            ("西村", "９０．５", ""),  # row 3: fine, full-width
            ("外村", 80, ""),  # row 4: another town's
            ("无名村", 80, ""),  # row 5: unknown
            ("东村", 70, ""),  # row 6: twice
            ("南村", 120, ""),  # row 7: out of range
            ("北村", "", ""),  # row 8: blank score
        ]
    )
    result = collectives.score_import(actor=office, town=town, year=2026, file=content, filename="a.xlsx")
    assert not result.ok
    assert [(p.row, p.key) for p in result.problems] == [
        (4, "village"),
        (5, "village"),
        (6, "village"),
        (7, "score"),
        (8, "score"),
    ]
    assert "another town" in result.problems[0].message
    assert "row 2" in result.problems[2].message
    assert not CollectiveScore.objects.exists() and not AuditEntry.objects.exists()


def test_a_correct_import_enters_every_row_and_replaces_earlier_scores(town, office, villages):
    _save(office, town, villages[0], "60")
    content = _xlsx([("东村", 88, "细则"), ("西村", "９０．５", "")], header=("村名", "得分", "依据"))
    result = collectives.score_import(actor=office, town=town, year=2026, file=content, filename="a.xlsx")
    assert result.ok and result.saved == 2
    assert dict(CollectiveScore.objects.values_list("village__name", "score")) == {
        "东村": Decimal("88.00"),
        "西村": Decimal("90.50"),
    }
    assert CollectiveScore.objects.get(village=villages[0]).version == 2  # an open page is refused
    actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))
    assert actions == [
        "collective_score.create",
        "collective_score.update",
        "collective_score.create",
        "collective_score.import",
    ]


def test_the_export_imports_back_as_it_is(town, office, villages):
    _save(office, town, villages[1], "90", "细则")
    content = collectives.score_export(town, 2026)
    rows = list(load_workbook(BytesIO(content)).active.iter_rows(values_only=True))
    assert rows[1][:3] == ("西村", 90, "细则")
    result = collectives.score_import(actor=office, town=town, year=2026, file=content)
    assert result.ok and result.saved == 1


def test_the_template_offers_the_towns_villages(town, villages):
    book = load_workbook(BytesIO(collectives.score_template(town)))
    assert book.active["A1"].value == "Village"
    lists = [c.value for c in book["Lists"]["A"]]
    assert {"东村", "西村", "南村", "北村"} <= set(lists)


# The honour.


def _own(town, places):
    settings, _defaults = scores.year_settings(town, 2026)
    settings.collective_method = CollectiveMethod.OWN_SCORE
    settings.collective_honours = places
    return settings


def test_the_honour_ranks_villages_by_their_own_scores_and_lists_the_unscored_apart(town, office, villages):
    east, west, south, north = villages
    _save(office, town, east, "85")
    _save(office, town, west, "90")
    _save(office, town, south, "0")  # a score of zero is a score
    honours = selectors.honours(town, 2026, _own(town, 1))
    assert honours.own_scores
    assert [(c.village.name, c.score, c.rank, c.honoured) for c in honours.collectives] == [
        ("西村", Decimal("90.00"), 1, True),
        ("东村", Decimal("85.00"), 2, False),
        ("南村", Decimal("0.00"), 3, False),
        ("北村", None, None, False),
    ]
    assert [c.village.name for c in honours.not_scored] == ["北村"]
    assert "own annual assessment" in honours.collective_text


def _honoured(town, places):
    honours = selectors.honours(town, 2026, _own(town, places))
    return [c.village.name for c in honours.collectives if c.honoured]


def test_a_tie_at_the_last_place_honours_nobody_of_the_tie(town, office, villages):
    east, west, south, _north = villages
    _save(office, town, east, "95")
    _save(office, town, west, "90")
    _save(office, town, south, "90")
    assert _honoured(town, 2) == ["东村"]
    assert _honoured(town, 3) == ["东村", "西村", "南村"]


def test_a_village_with_a_vetoed_cadre_is_not_honoured(town, office, villages):
    east, west, *_rest = villages
    cadre = testing.make_cadre(town, "东一", 400, Population.VILLAGE, village=east)
    AnnualResult.objects.create(town=town, year=2026, cadre=cadre, pool="village", scale="", score=80)
    AnnualCase.objects.create(
        town=town, year=2026, cadre=cadre, kind=CaseKind.VETO, veto_level=2, created_by=office
    )
    _save(office, town, east, "95")
    _save(office, town, west, "90")
    collectives_ = selectors.honours(town, 2026, _own(town, 1)).collectives
    assert [(c.village.name, c.vetoed, c.honoured) for c in collectives_[:2]] == [
        ("东村", True, False),
        ("西村", False, True),
    ]


def test_the_other_methods_ignore_the_entered_scores(town, office, villages):
    _save(office, town, villages[0], "95")
    settings, _defaults = scores.year_settings(town, 2026)
    honours = selectors.honours(town, 2026, settings)
    assert not honours.own_scores and all(c.score is None for c in honours.collectives)


# The page.


def _url(name, town, *args):
    return reverse(f"annual:{name}", args=[town.slug, 2026, *args])


def test_the_page_lists_every_village_for_the_office_in_a_fixed_number_of_queries(
    client_for, town, office, villages, django_assert_num_queries
):
    _save(office, town, villages[0], "92.5", "细则")
    client = client_for(office)
    client.get(_url("collectives", town))
    with django_assert_num_queries(8):
        response = client.get(_url("collectives", town))
    for village in villages[1:]:
        _save(office, town, village, "80")
    with django_assert_num_queries(8):
        client.get(_url("collectives", town))
    page = response.content.decode()
    assert response.status_code == 200
    assert all(v.name in page for v in villages) and "92.50" in page and "细则" in page
    assert 'id="not-own-method"' in page  # the year's method is still the cadres' mean


def test_the_page_is_refused_to_a_cadre_and_read_only_for_the_leader(client_for, town, personas, villages):
    assert client_for(personas["cadre"]).get(_url("collectives", town)).status_code == 403
    leader = client_for(personas["main_leader"])
    page = leader.get(_url("collectives", town)).content.decode()
    assert "Not scored" in page and 'name="score"' not in page
    data = {"village": villages[0].pk, "score": "90", "version": 0}
    response = leader.post(_url("collectives", town), data)
    assert response.status_code == 403 and not CollectiveScore.objects.exists()


def test_an_htmx_save_answers_the_row_with_the_message_of_a_refusal(client_for, town, office, villages):
    client = client_for(office)
    data = {"village": villages[0].pk, "score": "１２０", "basis": "细则", "version": 0}
    row = client.post(_url("collectives", town), data, HTTP_HX_REQUEST="true").content.decode()
    assert "from 0 to 100" in row and "１２０" in row and not CollectiveScore.objects.exists()
    data["score"] = "９０"
    row = client.post(_url("collectives", town), data, HTTP_HX_REQUEST="true").content.decode()
    assert 'value="90.00"' in row and 'name="version" value="1"' in row


def test_the_page_imports_and_shows_the_problems(client_for, town, office, villages):
    client = client_for(office)
    upload = BytesIO(_xlsx([("无名村", 80, "")]))
    upload.name = "a.xlsx"
    page = client.post(_url("collectives_import", town), {"file": upload}).content.decode()
    assert "Nothing was imported" in page and "无名村" in page
    upload = BytesIO(_xlsx([("西村", 80, "")]))
    upload.name = "b.xlsx"
    response = client.post(_url("collectives_import", town), {"file": upload})
    assert response.status_code == 302 and CollectiveScore.objects.get().village == villages[1]
    assert client.get(_url("collectives_export", town)).status_code == 200
    assert client.get(_url("collectives_template", town)).status_code == 200


def test_the_honours_and_settings_pages_link_the_scores_with_own_score(client_for, town, office, villages):
    YearSettings.objects.create(town=town, year=2026, collective_method=CollectiveMethod.OWN_SCORE)
    _save(office, town, villages[0], "90", "细则")
    client = client_for(office)
    honours = client.get(reverse("annual:honours", args=[town.slug, 2026])).content.decode()
    assert _url("collectives", town) in honours and 'id="not-scored"' in honours and "细则" in honours
    settings = client.get(reverse("annual:settings", args=[town.slug, 2026])).content.decode()
    assert 'id="collectives-link"' in settings and "own annual assessment" in settings
