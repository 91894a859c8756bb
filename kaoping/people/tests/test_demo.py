"""The demo towns and `kaoping demo`: shaped like the article's town, valid, repeatable, resettable."""

import re
from collections import Counter
from io import StringIO

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.management import CommandError, call_command
from django.db import connection
from django.http import HttpRequest
from django.test import Client

from kaoping.accounts.models import Role, RoleAssignment, User
from kaoping.audit import triggers
from kaoping.audit.models import AuditEntry
from kaoping.audit.services import verify_chain
from kaoping.people import demo, idnumbers
from kaoping.people.models import AgencyCategory, Cadre, Department, Gender, Population, Town, Village


def run_demo(*args: str) -> str:
    """The demo command, without the year of scoring (tested in kaoping/scoring/tests/test_demo.py)."""
    out = StringIO()
    call_command("demo", *args, "--without-history", stdout=out)
    return out.getvalue()


@pytest.fixture
def loaded(db):
    run_demo()
    return Town.objects.get(slug="xiacun")


def test_xiacun_has_the_populations_the_article_describes(loaded):
    cadres = Cadre.objects.filter(town=loaded)
    assert 10 <= cadres.filter(population=Population.LEADERSHIP).count() <= 14
    assert 80 <= cadres.filter(population=Population.AGENCY).count() <= 100
    categories = Counter(
        cadres.filter(population=Population.AGENCY).values_list("agency_category", flat=True)
    )
    assert set(categories) == set(AgencyCategory.values)
    assert min(categories.values()) >= 10
    assert 10 <= Department.objects.filter(town=loaded).count() <= 14
    assert 19 <= Village.objects.filter(town=loaded).count() <= 23
    assert loaded.name == "夏村镇" and loaded.city == "乳山市"


def test_every_village_has_three_to_five_cadres_and_exactly_one_head(loaded):
    for village in Village.objects.filter(town__in=Town.objects.all()):
        cadres = list(village.cadres.all())
        assert 3 <= len(cadres) <= 5, village.name
        assert sum(c.is_village_head for c in cadres) == 1, village.name


def test_every_department_has_exactly_one_middle_level_cadre_among_its_established_staff(loaded):
    for department in Department.objects.all():
        heads = list(department.cadres.filter(is_middle_level=True))
        assert len(heads) == 1, department.name
        assert heads[0].agency_category == AgencyCategory.ESTABLISHED
        assert department.cadres.filter(agency_category=AgencyCategory.NON_ESTABLISHED).exists()


def test_community_instructors_are_born_in_the_late_1960s(loaded):
    instructors = Cadre.objects.filter(agency_category=AgencyCategory.COMMUNITY_INSTRUCTOR)
    assert instructors.exists()
    assert {idnumbers.birth_date(c.id_number).year for c in instructors} <= {1966, 1967, 1968, 1969}


def test_id_numbers_are_valid_unique_and_agree_with_gender(loaded):
    cadres = list(Cadre.objects.all())
    numbers = [c.id_number for c in cadres]
    assert len(numbers) == len(set(numbers))
    for cadre in cadres:
        assert idnumbers.is_valid(cadre.id_number), cadre.id_number
        assert cadre.id_number.startswith("371083")
        assert (int(cadre.id_number[16]) % 2 == 1) == (cadre.gender == Gender.MALE)


def test_names_are_unique_in_each_town_and_phones_are_mobile_numbers(loaded):
    for town in Town.objects.all():
        names = list(town.cadres.values_list("name", flat=True))
        assert len(names) == len(set(names)), town.name
        assert all(re.fullmatch(r"[\u4e00-\u9fff]{2,3}", name) for name in names)
    phones = list(Cadre.objects.values_list("phone", flat=True))
    assert len(phones) == len(set(phones))
    assert all(re.fullmatch(r"1[358]\d{9}", phone) for phone in phones)


def test_women_chair_the_village_womens_federation(loaded):
    chairs = Cadre.objects.filter(position__contains="妇联主席")
    assert chairs.exists()
    assert set(chairs.values_list("gender", flat=True)) == {Gender.FEMALE}


def test_every_role_has_a_demo_user_who_can_log_in_with_the_demo_password(loaded):
    for role in Role:
        if role == Role.CADRE:
            user = User.objects.filter(cadre__isnull=False, roles__isnull=True).first()
        else:
            user = User.objects.filter(roles__role=role).first()
        assert user is not None, role
        assert not user.must_change_password
        assert Client().login(request=HttpRequest(), username=user.username, password=demo.DEMO_PASSWORD), (
            user.username
        )


