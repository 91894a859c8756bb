"""Every write of the democratic evaluation: rounds, codes, ballots, closing.

The office's actions are audited. Ballots are not: an audit entry per ballot would carry a time and
undo the anonymity. The ballot services take the code as typed and are the only place a code is
turned into its hash.
"""

import logging
import time
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import BinaryField, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaoping.audit.services import record
from kaoping.core import events
from kaoping.core.errors import DomainError
from kaoping.engine.periods import quarter_months
from kaoping.people.models import Cadre, Town

from . import codes, sealing, selectors, tally
from .models import (
    DEFAULT_SCALE,
    SUB_SCALE,
    Ballot,
    BallotDraft,
    Grade,
    RaterClass,
    RaterKind,
    Round,
    RoundStatus,
    SealedBallot,
    SubGrade,
    SubItem,
    Target,
    TargetResult,
    VotingCode,
)

MAX_CODES_PER_CLASS = 2000
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ClassSpec:
    kind: str
    weight: Decimal
    codes: int


def default_classes(codes_each: int = 0) -> list[ClassSpec]:
    from .models import DEFAULT_WEIGHTS

    return [ClassSpec(kind, weight, codes_each) for kind, weight in DEFAULT_WEIGHTS.items()]


def round_create(
    *,
    actor,
    town: Town,
    year: int,
    quarter: int,
    title: str,
    held_on: date,
    cadres: list[Cadre],
    classes: list[ClassSpec],
    scale: dict[str, Decimal] | None = None,
    sub_items: list[str] | None = None,
    closes_at: datetime | None = None,
    key_holders: int = 3,
    key_threshold: int = 2,
) -> Round:
    """Prepare a quarter's round: its targets, scale, sub-items, rater classes (weights, codes) and
    how its tally key is shared (`key_threshold` of `key_holders` shares close it)."""
    scale = dict(DEFAULT_SCALE if scale is None else scale)
    sub_items = list(sub_items or [])
    if quarter not in (1, 2, 3, 4):
        raise DomainError(_("The quarter must be 1 to 4."))
    if not cadres:
        raise DomainError(_("Choose at least one cadre to evaluate."))
    if any(c.town_id != town.pk for c in cadres):
        raise DomainError(_("Every cadre evaluated must belong to the town."))
    if set(scale) - set(Grade.values) - {Grade.UNKNOWN} or Grade.UNKNOWN in scale:
        raise DomainError(_("The rating scale has an unknown grade."))
    if not scale or any(not (0 <= v <= 100) for v in scale.values()):
        raise DomainError(_("Every grade's value must be between 0 and 100."))
    if set(sub_items) - set(SubItem.values):
        raise DomainError(_("Unknown sub-item."))
    kinds = [c.kind for c in classes]
    if sorted(kinds) != sorted(set(kinds)) or set(kinds) - set(RaterKind.values):
        raise DomainError(_("Each rater class may appear once."))
    if any(c.weight < 0 for c in classes) or sum(c.weight for c in classes) <= 0:
        raise DomainError(_("The rater-class weights must not be negative and must not all be zero."))
    if any(not (0 <= c.codes <= MAX_CODES_PER_CLASS) for c in classes):
        raise DomainError(_("A class may get 0 to %(max)d codes.") % {"max": MAX_CODES_PER_CLASS})
    if not sealing.valid_sharing(key_threshold, key_holders):
        raise DomainError(
            _(
                "The tally key needs 1 to %(max)d holders, and closing needs at least 2 of their shares "
                "(1 only when there is a single holder) and no more than there are holders."
            )
            % {"max": sealing.MAX_HOLDERS}
        )
    roster = selectors.quarter_roster(town, year, quarter)
    off_roster = [c.name for c in cadres if c.pk not in roster]
    if off_roster:
        raise DomainError(
            _(
                "Not assessed in %(year)d Q%(quarter)d (in post in none of its months): %(names)s. "
                "A round evaluates the quarter's cadres only."
            )
            % {"year": year, "quarter": quarter, "names": "、".join(off_roster)}
        )
    with transaction.atomic():
        if Round.objects.filter(town=town, year=year, quarter=quarter).exists():
            raise DomainError(
                _("There already is a round for %(year)d Q%(quarter)d.") % {"year": year, "quarter": quarter}
            )
        rnd = Round.objects.create(
            town=town,
            year=year,
            quarter=quarter,
            title=title.strip()
            or _("%(year)d Q%(quarter)d democratic evaluation") % {"year": year, "quarter": quarter},
            held_on=held_on,
            closes_at=closes_at,
            scale={k: str(v) for k, v in scale.items()},
            sub_items=[s for s in SubItem.values if s in sub_items],
            key_holders=key_holders,
            key_threshold=key_threshold,
        )
        RaterClass.objects.bulk_create(
            [RaterClass(round=rnd, kind=c.kind, weight=c.weight, codes_planned=c.codes) for c in classes]
        )
        Target.objects.bulk_create([Target(round=rnd, cadre=c, sort_order=i) for i, c in enumerate(cadres)])
        record(
            actor=actor,
            action="evaluation_round.create",
            target=rnd,
            new={
                "year": year,
                "quarter": quarter,
                "held_on": held_on,
                "targets": len(cadres),
                "scale": rnd.scale,
                "sub_items": rnd.sub_items,
                "classes": {c.kind: {"weight": c.weight, "codes": c.codes} for c in classes},
                "key": {"holders": key_holders, "threshold": key_threshold},
            },
        )
    return rnd


