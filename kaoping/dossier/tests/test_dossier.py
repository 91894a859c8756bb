"""The cadre dossier: who may open it, the audit of every opening of someone else's, what it shows,
its documents, and a fixed number of queries whatever the years of history."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from docx import Document

from kaoping import testing
from kaoping.accounts.models import Role
from kaoping.accounts.permissions import POLICY, Action
from kaoping.audit.models import AuditEntry
from kaoping.core import documents as house_style
from kaoping.dossier import providers, sections
from kaoping.dossier.sample import add_history
from kaoping.files.models import Attachment
from kaoping.files.services import attachment_store, attachments_attach
from kaoping.files.tests import samples
from kaoping.quarterly import selectors as quarterly
from kaoping.quarterly.models import Statement


def _url(town, cadre, name="page"):
    return reverse(f"dossier:{name}", kwargs={"town": town.slug, "pk": cadre.pk})


@pytest.fixture
def cadre(personas):
    return personas["cadre"].cadre


def test_the_policy_names_who_opens_anyones_dossier():
    assert POLICY[Action.VIEW_DOSSIERS] == {
        Role.ASSESSMENT_OFFICE,
        Role.PARTY_BUILDING_OFFICE,
        Role.MAIN_LEADER,
    }
    assert POLICY[Action.VIEW_OWN_DOSSIER] == {Role.CADRE}


@pytest.mark.django_db
def test_a_cadre_opens_their_own_dossier_but_not_someone_elses(client_for, personas, town, cadre):
    other = testing.make_cadre(town, "李四", 5)
    client = client_for(personas["cadre"])
    assert client.get(_url(town, cadre)).status_code == 200
    for name in ("page", "docx", "pdf"):
        assert client.get(_url(town, other, name)).status_code == 403


@pytest.mark.django_db
def test_another_towns_cadre_is_not_found(client_for, personas, town, other_town):
    stranger = testing.make_cadre(other_town, "王五", 6)
    response = client_for(personas["assessment_office"]).get(_url(town, stranger))
    assert response.status_code == 404


@pytest.mark.django_db
def test_opening_someone_elses_dossier_is_audited_and_ones_own_is_not(client_for, personas, town, cadre):
    client_for(personas["cadre"]).get(_url(town, cadre))
    assert not AuditEntry.objects.filter(action="dossier.open").exists()
    reader = personas["party_building_office"]
    client_for(reader).get(_url(town, cadre))
    client_for(reader).get(_url(town, cadre, "docx"))
    entries = list(AuditEntry.objects.filter(action="dossier.open").order_by("pk"))
    assert [(e.actor_id, e.object_id, e.town_id, e.new) for e in entries] == [
        (reader.pk, str(cadre.pk), town.pk, {"as": "page"}),
        (reader.pk, str(cadre.pk), town.pk, {"as": "docx"}),
    ]
    assert all(e.at for e in entries)


@pytest.mark.django_db
def test_a_refused_opening_leaves_no_trace_and_shows_nothing(client_for, personas, town, cadre):
    response = client_for(personas["scorer"]).get(_url(town, cadre))
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="dossier.open").exists()


@pytest.mark.django_db
def test_the_dossier_shows_every_section_of_the_years(client_for, personas, town, cadre):
    add_history(cadre, years=[2023, 2024], actor=personas["assessment_office"])
    page = client_for(personas["main_leader"]).get(_url(town, cadre)).content.decode()
    for section in sections.sections():
        assert f'id="{section.key}"' in page
    assert "2023-01" in page and "2024-12" in page  # months
    assert "2024Q4" in page  # democratic rounds
    assert "2023年市级表彰" in page and "2024年安全生产检查问题" in page  # bonuses and deductions
    assert "2024年督办事项3" in page  # supervision items
    assert "<svg" in page  # the rank trend
    assert "24 published months" in page or "已公布24个月" in page


@pytest.mark.django_db
def test_the_cadre_page_links_the_dossier_for_those_who_may_open_it(client_for, personas, town, cadre):
    detail = reverse("people:cadre_detail", kwargs={"town": town.slug, "pk": cadre.pk})
    assert _url(town, cadre) in client_for(personas["main_leader"]).get(detail).content.decode()
    assert _url(town, cadre) not in client_for(personas["scorer"]).get(detail).content.decode()


@pytest.mark.django_db
def test_the_word_document_holds_every_section_as_a_table(client_for, personas, town, cadre):
    add_history(cadre, years=[2025], actor=personas["assessment_office"])
    response = client_for(personas["assessment_office"]).get(_url(town, cadre, "docx"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert cadre.name in text
    for section in sections.sections():
        assert str(section.title) in text
    cells = {cell.text for table in doc.tables for row in table.rows for cell in row.cells}
    assert {"2025-01", "2025-12", "2025Q3", "2025年督办事项1"} <= cells


@pytest.mark.django_db
@pytest.mark.skipif(house_style.soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_the_pdf_is_made_by_libreoffice(client_for, personas, town, cadre):
    response = client_for(personas["assessment_office"]).get(_url(town, cadre, "pdf"))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.django_db
def test_five_years_of_history_open_with_the_same_queries_as_one(client_for, personas, town, cadre):
    client = client_for(personas["main_leader"])
    url = _url(town, cadre)
    add_history(cadre, years=[2026], actor=personas["assessment_office"])
    client.get(url)  # the session and the audit key settle
    one_year = _queries(client, url)
    add_history(cadre, years=[2021, 2022, 2023, 2024, 2025], actor=personas["assessment_office"])
    five_years = _queries(client, url)
    page = client.get(url).content.decode()
    assert "2021-01" in page and "2021Q1" in page and "2021年督办事项1" in page
    # The records, exemplary marks, lagging lists and rectifications of the earliest year are read too.
    assert "2021年3月完成重点项目征地" in page and "2021年攻坚克难典型" in page
    assert "2021年表态" in page and "2021年整改措施" in page
    assert five_years == one_year
    # The page, the session and the audit entry, and one or two queries a section (eleven sections, with
    # the statements' attachments, the objections, the annual years and the year at a glance: its
    # months, rounds, lagging lists, annual years, honours, pay and objections).
    assert one_year <= 34


@pytest.mark.django_db
def test_the_records_and_quarterly_sections_show_their_history(client_for, personas, town, cadre):
    add_history(cadre, years=[2024, 2025], actor=personas["assessment_office"])
    page = client_for(personas["main_leader"]).get(_url(town, cadre)).content.decode()
    # Achievement records: the entries, "nothing notable", late, the meeting's decision, the attachment's
    # name linking to the files app's download view (which checks who may read it).
    records = page.split('id="records"')[1].split("</section>")[0]
    assert "2025年6月完成重点项目征地" in records and "2024-09" in records
    attachment = Attachment.objects.get(original_name="2025年6月现场照片.jpg")
    assert f'href="{reverse("files:download", args=[town.slug, attachment.pk])}"' in records
    assert "2025年6月现场照片.jpg" in records
    # Exemplary marks: the citation, the meeting's date and who recorded it.
    exemplary = page.split('id="exemplary"')[1].split("</section>")[0]
    assert "2025年攻坚克难典型" in exemplary and "2025-09-28" in exemplary
    assert (
        personas["assessment_office"].username in exemplary
        or personas["assessment_office"].get_full_name() in exemplary
    )
    # Lagging-list appearances with the months that put the cadre there, and the statement.
    lagging = page.split('id="lagging"')[1].split("</section>")[0]
    assert "2025Q2" in lagging and "2025-05" in lagging and "2025年表态" in lagging
    # Rectifications with their outcome and review.
    rectifications = page.split('id="rectifications"')[1].split("</section>")[0]
    assert "2025年整改措施" in rectifications and "整改到位" in rectifications
    assert "2025-09-30" in rectifications


@pytest.mark.django_db
def test_every_table_of_the_dossier_names_each_value_for_a_phone(client_for, personas, town, cadre):
    """Each section's table is a .table-stack whose cells carry their column's name (data-label): on a
    narrow screen the stylesheet stacks each row as a card of "name value" lines."""
    import re

    add_history(cadre, years=[2025], actor=personas["assessment_office"])
    page = client_for(personas["cadre"]).get(_url(town, cadre)).content.decode()
    tables = re.findall(r"<table([^>]*)>(.*?)</table>", page, flags=re.S)
    dossier_tables = [(attributes, body) for attributes, body in tables if "dossier-table" in attributes]
    assert len(dossier_tables) >= 6
    for attributes, body in dossier_tables:
        assert "table-stack" in attributes
        headers = re.findall(r'<th scope="col">([^<]*)</th>', body)
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body.split("</thead>")[1], flags=re.S):
            labels = re.findall(r'<t[dh][^>]*data-label="([^"]*)"', row)
            assert labels and set(labels) <= set(headers), (headers, row[:200])
    records = page.split('id="records"')[1].split("</table>")[0]
    assert 'class="table-stack-more"' in records  # a record's further answers stay in its card


@pytest.mark.django_db
def test_a_cadre_without_records_or_lagging_lists_sees_each_section_empty(client_for, personas, town, cadre):
    page = client_for(personas["cadre"]).get(_url(town, cadre)).content.decode()
    for key in ("records", "exemplary", "lagging", "rectifications"):
        section = page.split(f'id="{key}"')[1].split("</section>")[0]
        assert str(sections.sections_by_key()[key].empty) in section


@pytest.mark.django_db
def test_the_word_document_holds_the_records_and_quarterly_sections(client_for, personas, town, cadre):
    add_history(cadre, years=[2025], actor=personas["assessment_office"])
    response = client_for(personas["assessment_office"]).get(_url(town, cadre, "docx"))
    doc = Document(io.BytesIO(response.content))
    cells = {cell.text for table in doc.tables for row in table.rows for cell in row.cells}
    assert {"2025年3月完成重点项目征地", "2025年6月现场照片.jpg", "2025年攻坚克难典型"} <= cells
    assert {"2025年整改措施：每周走访项目", "2025Q2"} <= cells
    assert any("2025年表态" in c for c in cells) and any("2025-05" in c for c in cells)


@pytest.mark.django_db
def test_a_statement_made_as_a_file_names_the_file_in_the_dossier(
    client_for, personas, town, cadre, settings, tmp_path
):
    settings.KAOPING_FILES_DIR = tmp_path
    add_history(cadre, years=[2025], actor=personas["assessment_office"])
    statement = Statement.objects.get(entry__cadre=cadre)
    stored = attachment_store(
        actor=personas["assessment_office"],
        town=town,
        name="表态发言稿.pdf",
        stream=io.BytesIO(samples.PDF),
        size=len(samples.PDF),
    )
    attachments_attach(attachments=[stored], owner_type=quarterly.STATEMENT_OWNER, owner_id=statement.pk)
    page = client_for(personas["assessment_office"]).get(_url(town, cadre)).content.decode()
    lagging = page.split('id="lagging"')[1].split("</section>")[0]
    assert "附件：表态发言稿.pdf" in lagging
    doc = Document(
        io.BytesIO(client_for(personas["assessment_office"]).get(_url(town, cadre, "docx")).content)
    )
    cells = {cell.text for table in doc.tables for row in table.rows for cell in row.cells}
    assert any("附件：表态发言稿.pdf" in c for c in cells)


def _item_row(closed: bool, on_time: bool | None, send_backs: int) -> providers.ItemRow:
    return providers.ItemRow(
        title="秸秆禁烧",
        role="owner",
        assigned_on="2026-03-01",
        deadline="2026-03-18",
        status="verified" if closed else "in progress",
        closed=closed,
        on_time=on_time,
        quality="",
        send_backs=send_backs,
    )


@pytest.mark.parametrize(
    ("language", "one", "more"),
    [
        (
            "en",
            "1 item; 1 verified, 1 of them on time; 1 send-back.",
            "2 items; 1 verified, 1 of them on time; 2 send-backs.",
        ),
        ("zh-hans", "共1项；已核验1项，其中按期1项；退回1次。", "共2项；已核验1项，其中按期1项；退回2次。"),
    ],
)
def test_the_items_summary_counts_in_words_one_and_more(language, one, more):
    with translation.override(language):
        assert providers.table_items([_item_row(True, True, 1)]).summary == one
        rows = [_item_row(True, True, 1), _item_row(False, None, 1)]
        assert providers.table_items(rows).summary == more
