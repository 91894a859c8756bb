"""Who may do what: the one place where permissions are decided.

Views never test roles themselves. They ask `require(request, Action.X, town)` (or use
`town_or_404`), and templates ask `can`. The policy is a plain table, tested as a matrix of
roles × actions in `tests/test_permissions.py`.

A user's roles in a town are the roles assigned to them there, the city-wide roles they hold,
and the implicit role CADRE when their account is linked to a cadre of that town.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from kaoping.core.errors import DomainError
from kaoping.core.reads import Read
from kaoping.people.models import ResultsDisclosure, Town

from .models import Role, RoleAssignment, User


class Action(models.TextChoices):
    VIEW_TOWN = "view_town", _("See the town's home page")
    VIEW_TOWN_FIGURES = "view_town_figures", _("See the town's staff figures on its home page")
    VIEW_PEOPLE = "view_people", _("Browse departments, villages and cadres")
    VIEW_PERSONAL_DATA = "view_personal_data", _("See ID numbers and phone numbers")
    MANAGE_PEOPLE = "manage_people", _("Add, edit, deactivate and import cadres, departments and villages")
    MANAGE_USERS = "manage_users", _("Manage user accounts and roles")
    VIEW_AUDIT_LOG = "view_audit_log", _("Read the audit log")
    MANAGE_TOWNS = "manage_towns", _("Add and edit towns")
    VIEW_SCHEMES = "view_schemes", _("Read the indicator schemes")
    MANAGE_SCHEMES = "manage_schemes", _("Build schemes, indicators and weights")
    MANAGE_PERIODS = "manage_periods", _("Open, close and publish months")
    ENTER_SCORES = "enter_scores", _("Fill in the score grid of one's population")
    APPROVE_SCORES = "approve_scores", _("Approve or return the score grid of one's population")
    MANAGE_ADJUSTMENTS = "manage_adjustments", _("Register bonuses and deductions")
    APPROVE_ADJUSTMENTS = "approve_adjustments", _("Approve or reject bonuses and deductions")
    VIEW_RESULTS = "view_results", _("See results and rankings before they are published")
    VIEW_PUBLISHED_RESULTS = "view_published_results", _("See published results and rankings")
    VIEW_EVERYONES_RESULTS = (
        "view_everyones_results",
        _("See every cadre's published result line by line, whatever the town's disclosure setting"),
    )
    VIEW_CORRECTIONS = "view_corrections", _("See pending corrections of published months")
    DECIDE_CORRECTIONS = "decide_corrections", _("Publish or decline corrections of published months")
    CORRECT_SCORES = "correct_scores", _("Propose a corrected score in a published month")
    MANAGE_EVALUATIONS = "manage_evaluations", _("Prepare, open and close democratic-evaluation rounds")
    VIEW_EVALUATION_RESULTS = "view_evaluation_results", _("See democratic-evaluation turnout and results")
    VIEW_SUPERVISION = "view_supervision", _("See every supervision item and draft bulletin")
    MANAGE_SUPERVISION = "manage_supervision", _("Register, follow up, verify and close supervision items")
    HANDLE_OWN_ITEMS = "handle_own_items", _("Work on the supervision items one owns")
    REVIEW_BULLETINS = "review_bulletins", _("Approve or return supervision bulletins")
    COMPOSE_BULLETINS = "compose_bulletins", _("Compose and publish supervision bulletins")
    VIEW_BULLETINS = "view_bulletins", _("Read published supervision bulletins")
    VIEW_QUARTERLY = "view_quarterly", _("See the quarterly meetings, final lagging lists and rectifications")
    MANAGE_QUARTERLY = (
        "manage_quarterly",
        _("Prepare quarterly meetings, lagging rules and lists, statements and rectification plans"),
    )
    REVIEW_RECTIFICATIONS = "review_rectifications", _("Review a rectification of one's population")
    VIEW_DOSSIERS = "view_dossiers", _("Open any cadre's dossier (the basis for selection and appointment)")
    VIEW_OWN_DOSSIER = "view_own_dossier", _("Open one's own cadre dossier")
    FILL_RECORDS = "fill_records", _("Fill in the monthly records of the cadres in one's charge")
    VIEW_OWN_RECORDS = "view_own_records", _("Read one's own monthly records and exemplary marks")
    VIEW_RECORDS = "view_records", _("Read every monthly record and the exemplary cases")
    MANAGE_RECORDS = (
        "manage_records",
        _("Set the records' deadline and areas, return records, compile and archive the month"),
    )
    RAISE_APPEALS = "raise_appeals", _("Object to one's own published result or ask for its review")
    VIEW_APPEALS = "view_appeals", _("See every objection and review of the town with its due date")
    ANSWER_APPEALS = "answer_appeals", _("Answer objections and decide reviews in writing")
    MANAGE_APPEAL_RULES = "manage_appeal_rules", _("Set the publication and review windows")
    VIEW_ANNUAL = (
        "view_annual",
        _("See every cadre's annual score, proposed and final grade, and the honours"),
    )
    MANAGE_ANNUAL = (
        "manage_annual",
        _("Set the year's grading rules, enter vetoes and undetermined cases, compute and change grades"),
    )
    # xgettext:no-python-format
    APPROVE_ANNUAL_SHARE = "approve_annual_share", _("Approve an 优秀 share above 20% of a pool")
    VIEW_OWN_ANNUAL = "view_own_annual", _("See one's own annual score and grade")
    PUBLISH_ANNUAL = "publish_annual", _("Publish the year's annual grades to the town (公示)")
    CONFIRM_ANNUAL = "confirm_annual", _("Confirm the year's annual grades after the publication window")
    VIEW_PAY = "view_pay", _("See the pay plans of the year and every member's amount")
    MANAGE_PAY = "manage_pay", _("Set, compute and submit the pay plans")
    APPROVE_PAY = "approve_pay", _("Approve or return a submitted pay plan")
    VIEW_OWN_PAY = "view_own_pay", _("See one's own pay from an approved plan")
    VIEW_YEARBOOK = "view_yearbook", _("Read and download the town's annual report")


R = Role
_TOWN_STAFF = frozenset(
    {
        R.TOWN_ADMIN,
        R.ASSESSMENT_OFFICE,
        R.SUPERVISION_OFFICE,
        R.PARTY_BUILDING_OFFICE,
        R.GROUP_LEADER,
        R.SCORER,
        R.MAIN_LEADER,
        R.CITY_ADMIN,
    }
)

# The policy. The auditor appears only under the audit log: system, security and audit
# administration are kept apart, as government systems require.
POLICY: dict[Action, frozenset[Role]] = {
    Action.VIEW_TOWN: _TOWN_STAFF | {R.CADRE},
    # A cadre's home page is about their own work: the town's staff figures are for its staff.
    Action.VIEW_TOWN_FIGURES: _TOWN_STAFF,
    Action.VIEW_PEOPLE: _TOWN_STAFF | {R.CADRE},
    Action.VIEW_PERSONAL_DATA: frozenset({R.TOWN_ADMIN, R.ASSESSMENT_OFFICE, R.CITY_ADMIN}),
    Action.MANAGE_PEOPLE: frozenset({R.TOWN_ADMIN, R.ASSESSMENT_OFFICE, R.CITY_ADMIN}),
    Action.MANAGE_USERS: frozenset({R.TOWN_ADMIN, R.CITY_ADMIN}),
    Action.VIEW_AUDIT_LOG: frozenset({R.AUDITOR}),
    Action.MANAGE_TOWNS: frozenset({R.CITY_ADMIN}),
    # The scheme is published to every cadre ("everyone can see how their score is reached").
    Action.VIEW_SCHEMES: _TOWN_STAFF | {R.CADRE},
    Action.MANAGE_SCHEMES: frozenset({R.ASSESSMENT_OFFICE}),
    Action.MANAGE_PERIODS: frozenset({R.ASSESSMENT_OFFICE}),
    # Scorers and group leaders act on their own population only: see `population_scope`.
    Action.ENTER_SCORES: frozenset({R.SCORER, R.GROUP_LEADER}),
    Action.APPROVE_SCORES: frozenset({R.GROUP_LEADER}),
    Action.MANAGE_ADJUSTMENTS: frozenset({R.ASSESSMENT_OFFICE}),
    # Registering and approving are kept apart: the Party secretary (main leader) approves.
    Action.APPROVE_ADJUSTMENTS: frozenset({R.MAIN_LEADER}),
    Action.VIEW_RESULTS: frozenset(
        {R.ASSESSMENT_OFFICE, R.MAIN_LEADER, R.GROUP_LEADER, R.SCORER, R.CITY_ADMIN}
    ),
    Action.VIEW_PUBLISHED_RESULTS: _TOWN_STAFF | {R.CADRE},
    # Leaders and offices see everyone's results; what a cadre sees of colleagues is the town's
    # setting (`Town.results_disclosure`): see `may_see_breakdown` and `ranking_limited_to`.
    Action.VIEW_EVERYONES_RESULTS: _TOWN_STAFF,
    # A published month changes only by a numbered correction (更正): the office sees what a later
    # input would change and publishes or declines it; the Party secretary may decide it too, so that
    # whoever caused it (e.g. closed the round) is not the one deciding (duties apart).
    Action.VIEW_CORRECTIONS: frozenset({R.ASSESSMENT_OFFICE, R.MAIN_LEADER, R.CITY_ADMIN}),
    Action.DECIDE_CORRECTIONS: frozenset({R.ASSESSMENT_OFFICE, R.MAIN_LEADER}),
    Action.CORRECT_SCORES: frozenset({R.ASSESSMENT_OFFICE}),
    # The assessment office runs the democratic evaluation. Nobody, administrators included, can see a
    # ballot tied to a rater: the tables do not hold the link (see kaoping/evaluation/models.py).
    Action.MANAGE_EVALUATIONS: frozenset({R.ASSESSMENT_OFFICE}),
    Action.VIEW_EVALUATION_RESULTS: frozenset({R.ASSESSMENT_OFFICE, R.MAIN_LEADER, R.CITY_ADMIN}),
    # Supervision (督查督办) belongs to the supervision office; the main leaders read everything.
    Action.VIEW_SUPERVISION: frozenset(
        {R.SUPERVISION_OFFICE, R.MAIN_LEADER, R.ASSESSMENT_OFFICE, R.CITY_ADMIN}
    ),
    Action.MANAGE_SUPERVISION: frozenset({R.SUPERVISION_OFFICE}),
    # An owner acts only on the items they (or the department they head) own: the supervision
    # services check that per item; this action only says that cadres may try.
    Action.HANDLE_OWN_ITEMS: frozenset({R.CADRE}),
    Action.COMPOSE_BULLETINS: frozenset({R.SUPERVISION_OFFICE}),
    # The article has the deputy secretary review bulletins. There is no deputy-secretary role, so
    # the main leader reviews; composing and reviewing stay with different people.
    Action.REVIEW_BULLETINS: frozenset({R.MAIN_LEADER}),
    # Published bulletins are open to the whole town (公开、透明).
    Action.VIEW_BULLETINS: _TOWN_STAFF | {R.CADRE},
    # The quarterly meeting (季度观摩述职评比) is the town's own: its final lagging list and the
    # statements made at it are read out in the meeting. Drafts are the assessment office's.
    Action.VIEW_QUARTERLY: _TOWN_STAFF | {R.CADRE},
    Action.MANAGE_QUARTERLY: frozenset({R.ASSESSMENT_OFFICE}),
    # The group leader of the cadre's population closes a rectification (see `population_scope`);
    # whoever recorded the plan never reviews it (duties apart).
    Action.REVIEW_RECTIFICATIONS: frozenset({R.GROUP_LEADER}),
    # A cadre's dossier (干部档案) gathers years of scores, ranks and handling: the basis for selection
    # and appointment (选拔任用). The offices that prepare those decisions (assessment office,
    # Party-building office, which handles cadres) and the Party secretary read anyone's; the town and
    # city administrators run the system, not personnel decisions, and do not. A cadre reads their own
    # (`dossier_allowed`). Every opening of someone else's dossier is audited (kaoping/dossier/views.py).
    Action.VIEW_DOSSIERS: frozenset({R.ASSESSMENT_OFFICE, R.PARTY_BUILDING_OFFICE, R.MAIN_LEADER}),
    Action.VIEW_OWN_DOSSIER: frozenset({R.CADRE}),
    # Monthly achievement records (纪实). A leader in charge is a leadership member with an account:
    # the action says cadres may try, `may_fill_record` says for which cadres (those of their areas).
    Action.FILL_RECORDS: frozenset({R.CADRE}),
    Action.VIEW_OWN_RECORDS: frozenset({R.CADRE}),
    # The Party-building office compiles them, the main leader chairs the meeting, the assessment
    # office archives them as a basis for selection and appointment.
    Action.VIEW_RECORDS: frozenset(
        {R.PARTY_BUILDING_OFFICE, R.MAIN_LEADER, R.ASSESSMENT_OFFICE, R.CITY_ADMIN}
    ),
    Action.MANAGE_RECORDS: frozenset({R.PARTY_BUILDING_OFFICE}),
    # Objections (异议) during the publication window and reviews (复核) after it: a cadre raises them
    # about their own result only (`may_read_appeal`); the assessment office answers in writing, never
    # about their own result (kaoping/appeals/services.py); the Party secretary follows them.
    Action.RAISE_APPEALS: frozenset({R.CADRE}),
    Action.VIEW_APPEALS: frozenset({R.ASSESSMENT_OFFICE, R.MAIN_LEADER, R.CITY_ADMIN}),
    Action.ANSWER_APPEALS: frozenset({R.ASSESSMENT_OFFICE}),
    Action.MANAGE_APPEAL_RULES: frozenset({R.ASSESSMENT_OFFICE}),
    # The annual evaluation (年度综合评价): grades decide honours and pay, so every cadre's proposal is
    # read by the offices preparing those decisions and the Party secretary (and the city); the
    # assessment office runs it; a 优秀 share above 20% is approved by the main leader, never by whoever
    # set it. A cadre reads their own year only (`annual_allowed`).
    Action.VIEW_ANNUAL: frozenset(
        {R.ASSESSMENT_OFFICE, R.PARTY_BUILDING_OFFICE, R.MAIN_LEADER, R.CITY_ADMIN}
    ),
    Action.MANAGE_ANNUAL: frozenset({R.ASSESSMENT_OFFICE}),
    Action.APPROVE_ANNUAL_SHARE: frozenset({R.MAIN_LEADER}),
    Action.VIEW_OWN_ANNUAL: frozenset({R.CADRE}),
    # The office publishes the proposal for the window and confirms it once every objection is answered
    # (the issue: "after the window the office confirms the grades"); the annual flow has no submit and
    # approve steps between people, so no duties-apart rule applies here.
    Action.PUBLISH_ANNUAL: frozenset({R.ASSESSMENT_OFFICE}),
    Action.CONFIRM_ANNUAL: frozenset({R.ASSESSMENT_OFFICE}),
    # Pay tied to the annual results (不在编人员奖金, 事业单位奖励性绩效工资): money is one person's own
    # business, so the plans and everyone's amounts are read by the office that prepares them and the
    # Party secretary who approves them only; the office computes and submits, the main leader approves
    # (never whoever submitted). A cadre reads their own amount of an approved plan (`own_pay_allowed`).
    Action.VIEW_PAY: frozenset({R.ASSESSMENT_OFFICE, R.MAIN_LEADER}),
    Action.MANAGE_PAY: frozenset({R.ASSESSMENT_OFFICE}),
    Action.APPROVE_PAY: frozenset({R.MAIN_LEADER}),
    Action.VIEW_OWN_PAY: frozenset({R.CADRE}),
    # The town's annual report (年度报告): the year's grade counts against the quotas, honours, pay
    # totals per plan (no one's amount), lagging lists, exemplary cases and objections, for the offices
    # that prepare the year's decisions, the Party secretary, the leaders (assessment-group leaders) and
    # the city, read-only. A cadre does not read the town's report: their year is in their dossier.
    Action.VIEW_YEARBOOK: frozenset(
        {R.ASSESSMENT_OFFICE, R.PARTY_BUILDING_OFFICE, R.MAIN_LEADER, R.GROUP_LEADER, R.CITY_ADMIN}
    ),
}


@dataclass(frozen=True)
class Grant:
    role: Role
    town_id: int | None  # None: every town
    population: str = ""


# Read at every request: statements built once (core/reads.py).
_ROLES = Read(RoleAssignment, "t.user_id = %s", order_by="t.id")
_TOWN = Read(Town, "t.slug = %s")

# A user's roles as one column of the statement that reads the user (accounts/backends.py, at every
# request): a JSON array of [id, role, town, population], one per role, in any order.
_ROLE_ROWS = (
    "SELECT {array_of}({array}(r.id, r.role, r.town_id, r.population)) "
    f'FROM "{RoleAssignment._meta.db_table}" r WHERE r.user_id = t.id'
)
ROLE_ROWS = {
    "postgresql": _ROLE_ROWS.format(array_of="json_agg", array="json_build_array"),
    "sqlite": _ROLE_ROWS.format(array_of="json_group_array", array="json_array"),
}


def keep_grants(user: User, role_rows: str | list | None) -> None:
    """Keep on `user` what they hold, from their roles read with them (`ROLE_ROWS`: the driver's JSON,
    text or already decoded; None for none)."""
    rows = json.loads(role_rows) if isinstance(role_rows, str) else role_rows or []
    user._kaoping_grants = _grants(
        user, ((role, town, population) for _id, role, town, population in sorted(rows))
    )


def grants(user: User) -> tuple[Grant, ...]:
    """Everything the user holds, loaded once per request and kept on the user object (read with the
    user by the login backend, else here)."""
    if not user.is_authenticated or not user.is_active:
        return ()
    cached = getattr(user, "_kaoping_grants", None)
    if cached is None:
        cached = user._kaoping_grants = _grants(
            user, ((r.role, r.town_id, r.population) for r in _ROLES.all(user.pk))
        )
    return cached


def _grants(user: User, roles: Iterable[tuple[str, int | None, str]]) -> tuple[Grant, ...]:
    held = tuple(Grant(Role(role), town_id, population) for role, town_id, population in roles)
    if user.cadre_id is not None:
        held += (Grant(Role.CADRE, user.cadre.town_id),)
    return held


def roles_in(user: User, town: Town | None) -> frozenset[Role]:
    """The roles the user holds in `town` (city-wide roles count in every town)."""
    return frozenset(
        g.role for g in grants(user) if g.town_id is None or (town is not None and g.town_id == town.pk)
    )


def can(user: User, action: Action | str, town: Town | None = None) -> bool:
    """True when one of the user's roles in `town` is allowed `action`."""
    return bool(roles_in(user, town) & POLICY[Action(action)])


