from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kaoping.accounts.models import User
from kaoping.audit.models import AuditEntry
from kaoping.audit.versions import Conflict
from kaoping.core.errors import DomainError
from kaoping.files.models import Attachment
from kaoping.files.tests import samples
from kaoping.people.models import Population, Posting
from kaoping.records import selectors, services
from kaoping.records.models import Entry, MonthRecord, RecordStatus
from kaoping.records.services import Answer

from .fixtures import MONTH, full_answers

pytestmark = pytest.mark.django_db


def save(area, cadre=None, *, answers=None, submit=False, today=date(2026, 5, 20), based_on=0, user=None):
    return services.record_save(
        actor=user or area["user_a"],
        town=area["lead_a"].town,
        cadre=cadre or area["agency"][0],
        month=MONTH,
        answers=answers if answers is not None else full_answers(),
        based_on=based_on,
        submit=submit,
        today=today,
    )


def test_a_leader_saves_a_draft_then_submits_in_time(area):
    draft = save(area, answers={"key_tasks": Answer(text="招商引资签约2个项目")})
    assert draft.status == RecordStatus.DRAFT and draft.entries.count() == 1
    record = save(area, submit=True, based_on=draft.version)
    assert record.status == RecordStatus.SUBMITTED and not record.is_late
    assert set(Entry.objects.filter(record=record).values_list("nothing_notable", flat=True)) == {True, False}
    actions = list(
        AuditEntry.objects.filter(object_type="records.monthrecord")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["records.save", "records.submit"]


def test_submitting_needs_every_heading_answered_nothing_notable_included(area):
    with pytest.raises(DomainError) as refused:
        save(area, answers={"key_tasks": Answer(text="完成")}, submit=True)
    assert len(refused.value.errors) == 4
    assert not MonthRecord.objects.exists()


def test_text_and_nothing_notable_together_are_refused(area):
    answers = full_answers()
    answers["post_duties"] = Answer(text="有内容", nothing_notable=True)
    with pytest.raises(DomainError, match="not both"):
        save(area, answers=answers)


def test_a_late_submission_is_accepted_and_marked_late(area):
    record = save(area, submit=True, today=date(2026, 5, 26))
    assert record.status == RecordStatus.SUBMITTED and record.is_late


def test_a_submitted_record_is_locked(area):
    record = save(area, submit=True)
    with pytest.raises(DomainError, match="locked"):
        save(area, based_on=record.version)


def test_a_leader_cannot_fill_a_cadre_outside_their_area(area):
    with pytest.raises(DomainError, match="not in your charge"):
        save(area, area["villager"])
    with pytest.raises(DomainError, match="not in your charge"):
        save(area, area["agency"][0], user=area["user_b"])


def test_the_office_returns_with_a_reason_and_the_leader_resubmits(area):
    record = save(area, submit=True)
    with pytest.raises(DomainError, match="why"):
        services.record_return(actor=area["office"], record=record, reason="  ", based_on=record.version)
    services.record_return(actor=area["office"], record=record, reason="内容过简", based_on=record.version)
    record.refresh_from_db()
    assert record.status == RecordStatus.RETURNED
    assert [r.pk for r in selectors.returned_records(area["user_a"], record.town)] == [record.pk]
    again = save(area, answers=full_answers("补充：完成防汛值守"), submit=True, based_on=record.version)
    assert again.status == RecordStatus.SUBMITTED


def test_a_stale_page_is_refused_and_writes_nothing(area):
    record = save(area)
    save(area, answers=full_answers("第二次"), based_on=record.version)
    with pytest.raises(Conflict):
        save(area, answers=full_answers("旧页面"), based_on=record.version)
    assert not Entry.objects.filter(text="旧页面").exists()


def test_an_archived_month_refuses_every_change(area):
    record = save(area, submit=True)
    services.month_archive(
        actor=area["office"], town=record.town, month=MONTH, meeting_on=date(2026, 6, 3), confirmed=True
    )
    with pytest.raises(DomainError, match="archived"):
        save(area, area["agency"][1])
    with pytest.raises(DomainError, match="archived"):
        services.record_return(actor=area["office"], record=record, reason="x", based_on=record.version)
    with pytest.raises(DomainError, match="archived"):
        services.decision_record(
            actor=area["office"], record=record, kind="noted", citation="", decided_on=date(2026, 6, 3)
        )


def test_archiving_needs_confirmation(area):
    with pytest.raises(DomainError, match="Confirm"):
        services.month_archive(
            actor=area["office"],
            town=area["lead_a"].town,
            month=MONTH,
            meeting_on=date(2026, 6, 3),
            confirmed=False,
        )


def test_an_exemplary_decision_needs_a_citation(area):
    record = save(area, submit=True)
    with pytest.raises(DomainError, match="citation"):
        services.decision_record(
            actor=area["office"], record=record, kind="exemplary", citation="", decided_on=date(2026, 6, 3)
        )
    services.decision_record(
        actor=area["office"],
        record=record,
        kind="exemplary",
        citation="连夜处置险情",
        decided_on=date(2026, 6, 3),
    )
    assert selectors.exemplary_count(record.town, 2026) == 1
    assert [d.citation for d in selectors.exemplary_for_cadre([record.cadre_id])[record.cadre_id]] == [
        "连夜处置险情"
    ]


def test_attachments_are_kept_with_their_entry_and_a_bad_file_stores_nothing(area, settings):
    answers = full_answers()
    answers["urgent_tasks"].uploads = [SimpleUploadedFile("照片.jpg", samples.JPEG)]
    record = save(area, answers=answers)
    [attachment] = Attachment.objects.all()
    assert attachment.owner_type == "records.entry"
    bad = full_answers("改过的")
    bad["key_tasks"] = Answer(text="附件", uploads=[SimpleUploadedFile("照片2.jpg", samples.EXE)])
    with pytest.raises(DomainError, match="照片2.jpg"):
        save(area, answers=bad, based_on=record.version)
    assert Attachment.objects.count() == 1
    assert len([p for p in Path(settings.KAOPING_FILES_DIR).rglob("*") if p.is_file()]) == 1
    assert not Entry.objects.filter(text="改过的").exists()


def test_who_is_in_the_area_follows_the_roster_of_the_month(area):
    cadre = area["agency"][1]
    # Moved to the village from 10 May: still the department's in May, the village's from June.
    Posting.objects.filter(cadre=cadre).update(ends_on=date(2026, 5, 9))
    Posting.objects.create(
        town=cadre.town,
        cadre=cadre,
        starts_on=date(2026, 5, 10),
        population=Population.VILLAGE,
        village=area["village"],
    )
    assert selectors.area_cadres(cadre.town, date(2026, 5, 1))[cadre.pk] == area["lead_a"].pk
    assert selectors.area_cadres(cadre.town, date(2026, 6, 1))[cadre.pk] == area["lead_b"].pk


def test_completeness_and_missing_records_per_leader(area):
    save(area, submit=True)  # 张一 in time
    save(area, area["agency"][1], submit=True, today=date(2026, 5, 28))  # 李二 late
    town = area["lead_a"].town
    by_leader = {c.leader.pk: c for c in selectors.completeness(town, MONTH)}
    a = by_leader[area["lead_a"].pk]
    assert (a.submitted, a.late, a.missing) == (1, 1, 1)  # 王小明 missing
    missing = {m.leader.pk: m for m in selectors.missing_records(town, MONTH)}
    assert [c.name for c in missing[area["lead_a"].pk].cadres] == ["王小明"]
    assert missing[area["lead_b"].pk].user_id == area["user_b"].pk
    to_fill = selectors.records_to_fill(area["user_b"], town, date(2026, 5, 20))
    assert [t.cadre.name for t in to_fill] == ["赵村"]


def test_an_area_moves_to_a_new_leader_from_a_date(area):
    town = area["lead_a"].town
    services.area_assign(
        actor=area["office"],
        town=town,
        leader=area["lead_b"],
        unit=area["department"],
        starts_on=date(2026, 7, 1),
    )
    assert selectors.area_cadres(town, date(2026, 6, 1))[area["agency"][0].pk] == area["lead_a"].pk
    assert selectors.area_cadres(town, date(2026, 7, 1))[area["agency"][0].pk] == area["lead_b"].pk


def test_the_demo_has_a_year_of_records_with_late_missing_returned_and_twelve_exemplary(db):
    """The demo's records, on the demo town itself (its people and accounts)."""
    from kaoping.people import demo as people_demo
    from kaoping.records.demo import load_demo_records

    counts, town_of = people_demo.load_people(plan=people_demo.build_plan())
    counts = load_demo_records(
        town_of["xiacun"], months=people_demo.RECORD_MONTHS, today=people_demo.DEMO_TODAY
    )
    assert counts["late"] > 0 and counts["missing"] > 0 and counts["returned"] == 3
    assert counts["exemplary"] == 12 and counts["archived_months"] == 10
    xiacun = town_of["xiacun"]
    assert selectors.exemplary_count(xiacun, 2025) + selectors.exemplary_count(xiacun, 2026) == 12
    with pytest.raises(DomainError, match="archived"):
        services.record_return(
            actor=User.objects.get(username="dangjian"),
            record=MonthRecord.objects.filter(town=xiacun, month=people_demo.RECORD_MONTHS[0]).first(),
            reason="x",
            based_on=1,
        )


def test_the_inbox_reads_what_a_leader_must_do_in_a_fixed_number_of_queries(area, django_assert_num_queries):
    town = area["lead_a"].town
    for cadre in area["agency"]:
        record = save(area, cadre, submit=True)
        services.record_return(actor=area["office"], record=record, reason="补充", based_on=record.version)
    user = User.objects.get(pk=area["user_a"].pk)
    with django_assert_num_queries(6):
        items = selectors.records_to_fill(user, town, date(2026, 6, 2))
    assert sorted((i.month.month, i.cadre.name, i.is_returned) for i in items) == [
        (5, "张一", True),
        (5, "李二", True),
        (6, "张一", False),
        (6, "李二", False),
        (6, "王小明", False),
    ]
