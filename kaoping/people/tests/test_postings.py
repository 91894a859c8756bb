"""Postings (任职记录): appointment, transfer and leaving from a date, and the month's roster."""

import io
from datetime import date

import openpyxl
import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from kaoping import testing
from kaoping.audit.models import AuditEntry
from kaoping.core.errors import DomainError
from kaoping.people import importing, selectors, services
from kaoping.people.models import AgencyCategory, Cadre, Population, Posting
from kaoping.people.services import CadreData


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def actor(personas):
    return personas["assessment_office"]


def _data(cadre: Cadre, **changes) -> CadreData:
    values = {f: getattr(cadre, f) for f in services.CADRE_FIELDS}
    values.update(changes)
    return CadreData(**values)


def _spans(cadre: Cadre) -> list[tuple]:
    return list(
        Posting.objects.filter(cadre=cadre)
        .order_by("starts_on")
        .values_list("starts_on", "ends_on", "agency_category")
    )


@pytest.mark.django_db
@time_machine.travel("2026-11-18 10:00 +0800")
def test_a_new_cadre_is_in_post_from_the_first_of_this_month_unless_told(town, actor):
    department = town.departments.first()
    data = CadreData(
        name="新干部",
        id_number=testing.id_number(500),
        population=Population.AGENCY,
        position="科员",
        agency_category=AgencyCategory.ESTABLISHED,
        department=department,
    )
    cadre = services.cadre_create(actor=actor, town=town, data=data)
    assert _spans(cadre) == [(date(2026, 11, 1), None, AgencyCategory.ESTABLISHED)]
    data.id_number = testing.id_number(501)
    later = services.cadre_create(actor=actor, town=town, data=data, in_post_from=date(2026, 12, 7))
    assert _spans(later) == [(date(2026, 12, 7), None, AgencyCategory.ESTABLISHED)]
    assert (
        AuditEntry.objects.filter(action="cadre.create").order_by("pk").last().new["in_post_from"]
        == "2026-12-07"
    )


@pytest.mark.django_db
def test_a_transfer_closes_the_posting_the_day_before_and_opens_the_next(town, actor):
    cadre = testing.make_cadre(town, "张伟", 1)
    services.cadre_update(
        actor=actor,
        cadre=cadre,
        data=_data(cadre, agency_category=AgencyCategory.NON_ESTABLISHED),
        effective_from=date(2026, 11, 1),
    )
    assert _spans(cadre) == [
        (date(2020, 1, 1), date(2026, 10, 31), AgencyCategory.ESTABLISHED),
        (date(2026, 11, 1), None, AgencyCategory.NON_ESTABLISHED),
    ]
    entry = AuditEntry.objects.get(action="cadre.update")
    assert entry.old == {"agency_category": "established", "posting": "2020-01-01–"}
    assert entry.new["agency_category"] == "non_established"
    assert entry.new["effective_from"] == "2026-11-01"
    assert entry.new["posting"] == "2026-11-01–"


@pytest.mark.django_db
def test_a_transfer_needs_a_date_not_before_the_current_posting(town, actor):
    cadre = testing.make_cadre(town, "张伟", 1, in_post_from=date(2026, 5, 1))
    change = _data(cadre, agency_category=AgencyCategory.NON_ESTABLISHED)
    with pytest.raises(DomainError, match="Say from which date"):
        services.cadre_update(actor=actor, cadre=cadre, data=change)
    with pytest.raises(DomainError, match="2026-05-01"):
        services.cadre_update(actor=actor, cadre=cadre, data=change, effective_from=date(2026, 4, 30))
    cadre.refresh_from_db()
    assert cadre.agency_category == AgencyCategory.ESTABLISHED
    assert _spans(cadre) == [(date(2026, 5, 1), None, AgencyCategory.ESTABLISHED)]
    assert not AuditEntry.objects.filter(action="cadre.update").exists()


@pytest.mark.django_db
def test_a_new_position_alone_corrects_the_current_posting(town, actor):
    cadre = testing.make_cadre(town, "张伟", 1)
    services.cadre_update(actor=actor, cadre=cadre, data=_data(cadre, position="副主任"))
    assert list(Posting.objects.filter(cadre=cadre).values_list("position", "ends_on")) == [("副主任", None)]