def codes_generate(*, actor, round: Round) -> dict[RaterClass, list[str]]:
    """Make the round's voting codes, replacing any made before; return them once, in clear, by class.

    Only while the round is being prepared: once voting has begun the printed slips are the codes.
    Only the keyed hashes are stored, so the slips cannot be printed again later.
    """
    with transaction.atomic():
        rnd = Round.objects.select_for_update().get(pk=round.pk)
        if rnd.status != RoundStatus.DRAFT:
            raise DomainError(_("Codes can only be made while the round is being prepared."))
        VotingCode.objects.filter(round=rnd).delete()
        made: dict[RaterClass, list[str]] = {}
        rows = []
        for rater_class in rnd.classes.all():
            made[rater_class] = [codes.generate() for _i in range(rater_class.codes_planned)]
            rows += [
                VotingCode(round=rnd, rater_class=rater_class, code_hash=_hash(code))
                for code in made[rater_class]
            ]
        VotingCode.objects.bulk_create(rows, batch_size=500)
        record(
            actor=actor,
            action="evaluation_round.codes",
            target=rnd,
            new={c.kind: len(v) for c, v in made.items()},
            note=_("Voting codes made; any earlier slips are void."),
        )
    return made


CLOSE_CONSEQUENCE = gettext_lazy(
    "Closing cannot be undone: no more ballots are accepted, unused codes become void, the results "
    "are computed and change the quarter's monthly results; for a month already published, the "
    "change waits as a pending correction."
)


class WrongShares(DomainError):
    """The shares typed in do not rebuild the round's tally key; nothing was changed."""


OPEN_CONSEQUENCE = gettext_lazy(
    "Opening starts the vote and shows the tally key's shares once: print them at once, one page for "
    "each holder. They are not stored anywhere; without enough of them the ballots can never be "
    "opened and the round must be voted again."
)


def round_open(*, actor, round: Round) -> list[str]:
    """Open a prepared round for voting: make its key pair and return the tally key's shares, once.

    The shares are the only form in which the tally key exists: they are not stored, and closing the
    round needs `key_threshold` of them typed back in. The office's page asks for a confirmation
    that says so (`OPEN_CONSEQUENCE`) before calling this.
    """
    secret = sealing.new_secret()
    shares = sealing.split(secret, threshold=round.key_threshold, holders=round.key_holders)
    _move(actor=actor, round=round, to=RoundStatus.OPEN, public_key=sealing.public_key_hex(secret))
    return shares


def round_close(*, actor, round: Round, shares: list[str], confirmed: bool = False) -> Round:
    """Close an open round with its tally key's shares: open the sealed ballots, shuffle them into the
    ballot box and compute the results. Wrong or too few shares: `WrongShares`, nothing changed.

    Closing cannot be undone: it needs `confirmed=True`, given after showing `CLOSE_CONSEQUENCE`.
    """
    _move(actor=actor, round=round, to=RoundStatus.CLOSED, confirmed=confirmed, shares=shares)
    wipe_free_space()
    return round


def round_move(*, actor, round: Round, to: str, confirmed: bool = False, shares: list[str] = ()) -> Round:
    """The status change the office asked for: `round_open` (whose shares are dropped here: only for
    callers that close with `round_close` otherwise) or `round_close` with the typed `shares`."""
    if to == RoundStatus.OPEN:
        round_open(actor=actor, round=round)
        return round
    if to == RoundStatus.CLOSED:
        return round_close(actor=actor, round=round, shares=list(shares), confirmed=confirmed)
    raise DomainError(_("A round cannot go from “%(old)s” to “%(new)s”.") % {"old": round.status, "new": to})


