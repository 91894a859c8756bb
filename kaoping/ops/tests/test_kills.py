"""A month's recompute, a month's publication and a round's closing, killed (SIGKILL, the whole process
group) in the middle of their work, leave the data as it was before: the month in its old status with
its old results, the round open with every ballot cast, and an audit chain that verifies. Run again,
each step completes into its whole new state.

Each step runs in a process of its own, held at a known point inside its one transaction (everything
written, nothing committed), and killed there; the tables are compared row by row with the database
driver (conftest.dump).
"""

import pytest
from django.core.management import call_command

from kaoping.accounts.models import User
from kaoping.evaluation import selectors as evaluation
from kaoping.evaluation import services as evaluation_services
from kaoping.evaluation.management.commands import benchballots
from kaoping.evaluation.models import Round, RoundStatus
from kaoping.results import results
from kaoping.results import services as period_services
from kaoping.results.models import MonthlyResult
from kaoping.scoring import services as scoring
from kaoping.scoring.models import Period, PeriodStatus, ScoreEntry, SheetStatus
from kaoping.site import loadtest_pages as pages

from .conftest import dump, populate, source_settings
from .test_faults import held, source_env

STEP = """
import sys, time, django
django.setup()
from django.utils import translation

def hold(*args, **kwargs):
    print("HELD", flush=True)
    time.sleep(300)

{patch}

from kaoping.accounts.models import User
office = User.objects.get(username="assessment_office")
with translation.override("en"):
    {step}
"""

# Inside period_recompute: the month's new results written (updated in place, inserted), not committed.
IN_RECOMPUTE = """
from kaoping.results import results
_write = results.write
def write(changes):
    _write(changes)
    hold()
results.write = write
"""
RECOMPUTE = "results.period_recompute(Period.objects.get(pk=int(sys.argv[1])))"

# Inside period_move to published: results recomputed, status and audit entry written, not committed.
IN_PUBLISH = """
from kaoping.audit import services as audit
_anchor = audit.anchor
def anchor(**kwargs):
    _anchor(**kwargs)
    hold()
audit.anchor = anchor
"""
PUBLISH = (
    "period_services.period_move(actor=office, period=Period.objects.get(pk=int(sys.argv[1])), "
    "to='published', confirmed=True)"
)

# Inside round_move to closed: ballots rewritten, drafts gone, the tally and the status written, before
# the quarter's months are told; nothing committed.
IN_ROUND_CLOSE = """
from kaoping.core import events
def inputs_changed(**kwargs):
    hold()
events.inputs_changed = inputs_changed
"""
ROUND_CLOSE = (
    "services.round_close(actor=office, round=Round.objects.get(pk=int(sys.argv[1])), "
    "shares=sys.argv[2:], confirmed=True)"
)

IMPORTS = {
    RECOMPUTE: "from kaoping.results import results\nfrom kaoping.scoring.models import Period",
    PUBLISH: (
        "from kaoping.results import services as period_services\nfrom kaoping.scoring.models import Period"
    ),
    ROUND_CLOSE: "from kaoping.evaluation import services\nfrom kaoping.evaluation.models import Round",
}


def killed(tmp_path, settings, patch: str, step: str, pk: int, *args: str) -> None:
    """Run `step` on object `pk` (and `args`) in a process of its own, held by `patch`, and SIGKILL it
    there."""
    script = STEP.format(patch=f"{patch}\n{IMPORTS[step]}", step=step)
    held([str(pk), *args], source_env(tmp_path, settings), "", script=script)


def _results(period: Period) -> list[tuple]:
    return sorted(
        MonthlyResult.objects.filter(period=period).values_list(
            "id", "cadre_id", "total", "rank", "breakdown"
        )
    )


def _closed_month() -> tuple[dict, Period]:
    """The populated town's March, scored, approved, computed and closed: ready to publish."""
    data = populate()
    personas, sheet = data["personas"], data["sheet"]
    scoring.sheet_move(actor=personas["scorer"], sheet=sheet, to=SheetStatus.SUBMITTED)
    scoring.sheet_move(actor=personas["group_leader"], sheet=sheet, to=SheetStatus.APPROVED)
    period = Period.objects.get(pk=sheet.period_id)
    results.period_recompute(period)
    period_services.period_move(
        actor=personas["assessment_office"], period=period, to=PeriodStatus.CLOSED, confirmed=True
    )
    return data, Period.objects.get(pk=period.pk)