@pytest.mark.django_db
def test_leaving_ends_the_posting_on_the_day_and_coming_back_opens_a_new_one(town, actor):
    cadre = testing.make_cadre(town, "张伟", 1)
    services.cadre_deactivate(actor=actor, cadre=cadre, on=date(2026, 10, 20))
    cadre.refresh_from_db()
    assert (cadre.is_active, cadre.deactivated_on) == (False, date(2026, 10, 20))
    assert _spans(cadre) == [(date(2020, 1, 1), date(2026, 10, 20), "established")]
    assert AuditEntry.objects.get(action="cadre.deactivate").old["posting"] == "2020-01-01–"
    services.cadre_reactivate(actor=actor, cadre=cadre, on=date(2027, 1, 1))
    assert _spans(cadre)[-1] == (date(2027, 1, 1), None, "established")
    assert Cadre.objects.get(pk=cadre.pk).is_active


@pytest.mark.django_db
def test_a_posting_that_would_overlap_another_is_refused(town, actor):
    cadre = testing.make_cadre(town, "张伟", 1)
    services.cadre_update(
        actor=actor,
        cadre=cadre,
        data=_data(cadre, agency_category=AgencyCategory.NON_ESTABLISHED),
        effective_from=date(2026, 1, 1),
    )
    services.cadre_deactivate(actor=actor, cadre=cadre, on=date(2026, 3, 31))
    with pytest.raises(DomainError, match="already in post on 2025-06-01"):
        services.cadre_reactivate(actor=actor, cadre=cadre, on=date(2025, 6, 1))
    with pytest.raises(DomainError, match="cannot leave before"):
        other = testing.make_cadre(town, "李娜", 2, in_post_from=date(2026, 5, 1))
        services.cadre_deactivate(actor=actor, cadre=other, on=date(2026, 4, 1))
    assert len(_spans(cadre)) == 2