def is_city_wide(user: User) -> bool:
    return any(g.town_id is None for g in grants(user))


def towns_for(user: User) -> models.QuerySet[Town]:
    """The towns whose data the user may see at all."""
    if is_city_wide(user):
        return Town.objects.all()
    return Town.objects.filter(pk__in={g.town_id for g in grants(user)})


def require(user: User, action: Action | str, town: Town | None = None) -> None:
    """Raise PermissionDenied (403) unless the user may do `action` in `town`."""
    if not can(user, action, town):
        raise PermissionDenied(_("You are not allowed to do this."))


def town_or_404(request: HttpRequest, slug: str, action: Action | str) -> Town:
    """The town named in the URL, if the user belongs to it and may do `action` there.

    A town the user has no role in answers 404, so that one town's users cannot even learn
    which other towns exist; a town they belong to but an action they lack answers 403.
    """
    town = _TOWN.one(slug)
    if town is None or not roles_in(request.user, town):
        raise Http404
    require(request.user, action, town)
    request.town = town  # for the navigation bar
    return town


def object_in_town_or_404(queryset: models.QuerySet, town: Town, **lookup):
    """Fetch an object only if it belongs to `town`; another town's object is a 404."""
    return get_object_or_404(queryset, town=town, **lookup)


def can_for_population(user: User, action: Action | str, town: Town, population: str) -> bool:
    """Like `can`, where a per-population role (scorer, group leader) counts for its population only."""
    allowed = POLICY[Action(action)]
    return any(
        g.role in allowed
        and g.town_id in (None, town.pk)
        and (g.role not in Role.for_population() or g.population == population)
        for g in grants(user)
    )


