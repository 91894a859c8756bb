import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from kaoping.audit.models import AuditEntry
from kaoping.core.errors import DomainError
from kaoping.people.models import AgencyCategory

from .. import services
from ..models import Ballot, BallotDraft, RoundStatus, SealedBallot, TargetResult, VotingCode
from ..selectors import cadres_for, democratic_scores, reconcile, turnout
from .conftest import EST, LEAD, MID, NON, all_rated, close_round, make_round, vote


@pytest.mark.django_db
def test_a_round_gets_the_articles_scale_and_class_weights_by_default(draft_round):
    assert draft_round.scale == {"excellent": "95", "competent": "85", "basic": "75", "incompetent": "65"}
    weights = {c.kind: c.weight for c in draft_round.classes.all()}
    assert weights == {LEAD: 40, MID: 30, EST: 20, NON: 10}
    assert [c.codes_planned for c in draft_round.classes.all()] == [3, 3, 3, 3]
    assert AuditEntry.objects.filter(action="evaluation_round.create").count() == 1


@pytest.mark.django_db
def test_targets_are_chosen_by_population_category_or_one_by_one(town, cadres):
    chosen = cadres_for(
        town,
        year=2026,
        quarter=1,
        groups=[f"agency:{AgencyCategory.NON_ESTABLISHED}"],
        cadre_ids=[cadres[0].pk],
    )
    assert {c.name for c in chosen} == {"刘镇长", "赵强"}
    assert len(cadres_for(town, year=2026, quarter=1, groups=["agency"], cadre_ids=[])) == 3


@pytest.mark.django_db
def test_a_second_round_for_the_same_quarter_is_refused(town, cadres, draft_round):
    with pytest.raises(DomainError):
        make_round(town, cadres)


@pytest.mark.django_db
def test_codes_are_stored_only_as_keyed_hashes_tagged_with_their_class(draft_round, codes):
    stored = set(VotingCode.objects.values_list("code_hash", flat=True))
    assert len(stored) == 12
    for code in codes[LEAD]:
        assert code not in stored and services._hash(code) in stored
    assert {f.name for f in VotingCode._meta.get_fields()} == {
        "id",
        "round",
        "rater_class",
        "code_hash",
        "used",
    }


@pytest.mark.django_db
def test_a_rater_can_save_come_back_and_submit_once(open_round, codes, cadres):
    code = codes[MID][0]
    services.ballot_save(code=code, ratings={str(cadres[0].pk): {"overall": "excellent"}})
    again = services.ballot_open(code=code.lower())
    assert again.draft == {str(cadres[0].pk): {"overall": "excellent"}}
    # The draft is stored encrypted with a key from the code: the database alone cannot read it.
    (stored,) = BallotDraft.objects.values_list("sealed", flat=True)
    assert b"excellent" not in bytes(stored) and str(cadres[0].pk).encode() + b'"' not in bytes(stored)
    with pytest.raises(DomainError, match="Rate every cadre"):
        services.ballot_submit(code=code, ratings=again.draft)
    assert SealedBallot.objects.count() == 0
    services.ballot_submit(code=code, ratings=all_rated(cadres, "competent"))
    assert SealedBallot.objects.count() == 1 and BallotDraft.objects.count() == 0
    with pytest.raises(DomainError, match="already been used"):
        vote(code, cadres)
    assert SealedBallot.objects.count() == 1 and not Ballot.objects.exists()


def _swap_first_differing_neighbours(code: str) -> str:
    """Two neighbouring characters typed the wrong way round: the check character always catches it."""
    i = next(i for i in range(len(code) - 1) if code[i] != code[i + 1])
    return code[:i] + code[i + 1] + code[i] + code[i + 2 :]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "mangle, message",
    [
        (lambda c: c[:-1] + ("2" if c[-1] != "2" else "3"), "not a valid voting code"),
        (lambda c: _swap_first_differing_neighbours(c), "not a valid voting code"),
    ],
)
def test_a_mistyped_code_is_caught_and_nothing_is_recorded(open_round, codes, cadres, mangle, message):
    with pytest.raises(DomainError, match=message):
        vote(mangle(codes[LEAD][0]), cadres)
    assert Ballot.objects.count() == 0 and VotingCode.objects.filter(used=True).count() == 0


