"""The publication (公示) of a year's annual grades, their confirmation, and the grade changes that
answered objections and reviews make afterwards.

- `publish`: every graded pool computed, up to date and within its 优秀 places, no raised share waiting
  for approval, no month of the year still being scored or corrected, no objection or review of one of
  its months waiting for an answer. From then the proposal is frozen (`services.require_unpublished`):
  the cadres read their grade and how it was reached, and may object during the town's publication
  window (`AppealRules.publication_days` working days, counted by the appeals app).
- `confirm`: once the window has passed and every objection to the year's grades is answered. The
  statutory review window (`AppealRules.review_days`) runs from the confirmation day; pay reads only
  confirmed grades.
- `grade_improve`: the better grade an upheld objection or an improving review decides, through the
  one audited write of a grade (`services.set_level`), within the pool's 优秀 places.

`publish` and `confirm` take `at` (default: now) so that a year can be published and confirmed as of
a past day (the demonstration's earlier year); confirming still needs `at` to fall after the window.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaoping.accounts.models import User
from kaoping.accounts.permissions import Action, can, require
from kaoping.appeals import services as appeals
from kaoping.appeals.models import Appeal, AppealStatus, Stage
from kaoping.audit.services import record
from kaoping.audit.versions import claim
from kaoping.core import subjects
from kaoping.core.errors import DomainError
from kaoping.engine import grading
from kaoping.inbox import services as inbox
from kaoping.people.models import Town
from kaoping.results.models import Correction, CorrectionStatus, MonthlyResult
from kaoping.scoring.models import Period, PeriodStatus

from . import scores, selectors, services
from .models import AnnualCase, AnnualPublication, AnnualResult, PoolProposal

KEY = "annual.grade"  # the kind of subject of objections and reviews (`kind.py`)

PUBLISH_CONSEQUENCE = gettext_lazy(
    "Every cadre of the year reads their grade and how it was reached, and may object during the "
    "publication window. The proposal is frozen: no pool is computed again and no grade is changed by "
    "hand; only an answered objection or review changes a grade."
)
CONFIRM_CONSEQUENCE = gettext_lazy(
    "The grades stand: pay is computed from them, and the statutory review window opens today. "
    "Only a decided review can improve a grade after this."
)


@dataclass(frozen=True)
class State:
    """A year's publication as the pages show it."""

    publication: AnnualPublication | None
    windows: appeals.Windows | None  # the window counted with the town's rules; None: not published
    open_objections: int
    open_reviews: int
    today: date

    @property
    def published(self) -> bool:
        return self.publication is not None

    @property
    def confirmed(self) -> bool:
        return self.publication is not None and self.publication.confirmed

    @property
    def in_window(self) -> bool:
        return self.windows is not None and self.windows.objections_open(self.today)

    @property
    def window_passed(self) -> bool:
        return self.windows is not None and self.today > self.windows.objections_until

    @property
    def confirmable(self) -> bool:
        return self.published and not self.confirmed and self.window_passed and not self.open_objections


def windows_of(publication: AnnualPublication, rules) -> appeals.Windows:
    """The year's windows under the town's rules (no query)."""
    dates = subjects.Subject(
        kind=KEY,
        id=0,
        town_id=publication.town_id,
        cadre_id=0,
        label="",
        url="",
        outcome=None,
        outcome_label="",
        published_on=publication.published_on,
        confirmed_on=publication.confirmed_on,
        confirmed_apart=True,
    )
    return appeals.windows(dates, rules)


def _open_about_year(town: Town, year: int):
    """The open objections and reviews about the year's grades (a queryset)."""
    ids = AnnualResult.objects.filter(town=town, year=year).values("pk")
    return Appeal.objects.filter(town=town, kind=KEY, subject_id__in=ids, status=AppealStatus.OPEN)


def state(town: Town, year: int, today: date | None = None) -> State:
    """The year's publication, its windows and its open objections and reviews (three queries)."""
    today = today or timezone.localdate()
    publication = (
        AnnualPublication.objects.filter(town=town, year=year)
        .select_related("published_by", "confirmed_by")
        .first()
    )
    if publication is None:
        return State(None, None, 0, 0, today)
    when = windows_of(publication, appeals.rules_for(town))
    stages = list(_open_about_year(town, year).values_list("stage", flat=True))
    return State(
        publication,
        when,
        open_objections=stages.count(Stage.OBJECTION),
        open_reviews=stages.count(Stage.REVIEW),
        today=today,
    )


