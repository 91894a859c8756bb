import pytest
from django.urls import reverse

from kaoping.accounts.models import RoleAssignment, User
from kaoping.audit.models import AuditEntry


@pytest.fixture
def admin(client_for, personas):
    return client_for(personas["town_admin"])


def _new_user(**overrides):
    data = {
        "username": "zhangsan",
        "display_name": "张三",
        "roles": ["supervision_office"],
        "group_population": "",
        "is_active": "on",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_a_new_account_gets_a_one_time_link_and_no_password_the_admin_knows(admin, town):
    response = admin.post(reverse("accounts:user_create", kwargs={"town": town.slug}), _new_user())
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]  # the link is shown once
    user = User.objects.get(username="zhangsan")
    assert not user.has_usable_password()
    assert list(user.roles.values_list("role", "town")) == [("supervision_office", town.pk)]
    entry = AuditEntry.objects.get(action="user.create")
    assert entry.new["roles"] == ["supervision_office"] and entry.new["one_time_link"] is True
    link = response.context["link"]
    assert "/accounts/password/set/" in link
    # The owner sets their own password with it, once.
    from django.test import Client

    owner = Client()
    form_page = owner.get(link, follow=True)
    assert form_page.context["validlink"]
    owner.post(
        form_page.redirect_chain[-1][0], {"new_password1": "Own#pass12", "new_password2": "Own#pass12"}
    )
    user.refresh_from_db()
    assert user.check_password("Own#pass12") and not user.must_change_password
    assert not Client().get(link, follow=True).context["validlink"]


@pytest.mark.django_db
def test_the_new_account_form_has_no_password_field(admin, town):
    page = admin.get(reverse("accounts:user_create", kwargs={"town": town.slug})).content.decode()
    assert 'type="password"' not in page


@pytest.mark.django_db
def test_a_scorer_needs_a_population(admin, town):
    response = admin.post(
        reverse("accounts:user_create", kwargs={"town": town.slug}), _new_user(roles=["scorer"])
    )
    assert response.status_code == 200
    assert "group_population" in response.context["form"].errors
    assert not User.objects.filter(username="zhangsan").exists()


@pytest.mark.django_db
def test_the_admins_own_account_shows_no_role_to_tick_and_keeps_its_roles(admin, town, personas):
    me = personas["town_admin"]
    url = reverse("accounts:user_edit", kwargs={"town": town.slug, "pk": me.pk})
    page = admin.get(url).content.decode()
    assert 'name="roles"' not in page and 'name="group_population"' not in page
    response = admin.post(
        url,
        {
            "username": me.username,
            "display_name": "管理员",
            "is_active": "on",
            "roles": ["auditor"],
            "version": me.version,
        },
    )
    assert response.status_code == 302
    me.refresh_from_db()
    assert me.display_name == "管理员"
    assert list(me.roles.values_list("role", flat=True)) == ["town_admin"]


@pytest.mark.django_db
def test_another_accounts_form_shows_the_roles(admin, town, personas):
    url = reverse("accounts:user_edit", kwargs={"town": town.slug, "pk": personas["scorer"].pk})
    assert 'name="roles"' in admin.get(url).content.decode()


@pytest.mark.django_db
def test_an_edit_based_on_an_older_version_is_refused_naming_who_changed_it(
    admin, town, personas, client_for
):
    user = personas["scorer"]
    url = reverse("accounts:user_edit", kwargs={"town": town.slug, "pk": user.pk})
    loaded = admin.get(url).context["version"]
    data = {"username": user.username, "roles": ["scorer"], "group_population": "agency", "is_active": "on"}
    city = client_for(personas["city_admin"])
    assert city.post(url, data | {"display_name": "城市改的", "version": loaded}).status_code == 302
    response = admin.post(url, data | {"display_name": "镇里改的", "version": loaded})
    assert response.status_code == 200
    message = " ".join(response.context["form"].non_field_errors())
    assert "city_admin" in message
    user.refresh_from_db()
    assert user.display_name == "城市改的"
    assert AuditEntry.objects.filter(action="user.update").count() == 1


@pytest.mark.django_db
def test_the_admin_cannot_give_the_city_administrator_role(admin, town):
    response = admin.post(
        reverse("accounts:user_create", kwargs={"town": town.slug}), _new_user(roles=["city_admin"])
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="zhangsan").exists()


@pytest.mark.django_db
def test_editing_roles_touches_this_town_only_and_is_audited(admin, town, other_town, personas):
    user = personas["scorer"]
    RoleAssignment.objects.create(user=user, role="main_leader", town=other_town)
    response = admin.post(
        reverse("accounts:user_edit", kwargs={"town": town.slug, "pk": user.pk}),
        {
            "username": user.username,
            "display_name": "评分员",
            "roles": ["group_leader"],
            "group_population": "village",
            "is_active": "on",
            "version": user.version,
        },
    )
    assert response.status_code == 302
    assert set(user.roles.values_list("role", "town", "population")) == {
        ("group_leader", town.pk, "village"),
        ("main_leader", other_town.pk, ""),
    }
    entry = AuditEntry.objects.get(action="user.update")
    assert entry.old["roles"] == ["scorer:agency"] and entry.new["roles"] == ["group_leader:village"]


@pytest.mark.django_db
def test_an_account_of_another_town_cannot_be_edited(admin, town, personas):
    stranger = personas["other_town_admin"]
    url = reverse("accounts:user_edit", kwargs={"town": town.slug, "pk": stranger.pk})
    assert admin.get(url).status_code == 404


@pytest.mark.django_db
def test_a_cadre_can_be_linked_to_one_account_only(admin, town, personas):
    cadre = personas["cadre"].cadre
    response = admin.post(
        reverse("accounts:user_create", kwargs={"town": town.slug}), _new_user(cadre=cadre.pk)
    )
    assert response.status_code == 200
    assert "cadre" in response.context["form"].errors


def _lock(username, address="198.51.100.7"):
    from django.test import Client

    for _ in range(5):
        Client().post(
            "/accounts/login/", {"username": username, "password": "wrong-Pass1!"}, REMOTE_ADDR=address
        )


@pytest.mark.django_db
def test_unlocking_lifts_a_lockout_from_every_address_and_is_audited(admin, town, personas):
    user = personas["scorer"]
    _lock("scorer")
    _lock("scorer", address="198.51.100.8")
    assert user.is_locked()
    listing = admin.get(reverse("accounts:user_list", kwargs={"town": town.slug})).content.decode()
    assert reverse("accounts:user_unlock", kwargs={"town": town.slug, "pk": user.pk}) in listing
    admin.post(reverse("accounts:user_unlock", kwargs={"town": town.slug, "pk": user.pk}))
    assert not user.is_locked()
    entry = AuditEntry.objects.get(action="user.unlock")
    assert entry.actor == personas["town_admin"] and entry.object_id == str(user.pk)


@pytest.mark.django_db
def test_unlocking_an_account_that_is_not_locked_says_so_and_records_nothing(admin, town, personas):
    user = personas["scorer"]
    response = admin.post(
        reverse("accounts:user_unlock", kwargs={"town": town.slug, "pk": user.pk}), follow=True
    )
    assert "not locked" in response.content.decode() or "未被锁定" in response.content.decode()
    assert not AuditEntry.objects.filter(action="user.unlock").exists()


@pytest.mark.django_db
def test_the_user_list_shows_the_towns_accounts_only(admin, town, personas):
    usernames = {
        u.username
        for u in admin.get(reverse("accounts:user_list", kwargs={"town": town.slug})).context["users"]
    }
    assert "scorer" in usernames and "cadre" in usernames
    assert "other_admin" not in usernames
