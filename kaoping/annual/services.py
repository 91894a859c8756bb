"""Every write of the annual evaluation: keyword-only, in a transaction, audited, refused with a
`DomainError` a person can read."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaoping.accounts.models import User
from kaoping.accounts.permissions import Action, require, require_duties_apart
from kaoping.audit.services import Event, record, record_many, snapshot
from kaoping.audit.versions import claim
from kaoping.core.errors import DomainError
from kaoping.engine import grading
from kaoping.people.models import Cadre, Town
from kaoping.results import selectors as results

from . import scores
from .models import (
    AnnualCase,
    AnnualPublication,
    AnnualResult,
    CaseKind,
    PoolProposal,
    UndeterminedReason,
    YearSettings,
)

SETTINGS_FIELDS = (
    "formula",
    "excellent_share",
    "level1_from",
    "level2_from",
    "excellent_minimum",
    "pools",
    "collective_method",
    "agency_honours",
    "head_honours",
    "collective_honours",
)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise DomainError(message)


def require_unpublished(town: Town, year: int) -> None:
    """Refuse a change of the proposal once the year is published (公示): it is frozen then, and a
    grade changes only through an answered objection or review (one query)."""
    _require(
        not AnnualPublication.objects.filter(town=town, year=year).exists(),
        _(
            "The grades of %(year)d are published: the proposal is frozen. A grade changes now only "
            "through an answered objection or review."
        )
        % {"year": year},
    )


@transaction.atomic
def settings_save(*, actor: User, town: Town, year: int, values: dict, based_on: int | None) -> YearSettings:
    """Save the year's settings. A changed 优秀 share above 20% waits for the main leader's approval
    (20% stays in force until then); the proposals computed before become out of date."""
    require(actor, Action.MANAGE_ANNUAL, town)
    require_unpublished(town, year)
    _require(
        values["level1_from"] >= values["level2_from"],
        _("The score for 称职/合格 cannot be below the score for 基本称职/基本合格."),
    )
    _require(
        Decimal(0) <= values["excellent_share"] <= grading.MAX_SHARE,
        _("The 优秀 share is at most 25%."),
    )
    unknown = [p for p in values["pools"] if p not in scores.POOL_KEYS]
    _require(not unknown, _("Unknown pool: %(pools)s.") % {"pools": "、".join(unknown)})
    current = YearSettings.objects.filter(town=town, year=year).first()
    old = snapshot(current, SETTINGS_FIELDS) if current else None
    if current is None:
        current = YearSettings(town=town, year=year)
    else:
        claim(current, based_on)
    share_changed = old is None or values["excellent_share"] != current.excellent_share
    for name in SETTINGS_FIELDS:
        setattr(current, name, values[name])
    if share_changed:
        current.share_set_by = actor
        current.share_approved_by = None
        current.share_approved_at = None
    current.save()
    record(
        actor=actor,
        action="annual_settings.update" if old else "annual_settings.create",
        target=current,
        town=town,
        old=old,
        new=snapshot(current, SETTINGS_FIELDS),
    )
    return current


@transaction.atomic
def share_approve(*, actor: User, settings: YearSettings, based_on: int | None) -> YearSettings:
    """The main leader approves a 优秀 share above 20% (at most 25%); whoever set it never approves it."""
    require(actor, Action.APPROVE_ANNUAL_SHARE, settings.town)
    require_unpublished(settings.town, settings.year)
    _require(
        settings.pk is not None and settings.share_needs_approval,
        # xgettext:no-python-format
        _("A share of 20% or less needs no approval."),
    )
    _require(not settings.share_approved, _("The share is approved already."))
    require_duties_apart(actor, settings.share_set_by_id, first_step=_("set this share"))
    claim(settings, based_on)
    settings.share_approved_by = actor
    settings.share_approved_at = timezone.now()
    settings.save(update_fields=["share_approved_by", "share_approved_at", "version"])
    record(
        actor=actor,
        action="annual_settings.approve_share",
        target=settings,
        town=settings.town,
        old={"share_in_force": "0.20"},
        new={"share_in_force": str(settings.excellent_share)},
    )
    return settings


def _why(proposal: grading.Proposal, outcome: grading.Outcome) -> dict:
    decided = proposal.decided_by
    return {
        "reason": proposal.reason,
        "threshold": None if proposal.threshold is None else str(proposal.threshold),
        "quota": outcome.quota,
        "pool_size": outcome.pool_size,
        "decided_by": None
        if decided is None
        else {
            "criterion": decided.criterion,
            "above": None if decided.above is None else str(decided.above),
            "mine": None if decided.mine is None else str(decided.mine),
            "above_key": decided.above_key,
            "sign": decided.sign,
        },
    }


def _boundary(outcome: grading.Outcome) -> dict:
    decided = outcome.boundary_decided_by
    return {
        "tie": outcome.boundary_tie,
        "decided_by": None
        if decided is None
        else {
            "criterion": decided.criterion,
            "above": None if decided.above is None else str(decided.above),
            "mine": None if decided.mine is None else str(decided.mine),
            "above_key": decided.above_key,
            "sign": decided.sign,
        },
    }


def current_signature(town: Town, year: int, settings: YearSettings, cadre_ids: set[int]) -> str:
    """The signature a proposal of the pool of `cadre_ids` computed now would have (three queries)."""
    months = results.published_months(town, year)
    corrections = results.published_corrections(town, year)
    cases = [c for c in AnnualCase.objects.filter(town=town, year=year) if c.cadre_id in cadre_ids]
    return _signature(months, corrections, cases, settings)


def _signature(months, corrections, cases, settings: YearSettings) -> str:
    return scores.signature(months, corrections, cases, scores.rules_key(settings))


@transaction.atomic
def pool_compute(*, actor: User, town: Town, year: int, pool: str) -> PoolProposal:
    """Compute and store the proposal of one pool from the year's published months: each cadre's
    annual score, rank, proposed grade and why. A grade changed by hand before is kept where the new
    proposal still allows it (not locked by a case, still scored, and 优秀 within the quota); the
    others take the proposal again. Every grade that changes is audited with old and new."""
    require(actor, Action.MANAGE_ANNUAL, town)
    require_unpublished(town, year)
    settings, _defaults = scores.year_settings(town, year)
    _require(pool in scores.graded_pools(settings), _("This pool is not graded this year."))
    months, cadres = scores.year_of(town, year)
    _require(
        bool(months), _("No month of %(year)d is published yet: there is nothing to grade.") % {"year": year}
    )
    entries = scores.pools_of(cadres).get(pool, [])
    ids = {e.cadre_id for e in entries}
    cases = scores.cases_of(town, year)
    chain = scores.tie_breaks(town, year).get(scores.population_of(pool), [])
    outcome = grading.propose(scores.members(entries, cases), scores.engine_rules(settings, chain))
    scales = {
        pk: scores.pool_scale(pool, personnel_type)
        for pk, personnel_type in Cadre.objects.filter(pk__in=ids).values_list("pk", "personnel_type")
    }
    by_id = {e.cadre_id: e for e in entries}
    stored = {r.cadre_id: r for r in AnnualResult.objects.filter(town=town, year=year, cadre_id__in=ids)}
    gone = AnnualResult.objects.filter(town=town, year=year, pool=pool).exclude(cadre_id__in=ids)
    events: list[Event] = []
    for row in gone:
        events.append(Event("annual_result.delete", row, town, {"level": row.level, "pool": pool}, None))
    gone.delete()

    kept: list[tuple[AnnualResult, int]] = []
    for proposal in outcome.proposals:
        entry = by_id[proposal.key]
        row = stored.get(proposal.key) or AnnualResult(town=town, year=year, cadre_id=proposal.key)
        old_level = row.level if row.pk else None
        hand = row.pk is not None and bool(row.change_reason) and row.level != row.proposed_level
        standing = entry.standing
        row.pool = pool
        row.scale = scales[proposal.key]
        row.score = standing.total
        row.months = entry.lines()
        row.means = entry.means()
        row.rank = proposal.rank
        row.proposed_level = proposal.level
        row.why = {**_why(proposal, outcome), "capped": [f"{m:%Y-%m}" for m in entry.capped]}
        keep = hand and proposal.level is not None and proposal.reason != grading.VETO
        if keep:
            kept.append((row, row.level))
        else:
            row.level = proposal.level
            row.change_reason = ""
            row.changed_by = None
            row.changed_at = None
        row.save()
        if row.level != old_level:
            events.append(
                Event("annual_result.compute", row, town, {"level": old_level}, {"level": row.level})
            )
    excellent = sum(1 for p in outcome.proposals if p.level == grading.EXCELLENT)
    for row, level in kept:  # hand changes to 优秀 first took a place the proposal gave nobody else
        if level == grading.EXCELLENT and row.proposed_level != grading.EXCELLENT:
            if excellent + 1 > outcome.quota:
                events.append(
                    Event("annual_result.compute", row, town, {"level": level}, {"level": row.proposed_level})
                )
                row.level, row.change_reason = row.proposed_level, ""
                row.save(update_fields=["level", "change_reason"])
                continue
            excellent += 1
        elif level != grading.EXCELLENT and row.proposed_level == grading.EXCELLENT:
            excellent -= 1

    pool_cases = [c for c in cases.values() if c.cadre_id in ids]
    proposal_row, _created = PoolProposal.objects.update_or_create(
        town=town,
        year=year,
        pool=pool,
        defaults={
            "computed_by": actor,
            "computed_at": timezone.now(),
            "signature": _signature(months, results.published_corrections(town, year), pool_cases, settings),
            "months": [f"{m:%Y-%m}" for m in months],
            "share": settings.share_in_force,
            "pool_size": outcome.pool_size,
            "quota": outcome.quota,
            "boundary": _boundary(outcome),
        },
    )
    events.append(
        Event(
            "annual_proposal.compute",
            proposal_row,
            town,
            None,
            {
                "pool": pool,
                "months": proposal_row.months,
                "pool_size": outcome.pool_size,
                "quota": outcome.quota,
                "excellent": excellent,
            },
        )
    )
    record_many(actor=actor, events=events)
    return proposal_row


def _excellent_elsewhere(result: AnnualResult) -> int:
    return (
        AnnualResult.objects.filter(
            town=result.town_id, year=result.year, pool=result.pool, level=grading.EXCELLENT
        )
        .exclude(pk=result.pk)
        .count()
    )


@transaction.atomic
def grade_change(
    *, actor: User, result: AnnualResult, level: int, reason: str, based_on: int | None
) -> AnnualResult:
    """Change a cadre's grade by hand, with a reason: never a grade locked by a veto or an undetermined
    case, never past the pool's 优秀 quota, never on an out-of-date proposal. Audited with old and new."""
    require(actor, Action.MANAGE_ANNUAL, result.town)
    require_unpublished(result.town, result.year)
    _require(bool(reason.strip()), _("Say why the grade changes: the reason is kept with it."))
    _require(level in grading.LEVELS, _("Choose a grade."))
    _require(
        result.score is not None and result.proposed_level is not None,
        _("This cadre gets no grade this year."),
    )
    case = AnnualCase.objects.filter(town=result.town, year=result.year, cadre=result.cadre_id).first()
    _require(
        case is None,
        _("The grade is locked by a veto or an undetermined case: change or remove the case first."),
    )
    proposal = PoolProposal.objects.filter(town=result.town, year=result.year, pool=result.pool).first()
    _require(proposal is not None, _("Compute the pool's proposal first."))
    settings, _defaults = scores.year_settings(result.town, result.year)
    ids = set(
        AnnualResult.objects.filter(town=result.town, year=result.year, pool=result.pool).values_list(
            "cadre_id", flat=True
        )
    )
    _require(
        current_signature(result.town, result.year, settings, ids) == proposal.signature,
        _(
            "The proposal is out of date (a month or a correction was published, or the rules changed): "
            "compute it again first."
        ),
    )
    if level == grading.EXCELLENT and result.level != grading.EXCELLENT:
        _require(
            _excellent_elsewhere(result) + 1 <= proposal.quota,
            _("The pool has %(quota)d 优秀 places and they are taken: change another cadre's grade first.")
            % {"quota": proposal.quota},
        )
    claim(result, based_on)
    return set_level(actor=actor, result=result, level=level, reason=reason)