def publish_problems(town: Town, year: int) -> list[str]:
    """What stands in the way of publishing the year's grades; empty when it can be published."""
    problems: list[str] = []
    settings, _defaults = scores.year_settings(town, year)
    if settings.share_needs_approval and not settings.share_approved:
        problems.append(_("The raised 优秀 share waits for the main leader's approval (or a change back)."))
    pools = selectors.overview(town, year, settings)
    if not pools or not any(p.proposal for p in pools):
        problems.append(_("No pool's proposal is computed yet."))
    _months, cadres = scores.year_of(town, year)
    assessed = {key for key, entries in scores.pools_of(cadres).items() if entries}
    for pool in pools:
        if pool.proposal is None and pool.key not in assessed:
            continue  # nobody of the pool has a published month: nothing to grade
        if pool.proposal is None:
            problems.append(_("%(pool)s: the proposal is not computed.") % {"pool": pool.label})
        elif pool.stale:
            problems.append(
                _("%(pool)s: the proposal is out of date, compute it again.") % {"pool": pool.label}
            )
        elif pool.over_quota:
            problems.append(_("%(pool)s: more 优秀 than the places.") % {"pool": pool.label})
    unpublished = list(
        Period.objects.filter(town=town, month__year=year)
        .exclude(status=PeriodStatus.PUBLISHED)
        .order_by("month")
        .values_list("month", flat=True)
    )
    if unpublished:
        problems.append(
            _("Months not published yet: %(months)s.")
            % {"months": "、".join(f"{m:%Y-%m}" for m in unpublished)}
        )
    pending = Correction.objects.filter(
        town=town, period__month__year=year, status=CorrectionStatus.PENDING
    ).count()
    if pending:
        problems.append(
            _("%(count)d correction of a month waits to be published or declined.") % {"count": pending}
        )
    month_results = MonthlyResult.objects.filter(period__town=town, period__month__year=year).values("pk")
    waiting = Appeal.objects.filter(
        town=town, kind="results.month", subject_id__in=month_results, status=AppealStatus.OPEN
    ).count()
    if waiting:
        problems.append(
            _("%(count)d objection or review of a month of the year waits for its answer.")
            % {"count": waiting}
        )
    return problems


def _moment(at: datetime | None) -> datetime:
    return at or timezone.now()


@transaction.atomic
def publish(
    *, actor: User, town: Town, year: int, confirmed: bool = False, at: datetime | None = None
) -> AnnualPublication:
    """Publish the year's grades to the town (公示) as of `at` (default now): see the module."""
    require(actor, Action.PUBLISH_ANNUAL, town)
    Town.objects.select_for_update().filter(pk=town.pk).first()  # one publication at a time
    if AnnualPublication.objects.filter(town=town, year=year).exists():
        raise DomainError(_("The grades of %(year)d are published already.") % {"year": year})
    if problems := publish_problems(town, year):
        raise DomainError(_("Not yet: %(problems)s") % {"problems": " ".join(problems)})
    if not confirmed:
        raise DomainError(_("Confirm first: %(consequence)s") % {"consequence": PUBLISH_CONSEQUENCE})
    publication = AnnualPublication.objects.create(
        town=town, year=year, published_at=_moment(at), published_by=actor
    )
    when = windows_of(publication, appeals.rules_for(town))
    graded = list(
        AnnualResult.objects.filter(town=town, year=year, level__isnull=False).values_list(
            "cadre_id", flat=True
        )
    )
    record(
        actor=actor,
        action="annual.publish",
        target=publication,
        town=town,
        new={
            "year": year,
            "published_on": f"{publication.published_on:%Y-%m-%d}",
            "objections_until": f"{when.objections_until:%Y-%m-%d}",
            "graded": len(graded),
        },
    )
    inbox.notify(
        recipients=inbox.users_of_cadres(graded),
        kind="annual.published",
        key=f"annual.published:{town.pk}:{year}",
        title=gettext_lazy("Your annual grade of %(year)s is published: objections until %(until)s"),
        params={"year": year, "until": f"{when.objections_until:%Y-%m-%d}"},
        link=reverse("annual:mine", args=[town.slug]) + f"?year={year}",
        subject=f"annual.publication:{publication.pk}",
        town=town,
        exclude=actor,
    )
    return publication


