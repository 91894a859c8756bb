"""The load test's machinery, fast: what its simulated browsers read in the real pages, and its
"no lost write" checks against the database. The figures come from running it (`make loadtest`)."""

import re
from datetime import date

import pytest
from django.urls import reverse

from kaoping import testing
from kaoping.accounts.models import Role
from kaoping.evaluation.management.commands import benchballots
from kaoping.people.models import Town
from kaoping.scoring import services as scoring
from kaoping.scoring.tests.conftest import make_scheme
from kaoping.site import loadtest_pages as pages
from kaoping.site.management.commands.loadtest import LOCUSTFILE, Command


@pytest.fixture
def grid(town, personas, client_for):
    """An open month's grid of three cadres, its scorer's client, and the addresses of the grid."""
    scheme = make_scheme(town)
    cadres = [testing.make_cadre(town, name, n) for n, name in enumerate(["张伟", "李娜", "赵强"], start=1)]
    period = scoring.period_open(actor=personas["assessment_office"], town=town, month=date(2026, 3, 1))
    sheet = period.sheets.get(scheme=scheme)
    manual = scheme.indicators.get(code="1.1")
    return {
        "sheet": sheet,
        "cadres": cadres,
        "manual": manual,
        "client": client_for(personas["scorer"]),
        "page": reverse("scoring:sheet_grid", args=[town.slug, "2026-03", sheet.pk]),
        "save": reverse("scoring:sheet_save", args=[town.slug, "2026-03", sheet.pk]),
    }


def _save(grid, text: str, value: str, version: int):
    cadre, manual = grid["cadres"][0], grid["manual"]
    return grid["client"].post(
        grid["save"],
        {
            "csrfmiddlewaretoken": pages.token(text),
            "revision": pages.grid_revision(text),
            f"v-{cadre.pk}-{manual.pk}": value,
            f"r-{cadre.pk}-{manual.pk}": str(version),
        },
    )


@pytest.mark.django_db
def test_the_scorers_read_cells_and_versions_in_the_grid_and_tell_a_conflict_from_a_save(grid):
    text = grid["client"].get(grid["page"]).content.decode()
    cells = pages.grid_cells(text)
    key = (str(grid["cadres"][0].pk), str(grid["manual"].pk))
    assert len(cells) == 4 * 5 and cells[key] == 0  # every cell (the cadre persona too), empty: version 0
    assert pages.grid_revision(text).isdigit()

    saved = _save(grid, text, "7.5", cells[key])
    assert saved.status_code == 302  # saved: the grid again, by a redirect
    stale = _save(grid, text, "3", cells[key])  # another scorer, from the same loaded grid
    assert pages.save_refused_as_conflict(stale.status_code, stale.content.decode())
    assert not pages.save_refused_as_conflict(saved.status_code, "")
    fresh = grid["client"].get(grid["page"]).content.decode()
    assert pages.grid_cells(fresh)[key] == 1


@pytest.mark.django_db
def test_a_voter_reads_the_ballot_and_knows_it_was_accepted(town, client):
    cadres = [testing.make_cadre(town, name, n) for n, name in enumerate(["张伟", "李娜"], start=1)]
    rnd, tasks = benchballots.Command()._open_round(town, cadres, 4)
    page = client.get("/ballot/").content.decode()
    opened = client.post("/ballot/", {"csrfmiddlewaretoken": pages.token(page), "code": tasks[0].code})
    text = opened.content.decode()
    assert pages.ballot_opened(opened.status_code, text)
    assert pages.ballot_targets(text) == [str(c.pk) for c in cadres]
    form = {"csrfmiddlewaretoken": pages.token(text), "code": tasks[0].code, "action": "submit"}
    form |= {f"r-{c.pk}": "competent" for c in cadres}
    done = client.post("/ballot/", form)
    assert pages.ballot_accepted(done.status_code, done.content.decode())
    again = client.post("/ballot/", form)  # the code is used
    assert not pages.ballot_accepted(again.status_code, again.content.decode())

    plan = {"round": rnd.pk, "codes": [t.code for t in tasks]}
    ok, detail = Command()._ballots_counted(plan, [{"kind": "ballot", "code_index": 0, "at": 1.0}])
    assert ok, detail
    assert _vote_without_answer(client, tasks[1].code)  # the run ended before its answer came back
    lines = [{"kind": "ballot-sent", "code_index": i} for i in (0, 1)]
    ok, detail = Command()._ballots_counted(plan, [*lines, {"kind": "ballot", "code_index": 0, "at": 1.0}])
    assert ok, detail
    ok, detail = Command()._ballots_counted(plan, [lines[0], {"kind": "ballot", "code_index": 0, "at": 1.0}])
    assert not ok  # the round counts a ballot nobody sent
    # A ballot answered as accepted but missing from the round is a lost write.
    three = [{"kind": "ballot", "code_index": i, "at": 1.0} for i in (0, 1, 2)]
    ok, detail = Command()._ballots_counted(plan, three)
    assert not ok and "the round counts 2 ballots" in detail