def population_scope(user: User, town: Town, role: Role) -> frozenset[str]:
    """The populations for which the user holds a per-population role (group leader, scorer)."""
    return frozenset(g.population for g in grants(user) if g.role == role and (g.town_id in (None, town.pk)))


def may_see_breakdown(user: User, town: Town, cadre_id: int) -> bool:
    """Whether `user` may read the line-by-line breakdown of cadre `cadre_id`'s published results.

    Leaders and offices read everyone's; a cadre reads their own, and a colleague's only where the
    town discloses every breakdown (`ResultsDisclosure.ALL_BREAKDOWNS`). Whether the month itself is
    visible (published, or seen before publication) is the page's question, not this one.
    """
    if can(user, Action.VIEW_EVERYONES_RESULTS, town):
        return True
    if not can(user, Action.VIEW_PUBLISHED_RESULTS, town):
        return False
    if user.cadre_id == cadre_id:
        return True
    return town.results_disclosure == ResultsDisclosure.ALL_BREAKDOWNS


def ranking_limited_to(user: User, town: Town) -> int | None:
    """The one cadre whose row a ranking (page or export) may show `user`, or None for every row.

    Where the town shows a cadre only their own total and rank (`ResultsDisclosure.OWN_ONLY`), a
    cadre who is not also a leader or an office sees their own row only (-1 when they have no cadre
    record: no row at all). Everyone else sees every row.
    """
    if can(user, Action.VIEW_EVERYONES_RESULTS, town):
        return None
    if town.results_disclosure != ResultsDisclosure.OWN_ONLY:
        return None
    return user.cadre_id or -1


