"""The scheme pages: who reads, who edits, another town's scheme, and the office's forms."""

from decimal import Decimal

import pytest
from django.urls import reverse

from kaoping.audit.models import AuditEntry
from kaoping.indicators import importing, services
from kaoping.indicators.models import (
    AdjustmentReason,
    Category,
    Indicator,
    IndicatorWeight,
    Scheme,
    SchemeStatus,
)

from .conftest import MARCH, indicator, make_scheme

pytestmark = pytest.mark.django_db


def url(name, town, *args):
    return reverse(f"indicators:{name}", args=[town.slug, *args])


@pytest.fixture
def published(scheme, office):
    return services.scheme_set_status(actor=office, scheme=scheme, status=SchemeStatus.PUBLISHED)


# --- Who may do what ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["scorer", "cadre", "main_leader", "town_admin", "assessment_office"])
def test_every_town_role_reads_a_published_scheme(client_for, personas, town, published, role):
    client = client_for(personas[role])
    assert client.get(url("scheme_list", town)).status_code == 200
    assert client.get(url("scheme_detail", town, published.pk)).status_code == 200
    assert client.get(url("reason_list", town, published.pk)).status_code == 200
    assert client.get(url("scheme_export", town, published.pk)).status_code == 200


@pytest.mark.parametrize("role", ["scorer", "cadre", "group_leader"])
def test_scorers_and_cadres_cannot_edit(client_for, personas, town, published, role):
    client = client_for(personas[role])
    invest = indicator(published, "2.1")
    forbidden = [
        ("get", url("scheme_create", town)),
        ("get", url("scheme_edit", town, published.pk)),
        ("get", url("weights_edit", town, published.pk)),
        ("post", url("weights_edit", town, published.pk) + "?month=3"),
        ("get", url("indicator_edit", town, published.pk, invest.pk)),
        ("post", url("indicator_create", town, published.pk)),
        ("post", url("category_create", town, published.pk)),
        ("post", url("scheme_status", town, published.pk)),
        ("get", url("reason_create", town, published.pk)),
        ("get", url("scheme_import", town, published.pk)),
        ("get", reverse("indicators:scheme_import_template", args=[town.slug])),
    ]
    for method, address in forbidden:
        assert getattr(client, method)(address).status_code == 403, address
    assert not IndicatorWeight.objects.filter(effective_from=MARCH).exists()


def test_a_draft_is_hidden_from_those_who_do_not_build_schemes(client_for, personas, town, scheme):
    cadre = client_for(personas["cadre"])
    assert cadre.get(url("scheme_detail", town, scheme.pk)).status_code == 404
    assert scheme not in [
        s for row in cadre.get(url("scheme_list", town)).context["rows"] for _p, s in row.schemes
    ]


def test_another_towns_scheme_is_not_found(office_client, town, other_town):
    foreign = make_scheme(other_town)
    category = foreign.categories.first()
    for address in (
        url("scheme_detail", town, foreign.pk),
        url("weights_edit", town, foreign.pk),
        url("scheme_export", town, foreign.pk),
        url("category_edit", town, foreign.pk, category.pk),
    ):
        assert office_client.get(address).status_code == 404, address
    assert office_client.get(url("scheme_list", other_town)).status_code == 404


def test_another_schemes_indicator_under_ones_own_scheme_is_not_found(
    office_client, town, scheme, other_town
):
    foreign = make_scheme(other_town).indicators.first()
    assert office_client.get(url("indicator_edit", town, scheme.pk, foreign.pk)).status_code == 404


# --- The scheme screen -------------------------------------------------------------------------


def test_the_month_picker_shows_that_months_weights(office_client, town, scheme, office):
    invest = indicator(scheme, "2.1")
    services.weights_set(actor=office, scheme=scheme, month=MARCH, weights={invest.pk: Decimal(40)})
    february = office_client.get(url("scheme_detail", town, scheme.pk), {"month": 2})
    march = office_client.get(url("scheme_detail", town, scheme.pk), {"month": 3}, HTTP_HX_REQUEST="true")
    assert february.context["table"].weight == 100
    assert march.context["table"].weight == 110
    assert [t.name for t in march.templates][0] == "indicators/_scheme_table.html"
    assert "Weights in force in March 2026" in march.content.decode()


def test_the_scheme_screen_describes_rules_in_words(office_client, town, scheme):
    page = office_client.get(url("scheme_detail", town, scheme.pk), {"month": 1}).content.decode()
    assert "Completion of a target of 3000" in page
    assert "Fixed" in page


# --- The office's forms ------------------------------------------------------------------------


def test_the_office_sets_weights_from_a_month(office_client, town, scheme):
    invest, project = indicator(scheme, "2.1"), indicator(scheme, "2.2")
    data = {
        f"weight_{i.pk}": str(IndicatorWeight.objects.get(indicator=i).weight)
        for i in scheme.indicators.all()
    }
    data.update({f"weight_{invest.pk}": "40", f"weight_{project.pk}": "10", "note": "5月党委会"})
    data["version"] = scheme.weights_version
    response = office_client.post(url("weights_edit", town, scheme.pk) + "?month=3", data)
    assert response.status_code == 302
    assert IndicatorWeight.objects.filter(effective_from=MARCH).count() == 2
    assert AuditEntry.objects.filter(action="indicator.set_weight", note="5月党委会").count() == 2


