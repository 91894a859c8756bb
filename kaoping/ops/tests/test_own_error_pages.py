"""403, 404, 500 and a refused CSRF token each get the application's own page, in the user's
language, with a way back (home, and back to the previous page of this site when there was one)."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _client(user=None, language="zh-hans", **extra):
    client = Client(raise_request_exception=False, **extra)
    client.cookies["django_language"] = language
    if user is not None:
        client.force_login(user)
    return client


def test_a_page_the_user_may_not_open_gets_the_own_403_page_in_chinese_with_a_way_back(personas, town):
    users = reverse("accounts:user_list", args=[town.slug])
    home = f"http://testserver/t/{town.slug}/"
    response = _client(personas["scorer"]).get(users, HTTP_REFERER=home)
    html = response.content.decode()
    assert response.status_code == 403
    assert "您无权打开此页面" in html and "返回上一页" in html
    assert f'href="{home}" id="error-back"' in html
    assert f'href="{reverse("home")}" id="error-home"' in html
    assert 'id="mainnav"' in html  # inside the usual page, navigation included


def test_the_403_page_says_why_in_the_words_of_the_permission_layer(personas, town, client_for):
    response = _client(personas["scorer"], language="en").get(reverse("accounts:user_list", args=[town.slug]))
    html = response.content.decode()
    assert "You are not allowed to open this page" in html
    assert "You are not allowed to do this." in html  # accounts.permissions.require's message


def test_back_never_leads_to_another_site(personas, town):
    response = _client(personas["scorer"]).get(
        reverse("accounts:user_list", args=[town.slug]), HTTP_REFERER="https://evil.example/x"
    )
    html = response.content.decode()
    assert "evil.example" not in html and 'id="error-back"' not in html and 'id="error-home"' in html


@pytest.mark.parametrize(
    ("language", "text"), [("zh-hans", "此页面不存在"), ("en", "This page does not exist")]
)
def test_an_unknown_address_gets_the_own_404_page_in_the_users_language(personas, language, text):
    response = _client(personas["cadre"], language=language).get("/no/such/page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert text in html and 'id="error-home"' in html


def test_another_towns_page_is_a_404_that_does_not_name_it(personas, other_town):
    response = _client(personas["cadre"]).get(reverse("town_home", args=[other_town.slug]))
    assert response.status_code == 404
    assert other_town.name not in response.content.decode()


def test_a_form_sent_without_a_valid_csrf_token_gets_the_own_page_and_nothing_is_saved(personas, town):
    client = _client(personas["town_admin"], enforce_csrf_checks=True)
    url = reverse("people:department_create", args=[town.slug])
    before = town.departments.count()
    response = client.post(url, {"name": "新办公室", "kind": "office", "sort_order": "1"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "表单未能提交" in html and "什么也没有保存" in html and 'id="error-home"' in html
    assert "CSRF" not in html.split("<main", 1)[1]  # no jargon
    assert town.departments.count() == before


def test_the_csrf_page_speaks_english_to_an_english_user():
    client = _client(language="en", enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "The form could not be sent" in response.content.decode()


def test_the_500_page_has_a_way_home(personas, town, monkeypatch):
    def fail(town):
        raise RuntimeError("boom")

    monkeypatch.setattr("kaoping.site.views.town_overview", fail)
    response = _client(personas["town_admin"]).get(reverse("town_home", args=[town.slug]))
    html = response.content.decode()
    assert response.status_code == 500
    assert "出错了" in html and "返回首页" in html
    assert 'href="/"' in html