@transaction.atomic
def confirm(
    *,
    actor: User,
    town: Town,
    year: int,
    based_on: int | None,
    confirmed: bool = False,
    at: datetime | None = None,
) -> AnnualPublication:
    """Confirm the year's grades as of `at` (default now): after the publication window, with every
    objection to them answered. The review window opens that day."""
    require(actor, Action.CONFIRM_ANNUAL, town)
    publication = AnnualPublication.objects.select_for_update().filter(town=town, year=year).first()
    if publication is None:
        raise DomainError(_("The grades of %(year)d are not published yet.") % {"year": year})
    if publication.confirmed:
        raise DomainError(_("The grades of %(year)d are confirmed already.") % {"year": year})
    moment = _moment(at)
    when = windows_of(publication, appeals.rules_for(town))
    day = timezone.localtime(moment).date()
    if day <= when.objections_until:
        raise DomainError(
            _("The publication window runs until %(day)s: the grades are confirmed after it.")
            % {"day": f"{when.objections_until:%Y-%m-%d}"}
        )
    waiting = _open_about_year(town, year).filter(stage=Stage.OBJECTION).count()
    if waiting:
        raise DomainError(
            _("%(count)d objection to the grades waits for its written answer: answer it before confirming.")
            % {"count": waiting}
        )
    if not confirmed:
        raise DomainError(_("Confirm first: %(consequence)s") % {"consequence": CONFIRM_CONSEQUENCE})
    claim(publication, based_on)
    publication.confirmed_at, publication.confirmed_by = moment, actor
    publication.save()
    rules = appeals.rules_for(town)
    after = windows_of(publication, rules)
    graded = list(
        AnnualResult.objects.filter(town=town, year=year, level__isnull=False).values_list(
            "cadre_id", flat=True
        )
    )
    record(
        actor=actor,
        action="annual.confirm",
        target=publication,
        town=town,
        old={"confirmed_on": None},
        new={
            "confirmed_on": f"{publication.confirmed_on:%Y-%m-%d}",
            "review_until": f"{after.review_until:%Y-%m-%d}",
        },
    )
    inbox.resolve(subject=f"annual.confirmable:{publication.pk}")
    inbox.notify(
        recipients=inbox.users_of_cadres(graded),
        kind="annual.confirmed",
        key=f"annual.confirmed:{town.pk}:{year}",
        title=gettext_lazy(
            "Your annual grade of %(year)s is confirmed: a review can be asked for until %(until)s"
        ),
        params={"year": year, "until": f"{after.review_until:%Y-%m-%d}"},
        link=reverse("annual:mine", args=[town.slug]) + f"?year={year}",
        subject=f"annual.publication:{publication.pk}:confirmed",
        town=town,
        exclude=actor,
    )
    return publication


def better_levels(level: int | None) -> list[int]:
    """The levels better than `level`, best last in the order shown (worst first)."""
    if level is None:
        return []
    return [x for x in sorted(grading.LEVELS, reverse=True) if x < level]


@transaction.atomic
def grade_improve(*, actor: User, result: AnnualResult, level: int, reason: str) -> AnnualResult:
    """Set the better grade an answered objection or a decided review gives, after publication.

    Never a worse grade or the same, never a grade locked by a case, never past the pool's 优秀 places
    (the proposal's quota: an improvement to 优秀 with every place taken is refused; the answer can
    then improve to the next level, or keep the grade with its reasons)."""
    if not can(actor, Action.ANSWER_APPEALS, result.town):
        raise DomainError(_("You are not allowed to do this."))
    result = AnnualResult.objects.select_for_update().select_related("town").get(pk=result.pk)
    if not AnnualPublication.objects.filter(town=result.town, year=result.year).exists():
        raise DomainError(_("The grades of %(year)d are not published.") % {"year": result.year})
    if level not in better_levels(result.level):
        raise DomainError(_("Choose a better grade than the one in force."))
    if not (reason or "").strip():
        raise DomainError(_("Say why the grade changes: the reason is kept with it."))
    if AnnualCase.objects.filter(town=result.town, year=result.year, cadre=result.cadre_id).exists():
        raise DomainError(
            _("The grade is locked by a veto or an undetermined case: it cannot be improved by an answer.")
        )
    if level == grading.EXCELLENT:
        proposal = PoolProposal.objects.filter(town=result.town, year=result.year, pool=result.pool).first()
        quota = proposal.quota if proposal else 0
        taken = (
            AnnualResult.objects.filter(
                town=result.town, year=result.year, pool=result.pool, level=grading.EXCELLENT
            )
            .exclude(pk=result.pk)
            .count()
        )
        if taken + 1 > quota:
            raise DomainError(
                _(
                    "The pool's %(quota)d 优秀 places are all taken: a grade cannot be raised to 优秀 past "
                    "them. Improve it to the next grade, or keep it with the reasons."
                )
                % {"quota": quota}
            )
    claim(result, result.version)
    return services.set_level(actor=actor, result=result, level=level, reason=reason)
