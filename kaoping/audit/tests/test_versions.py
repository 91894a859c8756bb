"""No lost update on any edit page: a save based on an older version is refused, says who changed
the record and when, and changes nothing (kaoping/audit/versions.py)."""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from kaoping.audit import versions
from kaoping.audit.models import AuditEntry
from kaoping.core.errors import DomainError
from kaoping.indicators import services as indicator_services
from kaoping.indicators.models import AdjustmentReason, Category, Indicator, IndicatorWeight, Scheme
from kaoping.people.models import Department, Village


def _posted(form, **changes) -> dict:
    """What the browser sends back for `form` as the page showed it, with `changes`."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = "on" if value is True else value
    data.update(changes)
    return data


def _scheme(town):
    from kaoping.indicators.tests.conftest import make_scheme

    return make_scheme(town)


# (name, who edits, the object, its edit address, the field changed, two values, how to read it back)
def _cases(town, personas):
    scheme = _scheme(town)
    category = Category.objects.filter(scheme=scheme).first()
    indicator = Indicator.objects.filter(scheme=scheme, code="2.2").first()
    reason = AdjustmentReason.objects.create(scheme=scheme, kind="bonus", name="表彰", standard="")
    cadre = personas["cadre"].cadre
    department = Department.objects.filter(town=town).first()
    village = Village.objects.filter(town=town).first()
    s = town.slug
    ind = "indicators:"
    return {
        "town": ("city_admin", town, reverse("people:town_edit", args=[town.pk]), "city", "青岛市", "烟台市"),
        "cadre": (
            "town_admin",
            cadre,
            reverse("people:cadre_edit", args=[s, cadre.pk]),
            "position",
            "科长",
            "副科长",
        ),
        "department": (
            "town_admin",
            department,
            reverse("people:department_edit", args=[s, department.pk]),
            "name",
            "甲办",
            "乙办",
        ),
        "village": (
            "town_admin",
            village,
            reverse("people:village_edit", args=[s, village.pk]),
            "name",
            "甲村",
            "乙村",
        ),
        "scheme": (
            "assessment_office",
            scheme,
            reverse(ind + "scheme_edit", args=[s, scheme.pk]),
            "name",
            "甲",
            "乙",
        ),
        "category": (
            "assessment_office",
            category,
            reverse(ind + "category_edit", args=[s, scheme.pk, category.pk]),
            "name",
            "甲类",
            "乙类",
        ),
        "indicator": (
            "assessment_office",
            indicator,
            reverse(ind + "indicator_edit", args=[s, scheme.pk, indicator.pk]),
            "name",
            "甲项",
            "乙项",
        ),
        "reason": (
            "assessment_office",
            reason,
            reverse(ind + "reason_edit", args=[s, scheme.pk, reason.pk]),
            "name",
            "甲奖",
            "乙奖",
        ),
        "user": (
            "town_admin",
            personas["scorer"],
            reverse("accounts:user_edit", args=[s, personas["scorer"].pk]),
            "display_name",
            "甲",
            "乙",
        ),
    }


CASES = ["town", "cadre", "department", "village", "scheme", "category", "indicator", "reason", "user"]


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES)
def test_a_save_from_a_page_loaded_before_someone_elses_save_is_refused(client_for, personas, town, case):
    role, obj, url, field, theirs, mine = _cases(town, personas)[case]
    first, second = client_for(personas[role]), client_for(personas[role])
    my_form = first.get(url).context["form"]
    their_form = second.get(url).context["form"]
    mine_data = _posted(my_form, **{field: mine, "version": obj.version})
    theirs_data = _posted(their_form, **{field: theirs, "version": obj.version})
    response = second.post(url, theirs_data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    entries = AuditEntry.objects.count()

    response = first.post(url, mine_data)

    assert response.status_code == 200
    message = " ".join(response.context["form"].non_field_errors())
    assert personas[role].username in message and "nothing was saved" in message
    obj.refresh_from_db()
    assert getattr(obj, field) == theirs
    assert AuditEntry.objects.count() == entries
    # Reloaded, the page carries the new version and the save goes through.
    reloaded = first.get(url)
    assert reloaded.context["version"] == obj.version
    assert (
        first.post(
            url, _posted(reloaded.context["form"], **{field: mine, "version": obj.version})
        ).status_code
        == 302
    )
    obj.refresh_from_db()
    assert getattr(obj, field) == mine


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("sent", [None, "", "abc", "99999999999999999999", "-1"])
def test_a_save_without_a_version_it_was_based_on_changes_nothing(client_for, personas, town, case, sent):
    role, obj, url, field, _theirs, mine = _cases(town, personas)[case]
    client = client_for(personas[role])
    data = _posted(client.get(url).context["form"], **{field: mine})
    if sent is not None:
        data["version"] = sent
    response = client.post(url, data)
    assert response.status_code == 200
    before = getattr(obj, field)
    obj.refresh_from_db()
    assert getattr(obj, field) == before


@pytest.mark.django_db
def test_a_weights_save_from_a_page_loaded_before_another_weights_save_is_refused(client_for, personas, town):
    scheme = _scheme(town)
    office = personas["assessment_office"]
    first, second = client_for(office), client_for(office)
    url = reverse("indicators:weights_edit", args=[town.slug, scheme.pk]) + "?month=3"
    invest = Indicator.objects.get(scheme=scheme, code="2.1")
    field = f"weight_{invest.pk}"
    loaded = first.get(url)
    assert field in loaded.context["form"].fields
    mine = _posted(loaded.context["form"], **{field: "35", "version": loaded.context["version"]})
    theirs = _posted(second.get(url).context["form"], **{field: "40", "version": loaded.context["version"]})
    assert second.post(url, theirs).status_code == 302

    response = first.post(url, mine)

    assert response.status_code == 200
    assert office.username in " ".join(response.context["form"].non_field_errors())
    assert IndicatorWeight.objects.get(indicator=invest, effective_from=scheme.month(3)).weight == Decimal(40)


@pytest.mark.django_db
def test_a_status_move_raises_the_version_so_an_edit_page_opened_before_is_refused(personas, town):
    scheme = _scheme(town)
    office = personas["assessment_office"]
    loaded = scheme.version
    indicator_services.scheme_set_status(
        actor=office, scheme=Scheme.objects.get(pk=scheme.pk), status="published"
    )
    with pytest.raises(versions.Conflict):
        indicator_services.scheme_update(
            actor=office, scheme=scheme, values={"name": "新名"}, based_on=loaded
        )


@pytest.mark.django_db
def test_the_refusal_without_a_logged_change_says_someone(town):
    message = versions.conflict_message(town)
    assert "Someone else changed this" in message


@pytest.mark.django_db(transaction=True)
def test_of_two_saves_from_the_same_version_at_the_same_moment_exactly_one_goes_through(personas, town):
    """Two requests in two database connections, both based on version 1 (SQLite and PostgreSQL)."""
    office = personas["town_admin"]
    village = Village.objects.filter(town=town).first()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def save(name: str) -> None:
        from kaoping.people import services

        try:
            barrier.wait()
            services.unit_save(
                actor=office,
                town=town,
                unit=Village.objects.get(pk=village.pk),
                values={"name": name},
                based_on=1,
            )
            outcomes.append("saved")
        except DomainError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(n,)) for n in ("甲村", "乙村")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["refused", "saved"]
    village.refresh_from_db()
    assert village.version == 2
    assert AuditEntry.objects.filter(action="village.update").count() == 1