def _move(
    *, actor, round: Round, to: str, confirmed: bool = False, public_key: str = "", shares: list[str] = ()
) -> Round:
    with transaction.atomic():
        rnd = Round.objects.select_for_update().get(pk=round.pk)
        old = rnd.status
        if (old, to) == (RoundStatus.DRAFT, RoundStatus.OPEN):
            if not VotingCode.objects.filter(round=rnd).exists():
                raise DomainError(_("Make the voting codes before opening the round."))
            rnd.status, rnd.opened_at, rnd.public_key = RoundStatus.OPEN, timezone.now(), public_key
            rnd.save(update_fields=["status", "opened_at", "public_key"])
        elif (old, to) == (RoundStatus.OPEN, RoundStatus.CLOSED):
            if not confirmed:
                raise DomainError(_("Confirm first: %(consequence)s") % {"consequence": CLOSE_CONSEQUENCE})
            secret = tally_secret(rnd, shares)
            _close(rnd, secret)
            # The quarter's democratic scores now exist: its months' results change (20% by default).
            months = quarter_months(rnd.year, rnd.quarter)
            cause = _("Democratic evaluation closed: %(round)s") % {"round": rnd}
            events.inputs_changed(
                sender=Round, town=rnd.town, months=months, actor=actor, cause=cause, computed_only=True
            )
        else:
            raise DomainError(_("A round cannot go from “%(old)s” to “%(new)s”.") % {"old": old, "new": to})
        record(
            actor=actor, action="evaluation_round.move", target=rnd, old={"status": old}, new={"status": to}
        )
    round.refresh_from_db()
    return round


def tally_secret(rnd: Round, shares: list[str]) -> bytes:
    """The round's tally key rebuilt from typed shares, or `WrongShares` saying what is wrong."""
    typed = list(dict.fromkeys(n for n in (sealing.normalise_share(s) for s in shares) if n))
    if len(typed) < rnd.key_threshold:
        raise WrongShares(
            _(
                "Closing needs %(k)d of the %(n)d shares of the tally key; %(given)d typed in. "
                "Nothing was changed."
            )
            % {"k": rnd.key_threshold, "n": rnd.key_holders, "given": len(typed)}
        )
    for number, share in enumerate(typed, start=1):
        try:
            sealing.share_info(share)
        except sealing.SealingError:
            raise WrongShares(
                _(
                    "Share %(number)d is not a valid share: check every word against the paper "
                    "(20 words). Nothing was changed."
                )
                % {"number": number}
            ) from None
    try:
        return sealing.combine(typed, public_key=rnd.public_key)
    except sealing.SealingError:
        raise WrongShares(
            _(
                "These shares do not open this round's tally key: a share is from another round, or two "
                "are the same holder's. Nothing was changed."
            )
        ) from None


def wipe_free_space() -> None:
    """After closing: leave no copy of the sealed ballots and drafts in the database's free space.

    SQLite: the deleted rows' pages were zeroed (secure_delete); the write-ahead log, which still
    holds the pages as they were while the round was open, is checkpointed and truncated to nothing.
    PostgreSQL: the ballot tables are vacuumed, which removes the dead rows (outside a transaction).
    """
    if connection.in_atomic_block:
        transaction.on_commit(wipe_free_space)
        return
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # A reader still on an old snapshot makes the checkpoint "busy": try again for a while.
            for _attempt in range(100):
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                busy, _log, _done = cursor.fetchone()
                if not busy:
                    break
                time.sleep(0.05)
            else:
                logger.warning("the write-ahead log could not be truncated after closing a round")
        elif connection.vendor == "postgresql":
            # VACUUM frees dead rows but may leave their bytes in the page; VACUUM FULL rewrites the
            # (small: only open rounds' sealed ballots and drafts) tables into new files.
            for table in WIPED_TABLES:
                cursor.execute(f"VACUUM (FULL, ANALYZE) {table}")
            for table in VACUUMED_TABLES:
                cursor.execute(f"VACUUM (ANALYZE) {table}")


WIPED_TABLES = ["evaluation_sealedballot", "evaluation_ballotdraft"]
VACUUMED_TABLES = ["evaluation_ballot", "evaluation_votingcode"]


