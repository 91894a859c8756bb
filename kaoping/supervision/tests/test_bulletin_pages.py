"""The bulletin pages: composing and editing a draft, and the Word and PDF downloads."""

import io
from datetime import date

import pytest
from django.urls import reverse
from docx import Document

from kaoping import testing
from kaoping.core import documents as house_style
from kaoping.supervision import services
from kaoping.supervision.models import Bulletin, BulletinStatus

from .conftest import make_item

pytestmark = pytest.mark.django_db

FORM = {
    "kind": "regular",
    "period_label": "2026年5月",
    "title": "关于5月份重点工作督查情况的通报",
    "body": "一、总体情况\n\n按时办结9项。",
    "issuer": "夏村镇督查办公室",
    "report_to": "镇党委书记",
    "copies": "40",
    "highlights_count": "3",
}


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def url(name, town, *args):
    return reverse(f"supervision:{name}", args=[town.slug, *args])


def _published(office, town, number_of_issues=1) -> Bulletin:
    for _ in range(number_of_issues):
        bulletin = services.bulletin_save(
            actor=office,
            town=town,
            items=[],
            values={k: v for k, v in FORM.items() if k != "highlights_count"},
        )
        Bulletin.objects.filter(pk=bulletin.pk).update(status=BulletinStatus.APPROVED)
        bulletin = services.bulletin_publish(
            actor=office, bulletin=bulletin, on=date(2026, 5, 8), confirmed=True
        )
    return bulletin


def test_the_compose_form_starts_with_the_towns_office_as_issuer(client_for, personas, town):
    page = client_for(personas["supervision_office"]).get(url("bulletin_create", town))
    assert page.status_code == 200
    assert page.context["form"].initial["issuer"] == "夏村镇督查办公室"


def test_the_office_composes_a_draft_with_the_items_it_picks(client_for, personas, town, office, item):
    response = client_for(office).post(url("bulletin_create", town), FORM | {"items": [item.pk]})
    bulletin = Bulletin.objects.get()
    assert response.status_code == 302 and response.url == url("bulletin_detail", town, bulletin.pk)
    assert bulletin.status == BulletinStatus.DRAFT and bulletin.number is None
    assert list(bulletin.items.all()) == [item] and bulletin.copies == 40


def test_a_text_left_empty_is_drafted_from_the_items(client_for, personas, town, office, item):
    client_for(office).post(url("bulletin_create", town), FORM | {"body": "", "items": [item.pk]})
    assert "秸秆禁烧巡查" in Bulletin.objects.get().body


def test_a_draft_is_edited_and_a_bulletin_in_review_is_not(client_for, personas, town, office):
    client = client_for(office)
    client.post(url("bulletin_create", town), FORM)
    bulletin = Bulletin.objects.get()
    page = client.get(url("bulletin_edit", town, bulletin.pk))
    assert page.context["form"].initial["title"] == FORM["title"]
    client.post(
        url("bulletin_edit", town, bulletin.pk),
        FORM | {"title": "关于河道整治的通报", "version": page.context["version"]},
    )
    bulletin.refresh_from_db()
    assert bulletin.title == "关于河道整治的通报"
    services.bulletin_move(actor=office, bulletin=bulletin, to=BulletinStatus.IN_REVIEW)
    page = client.post(url("bulletin_edit", town, bulletin.pk), FORM | {"title": "改"})
    assert page.status_code == 200
    assert page.context["form"].non_field_errors() == ["A bulletin that is “In review” cannot be changed."]
    bulletin.refresh_from_db()
    assert bulletin.title == "关于河道整治的通报"


def test_another_towns_item_cannot_be_picked(client_for, personas, town, other_town, office):
    stranger = testing.make_cadre(other_town, "外镇干部", 980)
    foreign = make_item(
        testing.make_user("other_office", town=other_town, role="supervision_office"), other_town, [stranger]
    )
    page = client_for(office).post(url("bulletin_create", town), FORM | {"items": [foreign.pk]})
    assert page.status_code == 200 and "items" in page.context["form"].errors
    assert not Bulletin.objects.exists()


def test_the_word_download_opens_with_its_number_and_masthead(client_for, personas, town, office):
    bulletin = _published(office, town, number_of_issues=2)
    response = client_for(personas["cadre"]).get(url("bulletin_docx", town, bulletin.pk))
    assert response.status_code == 200
    assert (
        response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert "attachment; filename*=UTF-8''" in response["Content-Disposition"]
    texts = [p.text for p in Document(io.BytesIO(response.content)).paragraphs]
    assert texts[0] == "督查通报" and texts[1] == "第2期"
    assert "关于5月份重点工作督查情况的通报" in texts and "一、总体情况" in texts


@pytest.mark.skipif(house_style.soffice() is None, reason="LibreOffice (soffice) is not installed: no PDF")
def test_the_pdf_download_is_a_pdf(client_for, personas, town, office):
    bulletin = _published(office, town)
    response = client_for(personas["cadre"]).get(url("bulletin_pdf", town, bulletin.pk))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert ".pdf" in response["Content-Disposition"]


def test_without_libreoffice_the_pdf_link_says_what_to_install(
    client_for, personas, town, office, monkeypatch
):
    bulletin = _published(office, town)
    monkeypatch.setattr(house_style.shutil, "which", lambda name: None)
    response = client_for(personas["cadre"]).get(url("bulletin_pdf", town, bulletin.pk), follow=True)
    assert response.redirect_chain[-1][0] == url("bulletin_detail", town, bulletin.pk)
    assert any("libreoffice-writer-nogui" in str(m) for m in response.context["messages"])