def test_the_demo_password_satisfies_the_password_policy(loaded):
    for user in User.objects.all():
        validate_password(demo.DEMO_PASSWORD, user)


def test_each_population_has_a_group_leader_and_a_scorer(loaded):
    for role in Role.for_population():
        populations = RoleAssignment.objects.filter(role=role, town=loaded).values_list(
            "population", flat=True
        )
        assert sorted(populations) == sorted(Population.values)


def test_the_main_leader_is_the_party_secretary_and_the_city_admin_holds_every_town(loaded):
    shuji = User.objects.get(roles__role=Role.MAIN_LEADER)
    assert shuji.cadre.position == "党委书记" and shuji.display_name == shuji.cadre.name
    assert RoleAssignment.objects.get(role=Role.CITY_ADMIN).town is None
    nanhuang_admin = User.objects.get(username="nanhuang-admin")
    assert nanhuang_admin.roles.get().town.slug == "nanhuang"


def test_the_accounts_table_matches_the_database(loaded):
    users = {u.username: u for u in User.objects.prefetch_related("roles__town")}
    assert set(users) == {a.username for a in demo.DEMO_ACCOUNTS}
    for account in demo.DEMO_ACCOUNTS:
        assignment = users[account.username].roles.first()
        if assignment is not None:
            assert str(assignment.get_role_display()) == str(account.role)
            assert (assignment.town.name if assignment.town else "all towns") == account.town


def test_loading_writes_one_audit_entry_with_the_counts(loaded):
    entry = AuditEntry.objects.get()
    assert entry.action == "demo.load" and entry.actor is None
    assert entry.new["cadres"] == Cadre.objects.count()
    assert entry.new["users"] == User.objects.count()


def test_the_command_prints_the_accounts_the_password_and_the_address(db):
    out = run_demo()
    for account in demo.DEMO_ACCOUNTS:
        assert account.username in out
    assert demo.DEMO_PASSWORD in out and demo.DEMO_URL in out


def test_if_empty_keeps_the_data_when_run_again(db):
    run_demo("--if-empty")
    cadre = Cadre.objects.first()
    cadre.position = "改过的职务"
    cadre.save()
    out = run_demo("--if-empty")
    assert "kept" in out and demo.DEMO_PASSWORD in out
    assert Town.objects.count() == 2
    assert Cadre.objects.count() == demo.build_plan().counts()["cadres"]
    assert Cadre.objects.get(pk=cadre.pk).position == "改过的职务"


def test_a_plain_demo_refuses_a_database_that_has_towns(loaded):
    with pytest.raises(CommandError, match="--reset"):
        run_demo()


def test_reset_wipes_everything_the_audit_log_included_and_loads_again(loaded):
    names = sorted(Cadre.objects.values_list("name", flat=True))
    Town.objects.create(name="其他镇", slug="other")
    User.objects.create_user("someone", password="Other#pass1")
    assert Client().login(request=HttpRequest(), username="admin", password=demo.DEMO_PASSWORD)  # audited
    assert AuditEntry.objects.count() == 2

    run_demo("--reset")

    assert not Town.objects.filter(slug="other").exists()
    assert not User.objects.filter(username="someone").exists()
    assert sorted(Cadre.objects.values_list("name", flat=True)) == names
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["demo.load"]
    assert verify_chain() == []
    assert triggers.missing(connection) == []


def test_dry_run_changes_nothing(db):
    out = run_demo("--dry-run")
    assert "夏村镇" in out and "Dry run" in out
    assert not Town.objects.exists() and not User.objects.exists()


def test_the_plan_is_the_same_every_time():
    first, second = demo.build_plan(), demo.build_plan()
    assert first.towns == second.towns
    assert demo.build_plan(seed=1).towns != first.towns


def test_the_plan_fits_the_issue_before_it_touches_a_database():
    xiacun = demo.build_plan().town("xiacun").counts()
    assert 10 <= xiacun["leadership"] <= 14
    assert 80 <= xiacun["agency"] <= 100
    assert 10 <= xiacun["departments"] <= 14
    assert 19 <= xiacun["villages"] <= 23
