"""What the pay workflow posts to the inbox (`kaoping.inbox.services`).

- Submitted: the town's main leader(s) are asked to approve (about ``pay.plan:<id>``); the office's
  message that the plan was returned is done.
- Returned: the leader's request is done; the assessment office reads why (about
  ``pay.plan:<id>:office``), until the plan is submitted again.
- Withdrawn by the office: the leader's request is done.
- Approved: the leader's request is done; the office is told; each paid member with an account is told
  that their pay of the year can be read, linking to their own pay page. The message never names an
  amount: the page shows a person only their own.

Keys carry the plan's version at the step, so a plan submitted, returned and submitted again asks
again each time, and a retried step posts nothing twice.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kaoping.accounts.models import Role, User
from kaoping.inbox import services as inbox
from kaoping.inbox.matters import Matter

from .models import PayPlan, PlanKind

APPROVE, RETURNED, APPROVED, AVAILABLE = "pay.approve", "pay.returned", "pay.approved", "pay.available"


def subject(plan: PayPlan) -> str:
    """What the leader's request to approve is about."""
    return f"pay.plan:{plan.pk}"


def office_subject(plan: PayPlan) -> str:
    """What the office's messages about the plan's decision are about."""
    return f"pay.plan:{plan.pk}:office"


def _matter(plan: PayPlan, about: str, actor: User | None = None) -> Matter:
    """Messages `about` the plan, linking to its page."""
    link = reverse("pay:plan", args=[plan.town.slug, plan.year, plan.kind])
    return Matter(subject=about, link=link, town=plan.town, actor=actor)


def _params(plan: PayPlan) -> dict:
    # The lazy label: rendered in the site's language with the title, whoever's request posted it.
    return {"plan": PlanKind(plan.kind).label, "year": plan.year}


def submitted(plan: PayPlan, actor: User) -> None:
    inbox.resolve(subject=office_subject(plan), kinds=[RETURNED])
    _matter(plan, subject(plan), actor).notify(
        recipients=inbox.recipients_with_roles(plan.town, [Role.MAIN_LEADER]),
        kind=APPROVE,
        key=f"{APPROVE}:{plan.pk}:{plan.version}",
        title=_("Pay plan waiting for your approval: %(plan)s %(year)s"),
        body=_("Submitted by %(who)s. Approve it to freeze the amounts, or return it with a reason."),
        params={**_params(plan), "who": actor.get_full_name() or actor.get_username()},
    )


def withdrawn(plan: PayPlan) -> None:
    inbox.resolve(subject=subject(plan), kinds=[APPROVE])


def returned(plan: PayPlan, actor: User) -> None:
    inbox.resolve(subject=subject(plan), kinds=[APPROVE])
    _matter(plan, office_subject(plan), actor).notify(
        recipients=inbox.recipients_with_roles(plan.town, [Role.ASSESSMENT_OFFICE]),
        kind=RETURNED,
        key=f"{RETURNED}:{plan.pk}:{plan.version}",
        title=_("Pay plan returned by the main leader: %(plan)s %(year)s"),
        body=_("Reason: %(reason)s"),
        params={**_params(plan), "reason": plan.returned_reason},
    )


def approved(plan: PayPlan, actor: User, paid_cadre_ids: list[int]) -> None:
    inbox.resolve(subject=subject(plan), kinds=[APPROVE])
    _matter(plan, office_subject(plan), actor).notify(
        recipients=inbox.recipients_with_roles(plan.town, [Role.ASSESSMENT_OFFICE]),
        kind=APPROVED,
        key=f"{APPROVED}:{plan.pk}",
        title=_("Pay plan approved: %(plan)s %(year)s"),
        body=_("The amounts are frozen: export the Excel for the finance office."),
        params=_params(plan),
    )
    mine = reverse("pay:mine", args=[plan.town.slug])
    Matter(subject=f"pay.plan:{plan.pk}:available", link=mine, town=plan.town, actor=actor).notify(
        recipients=inbox.users_of_cadres(paid_cadre_ids),
        kind=AVAILABLE,
        key=f"{AVAILABLE}:{plan.pk}",
        title=_("Your %(year)s pay is available: %(plan)s"),
        body=_("Open your pay page to read your amount and how it was reached."),
        params=_params(plan),
    )
