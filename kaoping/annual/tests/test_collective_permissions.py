"""Who may enter, remove and import the village collectives' scores, as a matrix of roles × steps: the
page refuses every role but the assessment office (403; 404 to a user without a role in the town)
before the service is reached, and nothing changes; the office's step happens."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import Workbook

from kaoping.accounts.models import Role
from kaoping.annual import collectives
from kaoping.annual.models import CollectiveScore

pytestmark = pytest.mark.django_db

R = Role
MAY = {R.ASSESSMENT_OFFICE}


def _workbook(village: str, score: int) -> BytesIO:
    book = Workbook()
    book.active.append(["Village", "Score", "Basis"])
    book.active.append([village, score, "细则"])
    upload = BytesIO()
    book.save(upload)
    upload.seek(0)
    upload.name = "scores.xlsx"
    return upload


def _enter(town, village, entry):
    url = reverse("annual:collectives", args=[town.slug, 2026])
    return url, {"village": village.pk, "score": "80", "version": entry.version}


def _remove(town, village, entry):
    url = reverse("annual:collective_remove", args=[town.slug, 2026, entry.pk])
    return url, {"version": entry.version}


def _import(town, village, entry):
    return reverse("annual:collectives_import", args=[town.slug, 2026]), {"file": _workbook(village.name, 80)}


# (step, the service the page calls, the request it posts)
STEPS = [
    ("enter", "score_save", _enter),
    ("remove", "score_remove", _remove),
    ("import", "score_import", _import),
]


@pytest.fixture
def entered(town, office):
    """东村 scored 90 by the office (version 1)."""
    village = town.villages.get()
    collectives.score_save(
        actor=office, town=town, year=2026, village=village, score="90", basis="", based_on=0
    )
    return CollectiveScore.objects.get(village=village)


@pytest.fixture
def reached(monkeypatch):
    """The names of the collectives services the page called (each still does its work)."""
    called = []
    for _step, name, _request in STEPS:
        service = getattr(collectives, name)

        def spy(*args, _name=name, _service=service, **kwargs):
            called.append(_name)
            return _service(*args, **kwargs)

        monkeypatch.setattr(collectives, name, spy)
    return called


def _cases():
    for step, service, request in STEPS:
        for persona in [*(r.value for r in Role), "other_town_admin", "no_role"]:
            yield pytest.param(service, request, persona, persona in MAY, id=f"{step}-{persona}")


@pytest.mark.parametrize(("service", "request_of", "persona", "allowed"), list(_cases()))
def test_each_role_enters_removes_and_imports_the_scores_exactly_if_allowed(
    client_for, personas, town, entered, reached, service, request_of, persona, allowed
):
    url, data = request_of(town, entered.village, entered)
    response = client_for(personas[persona]).post(url, data)
    after = list(CollectiveScore.objects.values_list("village", "score", "version"))
    if allowed:
        assert response.status_code == 302
        assert reached == [service]
        assert after != [(entered.village_id, Decimal("90.00"), 1)]
    else:
        assert response.status_code == (404 if persona in ("other_town_admin", "no_role") else 403)
        assert reached == []
        assert after == [(entered.village_id, Decimal("90.00"), 1)]