def dossier_allowed(user: User, town: Town, cadre_id: int) -> bool:
    """May `user` open the dossier of cadre `cadre_id` of `town`: anyone's by role, or their own."""
    if can(user, Action.VIEW_DOSSIERS, town):
        return True
    return user.cadre_id == cadre_id and can(user, Action.VIEW_OWN_DOSSIER, town)


def may_read_appeal(user: User, town: Town, *, cadre_id: int) -> bool:
    """Whether `user` may read an objection or review about the cadre `cadre_id`: the offices that
    follow them all, and the cadre it is about (nobody else: a colleague's objection is theirs)."""
    if can(user, Action.VIEW_APPEALS, town):
        return True
    return can(user, Action.RAISE_APPEALS, town) and user.cadre_id == cadre_id


def may_raise_appeal(user: User, town: Town, *, cadre_id: int) -> bool:
    """Whether `user` may object to, or ask for a review of, a result of the cadre `cadre_id`: only
    that cadre, through the account linked to them."""
    return can(user, Action.RAISE_APPEALS, town) and user.cadre_id == cadre_id


def annual_allowed(user: User, town: Town, cadre_id: int) -> bool:
    """May `user` read the annual score and grade of cadre `cadre_id` of `town`: anyone's by role, or
    their own."""
    if can(user, Action.VIEW_ANNUAL, town):
        return True
    return user.cadre_id == cadre_id and can(user, Action.VIEW_OWN_ANNUAL, town)