def _close(rnd: Round, secret: bytes) -> None:
    # Open the sealed ballots in memory, shuffle them and write the ballot box in one go: neither the
    # rows' order nor their keys keep anything of the order of voting. Then the sealed ballots and
    # the drafts go, their pages zeroed on SQLite (secure_delete).
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete = ON")
    classes = list(rnd.classes.all())
    class_of = {c.kind: c for c in classes}
    open_ = sealing.opener(secret)
    ballots = []
    for sealed in SealedBallot.objects.filter(round=rnd).values_list("sealed", flat=True).iterator():
        try:
            content = open_(sealed)
            ballots.append(
                Ballot(round=rnd, rater_class=class_of[content["class"]], ratings=content["ratings"])
            )
        except (sealing.SealingError, KeyError, TypeError):
            raise DomainError(_("A sealed ballot cannot be opened: the round cannot be closed.")) from None
    sealing.shuffle(ballots)
    Ballot.objects.bulk_create(ballots, batch_size=500)
    SealedBallot.objects.filter(round=rnd).delete()
    BallotDraft.objects.filter(round=rnd).delete()
    kind_of = {c.pk: c.kind for c in classes}
    targets = list(rnd.targets.values_list("cadre_id", flat=True))
    tallies = tally.tally(
        targets=targets,
        weights={c.kind: c.weight for c in classes},
        scale=rnd.scale_values(),
        ballots=((kind_of[b.rater_class_id], b.ratings) for b in ballots),
        sub_items=rnd.sub_items,
        sub_scale=SUB_SCALE,
    )
    TargetResult.objects.filter(round=rnd).delete()
    TargetResult.objects.bulk_create(
        [
            TargetResult(
                round=rnd,
                cadre_id=cadre_id,
                score=t.score,
                per_class={
                    c.kind: {
                        "weight": str(c.weight),
                        "ballots": c.ballots,
                        "rated": c.rated,
                        "mean": str(tally.round2(c.mean)) if c.mean is not None else None,
                    }
                    for c in t.classes
                },
                left_out=t.left_out,
                distribution=t.distribution,
                sub_means={
                    k: (str(tally.round2(v)) if v is not None else None) for k, v in t.sub_means.items()
                },
            )
            for cadre_id, t in tallies.items()
        ]
    )
    rnd.status, rnd.closed_at = RoundStatus.CLOSED, timezone.now()
    rnd.save(update_fields=["status", "closed_at"])


# Ballots: no login, the code is the credential.


@dataclass(frozen=True)
class BallotAccess:
    """What a valid, unused code opens: the round, the rater class and any saved draft."""

    round: Round
    rater_class: RaterClass
    code_hash: str
    draft: dict


def _hash(code: str) -> str:
    return codes.digest(code, settings.SECRET_KEY)


def ballot_open(*, code: str) -> BallotAccess:
    """Check a typed code: well formed, known, unused, its round open and not expired."""
    found = _usable_code(code, with_draft=True)
    draft = {}
    if found.draft:
        try:
            draft = sealing.open_draft(found.draft, code=codes.normalise(code))
        except sealing.SealingError:
            draft = {}  # cannot happen with the right code; a draft that cannot be read is no draft
    return BallotAccess(found.round, found.rater_class, found.code_hash, draft)


def ballot_size(rnd: Round) -> int:
    """The one size of every sealed ballot and draft of the round, whatever was voted."""
    return sealing.padded_size(len(target_keys(rnd)), len(rnd.sub_items))


def _usable_code(code: str, *, with_draft: bool = False) -> VotingCode:
    """The typed code's row, with its round and class (and its saved draft's ratings as `draft`),
    if it may vote now; a DomainError if not."""
    normal = codes.normalise(code)
    if not codes.is_well_formed(normal):
        raise DomainError(
            _("This is not a valid voting code. Check that you typed it exactly as printed on the slip.")
        )
    rows = VotingCode.objects.select_related("round", "rater_class").filter(code_hash=_hash(normal))
    if with_draft:
        draft = BallotDraft.objects.filter(code_hash=OuterRef("code_hash")).values("sealed")
        rows = rows.annotate(draft=Subquery(draft, output_field=BinaryField()))  # in the same query
    found = rows.first()
    if found is None:
        raise DomainError(_("This voting code is not known. Check that you typed it exactly as printed."))
    _check_usable(found.round, used=found.used)
    return found