@pytest.mark.django_db
def test_the_database_refuses_two_open_postings_and_a_posting_ending_before_it_starts(town):
    cadre = testing.make_cadre(town, "张伟", 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Posting.opening(cadre, date(2026, 1, 1)).save()
    closed = Posting.opening(cadre, date(2019, 1, 1))
    closed.ends_on = date(2018, 12, 31)
    with pytest.raises(IntegrityError), transaction.atomic():
        closed.save()


@pytest.mark.django_db
def test_the_roster_takes_the_posting_in_force_on_the_first_day(town, actor, django_assert_num_queries):
    stays = Cadre.objects.get(name="王小明")  # the cadre persona, in post since 2020
    moves = testing.make_cadre(town, "李娜", 2)
    moves_mid = testing.make_cadre(town, "王强", 3)
    leaves = testing.make_cadre(town, "赵敏", 4)
    arrives = testing.make_cadre(town, "钱新", 5, in_post_from=date(2026, 11, 16))
    village = testing.make_cadre(town, "村干部", 6, population=Population.VILLAGE)
    testing.make_cadre(other_town := testing.make_town("other", "别镇"), "外镇", 7)
    to_non = AgencyCategory.NON_ESTABLISHED
    services.cadre_update(
        actor=actor, cadre=moves, data=_data(moves, agency_category=to_non), effective_from=date(2026, 11, 1)
    )
    services.cadre_update(
        actor=actor,
        cadre=moves_mid,
        data=_data(moves_mid, agency_category=to_non),
        effective_from=date(2026, 11, 15),
    )
    services.cadre_deactivate(actor=actor, cadre=leaves, on=date(2026, 11, 20))
    with django_assert_num_queries(1):
        november = selectors.roster(town, date(2026, 11, 1), Population.AGENCY)
    assert set(november) == {stays.pk, moves.pk, moves_mid.pk, leaves.pk, arrives.pk}
    assert november[moves.pk].agency_category == to_non  # from the 1st: this month
    assert november[moves_mid.pk].agency_category == AgencyCategory.ESTABLISHED  # mid-month: next month
    assert november[arrives.pk].starts_on == date(2026, 11, 16)  # appointed during the month: in it
    assert november[stays.pk].department_id == town.departments.first().pk
    december = selectors.roster(town, date(2026, 12, 31), Population.AGENCY)
    assert set(december) == {stays.pk, moves.pk, moves_mid.pk, arrives.pk}  # the leaver is gone
    assert december[moves_mid.pk].agency_category == to_non
    october = selectors.roster(town, date(2026, 10, 9))
    assert set(october) == {stays.pk, moves.pk, moves_mid.pk, leaves.pk, village.pk}
    assert {m.agency_category for pk, m in october.items() if pk != village.pk} == {"established"}
    assert october[village.pk].village_id == town.villages.first().pk
    assert other_town.pk not in {Cadre.objects.get(pk=pk).town_id for pk in october}


@pytest.mark.django_db
def test_the_roster_of_a_few_cadres_reads_only_theirs_as_the_whole_roster_has_them(
    town, actor, django_assert_num_queries
):
    stays = Cadre.objects.get(name="王小明")
    moves_mid = testing.make_cadre(town, "王强", 3)
    village = testing.make_cadre(town, "村干部", 6, population=Population.VILLAGE)
    services.cadre_update(
        actor=actor,
        cadre=moves_mid,
        data=_data(moves_mid, agency_category=AgencyCategory.NON_ESTABLISHED),
        effective_from=date(2026, 11, 15),
    )
    whole = selectors.roster(town, date(2026, 11, 1), Population.AGENCY)
    with django_assert_num_queries(1):
        few = selectors.roster(town, date(2026, 11, 1), Population.AGENCY, only={moves_mid.pk, village.pk})
    assert few == {moves_mid.pk: whole[moves_mid.pk]}  # the posting in force on the 1st; not the village's
    assert few[moves_mid.pk].agency_category == AgencyCategory.ESTABLISHED
    assert set(selectors.roster(town, date(2026, 11, 1), only={stays.pk, village.pk})) == {
        stays.pk,
        village.pk,
    }
    assert selectors.roster(town, date(2026, 11, 1), only=set()) == {}


@pytest.mark.django_db
def test_the_roster_reads_one_query_whatever_the_number_of_cadres(town, django_assert_num_queries):
    for serial in range(40):
        testing.make_cadre(town, f"干部{serial}", 100 + serial)
    with django_assert_num_queries(1):
        members = selectors.roster(town, date(2026, 3, 1), Population.AGENCY)
    assert len(members) == 40
    assert {m.population for m in members.values()} == {Population.AGENCY}


def _xlsx(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.append(["Name", "ID number", "Population", "Agency-cadre category", "Position", "Department"])
    worksheet.cell(row=1, column=7, value="In post from")
    for row in rows:
        worksheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.django_db
@time_machine.travel("2026-11-18 10:00 +0800")
def test_an_import_opens_each_cadres_first_posting_from_its_column_or_this_month(town, actor):
    rows = [
        [
            "甲",
            testing.id_number(600),
            "Agency cadre",
            "Established staff",
            "科员",
            "党政办公室",
            "2026-12-01",
        ],
        ["乙", testing.id_number(601), "Agency cadre", "Established staff", "科员", "党政办公室", None],
    ]
    with translation.override("en"):
        result = importing.cadre_import(actor=actor, town=town, file=_xlsx(rows))
    assert result.ok
    starts = dict(Posting.objects.filter(cadre__in=result.created).values_list("cadre__name", "starts_on"))
    assert starts == {"甲": date(2026, 12, 1), "乙": date(2026, 11, 1)}
    assert (
        AuditEntry.objects.filter(action="cadre.create").order_by("pk").first().new["in_post_from"]
        == "2026-12-01"
    )


@pytest.mark.django_db
def test_a_bad_in_post_from_date_imports_nothing(town, actor):
    rows = [["甲", testing.id_number(600), "Agency cadre", "Established staff", "科员", "党政办公室", "昨天"]]
    with translation.override("en"):
        result = importing.cadre_import(actor=actor, town=town, file=_xlsx(rows))
    assert not result.ok and [p.column for p in result.problems] == ["In post from"]
    assert not Posting.objects.filter(cadre__name="甲").exists()


@pytest.mark.django_db
def test_the_cadre_page_shows_the_posting_history(client_for, personas, town, actor):
    cadre = personas["cadre"].cadre
    services.cadre_update(
        actor=actor,
        cadre=cadre,
        data=_data(cadre, agency_category=AgencyCategory.COMMUNITY_INSTRUCTOR),
        effective_from=date(2026, 9, 1),
    )
    for user in (personas["assessment_office"], personas["cadre"]):
        response = client_for(user).get(reverse("people:cadre_detail", args=[town.slug, cadre.pk]))
        assert response.status_code == 200
        assert [(p.starts_on, p.ends_on) for p in response.context["postings"]] == [
            (date(2026, 9, 1), None),
            (date(2020, 1, 1), date(2026, 8, 31)),
        ]
        page = response.content.decode()
        assert "2026-08-31" in page and "社区指导员" in page


def _form(cadre, **changes) -> dict:
    values = {f: getattr(cadre, f) for f in services.CADRE_FIELDS}
    values.update(
        department=cadre.department_id, village=cadre.village_id or "", version=cadre.version, **changes
    )
    return {k: ("on" if v is True else "" if v in (False, None) else v) for k, v in values.items()}


@pytest.mark.django_db
def test_the_edit_form_asks_from_when_a_transfer_counts(client_for, personas, town):
    cadre = personas["cadre"].cadre
    office = client_for(personas["assessment_office"])
    url = reverse("people:cadre_edit", args=[town.slug, cadre.pk])
    response = office.post(url, _form(cadre, agency_category=AgencyCategory.NON_ESTABLISHED))
    assert response.status_code == 200
    assert "生效" in " ".join(response.context["form"].errors["effective_from"])  # the page is in Chinese
    assert _spans(cadre) == [(date(2020, 1, 1), None, AgencyCategory.ESTABLISHED)]
    form = _form(cadre, agency_category=AgencyCategory.NON_ESTABLISHED, effective_from="2026-11-01")
    assert office.post(url, form).status_code == 302
    assert _spans(cadre)[-1] == (date(2026, 11, 1), None, AgencyCategory.NON_ESTABLISHED)


@pytest.mark.django_db
def test_leaving_on_a_date_from_the_cadre_page(client_for, personas, town):
    cadre = personas["cadre"].cadre
    office = client_for(personas["assessment_office"])
    url = reverse("people:cadre_set_active", args=[town.slug, cadre.pk])
    assert office.post(url, {"active": "0", "on": "2026-13-45"}).status_code == 302
    assert Cadre.objects.get(pk=cadre.pk).is_active  # a date that is none changes nothing
    assert office.post(url, {"active": "0", "on": "2026-10-20", "reason": "退休"}).status_code == 302
    assert _spans(cadre) == [(date(2020, 1, 1), date(2026, 10, 20), "established")]


@pytest.mark.django_db
def test_the_migration_gives_existing_cadres_a_posting_from_their_first_scored_month(town, personas):
    import importlib

    from django.apps import apps

    from kaoping.scoring.models import Period, ScoreEntry, ScoreSheet

    migration = importlib.import_module("kaoping.people.migrations.0005_postings_for_existing_cadres")
    scheme = testing.make_scheme(town)
    scored, left, unscored = (testing.make_cadre(town, n, s) for n, s in (("甲", 1), ("乙", 2), ("丙", 3)))
    for month in (date(2025, 3, 1), date(2026, 2, 1)):
        sheet = ScoreSheet.objects.create(period=Period.objects.create(town=town, month=month), scheme=scheme)
        for cadre in (scored, left):
            ScoreEntry.objects.create(
                sheet=sheet,
                cadre=cadre,
                indicator=scheme.indicators.first(),
                value=1,
                updated_by=personas["scorer"],
            )
    Cadre.objects.filter(pk=left.pk).update(is_active=False, deactivated_on=date(2026, 2, 10))
    Posting.objects.all().delete()
    migration.add_postings(testing.AppsOfThatTime(apps), None)
    spans = dict(Posting.objects.values_list("cadre_id", "starts_on"))
    assert spans[scored.pk] == date(2025, 3, 1)
    assert Posting.objects.get(cadre=left).ends_on == date(2026, 2, 10)
    assert spans[unscored.pk] == Cadre.objects.get(pk=unscored.pk).created_at.date().replace(day=1)
    assert Posting.objects.get(cadre=scored).agency_category == AgencyCategory.ESTABLISHED


@pytest.mark.django_db
@time_machine.travel("2026-11-18 10:00 +0800")
def test_the_new_cadre_form_offers_the_first_of_this_month_and_keeps_the_date_given(
    client_for, personas, town
):
    office = client_for(personas["assessment_office"])
    page = office.get(reverse("people:cadre_create", args=[town.slug])).content.decode()
    assert 'name="effective_from" value="2026-11-01"' in page
    form = {
        "name": "新来的",
        "id_number": testing.id_number(700),
        "population": Population.VILLAGE,
        "position": "村委委员",
        "village": town.villages.first().pk,
        "effective_from": "2026-11-16",
    }
    assert office.post(reverse("people:cadre_create", args=[town.slug]), form).status_code == 302
    cadre = Cadre.objects.get(name="新来的")
    assert _spans(cadre) == [(date(2026, 11, 16), None, "")]
    assert selectors.roster(town, date(2026, 11, 1))[cadre.pk].village_id == town.villages.first().pk