def own_pay_allowed(user: User, town: Town, cadre_id: int) -> bool:
    """May `user` read the pay of cadre `cadre_id` of `town` from an approved plan: their own only
    (the offices read every amount through `VIEW_PAY`, on the plan's page)."""
    return user.cadre_id == cadre_id and can(user, Action.VIEW_OWN_PAY, town)


def can_anywhere(user: User, action: Action | str) -> bool:
    """True when the user may do `action` in at least one town (for menus and landing pages)."""
    allowed = POLICY[Action(action)]
    return any(g.role in allowed for g in grants(user))


def may_fill_record(user: User, town: Town, *, leader_id: int) -> bool:
    """Whether `user` may fill (save, submit) a record whose leader in charge is the cadre `leader_id`:
    only that leader, through the account linked to them."""
    return can(user, Action.FILL_RECORDS, town) and user.cadre_id == leader_id


def may_read_record(user: User, town: Town, *, cadre_id: int, leader_id: int) -> bool:
    """Whether `user` may read the record of the cadre `cadre_id` filled by the leader `leader_id`:
    the offices that read every record, the leader who fills it, and the cadre it is about."""
    if can(user, Action.VIEW_RECORDS, town) or may_fill_record(user, town, leader_id=leader_id):
        return True
    return can(user, Action.VIEW_OWN_RECORDS, town) and user.cadre_id == cadre_id


