"""A round's targets are the quarter's roster (anyone assessed in one of its months), not whoever is
in post on the day the round is prepared."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from kaoping import testing
from kaoping.core.errors import DomainError
from kaoping.people import services as people
from kaoping.people.models import Population

from ..selectors import cadres_for, quarter_roster
from .conftest import make_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(town, personas):
    """Agency cadres around 2026 Q2 (April to June): one in post throughout, one who left in March,
    one who left in April, one appointed in May."""
    office = personas["assessment_office"]
    stayed = testing.make_cadre(town, "常在", 11)
    left_before = testing.make_cadre(town, "三月离", 12)
    people.cadre_deactivate(actor=office, cadre=left_before, on=date(2026, 3, 15))
    left_during = testing.make_cadre(town, "四月离", 13)
    people.cadre_deactivate(actor=office, cadre=left_during, on=date(2026, 4, 20))
    joined = testing.make_cadre(town, "五月到", 14, in_post_from=date(2026, 5, 10))
    return {"stayed": stayed, "left_before": left_before, "left_during": left_during, "joined": joined}


def names(cadres):
    return {c.name for c in cadres}


def test_the_quarter_takes_whoever_is_assessed_in_any_of_its_months(town, staff):
    chosen = cadres_for(town, year=2026, quarter=2, groups=["agency"], cadre_ids=[])
    assert {"常在", "四月离", "五月到"} <= names(chosen)
    assert "三月离" not in names(chosen)
    # The quarter before: the one who left in March is in, the one appointed in May is not.
    earlier = cadres_for(town, year=2026, quarter=1, groups=["agency"], cadre_ids=[])
    assert "三月离" in names(earlier) and "五月到" not in names(earlier)


def test_a_cadre_is_grouped_by_their_posting_in_the_quarter(town, staff):
    # The one appointed in May is an established agency cadre: not a leadership member.
    assert "五月到" not in names(cadres_for(town, year=2026, quarter=2, groups=["leadership"], cadre_ids=[]))
    roster = quarter_roster(town, 2026, 2)
    assert roster[staff["joined"].pk].population == Population.AGENCY


def test_a_round_refuses_a_cadre_who_is_not_on_the_quarters_roster(town, staff):
    with pytest.raises(DomainError, match="Not assessed in 2026 Q2.*三月离"):
        make_round(town, [staff["stayed"], staff["left_before"]], quarter=2)
    rnd = make_round(town, [staff["stayed"], staff["left_during"], staff["joined"]], quarter=2)
    assert names(t.cadre for t in rnd.targets.all()) == {"常在", "四月离", "五月到"}


def test_the_round_form_prepares_the_quarters_roster_and_says_the_rule(client_for, personas, town, staff):
    client = client_for(personas["assessment_office"])
    with translation.override("en"):
        page = client.get(
            reverse("evaluation:round_create", args=[town.slug]), HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
    assert "everyone assessed in any of its three months" in page
    data = {
        "year": 2026,
        "quarter": 2,
        "title": "",
        "held_on": "2026-06-28",
        "groups": ["agency:established"],
        "scale_excellent": 95,
        "scale_competent": 85,
        "scale_basic": 75,
        "scale_incompetent": 65,
        "key_holders": 3,
        "key_threshold": 2,
    }
    for kind in ("leadership", "middle_level", "established", "non_established"):
        data[f"weight_{kind}"] = 25
        data[f"codes_{kind}"] = 1
    refused = client.post(
        reverse("evaluation:round_create", args=[town.slug]), {**data, "cadres": [staff["left_before"].pk]}
    )
    assert refused.status_code == 200 and "三月离" in refused.content.decode()
    assert not town.evaluation_rounds.exists()
    response = client.post(reverse("evaluation:round_create", args=[town.slug]), data)
    assert response.status_code == 302
    targets = names(t.cadre for t in town.evaluation_rounds.get().targets.all())
    assert {"常在", "四月离", "五月到"} <= targets and "三月离" not in targets