def _vote_without_answer(client, code: str) -> bool:
    page = client.get("/ballot/").content.decode()
    text = client.post("/ballot/", {"csrfmiddlewaretoken": pages.token(page), "code": code}).content.decode()
    form = {"csrfmiddlewaretoken": pages.token(text), "code": code, "action": "submit"}
    form |= {f"r-{t}": "basic" for t in pages.ballot_targets(text)}
    done = client.post("/ballot/", form)
    return pages.ballot_accepted(done.status_code, done.content.decode())


@pytest.mark.django_db
def test_every_score_answered_as_saved_must_hold_its_value_or_a_later_saves(grid, personas):
    sheet, cadre, manual = grid["sheet"], grid["cadres"][0], grid["manual"]
    scoring.entries_save(
        actor=personas["scorer"], sheet=sheet, cells=[scoring.Cell(cadre.pk, manual.pk, "4", version=0)]
    )
    scoring.entries_save(
        actor=personas["scorer"], sheet=sheet, cells=[scoring.Cell(cadre.pk, manual.pk, "6", version=1)]
    )

    def save(value: str, base: int, kind: str = "save", n: int = 1) -> dict:
        cell = {"cadre": cadre.pk, "indicator": manual.pk, "value": value, "base": base}
        return {"kind": kind, "id": n, "sheet": sheet.pk, "cells": [cell]}

    ok, detail = Command()._scores_kept([save("6", 1), save("4", 0, n=2), save("9", 0, "conflict", n=3)])
    assert ok and "1 refused as conflicts" in detail, detail
    ok, detail = Command()._scores_kept([save("4", 0)])  # the last save the database shows is 4: lost
    assert not ok and "1 not in the database" in detail
    ok, detail = Command()._scores_kept([save("6", 1), save("5", 1)])  # two answered saves of one base
    assert not ok and "1 overwritten unseen" in detail
    # The save of 6 was sent as the run ended, never answered: the database may hold it.
    ok, detail = Command()._scores_kept([save("4", 0), save("6", 1, "save-sent", n=2)])
    assert ok, detail
    ok, detail = Command()._scores_kept(
        [save("4", 0), save("6", 0, "save-sent", n=2), save("6", 0, "conflict", n=2)]
    )
    assert not ok  # that one was answered (refused): it cannot explain the 6
    assert Role.SCORER in {r.role for r in personas["scorer"].roles.all()}


LOCUSTFILE_PLAN_KEY = re.compile(r'PLAN\["(\w+)"\]')


@pytest.mark.django_db
def test_the_scene_gives_every_simulated_user_what_it_asks_for_and_every_page_answers(client):
    """A tiny town set as the load test sets it: every key the locustfile reads is in the plan, and
    every address in the plan answers 200 to the session made for it."""
    from django.conf import settings

    from kaoping.site.management.commands import bench

    bench.Command()._build(bench.Size(1, 20, 3, 10))
    command = Command()
    opts = {
        "scorer_users": 3,
        "voter_users": 2,
        "codes": 6,
        "think": [5, 15],
        "office_delay": None,
        "run_time": 30,
    }
    plan = command._scene(Town.objects.get(), opts)
    source = LOCUSTFILE.read_text()
    assert set(LOCUSTFILE_PLAN_KEY.findall(source)) <= set(plan)
    assert len(plan["cadres"]) == 20 and len(plan["codes"]) == 6 and plan["office"]["delay"] == 10

    def answers(path: str, session: str) -> int:
        client.cookies[settings.SESSION_COOKIE_NAME] = session
        response = client.get(path)
        answers.text = response.content.decode()  # type: ignore[attr-defined]
        return response.status_code

    for cadre in plan["cadres"][:: len(plan["cadres"]) // 4]:
        for path in (plan["town_home"], cadre["breakdown"], cadre["ranking"], plan["bulletins"]):
            assert answers(path, cadre["session"]) == 200, path
    for scorer in plan["scorers"]:
        assert answers(scorer["sheets"][0]["grid"], scorer["session"]) == 200
        cells = pages.grid_cells(answers.text)  # type: ignore[attr-defined]
        assert {(str(c), str(i)) for c, i, _max in scorer["sheets"][0]["cells"]} <= set(cells)
    office = plan["office"]
    assert answers(office["month"], office["session"]) == 200
    assert answers(office["confirm"], office["session"]) == 200