@pytest.mark.django_db
def test_an_unknown_code_is_refused(open_round, cadres):
    from .. import codes as codes_module

    with pytest.raises(DomainError, match="not known"):
        vote(codes_module.generate(), cadres)
    assert Ballot.objects.count() == 0


@pytest.mark.django_db
def test_an_expired_code_is_refused(open_round, codes, cadres):
    open_round.closes_at = timezone.now() - timedelta(minutes=1)
    open_round.save()
    with pytest.raises(DomainError, match="expired"):
        vote(codes[LEAD][0], cadres)
    assert Ballot.objects.count() == 0


@pytest.mark.django_db
def test_codes_do_not_work_before_the_round_opens(draft_round, codes, cadres):
    with pytest.raises(DomainError, match="not started"):
        vote(codes[LEAD][0], cadres)


@pytest.mark.django_db
def test_closing_refuses_all_further_ballots(open_round, codes, cadres, personas):
    vote(codes[LEAD][0], cadres)
    services.ballot_save(code=codes[LEAD][1], ratings={})
    close_round(open_round, personas["assessment_office"])
    with pytest.raises(DomainError, match="closed"):
        vote(codes[LEAD][1], cadres)
    assert Ballot.objects.count() == 1
    assert BallotDraft.objects.count() == 0  # drafts are linked to codes: they go with the round


@pytest.mark.django_db
def test_closing_computes_weighted_scores_and_says_which_classes_were_left_out(
    open_round, codes, cadres, personas
):
    vote(codes[LEAD][0], cadres, "excellent")
    vote(codes[LEAD][1], cadres, "competent")
    vote(codes[MID][0], cadres, "basic")
    vote(codes[EST][0], cadres, "unknown")
    close_round(open_round, personas["assessment_office"])
    result = TargetResult.objects.get(round=open_round, cadre=cadres[1])
    # leadership 90 (w40), middle 75 (w30); established only "don't know", non-established no ballot.
    assert result.score == Decimal("83.57")
    assert result.left_out == [EST, NON]
    assert result.per_class[LEAD] == {"weight": "40.00", "ballots": 2, "rated": 2, "mean": "90.00"}
    assert result.distribution == {"excellent": 1, "competent": 1, "basic": 1, "unknown": 1}
    assert democratic_scores(open_round.town, 2026, 1) == {c.pk: Decimal("83.57") for c in cadres}
    assert democratic_scores(open_round.town, 2026, 2) == {}


@pytest.mark.django_db
def test_the_ballot_table_holds_no_code_user_address_or_time():
    columns = {f.column for f in Ballot._meta.concrete_fields}
    assert columns == {"id", "round_id", "rater_class_id", "ratings"}
    assert Ballot._meta.pk.get_internal_type() == "UUIDField"
    assert Ballot._meta.ordering == ["id"]


@pytest.mark.django_db
def test_ballots_are_sealed_while_open_and_written_in_the_shuffles_order_at_closing(
    open_round, codes, cadres, personas, monkeypatch
):
    for code in codes[LEAD] + codes[MID] + codes[EST]:
        vote(code, cadres)
    sealed = list(SealedBallot.objects.filter(round=open_round).values_list("id", "sealed"))
    assert len(sealed) == 9 and not Ballot.objects.exists()
    assert len({len(bytes(s)) for _id, s in sealed}) == 1  # one size, whatever was voted
    assert all(b"excellent" not in bytes(s) for _id, s in sealed)
    if connection.vendor == "sqlite":
        # The random key is the rowid: rows sit in key order, not in the order they came in.
        with connection.cursor() as cursor:
            cursor.execute("SELECT rowid, id FROM evaluation_sealedballot ORDER BY rowid")
            assert all(rowid == key for rowid, key in cursor.fetchall())
    shuffled = []

    def shuffle(items):
        items.reverse()  # a known permutation stands in for the random one
        shuffled.extend(items)

    monkeypatch.setattr(services.sealing, "shuffle", shuffle)
    close_round(open_round, personas["assessment_office"])
    assert not SealedBallot.objects.exists() and Ballot.objects.count() == 9
    if connection.vendor == "sqlite":
        # The ballot box is written in the shuffle's order: its physical order is the shuffle's.
        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM evaluation_ballot ORDER BY rowid")
            physical = [row[0] for row in cursor.fetchall()]
        assert physical == [b.id.hex for b in shuffled]


