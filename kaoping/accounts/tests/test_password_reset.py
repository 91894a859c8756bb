"""A reset gives a one-time link only its owner uses; the administrator never knows the password."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kaoping.audit.models import AuditEntry
from kaoping.testing import PASSWORD

NEW = "Mine#only7x"


def _reset(admin, town, user):
    response = admin.post(reverse("accounts:user_password", kwargs={"town": town.slug, "pk": user.pk}))
    assert response.status_code == 200
    link = re.search(r"/accounts/password/set/[^\s\"<]+", response.content.decode()).group(0)
    return response, link


def _set_password(link, password=NEW):
    client = Client()
    page = client.get(link, follow=True)
    assert page.status_code == 200
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else link
    return client, client.post(form_url, {"new_password1": password, "new_password2": password})


@pytest.mark.django_db
def test_a_reset_shows_a_one_time_link_once_and_the_old_password_stops_working(client_for, personas, town):
    admin, user = client_for(personas["town_admin"]), personas["scorer"]
    response, link = _reset(admin, town, user)
    assert "no-store" in response["Cache-Control"]
    user.refresh_from_db()
    assert not user.has_usable_password()
    old = Client().post("/accounts/login/", {"username": "scorer", "password": PASSWORD})
    assert old.status_code == 200 and "_auth_user_id" not in old.client.session
    entry = AuditEntry.objects.get(action="user.reset_password")
    assert entry.actor == personas["town_admin"] and link.split("/")[-2] not in str(entry.new)
    # The list page does not show the link again.
    listing = admin.get(reverse("accounts:user_list", kwargs={"town": town.slug})).content.decode()
    assert link not in listing


@pytest.mark.django_db
def test_the_owner_sets_their_own_password_with_the_link_once(client_for, personas, town):
    admin, user = client_for(personas["town_admin"]), personas["scorer"]
    _, link = _reset(admin, town, user)
    _, done = _set_password(link)
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW) and not user.must_change_password
    assert AuditEntry.objects.filter(action="user.change_password", actor=user).exists()
    # Used once: the link is dead now.
    assert Client().get(link, follow=True).context["validlink"] is False


@pytest.mark.django_db
def test_a_link_expires(client_for, personas, town):
    _, link = _reset(client_for(personas["town_admin"]), town, personas["scorer"])
    with time_machine.travel(timezone.now() + timedelta(days=4)):
        page = Client().get(link, follow=True)
    assert page.context["validlink"] is False


@pytest.mark.django_db
def test_a_second_reset_kills_the_first_link(client_for, personas, town):
    admin = client_for(personas["town_admin"])
    _, first = _reset(admin, town, personas["scorer"])
    _reset(admin, town, personas["scorer"])
    assert Client().get(first, follow=True).context["validlink"] is False


@pytest.mark.django_db
def test_the_owner_is_told_at_the_next_login_who_reset_the_password_and_when(client_for, personas, town):
    _, link = _reset(client_for(personas["town_admin"]), town, personas["scorer"])
    _set_password(link)
    client = Client()
    response = client.post(
        "/accounts/login/",
        {"username": "scorer", "password": NEW},
        follow=True,
        headers={"accept-language": "en"},
    )
    text = response.content.decode()
    assert "Your password was reset by town_admin on" in text
    assert timezone.localdate().isoformat() in text
    client.post(reverse("accounts:logout"))
    again = client.post("/accounts/login/", {"username": "scorer", "password": NEW}, follow=True)
    assert "Your password was reset" not in again.content.decode()
