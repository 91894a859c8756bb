"""Photos of site visits, report files, statements' and progress notes' attachments: upload from the
pages (a bad file stores nothing and says why), who downloads them, taking them off, the record."""

from datetime import date
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document

from kaoping import testing
from kaoping.audit.models import AuditEntry
from kaoping.core.errors import DomainError
from kaoping.files.models import Attachment
from kaoping.files.tests import samples
from kaoping.people.models import Population
from kaoping.quarterly import selectors, services
from kaoping.quarterly.models import Rectification, Report, SiteVisit

pytestmark = pytest.mark.django_db


def url(name, town, *args):
    return reverse(f"quarterly:{name}", args=[town.slug, *args])


def photo(name="现场.png"):
    return SimpleUploadedFile(name, samples.PNG)


def stored_files():
    return Attachment.objects.count()


def test_site_visit_photos_are_uploaded_and_shown_as_thumbnails_that_download(
    client_for, office, town, meeting
):
    client = client_for(office)
    response = client.post(
        url("visit_add", town, meeting.pk),
        {"kind": "village", "name": "东村", "note": "人居环境", "photos": [photo("一.png"), photo("二.png")]},
    )
    assert response.status_code == 302
    visit = SiteVisit.objects.get(meeting=meeting)
    photos = selectors.attachments_of(selectors.VISIT_OWNER, [visit.pk])[visit.pk]
    assert [a.original_name for a in photos] == ["一.png", "二.png"]
    assert {a.owner_type for a in photos} == {"quarterly.sitevisit"}
    page = client.get(url("meeting_detail", town, meeting.pk)).content.decode()
    for a in photos:
        assert f'<img src="{reverse("files:download", args=[town.slug, a.pk])}"' in page
    download = client_for(office).get(reverse("files:download", args=[town.slug, photos[0].pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == samples.PNG
    audit = AuditEntry.objects.filter(action="site_visit.create").get()
    assert [f["name"] for f in audit.new["photos"]] == ["一.png", "二.png"]


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("现场.jpg", samples.EXE, "not one of the accepted kinds"),
        ("报告.pdf", samples.PDF, "here only JPEG image, PNG image are accepted"),
    ],
)
def test_a_bad_photo_stores_nothing_and_says_why(client_for, office, town, meeting, name, content, says):
    client = client_for(office)
    response = client.post(
        url("visit_add", town, meeting.pk),
        {"kind": "village", "name": "东村", "photos": [photo(), SimpleUploadedFile(name, content)]},
        follow=True,
    )
    assert says in response.content.decode()
    assert not SiteVisit.objects.exists()
    assert stored_files() == 0  # the good photo of the same upload is not kept either


def test_a_report_is_typed_or_attached_but_not_neither(client_for, office, town, meeting):
    head = testing.make_cadre(town, "赵主任", 300, is_middle_level=True)
    client = client_for(office)
    response = client.post(url("report_add", town, meeting.pk), {"cadre": head.pk, "text": ""}, follow=True)
    assert "Type the report or attach it" in response.content.decode()
    assert not Report.objects.exists()
    response = client.post(
        url("report_add", town, meeting.pk),
        {"cadre": head.pk, "text": "", "files": [SimpleUploadedFile("述职报告.docx", samples.docx())]},
    )
    report = Report.objects.get()
    assert report.text == ""
    [file] = selectors.attachments_of(selectors.REPORT_OWNER, [report.pk])[report.pk]
    assert file.kind == "docx"
    page = client.get(url("meeting_detail", town, meeting.pk)).content.decode()
    assert "述职报告.docx" in page


def test_a_photo_is_refused_as_a_report_file(client_for, office, town, meeting):
    head = testing.make_cadre(town, "赵主任", 300, is_middle_level=True)
    response = client_for(office).post(
        url("report_add", town, meeting.pk),
        {"cadre": head.pk, "text": "正文", "files": [photo("报告.png")]},
        follow=True,
    )
    assert "here only PDF document, Word document (.docx) are accepted" in response.content.decode()
    assert not Report.objects.exists() and stored_files() == 0


def _visit_with_photo(office, meeting):
    return services.visit_add(
        actor=office, meeting=meeting, kind="project", name="产业园", note="开工", photos=[photo()]
    )


@pytest.mark.parametrize("who", ["main_leader", "cadre", "scorer", "group_leader", "assessment_office"])
def test_whoever_sees_the_meeting_downloads_its_photos(client_for, personas, office, town, meeting, who):
    [a] = selectors.attachments_of(selectors.VISIT_OWNER, [_visit_with_photo(office, meeting).pk]).values()
    response = client_for(personas[who]).get(reverse("files:download", args=[town.slug, a[0].pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("who", ["auditor", "no_role", "other_town_admin"])
def test_nobody_else_gets_a_photo(client_for, personas, office, town, meeting, who):
    [a] = selectors.attachments_of(selectors.VISIT_OWNER, [_visit_with_photo(office, meeting).pk]).values()
    response = client_for(personas[who]).get(reverse("files:download", args=[town.slug, a[0].pk]))
    assert response.status_code in (403, 404)
    assert response.status_code == 404 or who == "auditor"


def test_another_towns_visit_is_not_found_under_this_towns_address(
    client_for, personas, office, town, other_town, meeting
):
    other_office = testing.make_user("other_office", town=other_town, role="assessment_office")
    foreign = services.meeting_save(
        actor=other_office,
        town=other_town,
        meeting=None,
        year=2026,
        quarter=1,
        values={"title": "他镇会议", "held_on": date(2026, 4, 10), "place": "他镇"},
    )
    visit = _visit_with_photo(other_office, foreign)
    client = client_for(office)
    assert client.get(url("visit_edit", town, foreign.pk, visit.pk)).status_code == 404
    # The foreign visit under this town's own meeting: not found either, and nothing removed.
    response = client.post(
        url("visit_edit", town, meeting.pk, visit.pk), {"kind": "remove", "version": "1", "confirmed": "1"}
    )
    assert response.status_code == 404
    assert SiteVisit.objects.filter(pk=visit.pk).exists()
    [a] = selectors.attachments_of(selectors.VISIT_OWNER, [visit.pk])[visit.pk]
    assert client.get(reverse("files:download", args=[town.slug, a.pk])).status_code == 404


def test_a_statement_may_be_an_attachment_alone_and_files_come_off_while_the_record_is_open(
    client_for, office, town, quarter, meeting
):
    services.list_compute(actor=office, meeting=meeting)
    services.list_finalise(actor=office, meeting=meeting, confirmed=True)
    entry = meeting.lagging_list.entries.first()
    client = client_for(office)
    scan = SimpleUploadedFile("表态.pdf", samples.PDF)
    client.post(
        url("entry_detail", town, meeting.pk, entry.pk),
        {"kind": "statement", "made_on": "2026-04-10", "text": "", "files": [scan]},
    )
    entry.refresh_from_db()
    statement = entry.statement
    [a] = selectors.attachments_of(selectors.STATEMENT_OWNER, [statement.pk])[statement.pk]
    cadre_client = client_for(testing.make_user("c2", town=town, role=None, cadre=entry.cadre))
    assert cadre_client.get(reverse("files:download", args=[town.slug, a.pk])).status_code == 200
    client = client_for(office)  # one test client: log the office in again
    # Taking off the only file of a statement without text would leave nothing: refused.
    response = client.post(
        url("entry_detail", town, meeting.pk, entry.pk),
        {"kind": "statement_files", "remove": [a.pk]},
        follow=True,
    )
    assert "Type the statement or attach it" in response.content.decode()
    client.post(
        url("entry_detail", town, meeting.pk, entry.pk),
        {"kind": "statement_files", "remove": [a.pk], "files": [photo("表态.png")]},
    )
    names = [
        x.original_name
        for x in selectors.attachments_of(selectors.STATEMENT_OWNER, [statement.pk])[statement.pk]
    ]
    assert names == ["表态.png"]
    audit = AuditEntry.objects.filter(action="statement.files").get()
    assert [f["name"] for f in audit.old["files"]] == ["表态.pdf"]
    assert [f["name"] for f in audit.new["files"]] == ["表态.png"]
    # Closed record: nothing changes any more.
    services.meeting_close(actor=office, meeting=meeting, confirmed=True)
    response = client.post(
        url("entry_detail", town, meeting.pk, entry.pk),
        {"kind": "statement_files", "files": [photo("又一张.png")]},
        follow=True,
    )
    assert "record of this meeting is closed" in response.content.decode()
    assert len(selectors.attachments_of(selectors.STATEMENT_OWNER, [statement.pk])[statement.pk]) == 1


def test_a_progress_note_carries_a_file_that_comes_off_while_the_rectification_is_open(
    client_for, office, personas, town, quarter, meeting
):
    services.list_compute(actor=office, meeting=meeting)
    services.list_finalise(actor=office, meeting=meeting, confirmed=True)
    entry = meeting.lagging_list.entries.first()
    rect = services.rectification_record(
        actor=office, entry=entry, measures="整改", deadline=date(2026, 6, 1)
    )
    client = client_for(office)
    client.post(
        url("rectification_detail", town, rect.pk),
        {"kind": "progress", "written_on": "2026-05-01", "text": "已完成一半", "files": [photo("进展.png")]},
    )
    note = rect.progress.get()
    [a] = selectors.attachments_of(selectors.PROGRESS_OWNER, [note.pk])[note.pk]
    assert (
        "进展.png"
        in client_for(personas["cadre"]).get(url("rectification_detail", town, rect.pk)).content.decode()
    )
    assert (
        client_for(personas["cadre"]).get(reverse("files:download", args=[town.slug, a.pk])).status_code
        == 200
    )
    take_off = {"kind": "progress_file_remove", "note": note.pk, "attachment": a.pk, "confirmed": "1"}
    cadre = client_for(personas["cadre"])
    assert cadre.post(url("rectification_detail", town, rect.pk), take_off).status_code == 403
    assert selectors.attachments_of(selectors.PROGRESS_OWNER, [note.pk])
    client_for(office).post(url("rectification_detail", town, rect.pk), take_off)
    assert not selectors.attachments_of(selectors.PROGRESS_OWNER, [note.pk])
    assert (
        AuditEntry.objects.filter(action="rectification.note_files").get().old["files"][0]["name"]
        == "进展.png"
    )
    Rectification.objects.filter(pk=rect.pk).update(status="completed")
    with pytest.raises(DomainError, match="closed"):
        services.progress_add(actor=office, rectification=rect, written_on=date(2026, 6, 2), text="补充")


def test_the_meeting_page_reads_photos_and_files_in_a_fixed_number_of_queries(
    client_for, office, town, meeting
):
    client = client_for(office)

    def count():
        client.get(url("meeting_detail", town, meeting.pk))
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url("meeting_detail", town, meeting.pk))
        assert response.status_code == 200
        return len(ctx.captured_queries), response.content.decode()

    _visit_with_photo(office, meeting)
    one, _page = count()
    for n in range(3):
        services.visit_add(
            actor=office, meeting=meeting, kind="village", name=f"村{n}", note="", photos=[photo(), photo()]
        )
    many, page = count()
    assert many == one
    assert page.count('class="rounded border"') == 7


def test_the_record_counts_each_visits_photos_and_names_the_report_files(client_for, office, town, meeting):
    _visit_with_photo(office, meeting)
    services.visit_add(
        actor=office, meeting=meeting, kind="village", name="东村", note="", photos=[photo(), photo()]
    )
    head = testing.make_cadre(town, "赵主任", 300, is_middle_level=True)
    leader = testing.make_cadre(town, "钱镇长", 301, population=Population.LEADERSHIP)
    services.report_add(
        actor=office,
        meeting=meeting,
        cadre=head,
        text="",
        comment_by=leader,
        comment="点评正文",
        files=[SimpleUploadedFile("赵主任述职报告.pdf", samples.PDF)],
    )
    response = client_for(office).get(url("meeting_docx", town, meeting.pk))
    text = "\n".join(p.text for p in Document(BytesIO(response.content)).paragraphs)
    assert "（现场照片1张，存于系统。）" in text
    assert "（现场照片2张，存于系统。）" in text
    assert "述职报告附件：《赵主任述职报告.pdf》。" in text
    assert "钱镇长点评：点评正文" in text