@pytest.mark.django_db(transaction=True)
def test_a_recompute_killed_half_way_leaves_the_months_old_results_and_a_rerun_writes_the_new(
    tmp_path, settings
):
    data, period = _closed_month()
    old = _results(period)
    computed_at = period.computed_at
    # The month's inputs change under it (as an import or a correction would), so the recompute has
    # rows to update in place.
    ScoreEntry.objects.filter(sheet=data["sheet"], indicator__code="1.1", cadre__name="张伟").update(value=2)
    before = dump(source_settings())

    killed(tmp_path, settings, IN_RECOMPUTE, RECOMPUTE, period.pk)

    assert dump(source_settings()) == before  # the old state, whole: results, their bases, the month
    assert _results(period) == old
    call_command("verifyaudit")
    results.period_recompute(period)  # run again: the new state, whole
    new = _results(period)
    assert new != old and [r[0] for r in new] == [r[0] for r in old]  # the same rows, updated in place
    assert Period.objects.get(pk=period.pk).computed_at > computed_at


@pytest.mark.django_db(transaction=True)
def test_a_publication_killed_half_way_leaves_the_month_closed_and_a_rerun_publishes_it(tmp_path, settings):
    data, period = _closed_month()
    old = _results(period)
    before = dump(source_settings())

    killed(tmp_path, settings, IN_PUBLISH, PUBLISH, period.pk)

    assert dump(source_settings()) == before  # no status, result, anchor or audit entry of the publication
    period.refresh_from_db()
    assert (period.status, period.published_at, period.audit_anchor) == (PeriodStatus.CLOSED, None, "")
    assert _results(period) == old
    call_command("verifyaudit")

    period_services.period_move(
        actor=data["personas"]["assessment_office"], period=period, to=PeriodStatus.PUBLISHED, confirmed=True
    )
    period.refresh_from_db()
    assert period.status == PeriodStatus.PUBLISHED and period.audit_anchor
    assert _results(period) == old  # the inputs did not change: the published rows are the computed ones
    call_command("verifyaudit")  # the chain, and the publication's anchor


def _vote(client, code: str, *, submit: bool = True) -> bool:
    """One voter through the public ballot pages; True when the ballot was accepted (or saved)."""
    page = client.get("/ballot/").content.decode()
    opened = client.post("/ballot/", {"csrfmiddlewaretoken": pages.token(page), "code": code})
    text = opened.content.decode()
    assert pages.ballot_opened(opened.status_code, text)
    form = {"csrfmiddlewaretoken": pages.token(text), "code": code, "action": "submit" if submit else "save"}
    form |= {f"r-{t}": "competent" for t in pages.ballot_targets(text)}
    answer = client.post("/ballot/", form)
    return pages.ballot_accepted(answer.status_code, answer.content.decode())


@pytest.mark.django_db(transaction=True)
def test_a_round_closing_killed_half_way_leaves_it_open_with_every_ballot_and_a_rerun_closes_it(
    tmp_path, settings, client
):
    data = populate()
    cadres = list(data["town"].cadres.order_by("pk"))
    bench = benchballots.Command()
    rnd, tasks = bench._open_round(data["town"], cadres, 8)
    shares = bench._shares[: rnd.key_threshold]  # what the key holders type in to close it
    assert all(_vote(client, t.code) for t in tasks[:6])
    _vote(client, tasks[6].code, submit=False)  # a draft, saved and not submitted
    before = dump(source_settings())

    killed(tmp_path, settings, IN_ROUND_CLOSE, ROUND_CLOSE, rnd.pk, *shares)

    assert dump(source_settings()) == before  # ballots, draft, codes as they were; no tally
    rnd.refresh_from_db()
    assert rnd.status == RoundStatus.OPEN
    turnout = evaluation.turnout(rnd)
    assert sum(t.ballots for t in turnout) == sum(t.used for t in turnout) == 6
    assert evaluation.reconcile(rnd) == []
    assert not rnd.results.exists()
    call_command("verifyaudit")

    assert _vote(client, tasks[7].code)  # still open: the town can go on voting
    evaluation_services.round_close(
        actor=User.objects.get(username="assessment_office"),
        round=Round.objects.get(pk=rnd.pk),
        shares=shares,
        confirmed=True,
    )
    rnd.refresh_from_db()
    assert rnd.status == RoundStatus.CLOSED
    assert sum(t.ballots for t in evaluation.turnout(rnd)) == 7
    assert rnd.results.count() == len(cadres) and evaluation.reconcile(rnd) == []
    call_command("verifyaudit")
