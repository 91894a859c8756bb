"""Editing and removing a site visit or a report (and its comment): the version the page was based on,
the audit's old and new values, the confirmation of a removal, and the closed record that refuses all."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kaoping import testing
from kaoping.audit.models import AuditEntry
from kaoping.audit.versions import Conflict
from kaoping.core.errors import DomainError
from kaoping.files.models import Attachment
from kaoping.files.tests import samples
from kaoping.people.models import Population
from kaoping.quarterly import selectors, services
from kaoping.quarterly.models import Report, SiteVisit

pytestmark = pytest.mark.django_db


def url(name, town, *args):
    return reverse(f"quarterly:{name}", args=[town.slug, *args])


def photo(name="现场.png"):
    return SimpleUploadedFile(name, samples.PNG)


@pytest.fixture
def visit(office, meeting):
    return services.visit_add(
        actor=office, meeting=meeting, kind="project", name="产业园", note="开工", photos=[photo("一.png")]
    )


@pytest.fixture
def report(town, office, meeting):
    head = testing.make_cadre(town, "赵主任", 300, is_middle_level=True)
    leader = testing.make_cadre(town, "钱镇长", 301, population=Population.LEADERSHIP)
    return services.report_add(
        actor=office, meeting=meeting, cadre=head, text="述职正文", comment_by=leader, comment="点评正文"
    )


def test_a_visit_edit_is_audited_with_old_and_new_photos_included(office, visit):
    [first] = selectors.attachments_of(selectors.VISIT_OWNER, [visit.pk])[visit.pk]
    services.visit_update(
        actor=office,
        visit=visit,
        kind="village",
        name="东村",
        note="人居环境",
        photos=[photo("二.png")],
        remove=[first.pk],
        based_on=1,
    )
    visit.refresh_from_db()
    assert (visit.kind, visit.name, visit.note, visit.version) == ("village", "东村", "人居环境", 2)
    entry = AuditEntry.objects.filter(action="site_visit.update").get()
    assert (entry.old["name"], entry.new["name"]) == ("产业园", "东村")
    assert [f["name"] for f in entry.old["photos"]] == ["一.png"]
    assert [f["name"] for f in entry.new["photos"]] == ["二.png"]
    first.refresh_from_db()
    assert first.owner_type == ""  # taken off, the file kept for the log


def test_a_stale_visit_edit_is_refused_and_changes_nothing(office, visit):
    services.visit_update(actor=office, visit=visit, kind="project", name="产业园二期", note="", based_on=1)
    stale = SiteVisit.objects.get(pk=visit.pk)
    stale.version = 1  # the page another clerk opened before the edit
    with pytest.raises(Conflict):
        services.visit_update(actor=office, visit=stale, kind="project", name="覆盖", note="", based_on=1)
    with pytest.raises(Conflict):
        services.visit_remove(actor=office, visit=stale, based_on=1, confirmed=True)
    assert SiteVisit.objects.get(pk=visit.pk).name == "产业园二期"


def test_a_report_edit_can_remove_the_comment_and_is_audited(office, report):
    services.report_update(
        actor=office,
        report=report,
        cadre=report.cadre,
        text="述职正文（修订）",
        comment_by=None,
        comment="",
        based_on=report.version,
    )
    report.refresh_from_db()
    assert (report.text, report.comment, report.comment_by_id) == ("述职正文（修订）", "", None)
    entry = AuditEntry.objects.filter(action="report.update").get()
    assert (entry.old["comment"], entry.new["comment"]) == ("点评正文", "")
    assert entry.old["comment_by"] is not None and entry.new["comment_by"] is None
    assert (entry.old["text"], entry.new["text"]) == ("述职正文", "述职正文（修订）")


def test_a_stale_report_edit_or_removal_is_refused_and_changes_nothing(office, report):
    edit = dict(cadre=report.cadre, comment_by=report.comment_by, comment="点评正文")
    services.report_update(actor=office, report=report, text="第二稿", based_on=1, **edit)
    stale = Report.objects.get(pk=report.pk)
    stale.version = 1  # the page another clerk opened before the edit
    with pytest.raises(Conflict):
        services.report_update(actor=office, report=stale, text="覆盖", based_on=1, **edit)
    with pytest.raises(Conflict):
        services.report_remove(actor=office, report=stale, based_on=1, confirmed=True)
    kept = Report.objects.get(pk=report.pk)
    assert (kept.text, kept.version) == ("第二稿", 2)
    assert AuditEntry.objects.filter(action="report.update").count() == 1
    assert not AuditEntry.objects.filter(action="report.delete").exists()


def test_a_report_removal_needs_the_confirmation_and_is_audited_with_its_files(office, report):
    services.report_update(
        actor=office,
        report=report,
        cadre=report.cadre,
        text="述职正文",
        comment_by=report.comment_by,
        comment="点评正文",
        files=[SimpleUploadedFile("述职.pdf", samples.PDF)],
        based_on=1,
    )
    with pytest.raises(DomainError, match="Confirm the removal"):
        services.report_remove(actor=office, report=report, based_on=2, confirmed=False)
    assert Report.objects.filter(pk=report.pk).exists()
    services.report_remove(actor=office, report=report, based_on=2, confirmed=True)
    assert not Report.objects.filter(pk=report.pk).exists()
    entry = AuditEntry.objects.filter(action="report.delete").get()
    assert entry.old["text"] == "述职正文" and entry.new is None
    assert [f["name"] for f in entry.old["files"]] == ["述职.pdf"]
    assert not Attachment.objects.filter(owner_type=selectors.REPORT_OWNER).exists()
    assert Attachment.objects.filter(original_name="述职.pdf").exists()  # kept, unattached, for the log


def test_a_report_cannot_lose_both_its_text_and_its_file(office, report):
    with pytest.raises(DomainError, match="Type the report or attach it"):
        services.report_update(
            actor=office, report=report, cadre=report.cadre, text=" ", comment_by=None, comment="", based_on=1
        )
    assert Report.objects.get(pk=report.pk).text == "述职正文"


def test_removing_needs_the_confirmation_and_is_audited_with_what_was_removed(
    client_for, office, town, meeting, visit
):
    client = client_for(office)
    edit = url("visit_edit", town, meeting.pk, visit.pk)
    page = client.get(edit).content.decode()
    assert "This cannot be undone." in page and "Remove this site visit" in page
    response = client.post(edit, {"kind": "remove", "version": "1"})
    assert "Confirm the removal" in response.content.decode()
    assert SiteVisit.objects.filter(pk=visit.pk).exists()
    response = client.post(edit, {"kind": "remove", "version": "1", "confirmed": "1"})
    assert response.status_code == 302
    assert not SiteVisit.objects.filter(pk=visit.pk).exists()
    entry = AuditEntry.objects.filter(action="site_visit.delete").get()
    assert entry.old["name"] == "产业园" and entry.new is None
    assert [f["name"] for f in entry.old["photos"]] == ["一.png"]
    assert not Attachment.objects.filter(owner_type=selectors.VISIT_OWNER).exists()


def test_the_edit_page_saves_with_its_version_and_refuses_a_stale_one(
    client_for, office, town, meeting, report
):
    client = client_for(office)
    edit = url("report_edit", town, meeting.pk, report.pk)
    data = {
        "cadre": report.cadre_id,
        "text": "新正文",
        "comment_by": report.comment_by_id,
        "comment": "新点评",
        "version": "1",
    }
    assert client.post(edit, data).status_code == 302
    response = client.post(edit, {**data, "text": "覆盖"})
    assert response.status_code == 200
    assert "after you opened the page: nothing was saved" in response.content.decode()
    assert Report.objects.get(pk=report.pk).text == "新正文"


def test_a_bad_report_file_on_the_edit_page_stores_nothing(client_for, office, town, meeting, report):
    client = client_for(office)
    response = client.post(
        url("report_edit", town, meeting.pk, report.pk),
        {
            "cadre": report.cadre_id,
            "text": "新正文",
            "version": "1",
            "files": [SimpleUploadedFile("述职.docx", samples.plain_zip())],
        },
    )
    assert "not one of the accepted kinds" in response.content.decode()
    report.refresh_from_db()
    assert report.text == "述职正文" and report.version == 1
    assert not Attachment.objects.exists()


def test_only_the_assessment_office_edits_and_removes(client_for, personas, town, meeting, visit, report):
    for who in ("main_leader", "cadre", "group_leader", "scorer"):
        client = client_for(personas[who])
        assert client.get(url("visit_edit", town, meeting.pk, visit.pk)).status_code == 403, who
        response = client.post(
            url("report_edit", town, meeting.pk, report.pk),
            {"kind": "remove", "version": "1", "confirmed": "1"},
        )
        assert response.status_code == 403, who
    assert Report.objects.filter(pk=report.pk).exists()


def test_a_closed_record_refuses_every_change_and_hides_the_edit_links(
    client_for, office, town, quarter, meeting, visit, report
):
    with pytest.raises(DomainError, match="Finalise the lagging list first"):
        services.meeting_close(actor=office, meeting=meeting, confirmed=True)
    services.list_compute(actor=office, meeting=meeting)
    services.list_finalise(actor=office, meeting=meeting, confirmed=True)
    client = client_for(office)
    client.post(url("meeting_close", town, meeting.pk))  # not confirmed: still open
    meeting.refresh_from_db()
    assert not meeting.is_closed
    page = client.get(url("meeting_detail", town, meeting.pk)).content.decode()
    assert "Edit or remove" in page and "Close the record" in page
    client.post(url("meeting_close", town, meeting.pk), {"confirmed": "1"})
    meeting.refresh_from_db()
    assert meeting.is_closed
    assert AuditEntry.objects.filter(action="meeting.close").get().new["closed"] is True
    page = client.get(url("meeting_detail", town, meeting.pk)).content.decode()
    assert "Edit or remove" not in page and "Add a site visit" not in page and "Record closed" in page
    closed = "record of this meeting is closed"
    with pytest.raises(DomainError, match=closed):
        services.visit_update(actor=office, visit=visit, kind="project", name="改", note="", based_on=1)
    with pytest.raises(DomainError, match=closed):
        services.visit_remove(actor=office, visit=visit, based_on=1, confirmed=True)
    with pytest.raises(DomainError, match=closed):
        services.report_remove(actor=office, report=report, based_on=1, confirmed=True)
    with pytest.raises(DomainError, match=closed):
        services.report_update(
            actor=office,
            report=report,
            cadre=report.cadre,
            text="改",
            comment_by=None,
            comment="",
            based_on=1,
        )
    with pytest.raises(DomainError, match=closed):
        services.visit_add(actor=office, meeting=meeting, kind="village", name="西村", note="")
    with pytest.raises(DomainError, match=closed):
        services.meeting_save(
            actor=office,
            town=town,
            meeting=meeting,
            values={"title": "改", "held_on": date(2026, 4, 11), "place": "改"},
            based_on=meeting.version,
        )
    response = client.post(
        url("visit_edit", town, meeting.pk, visit.pk), {"kind": "remove", "version": "1", "confirmed": "1"}
    )
    assert response.status_code == 200 and closed in response.content.decode()
    assert SiteVisit.objects.filter(pk=visit.pk).exists() and Report.objects.filter(pk=report.pk).exists()