def test_the_ballot_box_is_shuffled_with_the_systems_randomness(monkeypatch):
    used = []
    monkeypatch.setattr(services.sealing.secrets, "SystemRandom", lambda: used.append(1) or random.Random(0))
    services.sealing.shuffle([1, 2, 3])
    assert used == [1]


@pytest.mark.django_db
def test_a_stored_ballot_cannot_be_changed_and_a_closed_rounds_ballots_cannot_be_removed(
    open_round, codes, cadres, personas
):
    vote(codes[LEAD][0], cadres)
    close_round(open_round, personas["assessment_office"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Ballot.objects.update(ratings={})
    with pytest.raises(IntegrityError), transaction.atomic():
        Ballot.objects.all().delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        Ballot.objects.create(round=open_round, rater_class=open_round.classes.first(), ratings={})
    assert Ballot.objects.count() == 1


@pytest.mark.django_db
def test_ballots_reconcile_with_used_codes_and_the_command_says_so(open_round, codes, cadres, capsys):
    vote(codes[LEAD][0], cadres)
    vote(codes[NON][2], cadres)
    assert {t.rater_class.kind: (t.used, t.ballots) for t in turnout(open_round)}[NON] == (1, 1)
    assert reconcile(open_round) == []
    call_command("checkballots", f"{open_round.town.slug}/2026Q1")
    call_command("checkballots", f"{open_round.town.slug}/2026Q1", "--wipe")
    assert "reconcile" in capsys.readouterr().out
    VotingCode.objects.filter(code_hash=services._hash(codes[MID][0])).update(used=True)  # tampering
    with pytest.raises(CommandError):
        call_command("checkballots", str(open_round.pk))


@pytest.mark.django_db
def test_workflow_changes_are_audited_but_ballots_are_not(open_round, codes, cadres, personas):
    before = AuditEntry.objects.count()
    vote(codes[LEAD][0], cadres)
    assert AuditEntry.objects.count() == before
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"evaluation_round.create", "evaluation_round.codes", "evaluation_round.move"} <= actions
    assert not any(code in str(e.new) for e in AuditEntry.objects.all() for code in codes[LEAD])


@pytest.mark.django_db
def test_the_demo_loads_eight_quarters_closed_on_their_days_that_reconcile(town, cadres):
    from ..demo import load_demo_rounds
    from ..models import Round

    demo = load_demo_rounds(town)
    counts = demo.counts()
    assert counts["evaluation_rounds"] == 8 and counts["ballots"] > 0
    rounds = Round.objects.filter(town=town).order_by("year", "quarter")
    assert [r.slug for r in rounds] == [
        "2024Q4",
        *(f"2025Q{q}" for q in (1, 2, 3, 4)),
        *(f"2026Q{q}" for q in (1, 2, 3)),
    ]
    # Each held on the last Friday of its quarter, before the quarter's last month is scored.
    assert [(r.held_on.isoformat(), r.held_on.weekday()) for r in rounds][::4] == [
        ("2024-12-27", 4),
        ("2025-12-26", 4),
    ]
    # Written open; the monthly history closes each when it reaches the round's day, not before.
    assert all(r.status == RoundStatus.OPEN for r in rounds) and not democratic_scores(town, 2026, 3)
    closed = demo.close_held_before(date(2026, 9, 25))
    assert [r.slug for r in closed] == [r.slug for r in rounds][:-1]
    assert [r.slug for r in demo.close_held_before(date(2026, 10, 1))] == ["2026Q3"]
    rounds = Round.objects.filter(town=town)
    assert all(r.status == RoundStatus.CLOSED and reconcile(r) == [] for r in rounds)
    assert all(timezone.localdate(r.closed_at) == r.held_on for r in rounds)
    assert democratic_scores(town, 2026, 3)