def test_a_negative_weight_is_refused_by_the_form(office_client, town, scheme):
    invest = indicator(scheme, "2.1")
    data = {f"weight_{i.pk}": "1" for i in scheme.indicators.all()} | {f"weight_{invest.pk}": "-5"}
    response = office_client.post(url("weights_edit", town, scheme.pk) + "?month=3", data)
    assert response.status_code == 200
    assert response.context["form"].errors[f"weight_{invest.pk}"]
    assert not IndicatorWeight.objects.filter(effective_from=MARCH).exists()


def test_the_office_adds_an_indicator_and_the_form_explains_a_missing_target(office_client, town, scheme):
    category = scheme.categories.last()
    base = {
        "category": category.pk,
        "code": "2.3",
        "name": "财税收入",
        "standard": "按序时进度计分",
        "max_score": "1",
        "rule_kind": "completion",
        "item_kind": "monthly_key_work",
        "sort_order": "5",
        "weight": "5",
        "weight_from": "3",
    }
    response = office_client.post(url("indicator_create", town, scheme.pk), base)
    assert response.status_code == 200
    assert response.context["form"].errors["target"] == ["A completion rule needs a target greater than 0."]
    response = office_client.post(url("indicator_create", town, scheme.pk), base | {"target": "100"})
    assert response.status_code == 302
    added = Indicator.objects.get(scheme=scheme, code="2.3")
    assert IndicatorWeight.objects.get(indicator=added).effective_from == MARCH


def test_a_published_indicators_rule_fields_are_locked_in_the_form(office_client, town, published):
    project = indicator(published, "2.2")
    response = office_client.post(
        url("indicator_edit", town, published.pk, project.pk),
        {
            "category": project.category_id,
            "code": "2.2",
            "name": "重点项目建设推进",
            "standard": "新的标准",
            "max_score": "99",
            "rule_kind": "pass_fail",
            "item_kind": "monthly_key_work",
            "sort_order": "4",
            "version": project.version,
        },
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.name, project.max_score, project.rule_kind) == ("重点项目建设推进", 10, "manual")


def test_the_office_creates_publishes_and_archives_a_scheme(office_client, town, scheme):
    response = office_client.post(
        url("scheme_create", town), {"year": "2027", "population": "agency", "copy_previous": "on"}
    )
    new = Scheme.objects.get(year=2027)
    assert response.status_code == 302 and new.indicators.count() == 4
    office_client.post(url("scheme_status", town, new.pk), {"status": "published"})
    new.refresh_from_db()
    assert new.status == SchemeStatus.PUBLISHED


def test_the_settings_form_saves_the_share_in_percent_and_tie_breaks_in_order(office_client, town, scheme):
    response = office_client.post(
        url("scheme_edit", town, scheme.pk),
        {
            "name": "2026年度机关干部考核指标体系",
            "scale": "100",
            "democratic_percent": "25",
            "bonus_cap_month": "1",
            "bonus_cap_year": "3",
            "tie_break_1": "democratic",
            "tie_break_2": "performance",
            "version": scheme.version,
        },
    )
    assert response.status_code == 302
    scheme.refresh_from_db()
    assert scheme.democratic_share == Decimal("0.25") and scheme.tie_breaks == ["democratic", "performance"]


def test_the_office_adds_and_removes_a_reason_of_a_draft(office_client, town, scheme):
    office_client.post(
        url("reason_create", town, scheme.pk),
        {"kind": "bonus", "name": "招商引资", "default_points": "0.5", "sort_order": 1},
    )
    reason = AdjustmentReason.objects.get(scheme=scheme)
    office_client.post(url("reason_delete", town, scheme.pk, reason.pk))
    assert not AdjustmentReason.objects.exists()


def test_a_category_is_added_and_renamed(office_client, town, scheme):
    office_client.post(url("category_create", town, scheme.pk), {"name": "乡村振兴", "sort_order": 3})
    category = Category.objects.get(scheme=scheme, name="乡村振兴")
    office_client.post(
        url("category_edit", town, scheme.pk, category.pk),
        {"name": "乡村振兴战略", "sort_order": 3, "version": category.version},
    )
    category.refresh_from_db()
    assert category.name == "乡村振兴战略"


def test_the_import_page_lists_problems_and_refuses_a_filled_scheme(office_client, town, scheme, office):
    empty = Scheme.objects.create(town=town, year=2026, population="village", name="村干部")
    content = importing.scheme_export(actor=office, scheme=scheme, month=MARCH)
    broken = content.replace(b"completion", b"completion")  # the export itself is valid
    response = office_client.post(
        url("scheme_import", town, empty.pk), {"file": _upload(broken), "weight_from": "1"}
    )
    assert response.status_code == 302 and empty.indicators.count() == 4
    again = office_client.get(url("scheme_import", town, empty.pk))
    assert "already has indicators" in again.content.decode()


def _upload(content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("scheme.xlsx", content)