# Account administration keeps the system, security and audit administrators apart (三员分立). These
# roles are granted or removed, and their holders' passwords reset, by the city administrator only;
# the town administrator manages the other roles of the town. Nobody does either for themselves.
CITY_GRANTED_ROLES = frozenset({R.TOWN_ADMIN, R.MAIN_LEADER, R.AUDITOR})
_TOWN_ROLES = frozenset(r for r in Role if r not in Role.city_wide() | {R.CADRE})


def grantable_roles(actor: User, town: Town) -> frozenset[Role]:
    """The roles `actor` may grant to, or remove from, someone else in `town`."""
    held = roles_in(actor, town)
    if R.CITY_ADMIN in held:
        return _TOWN_ROLES
    if R.TOWN_ADMIN in held:
        return _TOWN_ROLES - CITY_GRANTED_ROLES
    return frozenset()


def role_change_refusal(
    actor: User, target: User | None, town: Town, before: set[str], after: set[str]
) -> str | None:
    """Why `actor` may not change `target`'s roles in `town` from `before` to `after`, or None."""
    changed = before ^ after
    if not changed:
        return None
    if target is not None and target.pk == actor.pk:
        return str(_("Nobody can grant or remove their own roles; ask another administrator."))
    roles = {Role(r.partition(":")[0]) for r in changed}  # "scorer:agency" is the scorer role
    refused = sorted(str(r.label) for r in roles if r not in grantable_roles(actor, town))
    if refused:
        return str(
            _("Only the city administrator can grant or remove these roles: %(roles)s.")
            % {"roles": "、".join(refused)}
        )
    return None


