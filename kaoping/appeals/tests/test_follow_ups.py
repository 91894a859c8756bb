"""An upheld objection (or improved review) reads what became of the correction it went into: declined
with its reason, or published with its number, on the cadre's list, the office's list, the appeal's
page and the dossier; a list resolves every appeal's correction in one query."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kaoping import testing
from kaoping.indicators.models import Indicator
from kaoping.results import corrections
from kaoping.results.models import Correction

from .. import monthly, selectors, services
from ..models import Appeal, AppealStatus, Stage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def upheld(personas, town, october, in_window) -> Appeal:
    """王小明's objection to October, upheld by the office: the month's correction waits."""
    _period, wang, _li = october
    appeal = services.appeal_raise(
        actor=personas["cadre"],
        town=town,
        stage=Stage.OBJECTION,
        kind=monthly.KEY,
        subject_id=wang.pk,
        reason="第1.1项应为9分：材料已补交。",
        token="t1",
    )
    indicator = Indicator.objects.get(scheme__town=town, code="1.1")
    return services.appeal_answer(
        actor=personas["assessment_office"],
        appeal=appeal,
        change=True,
        answer="经核实，材料属实。",
        based_on=appeal.version,
        data={"indicator": str(indicator.pk), "value": "9"},
        confirmed=True,
    )


def _pages(client_for, personas, town, appeal) -> dict[str, str]:
    cadre = client_for(personas["cadre"])
    pages = {
        "mine": cadre.get(reverse("appeals:mine", args=[town.slug])),
        "detail": cadre.get(reverse("appeals:detail", args=[town.slug, appeal.pk])),
        "dossier": cadre.get(reverse("dossier:page", args=[town.slug, appeal.cadre_id])),
    }
    pages["list"] = client_for(personas["assessment_office"]).get(reverse("appeals:list", args=[town.slug]))
    assert all(response.status_code == 200 for response in pages.values())
    return {name: response.content.decode() for name, response in pages.items()}


def test_a_declined_correction_shows_on_the_upheld_objection_everywhere(client_for, personas, town, upheld):
    pending = Correction.objects.get()
    for page in _pages(client_for, personas, town, upheld).values():
        assert "correction declined" not in page
    corrections.correction_decline(
        actor=personas["main_leader"], correction=pending, reason="补交材料晚于公示期", based_on=None
    )
    pages = _pages(client_for, personas, town, upheld)
    for name, page in pages.items():
        assert "correction declined: 补交材料晚于公示期" in page, name
    assert "Upheld — correction declined: 补交材料晚于公示期" in pages["dossier"]
    assert "Upheld — correction declined: 补交材料晚于公示期" in pages["detail"]
    assert "it takes effect when the correction is published" not in pages["detail"]
    for name in ("mine", "list", "detail"):  # the total it would have had is struck out
        assert "<del>→ 94.00</del>" in pages[name], name
    assert Appeal.objects.get().status == AppealStatus.UPHELD  # the answer itself stays as written


def test_a_published_correction_shows_its_number_on_the_upheld_objection(client_for, personas, town, upheld):
    corrections.correction_publish(
        actor=personas["main_leader"],
        correction=Correction.objects.get(),
        reason="异议成立，予以更正",
        based_on=None,
        confirmed=True,
    )
    for name, page in _pages(client_for, personas, town, upheld).items():
        assert "correction No. 1 published" in page, name
        assert "correction declined" not in page, name


def test_the_chinese_pages_say_the_correction_was_declined(client_for, personas, town, upheld, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    corrections.correction_decline(
        actor=personas["main_leader"], correction=Correction.objects.get(), reason="材料不足", based_on=None
    )
    page = client_for(personas["cadre"]).get(reverse("appeals:mine", args=[town.slug])).content.decode()
    assert "异议成立" in page and "更正已驳回：材料不足" in page


def test_an_appeal_without_a_correction_has_no_follow_up(personas, town, october, in_window):
    appeal = Appeal(reference="", status=AppealStatus.REJECTED)
    other = Appeal(reference="annual.grade:3", status=AppealStatus.UPHELD)
    with CaptureQueriesContext(connection) as queries:
        selectors.with_follow_ups([appeal, other])
    assert len(queries) == 0
    assert appeal.follow_up is None and other.follow_up is None
    assert appeal.status_text == "Rejected"


def _referring(town, cadre, user, n, correction) -> Appeal:
    return Appeal.objects.create(
        town=town,
        stage=Stage.OBJECTION,
        kind=monthly.KEY,
        subject_id=2000 + n,
        subject_label="Monthly result of 2026-10",
        cadre=cadre,
        reason=f"理由{n}",
        raised_by=user,
        due_on=date(2026, 11, 6),
        outcome_before="88.00",
        outcome_after="94.00",
        status=AppealStatus.UPHELD,
        reference=f"results.correction:{correction.pk}",
        token=f"ref-{n}",
    )


def test_the_lists_resolve_every_correction_in_one_query(client_for, personas, town, upheld):
    correction = Correction.objects.get()
    corrections.correction_decline(
        actor=personas["main_leader"], correction=correction, reason="不予更正", based_on=None
    )
    office = client_for(personas["assessment_office"])
    url = reverse("appeals:list", args=[town.slug])
    with CaptureQueriesContext(connection) as one:
        assert office.get(url).status_code == 200
    for n in range(1, 8):
        cadre = testing.make_cadre(town, f"干部{n}", 200 + n)
        _referring(town, cadre, personas["cadre"], n, correction)
    with CaptureQueriesContext(connection) as eight:
        response = office.get(url)
    assert len(response.context["appeals"]) == 8
    assert all(a.follow_up is not None and a.follow_up.declined for a in response.context["appeals"])
    assert response.content.decode().count("correction declined: 不予更正") == 8
    assert len(one) == len(eight)
    assert sum("scoring_correction" in q["sql"] for q in eight.captured_queries) == 1


def _dossier_docx_cells(client, town, cadre_id) -> set[str]:
    import io

    from docx import Document

    response = client.get(reverse("dossier:docx", args=[town.slug, cadre_id]))
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.content))
    return {cell.text for table in doc.tables for row in table.rows for cell in row.cells} | {
        p.text for p in doc.paragraphs
    }


def test_the_dossier_does_not_count_an_upheld_objection_whose_correction_was_declined(
    client_for, personas, town, upheld, django_assert_num_queries
):
    from kaoping.dossier import appeals as dossier_appeals

    office = client_for(personas["assessment_office"])
    url = reverse("dossier:page", args=[town.slug, upheld.cadre_id])
    page = office.get(url).content.decode()
    assert "changed the result: 1." in page and "88.00 → 94.00" in page  # waiting: the change stands
    corrections.correction_decline(
        actor=personas["main_leader"], correction=Correction.objects.get(), reason="不予更正", based_on=None
    )
    page = office.get(url).content.decode()
    assert "changed the result: 0." in page
    assert "88.00, unchanged (correction declined)" in page and "88.00 → 94.00" not in page
    cells = _dossier_docx_cells(office, town, upheld.cadre_id)
    assert "88.00, unchanged (correction declined)" in cells and "88.00 → 94.00" not in cells
    assert any("changed the result: 0." in text for text in cells)
    # The section reads the appeals and their corrections in two queries, whatever their number.
    for n in range(1, 6):
        _referring(town, upheld.cadre, personas["cadre"], n, Correction.objects.get())
    with django_assert_num_queries(2):
        rows = dossier_appeals.load_appeals(upheld.cadre)
    assert len(rows) == 6
    assert "changed the result: 0." in dossier_appeals.table_appeals(rows).summary
