"""The inbox page: one's own messages only, read, mark read, mark all read, the header's count."""

import pytest
from django.urls import reverse

from kaoping.inbox import services
from kaoping.inbox.models import Message


def _post(user, key, **extra):
    return services.notify(recipients=[user], kind="k", key=key, title=f"消息{key}", **extra)


@pytest.mark.django_db
def test_another_users_message_answers_not_found_and_stays_unread(client_for, personas):
    _post(personas["scorer"], "mine")
    theirs = Message.objects.get()
    client = client_for(personas["group_leader"])
    assert client.get(reverse("inbox:message_open", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("inbox:message_read", args=[theirs.pk])).status_code == 404
    client.post(reverse("inbox:read_all"))
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert "消息mine" not in client.get(reverse("inbox:message_list")).content.decode()


@pytest.mark.django_db
def test_the_list_shows_ones_messages_and_filters_the_unread(client_for, personas):
    scorer = personas["scorer"]
    _post(scorer, "a")
    _post(scorer, "b")
    services.mark_read(user=scorer, message=Message.objects.get(key="a"))
    client = client_for(scorer)
    page = client.get(reverse("inbox:message_list")).content.decode()
    assert "消息a" in page and "消息b" in page
    page = client.get(reverse("inbox:message_list") + "?unread=1").content.decode()
    assert "消息a" not in page and "消息b" in page


@pytest.mark.django_db
def test_opening_a_message_marks_it_read_and_offers_its_link(client_for, personas):
    _post(personas["scorer"], "a", link="/t/xiacun/months/")
    message = Message.objects.get()
    response = client_for(personas["scorer"]).get(reverse("inbox:message_open", args=[message.pk]))
    assert response.status_code == 200
    assert 'href="/t/xiacun/months/"' in response.content.decode()
    message.refresh_from_db()
    assert message.read_at is not None


@pytest.mark.django_db
def test_a_link_to_another_site_is_not_offered(client_for, personas):
    _post(personas["scorer"], "a", link="https://evil.example/")
    message = Message.objects.get()
    page = (
        client_for(personas["scorer"]).get(reverse("inbox:message_open", args=[message.pk])).content.decode()
    )
    assert "evil.example" not in page


@pytest.mark.django_db
def test_mark_read_and_mark_all_read(client_for, personas):
    scorer = personas["scorer"]
    for key in "abc":
        _post(scorer, key)
    client = client_for(scorer)
    client.post(reverse("inbox:message_read", args=[Message.objects.get(key="a").pk]))
    assert services.unread_count(scorer) == 2
    response = client.post(reverse("inbox:read_all"), {"next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == reverse("inbox:message_list")
    assert services.unread_count(scorer) == 0


@pytest.mark.django_db
def test_the_header_shows_the_unread_count_in_one_query(
    client_for, personas, town, django_assert_num_queries
):
    scorer = personas["scorer"]
    for key in "abc":
        _post(scorer, key)
    client = client_for(scorer)
    url = reverse("town_home", kwargs={"town": town.slug})
    client.get(url)
    page = client.get(url).content.decode()
    assert '<span class="badge rounded-pill text-bg-warning ms-1">3<' in page
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert sum("inbox_message" in q["sql"] for q in queries.captured_queries) == 1


@pytest.mark.django_db
def test_the_list_runs_a_fixed_number_of_queries(client_for, personas, django_assert_max_num_queries):
    scorer = personas["scorer"]
    client = client_for(scorer)
    _post(scorer, "first")
    client.get(reverse("inbox:message_list"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("inbox:message_list")).status_code == 200
    for n in range(20):
        _post(scorer, f"m{n}", town=personas["other_town_admin"].roles.get().town)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("inbox:message_list"))
    assert response.status_code == 200 and len(response.context["page"].object_list) == 21
    assert len(many.captured_queries) == len(one.captured_queries)


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get(reverse("inbox:message_list"))
    assert response.status_code == 302


@pytest.mark.django_db
def test_a_garbage_page_number_shows_the_first_page(client_for, personas):
    response = client_for(personas["scorer"]).get(reverse("inbox:message_list") + "?page=%C2%B2x")
    assert response.status_code == 200