def _check_usable(rnd: Round, *, used: bool) -> None:
    if used:
        raise DomainError(_("This voting code has already been used. Each code votes once."))
    if rnd.status == RoundStatus.DRAFT:
        raise DomainError(_("Voting has not started yet. Try again when the meeting opens the vote."))
    if rnd.status == RoundStatus.CLOSED:
        raise DomainError(_("Voting has closed for this round; no more ballots are accepted."))
    if rnd.closes_at and timezone.now() >= rnd.closes_at:
        raise DomainError(_("This voting code has expired; no more ballots are accepted."))


def target_keys(rnd: Round) -> list[str]:
    """The round's targets as the ballot names them. Fixed when the round is made, so kept in the
    cache: every submission of a meeting checks against them."""
    key = f"ballot-targets:{rnd.pk}:{rnd.created_at.timestamp()}"  # ids come back after a reset
    return cache.get_or_set(
        key, lambda: [str(t) for t in rnd.targets.values_list("cadre_id", flat=True)], 3600
    )


def clean_ratings(rnd: Round, raw: dict[str, dict[str, str]], *, complete: bool) -> dict[str, dict[str, str]]:
    """Keep only known targets, items and grades; with `complete`, every target needs an overall grade."""
    grades = set(rnd.scale) | {Grade.UNKNOWN}
    sub_grades = set(SubGrade.values)
    targets = target_keys(rnd)
    clean: dict[str, dict[str, str]] = {}
    for target in targets:
        given = raw.get(target) or {}
        rating = {}
        if given.get(tally.OVERALL) in grades:
            rating[tally.OVERALL] = given[tally.OVERALL]
        for item in rnd.sub_items:
            if given.get(item) in sub_grades:
                rating[item] = given[item]
        if rating:
            clean[target] = rating
    if complete:
        missing = [t for t in targets if tally.OVERALL not in clean.get(t, {})]
        if missing:
            raise DomainError(
                _("Rate every cadre before submitting (choose “Don't know” if you cannot judge): %(n)d left.")
                % {"n": len(missing)}
            )
    return clean


def ballot_save(*, code: str, ratings: dict[str, dict[str, str]]) -> BallotAccess:
    """Keep a ballot's ratings so far, to come back to with the same code; nothing is submitted."""
    access = ballot_open(code=code)
    clean = clean_ratings(access.round, ratings, complete=False)
    sealed = sealing.seal_draft(clean, code=codes.normalise(code), size=ballot_size(access.round))
    BallotDraft.objects.update_or_create(
        code_hash=access.code_hash, defaults={"round": access.round, "sealed": sealed}
    )
    return BallotAccess(access.round, access.rater_class, access.code_hash, clean)


def ballot_submit(*, code: str, ratings: dict[str, dict[str, str]]) -> Round:
    """Cast the ballot: mark the code used and store the ratings sealed to the round's public key, in
    one transaction, once.

    The code is marked with a conditional UPDATE (… WHERE used = false): of two simultaneous
    submissions of one code only one changes a row, and the other is refused. The round row is read
    with a share lock on PostgreSQL, so closing (which locks it for update) waits for ballots under way
    and no ballot lands after the close; SQLite serialises writers (IMMEDIATE transactions).
    """
    # The draft is not read: whatever it holds, the ballot is what was posted, and the draft goes.
    found = _usable_code(code)
    clean = clean_ratings(found.round, ratings, complete=True)
    if not found.round.public_key:
        raise DomainError(_("Voting has not started yet. Try again when the meeting opens the vote."))
    sealed = sealing.seal(
        {"class": found.rater_class.kind, "ratings": clean},
        public_key=found.round.public_key,
        size=ballot_size(found.round),
    )
    with transaction.atomic():
        with connection.cursor() as cursor:
            lock = " FOR SHARE" if connection.vendor == "postgresql" else ""
            cursor.execute(f"SELECT status FROM evaluation_round WHERE id = %s{lock}", [found.round_id])
            (status,) = cursor.fetchone()
        rnd = found.round
        rnd.status = status
        _check_usable(rnd, used=False)
        marked = VotingCode.objects.filter(code_hash=found.code_hash, round=rnd, used=False).update(used=True)
        if marked != 1:
            raise DomainError(_("This voting code has already been used. Each code votes once."))
        SealedBallot.objects.create(round=rnd, rater_class=found.rater_class, sealed=sealed)
        BallotDraft.objects.filter(code_hash=found.code_hash).delete()
    return rnd
