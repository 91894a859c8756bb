"""`kaoping migrate` upgrades a database made by the previous release (SQLite and PostgreSQL).

The previous release is main at commit 4d53f5d. Its newest migration of each app:

    accounts     0003_password_reset_notice
    people       0002_people_sort_order_range
    audit        0003_chain_keyed_with_a_key_outside_the_database
    indicators   0001_initial
    scoring      0004_score_versions_and_cadres_not_scored
    evaluation   0001_initial
    supervision  0003_edit_versions_and_bulletin_sender

Migrations added since: accounts 0004 (user versions), 0005 (city-wide auditor); people 0003 (edit
versions), 0004 (postings), 0005 (a posting for every existing cadre); indicators 0002 (edit
versions), 0003; scoring 0005, 0006 (corrections).

The test migrates a fresh test database back to that state, writes rows as that release did (with
the models of that state), migrates forward as `kaoping migrate` does, and checks the rows and the
new columns.
"""

import datetime as dt
from datetime import date

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

PREVIOUS_RELEASE = {
    "accounts": "0003_password_reset_notice",
    "people": "0002_people_sort_order_range",
    "audit": "0003_chain_keyed_with_a_key_outside_the_database",
    "indicators": "0001_initial",
    "scoring": "0004_score_versions_and_cadres_not_scored",
    "evaluation": "0001_initial",
    "supervision": "0003_edit_versions_and_bulletin_sender",
}


def later_apps() -> set[str]:
    """Our apps that came after that release (results, attachments, records, the inbox, quarterly
    meetings, objections, the annual evaluation, pay, …): not migrated at all then. Every app of
    the project not named in PREVIOUS_RELEASE, so that an app added later needs no edit here."""
    ours = {config.label for config in django_apps.get_app_configs() if config.name.startswith("kaoping.")}
    return ours - PREVIOUS_RELEASE.keys()


def previous_release_state(executor: MigrationExecutor) -> list[tuple[str, str]]:
    """The previous release's migration of each of our apps; Django's own apps stay at their newest."""
    later = later_apps()
    leaves = [
        node
        for node in executor.loader.graph.leaf_nodes()
        if node[0] not in PREVIOUS_RELEASE and node[0] not in later
    ]
    return leaves + list(PREVIOUS_RELEASE.items())


@pytest.mark.django_db(transaction=True)
def test_upgrade_from_the_previous_release_keeps_every_row_and_fills_the_new_columns():
    executor = MigrationExecutor(connection)
    old = previous_release_state(executor)
    executor.migrate(old)
    apps = MigrationExecutor(connection).loader.project_state(old).apps

    Town = apps.get_model("people", "Town")
    Department = apps.get_model("people", "Department")
    Village = apps.get_model("people", "Village")
    Cadre = apps.get_model("people", "Cadre")
    User = apps.get_model("accounts", "User")
    Scheme = apps.get_model("indicators", "Scheme")
    Period = apps.get_model("scoring", "Period")
    town = Town.objects.create(slug="xiacun", name="夏村镇", city="乳山市")
    office = Department.objects.create(town=town, name="党政办公室")
    village = Village.objects.create(town=town, name="东村")
    active = Cadre.objects.create(
        town=town, name="张伟", id_number="370000199001011234", population="agency",
        agency_category="established", department=office, position="科员", is_middle_level=True,
    )  # fmt: skip
    head = Cadre.objects.create(
        town=town, name="李娜", id_number="370000199001015678", population="village",
        village=village, position="村委主任", is_village_head=True,
    )  # fmt: skip
    left = Cadre.objects.create(
        town=town, name="赵强", id_number="37000019900101901X", population="agency",
        agency_category="non_established", department=office, position="科员",
        is_active=False, deactivated_on=date(2026, 2, 15),
    )  # fmt: skip
    Cadre.objects.filter(pk__in=[active.pk, left.pk]).update(
        created_at=dt.datetime(2025, 6, 10, tzinfo=dt.UTC)
    )
    user = User.objects.create(username="clerk", password="!", cadre_id=active.pk)
    scheme = Scheme.objects.create(town=town, year=2026, population="agency", name="2026 机关干部")
    Period.objects.create(town=town, month=date(2026, 1, 1))

    call_command("migrate", verbosity=0)  # what an operator runs after installing the new version

    from kaoping.accounts.models import User as NewUser
    from kaoping.indicators.models import Scheme as NewScheme
    from kaoping.people.models import Cadre as NewCadre
    from kaoping.people.models import Posting
    from kaoping.people.models import Town as NewTown

    assert NewTown.objects.get().version == 1
    cadres = {c.pk: c for c in NewCadre.objects.all()}
    assert sorted(c.name for c in cadres.values()) == ["张伟", "李娜", "赵强"]
    assert all(c.version == 1 for c in cadres.values())
    postings = {p.cadre_id: p for p in Posting.objects.all()}
    assert sorted(postings) == sorted(cadres)  # every cadre got one posting, and only one
    assert postings[active.pk].starts_on == date(2025, 6, 1)
    assert postings[active.pk].ends_on is None
    assert (postings[active.pk].department_id, postings[active.pk].is_middle_level) == (office.pk, True)
    assert (postings[head.pk].village_id, postings[head.pk].is_village_head) == (village.pk, True)
    assert (postings[left.pk].starts_on, postings[left.pk].ends_on) == (date(2025, 6, 1), date(2026, 2, 15))
    assert postings[left.pk].agency_category == "non_established"
    migrated_user = NewUser.objects.get()
    assert (migrated_user.pk, migrated_user.cadre_id, migrated_user.version) == (user.pk, active.pk, 1)
    migrated_scheme = NewScheme.objects.get()
    assert (migrated_scheme.pk, migrated_scheme.version) == (scheme.pk, 1)
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)  # the schema is the code's