def set_level(*, actor: User, result: AnnualResult, level: int, reason: str) -> AnnualResult:
    """The one audited write of a grade in force, with its reason (`grade_change` by the office before
    publication, `publication.grade_improve` by an answered objection or review after it)."""
    old = {"level": result.level, "grade": result.grade}
    result.level = level
    result.change_reason = reason.strip()
    result.changed_by = actor
    result.changed_at = timezone.now()
    result.save()
    record(
        actor=actor,
        action="annual_result.change",
        target=result,
        town=result.town,
        old=old,
        new={"level": level, "grade": result.grade, "reason": result.change_reason},
    )
    return result


def _recompute_if_computed(actor: User, town: Town, year: int, cadre: Cadre) -> None:
    """A case changes the cadre's pool's proposal at once, if it has one."""
    row = AnnualResult.objects.filter(town=town, year=year, cadre=cadre).first()
    if row is not None and PoolProposal.objects.filter(town=town, year=year, pool=row.pool).exists():
        pool_compute(actor=actor, town=town, year=year, pool=row.pool)


@transaction.atomic
def case_save(
    *,
    actor: User,
    town: Town,
    year: int,
    cadre: Cadre,
    kind: str,
    reason: str = "",
    detail: str = "",
    veto_level: int | None = None,
) -> AnnualCase:
    """Record a veto (with its reason and the grade it locks, never 优秀) or an undetermined case (with
    a reason from the fixed list; "other" needs the details) for a cadre's year. Replaces the cadre's
    earlier case of the year; the pool's proposal, if computed, is computed again."""
    require(actor, Action.MANAGE_ANNUAL, town)
    require_unpublished(town, year)
    _require(cadre.town_id == town.pk, _("This cadre belongs to another town."))
    detail = detail.strip()
    if kind == CaseKind.VETO:
        _require(veto_level in (1, 2, 3), _("A veto locks the grade below 优秀: choose the grade."))
        _require(bool(detail), _("Say what the veto is for."))
        reason = ""
    elif kind == CaseKind.UNDETERMINED:
        _require(reason in UndeterminedReason.values, _("Choose the reason from the list."))
        _require(
            reason != UndeterminedReason.OTHER or bool(detail), _("“Other” needs the reason written out.")
        )
        veto_level = None
    else:
        raise DomainError(_("Choose a veto or an undetermined case."))
    earlier = AnnualCase.objects.filter(town=town, year=year, cadre=cadre).first()
    old = snapshot(earlier, ("kind", "reason", "detail", "veto_level")) if earlier else None
    if earlier is not None:
        earlier.delete()
    case = AnnualCase.objects.create(
        town=town,
        year=year,
        cadre=cadre,
        kind=kind,
        reason=reason,
        detail=detail,
        veto_level=veto_level,
        created_by=actor,
    )
    record(
        actor=actor,
        action="annual_case.save",
        target=case,
        town=town,
        old=old,
        new=snapshot(case, ("kind", "reason", "detail", "veto_level")),
    )
    _recompute_if_computed(actor, town, year, cadre)
    return case


@transaction.atomic
def case_remove(*, actor: User, case: AnnualCase) -> None:
    """Remove a case (entered in error, or settled): the pool's proposal is computed again."""
    require(actor, Action.MANAGE_ANNUAL, case.town)
    require_unpublished(case.town, case.year)
    old = snapshot(case, ("kind", "reason", "detail", "veto_level"))
    town, year, cadre = case.town, case.year, case.cadre
    record(actor=actor, action="annual_case.remove", target=case, town=town, old=old)
    case.delete()
    _recompute_if_computed(actor, town, year, cadre)
