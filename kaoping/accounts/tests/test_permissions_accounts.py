"""Separation of duties (三员分立) in account administration: roles × actions, written out by hand.

Nobody grants roles to themselves or resets their own password through the administration pages;
the town administrator, the main leader and the auditor are granted (and their passwords reset) by
the city administrator only.
"""

import pytest
from django.urls import reverse

from kaoping.accounts.models import Role, RoleAssignment
from kaoping.audit.models import AuditEntry

R = Role
TOWN_ROLES = [r for r in Role if r not in Role.city_wide() | {R.CADRE}]
CITY_ONLY = {R.TOWN_ADMIN, R.MAIN_LEADER, R.AUDITOR}
# Who may grant each role to someone else.
GRANTS = {
    "town_admin": {r for r in TOWN_ROLES if r not in CITY_ONLY},
    "city_admin": set(TOWN_ROLES),
}
# Whose password each administrator may reset (by the role the account holds).
RESETS = {
    "town_admin": {r for r in Role if r not in CITY_ONLY | {R.CITY_ADMIN}},
    "city_admin": {r for r in Role if r != R.CITY_ADMIN},
}


def _edit(client, town, user, roles):
    population = "agency" if set(roles) & {"scorer", "group_leader"} else ""
    return client.post(
        reverse("accounts:user_edit", kwargs={"town": town.slug, "pk": user.pk}),
        {
            "username": user.username,
            "display_name": "",
            "roles": roles,
            "group_population": population,
            "is_active": "on",
            "version": user.version,
        },
    )


def _grant_cases():
    for actor, allowed in GRANTS.items():
        for role in TOWN_ROLES:
            yield pytest.param(actor, role, role in allowed, id=f"{actor}-grants-{role.value}")


@pytest.mark.django_db
@pytest.mark.parametrize(("actor", "role", "allowed"), list(_grant_cases()))
def test_each_administrator_grants_exactly_the_roles_it_may_to_someone_else(
    client_for, personas, town, actor, role, allowed
):
    target = personas["no_role"]
    RoleAssignment.objects.create(user=target, role=R.PARTY_BUILDING_OFFICE, town=town)
    roles = ["party_building_office", role.value] if role != R.PARTY_BUILDING_OFFICE else [role.value]
    response = _edit(client_for(personas[actor]), town, target, roles)
    held = set(target.roles.filter(town=town).values_list("role", flat=True))
    assert (role.value in held) == allowed
    assert response.status_code == (302 if allowed else 200)


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ["town_admin", "city_admin"])
@pytest.mark.parametrize("role", TOWN_ROLES, ids=[r.value for r in TOWN_ROLES])
def test_nobody_grants_a_role_to_themselves(client_for, personas, town, actor, role):
    me = personas[actor]
    before = set(me.roles.values_list("role", "town"))
    _edit(client_for(me), town, me, [*(["town_admin"] if actor == "town_admin" else []), role.value])
    assert set(me.roles.values_list("role", "town")) == before
    assert not AuditEntry.objects.filter(action="user.update").exists()


@pytest.mark.django_db
def test_the_town_administrator_cannot_take_a_role_from_the_main_leader(client_for, personas, town):
    leader = personas["main_leader"]
    _edit(client_for(personas["town_admin"]), town, leader, ["scorer"])
    assert list(leader.roles.values_list("role", flat=True)) == ["main_leader"]


def _reset_cases():
    for actor, allowed in RESETS.items():
        for role in Role:
            if role.value == actor:
                continue
            yield pytest.param(actor, role, role in allowed, id=f"{actor}-resets-{role.value}")


@pytest.mark.django_db
@pytest.mark.parametrize(("actor", "role", "allowed"), list(_reset_cases()))
def test_each_administrator_resets_exactly_the_passwords_it_may(
    client_for, personas, town, actor, role, allowed
):
    target = personas[role.value]
    url = reverse("accounts:user_password", kwargs={"town": town.slug, "pk": target.pk})
    response = client_for(personas[actor]).post(url)
    target.refresh_from_db()
    assert target.has_usable_password() == (not allowed)
    assert AuditEntry.objects.filter(action="user.reset_password").exists() == allowed
    if not allowed:
        assert response.status_code in (200, 403, 404)


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ["town_admin", "city_admin"])
def test_nobody_resets_their_own_password_through_administration(client_for, personas, town, actor):
    me = personas[actor]
    url = reverse("accounts:user_password", kwargs={"town": town.slug, "pk": me.pk})
    response = client_for(me).post(url, headers={"accept-language": "en"})
    if actor == "city_admin":  # holds no role in the town: not among the town's accounts at all
        assert response.status_code == 404
    else:
        assert "nobody resets their own" in response.content.decode()
    me.refresh_from_db()
    assert me.has_usable_password()
    assert not AuditEntry.objects.filter(action="user.reset_password").exists()