def city_auditor_refusal(actor: User, target: User | None) -> str | None:
    """Why `actor` may not grant or remove the auditor's role over every town, or None.

    The city-wide auditor reads the log of every town and the entries of no town (logins of unknown
    accounts, lockouts, system events); like the other city-granted roles, only the city
    administrator grants it, and never to themselves.
    """
    if target is not None and target.pk == actor.pk:
        return str(_("Nobody can grant or remove their own roles; ask another administrator."))
    if not any(g.role == R.CITY_ADMIN for g in grants(actor)):
        return str(_("Only the city administrator can grant or remove the auditor's role for every town."))
    return None


def account_administration_refusal(actor: User, target: User, town: Town) -> str | None:
    """Why `actor` may not reset the password of (or disable) `target`, or None.

    The holder of a city-granted role (anywhere) is administered by the city administrator only, a
    city administrator by nobody through these pages, and nobody administers their own account.
    """
    if target.pk == actor.pk:
        return str(_("Change your own password from your account menu; nobody resets their own."))
    held = {Role(r) for r in RoleAssignment.objects.filter(user=target).values_list("role", flat=True)}
    if R.CITY_ADMIN in held:
        return str(_("A city administrator's account is managed outside the town's pages."))
    if held & CITY_GRANTED_ROLES and R.CITY_ADMIN not in roles_in(actor, town):
        return str(_("Only the city administrator can reset this account: it holds a role the city grants."))
    return None


# Duties kept apart (四眼原则). Every two-step workflow (a score sheet submitted then approved, a
# bonus or deduction registered then decided, a bulletin sent for review then approved, a supervision
# result submitted then verified) has its second step taken by someone other than whoever took the
# first, whatever roles they hold. The services refuse through `require_duties_apart`; pages ask
# `duties_apart_problem` to hide the button and say why instead.


def duties_apart_problem(user: User, first_step_by_id: int | None, *, first_step: str) -> str:
    """Why `user` may not take the second step of a workflow whose first step (`first_step`, in
    words: "submitted this score sheet") was taken by the user `first_step_by_id`; "" when they may."""
    if first_step_by_id is None or user.pk != first_step_by_id:
        return ""
    return str(
        _("You %(first_step)s: someone else must take the next step, so that two people see it.")
        % {"first_step": first_step}
    )


def require_duties_apart(user: User, first_step_by_id: int | None, *, first_step: str) -> None:
    """Raise DomainError when `user` took the first step of the workflow (see `duties_apart_problem`)."""
    if problem := duties_apart_problem(user, first_step_by_id, first_step=first_step):
        raise DomainError(problem)
